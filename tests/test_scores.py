"""Team quality score and commendation (issue 6): each component and the redistribution against hand-computed
fixtures, bands, the settings write path and its versions, candidate rules, nominations and the calendar, the
exports, an independent recomputation of the demo, and both pages through AppTest."""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from conftest import ACTOR, add_plan, app_connection, edit_key, metric, open_page, team_id
from db import scores, teams
from db.scores import commendation
from db.cases import save_case
from db.teams.mediators import save_mediator
from db.trainings import add_attendance, save_training
from db.core.writes import ValidationError, VersionConflict

D = dt.date
COMPONENTS = ("ket_qua", "kip_thoi", "kien_toan", "tap_huan", "ho_so", "an_ninh")
DEFAULT_WEIGHTS = {"ket_qua": 40, "kip_thoi": 10, "kien_toan": 15, "tap_huan": 15, "ho_so": 10, "an_ninh": 10}


@pytest.fixture()
def small_db(small_db):
    """The small commune with records from 2018 (a plan that year): its mediators joined in 2018–2019, and the report
    years start at the commune's first data (tests/test_time_rules.py), so 2018–2021 are years of its records."""
    add_plan(small_db[0], 2018)
    return small_db


def score_row(con, year: int, village: str):
    frame = scores.team_scores(con, year)
    return frame[frame["village"] == village].iloc[0]


def parts_of(con, year: int, village: str) -> dict:
    tid = team_id(con, village)
    frame = scores.components(con, year, team_id=tid)
    return {r.component: r for r in frame.itertuples()}


def case(team: int, received, result, concluded, *, assigned=None, mediators=(), agreement=None,
         incident=False, parties=None) -> dict:
    return {
        "team_id": team, "received_on": received, "grounds": "yeu_cau", "category": "lang_gieng",
        "summary": "Mâu thuẫn về lối đi chung", "assigned_on": assigned, "result": result, "concluded_on": concluded,
        "agreement": agreement, "security_incident": incident, "mediator_ids": list(mediators),
        "parties": parties or [{"full_name": "Trịnh Văn Phúc", "age": 45, "address": "Xóm 2"},
                               {"full_name": "Lương Thị Gấm", "age": 41, "address": "Xóm 2"}],
    }


# --- components by hand (tests/conftest.py SMALL_COMMUNE) -----------------------------------------------

def test_every_component_of_the_small_fixture_by_hand(small_db):
    """Thôn Đông 2023: cases counted 3 thành (one carried over from 2022) + 1 không thành + 1 đang + 1 ngoài
    phạm vi; a1 (woman, leader) and a2 active (a3 left in 2022); no training; no mediator on any case, no
    assignment date, no agreement."""
    con, _ = small_db
    parts = parts_of(con, 2023, "Thôn Đông")
    # Kết quả: 3/4 = 75% → (75 − 60) / (95 − 60) = 3/7 of 40.
    assert (parts["ket_qua"].numerator, parts["ket_qua"].denominator) == (3, 4)
    assert parts["ket_qua"].points == pytest.approx(40 * 3 / 7)
    # Kịp thời: no case has an assignment date → 0/4.
    assert (parts["kip_thoi"].numerator, parts["kip_thoi"].points) == (0, 0)
    # Kiện toàn: 2 active (< 3), a woman, a leader → 2 of 3 parts of 15.
    assert (parts["kien_toan"].numerator, parts["kien_toan"].points) == (2, pytest.approx(10))
    # Tập huấn: 0/2 trained — applies (there are active mediators), 0 points.
    assert bool(parts["tap_huan"].applicable) and parts["tap_huan"].points == 0
    # Hồ sơ: 5 cases in the register (ngoài phạm vi is not), none with a mediator → 0/5.
    assert (parts["ho_so"].numerator, parts["ho_so"].denominator, parts["ho_so"].points) == (0, 5, 0)
    # An ninh trật tự: no incident → 10.
    assert parts["an_ninh"].points == 10
    row = score_row(con, 2023, "Thôn Đông")
    assert row.score == pytest.approx(round(40 * 3 / 7 + 10 + 10, 1)) == 37.1
    assert row.band == "yeu"
    assert row.applicable_weight == 100


