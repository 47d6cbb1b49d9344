"""Too little data to grade (issue 14, item 3): below the year's minimum of evidence — fewer than
xep_loai_min_concluded (3) concluded cases, or more than xep_loai_max_not_applicable (½) of the model's weight
«không áp dụng» — a team is «Chưa đủ dữ liệu để xếp loại»: its score is indicative, it has no grade and no
rank, is no commendation candidate nor near-miss, is counted apart, and is never flagged Yếu by its score.

Every figure is computed by hand on a purpose-built commune (below), read through db/ and through the pages."""
from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from conftest import ACTOR, add_accounts, app_connection, edit_key, metric, new_app, open_page, small_case, team_id
from db import create_database, scores
from db.scores import commendation
from db.cases import save_case
from db.tools.seed import load_commune
from db.core.writes import ValidationError

YEAR = 2023
PEOPLE = {"gender": "nam", "birth_year": 1970, "joined_on": "2020-01-01"}


def person(key: str, name: str, **extra) -> dict:
    return {"key": key, "full_name": name, **PEOPLE, **extra}


# Thôn Một: 3 members (a woman, the leader), all trained; 3 cases thành, assigned the next day, closed in 14 days,
#   each with a mediator and an agreement → every component full: 100, Tốt.
# Thôn Hai: 2 members (a woman, the leader), both trained, no case → Kết quả, Kịp thời, Hồ sơ không áp dụng (60 of
#   100); Kiện toàn 2/3, Tập huấn 1, An ninh 1 share 100: 37,5 × 2/3 + 37,5 + 25 = 87,5 — «Tốt» before the minimum.
# Thôn Ba: as Thôn Một with only 2 cases → 100, but 2 concluded cases.
# Thôn Bốn: 1 member (a man, not the leader), untrained; 1 case không thành with no mediator, no assignment date
#   → only An ninh earns: 10 points — «Yếu» before the minimum.
# Thôn Năm: no member; 3 cases thành assigned in time, no mediator on record → Tập huấn không áp dụng (15 of 100);
#   Kết quả 40 + Kịp thời 10 + Kiện toàn 0 + Hồ sơ 0 + An ninh 10 = 60 of 85 → 70,6, Khá.
COMMUNE = {
    "commune": {"name": "Xã Thử Xếp Loại", "district": None, "province": "Tỉnh Hải Dương"},
    "villages": [
        {"key": "mot", "name": "Thôn Một", "ethnic_area": False, "team": {"name": "Tổ hòa giải thôn Một"},
         "mediators": [person("m1", "Lê Thị Mai", gender="nu", is_leader=True), person("m2", "Trần Văn Minh"),
                       person("m3", "Phạm Văn Mạnh")]},
        {"key": "hai", "name": "Thôn Hai", "ethnic_area": False, "team": {"name": "Tổ hòa giải thôn Hai"},
         "mediators": [person("h1", "Nguyễn Thị Hà", gender="nu", is_leader=True), person("h2", "Đỗ Văn Hùng")]},
        {"key": "ba", "name": "Thôn Ba", "ethnic_area": False, "team": {"name": "Tổ hòa giải thôn Ba"},
         "mediators": [person("b1", "Vũ Thị Bích", gender="nu", is_leader=True), person("b2", "Hoàng Văn Bảo"),
                       person("b3", "Bùi Văn Bình")]},
        {"key": "bon", "name": "Thôn Bốn", "ethnic_area": False, "team": {"name": "Tổ hòa giải thôn Bốn"},
         "mediators": [person("f1", "Đặng Văn Phúc")]},
        {"key": "nam", "name": "Thôn Năm", "ethnic_area": False, "team": {"name": "Tổ hòa giải thôn Năm"},
         "mediators": []},
    ],
    "trainings": [{"held_on": "2023-04-10", "title": "Tập huấn kỹ năng hòa giải",
                   "attendees": ["m1", "m2", "m3", "h1", "h2", "b1", "b2", "b3"]}],
}


def good_case(village: str, month: int, name: str, mediator: str | None) -> dict:
    return small_case(village, f"2023-{month:02d}-01", "thanh", f"2023-{month:02d}-15", name,
                      assigned_on=f"2023-{month:02d}-02", agreement="Hai bên thống nhất mở lối đi chung",
                      mediators=[mediator] if mediator else [])


