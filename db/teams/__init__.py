"""The team register: composition (Art. 12), training coverage and review flags, from team_year."""
from __future__ import annotations

import pandas as pd

from db.core.scope import place_params


def team_register(con, year: int, village_id: int | None = None) -> pd.DataFrame:
    """One row per team for the year; teams failing any composition rule first, then Vietnamese order.

    idle_names: active mediators with neither a case nor a training in the year (review suggestion).
    """
    return con.cursor().execute(
        """
        WITH people AS (
            SELECT my.team_id,
                   string_agg(m.full_name, ', ' ORDER BY m.full_name COLLATE vi)
                       FILTER (WHERE my.active AND m.is_leader) AS leader,
                   string_agg(m.full_name, ', ' ORDER BY m.full_name COLLATE vi)
                       FILTER (WHERE my.active AND my.idle) AS idle_names
            FROM mediator_year my JOIN mediators m ON m.id = my.mediator_id
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
        JOIN team_year ty ON ty.team_id = t.id AND ty.year = $year
        LEFT JOIN people p ON p.team_id = t.id
        LEFT JOIN team_reviews r ON r.team_id = t.id AND r.year = $year
        WHERE in_place(v.id, $village, $commune, $province)
        ORDER BY ty.composition_ok, v.name COLLATE vi
        """,
        {"year": year, **place_params(village_id)},
    ).df()


def composition_summary(con, year: int, village_id: int | None = None) -> dict:
    """Teams meeting every Art. 12 rule, and the training coverage (trained / active), for the filters."""
    row = con.cursor().execute(
        """
        SELECT count(*), count(*) FILTER (WHERE composition_ok),
               coalesce(sum(trained), 0), coalesce(sum(active), 0), ratio(sum(trained), sum(active))
        FROM team_year WHERE year = $year AND in_place(village_id, $village, $commune, $province)
        """,
        {"year": year, **place_params(village_id)},
    ).fetchone()
    return dict(zip(("teams", "teams_ok", "trained", "active", "trained_share"), row))
