"""A prepared home for the TUI tests: the seeds plus three small reports (title
spellings for the filter, markup and escape codes), analysed once per session
and copied per test."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXTRA = {
    "xoa_nha_tam.txt": " date 2023-02 \nXóa nhà tạm, nhà dột nát cho hộ nghèo\n\n"
                       "Tỉnh đã hoàn thành xóa nhà tạm cho 500 hộ nghèo. Công tác này được "
                       "nhân dân đồng tình.\n",
    "xoa_cu.txt": " date 2023-03 \nKế hoạch xoá nhà tạm năm 2025\n\n"
                  "Ủy ban nhân dân tỉnh ban hành kế hoạch. Các sở triển khai ngay.\n",
    "markup.txt": " date 2022-01 \nBáo cáo [bold]thử nghiệm[/bold] ký tự\n\n"
                  "Đoạn có [link=https://example.com]liên kết[/link] và [/] lạ. "
                  "Mã \x1b[31mđỏ\x1b[0m ở đây. Câu cuối [red]cùng[/].\n",
}


@pytest.fixture(scope="session")
def tui_template(_seeded_template: Path, tmp_path_factory) -> Path:
    """The session's seeded home (tests/conftest.py) plus EXTRA: the seeds are
    analysed once per session, not once per folder."""
    from annotations.corpus.library import Library

    root = tmp_path_factory.mktemp("tui")
    extra = root / "extra"
    extra.mkdir()
    for name, text in EXTRA.items():
        (extra / name).write_text(text, encoding="utf-8")
    h = root / "home"
    shutil.copytree(_seeded_template, h)
    summary = Library(h).import_paths([extra], workers=1)
    assert len(summary.imported) == len(EXTRA), summary
    assert len(Library(h)) == 5 + len(EXTRA)
    return h


@pytest.fixture
def tui_home(tui_template: Path, tmp_path: Path) -> Path:
    h = tmp_path / "home"
    shutil.copytree(tui_template, h)
    return h


@pytest.fixture
def store_factory():
    """The store the app opens (None: the real AnnotationStore)."""
    return None


@pytest.fixture(autouse=True)
def suggestion_marks_off(monkeypatch):
    """Suggestion marks come from a worker thread, at a moment the tests of other
    features do not wait for: hidden there (as the S key hides them), so those
    screens draw the same on every run. tests/tui/test_suggestions.py shows them."""
    monkeypatch.setattr("tui.suggestions.Suggesting.suggestions_on", False)
