"""What a new user hit on first use (issue 11), each proved on the real app: a crash on Kinh phí and Chất lượng tổ,
free text naming the parties on the meeting screen, downloads there, a presentation mode one click from off,
impossible dates saved as other dates, daily-use friction, a demo that opened three years in the past."""
from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

import db
from conftest import (ACTOR, a_case, app_connection, empty_app_file, new_app, open_page, page_bytes, team_id,
                      typed)
from db import cases, funding, places, plan, trainings
from db.scores import commendation
from db.teams import mediators
from db.criteria.evidence import add_document
from db.core.writes import ValidationError

TODAY = dt.date.today()
PAGES = ["pages/overview.py", "pages/cases.py", "pages/plan.py", "pages/teams.py", "pages/mediators.py",
         "pages/trainings.py", "pages/funding.py", "pages/criteria.py", "pages/evidence.py", "pages/quality.py",
         "pages/commendation.py", "pages/rates.py", "pages/score_settings.py"]
UNEXPECTED = "Đã có lỗi ngoài dự kiến"


def clean_run(at: AppTest) -> AppTest:
    """No exception and no «unexpected error» message: the page ran as designed."""
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if UNEXPECTED in e.value]
    return at


def concluded_today(con, team: int, **changes) -> int:
    """A case received and concluded today (so in the current year, which the demo has no budget for)."""
    return cases.save_case(con, a_case(team, **{"received_on": TODAY, "concluded_on": TODAY, "assigned_on": TODAY,
                                                "result": "thanh", **changes}), actor=ACTOR)


# --- 1. no crash, and never Streamlit's English error box --------------------------------------------------

def test_a_fee_request_in_a_year_without_a_budget_leaves_every_funding_view_working(app, demo_path):
    con = db.connect(demo_path)
    team = team_id(con, "Thôn Đông Hòa")
    payment = funding.file_fee_request(con, team, [concluded_today(con, team)], TODAY, actor=ACTOR)
    con.close()
    for year in (TODAY.year, 2023):  # the year of the request and an earlier one: both once crashed
        at = clean_run(open_page(app, "pages/funding.py", nam=year))
    at = clean_run(open_page(app, "pages/funding.py", nam=TODAY.year))
    assert any(m.label.startswith(f"Dự toán năm {TODAY.year}") and m.value == "Chưa có" for m in at.metric)
    years = next(d.value for d in at.dataframe if "budget_label" in d.value.columns)
    row = years[years["year"] == TODAY.year].iloc[0]
    assert row["budget_label"] == "Chưa có dự toán" and row["share"] == "—"
    # The payment itself opens too.
    opener = next(s for s in at.selectbox if s.label.startswith("Mở chứng từ"))
    clean_run(opener.set_value(payment).run())


def test_the_quality_page_explains_a_concluded_case_without_an_assignment_date(app, demo_path):
    con = db.connect(demo_path)
    team = team_id(con, "Thôn Đông Hòa")
    late = cases.save_case(con, a_case(team, received_on=dt.date(2023, 3, 1), assigned_on=None, result="thanh",
                                       concluded_on=dt.date(2023, 3, 10)), actor=ACTOR)
    con.close()
    at = clean_run(open_page(app, "pages/quality.py", nam=2023))
    at = clean_run(next(s for s in at.selectbox if s.label == "Chọn tổ hòa giải").set_value(team).run())
    assert any(f"Vụ việc số {late}," in m.value and "chưa ghi ngày phân công" in m.value for m in at.markdown)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_every_state(app, demo_path, page):
    """The demo's last year, the current year (no cases, no budget, no plan), an earlier year with one village,
    and the meeting screen: no page fails in any of them."""
    con = db.connect(demo_path)
    team = team_id(con, "Thôn Đông Hòa")
    funding.file_fee_request(con, team, [concluded_today(con, team, assigned_on=None)], TODAY, actor=ACTOR)
    village = con.execute("SELECT village_id FROM teams WHERE id = ?", [team]).fetchone()[0]
    con.close()
    at = clean_run(open_page(app, page, nam=2023))
    assert not at.date_input  # every date is typed as dd/mm/yyyy (see the date tests below)
    assert all(m.proto.select_all == 0 for m in at.multiselect)  # no English «Select all»
    clean_run(open_page(app, page, nam=TODAY.year, thon=village))
    at = new_app()
    clean_run(open_page(at, page, nam=2022, trinh_chieu=1))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_empty_database(tmp_path, monkeypatch, page):
    path = empty_app_file(tmp_path / "empty.duckdb")
    monkeypatch.setenv("HOAGIAI_DB", str(path))
    import streamlit as st
    st.cache_resource.clear()
    clean_run(open_page(new_app(), page))
    st.cache_resource.clear()


