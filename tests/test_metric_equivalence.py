"""The scoped metrics (issue 15, item 1) give every figure the whole-file views give, year by year.

db/cases/case_year.sql, db/cases/results.sql, db/teams/teams.sql and db/scores/scores.sql are read for one year at a time: the views
let a reader's `WHERE year = ?` reach the tables, and the score and what reads it are table macros of the year
(team_score_of(y), …) computing only that year and the year before. Here, on the demo commune and on a generated
district (db/tools/synth.py), for every report year and the years around them:

- each view filtered to the year equals the same view computed for the whole file first (a temporary table) and then
  filtered — so a filter that reaches the tables drops nothing a year needs (carried-over cases, members, thresholds);
- each macro X_of(y) equals its view X for the whole file filtered to y — the previous year's score and the change
  included;
- the readers of db/scores/__init__.py, db/scores/commendation.py and db/teams/__init__.py (which call the macros) equal the same figures read
  the way they were read before, from the whole-file views.

Rows are compared as multisets, every column exact (EXCEPT ALL both ways); frames exactly, after a total order.
"""
from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from db import scores, teams
from db.scores import commendation
from db.tools import synth
from db.core.scope import Place

# Every view of the four files, and the macro of the year where there is one.
VIEWS = ("case_year", "village_results", "mediator_year", "team_year", "score_setting_year", "score_model_year",
         "score_case_year", "team_score_inputs", "team_score_component", "team_score", "team_candidate",
         "mediator_candidate", "team_review_flags")
MACROS = ("team_score_component", "team_score", "team_candidate", "team_review_flags", "mediator_candidate")


@pytest.fixture(scope="module", params=["demo", "district"])
def whole(request, tmp_path_factory, demo_file):
    """A connection to a copy of the file, with every view computed for the whole file into whole_<view>."""
    path = tmp_path_factory.mktemp("equivalence") / f"{request.param}.duckdb"
    if request.param == "demo":
        shutil.copy(demo_file, path)
    else:
        synth.generate(path, "district", 2023)
    con = duckdb.connect(str(path))
    for view in VIEWS:
        con.execute(f"CREATE TEMP TABLE whole_{view} AS SELECT * FROM {view}")
    yield con
    con.close()


def years(con) -> list[int]:
    """The report years, a year before them and the year after (both empty)."""
    found = [y for (y,) in con.execute("SELECT year FROM report_years ORDER BY year").fetchall()]
    return [found[0] - 1, *found, found[-1] + 1]


def differences(con, left: str, right: str, params: dict) -> tuple[int, int]:
    """Rows of left not in right and of right not in left (as multisets), after checking the columns match."""
    a = con.execute(f"DESCRIBE {left}", params).fetchall()
    b = con.execute(f"DESCRIBE {right}", params).fetchall()
    assert [(r[0], r[1]) for r in a] == [(r[0], r[1]) for r in b], f"columns differ: {left} / {right}"
    extra = con.execute(f"SELECT count(*) FROM ({left} EXCEPT ALL {right})", params).fetchone()[0]
    missing = con.execute(f"SELECT count(*) FROM ({right} EXCEPT ALL {left})", params).fetchone()[0]
    return extra, missing


def test_a_difference_is_seen(whole):
    """The comparison itself: one changed figure in one row of one year is found."""
    year = years(whole)[-2]
    left = "SELECT * REPLACE (CASE WHEN row_number() OVER (ORDER BY team_id) = 1 THEN score + 0.1 ELSE score END " \
           "AS score) FROM team_score_of($y)"
    assert differences(whole, left, "SELECT * FROM whole_team_score WHERE year = $y", {"y": year}) == (1, 1)


@pytest.mark.parametrize("view", VIEWS)
def test_a_view_read_for_one_year_is_the_whole_file_view_for_that_year(whole, view):
    for year in years(whole):
        assert differences(whole, f"SELECT * FROM {view} WHERE year = $y",
                           f"SELECT * FROM whole_{view} WHERE year = $y", {"y": year}) == (0, 0), (view, year)


