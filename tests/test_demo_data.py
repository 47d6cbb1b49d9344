"""The demo commune has the properties the product is demonstrated with (issue: demo data)."""
from __future__ import annotations

import pytest

from db.cases import results


def test_demo_commune_shape(demo_db):
    con = demo_db
    assert con.execute("SELECT name, district, province, is_demo FROM communes").fetchall() == [
        ("Xã Đoàn Kết", "Huyện Thanh Miện", "Tỉnh Hải Dương", True)]
    assert con.execute("SELECT count(*) FROM villages").fetchone()[0] == 8
    per_team = con.execute(
        """
        SELECT t.id, count(*) AS members,
               count(*) FILTER (WHERE m.left_on IS NULL) AS active,
               count(*) FILTER (WHERE m.left_on IS NULL AND m.gender = 'nu') AS women,
               count(*) FILTER (WHERE m.is_leader) AS leaders
        FROM teams t JOIN mediators m ON m.team_id = t.id GROUP BY t.id
        """).fetchall()
    assert len(per_team) == 8
    assert all(5 <= members <= 8 and leaders == 1 for _, members, _, _, leaders in per_team)
    assert sum(1 for *_, women, _ in per_team if women == 0) == 1          # one team lacks a woman
    assert sum(1 for _, _, active, _, _ in per_team if active == 2) == 1   # one team has 2 active


@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_demo_rate_is_below_target_but_realistic(demo_db, year):
    rate = results.totals(demo_db, year)["official_rate"]
    assert 0.84 <= rate <= 0.90


def test_demo_has_incidents_trainings_and_no_orphans(demo_db):
    con = demo_db
    assert con.execute("SELECT count(*) FROM cases WHERE security_incident").fetchone()[0] >= 2
    assert con.execute("SELECT count(DISTINCT year(held_on)) FROM trainings").fetchone()[0] == 3
    orphans = con.execute(
        """
        SELECT (SELECT count(*) FROM case_parties WHERE case_id NOT IN (SELECT id FROM cases))
             + (SELECT count(*) FROM case_mediators WHERE case_id NOT IN (SELECT id FROM cases)
                                                      OR mediator_id NOT IN (SELECT id FROM mediators))
             + (SELECT count(*) FROM cases WHERE team_id NOT IN (SELECT id FROM teams))
             + (SELECT count(*) FROM mediators WHERE team_id NOT IN (SELECT id FROM teams))
             + (SELECT count(*) FROM training_attendance WHERE mediator_id NOT IN (SELECT id FROM mediators))
        """).fetchone()[0]
    assert orphans == 0
    # Every case mediator belongs to the case's team.
    assert con.execute(
        "SELECT count(*) FROM case_mediators cm JOIN cases c ON c.id = cm.case_id "
        "JOIN mediators m ON m.id = cm.mediator_id WHERE m.team_id <> c.team_id").fetchone()[0] == 0


def test_demo_is_marked_fictional_and_seeded_through_the_write_path(demo_db):
    con = demo_db
    cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    audited = con.execute(
        "SELECT count(*) FROM audit_log WHERE table_name = 'cases' AND actor = 'seed' AND action = 'insert'"
    ).fetchone()[0]
    assert audited == cases
