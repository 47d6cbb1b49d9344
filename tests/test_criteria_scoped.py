"""The criteria figures read for one year and place (issue 15) are the whole-file figures of that year and place.

db/criteria/criteria.sql computes every figure as a table macro of the year and the place — criteria_scope_of(y, commune,
province), criteria_indicator_year_of, evidence_coverage_of, criteria_measure_of, criteria_scoped_of, criteria_result_of,
criteria_criterion_year_of, criteria_standard_year_of and db/plan/targets.sql's target_year_of;
criteria_framework_year_of(y) of the year only — and each view is its macro for every year and place (NULLs). Here, on the demo
commune, on the demo with a second commune (tests/test_many_communes.py: its own evidence, plan, budget and payments)
and points entered by hand, and on a generated district (db/tools/synth.py) with documents and points added — built
once per module —, for every report year, a year before and a year after (both empty), for the whole file; and for a
year judged in points and one judged against levels, for a commune, a village and a province:

- each macro equals its view computed for the whole file first (a temporary table) and then filtered to the year and
  place; a view filtered to a year equals the whole-file view filtered (what other files' views read: target_year,
  case_register_check);
- the readers of db/criteria (results, summary, matrix, figures, standard, frameworks_for_year, the support list of
  rows_behind) and db/criteria/evidence.py (requirements), which call the macros, equal the same figures read as they
  were read before (the SQL and the Python of the readers before issue 15, over the frozen whole-file views).

Rows are compared as multisets, every column exact (EXCEPT ALL both ways); frames exactly.
"""
from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

import db
from conftest import ACTOR, a_pdf
from db import criteria, funding
from db.core.labels import CRITERIA_STATUS
from db.core.scope import Place
from db.criteria import evidence
from db.tools import synth
from test_many_communes import add_second_commune

# Each view, and the arguments of its macro: the year, and the place (commune, province) where it takes one.
PLACED = ("criteria_scope", "criteria_indicator_year", "evidence_coverage", "criteria_measure", "criteria_result",
          "criteria_criterion_year", "criteria_standard_year", "target_year")
YEARLY = ("criteria_framework_year",)
VIEWS = (*PLACED, *YEARLY, "report_years", "case_register_check", "criteria_evidence_required")


def add_points_and_documents(con, year: int) -> None:
    """Points entered by hand (Chỉ tiêu 3.3 and Tiêu chí 1) and documents (a village's register, a deleted one, a
    commune's report) for the first and the last commune of the file, in a year judged in points."""
    communes = [c for (c,) in con.execute("SELECT id FROM communes ORDER BY id").fetchall()]
    for n, commune in enumerate({communes[0], communes[-1]}):
        criteria.save_manual_points(con, year, 3, {"points": 1 + n / 2}, indicator_code="3.3", actor=ACTOR,
                                    commune_id=commune)
        criteria.save_manual_points(con, year, 1, {"points": 7 + n}, actor=ACTOR, commune_id=commune)
        village = con.execute("SELECT min(id) FROM villages WHERE commune_id = ?", [commune]).fetchone()[0]
        evidence.add_document(con, {"year": year, "kind": "so_theo_doi", "village_id": village},
                              a_pdf(f"Sổ theo dõi {commune}"), "so.pdf", actor=ACTOR)
        gone = evidence.add_document(con, {"year": year, "kind": "du_toan", "commune_id": commune},
                                     a_pdf(f"Dự toán {commune}"), "du-toan.pdf", actor=ACTOR)
        evidence.delete_document(con, gone, actor=ACTOR, expected_version=1)
        evidence.add_document(con, {"year": year, "kind": "bao_cao_ubnd_xa", "commune_id": commune},
                              a_pdf(f"Báo cáo {commune}"), "bao-cao.pdf", actor=ACTOR)


