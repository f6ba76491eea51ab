"""Label suggestions in the TUI: the model's worker, and the reader's marks and keys.

``SuggestionService`` (one per app, ``app.suggestions``): screens ask it for a
report's suggestions or for teach-queue questions; a background thread sends
each request to the model's own process (tui/suggest_process.py: one
``annotations.suggest.Suggester``, which trains in pure Python and in the
app's process would take the GIL from the UI), which retrains first (so the
model follows every tag: the store writes stay on the UI thread, the
Suggester reads its own read-only store), and posts the answer to the asking
screen. Requests made while one is worked on are coalesced, the latest of
each kind kept, and a suggestion request that follows another within
``QUIET`` waits until the keys have been quiet that long: that is the
debounce. A tag after a pause retrains at once; a burst of tags (fast typing,
J/K, Y) retrains once, after it, so no key shares its frame with a retrain's
repaint or its core with the retrain.

``Suggesting`` is the reader's part (a mixin of ReaderScreen): the dim marks
(tui/widgets/suggestion_marks.py) on undecided body sentences, ``y`` accepts
the cursor's suggestion and moves on, ``Y`` the paragraph's at or above
``[suggest] threshold`` (config.toml), ``S`` hides or shows them. An accepted
suggestion is stored with ``source="suggestion"``, its score and the model
version; a label key that differs from the suggestion shown is stored as
``source="manual"`` with that version (an override). Before the first label the
suggestions come from the cold-start prior, whose version is recorded as
``PRIOR``.
"""
from __future__ import annotations

import subprocess
import threading
import time
from functools import partial

from rich.text import Text
from textual.message import Message

from .widgets.suggestion_marks import Hint, tenths_of

PRIOR = "prior"  # the model version recorded for the cold-start prior's suggestions
QUIET = 0.3  # s: a suggestion request this soon after the one before waits for a pause


# ---------------------------------------------------------------- messages

class SuggestionsReady(Message):
    def __init__(self, report_id: str, version: str, suggestions: dict) -> None:
        super().__init__()
        self.report_id = report_id
        self.version = version
        self.suggestions = suggestions  # sentence -> annotations.suggest.Suggestion


class TeachQuestions(Message):
    def __init__(self, questions: list, version: str, labelled: int) -> None:
        super().__init__()
        self.questions = questions  # [Question]
        self.version = version
        self.labelled = labelled  # sentences the model learnt from


class TeachQuality(Message):
    def __init__(self, quality, version: str) -> None:
        super().__init__()
        self.quality = quality  # annotations.suggest.Quality or None (too few labels)
        self.version = version


class SuggestionsFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class Question:
    """A teach-queue item with what the screen needs to show and store it."""

    __slots__ = ("item", "paragraph", "para_start", "spans", "sha")

    def __init__(self, item, paragraph: str, para_start: int, spans: tuple, sha: str) -> None:
        self.item = item  # annotations.suggest.QueueItem
        self.paragraph = paragraph  # the text of the sentence's paragraph
        self.para_start = para_start  # its offset in the report's text
        self.spans = spans  # every sentence of the report: for the store's Selection
        self.sha = sha

    @property
    def key(self) -> tuple[str, int]:
        return self.item.report_id, self.item.sentence


# ---------------------------------------------------------------- the worker

