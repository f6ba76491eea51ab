"""`baocao show ... --json --tags`: each token carries its raw POS, chunk and
NER tags, the ones underthesea.ner() gives for its sentence."""
import orjson
from click.testing import CliRunner

from annotations.nlp import align
from support import SEEDS
from tui.cli import main

TAGGED = {"start", "end", "pos", "chunk", "ner"}


def show(home, *args) -> dict:
    res = CliRunner().invoke(main, ["--home", str(home), "show", *map(str, args)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return orjson.loads(res.stdout)


def test_tags_only_when_asked(home):
    path = sorted(SEEDS.glob("*.txt"))[0]
    assert all(set(t) == {"start", "end"} for t in show(home, path, "--json")["tokens"])
    tokens = show(home, path, "--json", "--tags")["tokens"]
    assert tokens and all(set(t) == TAGGED for t in tokens)
    assert all(isinstance(t[k], str) for t in tokens for k in ("pos", "chunk", "ner"))


def test_tags_are_underthesea_s(home, tmp_path):
    from underthesea import ner

    path = tmp_path / "r.txt"
    path.write_text("Ngày 18/10/2024, tại Trụ sở Trung ương Đảng, đồng chí Lương Cường chủ trì giao ban.\n\n"
                    "Ông Putin ca ngợi những thành tựu vĩ đại của Liên Xô. GDP quý 2 tăng 6,93%.\n",
                    encoding="utf-8")
    rec = show(home, path, "--json", "--tags")
    text, got = rec["text"], {(t["start"], t["end"]): (t["pos"], t["chunk"], t["ner"]) for t in rec["tokens"]}
    expected = {}
    for s in rec["sentences"]:
        rows = ner(text[s["start"]:s["end"]])
        for span, (_, pos, chunk, tag) in zip(align(text, [r[0] for r in rows], s["start"], s["end"]), rows):
            if span:
                expected[span] = (pos, chunk, tag)
    assert got == expected
    assert got[(text.index("Lương Cường"), text.index("Lương Cường") + len("Lương Cường"))][2] == "B-PER"
    assert {c for _, c, _ in got.values()} >= {"B-NP", "B-VP"}


def test_tags_of_an_imported_report(seeded_home):
    rid = sorted(SEEDS.glob("*.txt"))[1].stem
    rec = show(seeded_home, rid, "--json", "--tags")
    assert rec["id"] == rid and all(set(t) == TAGGED for t in rec["tokens"])
    assert sum(t["ner"] != "O" for t in rec["tokens"]) > 0
