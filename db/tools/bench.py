"""python -m db bench: the benchmark's table (issue 15, item 6). Pure measurement: no page of the app lives here.

For each scale (a fresh demo file, a generated district/province/national file, or any file given with --db) and each
page that app.py passes to st.navigation for an administrator «can_bo_tu_phap», in one child process per scale (so one
scale's memory never counts for the next), on a temporary copy of the file (the input is never changed):

- cold view: a new browser session (a new AppTest) opening the page's URL with ?nam=YEAR, signed in through
  st.session_state["user"] (CONTRACT.md), after st.cache_data.clear(), every st.cache_resource except the
  process-wide ones (the DuckDB connection, the first-start lock, the log set-up: a server opens those once) and every
  functools cache of db/ and pages/. The connection stays open: cold is «a server already running, caches empty»
  (after a write, a restart of the caches); the process's first view, which opens the file, is reported apart.
  DuckDB's own buffer cache is not emptied (it cannot be without reopening the file).
- warm view: the median of --repeat reruns of the same session and view (AppTest.run() again).
  Times are CPU time of the whole process (time.process_time: the script thread and DuckDB's threads) and wall time,
  in ms; targets are judged on CPU time (the issue's measure; wall time on a shared 2-core machine depends on the
  neighbours). AppTest runs the app as a server would: one ScriptCache for all runs (AppTest alone would compile the
  scripts again on every run) and the components discovered once; its remaining cost (building the element tree,
  about a millisecond) is in the times, and its floor (a page of one line) is printed beside the table.
- peak memory: the process's peak resident set (VmHWM, reset before each page through /proc/self/clear_refs): all of
  it, DuckDB's buffers and Arrow/pandas memory included, which tracemalloc does not see. Where clear_refs is refused,
  ru_maxrss (the peak since the process started).
- bytes sent per page view: the sum of ForwardMsg.ByteSize() of the messages AppTest's LocalScriptRunner holds in its
  ForwardMsgQueue after the cold view (the deltas with their Arrow tables and Vega-Lite specs, the page's metadata):
  the view as the browser finally holds it. Media files (images, downloads) are fetched apart and not counted.
- beside each page, in the same process: the raw DuckDB query of the page's main figures on the tables (the limit)
  and a naive peer that loads every table the figures read into pandas and computes them there (loading included),
  medians; their ratios to the warm page (page/raw, naive/page), and a check that raw, naive and the figures read
  on the page agree (a warning line when they do not).
- saving a case: db.cases.save_case, a new case today in a team that exists today, median of --saves saves.

Targets (issue 15) are printed beside the figures with ✓/✗ and never asserted.
"""
from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import pkgutil
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
SCALES = ("demo", "district", "province", "national")
GEN_DIR = Path("/tmp/gen")
BENCH_LOGIN, BENCH_PASSWORD = "do-hieu-nang", "do-hieu-nang-2026"
MB = 1024 * 1024
# Process-wide resources a server creates once: kept for a cold view (every other st.cache_resource is cleared).
KEEP_RESOURCES = ("_open", "_first_start_lock", "start_logging")


@dataclass(frozen=True)
class Targets:
    """Issue 15's targets for one size of file (ms of CPU time; MB = 2^20 bytes, KB = 2^10)."""
    name: str
    warm_ms: float
    cold_ms: float
    save_ms: float | None = None
    peak_mb: float | None = None
    sent_kb: float | None = None


TARGETS = {
    "commune": Targets("xã", warm_ms=100, cold_ms=500, save_ms=100),
    "province": Targets("tỉnh", warm_ms=250, cold_ms=1000),
    "national": Targets("toàn quốc", warm_ms=500, cold_ms=2000, peak_mb=1536, sent_kb=1024),
}
NAIVE_AT_LEAST = 10  # the page at least 10× faster than the naive pandas design
RAW_WITHIN = 20  # and within 20× of the raw query
# The targets a scale is judged by: a district has none of its own in the issue, it gets the province's.
SCALE_TARGETS = {"demo": "commune", "district": "province", "province": "province", "national": "national"}


def targets_for_villages(villages: int) -> str:
    """The targets of a file given with --db, by its size."""
    return "commune" if villages <= 100 else "province" if villages <= 10_000 else "national"


# --- the main figures of each page, three ways ------------------------------------------------------------------
# The raw queries read the tables directly (not the app's views or macros), scoped to the year; each rule is the
# one written beside the app's SQL (db/*/*.sql, DOMAIN.md «Definitions»), restated here so that the three
# ways are independent. Parameter: $year.

Y0, Y1 = "make_date($year, 1, 1)", "make_date($year, 12, 31)"
REF = f"least({Y1}, current_date)"  # a year's reference date: 31/12, today for this year

# cy: every case counted in the year — received by 31/12 and not concluded before 1/1 (a case open at 31/12 carries
# over); r = its result at 31/12; incident = its security incident, counted once, in the year it happened.
CASES_OF_YEAR = f"""cy AS (
    SELECT c.id, c.team_id, t.village_id, c.received_on, c.assigned_on, c.concluded_on, c.summary, c.agreement,
           year(c.received_on) < $year AS carried_over,
           CASE WHEN c.result <> 'dang_hoa_giai' AND coalesce(c.concluded_on, c.received_on) <= {Y1}
                THEN c.result ELSE 'dang_hoa_giai' END AS r,
           c.security_incident
               AND greatest(year(coalesce(c.incident_on, c.received_on)), year(c.received_on)) = $year AS incident
    FROM cases c JOIN teams t ON t.id = c.team_id JOIN villages v ON v.id = t.village_id
    WHERE c.deleted_at IS NULL AND c.received_on <= {Y1}
      AND CASE WHEN c.result = 'dang_hoa_giai' THEN greatest(current_date, c.received_on)
               ELSE coalesce(c.concluded_on, c.received_on) END >= {Y0})"""

# med: mediators who were members at some time of the year; active = a member on the reference date; trained = at a
# training held (status đã tổ chức) that year.
MEMBERS = f"""med AS (
    SELECT m.id, m.team_id, t.village_id, m.gender, m.is_leader, m.ethnic_minority, m.left_on,
           coalesce(m.joined_on, DATE '1900-01-01') <= {REF} AND (m.left_on IS NULL OR m.left_on > {REF}) AS active,
           m.id IN (SELECT a.mediator_id FROM training_attendance a JOIN trainings tr ON tr.id = a.training_id
                    WHERE tr.status = 'da_to_chuc' AND tr.held_on BETWEEN {Y0} AND {Y1}) AS trained
    FROM mediators m JOIN teams t ON t.id = m.team_id
    WHERE coalesce(m.joined_on, DATE '1900-01-01') <= {Y1} AND (m.left_on IS NULL OR m.left_on >= {Y0}))"""

# ty: the teams that existed in the year, with their active mediators counted.
TEAMS_OF_YEAR = f"""ty AS (
    SELECT t.id AS team_id, t.village_id, v.ethnic_area,
           count(md.id) FILTER (WHERE md.active) AS active,
           count(md.id) FILTER (WHERE md.active AND md.gender = 'nu') AS women,
           count(md.id) FILTER (WHERE md.active AND md.is_leader) AS leaders,
           count(md.id) FILTER (WHERE md.active AND md.ethnic_minority) AS ethnic,
           count(md.id) FILTER (WHERE md.active AND md.trained) AS trained
    FROM teams t JOIN villages v ON v.id = t.village_id LEFT JOIN med md ON md.team_id = t.id
    WHERE coalesce(t.valid_from, DATE '1900-01-01') <= {Y1} AND coalesce(t.valid_to, DATE '9999-12-31') >= {Y0}
    GROUP BY ALL)"""

# m: one row, the settings in force at 31/12 of the year (score model, candidate rules, Art. 12 minimums): the row
# valid on that day; before a setting's first validity its earliest row (a law's earliest row in any case).
SETTING_COLUMNS = {  # column of m: (code, default when the setting is missing)
    "w_ket_qua": ("ket_qua", 0), "w_kip_thoi": ("kip_thoi", 0), "w_kien_toan": ("kien_toan", 0),
    "w_tap_huan": ("tap_huan", 0), "w_ho_so": ("ho_so", 0), "w_an_ninh": ("an_ninh", 0),
    "rate_floor": ("ket_qua_rate_floor", None), "rate_full": ("ket_qua_rate_full", None),
    "assign_days": ("kip_thoi_assign_days", None), "deadline_days": ("kip_thoi_deadline_days", None),
    "partial_max": ("an_ninh_partial_max", None), "partial_share": ("an_ninh_partial_share", None),
    "min_concluded": ("xep_loai_min_concluded", None), "max_na": ("xep_loai_max_not_applicable", None),
    "band_tot": ("tot", None), "band_kha": ("kha", None), "band_tb": ("trung_binh", None),
    "team_rate_min": ("team_rate_min", None), "team_concluded_min": ("team_concluded_min", None),
    "team_incidents_max": ("team_incidents_max", None), "team_trained_min": ("team_trained_min", None),
    "med_concluded_min": ("mediator_concluded_min", None), "med_rate_min": ("mediator_rate_min", None),
    "min_members": ("team_min_members", None), "min_women": ("team_min_women", None),
    "min_ethnic": ("team_min_ethnic", None),
}
SETTING_TABLES = (("score_components", "code", "weight", False), ("score_params", "code", "value", False),
                  ("score_bands", "code", "min_score", False), ("candidate_rules", "code", "value", False),
                  ("plan_targets", "key", "value", True))
