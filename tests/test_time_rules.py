"""Figures that hold across the years (issue 14, items 1, 2 and 6), on small databases computed by hand:
nothing counts before it existed, a security incident counts once in the year it happened, and a year is judged
only against its own plan."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import ACTOR, PLAN_TARGETS, add_plan, app_connection, open_page, small_case
from db import cases, overview, places, plan, trainings
from db.cases import results
from db.tools.seed import load_commune
from db.core.writes import ValidationError


def village(con, name: str) -> int:
    return con.execute("SELECT id FROM villages WHERE name = ?", [name]).fetchone()[0]


def team(con, name: str) -> int:
    return con.execute("SELECT t.id FROM teams t JOIN villages v ON v.id = t.village_id WHERE v.name = ?",
                       [name]).fetchone()[0]


def years_of(con, view: str, column: str, value: int) -> list[int]:
    return [r[0] for r in con.execute(f"SELECT DISTINCT year FROM {view} WHERE {column} = ? ORDER BY year",
                                      [value]).fetchall()]


# --- 1. nothing counts before it existed --------------------------------------------------------------

ONE_VILLAGE = {
    "commune": {"name": "Xã Mới Lập", "district": None, "province": "Tỉnh Hải Dương"},
    "villages": [
        {"key": "a", "name": "Thôn Cũ", "ethnic_area": False, "team": {"name": "Tổ hòa giải thôn Cũ"},
         "mediators": [
             # Joined long before the commune's first record: 2005 is not a year of its records.
             {"key": "a1", "full_name": "Lê Thị Hoa", "gender": "nu", "birth_year": 1960, "is_leader": True,
              "joined_on": "2005-03-01"},
             {"key": "a2", "full_name": "Trần Văn Bình", "gender": "nam", "birth_year": 1962, "joined_on": "2005-03-01"},
             {"key": "a3", "full_name": "Phạm Văn Cường", "gender": "nam", "birth_year": 1964, "joined_on": "2005-03-01"},
         ]},
    ],
    "trainings": [],
}


@pytest.fixture()
def mid_series(empty_db):
    """Thôn Cũ with records from 2020; Thôn Mới and its team set up by decision on 05/01/2022."""
    con = empty_db
    load_commune(con, ONE_VILLAGE, [small_case("a", "2020-04-01", "thanh", "2020-04-20", "Nguyễn Văn An"),
                                    small_case("a", "2022-05-01", "thanh", "2022-05-20", "Vũ Văn Em")])
    commune = con.execute("SELECT id FROM communes").fetchone()[0]
    new_village, new_team = places.add_village(
        con, {"commune_id": commune, "name": "Thôn Mới", "valid_from": "05/01/2022"},
        {"name": "Tổ hòa giải thôn Mới", "decision_no": "01/QĐ-UBND", "decision_date": "05/01/2022",
         "valid_from": "05/01/2022"}, actor=ACTOR)
    return con, new_village, new_team


def test_report_years_start_at_the_first_record_not_the_earliest_joining(mid_series):
    con, _, _ = mid_series
    years = [r[0] for r in con.execute("SELECT year FROM report_years ORDER BY year").fetchall()]
    assert years[0] == 2020 and years[-1] == dt.date.today().year
    assert years == list(range(2020, dt.date.today().year + 1))


def test_a_team_set_up_mid_series_counts_only_from_its_year(mid_series):
    con, new_village, new_team = mid_series
    this_year = dt.date.today().year
    counted = list(range(2022, this_year + 1))
    for view in ("team_year", "team_score", "team_candidate", "funding_team_year"):
        assert years_of(con, view, "team_id", new_team) == counted, view
    assert years_of(con, "village_results", "village_id", new_village) == counted
    # 2021: one team in the commune (the old one), not a second idle, failing, unpaid one.
    assert con.execute("SELECT count(*) FROM team_score WHERE year = 2021").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM team_year WHERE year = 2021").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM funding_team_year WHERE year = 2021").fetchone()[0] == 1
    # The commendation calendar asks for a self-assessment only from teams that existed that year.
    asked = {r[0] for r in con.execute("SELECT team_id FROM commendation_steps(2021, DATE '2022-01-01') "
                                       "WHERE step = 'tu_danh_gia'").fetchall()}
    assert asked == {team(con, "Thôn Cũ")}


def test_a_mediator_counts_only_while_a_member(mid_series):
    con, _, _ = mid_series
    hoa = con.execute("SELECT id FROM mediators WHERE full_name = 'Lê Thị Hoa'").fetchone()[0]
    con.execute("UPDATE mediators SET left_on = DATE '2021-06-30' WHERE id = ?", [hoa])
    assert years_of(con, "mediator_year", "mediator_id", hoa) == [2020, 2021]
    active = dict(con.execute("SELECT year, active FROM mediator_year WHERE mediator_id = ?", [hoa]).fetchall())
    assert active == {2020: True, 2021: False}  # a member during 2021, but not at 31/12


# --- 2. a security incident counts once ------------------------------------------------------------------

def incidents_by_year(con) -> dict[int, int]:
    return {y: n for y, n in con.execute(
        "SELECT year, sum(security_incidents) FROM village_results GROUP BY year HAVING sum(security_incidents) > 0"
    ).fetchall()}


def test_an_incident_on_a_case_carried_over_three_years_counts_once(small_db):
    con, _ = small_db
    dong = team(con, "Thôn Đông")
    case_id = cases.save_case(con, {**small_case("a", "2020-11-02", "thanh", "2023-03-01", "Trịnh Văn Tâm"),
                                    "team_id": dong, "security_incident": True}, actor=ACTOR)
    # Carried over in 2021 and 2022, concluded in 2023: four years of case_year, one incident.
    assert years_of(con, "case_year", "case_id", case_id) == [2020, 2021, 2022, 2023]
    # Default date: the date received.
    assert con.execute("SELECT incident_on FROM cases WHERE id = ?", [case_id]).fetchone()[0] == dt.date(2020, 11, 2)
    assert incidents_by_year(con) == {2020: 1}
    # Dated in 2022: it counts in 2022 only, in the village figures, the team score and the overview alike.
    case = cases.get_case(con, case_id)
    cases.save_case(con, {**case, "incident_on": "15/08/2022"}, actor=ACTOR, case_id=case_id,
                    expected_version=case["version"])
    assert incidents_by_year(con) == {2022: 1}
    by_team = dict(con.execute("SELECT year, incidents FROM team_score_inputs WHERE team_id = ? AND incidents > 0",
                               [dong]).fetchall())
    assert by_team == {2022: 1}
    assert [overview.kpis(con, y)["security_incidents"]["value"] for y in (2021, 2022, 2023)] == [0, 1, 0]


def test_incident_date_rules(small_db):
    con, _ = small_db
    dong = team(con, "Thôn Đông")
    base = {**small_case("a", "2023-02-01", "thanh", "2023-02-20", "Trịnh Văn Tâm"), "team_id": dong}
    before = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    for change, message in (
            ({"security_incident": False, "incident_on": "10/02/2023"}, "Chỉ ghi ngày xảy ra mất ANTT"),
            ({"security_incident": True, "incident_on": "01/03/2023"}, "sau ngày kết thúc"),
            ({"security_incident": True, "incident_on": "31/02/2023"}, "Ngày xảy ra vụ việc mất ANTT"),
            ({"security_incident": True, "incident_on": (dt.date.today() + dt.timedelta(days=3)).isoformat()},
             "ở tương lai")):
        with pytest.raises(ValidationError) as refused:
            cases.save_case(con, {**base, **change}, actor=ACTOR)
        assert any(message in m for m in refused.value.messages), refused.value.messages
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == before
    # Before the case was received (the police referred a fight): it counts in the year received.
    case_id = cases.save_case(con, {**small_case("a", "2023-01-03", "thanh", "2023-01-20", "Hồ Văn Sơn"),
                                    "team_id": dong, "security_incident": True, "incident_on": "28/12/2022"},
                              actor=ACTOR)
    assert con.execute("SELECT year FROM case_year WHERE case_id = ? AND security_incident", [case_id]).fetchall() \
        == [(2023,)]


# --- 6. targets belong to a plan -----------------------------------------------------------------------

def test_a_year_without_a_plan_is_not_judged_against_another_years_plan(small_db):
    con, _ = small_db
    add_plan(con, 2023)
    # 2023 has its plan: 80% sits at the bottom of the past years' band (80–90%), under the 90% minimum.
    kpi = overview.kpis(con, 2023)
    assert (kpi["official_rate"]["value"], kpi["official_rate"]["target"], kpi["official_rate"]["status"]) == (
        0.8, 0.9, "gan_dat")
    assert kpi["targets_of"] == {"plan_year": 2023, "reference_year": None, "reference": {}}
    # 2022 (50%) has no plan: no target, no «Chưa đạt» — «chưa có kế hoạch»; no earlier plan to show either.
    kpi = overview.kpis(con, 2022)
    assert kpi["official_rate"]["target"] is None
    assert {kpi[k]["status"] for k in ("official_rate", "trained_share", "security_incidents")} == {"chua_co_ke_hoach"}
    assert kpi["targets_of"] == {"plan_year": None, "reference_year": None, "reference": {}}
    assert set(results.by_village(con, 2022)["status"]) == {"chua_co_ke_hoach"}
    assert trainings.coverage(con, 2022)["target"] is None and trainings.coverage(con, 2022)["reached"] is None
    # 2024 has no plan either: the 2023 plan is offered as a reference, labelled with its year, never judged by.
    kpi = overview.kpis(con, 2024)
    assert kpi["targets_of"]["reference_year"] == 2023
    assert kpi["targets_of"]["reference"]["success_rate_min"] == 0.9
    assert kpi["official_rate"]["status"] in ("chua_co_ke_hoach", "khong_ap_dung")


def test_each_year_has_the_targets_of_its_own_plan(small_db):
    con, _ = small_db
    add_plan(con, 2022, success_rate_min=0.5, success_rate_max=0.6, history_rate_min=None, history_rate_max=None)
    add_plan(con, 2023)
    assert overview.kpis(con, 2022)["official_rate"]["status"] == "dat"  # 50% meets its own plan's 50%
    assert overview.kpis(con, 2023)["official_rate"]["status"] == "gan_dat"
    # Without a past-years band a rate under the minimum is «chưa đạt», never «gần đạt».
    plan_2022 = plan.get_plan(con, 2022)
    plan.save_plan(con, 2022, {**plan_2022, "targets": {**plan_2022["targets"], "success_rate_min": 0.55}},
                   actor=ACTOR, expected_version=plan_2022["version"])
    assert overview.kpis(con, 2022)["official_rate"]["status"] == "chua_dat"


def test_plan_targets_are_checked_and_copied_forward(small_db):
    con, _ = small_db
    add_plan(con, 2023)
    current = plan.get_plan(con, 2023)
    audit_rows = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    for targets, message in (({"success_rate_min": 1.2}, "phải từ 0% đến 100%"),
                             ({"success_rate_min": 0.96}, "cao hơn"),
                             ({"security_incidents_max": -1}, "Số vụ việc phức tạp"),
                             ({"chi_tieu_la": 1}, "không có trong danh mục")):
        with pytest.raises(ValidationError) as refused:
            plan.save_plan(con, 2023, {**current, "targets": {**current["targets"], **targets}}, actor=ACTOR,
                           expected_version=current["version"])
        assert any(message in m for m in refused.value.messages), refused.value.messages
    assert plan.get_plan(con, 2023)["targets"] == PLAN_TARGETS
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit_rows
    # A blank target is one the plan does not set.
    plan.save_plan(con, 2023, {**current, "targets": {**current["targets"], "trained_share": None}}, actor=ACTOR,
                   expected_version=current["version"])
    assert "trained_share" not in plan.get_plan(con, 2023)["targets"]
    assert overview.kpis(con, 2023)["trained_share"]["status"] == "chua_co_ke_hoach"
    plan.copy_plan_forward(con, 2023, 2024, actor=ACTOR)
    assert plan.get_plan(con, 2024)["targets"] == plan.get_plan(con, 2023)["targets"]


def test_demo_judges_2022_without_a_plan_and_2023_by_its_plan(demo_db):
    assert overview.kpis(demo_db, 2022)["official_rate"]["status"] == "chua_co_ke_hoach"
    assert overview.kpis(demo_db, 2023)["official_rate"]["target"] == 0.9


def test_overview_page_of_a_year_without_a_plan(app):
    at = open_page(app, "pages/overview.py", nam=2022)
    captions = " ".join(c.value for c in at.caption)
    assert "Chưa có kế hoạch năm 2022" in captions
    assert "Chưa có kế hoạch năm 2022 · năm 2021" in captions  # the rate's tile: no target, last year beside it
    # The badges of the rate, training, incidents and the plan's tasks.
    assert sum("Chưa có kế hoạch]" in m.value for m in at.markdown) == 4


def test_plan_page_edits_the_targets(app):
    at = open_page(app, "pages/plan.py", nam=2023)
    assert any("tỷ lệ hòa giải thành 90%–95%" in m.value for m in at.markdown)
    key = next(k for k in at.session_state["_opened"] if k.startswith("plan_"))
    form = f"{key}_{at.session_state['_opened'][key]['n']}"
    at.number_input(key=f"{form}_goal_success_rate_min").set_value(85.0)
    at.button(key=f"{form}_save").click()
    at.run()
    assert not at.exception
    assert plan.get_plan(app_connection(), 2023)["targets"]["success_rate_min"] == pytest.approx(0.85)


# --- 9. the «Tổ hòa giải 5 tốt» success threshold is a setting ---------------------------------------------------

def test_the_five_good_threshold_is_a_dated_setting(small_db):
    con, _ = small_db
    this_year = dt.date.today().year
    threshold = lambda y: con.execute(  # noqa: E731
        "SELECT value FROM target_year WHERE year = ? AND key = 'five_good_rate_min'", [y]).fetchone()[0]
    assert threshold(this_year) == pytest.approx(0.80)
    audit_rows = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    for key, value, year, message in (("five_good_rate_min", 1.5, this_year, "Tỷ lệ"),
                                      ("five_good_rate_min", 0.85, 2022, "đã qua"),
                                      ("success_rate_min", 0.85, this_year, "không sửa được"),
                                      ("team_min_members", 2.5, this_year, "Số người tối thiểu")):
        with pytest.raises(ValidationError) as refused:
            plan.save_threshold(con, key, value, from_year=year, actor=ACTOR)
        assert any(message in m for m in refused.value.messages), refused.value.messages
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit_rows
    plan.save_threshold(con, "five_good_rate_min", 0.85, from_year=this_year, actor=ACTOR)
    assert threshold(this_year) == pytest.approx(0.85)
    assert threshold(this_year - 1) == pytest.approx(0.80)  # a past year keeps the threshold it was judged by
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit_rows + 1


def test_settings_page_changes_a_threshold(app):
    this_year = dt.date.today().year
    at = open_page(app, "pages/score_settings.py", nam=this_year)
    assert any("Tổ hòa giải 5 tốt" in s.value for s in at.subheader)
    at.selectbox(key="threshold_key").set_value("five_good_rate_min")
    at.number_input(key="threshold_value").set_value(85.0)
    at.button(key="threshold_save").click()
    at.run()
    assert not at.exception
    assert plan.thresholds(app_connection(), this_year).set_index("key").loc["five_good_rate_min", "value"] \
        == pytest.approx(0.85)