def test_timeliness_records_training_and_security_by_hand(small_db):
    """Thôn Bắc 2023 gets four more cases through the write path; b1 is trained."""
    con, ids = small_db
    north, b1 = team_id(con, "Thôn Bắc"), ids["b1"]
    save_case(con, case(north, D(2023, 7, 1), "thanh", D(2023, 7, 20), assigned=D(2023, 7, 3), mediators=[b1],
                        agreement="Hai bên thống nhất mở lối đi chung"), actor=ACTOR)       # timely, complete
    save_case(con, case(north, D(2023, 8, 1), "thanh", D(2023, 8, 10), assigned=D(2023, 8, 5), mediators=[b1],
                        agreement="Hai bên xin lỗi nhau",
                        parties=[{"full_name": "Đinh Văn Hải", "age": None, "address": "Xóm 3"}]),
              actor=ACTOR)                                        # assigned after 4 days; a party without age
    save_case(con, case(north, D(2023, 9, 1), "khong_thanh", D(2023, 10, 15), assigned=D(2023, 9, 2),
                        mediators=[b1], agreement="Mỗi bên giữ yêu cầu của mình", incident=True),
              actor=ACTOR)                                        # closed after 44 days; a security incident
    save_case(con, case(north, D(2023, 10, 1), "thanh", D(2023, 10, 30), assigned=D(2023, 10, 1), mediators=[b1]),
              actor=ACTOR)                                        # timely (29 days); no agreement recorded
    training = save_training(con, {"held_on": D(2023, 5, 10), "title": "Tập huấn kỹ năng hòa giải"}, actor=ACTOR)
    add_attendance(con, training, [b1], actor=ACTOR)

    parts = parts_of(con, 2023, "Thôn Bắc")
    # Kết quả: the fixture's 20/06 thành + 3 thành + 1 không thành → 4/5 = 80% → 4/7 of 40.
    assert (parts["ket_qua"].numerator, parts["ket_qua"].denominator) == (4, 5)
    assert parts["ket_qua"].points == pytest.approx(40 * 4 / 7)
    # Kịp thời: only 01/07 and 01/10 are assigned within 3 days and closed within 30 → 2/5 of 10.
    assert (parts["kip_thoi"].numerator, parts["kip_thoi"].points) == (2, pytest.approx(4))
    # Kiện toàn: b1 alone, a man, the leader → 1 of 3 parts.
    assert parts["kien_toan"].points == pytest.approx(5)
    # Tập huấn: 1/1.
    assert parts["tap_huan"].points == pytest.approx(15)
    # Hồ sơ: complete are 01/07 and 01/09 (the fixture's case has no mediator, 01/08 a party without age,
    # 01/10 no agreement) → 2/5 of 10.
    assert (parts["ho_so"].numerator, parts["ho_so"].denominator, parts["ho_so"].points) == (2, 5, pytest.approx(4))
    # An ninh trật tự: one incident → half of 10.
    assert parts["an_ninh"].points == pytest.approx(5)
    row = score_row(con, 2023, "Thôn Bắc")
    assert row.score == pytest.approx(round(40 * 4 / 7 + 4 + 5 + 15 + 4 + 5, 1)) == 55.9
    assert row.band == "trung_binh"
    # A second incident → 0 points for An ninh trật tự.
    save_case(con, case(north, D(2023, 11, 1), "thanh", D(2023, 11, 5), assigned=D(2023, 11, 1), mediators=[b1],
                        agreement="Đã thống nhất", incident=True), actor=ACTOR)
    assert parts_of(con, 2023, "Thôn Bắc")["an_ninh"].points == 0


def test_weights_of_components_without_data_are_redistributed_visibly(small_db):
    con, _ = small_db
    # Thôn Bắc 2021: b1 active, no case, no training. Kết quả, Kịp thời and Hồ sơ do not apply; Kiện toàn (15),
    # Tập huấn (15) and An ninh (10) share all 100 points: 37.5, 37.5, 25.
    parts = parts_of(con, 2021, "Thôn Bắc")
    assert [c for c in COMPONENTS if not parts[c].applicable] == ["ket_qua", "kip_thoi", "ho_so"]
    assert all(parts[c].points != parts[c].points for c in ("ket_qua", "kip_thoi", "ho_so"))  # NaN: no points
    assert [parts[c].effective_weight for c in ("kien_toan", "tap_huan", "an_ninh")] == \
        [pytest.approx(37.5), pytest.approx(37.5), pytest.approx(25)]
    row = score_row(con, 2021, "Thôn Bắc")
    assert row.score == pytest.approx(37.5 / 3 + 0 + 25)  # 12.5 + 25 = 37.5
    assert (row.applicable_weight, row.not_applicable) == (40, 3)
    # Thôn Bắc 2018: no active mediator yet (b1 joined 2019) → Tập huấn does not apply either; Kiện toàn (0 of 3)
    # and An ninh share 100 as 60 and 40.
    parts = parts_of(con, 2018, "Thôn Bắc")
    assert not parts["tap_huan"].applicable
    assert (parts["kien_toan"].effective_weight, parts["an_ninh"].effective_weight) == \
        (pytest.approx(60), pytest.approx(40))
    assert score_row(con, 2018, "Thôn Bắc").score == 40
    # The page shows it: the explanation names the redistribution.
    inputs = score_row(con, 2021, "Thôn Bắc")
    assert "được chia cho các thành phần khác" in scores.explain("ket_qua", inputs, parts_of(con, 2021, "Thôn Bắc")["ket_qua"],
                                                                  scores.score_params(con, 2021))


def test_rank_and_change_from_last_year(small_db):
    con, _ = small_db
    # Thôn Bắc 2023: 1/1 thành (40), not assigned (0), b1 alone (5), untrained (0), no mediator on record (0),
    # no incident (10) → 55. Thôn Đông 2022: 1/1 thành (40), 0, 10, 0, 0 of 2 in the register, 10 → 60.
    # With the default minimum of evidence (3 concluded cases, issue 14) Thôn Bắc 2023 (1 case) and Thôn Đông 2022
    # (1 case) are not graded: Thôn Đông is ranked alone, Thôn Bắc after it without a rank, and no change is
    # computed against an indicative score (tests/test_grading_minimum.py).
    frame = scores.team_scores(con, 2023)
    assert [(v, s, None if pd.isna(r) else r) for v, s, r in zip(frame["village"], frame["score"], frame["rank"])] \
        == [("Thôn Đông", 37.1, 1), ("Thôn Bắc", 55, None)]
    assert pd.isna(score_row(con, 2023, "Thôn Đông").change)
    # With a minimum of one concluded case both teams are graded: ranked by score, change from 2022.
    scores.save_model(con, 2022, {("score_params", "xep_loai_min_concluded"): 1}, actor=ACTOR)
    frame = scores.team_scores(con, 2023)
    assert list(zip(frame["village"], frame["score"], frame["rank"])) == [("Thôn Bắc", 55, 1), ("Thôn Đông", 37.1, 2)]
    assert score_row(con, 2022, "Thôn Đông").score == 60
    assert score_row(con, 2023, "Thôn Đông").change == pytest.approx(37.1 - 60)
    assert score_row(con, 2018, "Thôn Đông")["change"] != score_row(con, 2018, "Thôn Đông")["change"]  # no 2017


