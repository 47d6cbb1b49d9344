"""The scoped funding figures (issue 15) are the whole-file figures, year by year and place by place.

db/funding/funding.sql computes each figure as a table macro of the year and the place — fee_case_of,
payment_case_check_of, payment_check_of, funding_team_year_of, funding_outstanding_of (y, village, commune, province),
funding_year_of (y, commune, province) — and each view is its macro for every year and place. Here, on the demo commune
and on a generated district (several communes, db/tools/synth.py), for every report year and the years around them:

- each macro of a year and a place equals its view computed for the whole file first (a temporary table), then
  filtered to that year and place — so scoping drops nothing a year needs (a case concluded in the year but paid in the
  next, a support period, the rates in force then);
- the parts computed differently from before give what the former SQL gave: a case's payment (the first not
  cancelled, once a window over every case of the file), the support due (once per team and month), the outstanding
  items (once a union over the views);
- the readers of db/funding/__init__.py (which call the macros) equal the same figures read as they were read before,
  from the whole-file views;
- the Kinh phí page of the district sends a screen, not the file: one page of each list, the chart's best and worst
  villages, no select box of every team of the file.

Rows are compared as multisets, every column exact (EXCEPT ALL both ways); frames exactly, after a total order.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import db
from conftest import ACTOR, ROOT, add_accounts, app_connection, page_bytes
from db import cases, funding
from db.core.scope import Place
from db.tools import synth

VIEWS = ("fee_case", "payment_case_check", "payment_check", "funding_team_year", "funding_year", "funding_outstanding")
# The macros of a year and a place whose rows carry year and village_id.
TEAM_MACROS = ("fee_case", "payment_check", "funding_team_year", "funding_outstanding")


def cancel_refile_and_move(path) -> None:
    """Through the write path, what neither file holds: a fee request cancelled and some of its cases filed again (a
    case with a cancelled payment and a later one, another left in a cancelled one only), and a paid case moved to
    another team (its payment no longer its team's: «khác tổ»)."""
    con = db.connect(path)
    try:
        team, ids, day = con.execute(
            "SELECT team_id, list(case_id ORDER BY case_id), max(concluded_on) FROM fee_case "
            "WHERE fee_status = 'chua_de_nghi' GROUP BY team_id ORDER BY count(*) DESC, team_id LIMIT 1").fetchone()
        assert len(ids) > 1
        first = funding.file_fee_request(con, team, ids, day, actor=ACTOR)
        funding.cancel_payment(con, first, day, "Lập nhầm", actor=ACTOR)
        funding.file_fee_request(con, team, ids[:1], day, actor=ACTOR)
        case, other = con.execute(
            "SELECT f.case_id, (SELECT min(t.id) FROM teams t WHERE t.id <> f.team_id) FROM fee_case f "
            "WHERE f.fee_status = 'da_chi' ORDER BY f.concluded_on DESC, f.case_id LIMIT 1").fetchone()
        data = cases.get_case(con, case)
        cases.save_case(con, {**data, "team_id": other, "mediator_ids": []}, actor=ACTOR, case_id=case,
                        expected_version=data["version"])
    finally:
        con.close()


@pytest.fixture(scope="module")
def district_file(tmp_path_factory):
    """A generated district (15 communes, 493 teams), once for the module; tests use copies."""
    path = tmp_path_factory.mktemp("funding_district") / "district.duckdb"
    synth.generate(path, "district", 2023)
    return path


@pytest.fixture(scope="module", params=["demo", "district"])
def whole(request, tmp_path_factory, demo_file):
    """A connection to a copy of the file with a request cancelled and a case moved (cancel_refile_and_move), every
    funding view computed for the whole file into whole_<view>."""
    path = tmp_path_factory.mktemp("funding_scoped") / f"{request.param}.duckdb"
    shutil.copy(demo_file if request.param == "demo" else request.getfixturevalue("district_file"), path)
    cancel_refile_and_move(path)
    con = duckdb.connect(str(path))
    for view in VIEWS:
        con.execute(f"CREATE TEMP TABLE whole_{view} AS SELECT * FROM {view}")
    yield con
    con.close()


def years(con) -> list[int]:
    """The report years, a year before them and the year after (both empty)."""
    found = [y for (y,) in con.execute("SELECT year FROM report_years ORDER BY year").fetchall()]
    return [found[0] - 1, *found, found[-1] + 1]


def places(con) -> list[Place]:
    """The whole file, a village, a commune (the one with most payments), the province."""
    village, commune = con.execute(
        "SELECT any_value(t.village_id), v.commune_id FROM payments p JOIN teams t ON t.id = p.team_id "
        "JOIN villages v ON v.id = t.village_id GROUP BY v.commune_id ORDER BY count(*) DESC, v.commune_id LIMIT 1"
    ).fetchone()
    province = con.execute("SELECT province FROM communes WHERE id = ?", [commune]).fetchone()[0]
    return [Place(), Place(village_id=village), Place(commune_id=commune), Place(province=province)]


def scopes(con) -> list[tuple[int, Place]]:
    """Every year of years() for the whole file; the last two report years for each place too."""
    every = years(con)
    return [(year, Place()) for year in every] + [(year, place) for year in every[-3:-1] for place in places(con)[1:]]


def params(year, place: Place) -> dict:
    return {"y": year, "v": place.village_id, "c": place.commune_id, "p": place.province}


def differences(con, left: str, right: str, values: dict) -> tuple[int, int]:
    """Rows of left not in right and of right not in left (as multisets), after checking the columns match."""
    left, right = f"SELECT * FROM ({left})", f"SELECT * FROM ({right})"  # each whole, whatever its UNIONs
    a = con.execute(f"DESCRIBE {left}", values).fetchall()
    b = con.execute(f"DESCRIBE {right}", values).fetchall()
    assert [(r[0], r[1]) for r in a] == [(r[0], r[1]) for r in b], f"columns differ: {left} / {right}"
    extra = con.execute(f"SELECT count(*) FROM ({left} EXCEPT ALL {right})", values).fetchone()[0]
    missing = con.execute(f"SELECT count(*) FROM ({right} EXCEPT ALL {left})", values).fetchone()[0]
    return extra, missing


def test_a_difference_is_seen(whole):
    """The comparison itself: one changed amount in one row of one year is found."""
    year = years(whole)[-2]
    left = ("SELECT * REPLACE (CASE WHEN row_number() OVER (ORDER BY team_id) = 1 THEN owed + 1 ELSE owed END AS owed) "
            "FROM funding_team_year_of($y, $v, $c, $p)")
    right = "SELECT * FROM whole_funding_team_year WHERE year = $y AND in_place(village_id, $v, $c, $p)"
    assert differences(whole, left, right, params(year, Place())) == (1, 1)


def test_the_files_have_what_the_checks_look_at(whole):
    """Fees paid, pending and not requested, support, findings: the comparisons below are not of empty tables."""
    statuses = {s for (s,) in whole.execute("SELECT DISTINCT fee_status FROM whole_fee_case").fetchall()}
    assert {"chua_de_nghi", "da_chi"} <= statuses
    items = {i for (i,) in whole.execute("SELECT DISTINCT item FROM whole_funding_outstanding").fetchall()}
    assert {"thu_lao_chua_de_nghi", "cho_chi", "ho_tro_chua_de_nghi"} <= items
    assert whole.execute("SELECT count(*) FROM whole_payment_check WHERE kind = 'ho_tro'").fetchone()[0] > 0
    assert whole.execute("SELECT count(*) FROM whole_payment_check WHERE status = 'huy'").fetchone()[0] > 0
    assert whole.execute("SELECT count(*) FROM whole_payment_case_check WHERE problem = 'khac_to'").fetchone()[0] > 0
    # A case concluded in one year and requested in the next: its fee status is read from a payment of another year.
    assert whole.execute(
        "SELECT count(*) FROM whole_fee_case f JOIN payments p ON p.id = f.payment_id WHERE p.year <> f.year"
    ).fetchone()[0] > 0


@pytest.mark.parametrize("macro", TEAM_MACROS)
def test_a_macro_of_a_year_and_place_is_its_view_there(whole, macro):
    counted = 0
    for year, place in scopes(whole):
        assert differences(
            whole, f"SELECT * FROM {macro}_of($y, $v, $c, $p)",
            f"SELECT * FROM whole_{macro} WHERE year = $y AND in_place(village_id, $v, $c, $p)",
            params(year, place)) == (0, 0), (macro, year, place)
        if place.is_all:
            counted += whole.execute(f"SELECT count(*) FROM {macro}_of($y, NULL, NULL, NULL)",
                                     {"y": year}).fetchone()[0]
    assert counted == whole.execute(f"SELECT count(*) FROM whole_{macro}").fetchone()[0] > 0


def test_the_cases_of_the_payments_of_a_year_and_place(whole):
    counted = 0
    for year, place in scopes(whole):
        assert differences(
            whole, "SELECT * FROM payment_case_check_of($y, $v, $c, $p)",
            "SELECT * FROM whole_payment_case_check WHERE payment_id IN "
            "(SELECT id FROM whole_payment_check WHERE year = $y AND in_place(village_id, $v, $c, $p))",
            params(year, place)) == (0, 0), (year, place)
        if place.is_all:
            counted += whole.execute("SELECT count(*) FROM payment_case_check_of($y, NULL, NULL, NULL)",
                                     {"y": year}).fetchone()[0]
    assert counted == whole.execute("SELECT count(*) FROM whole_payment_case_check").fetchone()[0] > 0


def test_a_communes_budget_line_of_a_year(whole):
    counted = 0
    for year, place in scopes(whole):
        if place.village_id is not None:
            continue  # a budget line is a commune's
        values = {"y": year, "c": place.commune_id, "p": place.province}
        assert differences(
            whole, "SELECT * FROM funding_year_of($y, $c, $p)",
            "SELECT * FROM whole_funding_year WHERE year = $y AND in_commune(commune_id, $c, $p)",
            values) == (0, 0), (year, place)
        if place.is_all:
            counted += whole.execute("SELECT count(*) FROM funding_year_of($y, NULL, NULL)",
                                     {"y": year}).fetchone()[0]
    assert counted == whole.execute("SELECT count(*) FROM whole_funding_year").fetchone()[0] > 0


# The parts computed differently from the former SQL, as it computed them.

def test_a_cases_payment_is_the_first_of_its_team_not_cancelled(whole):
    before = """
        WITH active AS (
            SELECT pc.case_id, p.team_id, p.id AS payment_id, p.status, p.paid_on
            FROM payment_cases pc JOIN payments p ON p.id = pc.payment_id
            WHERE p.kind = 'thu_lao' AND p.status <> 'huy'
        )
        SELECT c.id AS case_id, a.payment_id, coalesce(a.status, 'chua_de_nghi') AS fee_status, a.paid_on
        FROM cases c JOIN teams t ON t.id = c.team_id JOIN villages v ON v.id = t.village_id
        LEFT JOIN active a ON a.case_id = c.id AND a.team_id = c.team_id
        WHERE c.deleted_at IS NULL AND c.result IN ('thanh', 'khong_thanh') AND c.concluded_on IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY c.id ORDER BY a.payment_id) = 1"""
    assert differences(whole, "SELECT case_id, payment_id, fee_status, paid_on FROM whole_fee_case", before,
                       {}) == (0, 0)


def test_the_support_due_is_each_teams_months(whole):
    before = """
        SELECT t.id AS team_id, y.year, whole_dong(sum(s.twelfths))::BIGINT AS support_due
        FROM teams t CROSS JOIN report_years y,
             LATERAL support_months(make_date(y.year, 1, 1), make_date(y.year, 12, 1)) s
        WHERE exists_in(t.valid_from, t.valid_to, y.year)
        GROUP BY t.id, y.year"""
    assert differences(whole, "SELECT team_id, year, support_due FROM whole_funding_team_year", before, {}) == (0, 0)
    assert whole.execute("SELECT count(DISTINCT support_due) FROM whole_funding_team_year").fetchone()[0] > 1


def test_the_outstanding_items_are_those_of_the_views(whole):
    before = """
        SELECT team_id, village_id, year, 'thu_lao_chua_de_nghi' AS item, NULL::INTEGER AS payment_id,
               NULL::VARCHAR AS status, cases_not_requested AS cases, fee_not_requested_estimate AS amount,
               NULL::DATE AS deadline, FALSE AS late, commune_id
        FROM whole_funding_team_year WHERE cases_not_requested > 0
        UNION ALL
        SELECT team_id, village_id, year, 'cho_chi', payment_id, status, CASE WHEN kind = 'thu_lao' THEN cases END,
               amount, pay_deadline, late, commune_id
        FROM whole_payment_check WHERE status IN ('de_nghi', 'da_duyet')
        UNION ALL
        SELECT team_id, village_id, year, 'ho_tro_chua_de_nghi', NULL, NULL, NULL, support_not_requested, NULL, FALSE,
               commune_id
        FROM whole_funding_team_year WHERE support_not_requested > 0
        UNION ALL
        SELECT team_id, village_id, year, 'vuot_muc', payment_id, status, CASE WHEN kind = 'thu_lao' THEN cases END,
               above_rate, NULL, FALSE, commune_id
        FROM whole_payment_check WHERE above_rate > 0
        UNION ALL
        SELECT team_id, village_id, year, 'chi_vu_viec_da_xoa', payment_id, status, deleted_cases, paid_deleted, NULL,
               FALSE, commune_id
        FROM whole_payment_check WHERE paid_deleted > 0
        UNION ALL
        SELECT team_id, village_id, year, 'chi_khong_du_dieu_kien', payment_id, status,
               cases - eligible_cases - deleted_cases, paid_ineligible, NULL, FALSE, commune_id
        FROM whole_payment_check WHERE paid_ineligible > 0"""
    assert differences(whole, "SELECT * FROM whole_funding_outstanding", before, {}) == (0, 0)


# The readers as they read the whole-file views before issue 15 (db/funding/__init__.py), over the frozen results.
BEFORE = {
    "team_checks": """
        SELECT f.*, v.name AS village, t.name AS team
        FROM whole_funding_team_year f JOIN teams t ON t.id = f.team_id JOIN villages v ON v.id = f.village_id
        WHERE f.year = $year AND ($village IS NULL OR f.village_id = $village)
          AND in_commune(f.commune_id, $commune, $province)""",
    "outstanding": """
        SELECT o.*, v.name AS village
        FROM whole_funding_outstanding o JOIN villages v ON v.id = o.village_id
        WHERE o.year = $year AND ($village IS NULL OR o.village_id = $village)
          AND in_commune(o.commune_id, $commune, $province)""",
    "payments": """
        SELECT pc.*, v.name AS village, t.name AS team
        FROM whole_payment_check pc JOIN teams t ON t.id = pc.team_id JOIN villages v ON v.id = pc.village_id
        WHERE pc.year = $year AND ($village IS NULL OR pc.village_id = $village)
          AND in_commune(pc.commune_id, $commune, $province)""",
}
READERS = {"team_checks": funding.team_checks, "outstanding": funding.outstanding, "payments": funding.payments}


def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame in a total order (a reader's ORDER BY may leave ties, e.g. two villages of the same name)."""
    return frame.sort_values(list(frame.columns), na_position="first", kind="mergesort").reset_index(drop=True)


def scope(con, place: Place, year=None) -> dict:
    from db import places as place_reads
    return {**({} if year is None else {"year": year}), **place_reads.scope(con, place)}


def read_before(con, sql: str, values: dict) -> pd.DataFrame:
    from db import places as place_reads
    return place_reads.with_village_labels(con, con.execute(sql, values).df())


@pytest.mark.parametrize("reader", list(READERS))
def test_a_reader_shows_what_the_whole_file_views_showed(whole, reader):
    for year, place in scopes(whole):
        now = READERS[reader](whole, year, place)
        before = read_before(whole, BEFORE[reader], scope(whole, place, year))
        assert list(now.columns) == list(before.columns), (reader, year, place)
        pd.testing.assert_frame_equal(in_order(now), in_order(before), check_exact=True,
                                      obj=f"{reader} {year} {place}")


PAGED = {"outstanding": funding.outstanding_page, "payments": funding.payments_page}


@pytest.mark.parametrize("reader", list(PAGED))
def test_the_pages_of_a_list_cut_in_sql_are_the_list(whole, reader):
    """A list read a page at a time (the page shows 50 rows; here a third of the list) is the whole list, in its
    order, with its length; a page past the end is empty and still knows the length. The last two years with
    payments, for the whole file and a commune."""
    seen = 0
    for (year,) in whole.execute("SELECT DISTINCT year FROM whole_payment_check ORDER BY year DESC LIMIT 2").fetchall():
        for place in (Place(), places(whole)[2]):
            full = READERS[reader](whole, year, place)
            seen += len(full)
            rows = max(1, -(-len(full) // 3))
            pages = [PAGED[reader](whole, year, place, offset, rows) for offset in range(0, 4 * rows, rows)]
            assert [listed for _, listed in pages] == [len(full)] * 4, (reader, year, place)
            assert pages[-1][0].empty, (reader, year, place)
            # A page whose column is all empty reads it as object, the whole list as its type: the values are compared.
            pd.testing.assert_frame_equal(pd.concat([page for page, _ in pages], ignore_index=True),
                                          full.reset_index(drop=True), check_exact=True, check_dtype=False,
                                          obj=f"{reader} {year} {place}")
    assert seen > 0


def test_the_teams_checks_page_and_chart_are_those_of_the_list(whole):
    """team_checks_page: its pages glued are team_checks, and its chart's teams are pages.charts.ends of the list
    ranked by what is still owed (ties in list order) — every team, in list order, when there are few."""
    from pages import charts
    for year, place in scopes(whole):
        full = funding.team_checks(whole, year, place)
        pages = [funding.team_checks_page(whole, year, place, offset, 20, 4) for offset in range(0, len(full) + 20, 20)]
        assert {listed for *_, listed in pages} == {len(full)}, (year, place)
        glued = pd.concat([page for page, *_ in pages], ignore_index=True)
        pd.testing.assert_frame_equal(glued, full, check_exact=True, check_dtype=False, obj=f"{year} {place}")
        expected = (charts.ends(full.sort_values("owed", ascending=False, kind="mergesort"), 8)[0] if len(full) > 8
                    else full)
        pd.testing.assert_frame_equal(pages[0][1], expected.reset_index(drop=True), check_exact=True,
                                      check_dtype=False, obj=f"chart {year} {place}")


def test_an_open_payment_is_listed_for_its_year_and_place_only(whole):
    def plain(row) -> dict:  # a missing value is missing, whichever type a one-row frame gave its column
        return {k: None if pd.isna(v) else v for k, v in dict(row).items()}

    year = whole.execute("SELECT max(year) FROM whole_payment_check").fetchone()[0]
    for place in places(whole):
        listed = READERS["payments"](whole, year, place)
        assert len(listed) > 0, place
        row = listed.iloc[len(listed) // 2]
        assert plain(funding.listed_payment(whole, int(row["id"]), year, place)) == plain(row)
        assert funding.listed_payment(whole, int(row["id"]), year - 1, place) is None
    village = places(whole)[1].village_id
    elsewhere = whole.execute("SELECT min(id) FROM whole_payment_check WHERE year = ? AND village_id <> ?",
                              [year, village]).fetchone()[0]
    assert funding.listed_payment(whole, elsewhere, year, Place(village_id=village)) is None


def test_the_summary_is_that_of_the_whole_file_views(whole):
    for year, place in scopes(whole):
        where = scope(whole, place, year)
        teams = whole.execute(
            "SELECT count(*), coalesce(sum(fee_paid), 0), coalesce(sum(support_due), 0), "
            "coalesce(sum(unpaid_cases), 0), coalesce(sum(above_rate), 0), coalesce(sum(payments_late), 0), "
            "count(*) FILTER (WHERE support_paid >= support_due) FROM whole_funding_team_year "
            "WHERE year = $year AND ($village IS NULL OR village_id = $village) "
            "AND in_commune(commune_id, $commune, $province)", where).fetchone()
        budget, paid, share, over = whole.execute(
            "SELECT sum(budget), sum(paid), ratio(sum(paid) FILTER (WHERE budget IS NOT NULL), sum(budget)), "
            "count(*) FILTER (WHERE over_budget) FROM whole_funding_year "
            "WHERE year = $year AND in_commune(commune_id, $commune, $province)",
            {k: where[k] for k in ("year", "commune", "province")}).fetchone()
        total = funding.summary(whole, year, place)
        assert (total["teams"], total["fee_paid"], total["support_due"], total["unpaid_cases"], total["above_rate"],
                total["payments_late"], total["teams_support_paid"]) == teams, (year, place)
        assert (total["budget"], total["commune_paid"], total["paid_share"], total["communes_over_budget"]) == (
            budget, paid, share, over), (year, place)


def test_the_budget_years_are_those_of_the_whole_file_view(whole):
    for place in [None, *places(whole)]:
        where = {k: v for k, v in scope(whole, place or Place()).items() if k != "village"}
        before = whole.execute(
            "SELECT f.*, c.name AS commune FROM whole_funding_year f JOIN communes c ON c.id = f.commune_id "
            "WHERE (f.budget IS NOT NULL OR f.paid > 0 OR f.pending > 0) "
            "AND in_commune(f.commune_id, $commune, $province)",
            where).df()
        now = funding.budget_years(whole, place)
        assert len(now) > 0
        pd.testing.assert_frame_equal(in_order(now), in_order(before), check_exact=True, obj=f"{place}")


def test_a_payment_and_a_teams_payable_cases_are_those_of_the_whole_file_views(whole):
    ids = [i for (i,) in whole.execute(
        "SELECT id FROM whole_payment_check QUALIFY row_number() OVER (PARTITION BY kind, status, year ORDER BY id) = 1"
    ).fetchall()]
    assert len(ids) > 3
    for payment_id in ids:
        rel = whole.execute(
            "SELECT pc.*, v.name AS village, t.name AS team FROM whole_payment_check pc "
            "JOIN teams t ON t.id = pc.team_id JOIN villages v ON v.id = pc.village_id WHERE pc.id = ?", [payment_id])
        assert funding.payment(whole, payment_id) == dict(zip([d[0] for d in rel.description], rel.fetchone()))
    assert funding.payment(whole, -1) is None
    teams = [t for (t,) in whole.execute(
        "SELECT team_id FROM whole_fee_case WHERE fee_status = 'chua_de_nghi' GROUP BY team_id "
        "ORDER BY count(*) DESC, team_id LIMIT 3").fetchall()]
    for team in teams:
        for as_of in (dt.date(years(whole)[-2] - 1, 6, 30), dt.date(years(whole)[-2], 12, 31)):
            before = whole.execute(
                "SELECT f.case_id, f.received_on, f.concluded_on, f.year, f.result, cc.label AS category, "
                "f.estimated_fee AS fee, f.fee_rate_id, f.fee_above_cap "
                "FROM whole_fee_case f LEFT JOIN case_categories cc ON cc.code = f.category "
                "WHERE f.team_id = ? AND f.fee_status = 'chua_de_nghi' AND f.concluded_on <= ? "
                "ORDER BY f.concluded_on, f.case_id", [team, as_of]).df()
            pd.testing.assert_frame_equal(funding.payable_cases(whole, team, as_of), before, check_exact=True,
                                          obj=f"{team} {as_of}")
    assert len(funding.payable_cases(whole, teams[0], dt.date(years(whole)[-2], 12, 31))) > 0


# --- the page -------------------------------------------------------------------------------------------------------

PAGE_YEAR = 2025


@pytest.fixture()
def district_page(district_file, tmp_path, monkeypatch):
    """The app on a copy of the district: open(**params) runs the Kinh phí page with those URL parameters."""
    path = tmp_path / "district.duckdb"
    shutil.copy(district_file, path)
    con = db.connect(path)
    add_accounts(con)
    con.close()
    monkeypatch.setenv("HOAGIAI_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()

    def open_page(**params) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.session_state["user"] = {"login": "tuphap", "role": "can_bo_tu_phap", "village_id": None}
        for key, value in {"nam": PAGE_YEAR, **params}.items():
            at.query_params[key] = str(value)
        at.run()
        at.switch_page("pages/funding.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert not [e.value for e in at.error if "lỗi ngoài dự kiến" in e.value]
        return at
    yield open_page
    st.cache_resource.clear()


def chart_villages(at: AppTest) -> list[str]:
    """The villages the page's chart draws (its y axis), from the Vega-Lite spec sent."""
    todo, found = [at._tree], []
    while todo:
        node = todo.pop()
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(proto, "spec", ""):
            found.append(json.loads(proto.spec)["encoding"]["y"]["sort"])
        children = getattr(node, "children", None) or {}
        todo.extend(children.values() if isinstance(children, dict) else children)
    assert len(found) == 1
    return found[0]


def test_the_page_of_a_district_sends_a_screen_not_the_file(district_page):
    at = district_page()
    checks = funding.team_checks(app_connection(), PAGE_YEAR)
    assert len(checks) > 60  # more teams than a chart and a page of the list hold
    # The chart: the 15 villages still owed most, then the 15 owed least, never one bar per village.
    drawn = chart_villages(at)
    ranked = checks.sort_values("owed", ascending=False, kind="mergesort")["village"].tolist()
    assert drawn == ranked[:15] + ranked[-15:]
    assert any(f"{len(checks) - 30} thôn còn lại xem ở bảng bên dưới" in c.value for c in at.caption)
    # The lists: one page each, and only the columns they show (the checks' table also the one its colours read).
    assert [len(frame.value) for frame in at.dataframe] == [50, 50, 50]
    widths = [len(frame.value.columns) for frame in at.dataframe]
    assert max(widths) <= 11, widths
    # No select box of every team of the file: the forms ask for a commune first.
    assert not [box for box in at.selectbox if box.key in ("fee_team", "support_team")]
    assert sum("chọn một xã ở thanh bên" in box.value for box in at.info) == 3  # fee, support, budget
    assert len(page_bytes(at)) < 250_000


def test_with_a_commune_the_forms_offer_its_teams_and_its_budget_lines(district_page):
    con = app_connection()
    commune = con.execute("SELECT min(id) FROM communes").fetchone()[0]
    at = district_page(xa=commune)
    teams = con.execute(
        "SELECT count(*) FROM teams t JOIN villages v ON v.id = t.village_id WHERE v.commune_id = ? "
        "AND exists_in(t.valid_from, t.valid_to, ?)", [commune, PAGE_YEAR]).fetchone()[0]
    assert 1 < len(at.selectbox(key="fee_team").options) == teams
    assert len(at.selectbox(key="support_team").options) == teams
    lines = con.execute("SELECT count(*) FROM funding_year WHERE commune_id = ? AND (budget IS NOT NULL OR paid > 0 "
                        "OR pending > 0)", [commune]).fetchone()[0]
    budget_tables = [frame.value for frame in at.dataframe if "budget_label" in frame.value.columns]
    assert len(budget_tables) == 1 and len(budget_tables[0]) == lines > 1
