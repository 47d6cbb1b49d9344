"""Going live (issue 12): the commune's own set-up, villages merged, split and dissolved with an effective date and
the reports of the years before and after, leaving the demo with a backup first, and everything taken out again."""
from __future__ import annotations

import datetime as dt
import io

import pytest
import streamlit as st
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

import db
from conftest import ACTOR, ROOT, a_case, app_connection, edit_key, open_page, team_id, typed
from db import cases, places
from db.tools import backup, exporting, seed
from db.cases import results
from db.core.writes import ValidationError

D = dt.date
MERGE_DAY = D(2024, 1, 1)


def village_id(con, name: str) -> int:
    return con.execute("SELECT id FROM villages WHERE name = ?", [name]).fetchone()[0]


def conclude_open_case(con) -> None:
    """SMALL_CASES leaves one case of Thôn Đông open at the end of 2023 (Lý Thị Mơ): record its result."""
    case_id, version = con.execute("SELECT id, version FROM cases WHERE result = 'dang_hoa_giai'").fetchone()
    case = cases.get_case(con, case_id)
    cases.save_case(con, {**case, "result": "thanh", "concluded_on": D(2023, 12, 20)}, actor=ACTOR,
                    case_id=case_id, expected_version=version)


def members(con, team: int) -> list[tuple]:
    return con.execute("SELECT full_name, joined_on, left_on, leave_reason, is_leader FROM mediators "
                       "WHERE team_id = ? ORDER BY full_name", [team]).fetchall()


def test_a_merge_keeps_the_years_before_and_starts_the_new_village(small_db):
    con, _ = small_db
    dong, bac = village_id(con, "Thôn Đông"), village_id(con, "Thôn Bắc")
    before_2023 = results.by_village(con, 2023)[["village", "received", "thanh", "khong_thanh"]].values.tolist()

    # A case still being mediated stays with the team that received it: the merge waits for its result.
    with pytest.raises(ValidationError, match="còn 1 vụ việc đang hòa giải"):
        places.merge_villages(con, [dong, bac], new_village={"name": "Thôn Đông Bắc"},
                              new_team={"name": "Tổ hòa giải thôn Đông Bắc"}, on=MERGE_DAY,
                              decision={"decision_no": "15/QĐ-UBND", "decision_date": D(2023, 12, 15)}, actor=ACTOR)
    conclude_open_case(con)
    result = places.merge_villages(con, [dong, bac], new_village={"name": "Thôn Đông Bắc"},
                                   new_team={"name": "Tổ hòa giải thôn Đông Bắc"}, on=MERGE_DAY,
                                   decision={"decision_no": "15/QĐ-UBND", "decision_date": D(2023, 12, 15)},
                                   actor=ACTOR)
    new_team = result["team_id"]
    assert result["moved"] == 3  # Lê Thị Hoa and Trần Văn Bình (Đông), Ánh Văn Dũng (Bắc); Phạm Văn Cường left in 2022

    # The year before: the two villages as they were, figures unchanged; the year after: only the new one.
    assert set(places.villages(con, 2023)["name"]) == {"Thôn Đông", "Thôn Bắc"}
    assert set(places.villages(con, 2024)["name"]) == {"Thôn Đông Bắc"}
    after_2023 = results.by_village(con, 2023)[["village", "received", "thanh", "khong_thanh"]].values.tolist()
    assert after_2023 == [[v, r, t, k] if v != "Thôn Đông" else [v, r, t + 1, k] for v, r, t, k in before_2023]
    assert results.by_village(con, 2024)["village"].tolist() == ["Thôn Đông Bắc"]
    assert list(places.teams(con, 2024)["id"]) == [new_team]

    # The people go on in the new team from the effective day; their old records end that day (not under Art. 11).
    old = members(con, team_id(con, "Thôn Đông"))
    assert ("Lê Thị Hoa", D(2018, 1, 1), MERGE_DAY, "chuyen_to", False) in old
    assert members(con, new_team) == [
        ("Lê Thị Hoa", MERGE_DAY, None, None, True),  # the first team's tổ trưởng leads the new team
        ("Trần Văn Bình", MERGE_DAY, None, None, False),
        ("Ánh Văn Dũng", MERGE_DAY, None, None, False),
    ]
    # An old team takes no case after its end; the new team does.
    with pytest.raises(ValidationError, match="không nhận vụ việc ngày 01/02/2024"):
        cases.save_case(con, a_case(team_id(con, "Thôn Đông"), received_on=D(2024, 2, 1), assigned_on=None),
                        actor=ACTOR, as_of=D(2024, 3, 1))
    cases.save_case(con, a_case(new_team, received_on=D(2024, 2, 1), assigned_on=None), actor=ACTOR,
                    as_of=D(2024, 3, 1))
    assert results.by_village(con, 2024)["received"].tolist() == [1]
    change = places.place_changes(con).iloc[0]
    assert (change["kind"], change["effective_on"].date(), change["decision_no"]) == ("sap_nhap", MERGE_DAY, "15/QĐ-UBND")
    assert sorted(change["from_names"]) == ["Thôn Bắc", "Thôn Đông"] and list(change["to_names"]) == ["Thôn Đông Bắc"]