SETTINGS = "setting AS (\n    " + "\n    UNION ALL ".join(
    f"SELECT {code} AS code, {law} AS law, {value}::DOUBLE AS value, valid_from, valid_to FROM {table}"
    for table, code, value, law in SETTING_TABLES) + f"""
), in_force AS (
    SELECT code, coalesce(
        arg_max(value, valid_from) FILTER (WHERE valid_from <= {Y1} AND (valid_to IS NULL OR valid_to >= {Y1})),
        CASE WHEN bool_or(law) OR min(valid_from) > {Y1} THEN arg_min(value, valid_from) END) AS value
    FROM setting GROUP BY code
), m AS (
    SELECT """ + ",\n           ".join(
    (f"coalesce(any_value(value) FILTER (WHERE code = '{code}'), {default})" if default is not None
     else f"any_value(value) FILTER (WHERE code = '{code}')") + f" AS {column}"
    for column, (code, default) in SETTING_COLUMNS.items()) + "\n    FROM in_force)"

# reg: is each case of the year in the register with every column the app checks filled (a mediator, a party, every
# party's age and address, the summary, and the agreement of a case concluded thành / không thành).
REGISTER = """reg AS (
    SELECT cy.id,
           coalesce(pm.n, 0) > 0 AND coalesce(pp.n, 0) > 0 AND coalesce(pp.no_age, 0) = 0
           AND coalesce(pp.no_address, 0) = 0 AND coalesce(trim(cy.summary), '') <> ''
           AND NOT (cy.r IN ('thanh', 'khong_thanh') AND coalesce(trim(cy.agreement), '') = '') AS complete
    FROM cy
    LEFT JOIN (SELECT case_id, count(*) AS n, count(*) FILTER (WHERE age IS NULL) AS no_age,
                      count(*) FILTER (WHERE coalesce(trim(address), '') = '') AS no_address
               FROM case_parties WHERE case_id IN (SELECT id FROM cy) GROUP BY case_id) pp ON pp.case_id = cy.id
    LEFT JOIN (SELECT case_id, count(*) AS n FROM case_mediators WHERE case_id IN (SELECT id FROM cy)
               GROUP BY case_id) pm ON pm.case_id = cy.id)"""

# banded: the team quality score (DOMAIN.md «Team quality score», redistribution of the weight of a component that
# does not apply, grading minimum) and its band, per team of the year.
SCORES = """work AS (
    SELECT cy.team_id,
           count(*) FILTER (WHERE cy.r = 'thanh') AS thanh,
           count(*) FILTER (WHERE cy.r IN ('thanh', 'khong_thanh')) AS concluded,
           count(*) FILTER (WHERE cy.r IN ('thanh', 'khong_thanh')
                              AND coalesce(cy.assigned_on - cy.received_on <= m.assign_days, FALSE)
                              AND coalesce(cy.concluded_on - cy.received_on <= m.deadline_days, FALSE)) AS timely,
           count(*) FILTER (WHERE cy.r <> 'ngoai_pham_vi') AS register_cases,
           count(*) FILTER (WHERE cy.r <> 'ngoai_pham_vi' AND reg.complete) AS register_complete
    FROM cy JOIN reg ON reg.id = cy.id CROSS JOIN m
    GROUP BY cy.team_id
), inc AS (
    SELECT village_id, count(*) FILTER (WHERE incident) AS incidents FROM cy GROUP BY village_id
), inputs AS (
    SELECT ty.*, coalesce(w.thanh, 0) AS thanh, coalesce(w.concluded, 0) AS concluded,
           coalesce(w.timely, 0) AS timely, coalesce(w.register_cases, 0) AS register_cases,
           coalesce(w.register_complete, 0) AS register_complete, coalesce(i.incidents, 0) AS incidents, m.*
    FROM ty CROSS JOIN m LEFT JOIN work w ON w.team_id = ty.team_id LEFT JOIN inc i ON i.village_id = ty.village_id
), parts AS (
    SELECT *,
           w_ket_qua + w_kip_thoi + w_kien_toan + w_tap_huan + w_ho_so + w_an_ninh AS total_w,
           CASE WHEN concluded > 0 THEN w_ket_qua + w_kip_thoi ELSE 0 END + w_kien_toan
               + CASE WHEN active > 0 THEN w_tap_huan ELSE 0 END
               + CASE WHEN register_cases > 0 THEN w_ho_so ELSE 0 END + w_an_ninh AS app_w,
           greatest(0.0, least(1.0, (thanh::DOUBLE / nullif(concluded, 0) - rate_floor)
                                    / nullif(rate_full - rate_floor, 0))) AS f_ket_qua,
           timely::DOUBLE / nullif(concluded, 0) AS f_kip_thoi,
           ((active >= min_members)::INTEGER + (women >= min_women)::INTEGER + (leaders >= 1)::INTEGER) / 3.0
               AS f_kien_toan,
           trained::DOUBLE / nullif(active, 0) AS f_tap_huan,
           register_complete::DOUBLE / nullif(register_cases, 0) AS f_ho_so,
           CASE WHEN incidents = 0 THEN 1.0 WHEN incidents <= partial_max THEN partial_share ELSE 0.0 END AS f_an_ninh
    FROM inputs
), scored AS (
    SELECT *,
           CASE WHEN app_w > 0 THEN round(
                 CASE WHEN concluded > 0 THEN w_ket_qua * total_w / app_w * f_ket_qua ELSE 0 END
               + CASE WHEN concluded > 0 THEN w_kip_thoi * total_w / app_w * f_kip_thoi ELSE 0 END
               + w_kien_toan * total_w / app_w * f_kien_toan
               + CASE WHEN active > 0 THEN w_tap_huan * total_w / app_w * f_tap_huan ELSE 0 END
               + CASE WHEN register_cases > 0 THEN w_ho_so * total_w / app_w * f_ho_so ELSE 0 END
               + w_an_ninh * total_w / app_w * f_an_ninh, 1) END AS score
    FROM parts
), graded AS (
    SELECT *, score IS NOT NULL AND NOT coalesce(concluded < min_concluded, FALSE)
              AND NOT coalesce((total_w - app_w) / nullif(total_w, 0) > max_na + 1e-9, FALSE) AS graded
    FROM scored
), banded AS (
    SELECT *, CASE WHEN NOT graded THEN 'chua_du_du_lieu' WHEN score >= band_tot THEN 'tot'
                   WHEN score >= band_kha THEN 'kha' WHEN score >= band_tb THEN 'trung_binh' ELSE 'yeu' END AS band
    FROM graded)"""


# mw: each mediator's cases concluded in the year (thành or không thành) and of them thành.
MEDIATOR_WORK = """mw AS (
    SELECT cm.mediator_id, count(*) FILTER (WHERE cy.r IN ('thanh', 'khong_thanh')) AS concluded,
           count(*) FILTER (WHERE cy.r = 'thanh') AS thanh
    FROM case_mediators cm JOIN cy ON cy.id = cm.case_id GROUP BY cm.mediator_id)"""


def _with(*ctes: str) -> str:
    return "WITH " + ",\n".join(ctes) + "\n"


