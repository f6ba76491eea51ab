"""Labels and annotator from HOME/config.toml."""
import pytest

from annotations.errors import BaocaoError
from annotations.store import AnnotationStore, ConfigError, UnknownLabel
from annotations.store.labels import check_label_keys, load_config


def write(home, text):
    (home / "config.toml").write_text(text, encoding="utf-8")


def test_defaults(home):
    cfg = load_config(home)
    assert [(lab.name, lab.key) for lab in cfg.labels] == [("achievement", "a"), ("task", "t"),
                                                          ("risk", "r")]
    assert len({lab.color for lab in cfg.labels}) == 3
    assert cfg.annotator is None
    assert cfg.theme is None and cfg.advance is True


def test_default_labels_have_definitions_and_vietnamese_examples(home):
    for lab in load_config(home).labels:
        assert lab.definition.endswith(".") and len(lab.examples) == 2, lab.name
        assert all(any(ch in "ăâđêôơư" for ch in ex.lower()) for ex in lab.examples), lab.name


def test_label_definition_and_examples_from_config(home):
    write(home, '[labels.opinion]\nkey = "o"\ncolor = "red"\ndefinition = " A judgement. "\n'
                'examples = ["Chủ trương này là đúng đắn."]\n[labels.risk]\ndefinition = "Threats."\n')
    labels = {lab.name: lab for lab in load_config(home).labels}
    assert labels["opinion"].definition == "A judgement."
    assert labels["opinion"].examples == ("Chủ trương này là đúng đắn.",)
    # a default keeps its examples when config.toml changes only its definition
    assert labels["risk"].definition == "Threats." and len(labels["risk"].examples) == 2
    assert labels["achievement"].definition  # untouched defaults keep theirs


def test_theme_and_reader_settings(home):
    write(home, 'theme = "nord"\n[reader]\nadvance = false\n')
    cfg = load_config(home)
    assert (cfg.theme, cfg.advance) == ("nord", False)


def test_extra_label_and_annotator(home):
    write(home, 'annotator = "Nguyễn Lan"\n[labels.opinion]\nkey = "o"\ncolor = "#8e24aa"\n'
                '[labels.risk]\ncolor = "magenta"\n')
    with AnnotationStore(home) as store:
        assert store.annotator == "Nguyễn Lan"
        assert [lab.name for lab in store.labels] == ["achievement", "task", "risk", "opinion"]
        assert store.label("o").name == "opinion" and store.label("risk").color == "magenta"
    with AnnotationStore(home, annotator="minh") as store:  # --annotator wins
        assert store.annotator == "minh"


def test_login_name_is_the_last_resort(home, monkeypatch):
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "tester")
    with AnnotationStore(home) as store:
        assert store.annotator == "tester"


@pytest.mark.parametrize("toml, message", [
    ('[labels.opinion]\nkey = "a"\ncolor = "red"\n', "both use key 'a'"),
    ('[labels.opinion]\nkey = "oo"\ncolor = "red"\n', "one printable character"),
    ('[labels.opinion]\nkey = "o"\ncolor = "not-a-colour"\n', "not a colour"),
    ('[labels.Opinion]\nkey = "o"\n', "lower-case"),
    ('[labels.opinion]\nkey = "o"\ncolour = "red"\n', "unknown setting"),
    ('annotator = 3\n', "annotator"),
    ('[labels\n', "not valid TOML"),
    ('[labels.risk]\ndefinition = 3\n', "definition must be a string"),
    ('[labels.risk]\nexamples = "Cần làm."\n', "examples must be a list of strings"),
    ('[labels.risk]\nexamples = ["ok", 2]\n', "examples must be a list of strings"),
    ('theme = 3\n', "theme must be a theme's name"),
    ('theme = ""\n', "theme must be a theme's name"),
    ('reader = 1\n', r"\[reader\] must be a table"),
    ('[reader]\nadvance = "yes"\n', "advance must be true or false"),
    ('[reader]\nadvanse = true\n', "unknown setting"),
])
def test_bad_config_is_a_clear_error(home, toml, message):
    write(home, toml)
    with pytest.raises(ConfigError, match=message) as err:
        AnnotationStore(home)
    assert str(home / "config.toml") in str(err.value)
    assert isinstance(err.value, BaocaoError)


def test_reserved_keys_are_refused(home):
    write(home, '[labels.opinion]\nkey = "g"\ncolor = "red"\n')
    with pytest.raises(ConfigError, match="key 'g' is taken by the reader \\(First sentence\\)"):
        check_label_keys(load_config(home).labels, {"g": "First sentence"}, home / "config.toml")
    assert load_config(home).labels[-1].key == "g"  # the core alone binds no key


def test_unknown_label_lists_the_known_ones(home):
    with AnnotationStore(home) as store, pytest.raises(UnknownLabel, match="risk \\(r\\)"):
        store.label("z")
