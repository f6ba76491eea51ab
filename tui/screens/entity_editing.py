"""The reader's entity corrections: the corrected entities of the report shown
and the entity mode's actions (a mixin of ReaderScreen; the cursor maths are
in tui/entity_mode.py).

Every analyst's corrections become rules (``annotations.corrections``) applied
on top of the cached analysis whenever the report is shown and whenever the
corrections file changed (``store.corrections_version``: one fstat), so a
correction shows at once in every report opened after it, and undo/redo of a
correction redraws like a tag's.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace

from rich.text import Text

from annotations.corrections import (
    CorrectionError,
    Rules,
    make_remove,
    make_set,
    occurrences,
    word_spans,
)
from annotations.errors import BaocaoError
from annotations.store.records import now_iso

from ..bindings import keys_for
from ..entity_mode import EntityMode

# check_action: what the entity mode turns off (they act on sentences)
SENTENCE_ACTIONS = frozenset({"tag", "none", "note", "toggle_done", "next_untagged", "goto",
                              "jump", "page"})


class EntityEditing:
    emode: EntityMode | None = None
    entities: list = []  # the report's corrected entities, as drawn
    _rules: tuple | None = None  # (corrections version, Rules)
    _rules_applied: tuple | None = None  # (report id, version) drawn
    last_correction = ""  # what the last correction did (the panel says it)

    # ------------------------------------------------------------ corrected entities
    def rules(self) -> Rules:
        store = self.store
        version = store.corrections_version if store is not None else None
        if self._rules is None or self._rules[0] != version:
            corrections = store.corrections() if store is not None else []
            self._rules = (version, Rules(corrections, self.app.annotator))
        return self._rules[1]

    def apply_rules(self, force: bool = False) -> None:
        """Draw the report's entities with every correction applied (again only
        when the corrections changed, or ``force``: a new report)."""
        try:
            rules = self.rules()
        except (BaocaoError, OSError) as exc:  # a broken corrections file: show the model's
            if force:
                self.notify(f"{exc}", title="Entity corrections unreadable", severity="error",
                            markup=False, timeout=10)
            rules = Rules((), "")
        key = (self.report_id, self._rules[0] if self._rules else None)
        if not force and key == self._rules_applied:
            return
        self._rules_applied = key
        self.entities = rules.apply(self.report_id, self.canonical, self.view.analysis.entities)
        self.view.set_entity_spans(self.entities)
        if self.emode is not None:
            self._entity_info()

    def entity_report_shown(self) -> None:
        """A report was (re)loaded into the view."""
        if self.emode is not None:
            self.leave_entity_mode()
        self.apply_rules(force=True)

    def _apply_added(self, correction) -> None:
        """A correction just made (it ranks first): added to the compiled rules and
        applied again only in the paragraphs where its words occur (a rule never
        crosses a paragraph break), the others' entities kept."""
        rules = self._rules[1]
        window = rules.plus(correction)
        version = self.store.corrections_version
        self._rules = (version, rules)
        paras = self.view.analysis.paragraphs
        starts = [p.start for p in paras]
        hit = {bisect_right(starts, off) - 1 for off in occurrences(self.canonical, window)}
        hit.add(bisect_right(starts, correction.start) - 1)
        spans = [(paras[j].start, paras[j].end) for j in sorted(hit) if j >= 0]
        part = rules.apply(self.report_id, self.canonical, self.view.analysis.entities, spans)
        kept = [e for e in self.entities if bisect_right(starts, e.start) - 1 not in hit]
        self.entities = sorted(kept + part, key=lambda e: e.start)
        self._rules_applied = (self.report_id, version)
        self.view.set_entity_spans(self.entities)

    # ------------------------------------------------------------ the mode
    def entity_check(self, action: str) -> bool:
        """Whether an action runs in the current mode."""
        if self.emode is not None:
            return action not in SENTENCE_ACTIONS
        return not action.startswith("entity_") or action == "entity_mode"

    def action_entity_mode(self) -> None:
        if self.emode is not None:
            self.leave_entity_mode()
            return
        if not self.view.sentence_count:
            return
        analysis = self.view.analysis
        paras = [(p.start, p.end) for p in analysis.paragraphs]
        self.emode = EntityMode(word_spans(self.canonical, analysis), paras,
                                analysis.sentences[self.view.cursor].start)
        if not self.emode.words:
            self.emode = None
            return
        if not self.view.entities_on:
            self.view.set_entities(True)
        bar = self.query_one("#keys")
        # the full bar has no room for ctrl+e (help and the palette list it); here it leaves
        bar.set_keys([replace(k, show=True) for k in keys_for("reader") if k.mode == "entity"
                      or k.id in ("entity_mode", "undo", "back")])
        self._entity_moved()

    def leave_entity_mode(self) -> None:
        self.emode = None
        self.view.set_span(None)
        self.query_one("#keys").set_keys(self.key_bar_keys())
        self._note_shown = None  # the note panel shows the sentence's note again
        self._update_cursor_info(True)

    def entity_back(self) -> None:
        if self.emode.selecting:
            self.emode.anchor = self.emode.cursor
            self._entity_moved()
        else:
            self.leave_entity_mode()

    def entity_move(self, delta: int, extend: bool = False) -> None:
        if extend:
            self.emode.extend(delta)
        else:
            self.emode.move(delta)
        self._entity_moved()

    def _entity_moved(self) -> None:
        m = self.emode
        word = m.words[m.cursor]
        self.view.set_span(m.selection)
        sentence = self.view.sentence_at_offset(word[0])
        if sentence != self.view.cursor:
            self.view.select(sentence)
        self._update_title()
        self._entity_info()

    def _entity_info(self) -> None:
        """The note panel says what the cursor is on."""
        m = self.emode
        s, e = m.selection
        info = Text("Entity mode", style="bold")
        info.append(f"\n{self.canonical[s:e]!r}" if len(self.canonical[s:e]) < 60 else "")
        ent = m.entity_under(self.entities) if not m.selecting else None
        if ent is not None:
            info.append(f"\n{self.canonical[ent.start:ent.end]!r}: {ent.label} ({ent.source})")
        if self.last_correction:
            info.append(f"\nlast: {self.last_correction}", style="dim")
        self._show("#note", info, layout=True)
        self._note_shown = None

    # ------------------------------------------------------------ corrections
    def _correct(self, what: str, make) -> None:
        if not self._writable():
            return
        try:
            correction = make(now_iso())
        except CorrectionError as exc:
            self.notify(exc.message, title=f"{what}: nothing changed", severity="warning",
                        markup=False, timeout=4)
            return
        before = self.store.corrections_version
        ok, change = self._store_call(what, self.store.correct, correction)
        if not ok:
            return
        self.emode.anchor = self.emode.cursor
        self.last_correction = change.what  # shown in the panel (a toast per key costs a layout)
        if self._rules is not None and self._rules[0] == before and before is not None:
            self._apply_added(correction)
        else:
            self.apply_rules()
        self.view.set_span(self.emode.selection)
        self._entity_info()

    def _target(self) -> tuple[int, int] | None:
        """The selection, or the entity under the cursor, or the cursor's word."""
        m = self.emode
        if m.selecting:
            return m.selection
        ent = m.entity_under(self.entities)
        return (ent.start, ent.end) if ent is not None else m.selection

    def action_entity_label(self, label: str) -> None:
        start, end = self._target()
        self._correct("Entity", lambda now: make_set(
            self.report_id, self.canonical, self.view.analysis, self.entities, start, end, label,
            annotator=self.store.annotator, now=now))

    def entity_remove(self) -> None:
        ent = self.emode.entity_under(self.entities)
        if ent is None:
            self.notify("No entity under the cursor.", timeout=2, markup=False)
            return
        self._correct("Removal", lambda now: make_remove(
            self.report_id, self.canonical, self.entities, ent.start, ent.end,
            annotator=self.store.annotator, now=now))

    def action_entity_edge(self, side: str, delta: int) -> None:
        ent = self.emode.entity_under(self.entities)
        if ent is None:
            self.notify("No entity under the cursor.", timeout=2, markup=False)
            return
        span = self.emode.edge_moved((ent.start, ent.end), side, delta)
        if span is None:
            self.notify("It cannot " + ("grow" if delta > 0 else "shrink") + " further.",
                        timeout=2, markup=False)
            return
        self._correct("Boundary", lambda now: make_set(
            self.report_id, self.canonical, self.view.analysis, self.entities, *span, ent.label,
            annotator=self.store.annotator, now=now))
        if self.emode.entity_under(self.entities) is None:  # shrunk away from the cursor
            self.emode.cursor = self.emode.anchor = self.emode.word_at(span[0])
            self._entity_moved()

    def on_screen_resume(self) -> None:
        if not self.loading_report:
            self.apply_rules()  # back from the rules list: some may be deleted

    async def action_rules(self) -> None:
        from .rules import RulesScreen

        await self.app.push_screen(RulesScreen())
