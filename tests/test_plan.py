"""Kế hoạch (plan tracker): the write rules of db/plan/__init__.py, overdue by hand, copy forward, the demo plan,
and the page through AppTest."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import ACTOR, app_connection, edit_key, metric, open_page
from db import plan
from db.core.writes import ValidationError, VersionConflict

PAGE = "pages/plan.py"
SECTION_III_LEADS = {"Công chức Tư pháp – Hộ tịch", "Công an xã", "Lãnh đạo các thôn"}


COUNTS = {table: f"SELECT count(*) FROM {table}" for table in ("plans", "plan_tasks", "task_notes", "audit_log")}


def count(con, table: str) -> int:
    return con.execute(COUNTS[table]).fetchone()[0]


def snapshot(con) -> tuple[int, ...]:
    return tuple(count(con, t) for t in ("plans", "plan_tasks", "task_notes", "audit_log"))


def a_task(**changes) -> dict:
    data = {"code": "II.1", "title": "Tuyên truyền", "content": "Tuyên truyền Luật Hòa giải ở cơ sở năm 2021",
            "lead": "Công chức Tư pháp – Hộ tịch", "partners": "Công an xã", "deadline": "2021-06-30",
            "status": "chua_bat_dau"}
    data.update(changes)
    return data


@pytest.fixture()
def plan_db(small_db):
    """The small commune with a 2021 plan of four tasks, deadlines fixed in the past (and one far ahead).

    A 31/03/2022 đang thực hiện · B 30/06/2022 hoàn thành (completion note) · C 31/12/2022 tạm dừng ·
    D 31/12/2099 chưa bắt đầu. Notes: A on 01/03/2022 and 15/03/2022 (the later one is the last note).
    """
    con, _ = small_db
    plan_id = plan.save_plan(con, 2021, {"title": "Kế hoạch hòa giải năm 2021", "number": "12/KH-UBND",
                                         "issued_on": "10/03/2021", "signer": "Chủ tịch UBND xã"}, actor=ACTOR)
    ids = {}
    ids["A"] = plan.save_task(con, plan_id, a_task(code="II.1", deadline="2022-03-31", status="dang_thuc_hien"),
                              actor=ACTOR)
    ids["B"] = plan.save_task(con, plan_id, a_task(code="II.2", deadline="2022-06-30", status="hoan_thanh",
                                                   completion_note="Đã tổ chức"), actor=ACTOR)
    ids["C"] = plan.save_task(con, plan_id, a_task(code="II.3", deadline="2022-12-31", status="tam_dung"),
                              actor=ACTOR)
    ids["D"] = plan.save_task(con, plan_id, a_task(code="II.4", deadline="2099-12-31", partners=None), actor=ACTOR)
    plan.add_note(con, ids["A"], "2022-03-15", "Đã phát 5 tin bài", actor=ACTOR)
    plan.add_note(con, ids["A"], "01/03/2022", "Bắt đầu", actor=ACTOR)
    return con, plan_id, ids


# --- overdue, last note, counts -------------------------------------------------------------------

def test_overdue_by_hand_on_a_fixed_day(plan_db):
    con, _, ids = plan_db
    frame = plan.tasks(con, 2021, as_of=dt.date(2022, 7, 1)).set_index("code")
    # 01/07/2022: A (31/03, not done) is overdue by 92 days; B is done; C and D are not yet due.
    assert frame["overdue"].to_dict() == {"II.1": True, "II.2": False, "II.3": False, "II.4": False}
    assert frame.loc["II.1", "days_overdue"] == 92
    assert frame.loc["II.1", "last_note"] == "Đã phát 5 tin bài"  # by date, not by entry order
    assert frame.loc["II.1", "last_noted_on"] == dt.date(2022, 3, 15)
    assert (frame.loc["II.1", "notes"], frame.loc["II.2", "notes"]) == (2, 0)
    # The deadline day itself is not overdue: only a deadline before the day looked at.
    assert not plan.tasks(con, 2021, as_of=dt.date(2022, 3, 31)).set_index("code").loc["II.1", "overdue"]


def test_overdue_today_counts_a_paused_task_but_never_a_done_one(plan_db):
    con, _, _ = plan_db
    frame = plan.tasks(con, 2021)  # today: A and C (tạm dừng, 31/12/2022) are past their deadline
    assert frame.loc[frame["overdue"], "code"].tolist() == ["II.1", "II.3"]
    assert plan.status_counts(con, 2021) == {"total": 4, "chua_bat_dau": 1, "dang_thuc_hien": 1, "hoan_thanh": 1,
                                             "tam_dung": 1, "overdue": 2}
    assert plan.status_counts(con, 2021, as_of=dt.date(2022, 7, 1))["overdue"] == 1
    assert plan.status_counts(con, 2030)["total"] == 0


# --- the write path -------------------------------------------------------------------------------

def test_save_task_refusals_write_nothing(plan_db):
    con, plan_id, ids = plan_db
    before = snapshot(con)
    cases = [
        (a_task(code="II.9", content="  "), "Chưa nhập nội dung nhiệm vụ."),
        (a_task(code="II.9", deadline="31/13/2021"), "Thời hạn: «31/13/2021» — không có tháng 13"),
        (a_task(code="II.9", deadline=None), "Chưa nhập thời hạn hoàn thành."),
        (a_task(code="II.9", status="xong"), "Trạng thái «xong» không hợp lệ"),
        (a_task(code="II.9", lead=""), "Chưa nhập đơn vị, người chủ trì."),
        (a_task(code="II.1"), "Kế hoạch đã có nhiệm vụ mã «II.1»"),
        (a_task(code="II.9", status="hoan_thanh"), "Chưa thể đánh dấu «Hoàn thành»"),
    ]
    for data, message in cases:
        with pytest.raises(ValidationError) as err:
            plan.save_task(con, plan_id, data, actor=ACTOR)
        assert any(m.startswith(message) for m in err.value.messages), err.value.messages
    with pytest.raises(ValidationError):
        plan.save_task(con, 999, a_task(code="II.9"), actor=ACTOR)
    assert snapshot(con) == before


def test_done_needs_a_progress_note_or_a_result(plan_db):
    con, plan_id, ids = plan_db
    d = plan.get_task(con, ids["D"])
    with pytest.raises(ValidationError) as err:
        plan.save_task(con, plan_id, {**d, "status": "hoan_thanh"}, actor=ACTOR, task_id=ids["D"],
                       expected_version=d["version"])
    assert "ghi kết quả thực hiện" in err.value.messages[0]
    assert plan.get_task(con, ids["D"])["status"] == "chua_bat_dau"
    # A progress note is enough; so is a completion note (C has no note).
    plan.add_note(con, ids["D"], "2021-05-02", "Đã xong", actor=ACTOR)
    plan.save_task(con, plan_id, {**d, "status": "hoan_thanh"}, actor=ACTOR, task_id=ids["D"],
                   expected_version=d["version"])
    c = plan.get_task(con, ids["C"])
    plan.save_task(con, plan_id, {**c, "status": "hoan_thanh", "completion_note": "  Đã tổ chức  "}, actor=ACTOR,
                   task_id=ids["C"], expected_version=c["version"])
    c2 = plan.get_task(con, ids["C"])
    assert (c2["status"], c2["completion_note"], c2["version"]) == ("hoan_thanh", "Đã tổ chức", c["version"] + 1)
    # The change is audited with the before and after rows.
    action, = con.execute("SELECT action FROM audit_log WHERE table_name = 'plan_tasks' AND row_id = ? "
                          "ORDER BY id DESC LIMIT 1", [ids["C"]]).fetchone()
    assert action == "update"
    # A stale version is refused.
    with pytest.raises(VersionConflict):
        plan.save_task(con, plan_id, {**c, "status": "tam_dung"}, actor=ACTOR, task_id=ids["C"],
                       expected_version=c["version"])


def test_add_note_rules(plan_db):
    con, _, ids = plan_db
    before = snapshot(con)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    for day, text, message in [(tomorrow, "Sẽ làm", "ở tương lai"), ("2022-04-01", "   ", "Chưa nhập nội dung"),
                               (None, "Có", "Chưa nhập ngày"), ("hôm qua", "Có", "Ngày ghi nhận: «hôm qua»")]:
        with pytest.raises(ValidationError) as err:
            plan.add_note(con, ids["A"], day, text, actor=ACTOR)
        assert any(message in m for m in err.value.messages), err.value.messages
    with pytest.raises(ValidationError):
        plan.add_note(con, 999, "2022-04-01", "Có", actor=ACTOR)
    assert snapshot(con) == before
    note_id = plan.add_note(con, ids["A"], dt.date.today(), "Hôm nay", actor=ACTOR)
    row = con.execute("SELECT task_id, actor FROM task_notes WHERE id = ?", [note_id]).fetchone()
    assert row == (ids["A"], ACTOR)


def test_one_plan_per_year(plan_db):
    con, plan_id, _ = plan_db
    with pytest.raises(ValidationError) as err:
        plan.save_plan(con, 2021, {"title": "Kế hoạch khác"}, actor=ACTOR)
    assert "đã có kế hoạch" in err.value.messages[0]
    with pytest.raises(ValidationError):
        plan.save_plan(con, 2022, {"title": ""}, actor=ACTOR)
    plan.save_plan(con, 2021, {"title": "Kế hoạch hòa giải năm 2021", "number": "13/KH-UBND"}, actor=ACTOR,
                   expected_version=1)
    assert (plan.get_plan(con, 2021)["number"], plan.get_plan(con, 2021)["version"]) == ("13/KH-UBND", 2)


# --- copy forward -----------------------------------------------------------------------------------

def test_copy_forward_shifts_deadlines_resets_statuses_and_refuses_twice(plan_db):
    con, _, ids = plan_db
    notes_before = count(con, "task_notes")
    new_id = plan.copy_plan_forward(con, 2021, 2023, actor=ACTOR)
    copied = plan.get_plan(con, 2023)
    assert (copied["id"], copied["title"], copied["number"], copied["issued_on"]) == (
        new_id, "Kế hoạch hòa giải năm 2023", None, None)
    frame = plan.tasks(con, 2023)
    assert frame["code"].tolist() == ["II.1", "II.2", "II.3", "II.4"]
    assert frame["deadline"].tolist() == [dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2024, 12, 31),
                                          dt.date(2101, 12, 31)]
    assert set(frame["status"]) == {"chua_bat_dau"}
    assert frame["completion_note"].isna().all() and frame["notes"].eq(0).all()
    assert frame["content"].iloc[0] == "Tuyên truyền Luật Hòa giải ở cơ sở năm 2023"
    assert count(con, "task_notes") == notes_before
    # The source is untouched.
    assert plan.tasks(con, 2021)["status"].tolist() == ["dang_thuc_hien", "hoan_thanh", "tam_dung", "chua_bat_dau"]
    before = snapshot(con)
    for source, target in [(2021, 2023), (2022, 2024), (2021, 2021)]:
        with pytest.raises(ValidationError):
            plan.copy_plan_forward(con, source, target, actor=ACTOR)
    assert snapshot(con) == before


def test_year_shift_keeps_dates_and_document_numbers():
    assert plan.shift_year(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    text = "Tổng kết năm 2023 theo Kế hoạch 1213/KH-UBND ngày 05/05/2023 và Quyết định 25/2023/QĐ-TTg (2023)."
    assert plan.replace_year(text, 2023, 2024) == (
        "Tổng kết năm 2024 theo Kế hoạch 1213/KH-UBND ngày 05/05/2023 và Quyết định 25/2023/QĐ-TTg (2024).")


# --- the demo plan ----------------------------------------------------------------------------------

def test_demo_2023_plan_has_the_contents_and_section_iii(demo_db):
    con = demo_db
    header = plan.get_plan(con, 2023)
    assert header["number"] == "38/KH-UBND" and header["issued_on"] == dt.date(2023, 5, 15)
    frame = plan.tasks(con, 2023).set_index("code")
    assert {"II.1", "II.2", "II.3", "II.4"} <= set(frame.index)
    conference = frame.loc["II.4"]
    assert "Hội nghị tổng kết" in conference["content"] and conference["deadline"] == dt.date(2023, 12, 31)
    assert conference["lead"] == "Công chức Tư pháp – Hộ tịch"
    assert frame.loc["II.3", "lead"] == "UBND xã" and "Ban công tác Mặt trận" in frame.loc["II.3", "partners"]
    section_iii = frame[frame.index.str.startswith("III.")]
    assert set(section_iii["lead"]) == SECTION_III_LEADS
    assert len(section_iii) == 9
    # Every task has notes; one or two are overdue; every done task has a note or a result.
    assert frame["notes"].min() >= 1
    assert 1 <= frame["overdue"].sum() <= 2
    # Everything was written through the write path.
    audited = con.execute("SELECT count(*) FROM audit_log WHERE table_name = 'task_notes' AND actor = 'seed'"
                          ).fetchone()[0]
    assert audited == count(con, "task_notes") == frame["notes"].sum()


# --- the page ---------------------------------------------------------------------------------------

def test_page_shows_the_2023_plan(app):
    at = open_page(app, PAGE, nam=2023)
    assert metric(at, "Tổng số nhiệm vụ") == "13"
    assert metric(at, "Hoàn thành") == "11"
    assert metric(at, "Đang thực hiện") == "2"
    assert metric(at, "Quá hạn") == "2"
    assert any("bộ lọc «Thôn» không áp dụng" in c.value for c in at.caption)
    assert any("Số: **38/KH-UBND**" in m.value and "15/05/2023" in m.value for m in at.markdown)
    shown = at.dataframe[0].value
    assert shown["code"].tolist()[:4] == ["II.1", "II.2", "II.3", "II.4"]
    assert "quá hạn" in shown.set_index("code").loc["II.3", "status_label"]
    assert at.button(key="plan_copy_next").label == "Sao chép kế hoạch sang năm 2024"


def test_page_adds_a_note_and_completes_a_task(app):
    at = open_page(app, PAGE, nam=2023)
    con = app_connection()
    task_id = int(plan.tasks(con, 2023).set_index("code").loc["II.3", "id"])
    at.selectbox(key="plan_task_2023").set_value(task_id).run()
    form = f"note_{task_id}_0"
    at.text_area(key=f"{form}_text").input("Thôn Hòa Bình đã bầu bổ sung 2 hòa giải viên.")
    at.button(key=f"{form}_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Đã thêm ghi nhận tiến độ cho nhiệm vụ II.3" in s.value for s in at.success), [e.value for e in at.error]
    latest = plan.task_notes(con, task_id).iloc[0]
    assert (latest["note"], latest["noted_on"]) == ("Thôn Hòa Bình đã bầu bổ sung 2 hòa giải viên.", dt.date.today())
    # The same task stays open; mark it done through its form.
    assert at.selectbox(key="plan_task_2023").value == task_id
    form = edit_key(at, f"task_{task_id}")
    at.selectbox(key=f"{form}_status").set_value("hoan_thanh")
    at.button(key=f"{form}_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert plan.get_task(con, task_id)["status"] == "hoan_thanh"
    assert metric(at, "Quá hạn") == "1" and metric(at, "Hoàn thành") == "12"


def test_page_refuses_a_new_task_marked_done_without_a_result(app):
    at = open_page(app, PAGE, nam=2023)
    con = app_connection()
    before = count(con, "plan_tasks")
    at.selectbox(key="plan_task_2023").set_value(0).run()
    form = "task_new_1_0"
    at.text_input(key=f"{form}_code").input("II.5")
    at.text_area(key=f"{form}_content").input("Sơ kết 6 tháng công tác hòa giải")
    at.text_input(key=f"{form}_lead").input("Công chức Tư pháp – Hộ tịch")
    at.selectbox(key=f"{form}_status").set_value("hoan_thanh")
    at.button(key=f"{form}_save").click().run()
    assert not at.exception
    assert any("Chưa lưu được vì" in e.value and "Chưa thể đánh dấu «Hoàn thành»" in e.value for e in at.error)
    assert count(con, "plan_tasks") == before
    # With a result it saves, and the new task opens.
    at.text_area(key=f"{form}_completion").input("Đã sơ kết ngày 05/07/2023")
    at.button(key=f"{form}_save").click().run()
    assert count(con, "plan_tasks") == before + 1
    new = plan.tasks(con, 2023).set_index("code").loc["II.5"]
    assert at.selectbox(key="plan_task_2023").value == new["id"]
    assert metric(at, "Tổng số nhiệm vụ") == "14"


def test_page_copies_the_plan_forward_and_offers_the_copy_for_a_year_without_plan(app):
    at = open_page(app, PAGE, nam=2024)
    assert any(i.value == "Năm 2024 chưa có kế hoạch." for i in at.info)
    assert not at.metric
    at.button(key="plan_copy_previous").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Đã sao chép kế hoạch năm 2023 sang năm 2024: 13 nhiệm vụ" in s.value for s in at.success)
    assert at.session_state["nam"] == 2024
    assert metric(at, "Tổng số nhiệm vụ") == "13" and metric(at, "Hoàn thành") == "0"
    con = app_connection()
    assert plan.tasks(con, 2024).set_index("code").loc["II.4", "deadline"] == dt.date(2024, 12, 31)
    # Back on 2023 the copy button is gone: 2024 has a plan.
    next(s for s in at.selectbox if s.label == "Năm").set_value(2023).run()
    assert metric(at, "Hoàn thành") == "11"
    assert "plan_copy_next" not in [b.key for b in at.button]
    assert any("Năm 2024 đã có kế hoạch (13 nhiệm vụ)" in c.value for c in at.caption)
