"""Shared helpers for the store tests (not a conftest: test dirs share sys.path)."""
from __future__ import annotations

import orjson
from click.testing import CliRunner

from annotations.corpus.library import Library
from annotations.store import AnnotationStore, Passage


def passage(home, report_id: str | None = None, first: int = 0, last: int | None = None,
            lib: Library | None = None) -> Passage:
    """Sentences first..last (inclusive) of a report, as the TUI would build it."""
    lib = lib or Library(home)
    report_id = report_id or lib.reports()[0].id
    text = lib.text(report_id)
    sents = lib.analysis(report_id).sentences
    last = first if last is None else last
    start, end = sents[first].start, sents[last].end
    return Passage(report_id, start, end, first, last, text[start:end],
                   lib.get(report_id).sha256)


def report_ids(home) -> list[str]:
    return [m.id for m in Library(home).reports()]


def fill(home, annotator: str = "lan", per_report: int = 3) -> list[str]:
    """Tag the first sentences of every report (labels cycling); returns ids."""
    ids = []
    labels = ["achievement", "task", "risk"]
    lib = Library(home)
    with AnnotationStore(home, annotator=annotator) as store:
        for n, rid in enumerate(report_ids(home)):
            for i in range(per_report):
                a = store.tag(passage(home, rid, i, lib=lib), labels[(n + i) % 3])
                ids.append(a.id)
    return ids


def cli(home, *args, annotator: str | None = None):
    from tui.cli import main

    argv = ["--home", str(home)] + (["--annotator", annotator] if annotator else [])
    return CliRunner().invoke(main, argv + [str(a) for a in args])


def json_lines(data: str | bytes) -> list[dict]:
    if isinstance(data, str):
        data = data.encode()
    return [orjson.loads(line) for line in data.splitlines() if line.strip()]
