"""Helpers of the hostile import tests: a fast stand-in for the NLP pipeline,
and `baocao` run in a subprocess (bounded in time, memory-limited, with that
stand-in), so that a regression that hangs or eats memory fails fast.

    python tests/hostile/hostile_import.py --home H import ...   # baocao, fake NLP

The stand-in: one paragraph and sentence per line, whitespace tokens, no
entities; $BAOCAO_FAKE_DELAY seconds of sleep per text widens the window in
which the kill tests catch an import analysing.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve()


def fake_analyze(text: str):
    from annotations.models import Analysis, Paragraph, Sentence, Token

    delay = float(os.environ.get("BAOCAO_FAKE_DELAY") or 0)
    if delay:
        time.sleep(delay)
    paras, sents = [], []
    for m in re.finditer(r"[^\n]+", text):
        sents.append(Sentence(m.start(), m.end(), len(paras)))
        paras.append(Paragraph(m.start(), m.end()))
    tokens = [Token(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    return Analysis(paras, sents, tokens, [])


def patch_nlp(monkeypatch=None) -> None:
    """Replace the pipeline by ``fake_analyze`` (in this process and, forked, its workers)."""
    from annotations import nlp

    if monkeypatch is not None:
        monkeypatch.setattr(nlp, "analyze", fake_analyze)
    else:
        nlp.analyze = fake_analyze


def _limit_memory(mb: int):
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))
    return limit


def env(**extra: str) -> dict[str, str]:
    out = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", **extra}
    out.pop("BAOCAO_HOME", None)
    return out


def baocao(home: Path, *args, timeout: float = 60, memory_mb: int = 2048, fake: bool = True,
           extra_env: dict | None = None) -> subprocess.CompletedProcess:
    """``baocao --home HOME ARGS`` in a subprocess (this checkout's code),
    killed after ``timeout`` seconds (the test then fails: TimeoutExpired)."""
    cmd = [sys.executable, str(HERE)] if fake else [sys.executable, "-c",
                                                    "from tui.cli import main; main()"]
    return subprocess.run([*cmd, "--home", str(home), *map(str, args)], capture_output=True,
                          timeout=timeout, cwd=ROOT, env=env(**(extra_env or {})),
                          preexec_fn=_limit_memory(memory_mb), text=True, errors="replace")


def popen(home: Path, *args, extra_env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(HERE), "--home", str(home), *map(str, args)],
                            cwd=ROOT, env=env(**(extra_env or {})), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="replace",
                            preexec_fn=_limit_memory(2048))


def index_problems(home: Path) -> list[str]:
    """What is wrong between the library catalogue and the files beside it: a
    row whose text is missing or does not hash to its sha256."""
    from annotations.models import text_sha256
    from support import catalogue_rows

    problems = []
    for rid, sha, name in catalogue_rows(home):
        text_path = home / "library" / "texts" / name
        if not text_path.exists():
            problems.append(f"{rid}: text {name} missing")
        elif text_sha256(text_path.read_text(encoding="utf-8")) != sha:
            problems.append(f"{rid}: text {name} does not match the catalogue's sha256")
    return problems


def leftovers(home: Path) -> list[str]:
    """Texts, analyses and temporary files the library catalogue does not know."""
    from annotations.nlp import PIPELINE_VERSION
    from support import catalogue_rows

    rows = catalogue_rows(home)
    texts = {name for _rid, _sha, name in rows}
    caches = {f"{sha}-{PIPELINE_VERSION}.json" for _rid, sha, _name in rows}
    out = []
    for folder, known in ((home / "library" / "texts", texts), (home / "cache" / "analysis", caches)):
        if folder.exists():
            out += [f"{folder.name}/{p.name}" for p in folder.iterdir() if p.name not in known]
    if (home / "library").exists():
        out += [f"library/{p.name}" for p in (home / "library").iterdir() if ".tmp" in p.name]
    return sorted(out)


def _die_at(where: str) -> None:
    """$BAOCAO_DIE_AT: SIGKILL this process at a precise step of an import."""
    import signal

    from annotations.corpus import ingest
    from annotations.store import AnnotationStore

    def die(*_a, **_k):
        os.kill(os.getpid(), signal.SIGKILL)

    if where == "reanchor":  # after the catalogue commit, before the annotations moved
        AnnotationStore.reanchor = die
    elif where == "mid-commit":  # inside the catalogue's transaction: one row written
        from annotations.corpus import catalogue

        real_values, calls = catalogue._values, []

        def values_then_die(*args):
            calls.append(1)
            if len(calls) > 1:
                die()
            return real_values(*args)
        catalogue._values = values_then_die
    elif where == "after-text":  # a new text written, the catalogue not yet switched
        real = ingest._write_text

        def write_then_die(path, text):
            real(path, text)
            die()
        ingest._write_text = write_then_die


if __name__ == "__main__":
    patch_nlp()
    if os.environ.get("BAOCAO_DIE_AT"):
        _die_at(os.environ["BAOCAO_DIE_AT"])
    from tui.cli import main

    main(prog_name="baocao")