@pytest.fixture(scope="module", params=["demo", "communes", "district"])
def whole(request, tmp_path_factory, demo_file):
    """A connection to a file built once for the module, with every view computed for the whole file into whole_<view>."""
    path = tmp_path_factory.mktemp("criteria_scoped") / f"{request.param}.duckdb"
    if request.param == "district":
        synth.generate(path, "district", 2023)
    else:
        shutil.copy(demo_file, path)
    if request.param != "demo":
        con = db.connect(path)
        if request.param == "communes":
            add_second_commune(con)
        add_points_and_documents(con, 2022)
        con.close()
    con = duckdb.connect(str(path))
    for view in VIEWS:
        con.execute(f"CREATE TEMP TABLE whole_{view} AS SELECT * FROM {view}")
    yield con
    con.close()


# The years every place is asked for besides the whole file: one judged in points (QĐ 25/2021, with the documents and
# points added) and one against levels (QĐ 27/2025).
PLACE_YEARS = (2022, 2025)


def years(con) -> list[int]:
    """The report years, a year before them and the year after (both empty)."""
    found = [y for (y,) in con.execute("SELECT year FROM report_years ORDER BY year").fetchall()]
    return [found[0] - 1, *found, found[-1] + 1]


def places(con) -> list[tuple[int | None, str | None]]:
    """(commune, province) of the places asked: the whole file, the first and the last commune, the last's province."""
    first, last, province = con.execute(
        "SELECT min(id), max(id), arg_max(province, id) FROM communes").fetchone()
    return [(None, None), (first, None), (last, None), (None, province)]


def asked(con) -> list[tuple[int, int | None, str | None]]:
    """(year, commune, province): every year for the whole file, PLACE_YEARS for every place."""
    return [(y, None, None) for y in years(con)] + [(y, c, p) for y in PLACE_YEARS for c, p in places(con)[1:]]


def same_columns(con, left: str, right: str, params: dict) -> None:
    a = con.execute(f"DESCRIBE {left}", params).fetchall()
    b = con.execute(f"DESCRIBE {right}", params).fetchall()
    assert [(r[0], r[1]) for r in a] == [(r[0], r[1]) for r in b], f"columns differ: {left} / {right}"


def differences(con, left: str, right: str, params: dict) -> tuple[int, int]:
    """Rows of left not in right and of right not in left (as multisets); each side computed once."""
    return con.execute(
        f"""
        WITH l AS MATERIALIZED ({left}), r AS MATERIALIZED ({right})
        SELECT (SELECT count(*) FROM (FROM l EXCEPT ALL FROM r)), (SELECT count(*) FROM (FROM r EXCEPT ALL FROM l))
        """, params).fetchone()


def test_the_files_have_what_the_figures_read(whole):
    """Documents, points entered by hand, several communes, years judged in points and in levels: the comparisons below
    reach every branch (the demo alone has no hand-entered points and one commune)."""
    counts = whole.execute(
        """
        SELECT (SELECT count(*) FROM whole_criteria_result WHERE formula = 'manual' AND value IS NOT NULL),
               (SELECT count(*) FROM whole_evidence_coverage WHERE present),
               (SELECT count(DISTINCT commune_id) FROM whole_criteria_result),
               (SELECT count(DISTINCT status) FROM whole_criteria_result),
               (SELECT count(*) FROM whole_criteria_standard_year)
        """).fetchone()
    manual, present, communes, statuses, standards = counts
    assert present > 0 and statuses >= 4 and standards > 0
    if communes > 1:
        assert manual > 0


def test_a_difference_is_seen(whole):
    """The comparison itself: one changed figure in one row of one year is found."""
    year = 2023
    left = ("SELECT * REPLACE (CASE WHEN row_number() OVER (ORDER BY indicator_id, village_id) = 1 THEN num + 1 "
            "ELSE num END AS num) FROM criteria_result_of($y, NULL, NULL)")
    assert differences(whole, left, "SELECT * FROM whole_criteria_result WHERE year = $y", {"y": year}) == (1, 1)
    assert differences(whole, "SELECT * FROM criteria_result_of($y, NULL, NULL) WHERE village_id IS NOT NULL",
                       "SELECT * FROM whole_criteria_result WHERE year = $y", {"y": year})[0] == 0  # a lost row too


