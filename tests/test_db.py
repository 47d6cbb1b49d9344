"""db/: the write path's rules, audit, versions, text, order and the figures, on real DuckDB files."""
from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pytest

from conftest import ACTOR, a_case, team_id
from db import cases
from db.cases import register, results
from db.core.writes import DuplicateSuspected, ValidationError, VersionConflict


def count(con, sql: str, params=()) -> int:
    return con.execute(sql, list(params)).fetchone()[0]


# --- the two rates, carry-over -------------------------------------------------------------------

def test_rates_by_hand(small_db):
    con, _ = small_db
    east = con.execute("SELECT id FROM villages WHERE name = 'Thôn Đông'").fetchone()[0]
    # Thôn Đông 2023: received 5 + 1 carried from 2022 = 6; thành 3 (incl. the carried one),
    # không thành 1, ngoài phạm vi 1, đang 1 → official 3/4, thành/in-scope 3/5.
    t = results.totals(con, 2023, east)
    assert (t["received"], t["carried_over"], t["thanh"], t["khong_thanh"], t["dang_hoa_giai"],
            t["ngoai_pham_vi"], t["in_scope"]) == (6, 1, 3, 1, 1, 1, 5)
    assert t["official_rate"] == pytest.approx(0.75)
    assert t["received_rate"] == pytest.approx(0.6)
    # Commune 2023 adds Thôn Bắc's one thành: official 4/5, in scope 4/6 — summed counts, not averaged rates.
    t = results.totals(con, 2023)
    assert t["official_rate"] == pytest.approx(0.8)
    assert t["received_rate"] == pytest.approx(4 / 6)


def test_case_open_at_year_end_carries_over(small_db):
    con, _ = small_db
    # 2022: the case received 20/12/2022 and concluded 10/01/2023 was still open at 31/12/2022.
    t = results.totals(con, 2022)
    assert (t["received"], t["thanh"], t["khong_thanh"], t["dang_hoa_giai"]) == (3, 1, 1, 1)
    assert t["official_rate"] == pytest.approx(0.5)
    listing = register.list_cases(con, year=2023, search="Đào")
    assert listing["carried_over"].tolist() == [True]
    assert listing["result_in_year"].tolist() == ["thanh"]
    # The case still open at 31/12/2023 counts in every later year until it is concluded.
    assert results.totals(con, 2024)["dang_hoa_giai"] == 1


def test_rate_without_concluded_cases_is_not_applicable(small_db):
    con, _ = small_db
    north = con.execute("SELECT id FROM villages WHERE name = 'Thôn Bắc'").fetchone()[0]
    assert results.totals(con, 2024, north)["official_rate"] is None


def test_deleted_case_leaves_the_figures_and_restore_brings_it_back(small_db):
    con, _ = small_db
    before = results.totals(con, 2023)["thanh"]
    case_id = register.list_cases(con, year=2023, search="Giang")["id"].item()
    cases.delete_case(con, case_id, actor=ACTOR)
    assert results.totals(con, 2023)["thanh"] == before - 1
    assert register.list_cases(con, year=2023, deleted=True)["id"].tolist() == [case_id]
    cases.restore_case(con, case_id, actor=ACTOR)
    assert results.totals(con, 2023)["thanh"] == before
    actions = [r[0] for r in con.execute(
        "SELECT action FROM audit_log WHERE table_name = 'cases' AND row_id = ? ORDER BY id", [case_id]).fetchall()]
    assert actions == ["insert", "delete", "restore"]


def test_default_year_is_latest_with_data(small_db):
    con, _ = small_db
    assert results.default_year(con) == 2023


# --- validation: each rule refuses and writes nothing ---------------------------------------------

