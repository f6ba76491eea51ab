"""The side panel's annotation list: a click selects the entry under the mouse."""
from __future__ import annotations

from pilot_support import SIZE, app_for, longest, open_first

from tui.widgets.annotation_list import AnnotationList


async def test_clicking_an_entry_selects_that_entry(tui_home, store_factory):
    """The list has a border (its title row): before, a click selected the entry
    below the one clicked."""
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        b = reader.body
        tagged = {b[1]: "a", b[4]: "t", b[7]: "r", b[10]: "a"}  # apart: four passages
        for sentence, key in tagged.items():
            reader.view.select(sentence)
            await pilot.press(key)
        options = reader.query_one(AnnotationList)
        assert [a.sentence_start for a in options.annotations] == list(tagged)
        first_row = options.content_region.y - options.region.y  # below the border
        assert first_row > 0
        for index in (2, 0, 3, 1):
            ann = options.annotations[index]
            row = options.render_line(index).text  # what is drawn on that row
            assert f" {ann.sentence_start + 1} " in row, row
            await pilot.click(AnnotationList, offset=(4, first_row + index))
            await pilot.pause()
            assert options.highlighted == index
            assert reader.view.cursor == ann.sentence_start
            assert app.focused is reader.view
        await pilot.click(AnnotationList, offset=(4, 0))  # the border: nothing
        await pilot.pause()
        assert reader.view.cursor == options.annotations[1].sentence_start