@pytest.mark.parametrize("view", MACROS)
def test_a_macro_of_the_year_is_its_view_for_that_year(whole, view):
    counted = 0
    for year in years(whole):
        assert differences(whole, f"SELECT * FROM {view}_of($y)",
                           f"SELECT * FROM whole_{view} WHERE year = $y", {"y": year}) == (0, 0), (view, year)
        counted += whole.execute(f"SELECT count(*) FROM {view}_of($y)", {"y": year}).fetchone()[0]
    assert counted == whole.execute(f"SELECT count(*) FROM whole_{view}").fetchone()[0] > 0


def test_the_score_compares_with_the_year_before(whole):
    """The year before is read: some team of the file has a previous score and a change (the comparison above would
    also catch a macro that forgot it, if the file had none)."""
    assert whole.execute("SELECT count(*) FROM whole_team_score WHERE change IS NOT NULL").fetchone()[0] > 0


# The readers as they read the whole-file views before issue 15 (db/scores/__init__.py, db/scores/commendation.py, db/teams/__init__.py), over
# the frozen whole-file results.
BEFORE = {
    "team_scores": """
        SELECT t.name AS team, v.name AS village, s.score, s.band, s.rank, s.previous_score, s.previous_graded,
               s.change, s.applicable_weight, s.not_applicable, s.not_applicable_weight, s.not_applicable_share,
               s.graded, s.too_few_cases, s.too_little_weight, s.grading_min_concluded, s.grading_max_not_applicable,
               i.* EXCLUDE (grading_min_concluded, grading_max_not_applicable)
        FROM whole_team_score s
        JOIN whole_team_score_inputs i ON i.team_id = s.team_id AND i.year = s.year
        JOIN teams t ON t.id = s.team_id
        JOIN villages v ON v.id = s.village_id
        WHERE s.year = $year AND in_place(s.village_id, $village, $commune, $province)""",
    "components": """
        SELECT c.* FROM whole_team_score_component c
        WHERE c.year = $year AND in_place(c.village_id, $village, $commune, $province)""",
    "review_flags": """
        SELECT v.name AS village, t.name AS team, f.*,
               (SELECT string_agg(m.full_name, ', ' ORDER BY m.full_name COLLATE vi)
                FROM whole_mediator_year my JOIN mediators m ON m.id = my.mediator_id
                WHERE my.team_id = f.team_id AND my.year = f.year AND my.active AND my.idle) AS idle_names
        FROM whole_team_review_flags f JOIN teams t ON t.id = f.team_id JOIN villages v ON v.id = f.village_id
        WHERE f.year = $year AND in_place(f.village_id, $village, $commune, $province) AND f.needs_review""",
    "team_candidates": """
        SELECT t.name AS team, v.name AS village, c.*
        FROM whole_team_candidate c JOIN teams t ON t.id = c.team_id JOIN villages v ON v.id = c.village_id
        WHERE c.year = $year AND in_place(c.village_id, $village, $commune, $province)""",
    "mediator_candidates": """
        SELECT m.full_name, m.gender, m.left_on, t.name AS team, v.name AS village, c.*
        FROM whole_mediator_candidate c
        JOIN mediators m ON m.id = c.mediator_id JOIN teams t ON t.id = c.team_id JOIN villages v ON v.id = c.village_id
        WHERE c.year = $year AND in_place(c.village_id, $village, $commune, $province)""",
    "team_register": """
        WITH people AS (
            SELECT my.team_id,
                   string_agg(m.full_name, ', ' ORDER BY m.full_name COLLATE vi)
                       FILTER (WHERE my.active AND m.is_leader) AS leader,
                   string_agg(m.full_name, ', ' ORDER BY m.full_name COLLATE vi)
                       FILTER (WHERE my.active AND my.idle) AS idle_names
            FROM whole_mediator_year my JOIN mediators m ON m.id = my.mediator_id
            WHERE my.year = $year
            GROUP BY my.team_id
        )
        SELECT t.id AS team_id, t.name AS team, v.id AS village_id, v.name AS village,
               t.decision_no, t.decision_date, t.version,
               ty.active, ty.women, ty.ethnic, ty.leaders, ty.trained, ty.idle, ty.ethnic_required,
               ty.rule_members, ty.rule_woman, ty.rule_leader, ty.rule_ethnic, ty.composition_ok,
               ty.trained_share, ty.min_members, ty.min_women, ty.min_ethnic,
               p.leader, p.idle_names,
               NOT ty.composition_ok OR ty.idle > 0 AS needs_review,
               r.status AS review_status
        FROM teams t
        JOIN villages v ON v.id = t.village_id
        JOIN whole_team_year ty ON ty.team_id = t.id AND ty.year = $year
        LEFT JOIN people p ON p.team_id = t.id
        LEFT JOIN team_reviews r ON r.team_id = t.id AND r.year = $year
        WHERE in_place(v.id, $village, $commune, $province)""",
}
READERS = {"team_scores": scores.team_scores, "components": scores.components, "review_flags": scores.review_flags,
           "team_candidates": commendation.team_candidates, "mediator_candidates": commendation.mediator_candidates,
           "team_register": teams.team_register}