def test_a_merge_into_a_village_that_continues(small_db):
    con, _ = small_db
    conclude_open_case(con)
    dong, bac = village_id(con, "Thôn Đông"), village_id(con, "Thôn Bắc")
    result = places.merge_villages(con, [bac], into=dong, on=MERGE_DAY, actor=ACTOR)
    assert result["village_id"] == dong and result["moved"] == 1
    assert set(places.villages(con, 2024)["name"]) == {"Thôn Đông"}
    # Ánh Văn Dũng (tổ trưởng of Bắc) joins Thôn Đông's team as a member: Đông keeps its tổ trưởng.
    assert ("Ánh Văn Dũng", MERGE_DAY, None, None, False) in members(con, team_id(con, "Thôn Đông"))
    assert con.execute("SELECT successor_id, valid_to FROM villages WHERE id = ?", [bac]).fetchone() == \
        (dong, MERGE_DAY - dt.timedelta(days=1))


def test_a_split_sends_each_mediator_where_the_officer_chose(small_db):
    con, ids = small_db
    conclude_open_case(con)
    dong = village_id(con, "Thôn Đông")
    result = places.split_village(con, dong, [{"name": "Thôn Đông Nam"}, {"name": "Thôn Đông Bắc"}], on=MERGE_DAY,
                                  assignments={ids["a2"]: 1}, actor=ACTOR)
    south, north = result["team_ids"]
    assert [m[0] for m in members(con, south)] == ["Lê Thị Hoa"]
    assert [m[0] for m in members(con, north)] == ["Trần Văn Bình"]
    assert set(places.villages(con, 2024)["name"]) == {"Thôn Bắc", "Thôn Đông Nam", "Thôn Đông Bắc"}
    assert set(places.villages(con, 2023)["name"]) == {"Thôn Bắc", "Thôn Đông"}
    with pytest.raises(ValidationError, match="ít nhất hai thôn mới"):
        places.split_village(con, village_id(con, "Thôn Bắc"), [{"name": "Thôn Bắc Mới"}], on=MERGE_DAY,
                             actor=ACTOR)


def test_dissolving_a_village_ends_its_team_and_mediators_and_refuses_bad_dates(small_db):
    con, _ = small_db
    bac = village_id(con, "Thôn Bắc")
    audit = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    for day, message in ((TODAY_PLUS_30 := dt.date.today() + dt.timedelta(days=30), "ở tương lai"),
                         ("31/02/2024", "chỉ có 29 ngày"), (None, "Chưa nhập ngày có hiệu lực")):
        with pytest.raises(ValidationError, match=message):
            places.dissolve_village(con, bac, on=day, actor=ACTOR)
    assert TODAY_PLUS_30 and con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit
    result = places.dissolve_village(con, bac, on=D(2024, 7, 1), actor=ACTOR)
    assert result["ended"] == 1
    assert "Thôn Bắc" in set(places.villages(con, 2024)["name"])  # it existed in the first half of 2024
    assert "Thôn Bắc" not in set(places.villages(con, 2025)["name"])
    assert members(con, team_id(con, "Thôn Bắc")) == [("Ánh Văn Dũng", D(2019, 1, 1), D(2024, 7, 1), "to_giai_the",
                                                       False)]
    with pytest.raises(ValidationError, match="đã kết thúc"):
        places.dissolve_village(con, bac, on=D(2024, 8, 1), actor=ACTOR)


