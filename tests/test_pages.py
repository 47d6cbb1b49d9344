"""Every page through Streamlit's AppTest on a real temporary database (no browser)."""
from __future__ import annotations

import datetime as dt
import re

from streamlit.testing.v1 import AppTest

import db
from conftest import app_connection, edit_key, empty_app_file, metric, new_app, open_page, typed


def test_overview_shows_the_official_rate_of_the_latest_year(app, demo_path):
    at = open_page(app, "pages/overview.py")
    con = app_connection()  # the app holds the file: read it through the app's own connection
    year = at.session_state["nam"]
    # Independent calculation straight from the tables, not through the app's views.
    thanh, khong = con.execute(
        """
        SELECT count(*) FILTER (WHERE result = 'thanh' AND concluded_on <= make_date(?, 12, 31)),
               count(*) FILTER (WHERE result = 'khong_thanh' AND concluded_on <= make_date(?, 12, 31))
        FROM cases
        WHERE deleted_at IS NULL AND received_on <= make_date(?, 12, 31)
          AND (year(received_on) = ? OR concluded_on IS NULL OR concluded_on >= make_date(?, 1, 1))
        """, [year] * 5).fetchone()
    assert year == 2023
    expected = f"{thanh / (thanh + khong) * 100:.1f}%".replace(".", ",")
    assert metric(at, "Tỷ lệ hòa giải thành (chính thức)") == expected
    # The demo rate is below the 90% target, within the past years' 80–90%: "Gần đạt", orange.
    assert any(m.value.startswith(":orange-badge[") and "Gần đạt" in m.value for m in at.markdown)


def test_overview_village_filter_from_url(app, demo_path):
    con = db.connect(demo_path)
    village_id, name = con.execute("SELECT id, name FROM villages ORDER BY id LIMIT 1").fetchone()
    received = con.execute(
        "SELECT count(*) FROM case_year WHERE year = 2022 AND village_id = ?", [village_id]).fetchone()[0]
    con.close()
    app.query_params["nam"] = "2022"
    app.query_params["thon"] = str(village_id)
    at = open_page(app, "pages/overview.py")
    assert (at.session_state["nam"], at.session_state["thon"]) == (2022, village_id)
    assert any(m.value.startswith(f"Tiếp nhận **{received}** vụ việc") for m in at.markdown)
    assert f"Năm 2022 · {name}" in at.caption[0].value


def test_bad_url_parameters_fall_back_to_defaults(app):
    app.query_params["nam"] = "abc"
    app.query_params["thon"] = "99999"
    at = open_page(app, "pages/overview.py")
    assert (at.session_state["nam"], at.session_state["thon"]) == (2023, 0)


def fill_case(at: AppTest, *, name: str, received: dt.date, result: str = "Đang hòa giải",
              concluded: dt.date | None = None) -> AppTest:
    next(w for w in at.text_area if w.label == "Nội dung chủ yếu của vụ việc *").input("Tranh chấp lối đi chung")
    for widget in at.text_input:
        if widget.label == "Họ tên bên 1":
            widget.input(name)
        if widget.label == "Địa chỉ bên 1":
            widget.input("Xóm 4")
    next(w for w in at.number_input if w.label == "Tuổi bên 1").set_value(52)
    next(w for w in at.text_input if w.label == "Ngày nhận *").input(typed(received))
    next(w for w in at.selectbox if w.label == "Kết quả *").set_value(
        {"Đang hòa giải": "dang_hoa_giai", "Hòa giải thành": "thanh"}[result])
    if concluded:
        next(w for w in at.text_input if w.label == "Ngày kết thúc").input(typed(concluded))
    next(b for b in at.button if b.label == "Lưu vụ việc").click()
    return at.run()


def concluded_thanh(at: AppTest) -> int:
    """The overview's count of cases «Hòa giải thành» in the year (the line above the monthly chart)."""
    line = next(m.value for m in at.markdown if m.value.startswith("Tiếp nhận **"))
    return int(re.search(r"Hòa giải thành: \*\*(\d+)\*\*", line).group(1))


def test_adding_a_case_shows_it_in_the_list_and_changes_the_overview(app, demo_path):
    at = open_page(app, "pages/overview.py")
    before = concluded_thanh(at)
    at.switch_page("pages/cases.py").run()
    at = fill_case(at, name="Phạm Thị Kiểm Thử", received=dt.date(2023, 11, 20), result="Hòa giải thành",
                   concluded=dt.date(2023, 11, 25))
    assert not at.exception
    assert any("Đã lưu vụ việc số" in s.value for s in at.success), [e.value for e in at.error]
    search = next(w for w in at.text_input if w.label == "Tìm kiếm")
    at = search.input("pham thi kiem thu").run()
    assert at.markdown[0].value.startswith("**1 vụ việc**")
    # The form is empty again for the next case.
    assert next(w for w in at.text_input if w.label == "Họ tên bên 1").value == ""
    at.switch_page("pages/overview.py").run()
    assert concluded_thanh(at) == before + 1


def test_a_bad_date_is_refused_with_its_message(app):
    at = open_page(app, "pages/cases.py")
    con = app_connection()
    count = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    at = fill_case(at, name="Người Sai Ngày", received=dt.date(2023, 5, 10), result="Hòa giải thành",
                   concluded=dt.date(2023, 5, 1))
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "Chưa lưu được vì" in errors
    assert "Ngày kết thúc 01/05/2023 trước ngày nhận 10/05/2023." in errors
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == count
    # What the officer typed is still there to correct.
    assert next(w for w in at.text_input if w.label == "Họ tên bên 1").value == "Người Sai Ngày"


