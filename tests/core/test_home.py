"""The Home: paths, the re-entrant writer lock every write takes, config, errors."""
import subprocess
import sys
import textwrap

import orjson
import pytest
from click.testing import CliRunner

from annotations.corpus.library import Library
from annotations.errors import BaocaoError, ConfigError, LibraryError, StoreLocked
from annotations.home import Home
from annotations.models import text_sha256
from annotations.nlp import PIPELINE_VERSION
from support import SEEDS
from tui.cli import main

HOLDER = textwrap.dedent("""
    import sys
    from annotations.home import Home
    h = Home(sys.argv[1])
    h.acquire_writer("holder")
    print("locked", flush=True)
    sys.stdin.readline()
""")


@pytest.fixture
def held(home):
    """Another process holds the home's writer lock while the test runs."""
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(home)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    yield home
    child.communicate("\n", timeout=30)


def test_paths_follow_the_documented_layout(home):
    h = Home(home)
    assert h.index_path == home / "library" / "index.json"
    assert h.text_path("x") == home / "library" / "texts" / "x.txt"
    assert h.shards_dir == home / "annotations" / "reports"
    assert Home.of(h) is h and Home.of(home).root == home


def test_writer_lock_is_reentrant_within_a_home(home):
    h = Home(home)
    with h.writer("lan"):
        with h.writer():
            assert h.is_writer
        assert h.is_writer  # the outer hold is still there
        with pytest.raises(StoreLocked, match="lan"):
            Home(home).acquire_writer("other")  # another Home is another writer
    assert not h.is_writer
    with Home(home).writer():  # released
        pass


def test_seeding_and_import_wait_for_no_one_and_write_nothing_while_locked(held, tmp_path):
    """A reader that finds an empty library must not seed it without the lock
    (it would overwrite a concurrent import's index)."""
    lib = Library(held)
    with pytest.raises(StoreLocked, match="holder"):
        lib.ensure_seeded()
    with pytest.raises(StoreLocked):
        lib.import_paths([SEEDS], workers=1)
    assert not (held / "library").exists()


def test_config_annotator_and_override(home):
    (home / "config.toml").write_text('annotator = "Lan"\n', encoding="utf-8")
    h = Home(home)
    assert h.annotator() == "Lan" and h.annotator(" minh ") == "minh"
    (home / "config.toml").write_text("annotator = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="annotator"):
        Home(home).annotator()


def test_open_reads_the_text_once_and_matches_the_catalogue(seeded_home, monkeypatch):
    lib = Library(seeded_home)
    rid = lib.reports()[0].id
    reads = []
    real = type(lib.home.text_path(rid)).read_text

    def counting(self, *a, **kw):
        reads.append(self)
        return real(self, *a, **kw)

    monkeypatch.setattr(type(lib.home.text_path(rid)), "read_text", counting)
    report = lib.open(rid)
    assert [p.name for p in reads] == [f"{rid}.txt"]
    assert report.meta.sha256 == text_sha256(report.text)
    assert len(report.analysis.sentences) == report.meta.sentences


def test_cache_entry_records_its_text_and_pipeline(seeded_home):
    lib = Library(seeded_home)
    meta = lib.reports()[0]
    path = lib.cache_path(meta.sha256)
    doc = orjson.loads(path.read_bytes())
    assert doc["sha256"] == meta.sha256 and doc["pipeline"] == PIPELINE_VERSION
    good = lib.analysis(meta.id)
    # An entry that says it belongs to another text is recomputed, never trusted.
    path.write_bytes(orjson.dumps({**doc, "sha256": "0" * 64, "sentences": []}))
    assert Library(seeded_home).analysis(meta.id) == good
    assert orjson.loads(path.read_bytes())["sha256"] == meta.sha256


def test_errors_carry_a_message_and_a_hint():
    err = LibraryError("the index is corrupt", "Move it away.")
    assert isinstance(err, BaocaoError)
    assert (err.message, err.hint, str(err)) == ("the index is corrupt", "Move it away.",
                                                 "the index is corrupt. Move it away.")


@pytest.mark.parametrize("args, file, content, message", [
    (["list"], "library/index.json", "{broken", "library index"),
    (["show", "nope"], None, None, "no report with that id"),
    (["export"], "config.toml", "[labels\n", "not valid TOML"),
])
def test_cli_prints_one_line_and_exits_1_without_traceback(home, args, file, content, message):
    if file:
        (home / file).parent.mkdir(exist_ok=True)
        (home / file).write_text(content, encoding="utf-8")
    res = CliRunner().invoke(main, ["--home", str(home), *args])
    assert res.exit_code == 1, res.output
    assert res.stderr.startswith("baocao: ") and message in res.stderr
    assert "Traceback" not in res.output and not isinstance(res.exception, BaocaoError)