def test_a_village_is_added_with_its_team_and_a_name_is_unique_among_living_villages(small_db):
    con, _ = small_db
    commune = con.execute("SELECT id FROM communes").fetchone()[0]
    village, team = places.add_village(
        con, {"commune_id": commune, "name": "  Thôn  Nam ", "kind": "thon", "ethnic_area": True},
        {"name": "Tổ hòa giải thôn Nam", "decision_no": "3/QĐ-UBND", "decision_date": "05/01/2024"}, actor=ACTOR)
    assert con.execute("SELECT name, ethnic_area FROM villages WHERE id = ?", [village]).fetchone() == ("Thôn Nam", True)
    assert con.execute("SELECT village_id, decision_date FROM teams WHERE id = ?", [team]).fetchone() == \
        (village, D(2024, 1, 5))
    with pytest.raises(ValidationError, match="đã có thôn, tổ dân phố tên «thon dong»"):
        places.add_village(con, {"commune_id": commune, "name": "thon dong"}, {"name": "Tổ"}, actor=ACTOR)


def test_years_and_the_default_year(empty_db, small_db):
    con, _ = small_db
    this_year = dt.date.today().year
    assert results.case_years_for_filter(con)[-1] == this_year  # the current year is offered before its first case
    assert results.default_year(con) == 2023  # the small commune has no data of this year
    cases.save_case(con, a_case(team_id(con, "Thôn Đông"), received_on=dt.date.today(), assigned_on=None),
                    actor=ACTOR)
    assert results.default_year(con) == this_year


def test_leaving_the_demo_keeps_a_verified_backup_and_the_settings(demo_db, tmp_path):
    copy = backup.backup(demo_db, tmp_path / "sao-luu", label="truoc-xoa-minh-hoa")
    assert copy.exists() and copy.name.endswith("-truoc-xoa-minh-hoa.duckdb")
    rates = demo_db.execute("SELECT count(*) FROM rates").fetchone()[0]
    counts = seed.remove_demo(demo_db, actor=ACTOR)
    assert counts["cases"] == 143 and counts["communes"] == 1
    for table in ("communes", "villages", "teams", "mediators", "cases", "case_parties", "trainings", "payments",
                  "budgets", "plans", "nominations", "evidence_documents", "evidence_files"):
        assert demo_db.execute("SELECT count(*) FROM " + table).fetchone()[0] == 0, table
    assert demo_db.execute("SELECT count(*) FROM rates").fetchone()[0] == rates
    assert demo_db.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() == ("remove_demo",)
    kept = db.connect(copy)
    assert kept.execute("SELECT count(*) FROM cases").fetchone()[0] == 143  # the backup holds the demo
    kept.close()
    with pytest.raises(ValidationError, match="Không có dữ liệu minh họa"):
        seed.remove_demo(demo_db, actor=ACTOR)


