"""The theme chosen in the palette is saved to config.toml and restored."""
from __future__ import annotations

from pilot_support import SIZE, app_for, notifications, write_config

USER = 'annotator = "tester"  # mine\n\n[labels.opinion]\nkey = "o"\ncolor = "#8e24aa"\n'


async def test_theme_is_saved_and_restored(tui_home, store_factory):
    write_config(tui_home, USER)
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        redrawn = []
        app.screen.refresh_theme = lambda: redrawn.append(app.theme)  # screens redraw themed texts
        app.theme = "nord"
        await pilot.pause()
        assert redrawn == ["nord"]
        assert (tui_home / "config.toml").read_text(encoding="utf-8") == 'theme = "nord"\n' + USER
        app.theme = "gruvbox"
        await pilot.pause()
    assert (tui_home / "config.toml").read_text(encoding="utf-8") == 'theme = "gruvbox"\n' + USER

    again = app_for(tui_home, store_factory)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "gruvbox"
        assert "opinion" in [lb.name for lb in again.labels]  # the rest of config.toml still works
        assert not notifications(again, "warning") and not notifications(again, "error")


async def test_restoring_does_not_rewrite_the_file(tui_home, store_factory):
    write_config(tui_home, 'theme = "nord"\n')
    before = (tui_home / "config.toml").stat().st_mtime_ns
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
    assert (tui_home / "config.toml").stat().st_mtime_ns == before


async def test_unknown_theme_keeps_the_default_with_one_warning(tui_home, store_factory):
    write_config(tui_home, 'theme = "no-such-theme"\n')
    app = app_for(tui_home, store_factory)
    default = app.theme
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == default
        [warning] = notifications(app, "warning")
        assert warning.title == "Theme not applied"
        assert "no-such-theme" in warning.message and "config.toml" in warning.message
        assert app.store is not None  # the rest of the app is unaffected


async def test_a_config_it_cannot_edit_is_left_alone(tui_home, store_factory):
    text = '"theme" = "nord"\n'  # quoted key: a line edit would make a second theme
    write_config(tui_home, text)
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "gruvbox"
        await pilot.pause()
        [warning] = [n for n in notifications(app, "warning") if n.title == "Theme not saved"]
        assert "config.toml" in warning.message
    assert (tui_home / "config.toml").read_text(encoding="utf-8") == text
