"""Import of Excel/CSV registers and mediator lists (db/tools/importing.py, `python -m db import`).

Every messy workbook is built here with openpyxl, each kind of mess with the outcome an officer expects, on the
small commune of conftest.py (villages «Thôn Đông» with Lê Thị Hoa (tổ trưởng), Trần Văn Bình, Phạm Văn Cường
(left 30/06/2022), and «Thôn Bắc» with Ánh Văn Dũng). Real DuckDB files, no mocks.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile

import openpyxl
import pytest

import db
from conftest import ACTOR, ROOT, SMALL_CASES, SMALL_COMMUNE, team_id
from db.__main__ import main
from db.tools.importing import (
    MAX_BYTES, Options, _parse_people, _read_calamine, _sheet, check_mapping, display_rows, infer_category, parse_party,
    parse_result, read_file, run_import, suggest_mapping,
)
from db.tools.seed import load_commune
from db.core.writes import ValidationError


@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("small") / "small.duckdb"
    con = db.create_database(path, demo=False)
    ids = load_commune(con, SMALL_COMMUNE, SMALL_CASES)
    con.close()
    return path, ids


@pytest.fixture()
def small_db(small_file, tmp_path):
    """conftest's small commune, built once for this file and copied for each test (each test has its own file)."""
    source, ids = small_file
    shutil.copy(source, tmp_path / "small.duckdb")
    con = db.connect(tmp_path / "small.duckdb")
    yield con, ids
    con.close()

# --- building workbooks --------------------------------------------------------------------------------------

MOJ_HEAD = [
    ["SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ"],
    ["Năm 2023"],
    [],
    ["STT", "Ngày, tháng, năm nhận vụ, việc", "Họ và tên hòa giải viên, người được mời",
     "Họ tên, tuổi, địa chỉ của các bên", "Nội dung chủ yếu của vụ, việc",
     "Thỏa thuận của các bên (hoặc yêu cầu của mỗi bên)", "Kết quả hòa giải", None, "Chữ ký", "Ghi chú"],
    [None, None, None, None, None, None, "Thành", "Không thành", None, None],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)"],
]
MOJ_MERGES = ["A1:J1", "A2:J2", "A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:E5", "F4:F5", "G4:H4", "I4:I5", "J4:J5"]
FIRST_DATA_ROW = len(MOJ_HEAD) + 1  # 7