RAW_SQL = {
    "overview": _with(CASES_OF_YEAR, MEMBERS, TEAMS_OF_YEAR) + """
        SELECT count(*) AS received, count(*) FILTER (WHERE r = 'thanh') AS thanh,
               count(*) FILTER (WHERE r = 'khong_thanh') AS khong_thanh,
               (SELECT sum(active) FROM ty)::BIGINT AS active, (SELECT sum(trained) FROM ty)::BIGINT AS trained
        FROM cy""",
    "cases": _with(CASES_OF_YEAR) + """
        SELECT count(*) AS received, count(*) FILTER (WHERE carried_over) AS carried_over,
               count(*) FILTER (WHERE r = 'dang_hoa_giai') AS dang_hoa_giai,
               count(*) FILTER (WHERE r = 'thanh') AS thanh, count(*) FILTER (WHERE r = 'khong_thanh') AS khong_thanh,
               count(*) FILTER (WHERE r = 'ngoai_pham_vi') AS ngoai_pham_vi
        FROM cy""",
    "teams": _with(MEMBERS, TEAMS_OF_YEAR, SETTINGS) + """
        SELECT count(*) AS teams,
               count(*) FILTER (WHERE active >= min_members AND women >= min_women AND leaders >= 1
                                  AND (NOT ethnic_area OR ethnic >= min_ethnic)) AS composition_ok,
               sum(active)::BIGINT AS active, sum(trained)::BIGINT AS trained
        FROM ty CROSS JOIN m""",
    "mediators": _with(MEMBERS) + f"""
        SELECT count(*) FILTER (WHERE active) AS active, count(*) FILTER (WHERE active AND gender = 'nu') AS women,
               count(*) FILTER (WHERE active AND ethnic_minority) AS ethnic,
               count(*) FILTER (WHERE left_on BETWEEN {Y0} AND {REF}) AS left_in_year
        FROM med""",
    "trainings": _with(MEMBERS, TEAMS_OF_YEAR) + f"""
        SELECT sum(active)::BIGINT AS active, sum(trained)::BIGINT AS trained,
               (SELECT count(*) FROM trainings WHERE status = 'da_to_chuc' AND held_on BETWEEN {Y0} AND {Y1})
                   AS sessions
        FROM ty""",
    "plan": """
        SELECT count(*) AS total, count(*) FILTER (WHERE t.status = 'hoan_thanh') AS hoan_thanh,
               count(*) FILTER (WHERE t.status = 'dang_thuc_hien') AS dang_thuc_hien,
               count(*) FILTER (WHERE t.deadline < current_date AND t.status <> 'hoan_thanh') AS overdue
        FROM plan_tasks t JOIN plans p ON p.id = t.plan_id WHERE p.year = $year""",
    "funding": f"""
        SELECT coalesce(sum(p.amount) FILTER (WHERE p.status = 'da_chi'), 0)::BIGINT AS paid,
               coalesce(sum(p.amount) FILTER (WHERE p.status IN ('de_nghi', 'da_duyet')), 0)::BIGINT AS pending
        FROM payments p JOIN teams t ON t.id = p.team_id
        WHERE p.year = $year AND p.kind IN ('thu_lao', 'ho_tro')
          AND coalesce(t.valid_from, DATE '1900-01-01') <= {Y1} AND coalesce(t.valid_to, DATE '9999-12-31') >= {Y0}""",
    "evidence": """
        SELECT count(*) AS documents FROM evidence_documents d JOIN evidence_kinds k ON k.code = d.kind
        WHERE d.deleted_at IS NULL AND d.year = $year""",
    "criteria": _with(CASES_OF_YEAR, REGISTER) + """
        SELECT count(*) FILTER (WHERE cy.r <> 'ngoai_pham_vi') AS in_scope,
               count(*) FILTER (WHERE cy.r <> 'ngoai_pham_vi' AND reg.complete) AS register_complete,
               count(*) FILTER (WHERE cy.r = 'thanh') AS thanh,
               count(*) FILTER (WHERE cy.r IN ('thanh', 'khong_thanh')) AS concluded
        FROM cy JOIN reg ON reg.id = cy.id""",
    "quality": _with(CASES_OF_YEAR, MEMBERS, TEAMS_OF_YEAR, SETTINGS, REGISTER, SCORES) + """
        SELECT count(*) FILTER (WHERE band = 'tot') AS tot, count(*) FILTER (WHERE band = 'kha') AS kha,
               count(*) FILTER (WHERE band = 'trung_binh') AS trung_binh, count(*) FILTER (WHERE band = 'yeu') AS yeu,
               count(*) FILTER (WHERE band = 'chua_du_du_lieu') AS chua_du_du_lieu
        FROM banded""",
    "commendation": _with(CASES_OF_YEAR, MEMBERS, TEAMS_OF_YEAR, SETTINGS, REGISTER, SCORES, MEDIATOR_WORK) + """
        SELECT (SELECT count(*) FROM banded
                WHERE band = 'tot' AND concluded >= team_concluded_min
                  AND coalesce(thanh::DOUBLE / nullif(concluded, 0) >= team_rate_min, FALSE)
                  AND incidents <= team_incidents_max
                  AND coalesce(trained::DOUBLE / nullif(active, 0) >= team_trained_min, FALSE)
                  AND active >= min_members AND women >= min_women AND leaders >= 1
                  AND (NOT ethnic_area OR ethnic >= min_ethnic)) AS teams,
               (SELECT count(*) FROM med CROSS JOIN m LEFT JOIN mw ON mw.mediator_id = med.id
                WHERE coalesce(mw.concluded, 0) >= med_concluded_min
                  AND coalesce(mw.thanh::DOUBLE / nullif(mw.concluded, 0) >= med_rate_min, FALSE)
                  AND med.trained AND med.active) AS mediators""",
}


# The naive peer: every table the figures read, loaded whole into pandas on each view, then computed there.
CASE_TABLES = ("cases", "teams", "villages")
MEMBER_TABLES = ("mediators", "teams", "villages", "trainings", "training_attendance")
SETTING_TABLE_NAMES = tuple(table for table, *_ in SETTING_TABLES)
NAIVE_TABLES = {
    "overview": CASE_TABLES + MEMBER_TABLES,
    "cases": CASE_TABLES,
    "teams": MEMBER_TABLES + ("plan_targets",),
    "mediators": MEMBER_TABLES,
    "trainings": MEMBER_TABLES,
    "plan": ("plans", "plan_tasks"),
    "funding": ("payments", "teams"),
    "evidence": ("evidence_documents", "evidence_kinds"),
    "criteria": CASE_TABLES + ("case_parties", "case_mediators"),
    "quality": CASE_TABLES + MEMBER_TABLES + ("case_parties", "case_mediators") + SETTING_TABLE_NAMES,
    "commendation": CASE_TABLES + MEMBER_TABLES + ("case_parties", "case_mediators") + SETTING_TABLE_NAMES,
}


def load_tables(con, names) -> dict:
    return {name: con.cursor().execute(f"SELECT * FROM {name}").df() for name in dict.fromkeys(names)}


def _dates(series):
    import pandas as pd
    return pd.to_datetime(series)


def _flag(series):
    return series.fillna(False).astype(bool)


def _year_bounds(year: int):
    import pandas as pd
    return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)


def _exists(frame, year: int):
    start, stop = _year_bounds(year)
    since, until = _dates(frame["valid_from"]), _dates(frame["valid_to"])
    return (since.isna() | (since <= stop)) & (until.isna() | (until >= start))


def naive_cases(t: dict, year: int, today: dt.date):
    """cy in pandas."""
    import numpy as np
    import pandas as pd
    start, stop = _year_bounds(year)
    c = t["cases"]
    c = c[c["deleted_at"].isna()]
    c = c.merge(t["teams"][["id", "village_id"]].rename(columns={"id": "team_id"}), on="team_id")
    c = c.merge(t["villages"][["id"]].rename(columns={"id": "village_id"}), on="village_id")
    received, concluded = _dates(c["received_on"]), _dates(c["concluded_on"])
    ended = concluded.fillna(received)
    still_open = c["result"] == "dang_hoa_giai"
    last = ended.where(~still_open, received.clip(lower=pd.Timestamp(today)))
    keep = (received <= stop) & (last >= start)
    c, received, ended = c[keep].copy(), received[keep], ended[keep]
    c["r"] = c["result"].where((c["result"] != "dang_hoa_giai") & (ended <= stop), "dang_hoa_giai")
    c["carried_over"] = received.dt.year < year
    incident_year = np.maximum(_dates(c["incident_on"]).fillna(received).dt.year, received.dt.year)
    c["incident"] = _flag(c["security_incident"]) & (incident_year == year)
    return c


def naive_members(t: dict, year: int, today: dt.date):
    """med in pandas."""
    import pandas as pd
    start, stop = _year_bounds(year)
    ref = min(stop, pd.Timestamp(today))
    m = t["mediators"].merge(t["teams"][["id", "village_id"]].rename(columns={"id": "team_id"}), on="team_id")
    joined, left = _dates(m["joined_on"]).fillna(pd.Timestamp(1900, 1, 1)), _dates(m["left_on"])
    member = (joined <= stop) & (left.isna() | (left >= start))
    m, joined, left = m[member].copy(), joined[member], left[member]
    m["left"] = left
    m["active"] = (joined <= ref) & (left.isna() | (left > ref))
    trainings = t["trainings"]
    held = _dates(trainings["held_on"])
    sessions = trainings.loc[(trainings["status"] == "da_to_chuc") & (held >= start) & (held <= stop), "id"]
    attendance = t["training_attendance"]
    m["trained"] = m["id"].isin(set(attendance.loc[attendance["training_id"].isin(sessions), "mediator_id"]))
    return m


def naive_teams(t: dict, year: int, members):
    """ty in pandas."""
    teams = t["teams"][_exists(t["teams"], year)].rename(columns={"id": "team_id"})
    teams = teams.merge(t["villages"][["id", "ethnic_area"]].rename(columns={"id": "village_id"}), on="village_id")
    active = members[members["active"]].assign(
        women=lambda d: d["gender"] == "nu", leaders=lambda d: _flag(d["is_leader"]),
        ethnic=lambda d: _flag(d["ethnic_minority"]), trained=lambda d: d["trained"].astype(bool), active=True)
    counts = active.groupby("team_id")[["active", "women", "leaders", "ethnic", "trained"]].sum()
    teams = teams[["team_id", "village_id", "ethnic_area"]].merge(counts, left_on="team_id", right_index=True,
                                                                   how="left")
    for column in ("active", "women", "leaders", "ethnic", "trained"):
        teams[column] = teams[column].fillna(0).astype(int)
    return teams


def naive_settings(t: dict, year: int) -> dict:
    """m in pandas: {column: value} of the settings in force at 31/12 of the year."""
    import pandas as pd
    ref = pd.Timestamp(year, 12, 31)
    found = {}
    for table, code, value, law in SETTING_TABLES:
        if table not in t:  # a page that reads only some of them (teams: the Art. 12 minimums)
            continue
        for key, rows in t[table].groupby(code):
            since, until = _dates(rows["valid_from"]), _dates(rows["valid_to"])
            now = rows[(since <= ref) & (until.isna() | (until >= ref))]
            if len(now):
                found[key] = float(now.loc[_dates(now["valid_from"]).idxmax(), value])
            elif law or since.min() > ref:
                found[key] = float(rows.loc[since.idxmin(), value])
    nan = float("nan")
    return {column: found.get(key, nan if default is None else default)
            for column, (key, default) in SETTING_COLUMNS.items()}


