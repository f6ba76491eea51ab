"""The reader's column of the other annotators' labels on the cursor sentence
(read-only): one line per annotator, their label's letter then their name;
``·`` is "none" (a decision, or undecided in a report they marked done), a
blank letter is undecided. An adjudicated label shows as ``gold``."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from annotations.agreement import GOLD, NONE, Review, review
from annotations.text.sanitize import inert


class OthersColumn(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.review: Review | None = None
        self.me = ""
        self.sentence = -1

    def load(self, store, library, report_id: str, analysis, me: str, sentence: int) -> None:
        """Read every annotator's decisions on the report (the store caches its shard)
        and show those on ``sentence``."""
        self.review, self.me = review(store, library, report_id, analysis), me
        self.show_sentence(sentence)

    def show_sentence(self, i: int) -> None:
        self.sentence = i
        rv = self.review
        out = Text("others", style="bold", no_wrap=True, overflow="ellipsis")
        others = [a for a in rv.annotators if a != self.me] if rv else []
        if not others:
            out.append("\nnobody else", style="dim")
        for who in others:
            out.append("\n")
            out.append_text(self._letter(rv.values.get(i, {}).get(who)))
            out.append(f" {inert(who)}", style="" if who in rv.done else "dim")
        if rv and i in rv.gold:
            out.append("\n")
            out.append_text(self._letter(rv.gold_value(i)))
            out.append(f" {GOLD}", style="italic")
        self.update(out)

    def _letter(self, value: str | None) -> Text:
        if value is None:
            return Text(" ")
        if value == NONE:
            return Text("·", style="dim")
        letter, color = self.app.letter_color(value)
        return Text(letter, style=f"bold {color}")
