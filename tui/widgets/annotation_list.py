"""The side panel's list of a report's annotations: one line each, drawn only
when visible (a report can carry hundreds), enter or a click jumps to one.
Annotators and passage texts are drawn inert (control characters shown)."""
from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.store import Annotation
from annotations.text.sanitize import inert


class AnnotationList(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("down,j", "cursor(1)", "Next", show=False),
        Binding("up,k", "cursor(-1)", "Previous", show=False),
        Binding("enter", "select", "Jump to it", show=False),
    ]
    COMPONENT_CLASSES = {"annotation-list--highlight", "annotation-list--dim"}

    class Selected(Message):
        def __init__(self, annotation: Annotation) -> None:
            super().__init__()
            self.annotation = annotation

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.annotations: list[Annotation] = []
        self.highlighted = 0
        self.me = ""
        self.letter_color = lambda label: ("?", "grey50")
        # keyed by what a row shows, so a new list re-renders only rows that changed
        self._cache: dict[tuple, Strip] = {}

    def set_annotations(self, annotations: list[Annotation], me: str, letter_color) -> None:
        self.annotations = annotations
        self.me = me
        self.letter_color = letter_color
        self.highlighted = min(self.highlighted, max(0, len(annotations) - 1))
        if len(self._cache) > 4 * len(annotations) + 256:
            self._cache.clear()
        self._size_for(len(annotations))
        self.border_title = f"Annotations ({len(annotations)})"
        self.refresh()

    @property
    def option_count(self) -> int:
        return len(self.annotations)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self) -> None:
        self._cache.clear()
        self._size_for(len(self.annotations))

    def _size_for(self, count: int) -> None:
        # A new virtual size means a layout pass, which repaints the whole screen:
        # past the view's height, grow in steps of 64 rows so tagging rarely changes it.
        # While the list fits, the virtual height is the view's: no scrollbar, no change.
        view = self.scrollable_content_region.height
        height = view if count <= view else -(-count // 64) * 64
        size = Size(0, height)
        if size != self.virtual_size:
            self.virtual_size = size

    def _line(self, a: Annotation, width: int, highlight: bool) -> Strip:
        letter, color = self.letter_color(a.label)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f" {letter} ", style=Style(bold=True, reverse=True, color=color))
        where = (f" {a.sentence_start + 1}" if a.sentence_start == a.sentence_end
                 else f" {a.sentence_start + 1}–{a.sentence_end + 1}")
        dim = self.get_component_rich_style("annotation-list--dim", partial=True)
        line.append(where, style=dim)
        if a.orphaned:  # its passage is not in the current text
            line.append(" ⚠ orphaned", style=Style(bold=True, color="yellow"))
        if a.note:
            line.append(" ✎")
        if a.annotator != self.me:
            line.append(f" ({inert(a.annotator)})", style=dim)
        line.append(" " + inert(a.text[: width * 2].replace("\n", " ")))
        line.truncate(width, overflow="ellipsis", pad=True)
        if highlight:
            line.stylize(self.get_component_rich_style("annotation-list--highlight",
                                                       partial=True))
        strip = Strip(list(line.render(self.app.console)), width)
        return strip.apply_style(self.rich_style)  # no background is painted under it

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        if index >= len(self.annotations):
            return Strip.blank(width, self.rich_style)
        highlight = index == self.highlighted and self.has_focus
        a = self.annotations[index]
        key = (a.id, a.label, a.note, a.sentence_start, a.sentence_end, a.orphaned,
               highlight, width)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._line(a, width, highlight)
            self._cache[key] = strip
        return strip

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        if not self.annotations:
            return
        self.highlighted = max(0, min(len(self.annotations) - 1, self.highlighted + delta))
        self.scroll_to_region(Region(0, self.highlighted, 1, 1), animate=False, immediate=True)
        self.refresh()

    def action_select(self) -> None:
        if self.annotations:
            self.post_message(self.Selected(self.annotations[self.highlighted]))

    def on_click(self, event: Click) -> None:
        # event.y counts from the border (the list's title row): rows start below it
        offset = event.get_content_offset(self)
        if offset is None:  # on the border
            return
        index = offset.y + self.scroll_offset.y
        if 0 <= index < len(self.annotations):
            self.highlighted = index
            self.refresh()
            self.action_select()