# --- bands -------------------------------------------------------------------------------------------

def test_bands_follow_the_minimums_inclusively(small_db):
    con, _ = small_db
    assert score_row(con, 2023, "Thôn Đông").band == "yeu"      # 37.1 < 50
    # A score equal to a band's minimum belongs to that band.
    scores.save_model(con, 2023, {("score_bands", "trung_binh"): 37.1}, actor=ACTOR)
    assert score_row(con, 2023, "Thôn Đông").band == "trung_binh"
    scores.save_model(con, 2023, {("score_bands", "trung_binh"): 37.2}, actor=ACTOR)
    assert score_row(con, 2023, "Thôn Đông").band == "yeu"
    # Thôn Bắc (55 points from 1 concluded case) has too little data to grade: counted apart, not as Trung bình.
    assert scores.band_counts(con, 2023) == {"tot": 0, "kha": 0, "trung_binh": 0, "yeu": 1, "chua_du_du_lieu": 1}


def test_demo_bands_at_the_boundary(demo_db):
    frame = scores.team_scores(demo_db, 2023)
    for row in frame.itertuples():
        expected = "tot" if row.score >= 85 else "kha" if row.score >= 70 else "trung_binh" if row.score >= 50 else "yeu"
        assert row.band == expected, row.village
    assert {"tot", "kha"} <= set(frame["band"])


# --- the settings write path -------------------------------------------------------------------------

def audit_count(con) -> int:
    return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]


@pytest.mark.parametrize("changes, message", [
    ({("score_components", "ket_qua"): 45}, "Tổng trọng số các thành phần phải bằng 100 điểm; hiện là 105"),
    ({("score_components", "ket_qua"): -5, ("score_components", "an_ninh"): 55}, "phải từ 0 đến 100"),
    ({("score_components", "ket_qua"): "bốn mươi"}, "không phải là số"),
    ({("score_params", "ket_qua_rate_floor"): 0.96}, "phải thấp hơn tỷ lệ được đủ điểm"),
    ({("score_params", "kip_thoi_assign_days"): 2.5}, "số nguyên không âm"),
    ({("score_params", "an_ninh_partial_share"): 1.5}, "từ 0% đến 100%"),
    ({("score_bands", "kha"): 90}, "«Tốt» (85) phải cao hơn «Khá» (90)"),
    ({("score_bands", "yeu"): 10}, "phải là 0"),
    ({("candidate_rules", "team_rate_min"): 1.2}, "từ 0% đến 100%"),
    ({("score_components", "khac"): 5}, "Không có thiết lập"),
])
def test_model_validation_refuses_and_writes_nothing(small_db, changes, message):
    con, _ = small_db
    before, score = audit_count(con), score_row(con, 2023, "Thôn Đông").score
    with pytest.raises(ValidationError) as err:
        scores.save_model(con, 2023, changes, actor=ACTOR)
    assert any(message in m for m in err.value.messages), err.value.messages
    assert audit_count(con) == before and score_row(con, 2023, "Thôn Đông").score == score


def test_weights_summing_to_100_are_accepted_with_decimals(small_db):
    con, _ = small_db
    changed = scores.save_model(con, 2023, {("score_components", "ket_qua"): "37,5",
                                            ("score_components", "kip_thoi"): 12.5}, actor=ACTOR)
    assert changed == 2
    assert scores.model_values(con, 2023)[("score_components", "ket_qua")] == 37.5


def test_changing_a_weight_changes_scores_only_from_its_year(small_db):
    con, _ = small_db
    before = {y: score_row(con, y, "Thôn Đông").score for y in (2021, 2022, 2023, 2024)}
    parts_2023 = parts_of(con, 2023, "Thôn Đông")
    scores.save_model(con, 2023, {("score_components", "ket_qua"): 50, ("score_components", "kip_thoi"): 0},
                      actor=ACTOR)
    after = {y: score_row(con, y, "Thôn Đông").score for y in (2021, 2022, 2023, 2024)}
    assert after[2021] == before[2021] and after[2022] == before[2022]
    # 2023 recomputed by hand from the same fractions: Kết quả 3/7 of 50, Kịp thời weighs 0.
    expected = round(50 * 3 / 7 + 0 + 15 * 2 / 3 + 0 + 0 + 10, 1)
    assert after[2023] == pytest.approx(expected) != before[2023]
    assert parts_of(con, 2023, "Thôn Đông")["kien_toan"].fraction == parts_2023["kien_toan"].fraction
    # Later years follow the new version (Thôn Đông 2024 has no case, so its score is unchanged by these two).
    assert [scores.model_values(con, y)[("score_components", "ket_qua")] for y in (2022, 2023, 2024)] == [40, 50, 50]
    # The old version was closed at 31/12/2022, the new one starts on 01/01/2023.
    versions = con.execute(
        "SELECT weight, valid_from, valid_to FROM score_components WHERE code = 'ket_qua' ORDER BY valid_from"
    ).fetchall()
    assert versions == [(40, D(2014, 1, 1), D(2022, 12, 31)), (50, D(2023, 1, 1), None)]
    # Editing the same year again corrects that version in place.
    scores.save_model(con, 2023, {("score_components", "ket_qua"): 45, ("score_components", "kip_thoi"): 5},
                      actor=ACTOR)
    assert con.execute("SELECT count(*) FROM score_components WHERE code = 'ket_qua'").fetchone()[0] == 2
    assert scores.changed_years(con) == [2023]
    # An earlier year's edit that would break a later year's own version is refused as a whole.
    with pytest.raises(ValidationError) as err:
        scores.save_model(con, 2022, {("score_components", "ket_qua"): 35, ("score_components", "kien_toan"): 20},
                          actor=ACTOR)
    assert "Từ năm 2023 đã có thiết lập riêng" in err.value.messages[0]
    assert score_row(con, 2022, "Thôn Đông").score == before[2022]


