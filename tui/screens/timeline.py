"""The timeline (annotations/timeline.py): a stacked bar per period of the
tagged passages, each label in its colour and drawn with its own key letter
(never colour alone), a sparkline per entity selected in the entities screen,
and the numbers beside the bars on demand (`n`). `b` cycles month, quarter,
year. Reports dated only to a year and undated ones have rows of their own
below the periods, never spread over them. Drawn with Rich Text."""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from annotations import timeline
from annotations.entity_index import EntityIndex
from annotations.errors import BaocaoError, os_error_line
from annotations.text.sanitize import inert

from ..bindings import bindings_for, keys_for
from ..widgets.key_bar import KeyBar

SPARKS = "▁▂▃▄▅▆▇█"
HEAD = 18  # the period column


def sparkline(values: list[int]) -> str:
    """One block character per value, its height relative to the largest (0: a dot)."""
    top = max(values, default=0)
    if not top:
        return "·" * len(values)
    return "".join("·" if v == 0 else SPARKS[min(7, (v * 8 - 1) // top)] for v in values)


def bar(counts, series: list[str], styles: dict[str, tuple[str, str]], scale: float) -> Text:
    """A stacked bar: each series' share in its colour, written with its letter."""
    out = Text()
    for s in series:
        n = counts.get(s, 0)
        if n:
            letter, style = styles[s]
            out.append(letter * max(1, round(n * scale)), style=style)
    return out


class Drawn(Message):
    def __init__(self, passages, entities: list, error: str = "") -> None:
        super().__init__()
        self.passages = passages
        self.entities = entities
        self.error = error


class TimelineScreen(Screen):
    BINDINGS = bindings_for("timeline")

    def __init__(self) -> None:
        super().__init__()
        self.by = "quarter"
        self.numbers = False
        self.passages: timeline.Timeline | None = None
        self.entity_lines: list[timeline.Timeline] = []

    def compose(self) -> ComposeResult:
        yield Static(id="timeline-title")
        with VerticalScroll(id="timeline-body"):
            yield Static(id="timeline-legend")
            yield Static(id="timeline-chart")
            yield Static(id="timeline-sparks")
        yield KeyBar(keys_for("timeline") + keys_for("app"), id="keys")

    @property
    def styles_of(self) -> dict[str, tuple[str, str]]:
        """label -> (its key letter, its colour), from the store's label set."""
        return {lab.name: (lab.key, f"bold {lab.color}") for lab in self.app.labels}

    def on_mount(self) -> None:
        self._title("counting…")
        self._load()

    def _title(self, what: str) -> None:
        title = Text(f"Timeline by {self.by}: ", style="bold")
        title.append(what)
        self.query_one("#timeline-title", Static).update(title)

    @work(thread=True, exclusive=True, group="timeline")
    def _load(self) -> None:
        worker = get_current_worker()
        picked = list(getattr(self.app, "timeline_entities", []))
        try:
            passages = timeline.passages(self.app.home, self.by, labels=[lab.name for lab in self.app.labels])
            lines = []
            if picked:
                with EntityIndex(self.app.home, self.app.library) as index:
                    lines = [timeline.mentions(self.app.home, name, self.by, label=label, index=index,
                                               key=key) for key, label, name in picked]
            message = Drawn(passages, lines)
        except (BaocaoError, OSError) as exc:
            message = Drawn(None, [], str(exc) if isinstance(exc, BaocaoError) else os_error_line(exc))
        if not worker.is_cancelled:
            self.post_message(message)

    @on(Drawn)
    def _drawn(self, message: Drawn) -> None:
        if message.passages is None:
            self._title(message.error)
            return
        self.passages, self.entity_lines = message.passages, message.entities
        self._draw()

    def _draw(self) -> None:
        tl = self.passages
        styles = self.styles_of
        for s in tl.series:
            styles.setdefault(s, (s[:1] or "?", "bold"))
        self._title(f"{tl.total()} tagged passage(s)"
                    + (f", {len(self.entity_lines)} entity sparkline(s)" if self.entity_lines else ""))
        legend = Text("legend: ")
        for s in tl.series:
            letter, style = styles[s]
            legend.append(f"{letter} ", style=style)
            legend.append(f"{inert(s)}   ")
        self.query_one("#timeline-legend", Static).update(legend)
        rows = [(p, tl.counts[p]) for p in tl.periods]
        rows += [(f"{y} year only", c) for y, c in sorted(tl.year_only.items())]
        if tl.undated:
            rows.append(("undated", tl.undated))
        width = max(10, self.size.width - HEAD - (30 if self.numbers else 8))
        top = max((sum(c.values()) for _, c in rows), default=0)
        scale = width / top if top else 1.0
        chart = Text()
        for i, (period, counts) in enumerate(rows):
            if i == len(tl.periods) and i:
                chart.append("─" * (HEAD + width) + "\n", style="dim")  # the counts kept apart
            chart.append(f"{period:<{HEAD}}", style="dim" if i >= len(tl.periods) else "")
            chart.append_text(bar(counts, tl.series, styles, scale))
            total = sum(counts.values())
            if self.numbers:
                chart.append("  " + " ".join(f"{styles[s][0]}{counts.get(s, 0)}" for s in tl.series)
                             + f" = {total}", style="dim")
            elif total:
                chart.append(f" {total}", style="dim")
            chart.append("\n")
        if not rows:
            chart.append("No tagged passages yet.", style="dim")
        self.query_one("#timeline-chart", Static).update(chart)
        sparks = Text()
        if not self.entity_lines:
            sparks.append("\nEntities: select some with space in the entities screen (E) for a "
                          "sparkline each.", style="dim")
        dated = [p for line in self.entity_lines for p in line.periods]
        dated += tl.periods if dated else []  # the bars' periods too: one time axis
        span = timeline.period_range(min(dated), max(dated), self.by) if dated else []
        if span:  # one time axis for every sparkline
            sparks.append(f"\nEntities, mentions per {self.by} from {span[0]} to {span[-1]}:", style="dim")
        for line in self.entity_lines:
            values = [line.counts.get(p, {}).get(line.series[0], 0) for p in span]
            sparks.append(f"\n{inert(line.series[0])[:HEAD - 1]:<{HEAD}}", style="bold")
            sparks.append(sparkline(values))
            if self.numbers:
                sparks.append("  " + " ".join(str(v) for v in values), style="dim")
            apart = sum(sum(c.values()) for c in line.year_only.values()), sum(line.undated.values())
            if any(apart):
                sparks.append(f"  (+{apart[0]} year only, +{apart[1]} undated)", style="dim")
        self.query_one("#timeline-sparks", Static).update(sparks)

    def on_resize(self) -> None:
        if self.passages is not None:
            self._draw()

    def action_period(self) -> None:
        self.by = timeline.PERIODS[(timeline.PERIODS.index(self.by) + 1) % len(timeline.PERIODS)]
        self._title("counting…")
        self._load()

    def action_numbers(self) -> None:
        self.numbers = not self.numbers
        if self.passages is not None:
            self._draw()

    def action_back(self) -> None:
        self.app.pop_screen()