def test_an_unexpected_error_shows_one_vietnamese_message_and_is_logged(app, monkeypatch, caplog):
    from db.cases import results

    def broken(*args, **kwargs):
        raise RuntimeError("lỗi thử nghiệm")

    monkeypatch.setattr(results, "by_month", broken)
    app.run()
    assert not app.exception
    shown = [e.value for e in app.error]
    assert len(shown) == 1 and UNEXPECTED in shown[0] and "mã lỗi" in shown[0]
    assert "RuntimeError" not in shown[0] and "Traceback" not in shown[0]
    logged = [r for r in caplog.records if r.name == "hoagiai"]
    assert any(r.exc_info and "lỗi thử nghiệm" in str(r.exc_info[1]) for r in logged)


# --- 2. the meeting screen: no party names in free text, no downloads, no stray exit ------------------------

PARTY = "Quách Thị Thửnghiệm"
OTHER = "Lều Văn Kiểmtra"


def test_party_names_typed_into_free_text_never_reach_the_meeting_screen(app, demo_path):
    con = db.connect(demo_path)
    team = team_id(con, "Thôn Đông Hòa")
    cases.save_case(con, a_case(
        team, received_on=dt.date(2023, 9, 5), assigned_on=dt.date(2023, 9, 6), result="thanh",
        concluded_on=dt.date(2023, 9, 20),
        summary=f"Bà {PARTY} và ông {OTHER} tranh chấp lối đi chung",
        agreement=f"Ông {OTHER} mở lại lối đi cho bà {PARTY}", note=f"Gọi điện cho {PARTY} ngày 21/9",
        parties=[{"full_name": PARTY, "age": 61, "address": "Xóm 9"},
                 {"full_name": OTHER, "age": 58, "address": "Xóm 9"}]), actor=ACTOR)
    con.close()
    # The officer sees the names (the test would pass vacuously otherwise) …
    at = clean_run(open_page(app, "pages/cases.py", nam=2023))
    assert PARTY.encode() in page_bytes(at)
    # … the meeting screen does not, on any page, nor in the search results for the case.
    for page in PAGES:
        shown = new_app()
        shown = clean_run(open_page(shown, page, nam=2023, trinh_chieu=1))
        blob = page_bytes(shown)
        for text in (PARTY, OTHER, "Thửnghiệm", "Kiểmtra", "tranh chấp lối đi chung", "Xóm 9"):
            assert text.encode() not in blob, (page, text)
    shown = new_app()
    shown = open_page(shown, "pages/cases.py", nam=2023, trinh_chieu=1, tim="Thửnghiệm")
    assert shown.markdown[0].value.startswith("**0 vụ việc**")  # a name is not searchable there either


def test_no_download_on_the_meeting_screen(app):
    for page in PAGES:
        at = new_app()
        at = clean_run(open_page(at, page, nam=2023, trinh_chieu=1))
        assert not at.get("download_button"), page
    at = clean_run(open_page(app, "pages/cases.py", nam=2023))
    assert at.get("download_button")  # the officer still has the CSV


def test_presentation_mode_is_left_only_by_a_deliberate_step(app):
    at = open_page(app, "pages/overview.py", trinh_chieu=1)
    assert at.session_state["present"] and not [t for t in at.toggle if t.label == "Chế độ trình chiếu"]
    at = at.button(key="_present_off").click().run()
    assert at.session_state["present"]  # one click only asks
    assert any("Thoát sẽ hiện lại họ tên" in w.value for w in at.warning)
    at = at.button(key="_present_off_cancel").click().run()
    assert at.session_state["present"] and at.query_params["trinh_chieu"] in ("1", ["1"])
    at = at.button(key="_present_off").click().run()
    at = at.button(key="_present_off_confirm").click().run()
    assert not at.session_state["present"] and "trinh_chieu" not in at.query_params
    at = at.button(key="_present_on").click().run()  # entering is one click
    assert at.session_state["present"]


# --- 3. dates: saved as seen, or refused --------------------------------------------------------------------

def fill_new_case(at: AppTest, received: str, name: str = "Người Thử Ngày") -> AppTest:
    next(w for w in at.text_area if w.label == "Nội dung chủ yếu của vụ việc *").input("Tranh chấp ranh giới")
    next(w for w in at.text_input if w.label == "Họ tên bên 1").input(name)
    next(w for w in at.text_input if w.label == "Ngày nhận *").input(received)
    next(b for b in at.button if b.label == "Lưu vụ việc").click()
    return at.run()