def test_model_edit_refuses_a_stale_form(small_db):
    con, _ = small_db
    stamp = scores.model_stamp(con, 2023)
    scores.save_model(con, 2023, {("score_bands", "tot"): 90}, actor=ACTOR, expected_stamp=stamp)
    with pytest.raises(VersionConflict):
        scores.save_model(con, 2023, {("score_bands", "tot"): 80}, actor=ACTOR, expected_stamp=stamp)
    # One save: the old version closed and the new one inserted; the refused one wrote nothing.
    assert con.execute("SELECT count(*) FROM audit_log WHERE table_name = 'score_bands' AND actor = ?",
                       [ACTOR]).fetchone()[0] == 2


# --- candidates ---------------------------------------------------------------------------------------

@pytest.fixture()
def model_team(small_db):
    """Thôn Đông 2024: a third mediator joins, everyone is trained, three cases handled perfectly by a1, a2
    (a4 took part in two). A model team: every rule passed. Its score is 97.5, not 100: the fixture's case of
    01/12/2023 is still open, carries over into 2024 and has no mediator on record (Hồ sơ 3/4 of 10)."""
    con, ids = small_db
    east = team_id(con, "Thôn Đông")
    a4 = save_mediator(con, {"team_id": east, "full_name": "Vũ Văn Tuấn", "gender": "nam", "birth_year": 1980,
                             "joined_on": D(2024, 1, 1)}, actor=ACTOR)
    training = save_training(con, {"held_on": D(2024, 3, 5), "title": "Tập huấn năm 2024"}, actor=ACTOR)
    add_attendance(con, training, [ids["a1"], ids["a2"], a4], actor=ACTOR)
    case_ids = []
    for month, team in ((4, [ids["a1"], ids["a2"], a4]), (5, [ids["a1"], ids["a2"], a4]), (6, [ids["a1"], ids["a2"]])):
        case_ids.append(save_case(con, case(east, D(2024, month, 2), "thanh", D(2024, month, 12),
                                            assigned=D(2024, month, 3), mediators=team, agreement="Đã thống nhất"),
                                  actor=ACTOR))
    return con, {**ids, "a4": a4}, case_ids


def team_candidate(con, year: int, village: str):
    frame = commendation.team_candidates(con, year)
    return frame[frame["village"] == village].iloc[0]


def test_a_team_passing_every_rule_is_a_candidate(model_team):
    con, ids, _ = model_team
    row = team_candidate(con, 2024, "Thôn Đông")
    assert (row.score, row.band) == (97.5, "tot")
    assert all(bool(row[r]) for r in ("rule_band", "rule_rate", "rule_incidents", "rule_trained", "rule_composition"))
    assert bool(row.is_candidate) and not bool(row.near_miss) and row.failed_rules == 0
    people = commendation.mediator_candidates(con, 2024).set_index("mediator_id")
    assert bool(people.loc[ids["a1"], "is_candidate"]) and bool(people.loc[ids["a2"], "is_candidate"])
    # a4: 2 concluded cases (< 3) → fails only rule_cases: a near-miss.
    a4 = people.loc[ids["a4"]]
    assert (a4.concluded, bool(a4.rule_cases), bool(a4.rule_trained), bool(a4.rule_active)) == (2, False, True, True)
    assert bool(a4.near_miss) and not bool(a4.is_candidate)
    assert commendation.candidate_counts(con, 2024) == {"teams": 1, "teams_near": 0, "mediators": 2,
                                                        "mediators_near": 1}


def test_a_team_with_a_security_incident_is_not_a_candidate(model_team):
    con, _, case_ids = model_team
    current = con.execute("SELECT version FROM cases WHERE id = ?", [case_ids[0]]).fetchone()[0]
    from db.cases import get_case
    data = get_case(con, case_ids[0])
    save_case(con, {**data, "security_incident": True}, actor=ACTOR, case_id=case_ids[0], expected_version=current)
    row = team_candidate(con, 2024, "Thôn Đông")
    assert row.score == 92.5 and row.band == "tot"        # An ninh 5 of 10: still Tốt
    assert not bool(row.rule_incidents) and not bool(row.is_candidate)
    assert bool(row.near_miss) and row.failed_rules == 1
    assert commendation.team_rule_texts(row)["rule_incidents"][1] == "1 vụ"


def test_rules_fail_one_by_one(small_db):
    con, _ = small_db
    # Thôn Đông 2023: Yếu, 3/4 = 75%, no incident, 0/2 trained, 2 active → fails band, rate, trained, composition.
    row = team_candidate(con, 2023, "Thôn Đông")
    assert [bool(row[r]) for r in ("rule_band", "rule_rate", "rule_incidents", "rule_trained", "rule_composition")] \
        == [False, False, True, False, False]
    assert row.failed_rules == 4 and not bool(row.near_miss)
    # A rate of 100% on fewer than 3 concluded cases does not pass: Thôn Bắc 2023 has 1/1.
    north = team_candidate(con, 2023, "Thôn Bắc")
    assert (north.concluded, north.official_rate, bool(north.rule_rate)) == (1, 1.0, False)
    # Lowering the minimum of concluded cases for 2023 (a rule is data) makes it pass.
    scores.save_model(con, 2023, {("candidate_rules", "team_concluded_min"): 1}, actor=ACTOR)
    assert bool(team_candidate(con, 2023, "Thôn Bắc").rule_rate)


# --- nominations --------------------------------------------------------------------------------------

