"""Overview figures: counts and success rates per village and for the commune (rules in db/metrics/)."""
from __future__ import annotations

import datetime as dt

import pandas as pd


def by_village(con, year: int, village_id: int | None = None) -> pd.DataFrame:
    """One row per village for the year, from the village_results view, in Vietnamese order.

    status: 'dat' when the official rate reaches the plan's minimum target, 'chua_dat' below it,
    'khong_ap_dung' when no case was concluded (no rate).
    """
    low = targets(con, year).get("success_rate_min")
    return con.cursor().execute(
        """
        SELECT v.name AS village, r.*,
               CASE WHEN r.official_rate IS NULL THEN 'khong_ap_dung'
                    WHEN r.official_rate >= ? THEN 'dat' ELSE 'chua_dat' END AS status
        FROM village_results r JOIN villages v ON v.id = r.village_id
        WHERE r.year = ? AND (? IS NULL OR r.village_id = ?)
        ORDER BY v.name COLLATE vi
        """,
        [low, year, village_id, village_id],
    ).df()


def totals(con, year: int, village_id: int | None = None) -> dict:
    """The filtered total, with both rates recomputed from the summed counts (never averaged)."""
    row = con.cursor().execute(
        """
        SELECT coalesce(sum(received), 0), coalesce(sum(carried_over), 0), coalesce(sum(in_scope), 0),
               coalesce(sum(thanh), 0), coalesce(sum(khong_thanh), 0), coalesce(sum(dang_hoa_giai), 0),
               coalesce(sum(ngoai_pham_vi), 0), coalesce(sum(security_incidents), 0),
               ratio(sum(thanh), sum(thanh) + sum(khong_thanh)), ratio(sum(thanh), sum(in_scope))
        FROM village_results WHERE year = ? AND (? IS NULL OR village_id = ?)
        """,
        [year, village_id, village_id],
    ).fetchone()
    keys = ("received", "carried_over", "in_scope", "thanh", "khong_thanh", "dang_hoa_giai",
            "ngoai_pham_vi", "security_incidents", "official_rate", "received_rate")
    return dict(zip(keys, row))


def by_national_category(con, year: int, village_id: int | None = None) -> pd.DataFrame:
    """Cases counted in the year by the three national categories (all three always listed)."""
    return con.cursor().execute(
        """
        SELECT n.label AS national_category, count(cy.case_id) AS cases
        FROM national_categories n
        LEFT JOIN case_categories k ON k.national_code = n.code
        LEFT JOIN case_year cy ON cy.category = k.code AND cy.year = ? AND (? IS NULL OR cy.village_id = ?)
        GROUP BY n.label, n.sort_order ORDER BY n.sort_order
        """,
        [year, village_id, village_id],
    ).df()


def targets(con, year: int) -> dict[str, float]:
    """Plan targets valid at 31/12 of the year; before the first plan, its earliest values."""
    rows = con.cursor().execute(
        """
        SELECT key, arg_max(value, valid_from) FILTER (WHERE valid_from <= make_date(?, 12, 31)
                                                      AND (valid_to IS NULL OR valid_to >= make_date(?, 12, 31))),
               arg_min(value, valid_from)
        FROM plan_targets GROUP BY key
        """,
        [year, year],
    ).fetchall()
    return {key: (valid if valid is not None else earliest) for key, valid, earliest in rows}


def default_year(con) -> int:
    """The latest year with a received case; this year when there is none."""
    row = con.cursor().execute("SELECT max(year(received_on)) FROM cases WHERE deleted_at IS NULL").fetchone()
    return row[0] or dt.date.today().year


def case_years_for_filter(con) -> list[int]:
    """Years the filter offers: every year from the first case to this year (new entries go there)."""
    first, = con.cursor().execute(
        "SELECT min(year(received_on)) FROM cases WHERE deleted_at IS NULL"
    ).fetchone()
    this_year = dt.date.today().year
    return list(range(first or this_year, this_year + 1))