BAD_CASES = [
    ({"summary": "  "}, "Chưa nhập nội dung vụ việc."),
    ({"received_on": None}, "Chưa nhập ngày nhận vụ việc."),
    ({"received_on": "31/02/2023"}, "Ngày nhận: «31/02/2023» — tháng 02/2023 chỉ có 28 ngày"),
    ({"received_on": dt.date.today() + dt.timedelta(days=1)}, "ở tương lai"),
    ({"assigned_on": dt.date(2023, 6, 30)}, "Ngày phân công 30/06/2023 trước ngày nhận 01/07/2023."),
    ({"result": "thanh", "concluded_on": dt.date(2023, 6, 1)}, "Ngày kết thúc 01/06/2023 trước ngày nhận"),
    ({"result": "thanh", "concluded_on": None}, "cần có ngày kết thúc"),
    ({"result": "dang_hoa_giai", "concluded_on": dt.date(2023, 7, 5)}, "chưa có ngày kết thúc"),
    ({"written_record": True}, "Văn bản hòa giải thành chỉ lập khi vụ việc hòa giải thành."),
    ({"parties": [{"full_name": "", "age": 30}]}, "Bên thứ 1: chưa nhập họ tên."),
    ({"parties": []}, "Cần ít nhất một bên"),
    ({"parties": [{"full_name": "Ông Già", "age": 121}]}, "Tuổi của bên thứ 1 phải từ 0 đến 120"),
    ({"parties": [{"full_name": "Bé Con", "age": -1}]}, "Tuổi của bên thứ 1 phải từ 0 đến 120"),
    ({"category": "khong_co"}, "Loại vụ việc «khong_co» không có trong danh mục."),
    ({"grounds": None}, "Chưa nhập căn cứ hòa giải."),
]


@pytest.mark.parametrize("change, message", BAD_CASES)
def test_bad_case_is_refused_with_its_message(small_db, change, message):
    con, _ = small_db
    cases_before = count(con, "SELECT count(*) FROM cases")
    audit_before = count(con, "SELECT count(*) FROM audit_log")
    with pytest.raises(ValidationError) as err:
        cases.save_case(con, a_case(team_id(con, "Thôn Đông"), **change), actor=ACTOR)
    assert any(message in m for m in err.value.messages), err.value.messages
    assert count(con, "SELECT count(*) FROM cases") == cases_before
    assert count(con, "SELECT count(*) FROM audit_log") == audit_before


def test_mediator_must_belong_to_the_team_and_be_active(small_db):
    con, ids = small_db
    east = team_id(con, "Thôn Đông")
    with pytest.raises(ValidationError) as err:
        cases.save_case(con, a_case(east, mediator_ids=[ids["b1"]]), actor=ACTOR)
    assert err.value.messages == ["Hòa giải viên Ánh Văn Dũng không thuộc Tổ hòa giải thôn Đông."]
    with pytest.raises(ValidationError) as err:  # a3 left on 30/06/2022
        cases.save_case(con, a_case(east, mediator_ids=[ids["a3"]]), actor=ACTOR)
    assert "không còn hoạt động" in err.value.messages[0]
    case_id = cases.save_case(con, a_case(east, mediator_ids=[ids["a1"], ids["a2"]]), actor=ACTOR)
    assert cases.get_case(con, case_id)["mediator_ids"] == sorted([ids["a1"], ids["a2"]])


def test_likely_duplicate_is_warned_then_saved_on_confirmation(small_db):
    con, _ = small_db
    east = team_id(con, "Thôn Đông")
    first = cases.save_case(con, a_case(east), actor=ACTOR)
    # Same team, same day, same party written without accents and in another case: warned.
    again = a_case(east, summary="Nhập lại", parties=[{"full_name": "trinh van phuc"}])
    with pytest.raises(DuplicateSuspected) as err:
        cases.save_case(con, again, actor=ACTOR)
    assert f"vụ việc số {first}" in err.value.messages[0]
    second = cases.save_case(con, again, actor=ACTOR, confirm_duplicate=True)
    assert second != first
    # Another day is not a duplicate.
    cases.save_case(con, a_case(east, received_on=dt.date(2023, 7, 3), assigned_on=None), actor=ACTOR)