def test_nomination_workflow_and_refusals(model_team):
    con, ids, _ = model_team
    east = team_id(con, "Thôn Đông")
    on = D(2024, 11, 25)
    # A candidate needs no reason.
    first = commendation.nominate(con, {"year": 2024, "team_id": east, "award_level": "giay_khen_xa",
                                        "nominated_on": on}, actor=ACTOR)
    saved = commendation.get_nomination(con, first)
    assert (saved["was_candidate"], saved["status"], saved["version"]) == (True, "de_nghi", 1)
    # The same team twice in a year: refused.
    with pytest.raises(ValidationError, match="đã có đề nghị khen thưởng năm 2024"):
        commendation.nominate(con, {"year": 2024, "team_id": east, "award_level": "de_nghi_cap_tren",
                                    "nominated_on": on}, actor=ACTOR)
    # A non-candidate (a4, 2 cases) needs a reason; with one, accepted.
    with pytest.raises(ValidationError) as err:
        commendation.nominate(con, {"year": 2024, "mediator_id": ids["a4"], "award_level": "giay_khen_xa",
                                    "nominated_on": on}, actor=ACTOR)
    assert "chưa đạt đủ tiêu chí" in err.value.messages[0] and "cần ghi lý do" in err.value.messages[0]
    second = commendation.nominate(con, {"year": 2024, "mediator_id": ids["a4"], "award_level": "giay_khen_xa",
                                         "nominated_on": on, "reason": "Tích cực tham gia dù mới vào tổ"},
                                   actor=ACTOR)
    assert commendation.get_nomination(con, second)["was_candidate"] is False
    # Someone who left before the year: refused even with a reason (a3 left on 30/06/2022).
    with pytest.raises(ValidationError, match="đã thôi làm hòa giải viên từ 30/06/2022, trước năm 2024"):
        commendation.nominate(con, {"year": 2024, "mediator_id": ids["a3"], "award_level": "giay_khen_xa",
                                    "nominated_on": on, "reason": "Nhiều năm đóng góp"}, actor=ACTOR)
    # … but for the year they left, allowed (with a reason: not active at 31/12).
    commendation.nominate(con, {"year": 2022, "mediator_id": ids["a3"], "award_level": "giay_khen_xa",
                                "nominated_on": D(2022, 11, 20), "reason": "Nhiều năm đóng góp"}, actor=ACTOR)
    # Bad dates and levels.
    with pytest.raises(ValidationError) as err:
        commendation.nominate(con, {"year": 2024, "mediator_id": ids["a1"], "award_level": "bang_khen",
                                    "nominated_on": D(2023, 12, 1)}, actor=ACTOR)
    assert any("Hình thức khen thưởng" in m for m in err.value.messages)
    assert any("trước năm khen thưởng 2024" in m for m in err.value.messages)

    # Leadership approves once; a second approval is refused.
    commendation.decide(con, first, "da_duyet", D(2024, 12, 10), actor=ACTOR, decision_no="12/QĐ-UBND",
                        expected_version=1)
    saved = commendation.get_nomination(con, first)
    assert (saved["status"], saved["decided_on"], saved["decision_no"], saved["version"]) == \
        ("da_duyet", D(2024, 12, 10), "12/QĐ-UBND", 2)
    with pytest.raises(ValidationError, match="đã được duyệt ngày 10/12/2024"):
        commendation.decide(con, first, "da_duyet", D(2024, 12, 11), actor=ACTOR)
    with pytest.raises(ValidationError, match="không rút được"):
        commendation.withdraw(con, first, actor=ACTOR)
    # Không duyệt needs a reason; a decision before the nomination is refused; a stale form too.
    with pytest.raises(ValidationError, match="cần ghi lý do"):
        commendation.decide(con, second, "khong_duyet", D(2024, 12, 10), actor=ACTOR)
    with pytest.raises(ValidationError, match="trước ngày đề nghị"):
        commendation.decide(con, second, "khong_duyet", D(2024, 11, 1), actor=ACTOR, note="Chưa đủ thành tích")
    with pytest.raises(VersionConflict):
        commendation.decide(con, second, "khong_duyet", D(2024, 12, 10), actor=ACTOR, note="x", expected_version=7)
    commendation.decide(con, second, "khong_duyet", D(2024, 12, 10), actor=ACTOR, note="Chưa đủ thành tích")
    with pytest.raises(ValidationError, match="đã có quyết định không duyệt"):
        commendation.decide(con, second, "da_duyet", D(2024, 12, 11), actor=ACTOR)
    # Every step is in the audit log.
    actions = [r[0] for r in con.execute(
        "SELECT action FROM audit_log WHERE table_name = 'nominations' AND row_id = ? ORDER BY id", [first]).fetchall()]
    assert actions == ["insert", "decide"]


def test_a_pending_nomination_can_be_withdrawn(model_team):
    con, ids, _ = model_team
    nomination = commendation.nominate(con, {"year": 2024, "mediator_id": ids["a1"], "award_level": "giay_khen_xa",
                                             "nominated_on": D(2024, 11, 20)}, actor=ACTOR)
    commendation.withdraw(con, nomination, actor=ACTOR, expected_version=1)
    assert commendation.nominations(con, 2024).empty
    assert con.execute("SELECT action FROM audit_log WHERE table_name = 'nominations' ORDER BY id DESC LIMIT 1"
                       ).fetchone()[0] == "delete"