@pytest.mark.parametrize("view", PLACED)
def test_a_macro_of_the_year_and_place_is_its_view_for_them(whole, view):
    same_columns(whole, f"SELECT * FROM {view}_of(2023, NULL, NULL)", f"SELECT * FROM whole_{view}", {})
    counted = 0
    for year, commune, province in asked(whole):
        params = {"y": year, "c": commune, "p": province}
        assert differences(whole, f"SELECT * FROM {view}_of($y, $c, $p)",
                           f"SELECT * FROM whole_{view} WHERE year = $y AND in_commune(commune_id, $c, $p)",
                           params) == (0, 0), (view, year, commune, province)
        if commune is None and province is None:
            counted += whole.execute(f"SELECT count(*) FROM {view}_of($y, NULL, NULL)", {"y": year}).fetchone()[0]
    assert counted == whole.execute(f"SELECT count(*) FROM whole_{view}").fetchone()[0] > 0


@pytest.mark.parametrize("view", YEARLY)
def test_a_macro_of_the_year_is_its_view_for_that_year(whole, view):
    same_columns(whole, f"SELECT * FROM {view}_of(2023)", f"SELECT * FROM whole_{view}", {})
    counted = 0
    for year in years(whole):
        assert differences(whole, f"SELECT * FROM {view}_of($y)", f"SELECT * FROM whole_{view} WHERE year = $y",
                           {"y": year}) == (0, 0), (view, year)
        counted += whole.execute(f"SELECT count(*) FROM {view}_of($y)", {"y": year}).fetchone()[0]
    assert counted == whole.execute(f"SELECT count(*) FROM whole_{view}").fetchone()[0] > 0


@pytest.mark.parametrize("view", ("target_year", "case_register_check", "criteria_result", "evidence_coverage"))
def test_a_view_read_for_one_year_is_the_whole_file_view_for_that_year(whole, view):
    for year in years(whole):
        assert differences(whole, f"SELECT * FROM {view} WHERE year = $y",
                           f"SELECT * FROM whole_{view} WHERE year = $y", {"y": year}) == (0, 0), (view, year)


# --- the readers, as they read the whole-file views before issue 15 ---------------------------------------------------

def scope(con, where) -> dict:
    from db import places as place_reads
    return place_reads.scope(con, None, where)


def results_before(con, year: int, where) -> pd.DataFrame:
    """db.criteria.results before: the view filtered, then each row worded (budgets read one commune at a time)."""
    p = scope(con, where)
    frame = con.execute(
        """
        SELECT r.*, c.name AS commune FROM whole_criteria_result r JOIN communes c ON c.id = r.commune_id
        WHERE r.year = $year AND r.village_id IS NOT DISTINCT FROM $village
          AND in_commune(r.commune_id, $commune, $province)
        ORDER BY c.name COLLATE vi, r.commune_id, r.framework_sort, r.sort_order, r.code
        """, {"year": year, **p}).df()
    if frame.empty:
        return frame.assign(value_text=[], target_text=[], points_text=[], reason=[], evidence_have=[],
                            evidence_lack=[])
    for column in ("evidence_required", "evidence_missing"):
        frame[column] = [list(v) for v in frame[column]]
    communes = [int(c) for c in frame["commune_id"].unique()]
    rows = con.execute(
        """
        SELECT c.id, k.code, k.label, coalesce(ec.docs, 0), coalesce(ec.missing_villages, [])
        FROM communes c CROSS JOIN evidence_kinds k
        LEFT JOIN whole_evidence_coverage ec ON ec.commune_id = c.id AND ec.kind = k.code AND ec.year = $year
                                            AND ec.village_id IS NOT DISTINCT FROM $village
        WHERE list_contains($communes::INTEGER[], c.id)
        """, {"year": year, "village": p["village"], "communes": communes}).fetchall()
    needs: dict = {c: {} for c in communes}
    for commune, kind, label, docs, missing in rows:
        needs[commune][kind] = {"kind": kind, "label": label, "docs": docs, "missing_villages": missing}
    budgets = {c: funding.budget(con, year, c) for c in communes}
    frame["value_text"] = [criteria.value_text(r) for r in frame.itertuples()]
    frame["target_text"] = [criteria.target_text(r) for r in frame.itertuples()]
    frame["points_text"] = [criteria.points_text(r) for r in frame.itertuples()]
    frame["reason"] = [criteria.reason(r, year, budgets[r.commune_id], needs[r.commune_id]) for r in frame.itertuples()]
    frame["evidence_have"] = [[needs[r.commune_id][k]["label"] for k in r.evidence_required
                               if k not in r.evidence_missing] for r in frame.itertuples()]
    frame["evidence_lack"] = [[criteria._lack(needs[r.commune_id][k]) for k in r.evidence_missing]
                              for r in frame.itertuples()]
    return frame