def test_the_whole_database_comes_out_as_one_workbook(demo_db):
    book = load_workbook(io.BytesIO(exporting.database_workbook(demo_db)))
    assert {"Xã", "Thôn", "Tổ hòa giải", "Hòa giải viên", "Vụ việc", "Các bên", "Chứng từ chi", "Mức chi",
            "Nhật ký thay đổi"} <= set(book.sheetnames)
    sheet = book["Vụ việc"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Số", "Số tổ", "Ngày nhận"]
    assert sheet.max_row - 1 == demo_db.execute("SELECT count(*) FROM cases").fetchone()[0]
    received = sheet.cell(2, 3)
    assert isinstance(received.value, dt.datetime) and received.number_format == "dd/mm/yyyy"
    amounts = [c.value for c in book["Chứng từ chi"]["J"][1:]]  # Số tiền (đồng): numbers, not text
    assert book["Chứng từ chi"]["J1"].value == "Số tiền (đồng)" and all(isinstance(a, int) for a in amounts)


# --- the pages -------------------------------------------------------------------------------------------------

@pytest.fixture()
def empty_app(tmp_path, monkeypatch):
    """The app on `python -m db init --empty`."""
    path = tmp_path / "moi.duckdb"
    db.create_database(path, demo=False).close()
    monkeypatch.setenv("HOAGIAI_DB", str(path))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    yield at
    st.cache_resource.clear()


def test_an_empty_file_asks_for_its_administrator_then_opens_on_setup(empty_app):
    at = empty_app.run()
    assert not at.exception and at.title[0].value == "Tạo tài khoản quản trị"
    at.text_input(key="first_login").input("TuPhap.HoaBinh")
    at.text_input(key="first_password").input("mat khau dai")
    at.text_input(key="first_again").input("mat khau khac")
    at = next(b for b in at.button if b.label == "Tạo tài khoản và đăng nhập").click().run()
    assert any("Hai lần nhập mật khẩu không giống nhau" in e.value for e in at.error)
    at.text_input(key="first_again").input("mat khau dai")
    at = next(b for b in at.button if b.label == "Tạo tài khoản và đăng nhập").click().run()
    assert not at.exception and at.title[0].value == "Thiết lập xã", [e.value for e in at.error]
    assert at.session_state["user"] == {"login": "tuphap.hoabinh", "role": "can_bo_tu_phap", "village_id": None}
    form = edit_key(at, "commune")
    at.text_input(key=f"{form}_name").input("Xã Hòa Bình")
    at.text_input(key=f"{form}_province").input("Thành phố Hải Phòng")
    at = next(b for b in at.button if b.label == "Tạo xã").click().run()
    assert any("Đã lưu Xã Hòa Bình" in s.value for s in at.success), [e.value for e in at.error]
    for i, name in enumerate(("Thôn Nhất", "Thôn Nhì", "Tổ dân phố Ba"), start=1):
        form = f"village_add_{i}"
        at.text_input(key=f"{form}_name").input(name)
        if name.startswith("Tổ"):
            at.selectbox(key=f"{form}_kind").set_value("to_dan_pho")
        at.text_input(key=f"{form}_team_no").input(f"{i}/QĐ-UBND")
        at.text_input(key=f"{form}_team_date").input(typed(D(2024, 1, 2)))
        at = next(b for b in at.button if b.label == "Thêm thôn và tổ hòa giải").click().run()
        assert not at.exception and any(f"Đã thêm {name}" in s.value for s in at.success), [e.value for e in at.error]
    con = app_connection()
    assert con.execute("SELECT name, kind FROM villages ORDER BY id").fetchall() == [
        ("Thôn Nhất", "thon"), ("Thôn Nhì", "thon"), ("Tổ dân phố Ba", "to_dan_pho")]
    assert con.execute("SELECT count(*) FROM teams").fetchone() == (3,)
    # Every page sees the new villages at once: the sidebar's filter offers them.
    at = open_page(at, "pages/overview.py")
    options = next(s for s in at.sidebar.selectbox if s.label == "Thôn").options
    assert {"Thôn Nhất", "Thôn Nhì", "Tổ dân phố Ba"} <= set(options)


def test_leaving_the_demo_from_the_page(app, demo_path):
    at = open_page(app, "pages/setup.py")
    at = at.checkbox(key="leave_demo_sure").check().run()  # the button is disabled until then
    at.text_input(key="leave_demo_word").input("xoa")
    at = at.button(key="leave_demo").click().run()
    assert any("gõ đúng chữ XÓA" in e.value for e in at.error)
    assert app_connection().execute("SELECT count(*) FROM cases").fetchone()[0] == 143  # nothing removed
    at.text_input(key="leave_demo_word").input("XÓA")
    at = at.button(key="leave_demo").click().run()
    assert not at.exception
    assert any("Đã xóa dữ liệu minh họa" in s.value for s in at.success)
    assert app_connection().execute("SELECT count(*) FROM cases").fetchone()[0] == 0
    assert list((demo_path.parent / "sao-luu").glob("*-truoc-xoa-minh-hoa.duckdb"))
    assert not any("Dữ liệu minh họa" in c.value for c in at.sidebar.caption)  # the demo banner is gone
    assert at.title[0].value == "Thiết lập xã"


def test_the_export_command(demo_path, tmp_path, capsys):
    from db.__main__ import main

    out = tmp_path / "ra" / "toan-bo.xlsx"
    assert main(["export", "--db", str(demo_path), "--out", str(out)]) == 0
    assert "Đã xuất toàn bộ dữ liệu" in capsys.readouterr().out
    assert "Vụ việc" in load_workbook(out).sheetnames
    assert main(["export", "--db", str(demo_path), "--out", str(tmp_path / "a.csv")]) == 2
    assert "phải có đuôi .xlsx" in capsys.readouterr().err
    assert main(["export", "--db", str(tmp_path / "khong-co.duckdb"), "--out", str(out)]) == 2