def test_calendar_shows_what_is_late(model_team):
    con, ids, _ = model_team
    east, north = team_id(con, "Thôn Đông"), team_id(con, "Thôn Bắc")
    commendation.save_self_assessment(con, east, 2024, {"submitted_on": D(2024, 11, 15), "self_score": 95},
                                      actor=ACTOR)
    nomination = commendation.nominate(con, {"year": 2024, "mediator_id": ids["a1"], "award_level": "giay_khen_xa",
                                             "nominated_on": D(2024, 12, 1)}, actor=ACTOR)   # after 30/11
    # On 20/11/2024: Thôn Đông on time (on the deadline day), Thôn Bắc overdue; the decision not yet due.
    items = commendation.calendar(con, 2024, as_of=D(2024, 11, 20))
    state = {(r.step, r.team_id, None if pd.isna(r.nomination_id) else r.nomination_id): r.state
             for r in items.itertuples()}
    assert state[("tu_danh_gia", east, None)] == "dung_han"
    assert state[("tu_danh_gia", north, None)] == "qua_han"
    assert state[("de_nghi", east, nomination)] == "tre_han"
    assert state[("quyet_dinh", east, nomination)] == "chua_den_han"
    # After 15/12 the undecided nomination is overdue; Thôn Bắc's late self-assessment shows its date.
    commendation.save_self_assessment(con, north, 2024, {"submitted_on": D(2024, 11, 18)}, actor=ACTOR)
    summary = commendation.calendar_summary(con, 2024, as_of=D(2024, 12, 20)).set_index("step")
    assert summary.loc["quyet_dinh", "qua_han"] == 1
    assert summary.loc["tu_danh_gia", "late_names"] == "Thôn Bắc (xong 18/11/2024)"
    # A self-assessment in the future is refused; a correction updates the same row.
    with pytest.raises(ValidationError, match="ở tương lai"):
        commendation.save_self_assessment(con, north, 2024, {"submitted_on": D(2099, 1, 1)}, actor=ACTOR)
    # No nomination at all in a past year: one overdue item.
    summary = commendation.calendar_summary(con, 2023).set_index("step")
    assert summary.loc["de_nghi", "late_names"] == "chưa có đề nghị nào"


def test_approved_list_exports_with_achievements(model_team):
    from docx import Document
    from openpyxl import load_workbook

    con, ids, _ = model_team
    east = team_id(con, "Thôn Đông")
    for data in ({"team_id": east}, {"mediator_id": ids["a1"]}, {"mediator_id": ids["a2"]}):
        nomination = commendation.nominate(con, {"year": 2024, "award_level": "giay_khen_xa",
                                                 "nominated_on": D(2024, 11, 25), **data}, actor=ACTOR)
        if "team_id" in data or data["mediator_id"] == ids["a1"]:
            commendation.decide(con, nomination, "da_duyet", D(2024, 12, 10), actor=ACTOR, decision_no="12/QĐ-UBND")
    frame = commendation.approved(con, 2024)
    assert list(frame["name"]) == ["Tổ hòa giải thôn Đông", "Lê Thị Hoa"]      # a2 is not approved yet
    assert frame["achievement"].iloc[0].startswith(
        "Tổ hòa giải thôn Đông: 3/3 vụ việc hòa giải thành, 100% hòa giải viên được tập huấn")
    assert frame["achievement"].iloc[1] == ("Hòa giải viên Lê Thị Hoa (Tổ hòa giải thôn Đông): tham gia hòa giải 3 "
                                            "vụ việc, 3/3 vụ hòa giải thành, dự 1 buổi tập huấn")
    sheet = load_workbook(io.BytesIO(commendation.export_xlsx(con, 2024, "Xã Thử Nghiệm"))).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "Tổ hòa giải thôn Đông" in cells and "Lê Thị Hoa" in cells
    assert any(str(c).startswith("3/3 vụ việc hòa giải thành, 100% hòa giải viên") for c in cells)
    assert "Số 12/QĐ-UBND ngày 10/12/2024" in cells
    doc = Document(io.BytesIO(commendation.export_docx(con, 2024, "Xã Thử Nghiệm, Tỉnh Hải Dương")))
    text = "\n".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    assert "Lê Thị Hoa" in text and "3/3 vụ hòa giải thành" in text and "XÃ THỬ NGHIỆM" in text
    assert any("NĂM 2024" in p.text for p in doc.paragraphs)


# --- the demo against an independent calculation ----------------------------------------------------