def summary_before(con, year: int, where) -> dict:
    rel = con.execute(
        """
        SELECT framework_code, any_value(framework_short_name) AS short_name, any_value(family) AS family,
               any_value(framework_sort) AS sort, any_value(assessment) AS assessment, count(*) AS indicators,
               count(DISTINCT commune_id) AS communes,
               CASE WHEN count(DISTINCT commune_id) = 1 THEN sum(points) END AS points,
               CASE WHEN count(DISTINCT commune_id) = 1
                    THEN sum(max_points) FILTER (WHERE computed_points IS NOT NULL) END AS max_points,
               CASE WHEN count(DISTINCT commune_id) = 1 THEN sum(computed_points) END AS computed_points,
               bool_or(needs_verification AND points_rule NOT IN ('none', 'level')) AS points_need_verification,
               count(*) FILTER (WHERE status = 'dat') AS dat,
               count(*) FILTER (WHERE status = 'chua_dat') AS chua_dat,
               count(*) FILTER (WHERE status = 'thieu_ho_so') AS thieu_ho_so,
               count(*) FILTER (WHERE status = 'khong_ap_dung') AS khong_ap_dung
        FROM whole_criteria_result
        WHERE year = $year AND village_id IS NOT DISTINCT FROM $village AND formula <> 'manual'
          AND in_commune(commune_id, $commune, $province)
        GROUP BY framework_code ORDER BY sort
        """, {"year": year, **scope(con, where)})
    cols = [d[0] for d in rel.description]
    frames = [dict(zip(cols, r)) for r in rel.fetchall()]
    return {"frameworks": frames, **{k: sum(f[k] for f in frames)
                                     for k in ("dat", "chua_dat", "thieu_ho_so", "khong_ap_dung", "indicators")}}


def matrix_before(con, year: int, where, villages: bool = True) -> dict:
    """db.criteria.matrix before, cell by cell (villages False: the same rows without the villages')."""
    from db import places as place_reads
    p = {k: v for k, v in scope(con, where).items() if k != "village"}
    frame = con.execute(
        """
        SELECT r.village_id, r.commune_id, c.name AS commune, r.code, r.framework_short_name, r.wording,
               r.framework_sort, r.sort_order, r.status, r.kind, r.num, r.den, r.value, r.better, r.target
        FROM whole_criteria_result r JOIN communes c ON c.id = r.commune_id LEFT JOIN villages v ON v.id = r.village_id
        WHERE r.year = $year AND r.scope = 'thon' AND in_commune(r.commune_id, $commune, $province)
          AND ($villages OR r.village_id IS NULL)
        ORDER BY c.name COLLATE vi, r.commune_id, r.village_id IS NULL, v.name COLLATE vi, r.village_id,
                 r.framework_sort, r.sort_order
        """, {"year": year, "villages": villages, **p}).df()
    if frame.empty:
        return {"cells": pd.DataFrame(), "statuses": pd.DataFrame(), "indicators": pd.DataFrame(),
                "rows": pd.DataFrame(columns=["village_id", "commune_id", "label"])}
    several = frame["commune_id"].nunique() > 1
    labels = place_reads.village_labels(con, year, p["commune"], with_commune=several)
    frame["row"] = [f"v{int(v)}" if not pd.isna(v) else f"c{int(c)}"
                    for v, c in zip(frame["village_id"], frame["commune_id"])]
    frame["label"] = [labels.get(int(v), str(v)) if not pd.isna(v)
                      else (f"Toàn xã ({name})" if several else "Toàn xã")
                      for v, name in zip(frame["village_id"], frame["commune"])]
    frame["column"] = frame["code"] + " · " + frame["framework_short_name"]
    frame["cell"] = [f"{CRITERIA_STATUS[r.status]} · {criteria._short_value(r)}" for r in frame.itertuples()]
    order = list(dict.fromkeys(frame["column"]))
    rows = frame.drop_duplicates("row")[["row", "village_id", "commune_id", "label"]]
    keys = list(rows["row"])

    def grid(values: str) -> pd.DataFrame:
        table = frame.pivot(index="row", columns="column", values=values).reindex(index=keys, columns=order)
        table.index = pd.Index(list(rows["label"]), name="village")
        table.columns.name = "column"
        return table

    indicators = frame.drop_duplicates("column")[["column", "code", "framework_short_name", "wording"]]
    rows = rows.drop(columns="row").reset_index(drop=True)
    rows["village_id"] = [None if pd.isna(v) else int(v) for v in rows["village_id"]]
    return {"cells": grid("cell"), "statuses": grid("status"), "indicators": indicators, "rows": rows}


