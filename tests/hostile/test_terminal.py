"""Terminal injection: outside text never acts on the terminal.

A payload table (OSC 0/8/52 with BEL and ST terminators, CSI and 8-bit CSI,
C1 OSC, DCS, BEL, bidi overrides and isolates, zero-width characters, CR and
newlines) reaches a home two ways: (a) as a JSONL import's titles and ids
(sanitised where they enter), and (b) written straight into an old home's
library index, texts, store shards and config, so that only the output side
stands between them and the terminal. Then `list`, `show`, `stats`, `export`'s
and `import-annotations`' messages and the TUI (every segment it draws) must
carry none of them.
"""
from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from textual.strip import Strip

from annotations.corpus.cache import AnalysisCache
from annotations.corpus.library import Library
from annotations.models import Analysis, Entity, Paragraph, Sentence, Token, text_sha256
from annotations.nlp import PIPELINE_VERSION
from annotations.store import AnnotationStore, Selection
from support import first_release

PAYLOADS = {
    "osc0-bel": "\x1b]0;pwned title\x07",
    "osc0-st": "\x1b]0;pwned title\x1b\\",
    "osc8-link": "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "osc52-bel": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "osc52-st": "\x1b]52;c;cm0gLXJmIH4=\x1b\\",
    "csi-sgr": "\x1b[31;1mred\x1b[0m",
    "csi-clear": "\x1b[2J\x1b[H",
    "csi-8bit": "\x9b31mred\x9b0m",
    "osc-c1": "\x9d0;pwned title\x9c",
    "dcs": "\x1bPq#0;2;0;0;0\x1b\\",
    "bel": "ding\x07dong",
    "rlo": "abc\u202edcba",
    "isolates": "\u2066a\u2067b\u2068c\u2069d",
    "zero-width": "zero\u200bwidth\u2060join",
    "cr": "visible\rhidden",
    "newlines": "line one\nline two\r\nline three\u2028four",
}

# What must never reach a terminal from outside text. \n is allowed only where
# a command prints lines of its own (tests check line counts where it matters).
FORBIDDEN = {chr(c) for c in [*range(0x00, 0x0a), *range(0x0b, 0x20), *range(0x7f, 0xa0)]}
FORBIDDEN |= set("\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                 "\u2028\u2029\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff")


def bad_chars(text: str) -> list[str]:
    """The forbidden characters in ``text``, as their code points."""
    return sorted({f"U+{ord(c):04X}" for c in text if c in FORBIDDEN})


def assert_inert(data: bytes | str, what: str) -> str:
    text = data.decode("utf-8") if isinstance(data, bytes) else data  # strict: no raw bytes
    assert not bad_chars(text), f"{what}: {bad_chars(text)} in {text[:2000]!r}"
    return text


# ---------------------------------------------------------------- the old home

# A canonical text is read with universal newlines: its CRs arrive as \n.
EVIL_PARAS = [(f"Câu {name}: ", payload.replace("\r\n", "\n").replace("\r", "\n"), " hết.")
              for name, payload in PAYLOADS.items()]
EVIL_TEXT = "\n\n".join("".join(p) for p in EVIL_PARAS)
EVIL_ID = "id" + PAYLOADS["osc52-bel"] + PAYLOADS["rlo"]


def _evil_analysis() -> Analysis:
    """A hand-made analysis of EVIL_TEXT (no NLP): one paragraph and sentence per
    payload, whitespace tokens, the payload itself as an entity."""
    paras, sents, tokens, ents = [], [], [], []
    start = 0
    for i, (head, payload, tail) in enumerate(EVIL_PARAS):
        end = start + len(head) + len(payload) + len(tail)
        paras.append(Paragraph(start, end))
        sents.append(Sentence(start, end, i))
        tokens.append(Token(start, start + 3))
        ents.append(Entity(start + len(head), start + len(head) + len(payload), "ORG"))
        start = end + 2
    assert start - 2 == len(EVIL_TEXT)
    return Analysis(paras, sents, tokens, ents)


def toml_str(value: str) -> str:
    """``value`` as a TOML basic string (every non-printable character escaped)."""
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}"
                         for c in value) + '"'