def independent_demo(con, year: int) -> dict:
    """DOMAIN.md's model recomputed in Python from the raw tables (default weights), per village name."""
    end, start = D(year, 12, 31), D(year, 1, 1)
    rows = con.execute(
        """
        SELECT c.id, v.name, c.received_on, c.assigned_on, c.concluded_on, c.result, c.agreement,
               c.security_incident,
               (SELECT count(*) FROM case_mediators m WHERE m.case_id = c.id),
               (SELECT count(*) FROM case_parties p WHERE p.case_id = c.id),
               (SELECT count(*) FROM case_parties p WHERE p.case_id = c.id AND (p.age IS NULL OR p.address IS NULL))
        FROM cases c JOIN teams t ON t.id = c.team_id JOIN villages v ON v.id = t.village_id
        WHERE c.deleted_at IS NULL
        """).fetchall()
    out = {name: {"thanh": 0, "concluded": 0, "timely": 0, "register": 0, "complete": 0, "incidents": 0}
           for (name,) in con.execute("SELECT name FROM villages").fetchall()}
    for (_, village, received, assigned, concluded, result, agreement, incident, mediators, parties,
         incomplete) in rows:
        open_before = received < start and (concluded is None or concluded >= start)
        if not (received.year == year or open_before):
            continue
        now = result if concluded is not None and concluded <= end else "dang_hoa_giai"
        o = out[village]
        o["incidents"] += bool(incident)
        if now in ("thanh", "khong_thanh"):
            o["concluded"] += 1
            o["thanh"] += now == "thanh"
            o["timely"] += bool(assigned and (assigned - received).days <= 3 and (concluded - received).days <= 30)
        if now != "ngoai_pham_vi":
            o["register"] += 1
            o["complete"] += bool(mediators and parties and not incomplete
                                  and (now not in ("thanh", "khong_thanh") or (agreement or "").strip()))
    people = con.execute(
        """
        SELECT v.name, m.gender, m.is_leader,
               EXISTS (SELECT 1 FROM training_attendance a JOIN trainings t ON t.id = a.training_id
                       WHERE a.mediator_id = m.id AND year(t.held_on) = ? AND t.status = 'da_to_chuc')
        FROM mediators m JOIN teams t ON t.id = m.team_id JOIN villages v ON v.id = t.village_id
        WHERE coalesce(m.joined_on, DATE '1900-01-01') <= ? AND (m.left_on IS NULL OR m.left_on > ?)
        """, [year, end, end]).fetchall()
    for o in out.values():
        o.update(active=0, women=0, leaders=0, trained=0)
    for village, gender, leader, trained in people:
        o = out[village]
        o["active"] += 1
        o["women"] += gender == "nu"
        o["leaders"] += bool(leader)
        o["trained"] += bool(trained)
    result = {}
    for village, o in out.items():
        fractions = {
            "ket_qua": None if not o["concluded"] else
            min(1, max(0, (o["thanh"] / o["concluded"] - 0.60) / (0.95 - 0.60))),
            "kip_thoi": None if not o["concluded"] else o["timely"] / o["concluded"],
            "kien_toan": ((o["active"] >= 3) + (o["women"] >= 1) + (o["leaders"] >= 1)) / 3,
            "tap_huan": None if not o["active"] else o["trained"] / o["active"],
            "ho_so": None if not o["register"] else o["complete"] / o["register"],
            "an_ninh": 1 if o["incidents"] == 0 else 0.5 if o["incidents"] == 1 else 0,
        }
        applicable = sum(DEFAULT_WEIGHTS[c] for c, f in fractions.items() if f is not None)
        score = round(sum(DEFAULT_WEIGHTS[c] * 100 / applicable * f for c, f in fractions.items() if f is not None), 1)
        band = "tot" if score >= 85 else "kha" if score >= 70 else "trung_binh" if score >= 50 else "yeu"
        # Too little data to grade (issue 14): fewer than 3 concluded cases or more than half the weight not applicable.
        graded = o["concluded"] >= 3 and 100 - applicable <= 50
        band = band if graded else "chua_du_du_lieu"
        rate_ok = o["concluded"] >= 3 and o["thanh"] / o["concluded"] >= 0.9
        composition = o["active"] >= 3 and o["women"] >= 1 and o["leaders"] >= 1   # no ethnic-area village in the demo
        rules = [band == "tot", rate_ok, o["incidents"] == 0, o["active"] > 0 and o["trained"] == o["active"],
                 composition]
        result[village] = {"score": score, "band": band, "candidate": all(rules),
                           "near_miss": graded and rules.count(False) == 1,
                           **o}
    return result


def test_demo_scores_and_candidates_agree_with_an_independent_calculation(demo_db):
    con = demo_db
    assert not con.execute("SELECT bool_or(ethnic_area) FROM villages").fetchone()[0]
    expected = independent_demo(con, 2023)
    frame = scores.team_scores(con, 2023).set_index("village")
    for village, e in expected.items():
        assert frame.loc[village, "score"] == pytest.approx(e["score"], abs=0.051), village
        assert frame.loc[village, "band"] == e["band"], village
    candidates = commendation.team_candidates(con, 2023).set_index("village")
    for village, e in expected.items():
        assert bool(candidates.loc[village, "is_candidate"]) == e["candidate"], village
        assert bool(candidates.loc[village, "near_miss"]) == e["near_miss"], village
    # The demo 2023 as the report states it: An Lạc had a security incident (An ninh 5/10) and is no candidate.
    assert expected["Thôn An Lạc"]["incidents"] == 1
    assert not bool(candidates.loc["Thôn An Lạc", "rule_incidents"])
    # Mediators: ≥ 3 concluded cases with ≥ 90% thành, trained in 2023, active at 31/12/2023.
    independent = {r[0] for r in con.execute(
        """
        WITH work AS (
            SELECT cm.mediator_id, count(*) AS n, count(*) FILTER (WHERE c.result = 'thanh') AS ok
            FROM case_mediators cm JOIN cases c ON c.id = cm.case_id
            WHERE c.deleted_at IS NULL AND c.result IN ('thanh', 'khong_thanh') AND year(c.concluded_on) = 2023
            GROUP BY ALL)
        SELECT m.full_name FROM mediators m JOIN work w ON w.mediator_id = m.id
        WHERE w.n >= 3 AND w.ok >= 0.9 * w.n
          AND coalesce(m.joined_on, DATE '1900-01-01') <= DATE '2023-12-31'
          AND (m.left_on IS NULL OR m.left_on > DATE '2023-12-31')
          AND EXISTS (SELECT 1 FROM training_attendance a JOIN trainings t ON t.id = a.training_id
                      WHERE a.mediator_id = m.id AND year(t.held_on) = 2023 AND t.status = 'da_to_chuc')
        """).fetchall()}
    people = commendation.mediator_candidates(con, 2023)
    assert set(people.loc[people["is_candidate"], "full_name"]) == independent
    assert len(independent) == 7


def test_review_flags_agree_with_the_teams_page(demo_db):
    con = demo_db
    register = teams.team_register(con, 2023).set_index("team_id")
    flags = scores.review_flags(con, 2023).set_index("team_id")
    teams_page = set(register.index[register["needs_review"]])
    assert teams_page <= set(flags.index)
    for extra in set(flags.index) - teams_page:
        assert bool(flags.loc[extra, "low_band"])
    assert len(teams_page) > 0


# --- pages --------------------------------------------------------------------------------------------

