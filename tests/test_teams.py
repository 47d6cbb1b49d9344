"""Team register: Art. 12 composition, coverage, review flags and the annual review, db and page."""
from __future__ import annotations

import pytest

from conftest import ACTOR, add_plan, edit_key, metric, open_page
from db import places, teams
from db.teams import reviews
from db.core.writes import ValidationError, VersionConflict


@pytest.fixture()
def small_db(small_db):
    """The small commune with records from 2018 (a plan that year): its mediators joined in 2018–2019, and the report
    years start at the commune's first data (tests/test_time_rules.py), so 2018–2021 are years of its records."""
    add_plan(small_db[0], 2018)
    return small_db


def register_row(con, year: int, village: str):
    frame = teams.team_register(con, year)
    return frame[frame["village"] == village].iloc[0]


def test_composition_by_hand(small_db):
    con, _ = small_db
    # Thôn Đông: a1 (woman, leader), a2, a3 (left 30/06/2022). 2021: 3 active → complete.
    east = register_row(con, 2021, "Thôn Đông")
    assert (east.active, east.women, east.leaders, bool(east.composition_ok)) == (3, 1, 1, True)
    # 2023: only a1 and a2 are active → fewer than 3; still a woman and a leader.
    east = register_row(con, 2023, "Thôn Đông")
    assert (east.active, bool(east.rule_members), bool(east.rule_woman), bool(east.rule_leader)) == (2, False, True, True)
    # Thôn Bắc: b1 alone, a man → fails members and woman.
    north = register_row(con, 2023, "Thôn Bắc")
    assert (bool(north.rule_members), bool(north.rule_woman), bool(north.composition_ok)) == (False, False, False)
    # Failing teams come first, and the summary counts teams meeting every rule.
    assert teams.composition_summary(con, 2021)["teams_ok"] == 1
    assert teams.composition_summary(con, 2023)["teams_ok"] == 0


def test_ethnic_rule_applies_only_where_the_village_is_flagged(small_db):
    con, _ = small_db
    assert bool(register_row(con, 2021, "Thôn Đông").rule_ethnic)
    team = places.get_team(con, int(register_row(con, 2021, "Thôn Đông").team_id))
    places.save_village(con, {"commune_id": team["commune_id"], "name": team["village"], "ethnic_area": True},
                        actor=ACTOR, village_id=team["village_id"], expected_version=team["village_version"])
    east = register_row(con, 2021, "Thôn Đông")
    assert (bool(east.ethnic_required), bool(east.rule_ethnic), bool(east.composition_ok)) == (True, False, False)


def test_idle_mediators_are_flagged_for_review(small_db):
    con, ids = small_db
    # No case in the small fixture names a mediator and there is no training: every active one is idle.
    east = register_row(con, 2023, "Thôn Đông")
    assert east.idle == 2 and bool(east.needs_review)
    assert east.idle_names == "Lê Thị Hoa, Trần Văn Bình"


def test_training_coverage_of_the_demo_agrees_with_an_independent_count(demo_db):
    con = demo_db
    active, trained = con.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM training_attendance a JOIN trainings t ON t.id = a.training_id
                   WHERE a.mediator_id = m.id AND year(t.held_on) = 2023 AND t.status = 'da_to_chuc'))
        FROM mediators m
        WHERE coalesce(m.joined_on, DATE '1900-01-01') <= DATE '2023-12-31'
          AND (m.left_on IS NULL OR m.left_on > DATE '2023-12-31')
        """).fetchone()
    summary = teams.composition_summary(con, 2023)
    assert (summary["trained"], summary["active"]) == (trained, active)
    assert summary["trained_share"] == pytest.approx(trained / active)
    assert (summary["teams_ok"], summary["teams"]) == (6, 8)  # one team lacks a woman, one has 2 active


def test_review_is_saved_versioned_and_validated(small_db):
    con, _ = small_db
    team_id = int(register_row(con, 2023, "Thôn Đông").team_id)
    with pytest.raises(ValidationError) as err:
        reviews.save_review(con, team_id, 2023, {"status": "da_ra_soat"}, actor=ACTOR)
    assert "Cần ghi nhận xét" in err.value.messages[0]
    review_id = reviews.save_review(con, team_id, 2023, {"assessment": "Thiếu người", "propose_add": True,
                                                         "status": "dang_ra_soat"}, actor=ACTOR)
    saved = reviews.get_review(con, team_id, 2023)
    assert (saved["id"], saved["propose_add"], saved["version"]) == (review_id, True, 1)
    reviews.save_review(con, team_id, 2023, {"assessment": "Đã bổ sung", "status": "da_kien_toan"}, actor=ACTOR,
                        expected_version=1)
    with pytest.raises(VersionConflict):
        reviews.save_review(con, team_id, 2023, {"assessment": "Cũ"}, actor=ACTOR, expected_version=1)
    assert reviews.get_review(con, team_id, 2023)["status"] == "da_kien_toan"
    assert register_row(con, 2023, "Thôn Đông").review_status == "da_kien_toan"


def test_teams_page_lists_failing_teams_first_and_saves_a_review(app):
    at = open_page(app, "pages/teams.py")
    assert metric(at, "Tổ đủ thành phần theo Điều 12") == "6/8"
    table = at.dataframe[0].value
    frame = table.data if hasattr(table, "data") else table
    assert set(frame["village"].head(2)) == {"Thôn Hòa Bình", "Thôn Thượng Cốc"}
    team_id = at.selectbox(key="team_open").value
    form = edit_key(at, f"review_{team_id}_2023")
    at.text_area(key=f"{form}_assessment").input("Tổ còn thiếu hòa giải viên, đề nghị bổ sung.")
    at.checkbox(key=f"{form}_add").check()
    at.selectbox(key=f"{form}_status").set_value("da_ra_soat")
    at = next(b for b in at.button if b.label == "Lưu rà soát").click().run()
    assert not at.exception
    assert any("Đã lưu rà soát năm 2023" in s.value for s in at.success), [e.value for e in at.error]


def test_overview_shows_coverage_and_composition(app):
    at = open_page(app, "pages/overview.py")
    assert metric(at, "Hòa giải viên được tập huấn") == "80,0%"
    assert metric(at, "Tổ đủ thành phần (Điều 12)") == "6/8"