def naive_register(t: dict, cy):
    """reg in pandas: complete per case of cy (same index)."""
    ids = set(cy["id"])
    parties = t["case_parties"]
    parties = parties[parties["case_id"].isin(ids)].assign(
        no_age=lambda d: d["age"].isna(),
        no_address=lambda d: d["address"].fillna("").astype(str).str.strip() == "")
    per_case = parties.groupby("case_id").agg(n=("case_id", "size"), no_age=("no_age", "sum"),
                                                no_address=("no_address", "sum"))
    mediators = t["case_mediators"]
    assigned = mediators[mediators["case_id"].isin(ids)].groupby("case_id").size()
    n_parties = cy["id"].map(per_case["n"]).fillna(0)
    no_age, no_address = cy["id"].map(per_case["no_age"]).fillna(0), cy["id"].map(per_case["no_address"]).fillna(0)
    blank = lambda s: s.fillna("").astype(str).str.strip() == ""  # noqa: E731
    concluded = cy["r"].isin(["thanh", "khong_thanh"])
    return ((cy["id"].map(assigned).fillna(0) > 0) & (n_parties > 0) & (no_age == 0) & (no_address == 0)
            & ~blank(cy["summary"]) & ~(concluded & blank(cy["agreement"])))


def _round1(x):
    """DuckDB's round(x, 1): half away from zero (numpy rounds half to even)."""
    import numpy as np
    return np.sign(x) * np.floor(np.abs(x) * 10 + 0.5) / 10


