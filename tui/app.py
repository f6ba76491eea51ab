"""The Textual app: library -> reader, help, command palette.

``make_app(home, annotator)`` builds it for tests and benchmarks; ``run_app``
is what the bare ``baocao`` command runs. Start-up reads only the library index
and the store: underthesea is imported only if a report's analysis is missing
from the cache.
"""
from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from textual import on, work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import get_current_worker

from annotations.corpus.library import Library
from annotations.errors import BaocaoError, ConfigError, os_error_line
from annotations.home import Home
from annotations.store import DEFAULT_LABELS, AnnotationStore, Label, StoreError, StoreLocked
from annotations.store.labels import check_label_keys, load_config
from annotations.store.shards import StoreWriteError

from .bindings import bindings_for, reserved_keys
from .messages import ExportFinished
from .screens.library import LibraryScreen

# The reader, help and note screens are imported when first shown: start-up
# pays only for the library.

StoreFactory = Callable[..., AnnotationStore]

FALLBACK_LABELS = list(DEFAULT_LABELS)


def _reports_provider():
    from .commands import ReportsProvider  # the palette module loads when first opened

    return ReportsProvider


class BaocaoApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "baocao"
    BINDINGS = bindings_for("app")
    COMMANDS = App.COMMANDS | {_reports_provider}
    # -narrow: the reader folds its side panel into a status line (app.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (110, "-wide"),
                              (170, "-very-wide")]

    def __init__(self, home: Home | Path, annotator: str | None = None, *,
                 store_factory: StoreFactory | None = None, seed: bool = True) -> None:
        # Everything imported so far lives as long as the process: move it out of
        # the collector's sight, so no full collection (10-20 ms) lands on the
        # first frames. settle_memory() does the same once the library is shown.
        gc.freeze()
        # Drawing a key's frame makes a few thousand short-lived objects at once:
        # at the default 700 a tag ran 6-8 young collections (3-6 ms of its
        # ~25); at 5,000 nearly every key ends with none.
        gc.set_threshold(5000, 10, 10)
        super().__init__()
        self.home = Home.of(home)
        self.library = Library(self.home)
        # the library's first screen needs the table order: read it meanwhile
        threading.Thread(target=self.library.read_ahead, name="read-ahead", daemon=True).start()
        self.seed_on_start = seed
        self.store: AnnotationStore | None = None
        self.store_problem = ""
        self.readonly = False
        self.keymap: dict[str, str] = {}  # binding id -> keys, from config.toml [keymap]
        self.keymap_problem = ""
        self.advance = True  # [reader] advance: a label key tags, then moves on
        self.suggest_threshold = 0.6  # [suggest] threshold: what accept-the-paragraph takes
        self._suggestions = None  # the suggestion model's worker, made when first used
        self.start_teach = False  # open on the teach queue (baocao teach)
        self.locked_by_other = False  # another process writes this home: we never write
        self.home_writable = True  # False: a read-only disk or no permission
        self.saved_theme: str | None = None  # the theme config.toml names
        self._load_keymap()
        self._load_settings()
        self._open_store(store_factory or AnnotationStore, annotator)

    def _load_keymap(self) -> None:
        """[keymap] of config.toml, checked; any problem: the default keys, and a
        notification once the app runs."""
        try:
            raw = self.home.config().get("keymap", {})
        except ConfigError:
            return  # config.toml is unreadable: the store says so (it reads it too)
        if not raw:
            return
        from .keymap import load_keymap

        try:
            self.keymap = load_keymap(raw, self.home.config_path)
        except ConfigError as exc:
            self.keymap_problem = str(exc)
            return
        if self.keymap:
            self.set_keymap(self.keymap)

    def _load_settings(self) -> None:
        """``theme`` and [reader] of config.toml. A config.toml with problems
        is reported once, by the store (which reads it too): defaults here."""
        try:
            config = load_config(self.home)
        except ConfigError:
            return
        self.advance = config.advance
        self.suggest_threshold = config.suggest_threshold
        self.saved_theme = config.theme

    def _restore_theme(self) -> None:
        name = self.saved_theme
        if name is None or name == self.theme:
            return
        if name in self.available_themes:
            self.theme = name
        else:  # a theme of another Textual version, or a typo
            self.notify(f"{self.home.config_path}: no theme named {name!r}; using {self.theme}. "
                        "Pick one with ctrl+p, Change theme.", title="Theme not applied",
                        severity="warning", timeout=15, markup=False)

    def _theme_changed(self, theme) -> None:
        """Once the new theme's styles are in place: screens that draw texts from
        styles (the reader's legend) redraw them; the theme is saved to config.toml."""
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_theme", None)
            if refresh is not None:
                refresh()
        if theme.name == self.saved_theme:
            return
        from annotations.settings import save_theme

        try:
            save_theme(self.home, theme.name)
        except (ConfigError, OSError) as exc:
            self.notify(str(exc), title="Theme not saved", severity="warning", timeout=10,
                        markup=False)
        else:
            self.saved_theme = theme.name

    @property
    def ansi_theme(self):
        """As App.ansi_theme, cached per theme: Textual asks for it for every line it
        paints, and each ask rebuilds the dict of available themes (about 0.2 ms,
        a third of the cost of a key press that repaints the report)."""
        key = (self.theme, id(self.ansi_theme_dark), id(self.ansi_theme_light))
        cached = self.__dict__.get("_ansi_theme_cache")
        if cached is None or cached[0] != key:
            cached = (key, super().ansi_theme)
            self.__dict__["_ansi_theme_cache"] = cached
        return cached[1]

    # ------------------------------------------------------------ store
    def _open_store(self, factory: StoreFactory, annotator: str | None) -> None:
        """Writer if we can; read-only when another instance holds the home, or
        when the home cannot be written (a read-only disk, no permission)."""
        try:
            self.store = factory(self.home, annotator=annotator)
        except (StoreLocked, StoreWriteError, OSError) as exc:
            if isinstance(exc, StoreLocked):
                self.locked_by_other = True
                self.store_problem = str(exc)
            else:
                self.home_writable = False
                why = str(exc) if isinstance(exc, StoreWriteError) else os_error_line(exc)
                self.store_problem = f"this home cannot be written ({why})"
            try:
                self.store = factory(self.home, annotator=annotator, readonly=True)
            except (BaocaoError, OSError) as exc2:
                self.store_problem = str(exc2)
        except BaocaoError as exc:
            self.store_problem = str(exc)
        if self.store is not None:
            try:
                check_label_keys(self.store.labels, reserved_keys(self.keymap),
                                 self.home.config_path)
            except ConfigError as exc:
                self.store.close()
                self.store, self.store_problem = None, str(exc)
        self.readonly = self.store is None or self.store.readonly
        self._annotator = self.store.annotator if self.store else (annotator or "unknown")

    @property
    def annotator(self) -> str:
        return self._annotator

    @property
    def labels(self) -> list[Label]:
        return list(self.store.labels) if self.store else FALLBACK_LABELS

    def letter_color(self, label_name: str) -> tuple[str, str]:
        for label in self.labels:
            if label.name == label_name:
                return label.key.upper(), label.color
        return "?", "grey50"  # a label no longer in the label set

    def report_summary(self) -> dict[str, dict]:
        """report id -> {"labels": {label: n}, "tagged": sentences covered}, from
        the store's summary: one call, no shard is read."""
        if self.store is None:
            return {}
        try:
            return self.store.summary()
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return {}

    def settle_memory(self) -> None:
        """Collect once, then freeze what is alive. Python's full collections scan
        every object (with a report open, 100+ ms: a visible stall on a key
        press); frozen objects are skipped, so later automatic collections only
        look at what is new. Run when idle: after start-up and after a report opens.
        Unfreezing first lets garbage among formerly frozen objects be freed."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def schedule_settle(self) -> None:
        timer = getattr(self, "_settle_timer", None)
        if timer is not None:
            timer.stop()
        self._settle_timer = self.set_timer(0.4, self.settle_memory)

    def get_default_screen(self) -> Screen:
        # the library is the bottom screen: no empty default screen is drawn first
        return LibraryScreen()

    def on_mount(self) -> None:
        self._restore_theme()
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self.start_teach:  # baocao teach: the queue over the library (escape shows it)
            self.action_teach()
        # counted from the first frame: a start slower than the timer (a loaded
        # machine, a big library) must not pay a full collection before it shows
        self.call_after_refresh(self.schedule_settle)
        if self.store is None:
            self.notify(f"{self.store_problem}\nReports can be read but not tagged.",
                        title="Annotations unavailable", severity="error", timeout=30, markup=False)
        elif self.readonly:
            self.notify(f"{self.store_problem}\nOpened read-only: you can read, not tag.",
                        title="Read-only", severity="warning", timeout=15, markup=False)
        if self.keymap_problem:
            self.notify(f"{self.keymap_problem}\nThe default keys are in use.",
                        title="Keymap not applied", severity="error", timeout=30, markup=False)
        problems = self.store.problems if self.store else {}
        if problems:  # before anyone opens such a report
            first = next(iter(problems.values()))
            more = f"\n(and {len(problems) - 1} more)" if len(problems) > 1 else ""
            self.notify(f"{first}{more}\nThose reports can be read but not tagged.",
                        title=f"{len(problems)} annotation file(s) unreadable", severity="error",
                        timeout=30, markup=False)

    async def action_quit(self) -> None:
        for screen in self.screen_stack:  # a reader open at exit keeps its place
            leave = getattr(screen, "_leave", None)
            if leave is not None:
                leave()
        await super().action_quit()

    def on_unmount(self) -> None:
        if self._suggestions is not None:
            self._suggestions.close()
        self.close_store()

    @property
    def suggestions(self):
        """The suggestion model's worker (tui/suggestions.py)."""
        if self._suggestions is None:
            from .suggestions import SuggestionService

            self._suggestions = SuggestionService(self)
        return self._suggestions

    def close_store(self) -> None:
        if self.store is not None:
            store, self.store = self.store, None
            try:
                store.close()
            except StoreError:
                pass

    # ------------------------------------------------------------ navigation
    def open_report(self, order: list[str], index: int) -> None:
        from .screens.reader import ReaderScreen

        self.push_screen(ReaderScreen(order, index))

    def show_report(self, report_id: str) -> None:
        """Open a report from anywhere (the palette): in the reader if one is
        shown, with the whole library as its ]/[ order."""
        from .screens.reader import ReaderScreen

        order = self.library.ids()
        if isinstance(self.screen, ReaderScreen):
            self.screen.order = order
            self.screen.load(report_id)
        else:
            self.open_report(order, order.index(report_id))

    def _open_screen(self, module: str, name: str) -> None:
        """Show screen ``name`` of ``tui.screens.<module>`` unless it is on top;
        imported when first opened, so start-up does not pay for it."""
        cls = getattr(importlib.import_module(f"{__package__}.screens.{module}"), name)
        if not isinstance(self.screen, cls):
            self.push_screen(cls())

    def action_teach(self) -> None:
        self._open_screen("teach", "TeachScreen")

    def action_entities(self) -> None:
        self._open_screen("entities", "EntitiesScreen")

    def action_timeline(self) -> None:
        self._open_screen("timeline", "TimelineScreen")

    def action_search(self) -> None:
        self._open_screen("search", "SearchScreen")

    def action_passages(self) -> None:
        self._open_screen("search", "PassagesScreen")

    def action_help(self) -> None:
        self._open_screen("help", "HelpScreen")

    # ------------------------------------------------------------ palette
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """App-wide commands; reports come from ReportsProvider and the reader's
        own commands from its screen (tui/commands.py)."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Export annotations", "Write every annotation as native JSONL "
                            "under the home's exports/ folder", self.action_export)
        yield SystemCommand("Show label set", "The labels, their keys and colours",
                            self.action_show_labels)

    def action_show_labels(self) -> None:
        from .commands import label_set_text

        self.notify(label_set_text(self.labels), title="Label set", timeout=20, markup=False)

    def export_path(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return self.home.exports_dir / f"annotations-{stamp}.jsonl"

    def action_export(self) -> None:
        self.export(self.export_path())

    @work(thread=True, exclusive=True, group="export")
    def export(self, path: Path) -> None:
        """Off the UI thread, with its own read-only store and library: the UI's
        are never used from another thread. Posts ExportFinished."""
        from annotations.interchange.export import export_to_path, iter_records

        worker = get_current_worker()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with AnnotationStore(self.home, readonly=True) as store:
                n = export_to_path(iter_records(store, Library(self.home)), path)
        except (BaocaoError, OSError) as exc:
            message = ExportFinished(path, error=exc)
        else:
            message = ExportFinished(path, n)
        if not worker.is_cancelled:
            self.post_message(message)

    @on(ExportFinished)
    def _export_finished(self, message: ExportFinished) -> None:
        if message.error is not None:
            self.notify(str(message.error), title="Export failed", severity="error",
                        timeout=15, markup=False)
        else:
            self.notify(f"{message.count} annotations written to {message.path}",
                        title="Exported", timeout=15, markup=False)


def make_app(home: Home | Path, annotator: str | None = None, *,
             store_factory: StoreFactory | None = None, seed: bool = True,
             teach: bool = False) -> BaocaoApp:
    """The app on a home (tests and benchmarks pass their own annotator);
    ``teach``: opened on the teach queue."""
    app = BaocaoApp(Home.of(home), annotator, store_factory=store_factory, seed=seed)
    app.start_teach = teach
    return app


def run_app(home: Path, annotator: str | None = None, *, teach: bool = False) -> None:
    app = make_app(home, annotator, teach=teach)
    try:
        app.run()
    finally:
        app.close_store()
