"""python -m db bench at demo scale, as CI runs it: a smoke test of the table (issue 15, item 6), never of its times.

What is checked: the table has a row per page and every column; each page was measured (cold, warm, bytes sent);
the raw DuckDB query, the naive pandas peer and the figures read on the page agree; a case was saved; the file
benched is left as it was. The demo file is the test session's (conftest.demo_file, the same as
`--scale demo` builds: building another costs about 15 s of CPU)."""
from __future__ import annotations

import hashlib
import re

from db.tools import bench
from db.__main__ import main


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bench_at_demo_scale_prints_the_table_with_agreeing_figures(demo_file, tmp_path, capsys):
    out = tmp_path / "bench.md"
    before = digest(demo_file)
    code = main(["bench", "--db", str(demo_file), "--pages", "cases,mediators", "--repeat", "1", "--saves", "2",
                 "--out", str(out)])
    report = capsys.readouterr().out
    assert code == 0, report
    assert digest(demo_file) == before  # measured on a copy: the pages' views, the saves, the backup
    assert out.read_text(encoding="utf-8") == report
    rows = [cells(line) for line in report.splitlines() if line.startswith("| ")]
    assert rows[0] == list(bench.COLUMNS)
    body = {row[1]: row for row in rows[1:]}
    assert sorted(body) == ["cases", "mediators"], report
    for page, row in body.items():
        assert len(row) == len(bench.COLUMNS) and row[0] == "tệp demo.duckdb"
        assert re.fullmatch(r"\d+ / \d+ [✓✗]", row[2]) and re.fullmatch(r"\d+ / \d+ [✓✗]", row[3]), row  # cold, warm
        assert int(row[5]) > 0, row  # bytes sent to the browser
        assert re.fullmatch(r"\d+ / \d+", row[6]) and re.fullmatch(r"\d+ / \d+", row[7]), row  # raw, naive
        assert re.fullmatch(r"\d+,\d× [✓✗]", row[8]) and re.fullmatch(r"\d+,\d× [✓✗]", row[9]), row
        assert row[10] == "✓ khớp", report  # raw = naive = the page
    # The demo's 2023 register, as every other test knows it: 49 cases counted in 2023, 39 of them thành.
    assert re.search(r"tệp demo.duckdb · cases \(.*\): received 49, carried_over 2, dang_hoa_giai 3, thanh 39, khong_thanh 5", report)
    assert "Lưu một vụ việc (`db.cases.save_case`): trung vị 2 lần" in report
    assert "⚠" not in report, report


def test_a_figure_the_page_shows_differently_is_reported():
    raw = {"received": 49, "thanh": 39, "khong_thanh": 5, "active": 45, "trained": 36}
    raw = bench.derive("overview", raw)
    assert bench.compare("overview", raw, dict(raw), {"received": 49, "official_rate": 0.886}) == []
    assert bench.compare("overview", raw, dict(raw), {"received": 48, "official_rate": 0.887}) == [
        "received: trang 48 ≠ thô 49", "official_rate: trang 0,887 ≠ thô 0,8864"]
    assert bench.compare("overview", raw, {**raw, "thanh": 40}, {}) == ["thanh: thô 39 ≠ pandas 40"]


def test_an_unknown_page_is_refused_in_vietnamese(capsys):
    assert main(["bench", "--pages", "tong-quan"]) == 2
    assert "không có trang «tong-quan» trong pages/" in capsys.readouterr().err