CASES = [
    good_case("mot", 3, "Ngô Văn An", "m1"), good_case("mot", 4, "Lý Văn Bằng", "m2"),
    good_case("mot", 5, "Mai Thị Cúc", "m3"),
    good_case("ba", 3, "Chu Văn Dũng", "b1"), good_case("ba", 4, "Hà Thị Duyên", "b2"),
    small_case("bon", "2023-06-01", "khong_thanh", "2023-06-30", "Tạ Văn Giáp"),
    good_case("nam", 3, "Kiều Văn Hải", None), good_case("nam", 4, "Lâm Thị Huệ", None),
    good_case("nam", 5, "Quách Văn Khải", None),
]


@pytest.fixture()
def graded_db(tmp_path):
    con = create_database(tmp_path / "grading.duckdb", demo=False)
    load_commune(con, COMMUNE, CASES)
    yield con
    con.close()


def rows(con) -> pd.DataFrame:
    return scores.team_scores(con, YEAR).set_index("village")


def ranks(con) -> list[tuple]:
    """(village, score, band, rank or None) in the order of the list."""
    frame = scores.team_scores(con, YEAR)
    return [(v, s, b, None if pd.isna(r) else int(r))
            for v, s, b, r in zip(frame["village"], frame["score"], frame["band"], frame["rank"])]


def candidates(con) -> pd.DataFrame:
    return commendation.team_candidates(con, YEAR).set_index("village")


# --- the rule --------------------------------------------------------------------------------------------

def test_the_default_minimum_is_a_dated_setting(graded_db):
    params = scores.score_params(graded_db, YEAR)
    assert (params["xep_loai_min_concluded"], params["xep_loai_max_not_applicable"]) == (3, 0.5)
    assert "Xếp loại: số vụ việc kết thúc tối thiểu" in scores.setting_label("score_params", "xep_loai_min_concluded")


def test_scores_grades_and_ranks_by_hand(graded_db):
    con = graded_db
    # Graded first, best first; then the teams with too little data, by their indicative score, without rank.
    assert ranks(con) == [("Thôn Một", 100, "tot", 1), ("Thôn Năm", 70.6, "kha", 2),
                          ("Thôn Ba", 100, "chua_du_du_lieu", None), ("Thôn Hai", 87.5, "chua_du_du_lieu", None),
                          ("Thôn Bốn", 10, "chua_du_du_lieu", None)]
    frame = rows(con)
    assert frame.loc["Thôn Năm", "not_applicable_share"] == pytest.approx(0.15)
    assert frame.loc["Thôn Hai", "not_applicable_share"] == pytest.approx(0.60)
    assert [bool(frame.loc[v, "graded"]) for v in ("Thôn Một", "Thôn Năm", "Thôn Ba", "Thôn Hai", "Thôn Bốn")] \
        == [True, True, False, False, False]


def test_a_team_with_no_concluded_case_is_not_graded(graded_db):
    con = graded_db
    hai = rows(con).loc["Thôn Hai"]
    # The example: 87,5 from composition, training and security alone — formerly «Tốt».
    assert hai.score == 87.5 and hai.concluded == 0
    assert hai.band == "chua_du_du_lieu" and pd.isna(hai["rank"]) and pd.isna(hai.change)
    assert bool(hai.too_few_cases) and bool(hai.too_little_weight)
    assert scores.grading_text(hai) == ("Chưa đủ dữ liệu để xếp loại: chưa có vụ việc kết thúc trong năm (cần ít nhất "
                                        "3); 60% trọng số «không áp dụng» (tối đa 50%)")
    # Not counted as Tốt: three teams apart, one Tốt (Thôn Một), one Khá (Thôn Năm).
    assert scores.band_counts(con, YEAR) == {"tot": 1, "kha": 1, "trung_binh": 0, "yeu": 0, "chua_du_du_lieu": 3}
    # Never a candidate, never a near-miss; the rule «Xếp loại Tốt» says why.
    row = candidates(con).loc["Thôn Hai"]
    assert not bool(row.is_candidate) and not bool(row.near_miss) and not bool(row.rule_band)
    assert commendation.team_rule_texts(row)["rule_band"][1] == "chưa đủ dữ liệu"