def test_quality_page_shows_scores_components_and_detail(app):
    at = open_page(app, "pages/quality.py", nam=2023)
    assert at.title[0].value == "Chất lượng tổ hòa giải"
    con = app_connection()
    counts = scores.band_counts(con, 2023)
    assert metric(at, "Tổ xếp loại Tốt") == str(counts["tot"])
    table = at.dataframe[0].value
    best = scores.team_scores(con, 2023).iloc[0]
    assert table.iloc[0]["village"] == best.village
    assert table.iloc[0]["score"] == f"{best.score:.1f}".replace(".", ",")
    assert table.iloc[0]["ket_qua"].endswith("/40")
    assert metric(at, "Điểm") == f"{best.score:.1f}".replace(".", ",")
    # The detail explains every component, points and the rule.
    detail = next(m.value for m in at.markdown if m.value.startswith("| Thành phần"))
    assert "Kết quả hòa giải" in detail and "**Tổng**" in detail
    assert any("Gợi ý rà soát" in w.value for w in at.warning)


def test_commendation_page_candidates_nominate_and_decide(app):
    at = open_page(app, "pages/commendation.py", nam=2023)
    assert at.title[0].value == "Khen thưởng"
    assert metric(at, "Cá nhân đủ tiêu chí") == "7"
    assert metric(at, "Tập thể đủ tiêu chí") == "0"
    assert any("Trễ hạn" in m.value for m in at.markdown)
    # Nominate a non-candidate team without a reason: refused on the page, nothing saved.
    con = app_connection()
    at.radio(key="nominate_subject").set_value("team").run()
    at.selectbox(key="nominate_0_who").set_value(team_id(con, "Thôn Phú Yên"))
    at.text_input(key="nominate_0_day").input("25/11/2023")  # a past year: no default date, the officer types it
    submit(at, "Lập đề nghị")
    assert any("cần ghi lý do" in e.value for e in at.error)
    assert len(commendation.nominations(con, 2023)) == 8
    # With a reason: saved, flashed, listed.
    at.text_area(key="nominate_0_reason").input("Tổ tiến bộ nhiều trong năm")
    submit(at, "Lập đề nghị")
    assert not at.exception and any("Đã lập đề nghị" in s.value for s in at.success)
    listed = commendation.nominations(con, 2023)
    new = listed[listed["name"] == "Tổ hòa giải thôn Phú Yên"].iloc[0]
    assert (new.status, bool(new.was_candidate), new.reason) == ("de_nghi", False, "Tổ tiến bộ nhiều trong năm")
    # Leadership approves it on the page; approving twice is impossible (it leaves the pending list).
    at.selectbox(key="decide_open").set_value(int(new.id)).run()
    at.text_input(key=f"{edit_key(at, f'decide_{int(new.id)}')}_day").input("10/12/2023")
    submit(at, "Lưu quyết định")
    assert any("Đã lưu quyết định «Đã duyệt»" in s.value for s in at.success)
    assert commendation.get_nomination(con, int(new.id))["status"] == "da_duyet"
    assert not any("Phú Yên" in o for o in at.selectbox(key="decide_open").options)


def submit(at, label: str) -> None:
    next(b for b in at.button if b.label == label).click()
    at.run()


def test_settings_page_changes_a_weight_and_the_scores_follow(app):
    at = open_page(app, "pages/score_settings.py", nam=2023)
    con = app_connection()
    before = {y: scores.team_scores(con, y).set_index("village")["score"] for y in (2022, 2023)}
    fractions = scores.components(con, 2023).pivot(index="team_id", columns="component", values="fraction")
    # Kết quả 40 → 50 and Kịp thời 10 → 0: a sum of 100.
    form = edit_key(at, "model_2023")
    at.number_input(key=f"{form}_score_components_ket_qua").set_value(50.0)
    at.number_input(key=f"{form}_score_components_kip_thoi").set_value(0.0)
    submit(at, "Lưu, áp dụng từ năm 2023")
    assert not at.exception and any("Đã lưu 2 thay đổi, áp dụng từ năm 2023" in s.value for s in at.success)
    after = {y: scores.team_scores(con, y).set_index("village")["score"] for y in (2022, 2023)}
    assert after[2022].equals(before[2022])
    names = scores.team_scores(con, 2023).set_index("team_id")["village"]
    weights = {**DEFAULT_WEIGHTS, "ket_qua": 50, "kip_thoi": 0}
    for tid, row in fractions.iterrows():                  # every component applies to every demo team in 2023
        expected = round(sum(weights[c] * row[c] for c in COMPONENTS), 1)
        assert after[2023][names[tid]] == pytest.approx(expected), names[tid]
    assert not after[2023].equals(before[2023])
    # The quality page shows the new score and the new weight in the column title.
    at.switch_page("pages/quality.py").run()
    best = scores.team_scores(con, 2023).iloc[0]
    assert metric(at, "Điểm") == f"{best.score:.1f}".replace(".", ",")
    # A sum other than 100 is refused on the page.
    at.switch_page("pages/score_settings.py").run()
    form = edit_key(at, "model_2023")
    at.number_input(key=f"{form}_score_components_ho_so").set_value(20.0)
    submit(at, "Lưu, áp dụng từ năm 2023")
    assert any("Tổng trọng số các thành phần phải bằng 100 điểm" in e.value for e in at.error)


@pytest.mark.parametrize("page", ["pages/quality.py", "pages/commendation.py", "pages/score_settings.py"])
def test_pages_are_read_only_in_presentation_mode(app, page):
    at = open_page(app, page, nam=2023, trinh_chieu=1)
    assert not [b for b in at.button if b.label.startswith(("Lập đề nghị", "Lưu"))]
    assert not at.number_input and not at.text_area