class SuggestionService:
    def __init__(self, app) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)  # a newer request, or closing
        self._jobs: dict[str, tuple] = {}  # kind -> (screen, args): the latest request
        self._asked = float("-inf")  # when the latest suggestion request came (monotonic)
        self._burst = False  # ... and it came within QUIET of the one before
        self._skips: list = []  # QueueItems to skip, sent with the next request
        self._running = False
        self._closing = False
        self._process = None  # the model's process (tui/suggest_process.py), a Popen

    @property
    def busy(self) -> bool:
        """A request is being worked on or waiting (tests and benchmarks wait on it)."""
        with self._lock:
            return self._running or bool(self._jobs)

    def suggest(self, screen, report_id: str) -> None:
        """Post SuggestionsReady(report_id, ...) to ``screen`` (after a retrain)."""
        self._submit("suggest", screen, report_id)

    def teach(self, screen, limit: int) -> None:
        """Post TeachQuestions (the next ``limit``), then TeachQuality, to ``screen``."""
        self._submit("teach", screen, limit)

    def skip(self, item) -> None:
        with self._lock:
            self._skips.append(item)

    def _submit(self, kind: str, screen, *args) -> None:
        with self._lock:
            self._jobs[kind] = (screen, args)
            if kind == "suggest":
                now = time.monotonic()
                self._burst, self._asked = now - self._asked < QUIET, now
                self._wake.notify()
            if self._running or self._closing:
                return
            self._running = True
        self.app.run_worker(self._run, thread=True, group="suggest", name="suggestions",
                            exit_on_error=False)

    def close(self) -> None:
        """At exit: the model's process ends (now, or when the thread's request is done)."""
        with self._lock:
            self._closing = True
            self._wake.notify()
            if not self._running:
                self._close()

    def _close(self) -> None:
        if self._process is not None:
            process, self._process = self._process, None
            for pipe in (process.stdin, process.stdout):
                try:
                    pipe.close()  # at end of input its loop ends
                except OSError:  # it is gone already (the unsent request is dropped)
                    pass
            try:
                process.wait(1)
            except subprocess.TimeoutExpired:  # in the middle of a long request
                process.kill()
                process.wait()

    def _next(self):
        with self._lock:
            # a suggestion request inside a burst waits for QUIET without a newer one
            while self._jobs.keys() == {"suggest"} and self._burst and not self._closing:
                left = self._asked + QUIET - time.monotonic()
                if left <= 0:
                    self._burst = False
                    break
                self._wake.wait(left)
            if not self._jobs or self._closing:
                self._running = False
                if self._closing:
                    self._close()
                return None
            kind = "suggest" if "suggest" in self._jobs and not self._burst else \
                next(k for k in self._jobs if k != "suggest")
            skips, self._skips = self._skips, []
            return (kind, *self._jobs.pop(kind), skips)

    def _run(self) -> None:
        """The thread: one request after another until none is waiting, each
        sent to the model's process (waiting for it costs the UI nothing)."""
        try:
            while (job := self._next()) is not None:
                kind, screen, args, skips = job
                ok, answer = self._call(kind, skips, *args)
                if not ok:
                    screen.post_message(SuggestionsFailed(answer))
                elif kind == "suggest":
                    version, found = answer
                    screen.post_message(SuggestionsReady(args[0], version or PRIOR,
                                                         {s.sentence: s for s in found}))
                else:
                    self._teach(screen, *answer)
        except BaseException:
            with self._lock:
                self._running = False
            raise

    def _call(self, kind: str, skips: list, *args) -> tuple[bool, object]:
        """One request to the model's process (started at the first), its answer."""
        import pickle

        try:
            if self._process is None:
                self._process = _start_process()
            pickle.dump((kind, str(self.app.home.root), self.app.annotator, skips, *args),
                        self._process.stdin)
            self._process.stdin.flush()
            return pickle.load(self._process.stdout)
        except (OSError, EOFError, pickle.UnpicklingError):  # killed, out of memory
            self._close()  # the next request starts another
            return False, "the suggestion model's process ended; it restarts with the next change"

    def _teach(self, screen, version: str | None, labelled: int, found: list) -> None:
        version = version or PRIOR
        screen.post_message(TeachQuestions([Question(*q) for q in found], version, labelled))
        with self._lock:
            waiting = bool(self._jobs)
        if not waiting:  # the next window and a figure for the title; a newer request first
            ok, quality = self._call("quality", [])
            if ok:
                screen.post_message(TeachQuality(quality, version))