def test_two_concluded_cases_are_below_the_minimum_three_are_enough(graded_db):
    con = graded_db
    ba = rows(con).loc["Thôn Ba"]
    assert (ba.score, ba.concluded, ba.band) == (100, 2, "chua_du_du_lieu")
    assert bool(ba.too_few_cases) and not bool(ba.too_little_weight)
    assert scores.grading_reason(ba) == "2 vụ việc kết thúc trong năm (cần ít nhất 3)"
    # Perfect on every rule but the band; even with the candidate minimum lowered to 2 cases it is no candidate
    # and no near-miss: a team not graded is not «almost» a candidate.
    scores.save_model(con, YEAR, {("candidate_rules", "team_concluded_min"): 2}, actor=ACTOR)
    row = candidates(con).loc["Thôn Ba"]
    assert [bool(row[r]) for r in ("rule_band", "rule_rate", "rule_incidents", "rule_trained", "rule_composition")] \
        == [False, True, True, True, True]
    assert not bool(row.is_candidate) and not bool(row.near_miss)
    assert commendation.candidate_counts(con, YEAR)["teams_near"] == 0
    # A third concluded case: graded, Tốt, tied first with Thôn Một, a candidate.
    third = {k: v for k, v in good_case("ba", 6, "Phan Văn Lộc", None).items() if k not in ("village_key", "mediators")}
    b3 = con.execute("SELECT id FROM mediators WHERE full_name = 'Bùi Văn Bình'").fetchone()[0]
    save_case(con, {**third, "team_id": team_id(con, "Thôn Ba"), "mediator_ids": [b3]}, actor=ACTOR)
    assert ranks(con)[:3] == [("Thôn Ba", 100, "tot", 1), ("Thôn Một", 100, "tot", 1), ("Thôn Năm", 70.6, "kha", 3)]
    assert bool(candidates(con).loc["Thôn Ba", "is_candidate"])
    assert scores.band_counts(con, YEAR) == {"tot": 2, "kha": 1, "trung_binh": 0, "yeu": 0, "chua_du_du_lieu": 2}


def test_more_than_half_of_the_weight_not_applicable(graded_db):
    con = graded_db
    # Thôn Năm has 3 concluded cases but no member: only Tập huấn (15) does not apply → graded, Khá.
    assert rows(con).loc["Thôn Năm", "band"] == "kha"
    # Tập huấn weighing 55 of 100: more than half of the weight does not apply → not graded, whatever its cases.
    scores.save_model(con, YEAR, {("score_components", "ket_qua"): 10, ("score_components", "kip_thoi"): 5,
                                  ("score_components", "tap_huan"): 55, ("score_components", "ho_so"): 5},
                      actor=ACTOR)
    nam = rows(con).loc["Thôn Năm"]
    # Kết quả 10 + Kịp thời 5 + An ninh 10 earned of 45 applicable → 25 × 100 / 45 = 55,6 (indicative).
    assert (nam.score, nam.band, nam.not_applicable_share) == (55.6, "chua_du_du_lieu", pytest.approx(0.55))
    assert not bool(nam.too_few_cases) and bool(nam.too_little_weight)
    assert scores.grading_reason(nam) == "55% trọng số «không áp dụng» (tối đa 50%)"
    assert pd.isna(nam["rank"])


def test_exactly_half_not_applicable_is_still_graded(graded_db):
    con = graded_db
    # No minimum of cases: Thôn Hai (60 % not applicable) stays ungraded, Thôn Bốn (1 case, nothing missing) is
    # graded Yếu; Thôn Ba graded.
    scores.save_model(con, YEAR, {("score_params", "xep_loai_min_concluded"): 0}, actor=ACTOR)
    assert ranks(con)[-1] == ("Thôn Hai", 87.5, "chua_du_du_lieu", None)
    assert rows(con).loc["Thôn Bốn", "band"] == "yeu"
    # At 60 % allowed, 60 % is not more than the maximum: Thôn Hai is graded Tốt (87,5), third after the two 100s.
    scores.save_model(con, YEAR, {("score_params", "xep_loai_max_not_applicable"): 0.6}, actor=ACTOR)
    assert ranks(con)[:4] == [("Thôn Ba", 100, "tot", 1), ("Thôn Một", 100, "tot", 1),
                              ("Thôn Hai", 87.5, "tot", 3), ("Thôn Năm", 70.6, "kha", 4)]