def standard_before(con, year: int, where) -> dict | None:
    from db import places as place_reads
    commune = place_reads.commune_scope(con, where)
    if commune is None:
        return None
    rel = con.execute("SELECT * FROM whole_criteria_standard_year WHERE year = ? AND commune_id = ?", [year, commune])
    row = rel.fetchone()
    if row is None:
        return None
    total = dict(zip([d[0] for d in rel.description], row))
    rel = con.execute("SELECT * FROM whole_criteria_criterion_year WHERE year = ? AND commune_id = ? "
                      "ORDER BY criterion_no", [year, commune])
    cols = [d[0] for d in rel.description]
    found = [{k: (None if criteria._missing(v) else v) for k, v in zip(cols, r)} for r in rel.fetchall()]
    return {**{k: (None if criteria._missing(v) else v) for k, v in total.items()}, "criteria": found}


def requirements_before(con, year: int, where) -> pd.DataFrame:
    from db import places as place_reads
    p = scope(con, where)
    several = p["commune"] is None and place_reads.commune_count(con) > 1
    return con.execute(
        """
        WITH needed AS (
            SELECT k.code AS kind, list(DISTINCT r.code ORDER BY r.code) AS required_by
            FROM whole_criteria_result r, unnest(r.evidence_required) AS k(code)
            WHERE r.year = $year AND r.village_id IS NOT DISTINCT FROM $village
              AND in_commune(r.commune_id, $commune, $province)
            GROUP BY k.code
        ), covered AS (
            SELECT ec.kind, sum(ec.docs)::BIGINT AS docs, bool_and(ec.present) AS present,
                   flatten(list(CASE WHEN $several
                                     THEN list_transform(ec.missing_villages, lambda n: n || ' (' || c.name || ')')
                                     ELSE ec.missing_villages END ORDER BY c.name COLLATE vi, c.id)) AS missing_villages
            FROM whole_evidence_coverage ec JOIN communes c ON c.id = ec.commune_id
            WHERE ec.year = $year AND ec.village_id IS NOT DISTINCT FROM $village
              AND in_commune(ec.commune_id, $commune, $province)
            GROUP BY ec.kind
        )
        SELECT k.code AS kind, k.label, k.per_village, k.note, coalesce(ec.docs, 0) AS docs,
               coalesce(ec.present, FALSE) AS present, coalesce(ec.missing_villages, []) AS missing_villages,
               coalesce(n.required_by, []) AS required_by
        FROM evidence_kinds k
        LEFT JOIN covered ec ON ec.kind = k.code
        LEFT JOIN needed n ON n.kind = k.code
        ORDER BY k.sort_order
        """, {"year": year, **p, "several": several}).df()