def _start_process():
    """python -m tui.suggest_process, with this interpreter and import path
    (a pipe each way: no multiprocessing, whose helpers need the terminal's
    file descriptors that Textual has taken)."""
    import os
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    return subprocess.Popen([sys.executable, "-m", "tui.suggest_process"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)


# ---------------------------------------------------------------- the reader's part

class Suggesting:
    """ReaderScreen's suggestions (see the module docstring). Expects the
    reader's report_id, body, view, spans, decided(), _decide() and friends."""

    suggestions: dict = {}  # sentence -> Suggestion, for the report shown
    suggest_version = ""
    suggestions_on = True
    _shown_memo: tuple | None = None  # (suggestions, decided, spans, shown_suggestions())
    _hint_cache: tuple | None = None  # (suggestions, sentence -> Hint, label colours)

    def request_suggestions(self) -> None:
        """Ask for the shown report's suggestions (after each change)."""
        self.update_hints()  # a sentence just decided loses its mark now
        if self.suggestions_on and self.report_id and not self.loading_report:  # hidden: no work
            self.app.suggestions.suggest(self, self.report_id)

    # handlers by name: Textual's @on registers only in classes it builds (not a mixin)
    def on_suggestions_ready(self, message: SuggestionsReady) -> None:
        if message.report_id != self.report_id:
            return  # the analyst moved on meanwhile; a request for this one follows
        self.suggestions, self.suggest_version = message.suggestions, message.version
        self.update_hints()

    def on_suggestions_failed(self, message: SuggestionsFailed) -> None:
        self.notify(message.error, title="No suggestions", severity="warning", markup=False)

    def shown_suggestions(self) -> dict:
        """sentence -> the Suggestion marked on screen (undecided body sentences).
        Kept while the suggestions, the decisions and the report are the same
        objects (a key asks several times); do not change the dict returned."""
        if not self.suggestions_on or self.done or self.loading_report:
            return {}
        decided = self.decided()
        memo = self._shown_memo
        if memo is not None and memo[0] is self.suggestions and memo[1] is decided \
                and memo[2] is self.spans:
            return memo[3]
        shown = {i: s for i, s in self.suggestions.items()
                 if i in self._body_set and i not in decided
                 and self.spans[i] == (s.start, s.end)}
        self._shown_memo = (self.suggestions, decided, self.spans, shown)
        return shown

    def update_hints(self) -> None:
        # One Hint per suggestion while the suggestions are the same: the view
        # compares the paragraphs' hints, and the same objects compare at once.
        cache = self._hint_cache
        if cache is None or cache[0] is not self.suggestions:
            colors = {lab.name: (lab.key.lower(), lab.color) for lab in self.app.labels}
            cache = self._hint_cache = (self.suggestions, {}, colors)
        made, colors = cache[1], cache[2]
        hints = []
        for i, s in self.shown_suggestions().items():
            hint = made.get(i)
            if hint is None:
                letter, color = colors.get(s.label, ("-", None))
                hint = made[i] = Hint(s.start, s.end, letter, color, tenths_of(s.score))
            hints.append(hint)
        self.view.set_hints(hints)
        self.show_suggestion()

    def show_suggestion(self) -> None:
        """The cursor's suggestion in full, in the side panel."""
        s = self.shown_suggestions().get(self.view.cursor) if self.view.sentence_count else None
        text = Text()
        if s is not None:
            text.append("suggestion: ", style="dim")
            text.append(s.label or "none")
            text.append(f" ({s.score:.2f}) · {self._key('accept')} accepts", style="dim")
        box = self.query_one("#suggestion")
        if box.display != bool(text):  # hidden when empty: the panel keeps its layout
            box.display = bool(text)
        self._show("#suggestion", text, layout=False)

    def _key(self, bid: str) -> str:
        from .bindings import BY_ID, key_hint

        return key_hint(BY_ID[bid], self.app.keymap)

    def action_toggle_suggestions(self) -> None:
        self.suggestions_on = not self.suggestions_on
        self.request_suggestions()
        self.notify("Suggestions shown." if self.suggestions_on else
                    f"Suggestions hidden ({self._key('suggestions')} shows them).",
                    timeout=2, markup=False)

    def tag_writer(self, label: str | None):
        """The store call for a label key (``None``: the none key): an override
        of the suggestion shown on a selected sentence when that suggestion differs."""
        lo, hi = self.view.selection
        shown = self.shown_suggestions()
        write = self.store.tag if label is not None else self.store.mark_none
        if any(i in shown and shown[i].label != label for i in range(lo, hi + 1)):
            return partial(write, model_version=self.suggest_version)
        return write

    def _accepting(self, s):
        if s.label is None:
            return (partial(self.store.mark_none, source="suggestion", score=s.score,
                            model_version=self.suggest_version), ())
        return (partial(self.store.tag, source="suggestion", score=s.score,
                        model_version=self.suggest_version), (s.label,))

    def action_accept(self) -> None:
        if not self.view.sentence_count or not self._writable():
            return
        i = self.view.cursor
        s = self.shown_suggestions().get(i)
        if s is None:
            self.notify("Decided already." if i in self.decided() else "No suggestion here.",
                        timeout=2, markup=False)
            return
        self._select(i)  # the cursor's sentence, not a selection
        fn, args = self._accepting(s)
        self._decide("Accept", fn, *args)
        if not self.app.advance and i in self.decided():
            self._select(self._body_step(i, 1))

    def action_accept_paragraph(self) -> None:
        """Every suggestion of the cursor's paragraph at or above the threshold;
        then the cursor goes to the paragraph's first sentence still undecided,
        else on to the next paragraph. The store has no batch: each sentence is
        its own undo step."""
        if not self.view.sentence_count or not self._writable():
            return
        sents = self.view.analysis.sentences
        para = sents[self.view.cursor].paragraph
        mine = [i for i in self.body if sents[i].paragraph == para]
        threshold = self.app.suggest_threshold
        shown = self.shown_suggestions()
        take = [shown[i] for i in mine if i in shown and shown[i].score >= threshold]
        if not take:
            self.notify(f"No suggestion in this paragraph reaches {threshold:.2f} "
                        "([suggest] threshold).", timeout=3, markup=False)
            return
        accepted = 0
        for s in take:
            fn, args = self._accepting(s)
            ok, _ = self._store_call("Accept", fn, self._selection_of(s.sentence), *args)
            if not ok:
                break
            accepted += 1
        self._refresh_annotations()
        decided = self.decided()
        left = [i for i in mine if i not in decided]
        self._select(left[0] if left else self._body_step(mine[-1], 1))
        if accepted:
            self.notify(f"Accepted {accepted} suggestion{'s' if accepted > 1 else ''}"
                        f"{f'; {len(left)} left to decide' if left else ''}. "
                        f"{self._key('undo')} undoes them one sentence at a time.",
                        timeout=3, markup=False)

    def _selection_of(self, i: int):
        from annotations.store import Selection

        return Selection(self.report_id, self.spans, i, i, self.meta.sha256)