def test_changing_the_settings_moves_a_team_between_graded_and_not(graded_db):
    con = graded_db
    scores.save_model(con, YEAR, {("score_params", "xep_loai_min_concluded"): 2}, actor=ACTOR)
    assert rows(con).loc["Thôn Ba", "band"] == "tot" and rows(con).loc["Thôn Ba", "rank"] == 1
    assert scores.band_counts(con, YEAR)["chua_du_du_lieu"] == 2
    scores.save_model(con, YEAR, {("score_params", "xep_loai_min_concluded"): 4}, actor=ACTOR)
    # 4 required: now Thôn Một (3 cases) and Thôn Năm (3) are not graded either; nobody has a rank.
    assert set(rows(con)["band"]) == {"chua_du_du_lieu"}
    assert rows(con)["rank"].isna().all()
    assert commendation.candidate_counts(con, YEAR)["teams"] == 0
    assert scores.band_counts(con, YEAR) == {"tot": 0, "kha": 0, "trung_binh": 0, "yeu": 0, "chua_du_du_lieu": 5}


@pytest.mark.parametrize("changes, message", [
    ({("score_params", "xep_loai_min_concluded"): 2.5}, "số nguyên không âm"),
    ({("score_params", "xep_loai_min_concluded"): -1}, "số nguyên không âm"),
    ({("score_params", "xep_loai_max_not_applicable"): 1.5}, "từ 0% đến 100%"),
])
def test_the_minimum_is_validated_like_every_setting(graded_db, changes, message):
    con = graded_db
    with pytest.raises(ValidationError) as refused:
        scores.save_model(con, YEAR, changes, actor=ACTOR)
    assert any(message in m and "Xếp loại" in m for m in refused.value.messages)
    assert scores.score_params(con, YEAR)["xep_loai_min_concluded"] == 3


def test_a_team_with_too_little_data_is_never_flagged_weak_by_its_score(graded_db):
    con = graded_db
    flags = scores.review_flags(con, YEAR).set_index("village")
    # Thôn Bốn scores 10 (Yếu by the bands) on one case: flagged for its composition and its idle member, not
    # for its score.
    bon = flags.loc["Thôn Bốn"]
    assert bon.score == 10 and bon.band == "chua_du_du_lieu"
    assert not bool(bon.low_band) and bool(bon.needs_review) and not bool(bon.composition_ok)
    assert not flags["low_band"].any()
    # Graded (no minimum of cases), the same 10 points are Yếu and flagged as such.
    scores.save_model(con, YEAR, {("score_params", "xep_loai_min_concluded"): 1}, actor=ACTOR)
    assert bool(scores.review_flags(con, YEAR).set_index("village").loc["Thôn Bốn", "low_band"])


# --- the pages ---------------------------------------------------------------------------------------------

@pytest.fixture()
def graded_app(tmp_path, monkeypatch):
    path = tmp_path / "hoagiai.duckdb"
    con = create_database(path, demo=False)
    load_commune(con, COMMUNE, CASES)
    add_accounts(con)
    village_ids = dict(con.execute("SELECT name, id FROM villages").fetchall())
    con.close()
    monkeypatch.setenv("HOAGIAI_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield village_ids
    st.cache_resource.clear()


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
                     + [w.value for w in at.warning] + [s.value for s in at.subheader])


