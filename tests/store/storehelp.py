"""Shared helpers for the store tests (not a conftest: test dirs share sys.path)."""
from __future__ import annotations

import orjson
from click.testing import CliRunner

from annotations.corpus.library import Library
from annotations.store import AnnotationStore, Selection


def passage(home, report_id: str | None = None, first: int = 0, last: int | None = None,
            lib: Library | None = None) -> Selection:
    """Sentences first..last (inclusive) of a report, as the TUI would select them."""
    lib = lib or Library(home)
    report_id = report_id or lib.reports()[0].id
    return Selection.of(report_id, lib.analysis(report_id).sentences, first, last,
                        lib.get(report_id).sha256)


def report_ids(home) -> list[str]:
    return [m.id for m in Library(home).reports()]


def fill(home, annotator: str = "lan", per_report: int = 3) -> list[str]:
    """Tag the first sentences of every report (labels cycling, so each is its
    own passage); returns the passages' ids."""
    labels = ["achievement", "task", "risk"]
    lib = Library(home)
    with AnnotationStore(home, annotator=annotator) as store:
        for n, rid in enumerate(report_ids(home)):
            for i in range(per_report):
                store.tag(passage(home, rid, i, lib=lib), labels[(n + i) % 3])
        return [a.id for rid in report_ids(home) for a in store.passages(rid)]


def cli(home, *args, annotator: str | None = None):
    from tui.cli import main

    argv = ["--home", str(home)] + (["--annotator", annotator] if annotator else [])
    return CliRunner().invoke(main, argv + [str(a) for a in args])


def json_lines(data: str | bytes) -> list[dict]:
    if isinstance(data, str):
        data = data.encode()
    return [orjson.loads(line) for line in data.splitlines() if line.strip()]
