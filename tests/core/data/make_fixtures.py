"""Regenerate the decoding/cleaning fixtures in this folder from the seeds:
    .venv/bin/python tests/core/data/make_fixtures.py
Each fixture is a short real report in one encoding, or a file to refuse;
expected.json holds what the library's reader must make of it."""
from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path[:0] = [str(ROOT), str(HERE.parent)]

from test_decode import cp1258_encode, tcvn3_encode, tcvn3_expected, vni_encode  # noqa: E402

from annotations.text.clean import clean  # noqa: E402
from annotations.text.dates import find_date  # noqa: E402


def seed_lines(stem: str, keep: list[int]) -> str:
    lines = (ROOT / "seeds" / f"{stem}.txt").read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[i] for i in keep)


def main() -> None:
    expected: dict[str, dict] = {}

    def report(name: str, data: bytes, source_text: str) -> None:
        (HERE / name).write_bytes(data)
        c = clean(source_text)
        iso, src = find_date(c.text, c.header_date)
        expected[name] = {"text": c.text, "title": c.title, "date": iso, "date_source": src,
                          "byline": c.byline}

    def refused(name: str, data: bytes, reason: str) -> None:
        (HERE / name).write_bytes(data)
        expected[name] = {"skipped": reason}

    s002 = seed_lines("002_3e02a63f107bf8c3", [0, 1, 2, 3, 4, 25, 26, 35, 36])
    report("tcvn3_002.txt", tcvn3_encode(s002), tcvn3_expected(s002))
    s004 = seed_lines("004_0e0ad6727c6305cf", [0, 1, 2, 4, 14, 23, 26])
    report("vni_004.txt", vni_encode(s004).replace(b"\n", b"\r\n"), s004)
    s003 = seed_lines("003_211755ac7683c90c", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 22, 23])
    report("cp1258_003.txt", cp1258_encode(s003), s003)
    s001 = seed_lines("001_8efd81b505d29727", [0, 1, 2, 3, 4])
    report("utf16_001.txt", s001.encode("utf-16"), s001)
    noisy = ("\ufeff\x1b[1m" + unicodedata.normalize("NFD", "Chiều 5/1, Tỉnh ủy tổ chức hội nghị "
             "tổng kết công tác năm 2023.") + "\x1b[0m\r\n\r\n0:00 / 0:00\r\n0:00\r\n"
             "Đồng chí Bí thư Tỉnh ủy phát biểu.\r\n\r\nĐồng chí Bí thư Tỉnh ủy phát biểu.\r\n"
             "Hội\tnghị  đã [bold]thống nhất[/] các\u200b nội dung. (Ảnh: PV)\r\n"
             "© 2024 Báo Tỉnh\r\nTheo Báo Tỉnh\r\nXem thêm\r\n")
    report("noisy_web.txt", noisy.encode("utf-8"), noisy)
    refused("french_latin1.txt", ("Le président a déclaré à la presse que l'économie était "
                                  "très forte. Même les élèves étaient là.").encode("latin-1"),
            "not in a supported encoding")
    refused("only_noise.txt", "0:00 / 0:00\n0:00\nXem thêm\n".encode(),
            "only web noise (3 lines removed), no report text")
    refused("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
            "looks like an image (PNG)")
    refused("blank.txt", b" \r\n\t\r\n", "only whitespace")
    (HERE / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")


if __name__ == "__main__":
    main()
