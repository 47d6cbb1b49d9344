"""Overview figures: counts and success rates per village and for the commune (rules in db/cases/results.sql).

Many communes in one file (a province, a roll-up): every read takes an optional commune_id, the commune whose villages
are counted (a village's own commune when a village is given). None: the whole file — counts summed over its
communes, rates recomputed from the sums. A plan's targets are one commune's: a village is judged against its own
commune's plan; a total of several communes is judged against none (targets() gives no plan target: «chưa có kế
hoạch»), since no one plan sets its target. The village argument may also be a db.core.scope.Place (province, commune,
village: places.scope).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from db import places


def by_village(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """One row per village for the year (of the commune when commune_id is given, else of every commune), from the
    village_results view, in Vietnamese order.

    status: 'dat' when the official rate reaches the minimum target of the plan of the village's own commune, 'gan_dat'
    below it but within the past years' band (history_rate_min, 80%), 'chua_dat' below that, 'khong_ap_dung' when no
    case was concluded (no rate), 'chua_co_ke_hoach' when the commune has no plan that year setting the target (nothing
    to judge by). The same rule as the overview's success-rate KPI (db/overview/__init__.py).
    """
    return places.with_village_labels(con, con.cursor().execute(
        """
        WITH target AS (
            SELECT commune_id,
                   any_value(value) FILTER (WHERE key = 'success_rate_min') AS low,
                   any_value(value) FILTER (WHERE key = 'history_rate_min') AS history
            FROM target_year WHERE year = $year GROUP BY commune_id
        )
        SELECT v.name AS village, r.*,
               CASE WHEN r.official_rate IS NULL THEN 'khong_ap_dung'
                    WHEN t.low IS NULL THEN 'chua_co_ke_hoach'
                    WHEN r.official_rate >= t.low THEN 'dat'
                    WHEN r.official_rate >= coalesce(t.history, t.low) THEN 'gan_dat' ELSE 'chua_dat' END AS status
        FROM village_results r JOIN villages v ON v.id = r.village_id
        LEFT JOIN target t ON t.commune_id = r.commune_id
        WHERE r.year = $year AND ($village IS NULL OR r.village_id = $village)
          AND in_commune(r.commune_id, $commune, $province)
        ORDER BY v.name COLLATE vi, v.id
        """,
        {"year": year, **places.scope(con, village_id, commune_id)},
    ).df())


def totals(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> dict:
    """The filtered total (a village; a commune; None: every commune of the file), with both rates recomputed from the
    summed counts (never averaged)."""
    row = con.cursor().execute(
        """
        SELECT coalesce(sum(received), 0), coalesce(sum(carried_over), 0), coalesce(sum(in_scope), 0),
               coalesce(sum(thanh), 0), coalesce(sum(khong_thanh), 0), coalesce(sum(dang_hoa_giai), 0),
               coalesce(sum(ngoai_pham_vi), 0), coalesce(sum(security_incidents), 0),
               ratio(sum(thanh), sum(thanh) + sum(khong_thanh)), ratio(sum(thanh), sum(in_scope))
        FROM village_results WHERE year = $year AND ($village IS NULL OR village_id = $village)
          AND in_commune(commune_id, $commune, $province)
        """,
        {"year": year, **places.scope(con, village_id, commune_id)},
    ).fetchone()
    keys = ("received", "carried_over", "in_scope", "thanh", "khong_thanh", "dang_hoa_giai",
            "ngoai_pham_vi", "security_incidents", "official_rate", "received_rate")
    return dict(zip(keys, row))


def by_national_category(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """Cases counted in the year (case_year) by the three national categories (MOJ) and result at 31/12.

    Every national category and result is listed (zeros included); local_codes lists the local categories
    that roll up into it, so a link can open the register filtered to exactly these cases. commune_id: that
    commune's cases; None: every commune's.
    """
    return con.cursor().execute(
        """
        WITH locals AS (
            SELECT national_code, string_agg(code, ',' ORDER BY sort_order) AS local_codes
            FROM case_categories GROUP BY national_code
        ),
        counted AS (
            SELECT k.national_code, cy.result_in_year AS result, count(*) AS cases
            FROM case_year cy JOIN case_categories k ON k.code = cy.category
            WHERE cy.year = $year AND ($village IS NULL OR cy.village_id = $village)
              AND in_commune(cy.commune_id, $commune, $province)
            GROUP BY ALL
        )
        SELECT n.code AS national_code, n.label AS national_category, n.sort_order, l.local_codes, r.result,
               coalesce(c.cases, 0) AS cases
        FROM national_categories n
        JOIN locals l ON l.national_code = n.code
        CROSS JOIN (SELECT unnest(['thanh', 'khong_thanh', 'dang_hoa_giai', 'ngoai_pham_vi']) AS result) r
        LEFT JOIN counted c ON c.national_code = n.code AND c.result = r.result
        ORDER BY n.sort_order
        """,
        {"year": year, **places.scope(con, village_id, commune_id)},
    ).df()


def by_month(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """Month by month in the year: cases received (by date received) and cases concluded (by date
    concluded) per result. Carried-over cases were received in an earlier year, so no month holds them.

    One row per month 1–12 and series ('tiep_nhan', 'thanh', 'khong_thanh', 'ngoai_pham_vi'). commune_id: that
    commune's cases; None: every commune's.
    """
    return con.cursor().execute(
        """
        WITH picked AS (
            SELECT c.* FROM cases c JOIN teams t ON t.id = c.team_id JOIN villages v ON v.id = t.village_id
            WHERE c.deleted_at IS NULL AND ($village IS NULL OR t.village_id = $village)
              AND in_commune(v.commune_id, $commune, $province)
        ),
        events AS (
            SELECT month(received_on) AS month, 'tiep_nhan' AS series FROM picked WHERE year(received_on) = $year
            UNION ALL
            SELECT month(concluded_on), result FROM picked
            WHERE result <> 'dang_hoa_giai' AND year(concluded_on) = $year
        )
        SELECT m.month::INTEGER AS month, s.series, count(e.month) AS cases
        FROM range(1, 13) m(month)
        CROSS JOIN (SELECT unnest(['tiep_nhan', 'thanh', 'khong_thanh', 'ngoai_pham_vi']) AS series) s
        LEFT JOIN events e ON e.month = m.month AND e.series = s.series
        GROUP BY ALL ORDER BY month
        """,
        {"year": year, **places.scope(con, village_id, commune_id)},
    ).df()


def rate_history(con, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """The official success rate (thành / (thành + không thành)) and its counts for every reporting year (a village;
    a commune; None: every commune, recomputed from the summed counts)."""
    return con.cursor().execute(
        """
        SELECT year, sum(thanh) AS thanh, sum(khong_thanh) AS khong_thanh,
               ratio(sum(thanh), sum(thanh) + sum(khong_thanh)) AS official_rate
        FROM village_results WHERE ($village IS NULL OR village_id = $village)
          AND in_commune(commune_id, $commune, $province)
        GROUP BY year ORDER BY year
        """,
        places.scope(con, village_id, commune_id),
    ).df()


def targets(con, year: int, commune_id: int | None = None, village_id: int | None = None) -> dict[str, float | None]:
    """What a commune's year is judged against (target_year): the thresholds of law in force, and the targets of the
    commune's own plan of the year — None for a plan's target when it has no plan that year (DOMAIN.md «Time»: no
    target of its own). The commune: commune_id, else the village's, else the file's only commune. In a file of
    several communes with none chosen, no one plan's targets apply: the thresholds of law, and every plan target any
    commune sets as None (judged by no plan: «chưa có kế hoạch»)."""
    where = places.scope(con, village_id, commune_id)
    if where["commune"] is not None:
        rows = con.cursor().execute(
            "SELECT key, value FROM target_year WHERE year = ? AND commune_id = ?", [year, where["commune"]]).fetchall()
        return dict(rows)
    rows = con.cursor().execute(
        "SELECT key, any_value(value) FILTER (WHERE source = 'quy_dinh') FROM target_year "
        "WHERE year = $year AND in_commune(commune_id, NULL, $province) GROUP BY key",
        {"year": year, "province": where["province"]}).fetchall()
    return dict(rows)


def plan_reference(con, year: int, commune_id: int | None = None, village_id: int | None = None) -> dict:
    """Whose targets a commune's year is judged against: {plan_year, reference_year, reference}. plan_year is the
    year when the commune's own plan sets targets, else None; then reference_year and reference ({key: value}) are
    the commune's latest earlier plan's targets, which a page may show labelled «kế hoạch năm …, tham khảo» but never
    judge by. The commune as in targets(); several communes with none chosen: no plan (all None, reference {})."""
    commune = places.scope(con, village_id, commune_id)["commune"]
    if commune is None:
        return {"plan_year": None, "reference_year": None, "reference": {}}
    rows = con.cursor().execute(
        "SELECT key, value, plan_year, reference_value, reference_year FROM target_year "
        "WHERE year = ? AND commune_id = ? AND (plan_year IS NOT NULL OR reference_year IS NOT NULL)",
        [year, commune]).fetchall()
    own = any(plan_year is not None for _, _, plan_year, _, _ in rows)
    earlier = [r for r in rows if r[4] is not None]
    reference_year = max((r[4] for r in earlier), default=None)
    return {"plan_year": year if own else None,
            "reference_year": None if own else reference_year,
            "reference": {} if own else {k: ref for k, _, _, ref, ref_year in earlier if ref_year == reference_year}}


def default_year(con) -> int:
    """This year once it has data of its own (a case received, a training held, a payment, a plan); else the latest
    year with a received case (a commune that has not started the year yet, or the demo: its last year); this year
    when there is no case at all."""
    this_year = dt.date.today().year
    row = con.cursor().execute(
        """
        SELECT EXISTS (SELECT 1 FROM cases WHERE deleted_at IS NULL AND year(received_on) = $y)
            OR EXISTS (SELECT 1 FROM trainings WHERE year(held_on) = $y)
            OR EXISTS (SELECT 1 FROM payments WHERE year = $y)
            OR EXISTS (SELECT 1 FROM plans WHERE year = $y),
               (SELECT max(year(received_on)) FROM cases WHERE deleted_at IS NULL)
        """, {"y": this_year}).fetchone()
    return this_year if row[0] else (row[1] or this_year)


def case_years_for_filter(con) -> list[int]:
    """Years the filter offers: every year from the first case to this year (new entries go there)."""
    first, = con.cursor().execute(
        "SELECT min(year(received_on)) FROM cases WHERE deleted_at IS NULL"
    ).fetchone()
    this_year = dt.date.today().year
    return list(range(first or this_year, this_year + 1))