def naive_scores(t: dict, year: int, today: dt.date):
    """banded in pandas: ty with the score inputs, score, graded and band; plus cy, med and m."""
    import numpy as np
    s = naive_settings(t, year)
    cy = naive_cases(t, year, today)
    cy["complete"] = naive_register(t, cy)
    members = naive_members(t, year, today)
    ty = naive_teams(t, year, members)
    concluded = cy["r"].isin(["thanh", "khong_thanh"])
    days_assign = (_dates(cy["assigned_on"]) - _dates(cy["received_on"])).dt.days
    days_close = (_dates(cy["concluded_on"]) - _dates(cy["received_on"])).dt.days
    in_scope = cy["r"] != "ngoai_pham_vi"
    cy = cy.assign(thanh=cy["r"] == "thanh", concluded=concluded,
                   timely=concluded & (days_assign <= s["assign_days"]) & (days_close <= s["deadline_days"]),
                   register_cases=in_scope, register_complete=in_scope & cy["complete"])
    work = cy.groupby("team_id")[["thanh", "concluded", "timely", "register_cases", "register_complete"]].sum()
    incidents = cy.groupby("village_id")["incident"].sum().rename("incidents")
    ty = ty.merge(work, left_on="team_id", right_index=True, how="left")
    ty = ty.merge(incidents, left_on="village_id", right_index=True, how="left")
    for column in ("thanh", "concluded", "timely", "register_cases", "register_complete", "incidents"):
        ty[column] = ty[column].fillna(0).astype(int)
    weights = {c: s[f"w_{c}"] for c in ("ket_qua", "kip_thoi", "kien_toan", "tap_huan", "ho_so", "an_ninh")}
    total = sum(weights.values())
    applies = {"ket_qua": ty["concluded"] > 0, "kip_thoi": ty["concluded"] > 0, "kien_toan": ty["active"] >= 0,
               "tap_huan": ty["active"] > 0, "ho_so": ty["register_cases"] > 0, "an_ninh": ty["active"] >= 0}
    applicable = sum(np.where(applies[c], weights[c], 0) for c in weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        span = s["rate_full"] - s["rate_floor"]
        rate = ty["thanh"] / ty["concluded"].where(ty["concluded"] > 0)
        fractions = {
            "ket_qua": ((rate - s["rate_floor"]) / (span if span else np.nan)).clip(0, 1).fillna(1.0),
            "kip_thoi": ty["timely"] / ty["concluded"].where(ty["concluded"] > 0),
            "kien_toan": ((ty["active"] >= s["min_members"]).astype(int) + (ty["women"] >= s["min_women"]).astype(int)
                          + (ty["leaders"] >= 1).astype(int)) / 3.0,
            "tap_huan": ty["trained"] / ty["active"].where(ty["active"] > 0),
            "ho_so": ty["register_complete"] / ty["register_cases"].where(ty["register_cases"] > 0),
            "an_ninh": np.where(ty["incidents"] == 0, 1.0,
                                np.where(ty["incidents"] <= s["partial_max"], s["partial_share"], 0.0)),
        }
        points = 0.0
        for c in weights:
            points = points + np.where(applies[c], weights[c] * total / applicable * fractions[c], 0.0)
    ty["score"] = np.where(applicable > 0, _round1(points), np.nan)
    ty["total_w"], ty["app_w"] = total, applicable
    not_applicable_share = (total - applicable) / total if total else np.nan
    ty["graded"] = (~np.isnan(ty["score"]) & ~(ty["concluded"] < s["min_concluded"])
                    & ~(not_applicable_share > s["max_na"] + 1e-9))
    ty["band"] = np.select(
        [~ty["graded"], ty["score"] >= s["band_tot"], ty["score"] >= s["band_kha"], ty["score"] >= s["band_tb"]],
        ["chua_du_du_lieu", "tot", "kha", "trung_binh"], "yeu")
    return ty, cy, members, s


def _naive_overview(t, year, today):
    cy = naive_cases(t, year, today)
    ty = naive_teams(t, year, naive_members(t, year, today))
    return {"received": len(cy), "thanh": int((cy["r"] == "thanh").sum()),
            "khong_thanh": int((cy["r"] == "khong_thanh").sum()),
            "active": int(ty["active"].sum()), "trained": int(ty["trained"].sum())}


def _naive_cases(t, year, today):
    cy = naive_cases(t, year, today)
    counts = cy["r"].value_counts()
    return {"received": len(cy), "carried_over": int(cy["carried_over"].sum()),
            **{r: int(counts.get(r, 0)) for r in ("dang_hoa_giai", "thanh", "khong_thanh", "ngoai_pham_vi")}}


def _naive_teams(t, year, today):
    s = naive_settings(t, year)
    ty = naive_teams(t, year, naive_members(t, year, today))
    ok = ((ty["active"] >= s["min_members"]) & (ty["women"] >= s["min_women"]) & (ty["leaders"] >= 1)
          & ((ty["ethnic_area"] == False) | (ty["ethnic"] >= s["min_ethnic"])))  # noqa: E712 — NULL stays not ok
    return {"teams": len(ty), "composition_ok": int(ok.sum()), "active": int(ty["active"].sum()),
            "trained": int(ty["trained"].sum())}


def _naive_mediators(t, year, today):
    import pandas as pd
    m = naive_members(t, year, today)
    active = m["active"]
    ref = min(pd.Timestamp(year, 12, 31), pd.Timestamp(today))
    return {"active": int(active.sum()), "women": int((active & (m["gender"] == "nu")).sum()),
            "ethnic": int((active & _flag(m["ethnic_minority"])).sum()),
            "left_in_year": int(((m["left"] >= pd.Timestamp(year, 1, 1)) & (m["left"] <= ref)).sum())}


def _naive_trainings(t, year, today):
    start, stop = _year_bounds(year)
    ty = naive_teams(t, year, naive_members(t, year, today))
    trainings = t["trainings"]
    held = _dates(trainings["held_on"])
    return {"active": int(ty["active"].sum()), "trained": int(ty["trained"].sum()),
            "sessions": int(((trainings["status"] == "da_to_chuc") & (held >= start) & (held <= stop)).sum())}


def _naive_plan(t, year, today):
    import pandas as pd
    tasks = t["plan_tasks"].merge(t["plans"][["id", "year"]].rename(columns={"id": "plan_id"}), on="plan_id")
    tasks = tasks[tasks["year"] == year]
    overdue = (_dates(tasks["deadline"]) < pd.Timestamp(today)) & (tasks["status"] != "hoan_thanh")
    return {"total": len(tasks), "hoan_thanh": int((tasks["status"] == "hoan_thanh").sum()),
            "dang_thuc_hien": int((tasks["status"] == "dang_thuc_hien").sum()), "overdue": int(overdue.sum())}


def _naive_funding(t, year, today):
    teams = t["teams"][_exists(t["teams"], year)]
    p = t["payments"]
    p = p[(p["year"] == year) & p["kind"].isin(["thu_lao", "ho_tro"]) & p["team_id"].isin(set(teams["id"]))]
    return {"paid": int(p.loc[p["status"] == "da_chi", "amount"].sum()),
            "pending": int(p.loc[p["status"].isin(["de_nghi", "da_duyet"]), "amount"].sum())}


def _naive_evidence(t, year, today):
    d = t["evidence_documents"]
    d = d[d["deleted_at"].isna() & (d["year"] == year) & d["kind"].isin(set(t["evidence_kinds"]["code"]))]
    return {"documents": len(d)}


def _naive_criteria(t, year, today):
    cy = naive_cases(t, year, today)
    complete = naive_register(t, cy)
    in_scope = cy["r"] != "ngoai_pham_vi"
    return {"in_scope": int(in_scope.sum()), "register_complete": int((in_scope & complete).sum()),
            "thanh": int((cy["r"] == "thanh").sum()), "concluded": int(cy["r"].isin(["thanh", "khong_thanh"]).sum())}


def _naive_quality(t, year, today):
    ty, *_ = naive_scores(t, year, today)
    counts = ty["band"].value_counts()
    return {band: int(counts.get(band, 0)) for band in ("tot", "kha", "trung_binh", "yeu", "chua_du_du_lieu")}


def _naive_commendation(t, year, today):
    ty, cy, members, s = naive_scores(t, year, today)
    with_cases = ty["concluded"].where(ty["concluded"] > 0)
    teams = ((ty["band"] == "tot") & (ty["concluded"] >= s["team_concluded_min"])
             & (ty["thanh"] / with_cases >= s["team_rate_min"]) & (ty["incidents"] <= s["team_incidents_max"])
             & (ty["trained"] / ty["active"].where(ty["active"] > 0) >= s["team_trained_min"])
             & (ty["active"] >= s["min_members"]) & (ty["women"] >= s["min_women"]) & (ty["leaders"] >= 1)
             & ((ty["ethnic_area"] == False) | (ty["ethnic"] >= s["min_ethnic"])))  # noqa: E712
    work = t["case_mediators"].merge(cy[["id", "r"]].rename(columns={"id": "case_id"}), on="case_id")
    work = work.assign(concluded=work["r"].isin(["thanh", "khong_thanh"]), thanh=work["r"] == "thanh")
    per = work.groupby("mediator_id")[["concluded", "thanh"]].sum()
    concluded = members["id"].map(per["concluded"]).fillna(0)
    thanh = members["id"].map(per["thanh"]).fillna(0)
    people = ((concluded >= s["med_concluded_min"]) & (thanh / concluded.where(concluded > 0) >= s["med_rate_min"])
              & members["trained"] & members["active"])
    return {"teams": int(teams.sum()), "mediators": int(people.sum())}


NAIVE = {"overview": _naive_overview, "cases": _naive_cases, "teams": _naive_teams, "mediators": _naive_mediators,
         "trainings": _naive_trainings, "plan": _naive_plan, "funding": _naive_funding, "evidence": _naive_evidence,
         "criteria": _naive_criteria, "quality": _naive_quality, "commendation": _naive_commendation}


def derive(page: str, fig: dict) -> dict:
    """The rates a page shows, from the counts (the same arithmetic for the raw and the naive figures)."""
    def share(n, d):
        return n / d if d else None
    fig = dict(fig)
    if page == "overview":
        fig["official_rate"] = share(fig["thanh"], fig["thanh"] + fig["khong_thanh"])
        fig["trained_share"] = share(fig["trained"], fig["active"])
    return fig


# --- the figures as the page shows them (read from the AppTest's elements) ----------------------------------------

def _metric(at, label: str) -> str | None:
    return next((m.value for m in at.metric if m.label == label), None)


def _int(text) -> int | None:
    """'1.234' (fmt_int), '9.900.000 đ' (fmt_money), '45' → an int; None when there is no digit."""
    digits = re.sub(r"\D", "", str(text or ""))
    return int(digits) if digits else None


def _pct(text) -> float | None:
    """'88,6%' (fmt_pct) → 0.886."""
    found = re.fullmatch(r"\s*(\d+(?:,\d+)?)\s*%\s*", str(text or ""))
    return float(found.group(1).replace(",", ".")) / 100 if found else None


def _pair(text) -> tuple[int, int] | None:
    """'6/8', '1.234/5.678' → (6, 8)."""
    found = re.fullmatch(r"\s*([\d.]+)\s*/\s*([\d.]+)\s*", str(text or ""))
    return (_int(found.group(1)), _int(found.group(2))) if found else None


def _markdown(at, pattern: str):
    rx = re.compile(pattern)
    for element in at.markdown:
        if found := rx.search(str(element.value)):
            return found
    return None


def _after(found, *groups) -> dict:
    return {} if found is None else {name: _int(found.group(i + 1)) for i, name in enumerate(groups)}


def _shown_metrics(at, names: dict, parse=_int) -> dict:
    out = {}
    for label, key in names.items():
        value = _metric(at, label)
        if value is not None and parse(value) is not None:
            out[key] = parse(value)
    return out


def _shown_pairs(at, names: dict) -> dict:
    out = {}
    for label, (a, b) in names.items():
        if pair := _pair(_metric(at, label)):
            out[a], out[b] = pair
    return out


def _shown_overview(at) -> dict:
    out = {}
    for key, pattern in (("received", r"Tiếp nhận \*\*([\d.]+)\*\* vụ việc"), ("thanh", r"Hòa giải thành: \*\*([\d.]+)\*\*"),
                         ("khong_thanh", r"Hòa giải không thành: \*\*([\d.]+)\*\*")):
        out.update(_after(_markdown(at, pattern), key))
    out.update(_shown_metrics(at, {"Tỷ lệ hòa giải thành (chính thức)": "official_rate",
                                   "Hòa giải viên được tập huấn": "trained_share"}, _pct))
    return out


def _shown_cases(at) -> dict:
    line = _markdown(at, r"^\*\*([\d.]+) vụ việc\*\*")
    if line is None:
        return {}
    text = line.string
    out = {"received": _int(line.group(1))}
    for key, pattern in (("dang_hoa_giai", r"Đang hòa giải: ([\d.]+)"), ("thanh", r"Hòa giải thành: ([\d.]+)"),
                         ("khong_thanh", r"Hòa giải không thành: ([\d.]+)"),
                         ("ngoai_pham_vi", r"Ngoài phạm vi[^:]*: ([\d.]+)"),
                         ("carried_over", r"([\d.]+) vụ việc kỳ trước chuyển sang")):
        if found := re.search(pattern, text):
            out[key] = _int(found.group(1))
    return out


def _shown_criteria(at) -> dict:
    shares = [m for m in (re.fullmatch(r"\*\*[\d,]+% \(([\d.]+)/([\d.]+)\)\*\*", str(e.value)) for e in at.markdown) if m]
    out = {}
    if len(shares) >= 1:
        out["register_complete"], out["in_scope"] = _int(shares[0].group(1)), _int(shares[0].group(2))
    if len(shares) >= 2:
        out["thanh"], out["concluded"] = _int(shares[1].group(1)), _int(shares[1].group(2))
    return out


SHOWN: dict[str, Callable] = {
    "overview": _shown_overview,
    "cases": _shown_cases,
    "teams": lambda at: _shown_pairs(at, {"Tổ đủ thành phần theo Điều 12": ("composition_ok", "teams"),
                                          "Hòa giải viên đã tập huấn": ("trained", "active")}),
    "mediators": lambda at: _shown_metrics(at, {"Đang hoạt động": "active", "Nữ": "women",
                                                "Người dân tộc thiểu số": "ethnic", "Đã thôi trong năm": "left_in_year"}),
    "trainings": lambda at: {**_shown_pairs(at, {"Đã được tập huấn": ("trained", "active")}),
                             **_shown_metrics(at, {"Buổi đã tổ chức": "sessions"})},
    "plan": lambda at: _shown_metrics(at, {"Tổng số nhiệm vụ": "total", "Hoàn thành": "hoan_thanh",
                                           "Đang thực hiện": "dang_thuc_hien", "Quá hạn": "overdue"}),
    "funding": lambda at: _shown_metrics(at, {"Đã chi": "paid", "Đã đề nghị, chưa chi": "pending"}),
    "evidence": lambda at: _shown_metrics(at, {"Hồ sơ đã tải lên": "documents"}),
    "criteria": _shown_criteria,
    "quality": lambda at: _shown_metrics(at, {"Tổ xếp loại Tốt": "tot", "Tổ xếp loại Khá": "kha",
                                              "Tổ xếp loại Trung bình": "trung_binh", "Tổ xếp loại Yếu": "yeu",
                                              "Tổ chưa đủ dữ liệu": "chua_du_du_lieu"}),
    "commendation": lambda at: _shown_metrics(at, {"Tập thể đủ tiêu chí": "teams", "Cá nhân đủ tiêu chí": "mediators"}),
}
# What each page's figure is, in words (the table's notes).
FIGURE_WORDS = {
    "overview": "vụ việc tiếp nhận, thành, không thành, tỷ lệ chính thức; HGV đang hoạt động, đã tập huấn",
    "cases": "số vụ việc của năm theo kết quả tại 31/12, kỳ trước chuyển sang",
    "teams": "tổ đủ thành phần Điều 12 / tổ; HGV đã tập huấn / đang hoạt động",
    "mediators": "HGV đang hoạt động, nữ, DTTS, đã thôi trong năm",
    "trainings": "HGV đã tập huấn / đang hoạt động; buổi đã tổ chức",
    "plan": "nhiệm vụ: tổng, hoàn thành, đang thực hiện, quá hạn",
    "funding": "đã chi, đã đề nghị chưa chi",
    "evidence": "hồ sơ đã tải lên",
    "criteria": "3.1.a vụ việc ghi đủ sổ / trong phạm vi; 3.1.b thành / kết thúc",
    "quality": "số tổ theo xếp loại, điểm chất lượng đủ 6 thành phần",
    "commendation": "tập thể, cá nhân đủ tiêu chí khen thưởng",
}


def compare(page: str, raw: dict | None, naive: dict | None, shown: dict) -> list[str]:
    """The disagreements between the raw, the naive and the page's figures, each in one line."""
    problems = []
    if raw is None or naive is None:
        return ["không tính được số liệu thô hoặc pandas"]
    for key in raw:
        a, b = raw[key], naive.get(key)
        same = (a is None and b is None) or (a is not None and b is not None and abs(float(a) - float(b)) < 1e-9)
        if not same:
            problems.append(f"{key}: thô {_show(a)} ≠ pandas {_show(b)}")
    for key, value in shown.items():
        expected = raw.get(key)
        if key.endswith(("_rate", "_share")):  # shown rounded to one decimal of a percent
            same = expected is not None and value is not None and abs(expected - value) <= 0.0005 + 1e-9
        else:
            same = expected is not None and value is not None and int(expected) == int(value)
        if not same:
            problems.append(f"{key}: trang {_show(value)} ≠ thô {_show(expected)}")
    return problems


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


# --- measuring, in the child process of one scale -------------------------------------------------------------------

def _timed(fn):
    cpu, wall = time.process_time(), time.perf_counter()
    value = fn()
    return value, (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def _median(values):
    return statistics.median(values) if values else None


class Memory:
    """The process's peak resident set: VmHWM, reset by writing 5 to /proc/self/clear_refs (Linux); else ru_maxrss."""

    def __init__(self):
        self.resettable = self.reset()
        self.method = ("VmHWM, đỉnh RSS của tiến trình đặt lại trước mỗi trang" if self.resettable
                       else "ru_maxrss, đỉnh RSS từ đầu tiến trình")

    @staticmethod
    def reset() -> bool:
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False

    def peak_mb(self) -> float:
        if self.resettable:
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / MB if sys.platform == "darwin" else peak / 1024


class AsServed:
    """AppTest running the app as the server does, and counting what each run sends to the browser.

    - One ScriptCache for every run, as the server's Runtime keeps one: AppTest makes a new one on each run, so it
      compiles app.py and the page again every time with Streamlit's magic rewrite of the AST — about two thirds of
      a warm view's CPU on the demo, which no served view pays.
    - last: Σ ForwardMsg.ByteSize() over the messages the run's LocalScriptRunner holds in its ForwardMsgQueue when
      the run ends (deltas with their Arrow tables and Vega-Lite specs, the page's metadata)."""

    def __init__(self):
        self.last = None

    def __enter__(self):
        from streamlit.runtime.scriptrunner.script_cache import ScriptCache
        from streamlit.testing.v1 import app_test, local_script_runner

        cache = ScriptCache()
        self._modules = (app_test, local_script_runner)
        self._saved = [module.ScriptCache for module in self._modules]
        for module in self._modules:
            module.ScriptCache = lambda: cache
        runner_class = local_script_runner.LocalScriptRunner
        self._runner_class, self._run = runner_class, runner_class.run
        counter = self

        def run(runner, *args, **kwargs):
            tree = counter._run(runner, *args, **kwargs)
            counter.last = sum(msg.ByteSize() for msg in runner.forward_msgs())
            return tree

        runner_class.run = run
        return self

    def __exit__(self, *exc):
        self._runner_class.run = self._run
        for module, saved in zip(self._modules, self._saved):
            module.ScriptCache = saved


def clear_caches() -> None:
    """A cold view: st.cache_data, every st.cache_resource but the process-wide ones (KEEP_RESOURCES), and the
    functools caches of db/ and pages/."""
    import streamlit as st
    from streamlit.runtime.caching.cache_resource_api import _resource_caches

    st.cache_data.clear()
    with _resource_caches._caches_lock:
        caches = [cache for per_session in _resource_caches._function_caches.values() for cache in per_session.values()]
    for cache in caches:
        if cache.display_name.rsplit(".", 1)[-1] not in KEEP_RESOURCES:
            cache.clear()
    for name, module in list(sys.modules.items()):
        if module is None or not (name in ("db", "pages") or name.startswith(("db.", "pages."))):
            continue
        for obj in list(vars(module).values()):
            if callable(getattr(obj, "cache_clear", None)) and hasattr(obj, "cache_info"):
                obj.cache_clear()


def _preimport(page_files: set[str]) -> None:
    """Every module of db/ and the helper modules of pages/ (not the page scripts): a cold view is a running server's."""
    import db
    for info in pkgutil.walk_packages(db.__path__, "db."):
        if info.name not in ("db.__main__", "db.tools.bench"):
            importlib.import_module(info.name)
    for file in sorted((ROOT / "pages").glob("*.py")):
        if file.stem != "__init__" and str(file.resolve()) not in page_files:
            try:
                importlib.import_module(f"pages.{file.stem}")
            except Exception:  # noqa: BLE001 — a page script the navigation does not list: its first view imports it
                pass


def _load() -> float | None:
    """The machine's load average over the last minute: wall times on a shared machine depend on it."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _page_errors(at) -> list[str]:
    errors = [str(e.value).splitlines()[0][:200] for e in at.exception]
    errors += [str(e.value).splitlines()[0][:200] for e in at.error
               if "Mã lỗi" in str(e.value) or "lỗi ngoài dự kiến" in str(e.value)]
    return errors


def measure_scale(spec: dict) -> dict:
    """Everything of one scale, in this (child) process. spec: label, source (None: a fresh demo file), work, year,
    pages, repeat, saves, timeout, targets."""
    work = Path(spec["work"])
    path = work / "hoagiai.duckdb"
    os.environ["HOAGIAI_DB"] = str(path)
    os.environ["HOAGIAI_STATE"] = str(work / "state")
    import db
    from db import users
    from db.tools import backup
    from db.cases import results

    started = time.perf_counter()

    def say(text: str) -> None:
        print(f"[bench {spec['label']} {time.perf_counter() - started:6.1f} s] {text}", file=sys.stderr, flush=True)

    if spec["source"] is None:
        say("tạo tệp dữ liệu minh họa mới")
        db.create_database(path, demo=True).close()
    else:
        say(f"chép {spec['source']} sang tệp tạm")
        shutil.copyfile(spec["source"], path)
        if Path(f"{spec['source']}.wal").exists():
            shutil.copyfile(f"{spec['source']}.wal", f"{path}.wal")
    con = db.open_database(path)  # the copy migrated here, not inside the first view
    if not con.execute("SELECT 1 FROM users WHERE login = ?", [BENCH_LOGIN]).fetchone():
        users.add_user(con, {"login": BENCH_LOGIN, "full_name": "Đo hiệu năng", "role": "can_bo_tu_phap",
                             "is_admin": True}, BENCH_PASSWORD, actor=BENCH_LOGIN)
    backup.daily_backup(con)  # today's automatic backup now, so that no view below makes it (once a day in use)
    year = spec["year"] or results.default_year(con)
    size = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in ("communes", "villages", "teams", "mediators", "cases")}
    session = {"login": BENCH_LOGIN, "role": "can_bo_tu_phap", "village_id": None}
    con.close()
    targets = spec["targets"] or targets_for_villages(size["villages"])
    out = {"label": spec["label"], "year": year, "size": size, "targets": targets,
           "file_mb": path.stat().st_size / MB, "pages": [], "load": [_load()]}

    from streamlit.testing.v1 import AppTest
    memory = Memory()
    out["memory_method"] = memory.method
    shared = {}

    def new_app(script: str | None = None):
        at = (AppTest.from_string(script, default_timeout=spec["timeout"]) if script
              else AppTest.from_file(str(ROOT / "app.py"), default_timeout=spec["timeout"]))
        if "components" in shared:  # the server discovers the components once, AppTest once per instance
            at._bidi_component_manager = shared["components"]
        if not script:
            at.session_state["user"] = dict(session)
            at.query_params["nam"] = str(year)
        return at

    with AsServed() as sent:
        say("lần xem đầu tiên (mở tệp, nạp mã)")
        first = new_app()
        _, cpu, wall = _timed(first.run)
        shared["components"] = first._bidi_component_manager
        out["first_view"] = {"cpu": cpu, "wall": wall, "errors": _page_errors(first)}
        registered = {Path(info["script_path"]).stem: info for info in first._registered_pages.values()
                      if info.get("script_path")}
        _preimport({str(Path(info["script_path"]).resolve()) for info in registered.values()})
        floor = new_app("import streamlit as st\nst.write('ok')")
        floor.run()
        runs = [_timed(floor.run)[1:] for _ in range(5)]
        out["floor"] = {"cpu": _median([r[0] for r in runs]), "wall": _median([r[1] for r in runs])}
        wanted = spec["pages"] or list(registered)
        for page in wanted:
            row = {"page": page, "errors": []}
            out["pages"].append(row)
            if page not in registered:
                row["errors"].append("không có trong st.navigation của tài khoản quản trị can_bo_tu_phap")
                continue
            row["title"] = registered[page].get("page_name")
            say(f"trang {page}")
            clear_caches()
            memory.reset()
            at = new_app()
            at._registered_pages = first._registered_pages
            at.switch_page(f"pages/{page}.py")
            try:
                _, row["cold_cpu"], row["cold_wall"] = _timed(at.run)
                row["sent"] = sent.last
                row["errors"] += _page_errors(at)
                row["shown"] = SHOWN[page](at) if page in SHOWN and not row["errors"] else {}
                warm = [_timed(at.run)[1:] for _ in range(spec["repeat"])]
                row["warm_cpu"], row["warm_wall"] = _median([w[0] for w in warm]), _median([w[1] for w in warm])
                row["errors"] += [e for e in _page_errors(at) if e not in row["errors"]]
            except Exception as exc:  # noqa: BLE001 — a timeout or a crash of one page: said in its row
                row["errors"].append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}")
            row["peak_mb"] = memory.peak_mb()

    con = db.connect(path)  # the same DuckDB instance as the app's connection (one per process and file)
    today = dt.date.today()
    for row in out["pages"]:
        page = row["page"]
        if page not in RAW_SQL or "title" not in row:
            continue
        say(f"truy vấn thô và pandas: {page}")
        sql = RAW_SQL[page]

        def raw_once():
            rel = con.cursor().execute(sql, {"year": year})
            names = [d[0] for d in rel.description]
            return {k: (None if v is None else v if isinstance(v, float) else int(v))
                    for k, v in zip(names, rel.fetchone())}

        def naive_once():
            return NAIVE[page](load_tables(con, NAIVE_TABLES[page]), year, today)

        row["raw"] = row["naive"] = None
        failures = []
        for kind, once, times in (("raw", raw_once, max(spec["repeat"], 3)),
                                  ("naive", naive_once, min(spec["repeat"], 3))):
            try:
                runs = [_timed(once) for _ in range(times)]
            except Exception as exc:  # noqa: BLE001 — a query the schema no longer fits: said, not fatal
                failures.append(f"{'SQL thô' if kind == 'raw' else 'pandas'} lỗi: {type(exc).__name__}: "
                                f"{str(exc).splitlines()[0][:200] if str(exc) else ''}")
                continue
            row[kind] = derive(page, runs[-1][0])
            row[f"{kind}_cpu"], row[f"{kind}_wall"] = _median([r[1] for r in runs]), _median([r[2] for r in runs])
        row["mismatches"] = failures or compare(page, row["raw"], row["naive"], row.get("shown", {}))
        missing = [k for k in SHOWN_KEYS.get(page, ()) if k not in row.get("shown", {})]
        if missing and not row["errors"]:
            row["missing"] = missing

    out["save"] = _measure_saves(con, session, spec["saves"], say)
    out["load"].append(_load())
    out["peak_mb"] = max((r.get("peak_mb") or 0 for r in out["pages"]), default=None)
    con.close()
    return out


# The figures each page is expected to show (a missing one is reported: the page changed, or its figure moved).
SHOWN_KEYS = {
    "overview": ("received", "thanh", "khong_thanh", "official_rate", "trained_share"),
    "cases": ("received", "dang_hoa_giai", "thanh", "khong_thanh", "ngoai_pham_vi"),
    "teams": ("composition_ok", "teams", "trained", "active"),
    "mediators": ("active", "women", "ethnic", "left_in_year"),
    "trainings": ("trained", "active", "sessions"),
    "plan": ("total", "hoan_thanh", "dang_thuc_hien", "overdue"),
    "funding": ("paid", "pending"),
    "evidence": ("documents",),
    "criteria": ("register_complete", "in_scope", "thanh", "concluded"),
    "quality": ("tot", "kha", "trung_binh", "yeu", "chua_du_du_lieu"),
    "commendation": ("teams", "mediators"),
}


def _measure_saves(con, session: dict, count: int, say) -> dict:
    """db.cases.save_case of a new case received today by a team that exists today, count times (the file is the
    temporary copy)."""
    from db import cases, users
    from db.core.writes import ValidationError

    say(f"lưu vụ việc ×{count}")
    user = users.current(con, session)
    team = con.execute("""SELECT id FROM teams WHERE coalesce(valid_from, DATE '1900-01-01') <= current_date
                          AND coalesce(valid_to, DATE '9999-12-31') >= current_date ORDER BY id LIMIT 1""").fetchone()
    if team is None:
        return {"error": "không có tổ nào đang hoạt động hôm nay"}
    mediator = con.execute("""SELECT id FROM mediators WHERE team_id = ? AND coalesce(joined_on, DATE '1900-01-01')
                              <= current_date AND (left_on IS NULL OR left_on > current_date) ORDER BY id LIMIT 1""",
                           [team[0]]).fetchone()

    def code(table: str, preferred: str) -> str:
        codes = [r[0] for r in con.execute(f"SELECT code FROM {table} ORDER BY code").fetchall()]
        return preferred if preferred in codes else codes[0]

    grounds, category = code("case_grounds", "yeu_cau"), code("case_categories", "lang_gieng")
    times = []
    for i in range(count):
        data = {"team_id": team[0], "received_on": dt.date.today(), "grounds": grounds, "category": category,
                "summary": "Tranh chấp lối đi chung (đo hiệu năng)", "result": "dang_hoa_giai", "concluded_on": None,
                "assigned_on": dt.date.today(), "mediator_ids": [mediator[0]] if mediator else [],
                "parties": [{"full_name": f"Người Đo Thử Số {i + 1}", "age": 40, "address": "Xóm 1"}]}
        try:
            times.append(_timed(lambda: cases.save_case(con, data, actor=user))[1:])
        except ValidationError as exc:
            return {"error": " ".join(exc.messages)[:200]}
    return {"count": count, "cpu": _median([t[0] for t in times]), "wall": _median([t[1] for t in times])}


# --- the parent: inputs, one child per scale, the table -----------------------------------------------------------

@dataclass
class Job:
    label: str
    source: Path | None  # None: a fresh demo file, built in the child
    targets: str | None  # None: by the file's number of villages


def prepare(scales: list[str], db_file: str | None, gen_dir: Path, say) -> tuple[list[Job], list[str]]:
    """The files to measure; the problems (a scale that could not be generated) as lines of the report."""
    jobs, problems = [], []
    if db_file:
        jobs.append(Job(f"tệp {Path(db_file).name}", Path(db_file), None))
    for scale in scales:
        if scale == "demo":
            jobs.append(Job("demo", None, SCALE_TARGETS["demo"]))
            continue
        path = gen_dir / f"{scale}.duckdb"
        if not path.exists():
            say(f"chưa có {path}: sinh bằng python -m db generate --scale {scale}")
            path.parent.mkdir(parents=True, exist_ok=True)
            done = subprocess.run([sys.executable, "-m", "db", "generate", "--scale", scale, "--db", str(path)],
                                  cwd=ROOT, stdout=sys.stderr.fileno() if _has_fileno() else None)
            if done.returncode != 0 or not path.exists():
                problems.append(f"Quy mô {scale}: không sinh được {path} (python -m db generate trả về "
                                f"{done.returncode}); bỏ qua.")
                continue
        jobs.append(Job(scale, path, SCALE_TARGETS[scale]))
    return jobs, problems


def _has_fileno() -> bool:
    try:
        sys.stderr.fileno()
        return True
    except (AttributeError, OSError, ValueError):
        return False


def run_child(job: Job, options: dict, say) -> dict:
    work = Path(tempfile.mkdtemp(prefix="hoagiai-bench-"))
    try:
        spec = {"label": job.label, "source": str(job.source) if job.source else None, "work": str(work),
                "targets": job.targets, **options}
        (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        env = {**os.environ, "HOAGIAI_STATE": str(work / "state"), "HOAGIAI_DB": str(work / "hoagiai.duckdb"),
               "STREAMLIT_LOGGER_LEVEL": "error"}  # no «missing ScriptRunContext» line per AppTest run
        done = subprocess.run([sys.executable, "-m", "db.tools.bench", str(work / "spec.json"), str(work / "result.json")],
                              cwd=ROOT, env=env, stdout=sys.stderr.fileno() if _has_fileno() else None)
        result_file = work / "result.json"
        if done.returncode != 0 or not result_file.exists():
            return {"label": job.label, "failed": f"tiến trình đo trả về {done.returncode}"}
        return json.loads(result_file.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _ms(value) -> str:
    return "—" if value is None else f"{value:.0f}"


def _ratio(a, b) -> str:
    return "—" if a is None or not b else f"{a / b:.1f}".replace(".", ",") + "×"


def _mark(ok: bool | None) -> str:
    return "" if ok is None else " ✓" if ok else " ✗"


COLUMNS = ("Quy mô", "Trang", "Lạnh ms CPU / thực", "Ấm ms CPU / thực", "Bộ nhớ đỉnh MB", "Gửi KB",
           "SQL thô ms", "Pandas ms", "Trang/thô", "Pandas/trang", "Số liệu")


def render(results: list[dict], problems: list[str], options: dict) -> tuple[str, list[str]]:
    """The Markdown report and its warning lines."""
    import duckdb
    import streamlit
    lines, warnings = [], list(problems)
    lines.append(f"## Hiệu năng — python -m db bench ({dt.datetime.now():%d/%m/%Y %H:%M})")
    lines.append("")
    lines.append(f"Máy: {os.cpu_count()} nhân, {platform.system()} {platform.machine()}; Python "
                 f"{platform.python_version()}, DuckDB {duckdb.__version__}, Streamlit {streamlit.__version__}. "
                 f"Mỗi quy mô trong một tiến trình riêng, trên bản sao tạm của tệp.")
    lines.append("")
    lines.append("- **Lạnh**: phiên mới mở thẳng địa chỉ của trang (`?nam=`), sau `st.cache_data.clear()`, xóa mọi "
                 "`st.cache_resource` trừ kết nối DuckDB (máy chủ mở một lần) và các bộ nhớ đệm functools của `db/`, "
                 "`pages/`. **Ấm**: trung vị " f"{options['repeat']} lần chạy lại cùng phiên, cùng trang. Thời gian CPU "
                 "của cả tiến trình (luồng trang và luồng DuckDB) / thời gian thực, ms, qua AppTest; mục tiêu xét theo "
                 "CPU.")
    lines.append("- **Bộ nhớ đỉnh**: đỉnh RSS của tiến trình khi xem trang (gồm DuckDB, Arrow, pandas). **Gửi**: tổng "
                 "`ForwardMsg.ByteSize()` của một lần xem lạnh (bảng Arrow, biểu đồ Vega-Lite…), KB = 1024 byte.")
    lines.append("- **SQL thô**: một truy vấn DuckDB các số liệu chính của trang, thẳng trên các bảng, theo năm (giới "
                 "hạn dưới). **Pandas**: nạp nguyên các bảng cần vào pandas rồi tính (thiết kế ngây thơ, tính cả thời "
                 "gian nạp). Tỷ lệ theo CPU, trang ấm. **Số liệu**: thô, pandas và số trên trang khớp nhau (✓) hay "
                 "không (✗, xem cảnh báo).")
    lines.append(f"- Mục tiêu (issue 15): xã ≤ {TARGETS['commune'].warm_ms:.0f} ms ấm, ≤ "
                 f"{TARGETS['commune'].cold_ms:.0f} ms lạnh, lưu ≤ {TARGETS['commune'].save_ms:.0f} ms; tỉnh (và "
                 f"huyện) ≤ {TARGETS['province'].warm_ms:.0f} ms ấm, ≤ {TARGETS['province'].cold_ms:.0f} ms lạnh; "
                 f"toàn quốc ≤ {TARGETS['national'].warm_ms:.0f} ms ấm, ≤ {TARGETS['national'].cold_ms:.0f} ms lạnh, "
                 f"≤ 1,5 GB bộ nhớ, ≤ 1 MB gửi mỗi lần xem; mọi quy mô: nhanh hơn pandas ≥ {NAIVE_AT_LEAST}×, chậm hơn "
                 f"SQL thô ≤ {RAW_WITHIN}×. ✓/✗ chỉ để đọc, không phải kiểm thử.")
    lines.append("")
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "|".join(["---", "---"] + ["--:"] * (len(COLUMNS) - 3) + ["---"]) + "|")
    notes = []
    for result in results:
        label = result["label"]
        if "failed" in result:
            warnings.append(f"Quy mô {label}: {result['failed']}.")
            continue
        target = TARGETS[result["targets"]]
        if result["first_view"]["errors"]:
            warnings.append(f"{label} · lần xem đầu tiên: lỗi — {'; '.join(result['first_view']['errors'])}")
        for row in result["pages"]:
            page = row["page"]
            if row["errors"]:
                warnings.append(f"{label} · {page}: lỗi trên trang — {'; '.join(row['errors'])}")
            cold = warm = "lỗi" if row["errors"] else "—"
            if row.get("cold_cpu") is not None:
                cold = f"{_ms(row['cold_cpu'])} / {_ms(row['cold_wall'])}{_mark(row['cold_cpu'] <= target.cold_ms)}"
            if row.get("warm_cpu") is not None:
                warm = f"{_ms(row['warm_cpu'])} / {_ms(row['warm_wall'])}{_mark(row['warm_cpu'] <= target.warm_ms)}"
            peak = row.get("peak_mb")
            peak_cell = "—" if peak is None else f"{peak:.0f}" + (
                _mark(peak <= target.peak_mb) if target.peak_mb else "")
            sent = row.get("sent")
            sent_cell = "—" if sent is None else f"{sent / 1024:.0f}" + (
                _mark(sent / 1024 <= target.sent_kb) if target.sent_kb else "")
            page_cpu = row.get("warm_cpu")
            page_raw = naive_page = "—"
            if row.get("raw_cpu") and page_cpu:
                page_raw = _ratio(page_cpu, row["raw_cpu"]) + _mark(page_cpu / row["raw_cpu"] <= RAW_WITHIN)
            if row.get("naive_cpu") is not None and page_cpu:
                naive_page = _ratio(row["naive_cpu"], page_cpu) + _mark(row["naive_cpu"] / page_cpu >= NAIVE_AT_LEAST)
            figures = "lỗi trang" if row["errors"] else "—"
            if "raw" in row and not row["errors"]:
                figures = "✗ lệch" if row["mismatches"] else "? thiếu" if row.get("missing") else "✓ khớp"
                if row["mismatches"]:
                    warnings.append(f"CẢNH BÁO {label} · {page}: số liệu không khớp — {'; '.join(row['mismatches'])}")
                if row.get("missing"):
                    warnings.append(f"CẢNH BÁO {label} · {page}: không đọc được trên trang: {', '.join(row['missing'])}")
            raw_cell = "—" if row.get("raw_cpu") is None else f"{_ms(row['raw_cpu'])} / {_ms(row['raw_wall'])}"
            naive_cell = "—" if row.get("naive_cpu") is None else f"{_ms(row['naive_cpu'])} / {_ms(row['naive_wall'])}"
            lines.append("| " + " | ".join((label, page, cold, warm, peak_cell, sent_cell, raw_cell, naive_cell,
                                            page_raw, naive_page, figures)) + " |")
        size = result["size"]
        save = result.get("save", {})
        if "error" in save:
            save_text = f"chưa lưu được: {save['error']}"
            warnings.append(f"{label}: lưu vụ việc — {save['error']}")
        else:
            save_text = (f"trung vị {save['count']} lần {_ms(save['cpu'])} ms CPU / {_ms(save['wall'])} ms thực"
                         + (_mark(save["cpu"] <= target.save_ms) + f" (≤ {target.save_ms:.0f} ms)"
                            if target.save_ms else ""))
        first = result["first_view"]
        notes.append(
            f"- **{label}**: {size['communes']} xã, {size['villages']} thôn, {size['teams']} tổ, {size['mediators']} "
            f"HGV, {size['cases']} vụ việc; tệp {result['file_mb']:.0f} MB; năm {result['year']}; mục tiêu "
            f"{target.name}. Lưu một vụ việc (`db.cases.save_case`): {save_text}. Lần xem đầu tiên của tiến trình "
            f"(mở tệp, nạp mã, trang mặc định): {_ms(first['cpu'])} ms CPU / {_ms(first['wall'])} ms thực. Khung "
            f"AppTest (trang một dòng, chạy lại): {_ms(result['floor']['cpu'])} ms CPU. Bộ nhớ đỉnh khi xem trang: "
            + ("—" if result["peak_mb"] is None else f"{result['peak_mb']:.0f} MB") + f" ({result['memory_method']})."
            + (" Tải máy (trung bình 1 phút) lúc bắt đầu / kết thúc: " + " / ".join(
                f"{x:.1f}".replace(".", ",") for x in result["load"] if x is not None) + f" trên {os.cpu_count()} nhân."
               if any(x is not None for x in result.get("load", [])) else ""))
    lines.append("")
    lines.extend(notes)
    figure_lines = []
    for result in results:
        for row in result.get("pages", []):
            if row.get("raw"):
                shown = row.get("shown", {})
                figure_lines.append(
                    f"- {result['label']} · {row['page']} ({FIGURE_WORDS[row['page']]}): "
                    + ", ".join(f"{k} {_show(v)}" + ("" if k in shown else " (không hiện)") for k, v in row["raw"].items()))
    if figure_lines:
        lines.append("")
        lines.append("Số liệu chính (thô = pandas = trang khi ✓):")
        lines.append("")
        lines.extend(figure_lines)
    if warnings:
        lines.append("")
        lines.extend(f"- ⚠ {w}" for w in warnings)
    return "\n".join(lines) + "\n", warnings


def known_pages() -> list[str]:
    return sorted(f.stem for f in (ROOT / "pages").glob("*.py") if f.stem != "__init__")


def run(scales: list[str] | None, db_file: str | None, pages: list[str] | None, *, repeat: int = 5, saves: int = 7,
        year: int | None = None, timeout: float = 600, out: str | None = None, gen_dir: Path = GEN_DIR) -> int:
    """python -m db bench. scales None: demo, plus every generated file already in gen_dir (demo alone with --db)."""
    def say(text: str) -> None:
        print(f"[bench] {text}", file=sys.stderr, flush=True)

    if scales is None:
        scales = [] if db_file else ["demo"] + [s for s in SCALES[1:] if (gen_dir / f"{s}.duckdb").exists()]
    options = {"pages": pages, "repeat": repeat, "saves": saves, "year": year, "timeout": timeout}
    jobs, problems = prepare(scales, db_file, gen_dir, say)
    results = [run_child(job, options, say) for job in jobs]
    report, _ = render(results, problems, options)
    print(report, end="")
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(report, encoding="utf-8")
        say(f"đã ghi {out}")
    return 1 if any("failed" in r for r in results) or (problems and not results) else 0


def _child_main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    result = measure_scale(spec)
    Path(argv[1]).write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