def test_a_future_date_is_refused(app):
    at = open_page(app, "pages/cases.py")
    at = fill_case(at, name="Người Tương Lai", received=dt.date.today() + dt.timedelta(days=3))
    assert "ở tương lai" in " ".join(e.value for e in at.error)


def test_a_case_saved_today_moves_the_year_filter_to_show_it(app):
    at = open_page(app, "pages/cases.py")
    at = fill_case(at, name="Đinh Văn Hôm Nay", received=dt.date.today())
    assert at.session_state["nam"] == dt.date.today().year
    assert any("Bộ lọc đã chuyển sang năm" in s.value for s in at.success)
    at = next(w for w in at.text_input if w.label == "Tìm kiếm").input("dinh van hom nay").run()
    assert at.markdown[0].value.startswith("**1 vụ việc**")


def test_open_edit_close_delete_and_restore_a_case(app):
    at = open_page(app, "pages/cases.py")
    con = app_connection()
    case_id, version = con.execute(
        "SELECT id, version FROM cases WHERE result = 'dang_hoa_giai' ORDER BY id LIMIT 1").fetchone()
    opener = next(w for w in at.selectbox if w.label == "Mở vụ việc để sửa hoặc kết thúc")
    at = opener.set_value(case_id).run()
    assert any(h.value == f"Vụ việc số {case_id}" for h in at.subheader)
    form = edit_key(at, f"edit_case_{case_id}")
    at.selectbox(key=f"{form}_result").set_value("thanh")
    at.text_input(key=f"{form}_concluded").input(typed(dt.date(2023, 12, 28)))
    at = at.button(key=f"{form}_save").click().run()
    assert not at.exception
    assert any(f"Đã lưu vụ việc số {case_id}" in s.value for s in at.success), [e.value for e in at.error]
    assert con.execute("SELECT result, version FROM cases WHERE id = ?", [case_id]).fetchone() == ("thanh", version + 1)
    # Delete (soft), then restore from the third tab.
    next(b for b in at.button if b.label == "Xóa vụ việc này").click()
    at = at.run()
    assert con.execute("SELECT deleted_at IS NOT NULL FROM cases WHERE id = ?", [case_id]).fetchone()[0]
    next(b for b in at.button if b.key == f"restore_{case_id}").click()
    at = at.run()
    assert any(f"Đã khôi phục vụ việc số {case_id}" in s.value for s in at.success)
    assert con.execute("SELECT deleted_at IS NULL FROM cases WHERE id = ?", [case_id]).fetchone()[0]


def test_every_page_runs_for_every_village(app, demo_path):
    con = db.connect(demo_path)
    villages = [r[0] for r in con.execute("SELECT id FROM villages").fetchall()]
    con.close()
    app.run()
    for page in ("pages/overview.py", "pages/cases.py"):
        for village in [0, *villages]:
            app.session_state["thon"] = village
            app.switch_page(page).run()  # one run per view: the filter is read from the session on each run
            assert not app.exception, (page, village, [e.value for e in app.exception])
            assert app.session_state["thon"] == village


def test_a_likely_duplicate_asks_for_confirmation_then_saves(app):
    at = open_page(app, "pages/cases.py")
    con = app_connection()
    for attempt in range(2):
        at = fill_case(at, name="Tô Văn Trùng", received=dt.date(2023, 8, 8))
    # Second entry: same team, day and party → warned inside the form, nothing saved yet.
    assert any("Có thể trùng vụ việc số" in w.value for w in at.warning)
    assert con.execute("SELECT count(*) FROM case_parties WHERE full_name = 'Tô Văn Trùng'").fetchone()[0] == 1
    assert next(w for w in at.text_input if w.label == "Họ tên bên 1").value == "Tô Văn Trùng"
    next(w for w in at.checkbox if w.label.startswith("Tôi đã kiểm tra")).check()
    at = next(b for b in at.button if b.label == "Lưu vụ việc").click().run()
    assert any("Đã lưu vụ việc số" in s.value for s in at.success)
    assert con.execute("SELECT count(*) FROM case_parties WHERE full_name = 'Tô Văn Trùng'").fetchone()[0] == 2


ALL_PAGES = ["pages/overview.py", "pages/cases.py", "pages/plan.py", "pages/teams.py", "pages/mediators.py",
             "pages/trainings.py", "pages/funding.py", "pages/rates.py", "pages/criteria.py", "pages/evidence.py",
             "pages/quality.py", "pages/commendation.py", "pages/score_settings.py"]


def test_every_page_runs_on_an_empty_database(tmp_path, monkeypatch):
    """python -m db init --empty: no commune, no case. No page may fail; the register says what is missing."""
    import streamlit as st
    path = empty_app_file(tmp_path / "empty.duckdb")
    monkeypatch.setenv("HOAGIAI_DB", str(path))
    st.cache_resource.clear()
    at = new_app().run()
    for page in ALL_PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
    at.switch_page("pages/cases.py").run()
    assert any("Chưa có tổ hòa giải nào" in i.value for i in at.info)
    st.cache_resource.clear()


def test_every_page_runs_for_a_year_without_cases(app):
    at = open_page(app, "pages/overview.py", nam=dt.date.today().year)
    for page in ALL_PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