def support_rows_before(con, year: int, where) -> pd.DataFrame:
    """rows_behind('support_at_rate') before: the funding view filtered."""
    from db import places as place_reads
    frame = con.execute(
        """
        SELECT f.village_id, v.name AS village, f.support_due, f.support_paid, f.support_pending, f.above_rate
        FROM funding_team_year f JOIN villages v ON v.id = f.village_id
        WHERE f.year = $year AND ($village IS NULL OR f.village_id = $village)
          AND in_commune(f.commune_id, $commune, $province)
        ORDER BY f.support_paid >= f.support_due AND f.above_rate = 0, v.name COLLATE vi, f.village_id
        """, {"year": year, **place_reads.scope(con, where)}).df()
    frame = place_reads.with_village_labels(con, frame)
    ok = (frame["support_paid"] >= frame["support_due"]) & (frame["above_rate"] == 0)
    return pd.DataFrame({
        "Thôn": frame["village"], "Hỗ trợ phải chi": frame["support_due"].map(funding.money_text),
        "Đã chi": frame["support_paid"].map(funding.money_text),
        "Đang chờ chi": frame["support_pending"].map(funding.money_text),
        "Chi vượt mức": frame["above_rate"].map(funding.money_text), "Đúng mức": ok.map({True: "Đúng mức", False: "Chưa"}),
    })


def reader_places(con) -> list:
    """The whole file, a village, a commune, a province — and in a file of several communes, a village and the commune
    of the last commune (its own plan, budget, documents)."""
    village, commune, province = con.execute(
        "SELECT v.id, v.commune_id, c.province FROM villages v JOIN communes c ON c.id = v.commune_id "
        "ORDER BY v.id LIMIT 1").fetchone()
    last_village, last = con.execute("SELECT max(id), arg_max(commune_id, id) FROM villages").fetchone()
    found = [Place(), Place(village_id=village), Place(commune_id=commune), Place(province=province)]
    if last != commune:
        found += [Place(village_id=last_village), Place(commune_id=last)]
    return found


def reader_asked(con) -> list[tuple[int, Place]]:
    """(year, place): every year for the whole file, PLACE_YEARS for every place."""
    return [(y, Place()) for y in years(con)] + [(y, w) for y in PLACE_YEARS for w in reader_places(con)[1:]]


def frames_equal(now: pd.DataFrame, before: pd.DataFrame, what) -> None:
    assert list(now.columns) == list(before.columns), what
    pd.testing.assert_frame_equal(now.reset_index(drop=True), before.reset_index(drop=True), check_exact=True,
                                  obj=str(what))


def grids_equal(now: dict, before: dict, what) -> None:
    assert set(now) == set(before)
    for key in before:
        pd.testing.assert_frame_equal(now[key], before[key], check_exact=True, obj=f"{what} {key}")


def test_the_readers_show_what_they_showed_from_the_whole_file_views(whole):
    con = whole
    for year in years(con):
        rel = con.execute("SELECT * FROM whole_criteria_framework_year WHERE year = ? ORDER BY framework_sort", [year])
        assert criteria.frameworks_for_year(con, year) == [dict(zip([d[0] for d in rel.description], row))
                                                           for row in rel.fetchall()]
    for year, where in reader_asked(con):
        what = (year, where)
        frames_equal(criteria.results(con, year, where), results_before(con, year, where), what)
        assert criteria.summary(con, year, where) == summary_before(con, year, where), what
        grids_equal(criteria.matrix(con, year, where), matrix_before(con, year, where), what)
        assert criteria.standard(con, year, where) == standard_before(con, year, where), what
        frames_equal(evidence.requirements(con, year, where), requirements_before(con, year, where), what)
        frames_equal(criteria.rows_behind(con, "support_at_rate", year, where), support_rows_before(con, year, where),
                     what)


def test_the_pages_figures_are_the_readers_figures(whole):
    """figures(): the page's summary, results and matrix from one computation of the year's rows — the same as each
    reader alone; with several communes in scope and none chosen, no results and the communes' rows of the matrix."""
    from db import places as place_reads
    con = whole
    for year, where in reader_asked(con):
        what = (year, where)
        one = place_reads.commune_scope(con, where) is not None  # a commune, a village, a province of one commune
        shown = criteria.figures(con, year, where)
        assert shown["summary"] == summary_before(con, year, where), what
        grids_equal(shown["matrix"], matrix_before(con, year, where, villages=one), what)
        if one:
            frames_equal(shown["results"], results_before(con, year, where), what)
        else:
            assert shown["results"] is None
        assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = "
                               "'year_results'").fetchone()[0]  # the rows went with their cursor