def test_quality_page_shows_the_teams_that_cannot_be_graded_apart(graded_app):
    at = open_page(new_app(), "pages/quality.py", nam=YEAR)
    assert metric(at, "Tổ xếp loại Tốt") == "1" and metric(at, "Tổ xếp loại Khá") == "1"
    assert metric(at, "Tổ chưa đủ dữ liệu") == "3"
    assert any(s.value == "Chưa đủ dữ liệu để xếp loại (3 tổ)" for s in at.subheader)
    graded, ungraded = at.dataframe[0].value, at.dataframe[1].value
    assert list(graded["village"]) == ["Thôn Một", "Thôn Năm"] and list(graded["rank"]) == [1, 2]
    assert list(ungraded["village"]) == ["Thôn Ba", "Thôn Hai", "Thôn Bốn"]
    assert list(ungraded["score"]) == ["100,0", "87,5", "10,0"]
    assert ungraded.iloc[0]["reason"] == "2 vụ việc kết thúc trong năm (cần ít nhất 3)"
    # The review flags name Thôn Bốn's composition, never a band Yếu.
    flags = next(w.value for w in at.warning if "Gợi ý rà soát" in w.value)
    assert "Thôn Bốn" in flags and "xếp loại Yếu" not in flags
    # One team's detail: no band, no rank, the reason.
    at.selectbox(key="quality_team").set_value(team_id(app_connection(), "Thôn Hai")).run()
    assert not at.exception
    assert metric(at, "Xếp loại") == "Chưa đủ dữ liệu" and metric(at, "Hạng trong xã") == "—"
    assert metric(at, "Điểm tham khảo") == "87,5"
    assert any(i.value.startswith("Chưa đủ dữ liệu để xếp loại: chưa có vụ việc kết thúc trong năm (cần ít nhất 3)")
               for i in at.info)
    # A graded team's rank is out of the graded teams.
    at.selectbox(key="quality_team").set_value(team_id(app_connection(), "Thôn Năm")).run()
    assert metric(at, "Hạng trong xã") == "2/2"


def test_commendation_page_lists_them_apart_and_never_as_candidates(graded_app):
    at = open_page(new_app(), "pages/commendation.py", nam=YEAR)
    assert metric(at, "Tập thể đủ tiêu chí") == "1"
    shown = texts(at)
    assert "**Chưa đủ dữ liệu để xếp loại (3)**" in shown
    frames = [d.value for d in at.dataframe if "reason" in d.value.columns]
    assert len(frames) == 1 and list(frames[0]["village"]) == ["Thôn Ba", "Thôn Hai", "Thôn Bốn"]
    assert frames[0].iloc[0]["rule_band"] == "Chưa đạt: chưa đủ dữ liệu"


def test_overview_counts_them_apart_and_tells_the_village_why(graded_app):
    at = open_page(new_app(), "pages/overview.py", nam=YEAR)
    line = next(m.value for m in at.markdown if m.value.startswith("Chất lượng tổ hòa giải:"))
    assert "[**Tốt**]: 1 tổ" in line and "[**Yếu**]: 0 tổ" in line
    assert "[**Chưa đủ dữ liệu để xếp loại**]: 3 tổ" in line
    at = open_page(new_app(), "pages/overview.py", nam=YEAR, thon=graded_app["Thôn Hai"])
    story = texts(at)
    assert ("Chất lượng tổ: **chưa đủ dữ liệu để xếp loại** — chưa có vụ việc kết thúc trong năm (cần ít nhất 3); "
            "60% trọng số «không áp dụng» (tối đa 50%); điểm tham khảo 87,5.") in story
    assert "xếp loại **Tốt**" not in story


@pytest.mark.parametrize("page", ["pages/quality.py", "pages/commendation.py", "pages/overview.py"])
def test_pages_run_in_presentation_mode_with_ungraded_teams(graded_app, page):
    at = open_page(new_app(), page, nam=YEAR, trinh_chieu=1)
    assert not at.exception


def test_settings_page_edits_the_minimum(graded_app):
    at = open_page(new_app(), "pages/score_settings.py", nam=YEAR)
    assert any("Dữ liệu tối thiểu để xếp loại" in m.value for m in at.markdown)
    field = at.number_input(key=f"{edit_key(at, f'model_{YEAR}')}_score_params_xep_loai_min_concluded")
    assert field.label.startswith("Xếp loại: số vụ việc kết thúc tối thiểu") and field.value == 3
    field.set_value(2)
    next(b for b in at.button if b.label == f"Lưu, áp dụng từ năm {YEAR}").click().run()
    assert not at.exception and any("Đã lưu 1 thay đổi" in s.value for s in at.success)
    assert scores.score_params(app_connection(), YEAR)["xep_loai_min_concluded"] == 2
    assert scores.team_scores(app_connection(), YEAR).set_index("village").loc["Thôn Ba", "band"] == "tot"
