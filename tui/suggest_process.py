"""The suggestion model's own process: the functions the reader's and the teach
queue's requests run there (tui/suggestions.py sends them).

The model trains in pure Python; in a thread of the app it would share the
GIL with the UI and slow every key while it trains. In a process of its own it
does not. The process keeps one Suggester (its model, feature caches and teach
queue) for the app's home and annotator, opened at the first request; it
imports no textual. Every answer is plain data (the core's dataclasses), and
a failure the user can cause comes back as its message, never as a traceback.
While no request waits (the app sends one and waits for its answer), it
writes features files (``Suggester.warm``), one report at a time: of the
reports it has just computed for a request, then of the reports imported
last, so that opening one finds its features ready instead of computing them
then.
"""
from __future__ import annotations

_suggester = None


def _model(home: str, annotator: str):
    global _suggester
    if _suggester is None:
        from annotations.suggest import Suggester

        _suggester = Suggester(home, annotator)
    return _suggester


def run(kind: str, home: str, annotator: str, skips: list, *args) -> tuple[bool, object]:
    """(True, answer) or (False, the error's message)."""
    from annotations.errors import BaocaoError

    try:
        sg = _model(home, annotator)
        for item in skips:
            sg.skip(item)
        if kind == "quality":  # after the teach queue's questions: the next window, the figure
            sg.prefetch()
            return True, sg.quality()
        sg.train()
        if kind == "suggest":
            return True, (sg.version, sg.suggest(*args))
        return True, (sg.version, sg.labelled, _questions(sg, *args))
    except (BaocaoError, OSError) as exc:
        return False, str(exc)


def _questions(sg, limit: int) -> list[tuple]:
    """The next ``limit`` teach-queue items, each with its paragraph's text and
    offset, the report's sentence spans and text hash (for the store)."""
    out = []
    for item in sg.queue(limit):
        report = sg.library.open(item.report_id)
        para = report.analysis.paragraphs[item.paragraph]
        out.append((item, report.text[para.start:para.end], para.start,
                    tuple((s.start, s.end) for s in report.analysis.sentences),
                    report.meta.sha256))
    return out


def serve() -> None:
    """The process's loop: a pickled (kind, home, annotator, skips, *args) on
    stdin, the pickled answer of ``run`` on stdout, until stdin closes (the app
    ended). Anything else printed goes to stderr (the app sends it nowhere: its
    terminal is the UI's)."""
    import pickle
    import select
    import sys

    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    warming = True
    while True:
        while warming and _suggester is not None and not select.select([requests], [], [], 0)[0]:
            try:
                warming = _suggester.warm()
            except Exception:  # noqa: BLE001 - only a head start: without it, features are computed when asked
                warming = False
        try:
            request = pickle.load(requests)
        except EOFError:
            return
        try:
            answer = run(*request)
        except Exception as exc:  # noqa: BLE001 - a bug below: said in one line, the process lives on
            answer = (False, f"the suggestion model failed ({exc.__class__.__name__}: {exc})")
        pickle.dump(answer, answers)
        answers.flush()


if __name__ == "__main__":
    serve()