# --- write path: NFC, audit, versions ---------------------------------------------------------------

def test_text_is_stored_nfc_and_trimmed(small_db):
    con, _ = small_db
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Thị Hồng  ")
    case_id = cases.save_case(con, a_case(team_id(con, "Thôn Đông"), summary=unicodedata.normalize(
        "NFD", " Tranh chấp đất  "), parties=[{"full_name": decomposed, "address": " Xóm 3 "}]), actor=ACTOR)
    saved = cases.get_case(con, case_id)
    assert saved["summary"] == "Tranh chấp đất"
    assert saved["parties"][0]["full_name"] == "Nguyễn Thị Hồng"
    assert unicodedata.is_normalized("NFC", saved["parties"][0]["full_name"])
    assert saved["parties"][0]["address"] == "Xóm 3"


def test_every_write_is_audited_with_before_and_after(small_db):
    con, _ = small_db
    east = team_id(con, "Thôn Đông")
    case_id = cases.save_case(con, a_case(east), actor="Cán bộ A")
    cases.save_case(con, a_case(east, result="thanh", concluded_on=dt.date(2023, 7, 20)), actor="Cán bộ B",
                    case_id=case_id, expected_version=1)
    rows = con.execute(
        'SELECT actor, action, "before", "after" FROM audit_log WHERE table_name = ? AND row_id = ? ORDER BY id',
        ["cases", case_id]).fetchall()
    assert [(r[0], r[1]) for r in rows] == [("Cán bộ A", "insert"), ("Cán bộ B", "update")]
    assert rows[0][2] is None
    before, after = json.loads(rows[1][2]), json.loads(rows[1][3])
    assert (before["result"], before["version"]) == ("dang_hoa_giai", 1)
    assert (after["result"], after["version"], after["concluded_on"]) == ("thanh", 2, "2023-07-20")
    assert after["parties"][0]["full_name"] == "Trịnh Văn Phúc"


def test_stale_version_is_refused(small_db):
    con, _ = small_db
    east = team_id(con, "Thôn Đông")
    case_id = cases.save_case(con, a_case(east), actor=ACTOR)
    cases.save_case(con, a_case(east, summary="Sửa lần 1"), actor=ACTOR, case_id=case_id, expected_version=1)
    with pytest.raises(VersionConflict) as err:
        cases.save_case(con, a_case(east, summary="Sửa từ bản cũ"), actor=ACTOR, case_id=case_id, expected_version=1)
    assert "vừa được người khác sửa" in err.value.messages[0]
    assert cases.get_case(con, case_id)["summary"] == "Sửa lần 1"
    with pytest.raises(VersionConflict):
        cases.delete_case(con, case_id, actor=ACTOR, expected_version=1)


def test_failed_update_keeps_parties_and_mediators(small_db):
    con, ids = small_db
    east = team_id(con, "Thôn Đông")
    case_id = cases.save_case(con, a_case(east, mediator_ids=[ids["a1"]]), actor=ACTOR)
    with pytest.raises(ValidationError):
        cases.save_case(con, a_case(east, parties=[], mediator_ids=[]), actor=ACTOR, case_id=case_id,
                        expected_version=1)
    saved = cases.get_case(con, case_id)
    assert (saved["version"], len(saved["parties"]), saved["mediator_ids"]) == (1, 1, [ids["a1"]])


# --- search and Vietnamese order ---------------------------------------------------------------------

def test_search_ignores_accents_and_d_stroke(small_db):
    con, _ = small_db
    found = register.list_cases(con, year=2023, search="dang van khoa")
    assert found["parties"].tolist() == ["Đặng Văn Khoa; Hàng Xóm"]
    # "dong" matches the village name Thôn Đông: all of its 2023 cases.
    assert len(register.list_cases(con, year=2023, search="dong")) == 6