@pytest.mark.parametrize("typed_text, message", [
    ("31/02/2026", "Ngày nhận: «31/02/2026» — tháng 02/2026 chỉ có 28 ngày."),
    ("12/0", "Ngày nhận: «12/0» không phải ngày"),  # a half-cleared field
    ("7/6/23", "năm cần đủ 4 chữ số"),
])
def test_an_impossible_or_half_typed_date_is_refused_and_nothing_saved(app, typed_text, message):
    at = open_page(app, "pages/cases.py")
    con = app_connection()
    before = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    at = clean_run(fill_new_case(at, typed_text))
    assert message in " ".join(e.value for e in at.error)
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == before
    assert next(w for w in at.text_input if w.label == "Ngày nhận *").value == typed_text  # kept to correct


def test_a_date_typed_another_common_way_is_saved_as_that_day(app):
    clean_run(fill_new_case(open_page(app, "pages/cases.py"), "7-6-2023", name="Người Gạch Ngang"))
    saved = app_connection().execute(
        "SELECT c.received_on FROM cases c JOIN case_parties p ON p.case_id = c.id "
        "WHERE p.full_name = 'Người Gạch Ngang'").fetchone()
    assert saved == (dt.date(2023, 6, 7),)


@pytest.mark.parametrize("page", PAGES)
def test_no_page_offers_the_date_picker_that_changes_dates(app, page):
    at = clean_run(open_page(app, page, nam=2023))
    assert not at.date_input, page


def test_every_date_of_the_write_path_refuses_31_february(small_db, tmp_path):
    """Every write function that takes a date refuses an impossible one by name, and writes nothing."""
    con, ids = small_db
    team = team_id(con, "Thôn Đông")
    bad = "31/02/2023"
    case_id = cases.save_case(con, a_case(team, received_on=dt.date(2023, 1, 5), assigned_on=None, result="thanh",
                                          concluded_on=dt.date(2023, 1, 9)), actor=ACTOR)
    fee = funding.file_fee_request(con, team, [case_id], dt.date(2023, 1, 10), actor=ACTOR)
    training = trainings.save_training(con, {"held_on": dt.date(2023, 1, 3), "title": "Tập huấn", "status": "da_to_chuc"},
                                       actor=ACTOR)
    plan_id = plan.save_plan(con, 2023, {"title": "Kế hoạch 2023"}, actor=ACTOR)
    task = plan.save_task(con, plan_id, {"code": "II.1", "content": "Rà soát", "lead": "Tư pháp",
                                         "deadline": dt.date(2023, 6, 30), "status": "chua_bat_dau"}, actor=ACTOR)
    nomination = commendation.nominate(con, {"year": 2023, "team_id": team, "award_level": "giay_khen_xa",
                                             "reason": "Thử", "nominated_on": dt.date(2023, 11, 20)}, actor=ACTOR)
    writes = {
        "Ngày nhận": lambda: cases.save_case(con, a_case(team, received_on=bad), actor=ACTOR),
        "Ngày phân công": lambda: cases.save_case(con, a_case(team, assigned_on=bad), actor=ACTOR),
        "Ngày kết thúc": lambda: cases.save_case(con, a_case(team, result="thanh", concluded_on=bad), actor=ACTOR),
        "Ngày tham gia": lambda: mediators.save_mediator(con, {"team_id": team, "full_name": "Người Mới", "gender": "nu",
                                                               "joined_on": bad}, actor=ACTOR),
        "Ngày thôi tham gia": lambda: mediators.record_leaving(con, ids["a2"], left_on=bad, reason="tu_nguyen",
                                                               actor=ACTOR),
        "Ngày quyết định thành lập tổ": lambda: places.save_team(con, {"village_id": 1, "name": "Tổ", "decision_date": bad},
                                                              actor=ACTOR, team_id=team),
        "Ngày tập huấn": lambda: trainings.save_training(con, {"held_on": bad, "title": "Tập huấn",
                                                               "status": "da_to_chuc"}, actor=ACTOR),
        "Hiệu lực từ ngày": lambda: funding.save_rate(con, {"kind": "khac", "amount": "1000", "unit": "vu_viec",
                                                            "legal_basis": "Số 1", "valid_from": bad}, actor=ACTOR),
        "Ngày văn bản": lambda: funding.save_budget(con, 2023, {"amount": "1000000", "document_date": bad},
                                                    actor=ACTOR),
        "Ngày đề nghị": lambda: funding.file_support_payment(con, team, 2023, 1, 2, bad, actor=ACTOR),
        "Ngày duyệt": lambda: funding.set_status(con, fee, "da_duyet", bad, actor=ACTOR),
        "Ngày hủy": lambda: funding.cancel_payment(con, fee, bad, "Nhầm", actor=ACTOR),
        "Ngày quyết định": lambda: commendation.decide(con, nomination, "da_duyet", bad, actor=ACTOR),
        "Ngày nhận bản tự đánh giá": lambda: commendation.save_self_assessment(con, team, 2023, {"submitted_on": bad},
                                                                               actor=ACTOR),
        "Ngày ban hành": lambda: plan.save_plan(con, 2024, {"title": "Kế hoạch 2024", "issued_on": bad}, actor=ACTOR),
        "Thời hạn": lambda: plan.save_task(con, plan_id, {"code": "II.2", "content": "Tập huấn", "lead": "Tư pháp",
                                                          "deadline": bad, "status": "chua_bat_dau"}, actor=ACTOR),
        "Ngày ghi nhận": lambda: plan.add_note(con, task, bad, "Đã làm", actor=ACTOR),
        "Ngày văn bản ": lambda: add_document(con, {"year": 2023, "kind": "so_theo_doi", "doc_date": bad},
                                              b"%PDF-1.4\n%%EOF\n", "a.pdf", actor=ACTOR),
    }
    assert training
    audit = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    for label, write in writes.items():
        with pytest.raises(ValidationError) as refused:
            write()
        assert any(m.startswith(f"{label.strip()}: «{bad}» — tháng 02/2023 chỉ có 28 ngày") for m in refused.value.messages), \
            (label, refused.value.messages)
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit


# --- 5. daily-use friction -----------------------------------------------------------------------------------

def test_the_mediator_picker_has_no_select_all_and_wraps_the_chosen_names(app):
    at = open_page(app, "pages/cases.py")
    picker = next(m for m in at.multiselect if m.label == "Hòa giải viên được phân công")
    assert picker.proto.select_all == 0 and picker.proto.wrap


def test_nominations_offer_only_who_has_none_yet(app):
    at = open_page(app, "pages/commendation.py", nam=2023)
    listed = commendation.nominations(app_connection(), 2023)
    people = set(listed.loc[listed["subject"] == "mediator", "mediator_id"].astype(int))
    assert people, "the demo has nominations of mediators in 2023"
    at = at.radio(key="nominate_subject").set_value("mediator").run()
    who = next(s for s in at.selectbox if s.label == "Tập thể / cá nhân *")
    offered = {o.split(" (")[0] for o in who.options}
    named = set(listed.loc[listed["subject"] == "mediator", "name"])
    assert not offered & named
    assert any("đã có đề nghị năm 2023" in c.value for c in at.caption)


def test_a_past_year_has_no_default_nomination_date(app):
    at = open_page(app, "pages/commendation.py", nam=2022)
    day = next(w for w in at.text_input if w.label == "Ngày đề nghị *")
    assert day.value == ""


def test_the_register_search_covers_every_year(app, demo_path):
    con = db.connect(demo_path)
    team = team_id(con, "Thôn Đông Hòa")
    cases.save_case(con, a_case(team, received_on=dt.date(2021, 4, 2), assigned_on=None, result="thanh",
                                concluded_on=dt.date(2021, 4, 20), parties=[
        {"full_name": "Tôn Nữ Tìmkhắpnơi", "age": 40, "address": "Xóm 1"}]), actor=ACTOR)
    con.close()
    at = open_page(app, "pages/cases.py", nam=2023, tim="timkhapnoi")
    assert at.markdown[0].value.startswith("**0 vụ việc**")
    at = at.checkbox(key="loc_moi_nam").check().run()
    assert at.markdown[0].value.startswith("**1 vụ việc**")
    assert at.query_params["moi_nam"] in ("1", ["1"])


def test_a_saved_case_says_so_beside_the_save_button(app):
    at = clean_run(fill_new_case(open_page(app, "pages/cases.py"), typed(dt.date(2023, 5, 2)), name="Người Gần Nút"))
    tab = at.tabs[1]  # «Nhập vụ việc mới»: the message is in the tab, under the form, not at the top of the page
    assert any("Đã lưu vụ việc số" in s.value for s in tab.success)
    assert not any("Đã lưu vụ việc số" in s.value for s in at.main.success if s not in tab.success)


# --- 8. the demo's year ----------------------------------------------------------------------------------------

def test_the_app_opens_on_the_latest_year_with_data_and_says_so(app):
    at = open_page(app, "pages/overview.py")
    assert at.session_state["nam"] == 2023
    assert any("Năm 2023 là năm gần nhất có vụ việc" in c.value for c in at.sidebar.caption)


def test_a_past_years_overdue_tasks_carry_no_absurd_day_count(app):
    at = open_page(app, "pages/plan.py", nam=2023)
    shown = next(d.value for d in at.dataframe if "status_label" in d.value.columns)
    overdue = [s for s in shown["status_label"] if "quá hạn" in s]
    assert overdue and not [s for s in overdue if "ngày" in s]  # not «quá hạn 1.158 ngày» three years later
