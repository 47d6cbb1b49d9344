"""Tập huấn: the write rules and coverage reads of db/trainings/__init__.py, and the page through AppTest.

Small commune (conftest.SMALL_COMMUNE), as of 31/12/2023: Thôn Đông has a1 (tổ trưởng, woman) and a2
active, a3 left on 30/06/2022; Thôn Bắc has b1 (joined 01/01/2019). So 3 active mediators in 2023.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ACTOR, add_plan, app_connection, edit_key, metric, open_page, typed
from db import trainings
from db.core.writes import ValidationError, VersionConflict

PAGE = "pages/trainings.py"
COVERAGE = "Tỷ lệ hòa giải viên được tập huấn"


def held(day: str, title: str = "Tập huấn kỹ năng hòa giải", **extra) -> dict:
    return {"held_on": day, "title": title, "organiser": "Công chức Tư pháp – Hộ tịch", "hours": 4,
            "place": "Hội trường UBND xã", **extra}


def snapshot(con) -> tuple:
    """Everything a refused write must leave as it was."""
    return (
        con.execute("SELECT * FROM trainings ORDER BY id").fetchall(),
        con.execute("SELECT * FROM training_attendance ORDER BY ALL").fetchall(),
        con.execute("SELECT count(*) FROM audit_log").fetchone()[0],
    )


def refused(con, call, *expected: str) -> list[str]:
    """call() must raise ValidationError with each expected fragment in its messages and change nothing."""
    before = snapshot(con)
    with pytest.raises(ValidationError) as info:
        call()
    text = " | ".join(info.value.messages)
    for fragment in expected:
        assert fragment in text, text
    assert snapshot(con) == before
    return info.value.messages


# --------------------------------------------------------------------------------------- coverage


def test_coverage_before_and_after_attendance(small_db):
    con, ids = small_db
    add_plan(con, 2023)  # its target: 100% trained
    assert trainings.coverage(con, 2023) == {
        "trained": 0, "active": 3, "untrained": 3, "share": 0.0, "target": 1.0, "gap": -1.0, "reached": False,
        "sessions_held": 0, "sessions_planned": 0}
    tid = trainings.save_training(con, held("2023-05-10"), actor=ACTOR)
    assert trainings.add_attendance(con, tid, [ids["a1"], ids["b1"]], actor=ACTOR) == 2

    cover = trainings.coverage(con, 2023)
    assert (cover["trained"], cover["active"], cover["untrained"]) == (2, 3, 1)
    assert cover["share"] == pytest.approx(2 / 3)
    assert cover["gap"] == pytest.approx(2 / 3 - 1)
    assert cover["sessions_held"] == 1
    village = con.execute("SELECT id FROM villages WHERE name = 'Thôn Đông'").fetchone()[0]
    assert trainings.coverage(con, 2023, village)["share"] == 0.5

    # Vietnamese order: Bắc before Đông (B < Đ).
    by_village = trainings.coverage_by_village(con, 2023)
    assert by_village[["village", "active", "trained", "untrained"]].values.tolist() == [
        ["Thôn Bắc", 1, 1, 0], ["Thôn Đông", 2, 1, 1]]
    assert by_village["share"].tolist() == [1.0, 0.5]
    assert by_village["reached"].tolist() == [True, False]

    # a3 left in 2022: not active, so not on the list to invite.
    assert trainings.untrained(con, 2023)["mediator_id"].tolist() == [ids["a2"]]
    # Training in 2023 does not count for 2022 (a3 was active until 30/06/2022, so not at 31/12/2022).
    assert trainings.coverage(con, 2022)["trained"] == 0
    assert trainings.coverage(con, 2022)["active"] == 3


def test_a_planned_session_does_not_count(small_db):
    con, ids = small_db
    tid = trainings.save_training(con, held("2023-05-10"), actor=ACTOR)
    trainings.add_attendance(con, tid, [ids["a2"]], actor=ACTOR)
    trainings.save_training(con, held("2023-11-20", status="ke_hoach"), actor=ACTOR)
    cover = trainings.coverage(con, 2023)
    assert (cover["trained"], cover["sessions_held"], cover["sessions_planned"]) == (1, 1, 1)
    listing = trainings.trainings(con, 2023)
    assert listing["status"].tolist() == ["da_to_chuc", "ke_hoach"]
    assert listing["attendees"].tolist() == [1, 0]


# --------------------------------------------------------------------------------------- refusals


def test_a_mediator_who_had_left_is_refused_and_nothing_is_written(small_db):
    con, ids = small_db
    tid = trainings.save_training(con, held("2022-06-30"), actor=ACTOR)  # a3's leaving day itself
    # The whole batch is refused: a1 (valid) is not recorded either.
    refused(con, lambda: trainings.add_attendance(con, tid, [ids["a1"], ids["a3"]], actor=ACTOR),
            "Phạm Văn Cường (Thôn Đông) đã thôi tham gia tổ hòa giải từ ngày 30/06/2022")
    assert trainings.attendance(con, tid) == []
    # The day before, a3 was still a member.
    earlier = trainings.save_training(con, held("2022-06-29"), actor=ACTOR)
    trainings.add_attendance(con, earlier, [ids["a3"]], actor=ACTOR)
    assert trainings.attendance(con, earlier) == [ids["a3"]]


def test_a_mediator_not_yet_joined_is_refused(small_db):
    con, ids = small_db
    tid = trainings.save_training(con, held("2018-12-31"), actor=ACTOR)  # b1 joined 01/01/2019
    refused(con, lambda: trainings.add_attendance(con, tid, [ids["b1"]], actor=ACTOR),
            "Ánh Văn Dũng (Thôn Bắc) đến ngày 01/01/2019 mới tham gia tổ hòa giải")
    assert ids["b1"] not in trainings.eligible_attendees(con, tid)["id"].tolist()


def test_duplicate_attendance_is_refused(small_db):
    con, ids = small_db
    tid = trainings.save_training(con, held("2023-05-10"), actor=ACTOR)
    trainings.add_attendance(con, tid, [ids["a1"]], actor=ACTOR)
    refused(con, lambda: trainings.add_attendance(con, tid, [ids["a2"], ids["a1"]], actor=ACTOR),
            "Lê Thị Hoa (Thôn Đông) đã có tên trong danh sách dự buổi tập huấn này.")
    assert trainings.attendance(con, tid) == [ids["a1"]]


def test_unknown_mediator_and_unknown_session_are_refused(small_db):
    con, ids = small_db
    tid = trainings.save_training(con, held("2023-05-10"), actor=ACTOR)
    refused(con, lambda: trainings.add_attendance(con, tid, [ids["a1"], 9999], actor=ACTOR),
            "Không tìm thấy hòa giải viên số 9999.")
    refused(con, lambda: trainings.add_attendance(con, 9999, [ids["a1"]], actor=ACTOR),
            "Không tìm thấy buổi tập huấn số 9999.")


def test_a_future_session_cannot_be_marked_held_but_can_be_planned(small_db):
    con, ids = small_db
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    refused(con, lambda: trainings.save_training(con, held(tomorrow), actor=ACTOR),
            f"Buổi tập huấn ngày {tomorrow:%d/%m/%Y} ở tương lai nên chưa thể đánh dấu đã tổ chức")
    tid = trainings.save_training(con, held(tomorrow, status="ke_hoach"), actor=ACTOR)
    # Attendance waits until the session is held.
    refused(con, lambda: trainings.add_attendance(con, tid, [ids["a1"]], actor=ACTOR),
            "đang ở trạng thái «Kế hoạch (chưa tổ chức)» nên chưa thể điểm danh")
    # Marking it held while its date is still ahead is refused on the update path too.
    refused(con, lambda: trainings.save_training(con, held(tomorrow, status="da_to_chuc"), actor=ACTOR,
                                                 training_id=tid, expected_version=1),
            "ở tương lai")


def test_attendance_on_a_planned_past_session_is_refused(small_db):
    con, ids = small_db
    tid = trainings.save_training(con, held("2023-09-01", status="ke_hoach"), actor=ACTOR)
    refused(con, lambda: trainings.add_attendance(con, tid, [ids["a1"]], actor=ACTOR),
            "Buổi tập huấn ngày 01/09/2023 đang ở trạng thái «Kế hoạch (chưa tổ chức)»")
    assert trainings.eligible_attendees(con, tid)["id"].tolist() == [ids["b1"], ids["a1"], ids["a2"]]


def test_form_fields_are_checked(small_db):
    con, _ = small_db
    messages = refused(con, lambda: trainings.save_training(
        con, {"held_on": "", "title": "  ", "hours": "0", "status": "xong"}, actor=ACTOR))
    assert messages == [
        "Chưa nhập tên buổi tập huấn.",
        "Chưa nhập ngày tập huấn.",
        "Số giờ phải lớn hơn 0 và không quá 80 (đã nhập 0).",
        "Trạng thái «xong» không hợp lệ: chỉ có «Kế hoạch (chưa tổ chức)» hoặc «Đã tổ chức».",
    ]
    refused(con, lambda: trainings.save_training(con, held("31/02/2023"), actor=ACTOR),
            "Ngày tập huấn: «31/02/2023» — tháng 02/2023 chỉ có 28 ngày")
    refused(con, lambda: trainings.save_training(con, held("2023-05-10", hours="80,5"), actor=ACTOR),
            "không quá 80")
    refused(con, lambda: trainings.save_training(con, held("2023-05-10", hours="bốn"), actor=ACTOR),
            "Số giờ: «bốn» không phải là số.")
    # Vietnamese decimal comma, dd/mm/yyyy, NFC-trimmed text, empty hours allowed; status defaults to held.
    tid = trainings.save_training(con, held("10/05/2023", title="  Tập huấn   luật đất đai ", hours="3,5",
                                            cooperating="Hội Nông dân xã"), actor=ACTOR)
    row = trainings.get_training(con, tid)
    assert (row["held_on"], row["title"], row["hours"], row["cooperating"], row["status"]) == (
        dt.date(2023, 5, 10), "Tập huấn luật đất đai", 3.5, "Hội Nông dân xã", "da_to_chuc")
    empty = trainings.save_training(con, held("2023-05-11", hours=None), actor=ACTOR)
    assert trainings.get_training(con, empty)["hours"] is None
    # The same session entered twice (same day, same title up to accents and case) is refused.
    refused(con, lambda: trainings.save_training(con, held("2023-05-10", title="tap huan luat dat dai"), actor=ACTOR),
            f"Đã có buổi tập huấn «tap huan luat dat dai» ngày 10/05/2023 (số {tid})")


def test_a_held_session_with_attendance_cannot_go_back_to_planned(small_db):
    con, ids = small_db
    tid = trainings.save_training(con, held("2023-05-10"), actor=ACTOR)
    trainings.add_attendance(con, tid, [ids["a1"], ids["a2"]], actor=ACTOR)
    refused(con, lambda: trainings.save_training(con, held("2023-05-10", status="ke_hoach"), actor=ACTOR,
                                                 training_id=tid, expected_version=1),
            "đã có 2 hòa giải viên được điểm danh nên không thể chuyển về «Kế hoạch (chưa tổ chức)»")
    # Moving the date to before a1 and a2 joined (01/01/2018) would leave their attendance invalid.
    refused(con, lambda: trainings.save_training(con, held("2017-12-31"), actor=ACTOR,
                                                 training_id=tid, expected_version=1),
            "Không thể đổi ngày tập huấn sang 31/12/2017: Lê Thị Hoa (Thôn Đông), Trần Văn Bình (Thôn Đông)")
    # Without attendance, going back to planned is allowed.
    trainings.remove_attendance(con, tid, [ids["a1"], ids["a2"]], actor=ACTOR)
    trainings.save_training(con, held("2023-05-10", status="ke_hoach"), actor=ACTOR, training_id=tid,
                            expected_version=1)
    assert trainings.get_training(con, tid)["status"] == "ke_hoach"


def test_update_checks_the_version_and_audits(small_db):
    con, _ = small_db
    tid = trainings.save_training(con, held("2023-05-10"), actor=ACTOR)
    trainings.save_training(con, held("2023-05-10", title="Tập huấn luật hòa giải", hours=8), actor="người sửa",
                            training_id=tid, expected_version=1)
    row = trainings.get_training(con, tid)
    assert (row["title"], row["hours"], row["version"]) == ("Tập huấn luật hòa giải", 8.0, 2)
    before, after = con.execute(
        "SELECT \"before\", \"after\" FROM audit_log WHERE table_name = 'trainings' AND action = 'update' "
        "AND row_id = ? AND actor = 'người sửa'", [tid]).fetchone()
    assert json.loads(before)["title"] == "Tập huấn kỹ năng hòa giải"
    assert json.loads(after)["title"] == "Tập huấn luật hòa giải"
    with pytest.raises(VersionConflict):
        trainings.save_training(con, held("2023-05-10"), actor=ACTOR, training_id=tid, expected_version=1)


def test_attendance_changes_are_audited_and_atomic(small_db):
    con, ids = small_db
    tid = trainings.save_training(con, held("2023-05-10"), actor=ACTOR)
    assert con.execute("SELECT count(*) FROM audit_log WHERE table_name = 'trainings' AND action = 'insert' "
                       "AND row_id = ?", [tid]).fetchone()[0] == 1
    trainings.add_attendance(con, tid, [ids["a1"], ids["b1"], ids["a1"]], actor="điểm danh")  # a1 once
    rows = con.execute("SELECT action, row_id, \"after\" FROM audit_log WHERE actor = 'điểm danh' ORDER BY id").fetchall()
    assert [(a, r, json.loads(x)["mediator_id"]) for a, r, x in rows] == [
        ("insert", tid, ids["a1"]), ("insert", tid, ids["b1"])]

    # One save of the checklist: removing b1 and adding a3 (left in 2022) is refused as a whole.
    refused(con, lambda: trainings.update_attendance(con, tid, add=[ids["a3"]], remove=[ids["b1"]], actor=ACTOR),
            "Phạm Văn Cường (Thôn Đông) đã thôi tham gia")
    assert trainings.attendance(con, tid) == sorted([ids["a1"], ids["b1"]])
    refused(con, lambda: trainings.remove_attendance(con, tid, [ids["a2"]], actor=ACTOR),
            "Trần Văn Bình (Thôn Đông) không có tên trong danh sách dự buổi tập huấn này.")

    assert trainings.update_attendance(con, tid, add=[ids["a2"]], remove=[ids["b1"]], actor="điểm danh") == (1, 1)
    assert trainings.attendance(con, tid) == sorted([ids["a1"], ids["a2"]])
    removed = con.execute("SELECT \"before\" FROM audit_log WHERE actor = 'điểm danh' AND action = 'delete'").fetchall()
    assert [json.loads(b)["mediator_id"] for b, in removed] == [ids["b1"]]
    assert trainings.coverage(con, 2023)["trained"] == 2  # a1, a2; b1 no longer


def test_eligible_attendees_follow_the_session_date_and_village(small_db):
    con, ids = small_db
    before_leaving = trainings.save_training(con, held("2022-06-29"), actor=ACTOR)
    after_leaving = trainings.save_training(con, held("2022-07-01"), actor=ACTOR)
    trainings.add_attendance(con, after_leaving, [ids["a2"]], actor=ACTOR)
    everyone = trainings.eligible_attendees(con, before_leaving)
    # Villages in Vietnamese order, tổ trưởng first inside a village.
    assert everyone["full_name"].tolist() == ["Ánh Văn Dũng", "Lê Thị Hoa", "Phạm Văn Cường", "Trần Văn Bình"]
    after = trainings.eligible_attendees(con, after_leaving)
    assert after["id"].tolist() == [ids["b1"], ids["a1"], ids["a2"]]
    assert after["attended"].tolist() == [False, False, True]
    dong = con.execute("SELECT id FROM villages WHERE name = 'Thôn Đông'").fetchone()[0]
    assert trainings.eligible_attendees(con, after_leaving, dong)["id"].tolist() == [ids["a1"], ids["a2"]]
    assert trainings.recorded_not_eligible(con, after_leaving).empty


def test_mediator_training_history(small_db):
    con, ids = small_db
    first = trainings.save_training(con, held("2023-03-01", title="Luật Hòa giải ở cơ sở", hours=4), actor=ACTOR)
    second = trainings.save_training(con, held("2023-09-01", title="Kỹ năng hòa giải", hours="3,5"), actor=ACTOR)
    old = trainings.save_training(con, held("2022-04-01", title="Luật Đất đai", hours=None), actor=ACTOR)
    trainings.save_training(con, held("2023-10-01", title="Chưa tổ chức", status="ke_hoach"), actor=ACTOR)
    for tid in (first, second, old):
        trainings.add_attendance(con, tid, [ids["a1"]], actor=ACTOR)
    history = trainings.mediator_training_history(con, ids["a1"])
    assert list(history.columns[:4]) == ["held_on", "title", "hours", "year"]
    assert history["title"].tolist() == ["Kỹ năng hòa giải", "Luật Hòa giải ở cơ sở", "Luật Đất đai"]
    assert history["year"].tolist() == [2023, 2023, 2022]
    assert history["year_sessions"].tolist() == [2, 2, 1]
    assert history["year_hours"].tolist() == [7.5, 7.5, 0.0]
    assert trainings.mediator_training_totals(con, ids["a1"], 2023) == {
        "sessions": 2, "hours": 7.5, "trained": True, "active": True}
    assert trainings.mediator_training_totals(con, ids["a2"], 2023)["trained"] is False
    assert trainings.mediator_training_history(con, ids["a2"]).empty


# --------------------------------------------------------------------------------------- demo data


def test_demo_2023_untrained_list_agrees_with_an_independent_query(demo_db):
    con = demo_db
    cover = trainings.coverage(con, 2023)
    assert (cover["trained"], cover["active"]) == (36, 45)
    assert cover["share"] == pytest.approx(0.8)
    # Straight from the tables: members on 31/12/2023 with no attendance at a held 2023 session.
    expected = {row[0] for row in con.execute(
        """
        SELECT m.id FROM mediators m
        WHERE coalesce(m.joined_on, DATE '1900-01-01') <= DATE '2023-12-31'
          AND (m.left_on IS NULL OR m.left_on > DATE '2023-12-31')
          AND m.id NOT IN (SELECT a.mediator_id FROM training_attendance a JOIN trainings t ON t.id = a.training_id
                           WHERE t.held_on BETWEEN DATE '2023-01-01' AND DATE '2023-12-31'
                             AND t.status = 'da_to_chuc')
        """).fetchall()}
    listed = trainings.untrained(con, 2023)
    assert set(listed["mediator_id"]) == expected
    assert len(listed) == 45 - 36
    by_village = trainings.coverage_by_village(con, 2023)
    assert by_village["trained"].sum() == 36 and by_village["active"].sum() == 45
    assert by_village["untrained"].tolist() == listed.groupby("village_id", sort=False).size().reindex(
        by_village["village_id"], fill_value=0).tolist()


# --------------------------------------------------------------------------------------- the page


def test_page_shows_2023_demo_coverage(app):
    at = open_page(app, PAGE)
    assert at.session_state["nam"] == 2023
    assert metric(at, COVERAGE) == "80,0%"
    assert metric(at, "Đã được tập huấn") == "36/45"
    assert metric(at, "Chưa được tập huấn") == "9"
    assert next(m.delta for m in at.metric if m.label == COVERAGE) == "-20,0 điểm % so với mục tiêu 100,0%"
    assert any("còn 9 hòa giải viên chưa được tập huấn năm 2023" in w.value for w in at.warning)
    assert any(s.value == "Hòa giải viên chưa được tập huấn năm 2023" for s in at.subheader)
    assert at.get("download_button")  # the CSV of the untrained list


def fill_training(at: AppTest, form: str, *, day: dt.date, title: str, status: str = "da_to_chuc") -> AppTest:
    at.text_input(key=f"{form}_held_on").input(typed(day))
    at.text_input(key=f"{form}_title").input(title)
    at.text_input(key=f"{form}_organiser").input("Công chức Tư pháp – Hộ tịch")
    at.text_input(key=f"{form}_cooperating").input("Hội Liên hiệp Phụ nữ xã")
    at.number_input(key=f"{form}_hours").set_value(4.0)
    at.text_input(key=f"{form}_place").input("Nhà văn hóa thôn")
    at.selectbox(key=f"{form}_status").set_value(status)
    at.button(key=f"{form}_save").click()
    return at.run()


def test_entering_a_training_with_attendance_changes_the_coverage(app):
    at = open_page(app, PAGE)
    at = fill_training(at, "new_training_0", day=dt.date(2023, 12, 5), title="Tập huấn bổ sung cuối năm 2023")
    assert not at.exception, [e.value for e in at.exception]
    assert any("Đã lưu buổi tập huấn «Tập huấn bổ sung cuối năm 2023» ngày 05/12/2023" in s.value
               for s in at.success), [e.value for e in at.error]
    con = app_connection()
    tid = con.execute("SELECT max(id) FROM trainings").fetchone()[0]
    assert at.session_state["open_training"] == tid
    invited = trainings.untrained(con, 2023)["mediator_id"].tolist()
    assert len(invited) == 9
    # Tick three of the untrained mediators on the checklist and save once.
    for mid in invited[:3]:
        at.checkbox(key=f"attendance_{tid}_0_m{mid}").check()
    at.run()
    at.button(key=f"attendance_{tid}_0_save").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("thêm 3, bỏ 0 hòa giải viên" in s.value for s in at.success), [e.value for e in at.error]
    assert sorted(trainings.attendance(con, tid)) == sorted(invited[:3])
    assert metric(at, COVERAGE) == "86,7%"  # 39 / 45
    assert metric(at, "Đã được tập huấn") == "39/45"


def test_select_all_of_a_village_then_save(app):
    at = open_page(app, PAGE)
    con = app_connection()
    village, name = con.execute(
        "SELECT v.id, v.name FROM villages v WHERE v.name = 'Thôn Văn Xá'").fetchone()
    tid = con.execute("SELECT id FROM trainings WHERE held_on = DATE '2023-10-19'").fetchone()[0]
    eligible = trainings.eligible_attendees(con, tid, village)
    next(s for s in at.selectbox if s.label == "Chọn buổi tập huấn để sửa và điểm danh").set_value(tid).run()
    all_box = at.checkbox(key=f"attendance_{tid}_0_all_{village}")
    assert all_box.value is False
    all_box.check().run()
    assert all(at.checkbox(key=f"attendance_{tid}_0_m{mid}").value for mid in eligible["id"])
    at.button(key=f"attendance_{tid}_0_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert set(eligible["id"]) <= set(trainings.attendance(con, tid))
    # Independent count: Văn Xá members at 31/12/2023 who attended a held 2023 session.
    trained, active = con.execute(
        """
        SELECT count(*) FILTER (WHERE m.id IN (SELECT a.mediator_id FROM training_attendance a
                                               JOIN trainings t ON t.id = a.training_id
                                               WHERE year(t.held_on) = 2023 AND t.status = 'da_to_chuc')),
               count(*)
        FROM mediators m JOIN teams tm ON tm.id = m.team_id
        WHERE tm.village_id = ? AND coalesce(m.joined_on, DATE '1900-01-01') <= DATE '2023-12-31'
          AND (m.left_on IS NULL OR m.left_on > DATE '2023-12-31')
        """, [village]).fetchone()
    row = trainings.coverage_by_village(con, 2023).set_index("village").loc[name]
    assert (row["trained"], row["active"]) == (trained, active)
    assert row["trained"] > 5  # was 5/7 before
    assert metric(at, "Đã được tập huấn") == f"{36 + row['trained'] - 5}/45"


def test_a_future_held_session_is_refused_on_the_page(app):
    at = open_page(app, PAGE)
    count = app_connection().execute("SELECT count(*) FROM trainings").fetchone()[0]
    day = dt.date.today() + dt.timedelta(days=3)
    at = fill_training(at, "new_training_0", day=day, title="Tập huấn dự kiến")
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith("Chưa lưu được vì:")
    assert f"Buổi tập huấn ngày {day:%d/%m/%Y} ở tương lai" in errors[0]
    assert app_connection().execute("SELECT count(*) FROM trainings").fetchone()[0] == count


def test_editing_a_session_on_the_page_and_refusing_planned_with_attendance(app):
    at = open_page(app, PAGE)
    con = app_connection()
    tid, version = con.execute("SELECT id, version FROM trainings WHERE held_on = DATE '2023-06-15'").fetchone()
    next(s for s in at.selectbox if s.label == "Chọn buổi tập huấn để sửa và điểm danh").set_value(tid).run()
    form = edit_key(at, f"edit_training_{tid}")
    assert at.text_input(key=f"{form}_title").value == "Tập huấn kỹ năng hòa giải ở cơ sở năm 2023"
    # Back to planned while 28 mediators are recorded: refused, nothing changes.
    at.selectbox(key=f"{form}_status").set_value("ke_hoach")
    at.button(key=f"{form}_save").click().run()
    assert any("Chưa lưu được vì:" in e.value and "đã có 28 hòa giải viên được điểm danh" in e.value
               for e in at.error), [e.value for e in at.error]
    assert con.execute("SELECT status, version FROM trainings WHERE id = ?", [tid]).fetchone() == ("da_to_chuc", version)
    assert metric(at, COVERAGE) == "80,0%"
    # A plain correction goes through, with the version bumped and the form reopened on the new version.
    at.selectbox(key=f"{form}_status").set_value("da_to_chuc")
    at.number_input(key=f"{form}_hours").set_value(6.0)
    at.button(key=f"{form}_save").click().run()
    assert not at.exception
    assert any("Đã lưu buổi tập huấn" in s.value for s in at.success), [e.value for e in at.error]
    assert con.execute("SELECT hours::DOUBLE, version FROM trainings WHERE id = ?", [tid]).fetchone() == (6.0, version + 1)
    reopened = edit_key(at, f"edit_training_{tid}")
    assert reopened != form and at.text_input(key=f"{reopened}_title").value == "Tập huấn kỹ năng hòa giải ở cơ sở năm 2023"
    assert at.number_input(key=f"{reopened}_hours").value == 6.0