def places(con) -> list:
    """The whole file, a village, a commune."""
    village, commune = con.execute("SELECT min(id), min(commune_id) FROM villages").fetchone()
    return [None, village, Place(commune_id=commune)]


def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame in a total order (a reader's ORDER BY may leave ties, e.g. two villages of the same name)."""
    return frame.sort_values(list(frame.columns), na_position="first", kind="mergesort").reset_index(drop=True)


def params(year: int, place) -> dict:
    from db.core.scope import place_params
    return {"year": year, **place_params(place)}


@pytest.mark.parametrize("reader", list(READERS))
def test_a_reader_shows_what_the_whole_file_views_showed(whole, reader):
    for year in years(whole):
        for place in places(whole):
            now = READERS[reader](whole, year, place)
            before = whole.execute(BEFORE[reader], params(year, place)).df()
            assert list(now.columns) == list(before.columns), (reader, year, place)
            pd.testing.assert_frame_equal(in_order(now), in_order(before), check_exact=True,
                                          obj=f"{reader} {year} {place}")


def test_the_counts_read_for_a_year_are_those_of_the_whole_file(whole):
    for year in years(whole):
        for place in places(whole):
            p = params(year, place)
            bands = dict(whole.execute(
                "SELECT band, count(*) FROM whole_team_score WHERE year = $year "
                "AND in_place(village_id, $village, $commune, $province) AND band IS NOT NULL GROUP BY band",
                p).fetchall())
            assert scores.band_counts(whole, year, place) == {
                band: bands.get(band, 0) for band in (*scores.SCORE_BANDS, scores.UNGRADED)}
            expected = {}
            for view, prefix in (("whole_team_candidate", "teams"), ("whole_mediator_candidate", "mediators")):
                found, near = whole.execute(
                    f"SELECT count(*) FILTER (WHERE is_candidate), count(*) FILTER (WHERE near_miss) FROM {view} "
                    "WHERE year = $year AND in_place(village_id, $village, $commune, $province)", p).fetchone()
                expected[prefix], expected[f"{prefix}_near"] = int(found or 0), int(near or 0)
            assert commendation.candidate_counts(whole, year, place) == expected
            summary = whole.execute(
                "SELECT count(*), count(*) FILTER (WHERE composition_ok), coalesce(sum(trained), 0), "
                "coalesce(sum(active), 0), ratio(sum(trained), sum(active)) FROM whole_team_year "
                "WHERE year = $year AND in_place(village_id, $village, $commune, $province)", p).fetchone()
            assert teams.composition_summary(whole, year, place) == dict(
                zip(("teams", "teams_ok", "trained", "active", "trained_share"), summary))


def test_a_teams_assessment_and_candidate_row_are_those_of_the_whole_file(whole):
    for year in years(whole):
        assessed = commendation.self_assessments(whole, year).set_index("team_id").sort_index()
        before = whole.execute(
            "SELECT t.id AS team_id, s.score, coalesce(s.graded, FALSE) AS graded FROM teams t "
            "LEFT JOIN whole_team_score s ON s.team_id = t.id AND s.year = $y ORDER BY t.id", {"y": year}
        ).df().set_index("team_id")
        pd.testing.assert_frame_equal(assessed[["score", "graded"]], before, check_exact=True, check_index_type=False,
                                      obj=f"{year}")
        team = whole.execute("SELECT min(team_id) FROM whole_team_candidate WHERE year = $y", {"y": year}).fetchone()[0]
        if team is not None:
            rel = whole.execute("SELECT * FROM whole_team_candidate WHERE year = $y AND team_id = $t",
                                {"y": year, "t": team})
            row = dict(zip([d[0] for d in rel.description], rel.fetchone()))
            assert commendation._candidate_row(whole.cursor(), year, team, None) == row
