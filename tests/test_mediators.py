"""Hòa giải viên: the write path's rules (leaving under Art. 11, one tổ trưởng per team, history kept), the
counts and list against hand-computed figures, and the page through AppTest on the demo database."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

import db
from conftest import ACTOR, a_case, app_connection, edit_key, metric, open_page, team_id, typed
from db import cases
from db.teams import mediators
from db.core.writes import ValidationError, VersionConflict

def row(con, mediator_id: int) -> dict:
    rel = con.execute("SELECT * FROM mediators WHERE id = ?", [mediator_id])
    return dict(zip([d[0] for d in rel.description], rel.fetchone()))


def audit_rows(con, mediator_id: int) -> list[tuple]:
    return con.execute(
        "SELECT action, \"before\", \"after\" FROM audit_log WHERE table_name = 'mediators' AND row_id = ? ORDER BY id",
        [mediator_id]).fetchall()


def leaders(con, team: int) -> list[int]:
    return [r[0] for r in con.execute("SELECT id FROM mediators WHERE team_id = ? AND is_leader", [team]).fetchall()]


def refused(call, *fragments: str) -> str:
    with pytest.raises(ValidationError) as exc:
        call()
    text = " ".join(exc.value.messages)
    for fragment in fragments:
        assert fragment in text, text
    return text


# --- leaving (Art. 11) ----------------------------------------------------------------------------

def test_leaving_before_joining_is_refused_and_nothing_is_written(small_db):
    con, ids = small_db
    before = row(con, ids["a2"])
    refused(lambda: mediators.record_leaving(con, ids["a2"], left_on="31/12/2017", reason="tu_nguyen",
                                             decision_no="1/QĐ-UBND", actor=ACTOR),
            "Ngày thôi tham gia 31/12/2017 trước ngày tham gia 01/01/2018.")
    assert row(con, ids["a2"]) == before
    assert [a for a, *_ in audit_rows(con, ids["a2"])] == ["insert"]


def test_leaving_in_the_future_is_refused(small_db):
    con, ids = small_db
    refused(lambda: mediators.record_leaving(con, ids["a2"], left_on=dt.date(2024, 1, 2), reason="tu_nguyen",
                                             actor=ACTOR, as_of=dt.date(2024, 1, 1)),
            "Ngày thôi tham gia 02/01/2024 ở tương lai (hôm nay là 01/01/2024).")
    assert row(con, ids["a2"])["left_on"] is None


@pytest.mark.parametrize("reason, message", [
    ("het_nhiem_ky", "Căn cứ thôi tham gia «het_nhiem_ky» không hợp lệ: Điều 11 chỉ có ba căn cứ"),
    (None, "Chưa chọn căn cứ thôi tham gia (Điều 11)."),
    ("", "Chưa chọn căn cứ thôi tham gia (Điều 11)."),
])
def test_leaving_needs_one_of_the_three_grounds(small_db, reason, message):
    con, ids = small_db
    refused(lambda: mediators.record_leaving(con, ids["a2"], left_on="2023-05-01", reason=reason, actor=ACTOR),
            message)
    assert row(con, ids["a2"])["left_on"] is None


def test_leaving_twice_is_refused(small_db):
    con, ids = small_db
    # a3 left on 30/06/2022 (seeded as a historic import).
    refused(lambda: mediators.record_leaving(con, ids["a3"], left_on="2023-01-01", reason="tu_nguyen", actor=ACTOR),
            "Phạm Văn Cường đã thôi tham gia từ ngày 30/06/2022: không ghi thôi tham gia lần nữa.")
    mediators.record_leaving(con, ids["a2"], left_on="2023-05-01", reason="tu_nguyen", actor=ACTOR)
    refused(lambda: mediators.record_leaving(con, ids["a2"], left_on="2023-06-01", reason="vi_pham", actor=ACTOR),
            "đã thôi tham gia từ ngày 01/05/2023")
    assert (row(con, ids["a2"])["left_on"], row(con, ids["a2"])["leave_reason"]) == (dt.date(2023, 5, 1), "tu_nguyen")


def test_leaving_before_a_case_the_mediator_worked_on_is_refused(small_db):
    con, ids = small_db
    east = team_id(con, "Thôn Đông")
    cases.save_case(con, a_case(east, received_on=dt.date(2023, 7, 1), mediator_ids=[ids["a2"]]), actor=ACTOR)
    refused(lambda: mediators.record_leaving(con, ids["a2"], left_on="2023-07-01", reason="tu_nguyen", actor=ACTOR),
            "còn 1 vụ việc/buổi tập huấn từ ngày thôi 01/07/2023 trở đi")
    mediators.record_leaving(con, ids["a2"], left_on="2023-07-02", reason="tu_nguyen", actor=ACTOR)


def test_a_leader_cannot_leave_before_the_role_is_moved(small_db):
    con, ids = small_db
    east = team_id(con, "Thôn Đông")
    refused(lambda: mediators.record_leaving(con, ids["a1"], left_on="2023-05-01", reason="tu_nguyen", actor=ACTOR),
            "Lê Thị Hoa đang là tổ trưởng: hãy chuyển vai trò tổ trưởng cho hòa giải viên khác "
            "(mục «Chuyển vai trò tổ trưởng») trước khi ghi thôi tham gia.")
    assert row(con, ids["a1"])["left_on"] is None
    mediators.set_leader(con, east, ids["a2"], actor=ACTOR)
    mediators.record_leaving(con, ids["a1"], left_on="2023-05-01", reason="tu_nguyen", actor=ACTOR)
    assert leaders(con, east) == [ids["a2"]]


def test_history_is_kept_with_the_decision_and_audited(small_db):
    con, ids = small_db
    version = row(con, ids["a2"])["version"]
    mediators.record_leaving(con, ids["a2"], left_on=dt.date(2023, 5, 1), reason="khong_dat_tieu_chuan",
                             decision_no="  12/QĐ-UBND ", actor=ACTOR, expected_version=version)
    kept = row(con, ids["a2"])
    assert (kept["full_name"], kept["left_on"], kept["leave_reason"], kept["leave_decision_no"], kept["version"]) == (
        "Trần Văn Bình", dt.date(2023, 5, 1), "khong_dat_tieu_chuan", "12/QĐ-UBND", version + 1)
    action, before, after = audit_rows(con, ids["a2"])[-1]
    before, after = json.loads(before), json.loads(after)
    assert action == "leave"
    assert (before["left_on"], before["leave_reason"]) == (None, None)
    assert (after["left_on"], after["leave_reason"], after["leave_decision_no"]) == (
        "2023-05-01", "khong_dat_tieu_chuan", "12/QĐ-UBND")
    record = mediators.mediator_record(con, ids["a2"])
    assert record["has_left"] and record["leave_reason_label"] == "Không còn đáp ứng tiêu chuẩn hòa giải viên"
    # The year of leaving is still in the history (not active at its end); the years after are not.
    history = record["history"]
    assert history["year"].tolist()[:2] == [2023, 2022]
    assert history["active"].tolist()[:2] == [False, True]


def test_a_stale_version_is_refused(small_db):
    con, ids = small_db
    mediators.save_mediator(con, {"phone": "0912 000 111"}, actor=ACTOR, mediator_id=ids["a2"], expected_version=1)
    with pytest.raises(VersionConflict):
        mediators.record_leaving(con, ids["a2"], left_on="2023-05-01", reason="tu_nguyen", actor=ACTOR,
                                 expected_version=1)
    assert row(con, ids["a2"])["left_on"] is None


# --- the tổ trưởng role ----------------------------------------------------------------------------

def test_set_leader_keeps_exactly_one_leader_and_audits_both_rows(small_db):
    con, ids = small_db
    east, north = team_id(con, "Thôn Đông"), team_id(con, "Thôn Bắc")
    v1, v2 = row(con, ids["a1"])["version"], row(con, ids["a2"])["version"]
    mediators.set_leader(con, east, ids["a2"], actor=ACTOR)
    assert leaders(con, east) == [ids["a2"]]
    assert leaders(con, north) == [ids["b1"]]
    assert (row(con, ids["a1"])["version"], row(con, ids["a2"])["version"]) == (v1 + 1, v2 + 1)
    off = audit_rows(con, ids["a1"])[-1]
    on = audit_rows(con, ids["a2"])[-1]
    assert (off[0], json.loads(off[1])["is_leader"], json.loads(off[2])["is_leader"]) == ("leader_off", True, False)
    assert (on[0], json.loads(on[1])["is_leader"], json.loads(on[2])["is_leader"]) == ("leader_on", False, True)
    # And back: still one.
    mediators.set_leader(con, east, ids["a1"], actor=ACTOR)
    assert leaders(con, east) == [ids["a1"]]


@pytest.mark.parametrize("who, team, message", [
    ("a3", "Thôn Đông", "Phạm Văn Cường không còn hoạt động"),
    ("b1", "Thôn Đông", "Ánh Văn Dũng không thuộc Tổ hòa giải thôn Đông."),
    ("a1", "Thôn Đông", "Lê Thị Hoa đã là tổ trưởng"),
])
def test_set_leader_refusals_change_nothing(small_db, who, team, message):
    con, ids = small_db
    east = team_id(con, "Thôn Đông")
    refused(lambda: mediators.set_leader(con, team_id(con, team), ids[who], actor=ACTOR), message)
    assert leaders(con, east) == [ids["a1"]]
    assert row(con, ids["a1"])["version"] == 1


def test_a_second_leader_is_refused_everywhere(small_db):
    con, ids = small_db
    east = team_id(con, "Thôn Đông")
    count = con.execute("SELECT count(*) FROM mediators").fetchone()[0]
    new = {"team_id": east, "full_name": "Đỗ Văn Mới", "gender": "nam", "joined_on": "2023-01-01", "is_leader": True}
    refused(lambda: mediators.save_mediator(con, new, actor=ACTOR),
            "Tổ hòa giải thôn Đông đã có tổ trưởng (Lê Thị Hoa): mỗi tổ chỉ có một tổ trưởng.")
    assert con.execute("SELECT count(*) FROM mediators").fetchone()[0] == count
    refused(lambda: mediators.save_mediator(con, {"is_leader": True}, actor=ACTOR, mediator_id=ids["a2"]),
            "đã có tổ trưởng (Lê Thị Hoa)")
    # Nor can the leader drop the role through an edit (the team would have none).
    refused(lambda: mediators.save_mediator(con, {"is_leader": False}, actor=ACTOR, mediator_id=ids["a1"]),
            "Không bỏ vai trò tổ trưởng ở đây")
    assert leaders(con, east) == [ids["a1"]]


# --- details: insert and edit ----------------------------------------------------------------------

def test_edit_details_bumps_the_version_and_refuses_leaving_fields(small_db):
    con, ids = small_db
    mediators.save_mediator(con, {"full_name": "  Trần  Văn Bình ", "birth_year": "1966", "role": "Trưởng xóm"},
                            actor=ACTOR, mediator_id=ids["a2"], expected_version=1)
    saved = row(con, ids["a2"])
    assert (saved["full_name"], saved["birth_year"], saved["role"], saved["gender"], saved["version"]) == (
        "Trần Văn Bình", 1966, "Trưởng xóm", "nam", 2)
    refused(lambda: mediators.save_mediator(con, {"left_on": "2023-05-01"}, actor=ACTOR, mediator_id=ids["a2"]),
            "Không sửa ngày thôi tham gia ở đây: ghi việc thôi tham gia bằng mục «Thôi tham gia»")
    refused(lambda: mediators.save_mediator(con, {"left_on": None}, actor=ACTOR, mediator_id=ids["a3"]),
            "«Thôi tham gia»")
    refused(lambda: mediators.save_mediator(con, {"team_id": team_id(con, "Thôn Bắc")}, actor=ACTOR,
                                            mediator_id=ids["a2"]),
            "Không chuyển hòa giải viên sang tổ khác")
    with pytest.raises(VersionConflict):
        mediators.save_mediator(con, {"phone": "0900"}, actor=ACTOR, mediator_id=ids["a2"], expected_version=1)
    assert row(con, ids["a2"])["version"] == 2
    # Saving the same values again writes nothing.
    mediators.save_mediator(con, {"role": "Trưởng xóm"}, actor=ACTOR, mediator_id=ids["a2"])
    assert row(con, ids["a2"])["version"] == 2


def test_insert_rules(small_db):
    con, ids = small_db
    east = team_id(con, "Thôn Đông")
    base = {"team_id": east, "full_name": "Nguyễn Thị Mới", "gender": "nu"}
    refused(lambda: mediators.save_mediator(con, base, actor=ACTOR), "Chưa nhập ngày tham gia tổ hòa giải.")
    refused(lambda: mediators.save_mediator(con, {**base, "joined_on": "2020-01-01", "left_on": "2019-12-31"},
                                            actor=ACTOR),
            "Ngày thôi tham gia 31/12/2019 trước ngày tham gia 01/01/2020.")
    refused(lambda: mediators.save_mediator(con, {**base, "joined_on": "2020-01-01", "left_on": "2021-01-01",
                                                  "leave_reason": "ve_huu"}, actor=ACTOR),
            "không hợp lệ: Điều 11 chỉ có ba căn cứ")
    # A historic import: joined and left long ago, with or without the ground.
    old = mediators.save_mediator(con, {**base, "joined_on": "2010-01-01", "left_on": "2015-01-01"}, actor=ACTOR)
    assert row(con, old)["left_on"] == dt.date(2015, 1, 1)
    new = mediators.save_mediator(con, {**base, "joined_on": "2023-02-01"}, actor=ACTOR)
    assert (row(con, new)["joined_on"], row(con, new)["left_on"], row(con, new)["is_leader"]) == (
        dt.date(2023, 2, 1), None, False)


# --- reads -----------------------------------------------------------------------------------------

def test_counts_by_hand(small_db):
    con, ids = small_db
    east = con.execute("SELECT id FROM villages WHERE name = 'Thôn Đông'").fetchone()[0]
    # 2022 (31/12/2022): Đông a1 (nữ, tổ trưởng), a2; a3 left 30/06/2022. Bắc b1.
    assert mediators.mediator_counts(con, 2022, east) == {
        "active": 2, "women": 1, "ethnic": 0, "leaders": 1, "trained": 0, "needs_review": 2, "left_in_year": 1}
    # 2023: no case names a mediator and there is no training: all three active are "cần rà soát".
    assert mediators.mediator_counts(con, 2023) == {
        "active": 3, "women": 1, "ethnic": 0, "leaders": 2, "trained": 0, "needs_review": 3, "left_in_year": 0}
    # a2 works on a 2023 case, then a1 hands over the role to a2 and leaves on 01/10/2023.
    cases.save_case(con, a_case(team_id(con, "Thôn Đông"), mediator_ids=[ids["a2"]]), actor=ACTOR)
    mediators.set_leader(con, team_id(con, "Thôn Đông"), ids["a2"], actor=ACTOR)
    mediators.record_leaving(con, ids["a1"], left_on="2023-10-01", reason="tu_nguyen", actor=ACTOR)
    assert mediators.mediator_counts(con, 2023, east) == {
        "active": 1, "women": 0, "ethnic": 0, "leaders": 1, "trained": 0, "needs_review": 0, "left_in_year": 1}
    assert mediators.mediator_counts(con, 2022, east)["women"] == 1  # the past year is unchanged


def test_list_order_status_and_search(small_db):
    con, ids = small_db
    listing = mediators.list_mediators(con, 2023)
    # Thôn Bắc before Thôn Đông (Vietnamese order: Đ after D); the leader first.
    assert listing["full_name"].tolist() == ["Ánh Văn Dũng", "Lê Thị Hoa", "Trần Văn Bình"]
    assert listing["status"].tolist() == ["Đang hoạt động"] * 3
    everyone = mediators.list_mediators(con, 2023, include_left=True)
    # After the leader, by given name (Bình before Cường), not by surname (Phạm before Trần).
    assert everyone["full_name"].tolist() == ["Ánh Văn Dũng", "Lê Thị Hoa", "Trần Văn Bình", "Phạm Văn Cường"]
    assert everyone["status"].iloc[-1] == "Đã thôi từ 30/06/2022"
    assert everyone["active"].tolist() == [True, True, True, False]
    mediators.record_leaving(con, ids["a2"], left_on="2023-05-01", reason="vi_pham", actor=ACTOR)
    left = mediators.list_mediators(con, 2023, include_left=True, search="TRAN VAN BINH")
    assert left["status"].tolist() == ["Đã thôi từ 01/05/2023 — Vi phạm nguyên tắc hoạt động hòa giải"]
    assert mediators.list_mediators(con, 2023, search="tran van binh").empty
    assert mediators.list_mediators(con, 2022, search="tran van binh")["active"].tolist() == [True]
    assert mediators.list_mediators(con, 2023, search="đông")["full_name"].tolist() == ["Lê Thị Hoa"]
    assert mediators.list_mediators(con, 2023, search="dung")["full_name"].tolist() == ["Ánh Văn Dũng"]


def test_record_history_per_year(small_db):
    con, ids = small_db
    east = team_id(con, "Thôn Đông")
    cases.save_case(con, a_case(east, mediator_ids=[ids["a1"], ids["a2"]]), actor=ACTOR)
    cases.save_case(con, a_case(east, received_on=dt.date(2023, 8, 1), assigned_on=None, summary="Mâu thuẫn khác",
                                mediator_ids=[ids["a1"]]), actor=ACTOR)
    history = mediators.mediator_record(con, ids["a1"])["history"].set_index("year")
    assert (history.loc[2023, "cases"], history.loc[2023, "sessions"], history.loc[2023, "idle"]) == (2, 0, False)
    assert (history.loc[2022, "cases"], history.loc[2022, "idle"]) == (0, True)


# --- the page ---------------------------------------------------------------------------------------

def test_page_runs_for_every_village_and_shows_the_counts(app, demo_path):
    con = db.connect(demo_path)
    villages = [r[0] for r in con.execute("SELECT id FROM villages ORDER BY id").fetchall()]
    expected = con.execute(
        "SELECT count(*) FILTER (WHERE my.active), count(*) FILTER (WHERE my.active AND m.gender = 'nu') "
        "FROM mediator_year my JOIN mediators m ON m.id = my.mediator_id WHERE my.year = 2023").fetchone()
    con.close()
    at = open_page(app, "pages/mediators.py", nam=2023)
    assert (metric(at, "Đang hoạt động"), metric(at, "Nữ")) == tuple(str(v) for v in expected)
    assert at.title[0].value == "Hòa giải viên"
    for village in villages:
        at.session_state["thon"] = village
        at.run()
        assert not at.exception, (village, [e.value for e in at.exception])
    at.toggle(key="mediator_show_left").set_value(True).run()
    at.text_input(key="mediator_search").input("xuan").run()
    assert not at.exception


def only_woman_who_can_leave(demo_path) -> tuple[int, int, int, dt.date]:
    """(village, mediator, version, leaving day): a team whose only active woman in 2023 is not its leader,
    and the day after her last case or training so that leaving is allowed and falls within 2023."""
    con = db.connect(demo_path)
    found = con.execute(
        """
        WITH activity AS (
            SELECT cm.mediator_id, c.received_on AS day FROM case_mediators cm JOIN cases c ON c.id = cm.case_id
            UNION ALL
            SELECT a.mediator_id, t.held_on FROM training_attendance a JOIN trainings t ON t.id = a.training_id
        )
        SELECT ty.village_id, m.id, m.version, coalesce(max(a.day), any_value(m.joined_on)) + 1 AS leave_day
        FROM team_year ty
        JOIN mediator_year my ON my.team_id = ty.team_id AND my.year = ty.year AND my.active
        JOIN mediators m ON m.id = my.mediator_id AND m.gender = 'nu' AND NOT m.is_leader
        LEFT JOIN activity a ON a.mediator_id = m.id
        WHERE ty.year = 2023 AND ty.women = 1
        GROUP BY ty.village_id, m.id, m.version
        HAVING leave_day <= DATE '2023-12-31'
        ORDER BY ty.village_id LIMIT 1
        """).fetchone()
    con.close()
    assert found, "the demo should have a team with exactly one woman"
    village, mediator, version, day = found
    return village, mediator, version, day.date() if isinstance(day, dt.datetime) else day


def test_the_only_woman_of_a_team_leaves_through_the_page(app, demo_path):
    village, mediator, version, day = only_woman_who_can_leave(demo_path)
    at = open_page(app, "pages/mediators.py", nam=2023, thon=village)
    assert metric(at, "Nữ") == "1"
    at = at.selectbox(key="mediator_open").set_value(mediator).run()
    form = edit_key(at, f"leave_{mediator}")
    at.text_input(key=f"{form}_date").input(typed(day))
    at.selectbox(key=f"{form}_reason").set_value("tu_nguyen")
    at.text_input(key=f"{form}_decision").input("45/QĐ-UBND")
    at = at.button(key=f"{form}_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("thôi tham gia từ ngày" in s.value for s in at.success), [e.value for e in at.error]
    assert metric(at, "Nữ") == "0"
    assert metric(at, "Đã thôi trong năm") != "0"
    # The record stays open and shows the leaving; the row is kept.
    assert at.session_state["mediator_open"] == mediator
    assert any("Đã thôi tham gia từ ngày" in i.value for i in at.info)
    con = app_connection()
    assert con.execute("SELECT left_on, leave_reason, leave_decision_no FROM mediators WHERE id = ?",
                       [mediator]).fetchone() == (day, "tu_nguyen", "45/QĐ-UBND")
    assert con.execute("SELECT women, rule_woman FROM team_year WHERE year = 2023 AND village_id = ?",
                       [village]).fetchone() == (0, False)


def test_a_refused_leaving_shows_the_reason_and_writes_nothing(app, demo_path):
    village, mediator, version, day = only_woman_who_can_leave(demo_path)
    at = open_page(app, "pages/mediators.py", nam=2023, thon=village)
    at = at.selectbox(key="mediator_open").set_value(mediator).run()
    form = edit_key(at, f"leave_{mediator}")
    at.text_input(key=f"{form}_date").input(typed(day))
    at = at.button(key=f"{form}_save").click().run()  # no ground chosen
    assert "Chưa chọn căn cứ thôi tham gia (Điều 11)." in " ".join(e.value for e in at.error)
    assert metric(at, "Nữ") == "1"
    assert app_connection().execute("SELECT left_on FROM mediators WHERE id = ?", [mediator]).fetchone() == (None,)


def test_moving_the_leader_through_the_page(app, demo_path):
    con = db.connect(demo_path)
    village, team, old_leader, new_leader = con.execute(
        """
        SELECT t.village_id, t.id, l.id, m.id
        FROM teams t JOIN mediators l ON l.team_id = t.id AND l.is_leader
        JOIN mediators m ON m.team_id = t.id AND NOT m.is_leader AND m.left_on IS NULL
        ORDER BY t.id, m.id LIMIT 1
        """).fetchone()
    con.close()
    at = open_page(app, "pages/mediators.py", nam=2023, thon=village)
    at = at.selectbox(key="mediator_open").set_value(new_leader).run()
    form = f"leader_{team}_0"
    assert at.selectbox(key=f"{form}_new").value == new_leader  # the open mediator is proposed
    at = at.button(key=f"{form}_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("là tổ trưởng của" in s.value for s in at.success), [e.value for e in at.error]
    con = app_connection()
    assert leaders(con, team) == [new_leader]
    assert [a for a, *_ in audit_rows(con, old_leader)][-1] == "leader_off"
    assert [a for a, *_ in audit_rows(con, new_leader)][-1] == "leader_on"
    # The former leader can now leave: their record offers the form.
    at = at.selectbox(key="mediator_open").set_value(old_leader).run()
    assert at.button(key=f"{edit_key(at, f'leave_{old_leader}')}_save")


def test_adding_a_mediator_through_the_page(app, demo_path):
    con = db.connect(demo_path)
    village, team = con.execute("SELECT village_id, id FROM teams ORDER BY id LIMIT 1").fetchone()
    con.close()
    at = open_page(app, "pages/mediators.py", nam=2023, thon=village)
    before = int(metric(at, "Đang hoạt động"))
    form = "new_mediator_0"
    assert at.selectbox(key=f"{form}_team").value == team  # the sidebar's village
    at.text_input(key=f"{form}_name").input("Nguyễn Thị Kiểm Thử")
    at.selectbox(key=f"{form}_gender").set_value("nu")
    at.text_input(key=f"{form}_joined").input(typed(dt.date(2023, 3, 1)))
    at.checkbox(key=f"{form}_leader").check()  # the team already has one: refused
    at = at.button(key=f"{form}_save").click().run()
    assert "đã có tổ trưởng" in " ".join(e.value for e in at.error)
    at.checkbox(key=f"{form}_leader").uncheck()
    at = at.button(key=f"{form}_save").click().run()
    assert not at.exception
    assert any("Đã thêm Nguyễn Thị Kiểm Thử" in s.value for s in at.success), [e.value for e in at.error]
    assert int(metric(at, "Đang hoạt động")) == before + 1
    new_id = app_connection().execute("SELECT id FROM mediators WHERE full_name = 'Nguyễn Thị Kiểm Thử'").fetchone()[0]
    assert at.session_state["mediator_open"] == new_id
    assert at.text_input(key="new_mediator_1_name").value == ""  # a fresh form for the next one


def test_the_list_is_read_a_page_at_a_time_and_counted_alike(demo_db):
    """The page's rows are cut in SQL (a country has 600,000 mediators): the pages, one after another, are the whole
    list, and the count is its length, for every filter."""
    con = demo_db
    for filters in ({}, {"include_left": True}, {"search": "nguyen"}, {"village_id": 1, "include_left": True}):
        whole = mediators.list_mediators(con, 2023, **filters)
        total = mediators.count_mediators(con, 2023, **filters)
        assert total == len(whole) > 0
        pages = [mediators.list_mediators(con, 2023, **filters, limit=7, offset=start) for start in range(0, total, 7)]
        assert [len(p) for p in pages[:-1]] == [7] * (len(pages) - 1)
        assert pd.concat(pages)["id"].tolist() == whole["id"].tolist()