def test_vietnamese_sort_order(small_db):
    con, _ = small_db
    names = register.list_cases(con, year=2023, sort="Tên các bên (A → Z)")["parties"].str.split(";").str[0]
    # Vietnamese alphabet: B < D < Đ < H < L < M < N (Đ after D, not after Z or beside D).
    assert names.tolist() == ["Bùi Thị Hạnh", "Đặng Văn Khoa", "Đỗ Thị Đào", "Hoàng Văn Giang",
                              "Lý Thị Mơ", "Mai Văn Long", "Ngô Văn Nam"]


def test_filters_by_result_category_and_village(small_db):
    con, _ = small_db
    north = con.execute("SELECT id FROM villages WHERE name = 'Thôn Bắc'").fetchone()[0]
    assert len(register.list_cases(con, year=2023, results=["thanh"])) == 4
    assert len(register.list_cases(con, year=2023, village_id=north)) == 1
    assert len(register.list_cases(con, year=2023, categories=["lang_gieng"])) == 0


def test_export_has_register_columns_and_excel_bom(small_db):
    con, _ = small_db
    frame = register.export_frame(register.list_cases(con, year=2023), 2023)
    for column in ("STT", "Ngày nhận vụ việc", "Hòa giải viên", "Họ tên, tuổi, địa chỉ các bên",
                   "Nội dung chủ yếu", "Thỏa thuận của các bên", "Kết quả tại 31/12/2023", "Ghi chú"):
        assert column in frame.columns
    data = frame.to_csv(index=False).encode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Hòa giải thành" in data.decode("utf-8-sig")


def test_the_export_counts_results_as_the_list_and_the_figures_do(small_db):
    """2022 of the small commune: a case received 20/12/2022 was concluded thành on 10/01/2023, so at 31/12/2022 it
    was still open. The export's «Kết quả» is the year's (1 thành, 1 không thành, 1 đang hòa giải — as the totals),
    and today's result is in its own column; the export of every year gives today's."""
    con, _ = small_db
    listing = register.list_cases(con, year=2022)
    frame = register.export_frame(listing, 2022)
    in_year = frame["Kết quả tại 31/12/2022"].value_counts().to_dict()
    assert in_year == {"Hòa giải thành": 1, "Hòa giải không thành": 1, "Đang hòa giải": 1}
    totals = results.totals(con, 2022)
    assert (totals["thanh"], totals["khong_thanh"], totals["dang_hoa_giai"]) == (1, 1, 1)
    assert frame["Kết quả hiện nay"].value_counts().to_dict() == {"Hòa giải thành": 2, "Hòa giải không thành": 1}
    everything = register.export_frame(register.list_cases(con, year=None), None)
    assert "Kết quả (hiện nay)" in everything.columns and len(everything) == 9
    # Imported again (Nhập dữ liệu), the export gives each case its result today, from one column.
    from db.tools.exporting import frame_workbook
    from db.tools.importing import read_file
    book = read_file(frame_workbook(frame, "Sổ theo dõi", "Sổ theo dõi năm 2022"), "so-2022.xlsx", "cases", con)
    assert [field for sheet in book.sheets for field in sheet.mapping.values()].count("result") == 1


def test_parse_number_reads_a_decimal_comma_and_checks_the_range():
    from db.core.writes import parse_number
    errors: list[str] = []
    assert parse_number("0,9", "Mục tiêu", errors, 0, 1) == 0.9
    assert parse_number("", "Mục tiêu", errors, 0, 1) is None and errors == []
    assert parse_number("chín", "Mục tiêu", errors, 0, 1) is None
    assert parse_number("2,5", "Mục tiêu", errors, 0, 1) is None
    assert errors == ["Mục tiêu: «chín» không phải là số.", "Mục tiêu phải từ 0 đến 1 (đã nhập 2,5)."]