def xlsx(*sheets: tuple[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(name, []):
            ws.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def case(stt, received, parties, summary, result="thanh", mediators="Lê Thị Hoa", agreement=None, note=None):
    """A row of the MOJ register, the result as an «x» in the «Thành» or «Không thành» column."""
    return [stt, received, mediators, parties, summary, agreement,
            "x" if result == "thanh" else None, "x" if result == "khong_thanh" else None, None, note]


def moj(*rows, name: str = "Thôn Đông") -> bytes:
    return xlsx((name, MOJ_HEAD + list(rows)), merges={name: MOJ_MERGES})


def one_column_result(*rows, name: str = "Thôn Đông") -> bytes:
    """A register with one «Kết quả» column in words and a one-row header: (stt, received, parties, summary, result)."""
    head = [["STT", "Ngày nhận", "Các bên", "Nội dung", "Kết quả", "Ghi chú"]]
    return xlsx((name, head + [list(r) for r in rows]))


def load(con, content: bytes, kind: str = "cases", name: str = "so-theo-doi.xlsx"):
    return read_file(content, name, kind, con)


def imp(con, content: bytes, kind: str = "cases", *, dry_run: bool = False, name: str = "so-theo-doi.xlsx",
        **options):
    workbook = load(con, content, kind, name)
    return run_import(con, workbook, kind, {s.name: s.mapping for s in workbook.sheets}, Options(**options),
                      actor=ACTOR, dry_run=dry_run)


def count(con, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def counts(con) -> tuple[int, ...]:
    return tuple(count(con, t) for t in ("cases", "case_parties", "case_mediators", "mediators", "audit_log"))


def imported(con, summary: str) -> dict:
    rel = con.execute("SELECT * FROM cases WHERE summary = ?", [summary])
    row = rel.fetchone()
    assert row is not None, summary
    data = dict(zip([d[0] for d in rel.description], row))
    data["parties"] = con.execute(
        "SELECT full_name, age, address FROM case_parties WHERE case_id = ? ORDER BY position", [data["id"]]).fetchall()
    data["mediators"] = [r[0] for r in con.execute(
        "SELECT m.full_name FROM case_mediators cm JOIN mediators m ON m.id = cm.mediator_id WHERE cm.case_id = ? "
        "ORDER BY m.full_name", [data["id"]]).fetchall()]
    return data


def by_row(result) -> dict[int, object]:
    return {o.row: o for o in result.outcomes}


def text(outcome) -> str:
    return " ".join(outcome.messages)


# --- the MOJ register -----------------------------------------------------------------------------------------

def test_moj_register_title_rows_merged_two_row_header_numbering_row(small_db):
    con, _ = small_db
    content = moj(case(1, "07/06/2023", "Nguyễn Văn Hải, 45 tuổi, xóm 1; Trần Thị Lan, 40t, xóm 2",
                       "Tranh chấp ranh giới đất giữa hai nhà", agreement="Cắm lại mốc giới theo sổ đỏ"))
    workbook = load(con, content)
    sheet = workbook.sheets[0]
    assert sheet.header_rows == (4, 6)
    assert sheet.columns[6] == "Kết quả hòa giải / Thành" and sheet.columns[7] == "Kết quả hòa giải / Không thành"
    assert sheet.mapping == {0: "stt", 1: "received_on", 2: "mediators", 3: "parties", 4: "summary",
                             5: "agreement", 6: "result_thanh", 7: "result_khong_thanh", 8: None, 9: "note"}
    assert sheet.team_id == team_id(con, "Thôn Đông")  # from the sheet's name
    assert [r[0] for r in sheet.rows] == [FIRST_DATA_ROW]
    assert display_rows(sheet)[0][:3] == ["7", "1", "07/06/2023"]

    result = imp(con, content)
    assert result.written and result.counts == {"them_moi": 1, "cap_nhat": 0, "bo_qua_trung": 0, "loi": 0}
    saved = imported(con, "Tranh chấp ranh giới đất giữa hai nhà")
    assert saved["team_id"] == team_id(con, "Thôn Đông")
    assert saved["received_on"] == dt.date(2023, 6, 7)
    assert saved["parties"] == [("Nguyễn Văn Hải", 45, "xóm 1"), ("Trần Thị Lan", 40, "xóm 2")]
    assert saved["mediators"] == ["Lê Thị Hoa"]
    assert saved["agreement"] == "Cắm lại mốc giới theo sổ đỏ"
    assert saved["grounds"] == "yeu_cau" and saved["category"] == "dat_dai"
    # The register has no closing date: none is invented, the case is listed for completion.
    assert saved["result"] == "thanh" and saved["concluded_on"] is None and saved["concluded_on_missing"]
    assert saved["import_key"]
    messages = text(result.outcomes[0])
    assert "cần bổ sung ngày kết thúc" in messages
    assert "«đất»" in messages  # the category says where it came from
    assert result.outcomes[0].record_id == saved["id"]
    assert result.outcomes[0].sheet == "Thôn Đông" and result.outcomes[0].row == FIRST_DATA_ROW


def test_concluded_rows_without_a_date_may_be_refused_instead(small_db):
    con, _ = small_db
    content = moj(case(1, "07/06/2023", "Người Một", "Việc một"), case(2, "08/06/2023", "Người Hai", "Việc hai",
                                                                        result=None))
    result = imp(con, content, concluded_missing="loi", valid_only=True)
    assert [o.action for o in result.outcomes] == ["loi", "them_moi"]
    assert "Kết quả «Hòa giải thành» cần có ngày kết thúc." in text(result.outcomes[0])


def test_a_closing_date_column_is_used_when_the_file_has_one(small_db):
    con, _ = small_db
    content = xlsx(("Thôn Bắc", [
        ["Ngày nhận", "Họ tên các bên", "Nội dung", "Kết quả", "Ngày kết thúc"],
        ["02/03/2023", "Đinh Văn Tâm", "Vay tiền không trả", "Thành", "20/03/2023"],
    ]))
    result = imp(con, content)
    assert result.counts["them_moi"] == 1
    saved = imported(con, "Vay tiền không trả")
    assert saved["concluded_on"] == dt.date(2023, 3, 20) and not saved["concluded_on_missing"]
    assert saved["category"] == "vay_muon_hop_dong" and saved["team_id"] == team_id(con, "Thôn Bắc")
    assert "bổ sung" not in text(result.outcomes[0])


@pytest.mark.parametrize("kind, header, field", [
    ("cases", "Ngày tháng", "received_on"), ("cases", "Thời gian tiếp nhận", "received_on"),
    ("cases", "Ngày kết thúc hòa giải", "concluded_on"), ("cases", "Người hòa giải", "mediators"),
    ("cases", "Tên, tuổi, địa chỉ các bên", "parties"), ("cases", "Bên yêu cầu", "parties"),
    ("cases", "Bên được yêu cầu", "parties_2"), ("cases", "Người bị yêu cầu", "parties_2"),
    ("cases", "Chữ ký của các bên", None), ("cases", "Kết quả hòa giải (Thành/Không thành)", "result"),
    ("cases", "Thỏa thuận của các bên", "agreement"), ("cases", "Tóm tắt nội dung", "summary"),
    ("mediators", "Năm", None), ("mediators", "Nam", "birth_year_male"), ("mediators", "Nữ", "birth_year_female"),
    ("mediators", "Ngày, tháng, năm sinh", "birth_year"), ("mediators", "Số QĐ công nhận", "joined_on"),
    ("mediators", "SĐT", "phone"), ("mediators", "Chức vụ trong tổ", "leader"), ("mediators", "Chức vụ", "role"),
])
def test_header_words(kind, header, field):
    assert suggest_mapping(kind, [[header]]) == {0: field}


@pytest.mark.parametrize("written, expected", [
    ("Thành", "thanh"), ("HGT", "thanh"), ("thành công", "thanh"), ("Hòa giải thành", "thanh"),
    ("Không thành", "khong_thanh"), ("HGKT", "khong_thanh"), ("không thành công", "khong_thanh"),
    ("đang giải quyết", "dang_hoa_giai"), ("Chưa xong", "dang_hoa_giai"),
    ("Chuyển cơ quan công an", "ngoai_pham_vi"), ("ngoài phạm vi", "ngoai_pham_vi"), ("???", None),
])
def test_result_words_and_abbreviations(written, expected):
    assert parse_result(written) == expected


def test_result_in_one_column_of_words(small_db):
    con, _ = small_db
    content = one_column_result(
        (1, "01/07/2023", "Phan Văn Một", "Lối đi chung bị lấn", "HGT"),
        (2, "02/07/2023", "Phan Văn Hai", "Tiếng ồn karaoke", "HGKT"),
        (3, "03/07/2023", "Phan Văn Ba", "Chửi nhau ở chợ", "đang giải quyết"),
        (4, "04/07/2023", "Phan Văn Bốn", "Tố giác trộm cắp tài sản", "chuyển cơ quan công an"),
        (5, "05/07/2023", "Phan Văn Năm", "Nợ tiền hàng", None),
    )
    result = imp(con, content)
    assert result.counts["them_moi"] == 5
    results = dict(con.execute("SELECT summary, result FROM cases WHERE import_key IS NOT NULL").fetchall())
    assert results == {"Lối đi chung bị lấn": "thanh", "Tiếng ồn karaoke": "khong_thanh",
                       "Chửi nhau ở chợ": "dang_hoa_giai", "Tố giác trộm cắp tài sản": "ngoai_pham_vi",
                       "Nợ tiền hàng": "dang_hoa_giai"}
    assert "Sổ chưa ghi kết quả" in text(by_row(result)[6])  # an empty result is said, not silently assumed


def test_an_unreadable_result_and_both_result_columns_marked_are_refused(small_db):
    con, _ = small_db
    both = case(1, "07/06/2023", "Vũ Văn Kép", "Tranh chấp lối đi")
    both[7] = "x"
    result = imp(con, moj(both), valid_only=True)
    assert result.counts["loi"] == 1
    assert "cả hai cột «Thành» và «Không thành»" in text(result.outcomes[0])
    result = imp(con, one_column_result((1, "01/07/2023", "Phan Văn Sáu", "Lối đi", "xem sau")), valid_only=True)
    assert result.counts["loi"] == 1 and "«xem sau» không nhận ra được" in text(result.outcomes[0])


# --- mess ------------------------------------------------------------------------------------------------------

def test_dates_as_text_serial_numbers_words_and_datetimes(small_db):
    con, _ = small_db
    serial = (dt.date(2023, 6, 8) - dt.date(1899, 12, 30)).days
    content = moj(
        case(1, "07/06/2023", "Người Một", "Việc một"),
        case(2, serial, "Người Hai", "Việc hai"),
        case(3, "ngày 9 tháng 6 năm 2023", "Người Ba", "Việc ba"),
        case(4, dt.datetime(2023, 6, 10, 8, 30), "Người Bốn", "Việc bốn"),
        case(5, "2023-06-11", "Người Năm", "Việc năm"),
    )
    result = imp(con, content)
    assert result.counts["them_moi"] == 5, [o.messages for o in result.outcomes]
    days = dict(con.execute("SELECT summary, received_on FROM cases WHERE import_key IS NOT NULL").fetchall())
    assert days == {"Việc một": dt.date(2023, 6, 7), "Việc hai": dt.date(2023, 6, 8), "Việc ba": dt.date(2023, 6, 9),
                    "Việc bốn": dt.date(2023, 6, 10), "Việc năm": dt.date(2023, 6, 11)}


def test_impossible_and_future_dates_and_ages_out_of_range_are_refused_by_name(small_db):
    con, _ = small_db
    future = (dt.date.today() + dt.timedelta(days=40)).strftime("%d/%m/%Y")
    content = moj(
        case(1, "31/02/2023", "Người Một", "Việc một"),
        case(2, future, "Người Hai", "Việc hai"),
        case(3, "ngày 30 tháng 2 năm 2023", "Người Ba", "Việc ba"),
        case(4, "07/06/2023", "Người Bốn, 150 tuổi, xóm 3", "Việc bốn"),
        case(5, "7/6/23", "Người Năm", "Việc năm"),
        case(6, "08/06/2023", "Người Sáu, 30 tuổi", "Việc sáu"),
    )
    result = imp(con, content, valid_only=True)
    rows = by_row(result)
    assert [rows[FIRST_DATA_ROW + i].action for i in range(6)] == ["loi"] * 5 + ["them_moi"]
    assert "tháng 02/2023 chỉ có 28 ngày" in text(rows[7])
    assert "ở tương lai" in text(rows[8])
    assert "tháng 02/2023 chỉ có 28 ngày" in text(rows[9])
    assert "Tuổi của bên thứ 1 phải từ 0 đến 120 (đã nhập 150)" in text(rows[10])
    assert "năm cần đủ 4 chữ số" in text(rows[11])
    assert result.written and count(con, "cases") == 9 + 1  # the valid row only


def test_nfd_text_is_stored_nfc_and_matches_the_village(small_db):
    con, _ = small_db
    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    content = moj(case(1, "07/06/2023", nfd("Hoàng Thị Nguyệt, 52 tuổi, xóm Đình"), nfd("Tranh chấp lối đi"),
                       mediators=nfd("Trần Văn Bình")), name=nfd("Thôn Đông"))
    workbook = load(con, content)
    assert workbook.sheets[0].team_id == team_id(con, "Thôn Đông")
    result = imp(con, content)
    assert result.counts["them_moi"] == 1, result.outcomes
    saved = imported(con, "Tranh chấp lối đi")
    assert saved["parties"] == [("Hoàng Thị Nguyệt", 52, "xóm Đình")]
    assert unicodedata.is_normalized("NFC", saved["parties"][0][0])
    assert saved["mediators"] == ["Trần Văn Bình"]


def test_blank_total_and_signature_rows_are_skipped_and_said(small_db):
    con, _ = small_db
    content = moj(
        case(1, "07/06/2023", "Người Một", "Việc một"),
        [None] * 10,
        case(2, "08/06/2023", "Người Hai", "Việc hai", result="khong_thanh"),
        [3] + [None] * 9,  # a pre-numbered empty line of the template
        ["Cộng", None, None, None, None, None, 1, 1, None, None],
        [],
        [None, None, None, None, None, None, "Thôn Đông, ngày 31 tháng 12 năm 2023"],
        [None, None, None, None, None, None, "TỔ TRƯỞNG TỔ HÒA GIẢI"],
        [None, None, None, None, None, None, "(Ký, ghi rõ họ tên)"],
        [None, None, None, None, None, None, "Lê Thị Hoa"],
    )
    workbook = load(con, content)
    assert [r[0] for r in workbook.sheets[0].rows] == [7, 9]
    notes = " ".join(workbook.sheets[0].notes)
    assert "Dòng 11" in notes and "tổng cộng" in notes and "Từ dòng 13" in notes
    result = imp(con, content)
    assert result.counts == {"them_moi": 2, "cap_nhat": 0, "bo_qua_trung": 0, "loi": 0}


def test_several_sheets_one_per_village_and_a_sheet_of_instructions(small_db):
    con, _ = small_db
    head, merges = MOJ_HEAD, MOJ_MERGES
    content = xlsx(
        ("Hướng dẫn", [["Ghi mỗi vụ việc một dòng"], ["Không sửa tiêu đề"]]),
        ("Tổ HG thôn Đông", head + [case(1, "07/06/2023", "Người Đông", "Việc ở Đông")]),
        ("thon bac", head + [case(1, "08/06/2023", "Người Bắc", "Việc ở Bắc", mediators="Ánh Văn Dũng")]),
        merges={"Tổ HG thôn Đông": merges, "thon bac": merges},
    )
    workbook = load(con, content)
    assert [s.name for s in workbook.sheets] == ["Tổ HG thôn Đông", "thon bac"]
    assert "Hướng dẫn" in workbook.skipped[0] and "không thấy dòng tiêu đề" in workbook.skipped[0]
    assert [s.team_id for s in workbook.sheets] == [team_id(con, "Thôn Đông"), team_id(con, "Thôn Bắc")]
    result = imp(con, content)
    assert result.counts["them_moi"] == 2
    assert imported(con, "Việc ở Bắc")["team_id"] == team_id(con, "Thôn Bắc")
    assert imported(con, "Việc ở Bắc")["mediators"] == ["Ánh Văn Dũng"]


def test_one_sheet_with_a_village_column(small_db):
    con, _ = small_db
    content = xlsx(("Sổ chung", [
        ["STT", "Thôn", "Ngày nhận", "Họ tên các bên", "Nội dung", "Kết quả"],
        [1, "Đông", "07/06/2023", "Người Một", "Việc một", "Thành"],
        [2, "thôn Bắc", "08/06/2023", "Người Hai", "Việc hai", "Không thành"],
        [3, "Thôn Nam", "09/06/2023", "Người Ba", "Việc ba", "Thành"],
    ]))
    workbook = load(con, content)
    assert workbook.sheets[0].team_id is None and workbook.sheets[0].mapping[1] == "village"
    result = imp(con, content, valid_only=True)
    rows = by_row(result)
    assert [rows[r].action for r in (2, 3, 4)] == ["them_moi", "them_moi", "loi"]
    assert "Thôn Nam" in text(rows[4])
    assert imported(con, "Việc hai")["team_id"] == team_id(con, "Thôn Bắc")


def test_a_sheet_without_a_village_needs_a_team(small_db):
    con, _ = small_db
    content = moj(case(1, "07/06/2023", "Người Một", "Việc một"), name="Sheet1")
    result = imp(con, content)
    assert not result.written and result.counts["loi"] == 1
    assert "Chưa biết dòng này thuộc tổ hòa giải nào" in text(result.outcomes[0])
    result = imp(con, content, village="thon dong")  # the CLI's --village, accent-insensitive
    assert result.counts["them_moi"] == 1 and imported(con, "Việc một")["team_id"] == team_id(con, "Thôn Đông")
    with pytest.raises(ValidationError, match="Thôn Tây"):
        imp(con, content, village="Thôn Tây")


def test_group_titles_a_team_named_in_the_title_and_part_two_of_the_register(small_db):
    con, _ = small_db
    rows = [["TỔ HÒA GIẢI THÔN ĐÔNG"], [], *MOJ_HEAD[3:],
            ["Tháng 6"],
            case(1, "07/06/2023", "Người Đông", "Việc ở Đông"),
            ["Thôn Bắc"],
            case(2, "08/06/2023", "Người Bắc", "Việc ở Bắc", mediators="Ánh Văn Dũng"),
            ["PHẦN II. TỔNG HỢP KẾT QUẢ (tổ trưởng ghi)"],
            ["Loại vụ việc", "Số vụ", "Thành", "Không thành"],
            ["Đất đai", 1, 1, 0]]
    merges = ["A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "G3:H3", "I3:I4", "J3:J4", "A8:J8"]
    content = xlsx(("Sheet1", rows), merges={"Sheet1": merges})
    sheet = load(con, content).sheets[0]
    assert sheet.team_id == team_id(con, "Thôn Đông")  # from the title above the header
    assert sheet.header_rows == (3, 5) and [r for r, _ in sheet.rows] == [7, 9]
    notes = " ".join(sheet.notes)
    assert "Dòng 6: «Tháng 6» — dòng tiêu đề nhóm" in notes
    assert "Dòng 8: «Thôn Bắc» — các dòng sau thuộc Tổ hòa giải thôn Bắc" in notes
    assert "Từ dòng 10 («PHẦN II." in notes
    result = imp(con, content)
    assert result.counts == {"them_moi": 2, "cap_nhat": 0, "bo_qua_trung": 0, "loi": 0}
    assert imported(con, "Việc ở Đông")["team_id"] == team_id(con, "Thôn Đông")
    assert imported(con, "Việc ở Bắc")["team_id"] == team_id(con, "Thôn Bắc")


def test_parties_in_several_columns_and_a_case_over_two_merged_rows(small_db):
    con, _ = small_db
    rows = [
        ["STT", "Ngày nhận", "Các bên", None, None, "Nội dung", "Kết quả"],
        [None, None, "Họ tên", "Tuổi", "Địa chỉ", None, None],
        [1, "07/06/2023", "Ông Đỗ Văn Nam", 61, "xóm 4", "Tranh chấp tường rào", "Thành"],
        [None, None, "Bà Lý Thị Thu", "1970", "xóm 5", None, None],
        [2, "08/06/2023", "Mai Thị Cúc", "45 tuổi", "xóm 6", "Vợ chồng mâu thuẫn, đòi ly hôn", "Không thành"],
    ]
    merges = ["A1:A2", "B1:B2", "C1:E1", "F1:F2", "G1:G2", "A3:A4", "B3:B4", "F3:F4", "G3:G4"]
    content = xlsx(("Thôn Đông", rows), merges={"Thôn Đông": merges})
    sheet = load(con, content).sheets[0]
    assert sheet.mapping == {0: "stt", 1: "received_on", 2: "party_name", 3: "party_age", 4: "party_address",
                             5: "summary", 6: "result"}
    result = imp(con, content)
    assert result.counts["them_moi"] == 2, [o.messages for o in result.outcomes]
    wall = imported(con, "Tranh chấp tường rào")
    assert wall["parties"] == [("Đỗ Văn Nam", 61, "xóm 4"), ("Lý Thị Thu", 53, "xóm 5")]  # a birth year, worked out
    assert "năm sinh 1970" in text(by_row(result)[3]) and "Gồm cả dòng 4" in text(by_row(result)[3])
    assert imported(con, "Vợ chồng mâu thuẫn, đòi ly hôn")["category"] == "hon_nhan_gia_dinh"


def test_a_case_recorded_twice_in_the_file_is_imported_once(small_db):
    con, _ = small_db
    row = case(1, "07/06/2023", "Nguyễn Văn Hải, 45 tuổi", "Tranh chấp ranh giới đất")
    twin = case(5, "07/06/2023", "nguyen van hai", "Tranh chấp ranh giới  đất.")
    result = imp(con, moj(row, case(2, "08/06/2023", "Người Khác", "Việc khác"), twin))
    rows = by_row(result)
    assert rows[9].action == "bo_qua_trung" and "Trùng với dòng 7 của trang «Thôn Đông»" in text(rows[9])
    assert count(con, "cases") == 9 + 2


def test_formulas_give_their_computed_value_and_a_formula_without_one_is_refused(small_db):
    con, _ = small_db
    rows = MOJ_HEAD + [case(1, "07/06/2023", "Người Một", "Việc một"),
                       case(2, "=B7+1", "Người Hai", "Việc hai"),
                       case(3, "=B7+2", "Người Ba", "Việc ba"),
                       case(4, "10/06/2023", "Người Bốn", "Việc bốn", note="#REF!")]
    content = xlsx(("Thôn Đông", rows), merges={"Thôn Đông": MOJ_MERGES})
    # As Excel saves it: the formula with its last computed value (openpyxl writes formulas without one).
    content = _with_cached_value(content, "B8", "45085")
    result = imp(con, content, valid_only=True)
    rows_ = by_row(result)
    assert rows_[8].action == "them_moi" and imported(con, "Việc hai")["received_on"] == dt.date(2023, 6, 8)
    assert rows_[9].action == "loi"
    assert "Ô B9 có công thức =B7+2 nhưng tệp không lưu kết quả đã tính" in text(rows_[9])
    assert rows_[10].action == "loi" and "Ô J10 có lỗi công thức #REF!" in text(rows_[10])


def _with_cached_value(content: bytes, cell: str, value: str) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/?>(</v>)?'.encode(),
                                  rb"\1<v>" + value.encode() + b"</v>", data)
                assert n == 1
            out.writestr(item, data)
    return target.getvalue()


def test_script_and_sql_text_is_stored_verbatim(small_db):
    con, _ = small_db
    script = "<script>alert('x')</script>'; DROP TABLE cases; --"
    note = "'); DELETE FROM case_parties WHERE ('1'='1"
    result = imp(con, moj(case(1, "07/06/2023", "O'Neil Văn Nam", script, note=note)))
    assert result.counts["them_moi"] == 1
    saved = imported(con, script)
    assert saved["parties"][0][0] == "O'Neil Văn Nam" and saved["note"] == note
    assert count(con, "cases") == 10 and count(con, "case_parties") == 2 * 9 + 1


def test_mediators_named_in_a_row_are_matched_in_the_team_or_reported(small_db):
    con, _ = small_db
    content = moj(case(1, "07/06/2023", "Người Một", "Việc một",
                       mediators="Le Thi Hoa, Trần Văn Bình; mời: ông Trưởng Thôn Tư; Phạm Văn Cường"))
    result = imp(con, content)
    assert result.counts["them_moi"] == 1
    assert imported(con, "Việc một")["mediators"] == ["Lê Thị Hoa", "Trần Văn Bình"]
    messages = text(result.outcomes[0])
    assert "«Trưởng Thôn Tư»" in messages and "vụ việc vẫn được nhập" in messages
    assert "Phạm Văn Cường (không hoạt động vào ngày 07/06/2023)" in messages  # left in 2022


@pytest.mark.parametrize("summary, category", [
    ("Tranh chấp ranh giới đất", "dat_dai"), ("Đòi chia thừa kế", "dat_dai"),
    ("Chồng bạo lực gia đình", "hon_nhan_gia_dinh"),
    ("Tranh chấp lối đi chung", "lang_gieng"), ("Vay tiền không trả", "vay_muon_hop_dong"),
    ("Đặt cọc mua xe", "vay_muon_hop_dong"), ("Xô xát khi uống rượu", "vi_pham_nho"), ("Việc khác", "khac"),
    ("tranh chap ranh gioi dat", "dat_dai"),
])
def test_category_from_the_summary_words(summary, category):
    assert infer_category(summary)[0] == category


def test_party_text_forms():
    assert parse_party("Ông Nguyễn Văn A, 45 tuổi, trú tại xóm 1", None)[0] == {
        "full_name": "Nguyễn Văn A", "age": 45, "address": "xóm 1"}
    assert parse_party("Trần Thị B (40t), xóm 2", None)[0] == {"full_name": "Trần Thị B", "age": 40, "address": "xóm 2"}
    assert parse_party("Lê C, sinh năm 1980, thôn Đông", dt.date(2023, 1, 1))[0]["age"] == 43
    assert parse_party("Đào Văn D, 50, xóm 3", None)[0] == {"full_name": "Đào Văn D", "age": 50, "address": "xóm 3"}
    received = dt.date(2023, 5, 1)
    parties, notes = _parse_people("1. Ông Đinh Văn Toản\n58 tuổi\n2. Ông Đinh Văn Tám, 55 tuổi\nCùng trú tại xóm 3",
                                   received)
    assert parties == [{"full_name": "Đinh Văn Toản", "age": 58, "address": "xóm 3"},
                       {"full_name": "Đinh Văn Tám", "age": 55, "address": "xóm 3"}]
    parties, notes = _parse_people("Bà Lê Thị Én (1975), xóm 1 - bà Mai Thị Gấm, xóm 2", received)
    assert parties == [{"full_name": "Lê Thị Én", "age": 48, "address": "xóm 1"},
                       {"full_name": "Mai Thị Gấm", "age": None, "address": "xóm 2"}]
    assert notes == ["Tuổi của Lê Thị Én: tính từ năm sinh 1975 và năm nhận 2023 (48 tuổi)."]
    parties, _ = _parse_people("Ông Nguyễn Văn A và bà Trần Thị B, cùng trú tại thôn Đông", received)
    assert [p["address"] for p in parties] == ["thôn Đông", "thôn Đông"]


# --- bad input ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, message", [
    (b"", "trống"),
    (b"%PDF-1.4\x00\x01\x02 binary", "không phải bảng tính"),
    (bytes(range(256)) * 4, "không phải bảng tính"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "không phải bảng tính"),
    (b"mot dong van ban khong co cot nao", "không phải bảng tính"),
])
def test_files_that_are_not_spreadsheets_are_refused(small_db, content, message):
    con, _ = small_db
    before = counts(con)
    with pytest.raises(ValidationError, match=message):
        read_file(content, "so.xlsx", "cases", con)
    assert counts(con) == before


def test_a_word_document_named_xlsx_and_a_too_big_file_are_refused():
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ValidationError, match="không phải bảng tính"):
        read_file(docx.getvalue(), "so.xlsx", "cases")
    with pytest.raises(ValidationError, match="quá giới hạn 20 MB"):
        read_file(b"a;b\n" * (MAX_BYTES // 4 + 1), "lon.csv", "cases")


def test_no_recognisable_header_and_the_wrong_kind_of_list(small_db):
    con, _ = small_db
    with pytest.raises(ValidationError) as refused:
        read_file(xlsx(("Trang 1", [["a", "b"], [1, 2]])), "x.xlsx", "cases", con)
    assert "không có trang nào để nhập" in refused.value.messages[0]
    assert "không thấy dòng tiêu đề cột" in refused.value.messages[1]
    mediators = xlsx(("Thôn Đông", [["Họ và tên", "Giới tính", "Năm sinh"], ["Lê Văn Mới", "Nam", 1980]]))
    with pytest.raises(ValidationError, match="có vẻ là danh sách hòa giải viên"):
        read_file(mediators, "x.xlsx", "cases", con)


def test_a_column_mapped_twice_or_a_required_field_missing_writes_nothing(small_db):
    con, _ = small_db
    content = moj(case(1, "07/06/2023", "Người Một", "Việc một"))
    workbook = load(con, content)
    mapping = {**workbook.sheets[0].mapping, 9: "summary"}
    problems = check_mapping("cases", mapping)
    assert problems == ["«Nội dung chủ yếu của vụ việc» được gán cho 2 cột (E, J): mỗi trường chỉ gán cho một cột."]
    assert "Chưa gán cột «Ngày nhận vụ việc»." in check_mapping("cases", {**mapping, 1: None, 9: None})
    before = counts(con)
    with pytest.raises(ValidationError, match="Trang «Thôn Đông»: «Nội dung chủ yếu"):
        run_import(con, workbook, "cases", {"Thôn Đông": mapping}, Options(), actor=ACTOR, dry_run=False)
    assert counts(con) == before


# --- re-import, update, all or nothing, dry run, audit -----------------------------------------------------------

REGISTER = (
    case(1, "07/06/2023", "Nguyễn Văn Hải, 45 tuổi, xóm 1", "Tranh chấp ranh giới đất", result=None,
         agreement=None),
    case(2, "08/06/2023", "Trần Thị Lan, 40 tuổi", "Vay tiền không trả", result="khong_thanh"),
)


def test_reimporting_the_same_file_adds_nothing(small_db):
    con, _ = small_db
    content = moj(*REGISTER)
    assert imp(con, content).counts["them_moi"] == 2
    before = counts(con)
    again = imp(con, content)
    assert again.counts == {"them_moi": 0, "cap_nhat": 0, "bo_qua_trung": 2, "loi": 0}
    assert "không có gì thay đổi" in text(again.outcomes[0])
    assert counts(con)[:4] == before[:4]  # only the import's own audit row is added
    assert count(con, "audit_log") == before[4] + 1


def test_an_edited_row_updates_its_case_and_keeps_what_the_app_completed(small_db):
    con, _ = small_db
    imp(con, moj(*REGISTER))
    first = imported(con, "Tranh chấp ranh giới đất")
    # Completed in the app since: the closing date of the second case.
    con.execute("UPDATE cases SET concluded_on = DATE '2023-06-20', concluded_on_missing = FALSE "
                "WHERE summary = 'Vay tiền không trả'")
    edited = case(1, "07/06/2023", "Nguyễn Văn Hải, 45 tuổi, xóm 1", "Tranh chấp ranh giới đất", result="thanh",
                  agreement="Cắm lại mốc")
    result = imp(con, moj(edited, REGISTER[1]))
    rows = by_row(result)
    assert rows[7].action == "cap_nhat" and rows[7].record_id == first["id"]
    assert "Kết quả: Đang hòa giải → Hòa giải thành" in text(rows[7])
    assert "Thỏa thuận: (trống) → «Cắm lại mốc»" in text(rows[7])
    assert rows[8].action == "bo_qua_trung"  # the date typed in the app is not wiped by the older file
    after = imported(con, "Tranh chấp ranh giới đất")
    assert after["id"] == first["id"] and after["version"] == first["version"] + 1
    assert after["result"] == "thanh" and after["concluded_on_missing"] and after["agreement"] == "Cắm lại mốc"
    assert imported(con, "Vay tiền không trả")["concluded_on"] == dt.date(2023, 6, 20)
    assert count(con, "cases") == 9 + 2


def test_a_case_typed_in_the_app_is_found_by_its_key_and_not_duplicated(small_db):
    con, _ = small_db
    # SMALL_CASES has «Tranh chấp của Hoàng Văn Giang», received 01/02/2023 in Thôn Đông, without an import key.
    content = moj(case(1, "01/02/2023", "Hoàng Văn Giang, 40 tuổi, Xóm 1", "Tranh chấp của Hoàng Văn Giang"))
    result = imp(con, content)
    assert result.outcomes[0].action in ("bo_qua_trung", "cap_nhat")
    assert count(con, "cases") == 9


def test_all_or_nothing_rolls_back_every_row(small_db):
    con, _ = small_db
    before = counts(con)
    content = moj(*REGISTER, case(3, "31/02/2023", "Người Lỗi", "Việc lỗi"))
    result = imp(con, content)
    assert not result.written
    assert result.counts == {"them_moi": 2, "cap_nhat": 0, "bo_qua_trung": 0, "loi": 1}
    assert all(o.record_id is None for o in result.outcomes)
    assert counts(con) == before  # no case, party, mediator link or audit row left behind


def test_valid_only_saves_the_valid_rows_whole(small_db):
    con, _ = small_db
    before = counts(con)
    bad_age = case(3, "09/06/2023", "Người Già, 130 tuổi; Người Trẻ, 20 tuổi", "Việc có tuổi sai")
    result = imp(con, moj(*REGISTER, bad_age), valid_only=True)
    assert result.written and result.counts["them_moi"] == 2 and result.counts["loi"] == 1
    assert count(con, "cases") == before[0] + 2
    assert count(con, "case_parties") == before[1] + 2  # the refused case left no party behind
    assert con.execute("SELECT count(*) FROM case_parties WHERE full_name = 'Người Trẻ'").fetchone()[0] == 0


def test_dry_run_goes_through_the_write_path_and_writes_nothing(small_db):
    con, _ = small_db
    before = counts(con)
    twin = case(9, "07/06/2023", "Nguyễn Văn Hải", "Tranh chấp ranh giới đất")
    result = imp(con, moj(*REGISTER, twin, case(4, "31/02/2023", "Người Lỗi", "Việc lỗi")), dry_run=True)
    assert [o.action for o in result.outcomes] == ["them_moi", "them_moi", "bo_qua_trung", "loi"]
    assert not result.written and all(o.record_id is None for o in result.outcomes)
    assert counts(con) == before


def test_the_import_is_one_audited_act(small_db):
    con, _ = small_db
    progress = []
    workbook = load(con, moj(*REGISTER), name="so-2023.xlsx")
    result = run_import(con, workbook, "cases", {s.name: s.mapping for s in workbook.sheets}, Options(),
                        actor="cán bộ tư pháp", dry_run=False,
                        progress=lambda done, total: progress.append((done, total)))
    assert result.written and progress == [(1, 2), (2, 2)]
    actor, table, row_id, after = con.execute(
        "SELECT actor, table_name, row_id, \"after\" FROM audit_log WHERE action = 'import'").fetchone()
    assert (actor, table, row_id) == ("cán bộ tư pháp", "cases", None)
    after = json.loads(after)
    assert after["file"] == "so-2023.xlsx" and after["kind"] == "cases" and after["sheets"] == ["Thôn Đông"]
    assert after["counts"] == {"them_moi": 2, "cap_nhat": 0, "bo_qua_trung": 0, "loi": 0}
    # Each case is audited by the write path too.
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'insert' AND table_name = 'cases' "
                       "AND actor = 'cán bộ tư pháp'").fetchone()[0] == 2


# --- CSV and .xls -------------------------------------------------------------------------------------------------

def test_csv_in_utf8_with_commas_and_in_windows_1258_with_semicolons(small_db):
    con, _ = small_db
    rows = [["Ngày nhận", "Họ tên các bên", "Nội dung", "Kết quả"],
            ["07/06/2023", "Lương Văn Tám, 33 tuổi", "Tranh chấp tiền công", "Thành"]]
    utf8 = io.StringIO()
    csv_writer(utf8, ",").writerows(rows)
    result = imp(con, utf8.getvalue().encode("utf-8-sig"), name="thon-dong.csv")
    assert result.counts["them_moi"] == 1, result.outcomes
    assert imported(con, "Tranh chấp tiền công")["team_id"] == team_id(con, "Thôn Đông")  # from the file's name
    legacy = io.StringIO()
    csv_writer(legacy, ";").writerows([rows[0], ["08/06/2023", "Lương Thị Chín", "Nợ tiền", "Không thành"]])
    result = imp(con, cp1258(legacy.getvalue()), name="so.csv", village="Thôn Bắc")
    assert result.counts["them_moi"] == 1, result.outcomes
    assert imported(con, "Nợ tiền")["parties"][0][0] == "Lương Thị Chín"


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: vowels with their hat or horn are one byte, the tone a
    combining mark after them (Python's codec does not compose that way by itself)."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = b""
    for ch in text:
        base, *marks = unicodedata.normalize("NFD", ch)
        head = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
        out += (head + "".join(m for m in marks if m in tones)).encode("cp1258")
    return out


def csv_writer(buffer, delimiter):
    return csv.writer(buffer, delimiter=delimiter)


def test_the_xls_reader_gives_the_same_sheet():
    """.xls files are read by python-calamine; it reads .xlsx too, so the same workbook checks its path (merged
    header, numbers as whole numbers, dates)."""
    content = moj(case(1, dt.datetime(2023, 6, 7), "Người Một, 45 tuổi", "Việc một"))
    grids = _read_calamine(content, "so.xls", "Excel 97–2003 (.xls)")
    sheet = _sheet("cases", grids[0])
    assert sheet.header_rows == (4, 6) and sheet.mapping[6] == "result_thanh"
    assert sheet.rows[0][1][:2] == [1, dt.datetime(2023, 6, 7)] or sheet.rows[0][1][:2] == [1, dt.date(2023, 6, 7)]


# --- mediator lists -----------------------------------------------------------------------------------------------

MEDIATOR_HEAD = [["DANH SÁCH HÒA GIẢI VIÊN NĂM 2024"], [],
                 ["STT", "Họ và tên", "Năm sinh", None, "Dân tộc", "Chức vụ trong tổ", "Ngày công nhận",
                  "Điện thoại", "Chức danh"],
                 [None, None, "Nam", "Nữ", None, None, None, None, None]]
MEDIATOR_MERGES = ["A1:I1", "A3:A4", "B3:B4", "C3:D3", "E3:E4", "F3:F4", "G3:G4", "H3:H4", "I3:I4"]


def mediator_list(*rows, name="Thôn Đông") -> bytes:
    return xlsx((name, MEDIATOR_HEAD + list(rows)), merges={name: MEDIATOR_MERGES})


def test_mediator_list_adds_updates_and_reimports_as_nothing(small_db):
    con, ids = small_db
    content = mediator_list(
        [1, "Lê Thị Hoa", None, 1970, "Kinh", "Tổ trưởng", "01/01/2018", 912345678, "Chi hội trưởng phụ nữ"],
        [2, "Lò Văn Páo", 1985, None, "Thái", "Tổ viên", "ngày 15 tháng 3 năm 2024", "0987 654 321", None],
        [3, "Nông Thị Mai", None, "x", "Tày", None, dt.datetime(2024, 3, 15), None, None],
        [4, "Trần Văn Bình", 1965, None, "Kinh", "Tổ trưởng", "01/01/2018", None, None],
    )
    sheet = load(con, content, "mediators").sheets[0]
    assert sheet.mapping == {0: "stt", 1: "full_name", 2: "birth_year_male", 3: "birth_year_female", 4: "ethnicity",
                             5: "leader", 6: "joined_on", 7: "phone", 8: "role"}
    result = imp(con, content, "mediators")
    rows = by_row(result)
    assert [rows[r].action for r in (5, 6, 7, 8)] == ["cap_nhat", "them_moi", "them_moi", "bo_qua_trung"]
    assert "Điện thoại: (trống) → «0912345678»" in text(rows[5])  # the 0 Excel dropped
    assert "đang có tổ trưởng Lê Thị Hoa" in text(rows[8])  # the role moves only through its own action
    new = con.execute("SELECT gender, birth_year, ethnic_minority, is_leader, joined_on, phone FROM mediators "
                      "WHERE full_name = 'Lò Văn Páo'").fetchone()
    assert new == ("nam", 1985, True, False, dt.date(2024, 3, 15), "0987 654 321")
    mai = con.execute(
        "SELECT gender, birth_year, ethnic_minority FROM mediators WHERE full_name = 'Nông Thị Mai'").fetchone()
    assert mai == ("nu", None, True)
    hoa = con.execute(
        "SELECT is_leader, phone, role, ethnic_minority FROM mediators WHERE id = ?", [ids["a1"]]).fetchone()
    assert hoa == (True, "0912345678", "Chi hội trưởng phụ nữ", False)
    before = count(con, "mediators")
    again = imp(con, content, "mediators")
    assert again.counts["them_moi"] == 0 and again.counts["cap_nhat"] == 0 and count(con, "mediators") == before


def test_mediator_list_errors_name_the_row(small_db):
    con, _ = small_db
    content = xlsx(("Thôn Bắc", [
        ["Họ và tên", "Giới tính", "Năm sinh", "Ngày tham gia"],
        ["Hà Văn Một", "Nam", 1980, None],
        ["Hà Văn Hai", "không rõ", 1981, "01/01/2020"],
        ["Hà Văn Ba", "Nam", 1800, "01/01/2020"],
        ["Hà Thị Bốn", "Nữ", 1990, "01/01/2020"],
        ["Ánh Văn Dũng", "Nam", 1973, None],
    ]))
    result = imp(con, content, "mediators", valid_only=True)
    rows = by_row(result)
    assert [rows[r].action for r in (2, 3, 4, 5, 6)] == ["loi", "loi", "loi", "them_moi", "loi"]
    # Born 1972 in the database: another person for the import, and the row says why it needs a joining date.
    assert "Tổ đã có Ánh Văn Dũng sinh năm 1972" in text(rows[6]) and "Chưa nhập ngày tham gia" in text(rows[6])
    assert "Chưa nhập ngày tham gia" in text(rows[2])
    assert "Giới tính «không rõ»" in text(rows[3])
    assert "Năm sinh phải từ 1900" in text(rows[4])


# --- the command line -----------------------------------------------------------------------------------------------

def test_cli_imports_prints_counts_and_refused_rows(tmp_path, small_db, capsys):
    con, _ = small_db
    path = str(tmp_path / "small.duckdb")  # the small_db fixture's file, closed so that the command can open it
    con.close()
    good = tmp_path / "so.xlsx"
    good.write_bytes(moj(*REGISTER, name="Sheet1"))
    assert main(["import", "cases", str(good), "--village", "Thôn Đông", "--dry-run", "--db", path]) == 0
    out = capsys.readouterr().out
    assert "Thêm mới: 2 · Cập nhật: 0 · Bỏ qua vì trùng: 0 · Lỗi: 0" in out and "Chạy thử" in out
    assert main(["import", "cases", str(good), "--village", "Thôn Đông", "--db", path]) == 0
    assert "Đã ghi vào dữ liệu." in capsys.readouterr().out

    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(moj(case(1, "31/02/2023", "Người Lỗi", "Việc lỗi"), case(2, "09/06/2023", "Người Tốt", "Việc tốt"),
                        name="Thôn Bắc"))
    assert main(["import", "cases", str(bad), "--db", path]) == 1
    out = capsys.readouterr().out
    assert ("Lỗi — trang «Thôn Bắc», dòng 7 (STT 1 · 31/02/2023 · Người Lỗi · Việc lỗi): Ngày nhận: «31/02/2023» — "
            "tháng 02/2023 chỉ có 28 ngày.") in out
    assert "Không ghi gì vì có 1 dòng lỗi" in out
    assert main(["import", "cases", str(bad), "--valid-only", "--verbose", "--db", path]) == 0
    out = capsys.readouterr().out
    assert "Thêm mới: 1" in out and "Thêm mới — trang «Thôn Bắc», dòng 8" in out and "cần bổ sung ngày kết thúc" in out

    assert main(["import", "cases", str(tmp_path / "khong-co.xlsx"), "--db", path]) == 2
    assert "Lỗi: không có tệp" in capsys.readouterr().err
    text_file = tmp_path / "ghi-chu.xlsx"
    text_file.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert main(["import", "cases", str(text_file), "--db", path]) == 2
    assert "không phải bảng tính" in capsys.readouterr().err
    assert main(["import", "vu-viec", str(good), "--db", path]) == 2
    assert "loại dữ liệu «vu-viec» không hợp lệ" in capsys.readouterr().err


def test_cli_as_a_subprocess(tmp_path, small_db):
    con, _ = small_db
    path = str(tmp_path / "small.duckdb")  # the small_db fixture's file, closed so that the command can open it
    con.close()
    source = tmp_path / "danh-sach.xlsx"
    source.write_bytes(mediator_list([1, "Quàng Văn Sáu", 1979, None, "Thái", None, "01/02/2024", None, None],
                                     name="Thôn Bắc"))
    run = subprocess.run([sys.executable, "-m", "db", "import", "mediators", str(source), "--db", path],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert "Thêm mới: 1" in run.stdout