def make_old_home(seeded: Path, dest: Path) -> Path:
    """The seeded home with every payload written behind input's back: titles,
    dates, bylines and one id in a first-release index.json (migrated when opened),
    a canonical text, store shards
    (annotators, notes) and config.toml (annotator, a label's definition)."""
    shutil.copytree(seeded, dest)
    lib = Library(dest)
    sha = text_sha256(EVIL_TEXT)
    AnalysisCache(dest / "cache" / "analysis").put_dict(
        sha, {"sha256": sha, "pipeline": PIPELINE_VERSION, **_evil_analysis().to_dict()})
    index_path = first_release(dest)
    index = orjson.loads(index_path.read_bytes())
    template = dict(index["reports"][0])
    payloads = list(PAYLOADS.items())
    for i, (name, payload) in enumerate(payloads):
        rid = EVIL_ID if i == 0 else f"p{i:02d}-{name}"
        (dest / "library" / "texts" / f"{rid}.txt").write_text(EVIL_TEXT, encoding="utf-8")
        index["reports"].append(template | {
            "id": rid, "title": f"Tiêu đề {payload} cuối", "sha256": sha,
            "sentences": len(PAYLOADS), "date": f"2020-{payload}" if i % 2 else "2019",
            "date_source": payload if i % 3 == 0 else "header", "byline": payload,
            "source_path": f"/tmp/{payload}.txt", "source_id": payload})
    index_path.write_bytes(orjson.dumps(index))
    lib.reload()
    # annotations made the ordinary way, then their annotator and note rewritten
    sentences = _evil_analysis().sentences
    with AnnotationStore(dest, annotator="tester") as store:
        for i, (rid, _) in enumerate([(EVIL_ID, None), *[(f"p{j:02d}-{n}", None)
                                                          for j, (n, _) in enumerate(payloads) if j]]):
            for s in range(3):
                sel = Selection.of(rid, sentences, s, None, sha)
                store.tag(sel, ("achievement", "task", "risk")[(i + s) % 3])
                store.set_note(sel, "note")
    n = 0
    for shard in sorted((dest / "annotations" / "reports").glob("*.json")):
        doc = orjson.loads(shard.read_bytes())
        for entry in doc.get("_default", {}).values():
            name, payload = payloads[n % len(payloads)]
            n += 1
            entry["annotator"] = f"ann {payload} {name}"
            entry["note"] = f"ghi chú {payload} {name}"
        shard.write_bytes(orjson.dumps(doc))
    (dest / "annotations" / "summary.json").unlink(missing_ok=True)
    (dest / "config.toml").write_text(
        f"annotator = {toml_str('lan' + PAYLOADS['osc0-bel'] + PAYLOADS['rlo'])}\n"
        "[labels.opinion]\n"
        'key = "o"\n'
        'color = "#8e24aa"\n'
        f"definition = {toml_str('Ý kiến ' + ' '.join(PAYLOADS.values()) + ' cuối')}\n"
        f"examples = [{toml_str('Ví dụ ' + PAYLOADS['osc8-link'] + PAYLOADS['zero-width'])}]\n",
        encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def _old_template(_seeded_template: Path, tmp_path_factory) -> Path:
    return make_old_home(_seeded_template, tmp_path_factory.mktemp("hostile") / "home")


@pytest.fixture
def old_home(_old_template: Path, tmp_path: Path) -> Path:
    h = tmp_path / "old-home"
    shutil.copytree(_old_template, h)
    return h


def cli(home: Path, *args: str, annotator: str | None = "tester"):
    from tui.cli import main

    argv = ["--home", str(home)] + (["--annotator", annotator] if annotator else [])
    return CliRunner().invoke(main, [*argv, *args], catch_exceptions=False)


def test_the_old_home_holds_every_payload(old_home: Path):
    """The test home really is hostile (else every other test passes for nothing)."""
    index = orjson.dumps([m.to_dict() for m in Library(old_home).reports()]).decode()
    shards = "".join(p.read_text(encoding="utf-8")
                     for p in (old_home / "annotations" / "reports").glob("*.json"))
    for payload in PAYLOADS.values():
        assert orjson.dumps(payload).decode() in index
        assert payload.replace("\r", "\n").replace("\n\n", "\n") in Library(old_home).text(EVIL_ID)
        assert orjson.dumps(payload).decode()[1:-1] in shards


# ---------------------------------------------------------------- the command line

def test_list_is_inert_and_one_line_per_report(old_home: Path):
    result = cli(old_home, "list")
    assert result.exit_code == 0, result.output
    out = assert_inert(result.stdout_bytes, "list")
    lines = out.splitlines()
    assert len(lines) == len(Library(old_home)) == 5 + len(PAYLOADS)
    assert all("Tiêu đề" in ln and ln.endswith("cuối") for ln in lines if "Tiêu đề" in ln)
    assert sum("Tiêu đề" in ln for ln in lines) == len(PAYLOADS)


def test_list_json_is_exact_data(old_home: Path):
    """--json is for programs: the exact strings, as JSON (orjson escapes every
    C0 control, so no raw ESC or BEL; C1 and bidi characters are valid JSON
    text and stay raw: docs/cli.md says so)."""
    result = cli(old_home, "list", "--json")
    assert result.exit_code == 0
    assert b"\x1b" not in result.stdout_bytes and b"\x07" not in result.stdout_bytes
    rows = [orjson.loads(line) for line in result.stdout_bytes.splitlines()]
    titles = {r["id"]: r["title"] for r in rows}
    assert titles[EVIL_ID] == f"Tiêu đề {PAYLOADS['osc0-bel']} cuối"


@pytest.mark.parametrize("which", ["evil-id", "p02-osc8-link", "p07-csi-8bit", "p15-newlines"])
def test_show_is_inert(old_home: Path, which: str):
    rid = EVIL_ID if which == "evil-id" else which
    result = cli(old_home, "show", rid)
    assert result.exit_code == 0, result.output
    out = assert_inert(result.stdout_bytes, f"show {which}")
    assert "Tiêu đề" in out and "Câu zero-width" in out
    assert "␛]52;c;" in out  # shown, not sent


def test_stats_is_inert(old_home: Path):
    result = cli(old_home, "stats")
    out = assert_inert(result.stdout_bytes, "stats")
    assert_inert(result.stderr_bytes, "stats stderr")
    assert result.exit_code == 0, result.stderr
    assert "ann ␛]52;c;" in out and "per annotator" in out


def test_export_and_import_messages_are_inert(old_home: Path, tmp_path: Path):
    target = tmp_path / f"out{PAYLOADS['osc0-bel']}{PAYLOADS['rlo']}.jsonl"
    result = cli(old_home, "export", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert_inert(result.stderr_bytes, "export's message")
    assert "exported" in result.stderr and target.exists()
    again = cli(old_home, "import-annotations", str(target))
    assert_inert(again.stderr_bytes, "import-annotations' message")
    assert again.exit_code == 0, again.stderr


def test_config_annotator_is_clean(old_home: Path):
    """The annotator named in config.toml is recorded as one clean line."""
    result = cli(old_home, "list", annotator=None)
    assert result.exit_code == 0, result.output
    with AnnotationStore(old_home, readonly=True) as store:
        assert store.annotator == "lanabcdcba"
    with AnnotationStore(old_home, annotator="mai" + PAYLOADS["osc8-link"], readonly=True) as store:
        assert store.annotator == "maiclick"


def test_unknown_id_error_is_inert(old_home: Path):
    result = cli(old_home, "show", "nope" + PAYLOADS["osc52-bel"])
    assert result.exit_code == 1
    assert_inert(result.stderr_bytes, "error message")


# ---------------------------------------------------------------- a JSONL import

def test_jsonl_import_titles_and_ids(tmp_path: Path):
    """(a) the payloads as a JSONL file's ids and titles, imported the ordinary way."""
    src = tmp_path / "hostile.jsonl"
    records = [{"id": f"r{i}{payload}", "title": f"Báo cáo {payload} cuối",
                "text": f"Báo cáo {name}.\n\nTỉnh đã hoàn thành kế hoạch năm 2024."}
               for i, (name, payload) in enumerate(PAYLOADS.items())]
    # ASCII JSON: a raw U+2028 in a JSONL line is a line-splitting matter, not this test's
    src.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    home = tmp_path / "home"
    result = cli(home, "import", str(src))
    assert_inert(result.stderr_bytes, "import's messages")
    listed = cli(home, "list")
    out = assert_inert(listed.stdout_bytes, "list")
    assert len(out.splitlines()) == len(Library(home)) == len(PAYLOADS)
    for m in Library(home).reports():
        assert_inert(cli(home, "show", m.id).stdout_bytes, f"show {m.id!r}")


# ---------------------------------------------------------------- the TUI

def drawn(app, skip=None) -> list[str]:
    """The text of every segment the screen draws (all layers), line by line;
    control segments (cursor moves) carry no text of ours. ``skip``: a region
    left out (a widget tested on its own)."""
    lines = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        if skip is not None and skip.y <= y < skip.bottom:
            strip = Strip.join([strip.crop(0, skip.x), strip.crop(skip.right)])
        lines.append("".join(seg.text for seg in strip if not seg.control))
    return lines


def assert_drawn_inert(app, what: str) -> str:
    from tui.widgets.report_view import ReportView

    views = app.screen.query(ReportView)  # the report's text: see test_reader_text_is_inert
    lines = drawn(app, skip=views.first().region if views else None)
    for y, line in enumerate(lines):
        assert not bad_chars(line), f"{what}, line {y}: {bad_chars(line)} in {line!r}"
    return "\n".join(lines)


async def _tui_walk(home: Path, annotator: str | None) -> list[str]:
    from tui.app import make_app
    from tui.screens.help import HelpScreen
    from tui.screens.reader import ReaderScreen
    from tui.widgets.report_table import ReportTable

    seen = []
    app = make_app(home, annotator)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        seen.append(assert_drawn_inert(app, "library"))
        table = app.screen.query_one(ReportTable)
        ids = list(app.screen.shown)
        for rid in (EVIL_ID, "p02-osc8-link", "p15-newlines"):
            table.move_cursor(ids.index(rid))
            await pilot.pause()
            seen.append(assert_drawn_inert(app, f"library at {rid!r}"))
            await pilot.press("enter")
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            assert isinstance(app.screen, ReaderScreen)
            seen.append(assert_drawn_inert(app, f"reader {rid!r}"))
            for _ in range(3):  # the sentences with notes by hostile annotators
                await pilot.press("j")
                await pilot.pause()
                seen.append(assert_drawn_inert(app, f"reader {rid!r}, next sentence"))
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        seen.append(assert_drawn_inert(app, "help"))
        app.screen.query_one("#help-dialog").scroll_end(animate=False, immediate=True)
        await pilot.pause()
        seen.append(assert_drawn_inert(app, "help, the labels"))
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"tieu de")
        await app.workers.wait_for_complete()  # the palette gathers hits in a worker
        await pilot.pause()
        seen.append(assert_drawn_inert(app, "palette"))
    return seen


async def test_tui_draws_no_control_characters(old_home: Path):
    seen = await asyncio.wait_for(_tui_walk(old_home, "tester"), timeout=60)
    everything = "\n".join(seen)
    assert "Tiêu đề" in everything and "Open report" in everything
    assert "Ý kiến" in everything  # the label's definition in help
    assert "␛" in everything  # the payloads are shown, as symbols


async def test_tui_with_the_configured_annotator(old_home: Path):
    seen = await asyncio.wait_for(_tui_walk(old_home, None), timeout=60)
    assert "annotator lanabcdcba" in "\n".join(seen)


async def test_reader_text_is_inert(old_home: Path):
    """The report's text in the reader (ReportView): every payload shown, one
    character for one (offsets stay valid), none drawn raw."""
    from tui.app import make_app
    from tui.widgets.report_view import ReportView

    async def run() -> None:
        app = make_app(old_home, "tester")
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.pause()
            table_ids = list(app.screen.shown)
            app.screen.query_one("ReportTable").move_cursor(table_ids.index(EVIL_ID))
            await pilot.press("enter")
            await pilot.pause()
            view = app.screen.query_one(ReportView)
            lines = drawn(app)[view.region.y:view.region.bottom]
            text = "\n".join(line[view.region.x:view.region.right] for line in lines)
            assert "Câu rlo" in text and "Câu zero-width" in text
            assert not bad_chars(text), bad_chars(text)

    await asyncio.wait_for(run(), timeout=60)


# ---------------------------------------------------------------- each drawer on its own
# The input side may clean some of these first; each output function must hold alone.

ALL = " ".join(PAYLOADS.values())


def rendered(renderable, width: int = 300) -> str:
    from io import StringIO

    from rich.console import Console

    out = StringIO()
    Console(file=out, width=width, color_system=None, legacy_windows=False).print(renderable)
    return out.getvalue()


def test_side_panel_texts_are_inert():
    from annotations.models import ReportMeta
    from annotations.store import DEFAULT_LABELS
    from tui.widgets.side_panel import note_text, report_info, status_line

    meta = ReportMeta("r", ALL, "2024" + ALL, ALL, 10, "0" * 64)
    letter = {lb.name: (lb.key.upper(), lb.color) for lb in DEFAULT_LABELS}.__getitem__
    for text in [report_info(meta, 1, 10, ALL, False, decided=2),
                 status_line(meta, 2, 10, ALL, False, {}, DEFAULT_LABELS, letter),
                 note_text("ghi chú " + ALL, 3, 40)]:
        assert_inert(text.plain.replace("\n", " "), "side panel")
        assert "␛]52;c;" in text.plain


def test_help_and_label_set_are_inert():
    from annotations.store.labels import Label
    from tui.commands import label_set_text
    from tui.screens.help import labels_table

    label = Label("opinion", "o", "red", "Ý kiến " + ALL, ("Ví dụ " + ALL,))
    assert "␛]52;c;" in assert_inert(rendered(labels_table([label])), "help's labels")
    assert "␛]52;c;" in assert_inert(label_set_text([label]), "the palette's label set")


def test_config_definitions_are_stored_clean(old_home: Path):
    from annotations.store.labels import load_config

    opinion = {lb.name: lb for lb in load_config(old_home).labels}["opinion"]
    assert opinion.definition.startswith("Ý kiến ") and opinion.definition.endswith(" cuối")
    assert_inert(opinion.definition + " ".join(opinion.examples), "stored definition")
    assert "52;c" not in opinion.definition  # the clipboard payload went with its escape


def test_config_problems_name_hostile_keys_inertly(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        f"[labels.{toml_str('x' + PAYLOADS['osc52-bel'])}]\nkey = \"z\"\ncolor = \"red\"\n"
        f"[labels.opinion]\nkey = \"o\"\ncolor = \"red\"\n{toml_str('k' + PAYLOADS['osc0-bel'])} = 1\n",
        encoding="utf-8")
    result = cli(home, "stats")
    assert result.exit_code == 1 and "labels.x␛]52;c;" in result.stderr
    assert_inert(result.stderr_bytes, "config problem")
    (home / "config.toml").write_text('[labels."opinion\\n"]\nkey = "z"\ncolor = "red"\n',
                                      encoding="utf-8")
    assert cli(home, "stats").exit_code == 1  # a label name is one line: "$" let "\n" through


def test_show_paragraphs_keep_entity_styles():
    from rich.text import Text

    from tui.cli.render import paragraph_text

    text = "Ông \x1b[31mTô Lâm\u202e nói."
    body = paragraph_text(text, 0, len(text), [{"start": 4, "end": 16, "label": "PER"}])
    assert isinstance(body, Text) and body.plain == "Ông ␛[31mTô Lâm⟨U+202E⟩ nói."
    (span,) = body.spans
    assert body.plain[span.start:span.end] == "␛[31mTô Lâm⟨U+202E⟩" and span.style == "bold magenta"


def test_inert_strip_cuts_to_width():
    from rich.segment import Segment

    from tui.widgets.line_table import inert_strip

    strip = inert_strip([Segment("ab\u202ecd" + "x" * 20), Segment("tail")], 12)
    assert strip.cell_length == 12 and "".join(s.text for s in strip) == "ab⟨U+202E⟩cd"
