"""Settings the app writes into config.toml: the user's file keeps everything else."""
import os

import pytest

from annotations.errors import ConfigError
from annotations.home import Home
from annotations.settings import save_theme, set_top_level
from annotations.store.labels import load_config

USER_CONFIG = '''# my baocao settings
annotator = "lan"   # me

[labels.opinion]
key = "o"
color = "#8e24aa"
theme = "not-top-level"
'''


def test_inserts_the_theme_as_first_line():
    out = set_top_level(USER_CONFIG, "theme", "nord")
    assert out == 'theme = "nord"\n' + USER_CONFIG


def test_replaces_only_the_top_level_theme():
    text = 'annotator = "lan"\n  theme = "gruvbox"  \r\n[labels.x]\ntheme = "keep"\n'
    out = set_top_level(text, "theme", 'a "b"')
    assert out == 'annotator = "lan"\ntheme = "a \\"b\\""\r\n[labels.x]\ntheme = "keep"\n'


def test_empty_file_and_crlf():
    assert set_top_level("", "theme", "nord") == 'theme = "nord"\n'
    assert set_top_level("a = 1\r\n", "theme", "nord") == 'theme = "nord"\r\na = 1\r\n'


def test_save_theme_round_trips_and_keeps_the_rest(home):
    path = home / "config.toml"
    path.write_text(USER_CONFIG, encoding="utf-8")
    os.chmod(path, 0o600)
    h = Home(home)
    h.config()  # cached before the write: save must drop the cache
    save_theme(h, "nord")
    save_theme(h, "gruvbox")
    text = path.read_text(encoding="utf-8")
    assert text == 'theme = "gruvbox"\n' + USER_CONFIG
    assert h.config()["theme"] == "gruvbox" and h.config()["labels"]["opinion"]["theme"]
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert [p.name for p in home.iterdir()] == ["config.toml"]  # no temp file left


def test_save_theme_creates_the_file(home):
    save_theme(home, "textual-light")
    assert load_config(home).theme == "textual-light"


def test_save_theme_writes_through_a_symlink(home, tmp_path):
    real = tmp_path / "dotfiles" / "baocao.toml"
    real.parent.mkdir()
    real.write_text('annotator = "lan"\n', encoding="utf-8")
    (home / "config.toml").symlink_to(real)
    save_theme(home, "nord")
    assert (home / "config.toml").is_symlink()
    assert real.read_text(encoding="utf-8") == 'theme = "nord"\nannotator = "lan"\n'


@pytest.mark.parametrize("text", ['[labels\n', '"theme" = "nord"\n'])
def test_a_file_it_cannot_edit_safely_is_left_alone(home, text):
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="not changed"):
        save_theme(home, "gruvbox")
    assert path.read_text(encoding="utf-8") == text
