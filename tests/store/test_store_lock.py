"""One writer per home, across processes."""
import subprocess
import sys
import textwrap

import pytest

from annotations.store import AnnotationStore, StoreError, StoreLocked

HOLDER = textwrap.dedent("""
    import sys
    from annotations.store import AnnotationStore
    s = AnnotationStore(sys.argv[1], annotator="holder-annotator")
    print("locked", flush=True)
    sys.stdin.readline()
    s.close()
""")


def test_second_writer_is_told_who_holds_the_lock(home):
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(home)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLocked) as err:
            AnnotationStore(home)
        msg = str(err.value)
        assert f"pid {child.pid}" in msg and "holder-annotator" in msg and "read-only" in msg
        with AnnotationStore(home, readonly=True) as ro:  # reading is still possible
            assert ro.counts() == {}
            with pytest.raises(StoreError, match="read-only"):
                ro.undo()
    finally:
        child.communicate("\n", timeout=30)
    with AnnotationStore(home) as store:  # released with the holder
        assert not store.readonly


def test_lock_is_released_when_holder_is_killed(home):
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(home)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    child.kill()
    child.wait(timeout=30)
    with AnnotationStore(home) as store:
        assert store.annotator


def test_import_annotations_while_locked_says_who(seeded_home, tmp_path):
    from storehelp import cli

    f = tmp_path / "empty.jsonl"
    f.write_text("")
    with AnnotationStore(seeded_home, annotator="holder-annotator"):
        res = cli(seeded_home, "import-annotations", f)
        assert res.exit_code == 1 and "holder-annotator" in res.output
        assert cli(seeded_home, "export").exit_code == 0  # readers are not blocked
        assert cli(seeded_home, "stats").exit_code == 0


@pytest.mark.parametrize("kind", ["_Flock", "_FileLock"])
def test_lock_primitives_exclude_each_other(tmp_path, kind):
    """flock on POSIX, filelock where fcntl is missing: both are exclusive,
    honour the timeout and can be taken again once released."""
    import time

    from annotations import home as lockmod

    cls = getattr(lockmod, kind)
    first, second = cls(tmp_path / ".lock"), cls(tmp_path / ".lock")
    assert first.acquire(0) and first.is_locked
    t0 = time.monotonic()
    assert not second.acquire(0.2) and not second.is_locked
    assert time.monotonic() - t0 >= 0.2
    first.release()
    assert not first.is_locked
    assert second.acquire(0)
    second.release()
