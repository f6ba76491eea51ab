"""Command palette providers: reports (every screen) and the reader's commands.

Textual's fuzzy matcher compares characters as typed, so "xoa nha tam" scores
0 against "Xóa nhà tạm…"; it also tries every combination of letter positions,
which explodes on long titles. ReportsProvider folds instead (annotations.text.
vietnamese: lower case, no diacritics, one folded character per original one)
and, like the library's filter, wants every word of the query in the folded
title; the original title is shown with those words highlighted. Titles are
folded once per app, not per key stroke. What is shown is inert
(annotations.text.sanitize): a title's control characters appear as symbols.
"""
from __future__ import annotations

import re
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import FuzzySearch
from textual.style import Style

from annotations.text.sanitize import inert
from annotations.text.vietnamese import fold, fold_index

from .bindings import key_label, keys_for


class FoldedTitles:
    """report id -> (title, folded title, folded-to-original offsets), filled as
    titles are first asked for; a changed title is folded again. The offsets
    are into the title as shown (inert)."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str, str, list[int]]] = {}

    def get(self, report_id: str, title: str) -> tuple[str, list[int]]:
        entry = self._cache.get(report_id)
        if entry is None or entry[0] != title:
            folded, starts = fold_index(inert(title))
            entry = self._cache[report_id] = (title, folded, starts)
        return entry[1], entry[2]


def folded_titles(app) -> FoldedTitles:
    """The app's cache (one per app: providers are made per palette opening)."""
    cache = getattr(app, "_folded_titles", None)
    if cache is None:
        cache = app._folded_titles = FoldedTitles()
    return cache


def word_patterns(query: str) -> list[tuple[str, re.Pattern]]:
    """Each folded word of the query, with a pattern finding it at a word start."""
    return [(w, re.compile(r"(?<!\w)" + re.escape(w))) for w in fold(query).split()]


def match_words(words: list[tuple[str, re.Pattern]], folded: str) -> list[int] | None:
    """Offsets in ``folded`` of every query word (at a word start if it occurs
    there, else anywhere); None if a word is missing."""
    offsets: set[int] = set()
    for word, at_start in words:
        m = at_start.search(folded)
        start = m.start() if m else folded.find(word)
        if start < 0:
            return None
        offsets.update(range(start, start + len(word)))
    return sorted(offsets)


def highlight(title: str, starts: list[int], offsets: list[int], style: Style) -> Content:
    """The original title with the matched characters in ``style``. Content,
    not markup: a title like "[bold]…" is shown as written."""
    content = Content(title)
    for j in offsets:
        content = content.stylize(style, starts[j], starts[j + 1])
    return content


CANDIDATES = 300  # reports offered at most: more words narrow them down


class ReportsProvider(Provider):
    """"Open report: <title>" for every report whose folded title holds every
    word of the folded query (the first CANDIDATES the catalogue finds). Reports
    are not listed before typing: 10,000 of them would bury the commands."""

    PREFIX = "Open report: "

    async def search(self, query: str) -> Hits:
        words = word_patterns(query)
        if not words:
            return
        app = self.app
        titles = folded_titles(app)
        style = self.matcher(query).match_style
        scorer = FuzzySearch()  # Textual's scale, so reports and commands rank together
        whole = " ".join(w for w, _ in words)
        # the catalogue's candidates: their folded title, id or date holds every word
        for rid, raw, date in app.library.titles(query, limit=CANDIDATES):
            folded, starts = titles.get(rid, raw)
            offsets = match_words(words, folded)
            if offsets is None:  # a word in the id or date only
                continue
            score = scorer.score(folded, offsets) * (1.5 if whole in folded else 1.0)
            # ties: a title that starts with the query, then one it covers more of
            score *= 1.0 + (0.1 if offsets[0] == 0 else 0.0) + 0.05 * len(offsets) / len(folded)
            title = inert(raw)
            shown = Content(self.PREFIX) + highlight(title, starts, offsets, style)
            yield Hit(score, shown, partial(app.show_report, rid),
                      text=self.PREFIX + title,
                      help=inert(f"{date or 'undated'} · {rid}"))


def label_set_text(labels) -> str:
    """The palette's "Show label set": each label's key, name, colour,
    definition and examples (plain text: a notification, no markup; inert)."""
    blocks = []
    for lb in labels:
        lines = [f"{lb.key}  {lb.name}  ({lb.color})"]
        if lb.definition:
            lines.append(f"   {lb.definition}")
        lines += [f"   e.g. {example}" for example in lb.examples]
        blocks.append(inert("\n".join(lines), keep_newlines=True))
    return "\n".join(blocks)


class ReaderCommands(Provider):
    """The reader's keys marked ``palette`` in the binding table, with their key."""

    def _commands(self):
        keymap = getattr(self.app, "keymap", None)
        for spec in keys_for("reader"):
            if spec.palette:
                yield spec, spec.description, f"key: {key_label(spec, keymap)}"

    def _run(self, action: str):
        return partial(self.screen.run_action, action)

    async def discover(self) -> Hits:
        for spec, title, help_text in self._commands():
            yield DiscoveryHit(title, self._run(spec.action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for spec, title, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._run(spec.action),
                          text=title, help=help_text)
