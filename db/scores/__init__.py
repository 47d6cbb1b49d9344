"""Team quality score (Chất lượng tổ): the model's settings and their write path, and the reads of the score.

Every figure comes from db/scores/scores.sql (team_score, team_score_component, team_score_inputs,
team_review_flags); this module only selects and labels. The model is four tables of yearly versioned rows
(migration 005): weights (score_components), thresholds (score_params), bands (score_bands) and candidate
rules (candidate_rules). save_model edits the model *for a year*: that year and the following ones change,
earlier years keep the rules they were scored with. A team below the year's minimum of evidence (score_params
xep_loai_*) is «Chưa đủ dữ liệu để xếp loại»: band UNGRADED, no rank, its score indicative only.
"""
from __future__ import annotations

import datetime as dt
import math
import numbers
from decimal import Decimal

import numpy as np
import pandas as pd

from db.core.scope import place_params
from db.core.labels import (
    CANDIDATE_RULE_PARAMS, NOT_APPLICABLE, SCORE_BANDS, SCORE_COMPONENT_RULES, SCORE_COMPONENTS, SCORE_PARAMS,
    UNGRADED, UNGRADED_LABEL,
)
from db.core.text import shown
from db.users import authorize
from db.core.writes import ValidationError, VersionConflict, as_mapping, insert_row, is_missing, transaction, update_row

# The model's tables: the column holding each row's number, and the codes the mechanism knows.
MODEL_TABLES = {
    "score_components": ("weight", tuple(SCORE_COMPONENTS)),
    "score_params": ("value", tuple(SCORE_PARAMS)),
    "score_bands": ("min_score", tuple(SCORE_BANDS)),
    "candidate_rules": ("value", tuple(CANDIDATE_RULE_PARAMS)),
}
TABLE_LABELS = {
    "score_components": "Trọng số",
    "score_params": "Ngưỡng tính điểm",
    "score_bands": "Xếp loại",
    "candidate_rules": "Tiêu chí đề xuất khen thưởng",
}
TOTAL_POINTS = 100


def setting_label(table: str, code: str) -> str:
    if table == "score_components":
        return f"Trọng số «{SCORE_COMPONENTS[code]}»"
    if table == "score_bands":
        return f"Điểm tối thiểu xếp loại «{SCORE_BANDS[code]}»"
    if table == "score_params":
        return SCORE_PARAMS[code][0]
    return CANDIDATE_RULE_PARAMS[code][0]


def setting_unit(table: str, code: str) -> str:
    """diem (points), ty_le (a share 0–1, shown in %), ngay (days), vu (a count of cases)."""
    if table in ("score_components", "score_bands"):
        return "diem"
    return (SCORE_PARAMS if table == "score_params" else CANDIDATE_RULE_PARAMS)[code][1]


# --- reading the model -----------------------------------------------------------------------------

def model(con, year: int) -> pd.DataFrame:
    """The model in force for the year: one row per setting (tbl, code, row_id, value, valid_from, valid_to,
    version), in the order of the settings page."""
    return _model(con.cursor(), year)


def _model(cur, year: int) -> pd.DataFrame:
    """model() on a given cursor (inside save_model's transaction it must see that transaction)."""
    frame = cur.execute(
        "SELECT tbl, code, row_id, value, valid_from, valid_to, version FROM score_setting_year WHERE year = ?",
        [year],
    ).df()
    order = {(t, c): i for i, (t, c) in enumerate(
        (t, c) for t, (_, codes) in MODEL_TABLES.items() for c in codes)}
    frame["order"] = [order.get((t, c), 999) for t, c in zip(frame["tbl"], frame["code"])]
    return frame.sort_values("order").drop(columns="order").reset_index(drop=True)


def model_values(con, year: int) -> dict[tuple[str, str], float]:
    return {(r.tbl, r.code): float(r.value) for r in model(con, year).itertuples()}


def _stamp(frame: pd.DataFrame) -> str:
    return ",".join(f"{t}:{i}:{v}" for t, i, v in sorted(zip(frame["tbl"], frame["row_id"], frame["version"])))


def model_stamp(con, year: int) -> str:
    """Which rows (and versions) make the year's model: the page passes it back to save_model, which
    refuses to save over a model someone else changed meanwhile."""
    return _stamp(model(con, year))


def model_history(con) -> pd.DataFrame:
    """Every version of every setting (tbl, code, value, valid_from, valid_to), newest first per setting."""
    frame = con.cursor().execute(
        """
        SELECT 'score_components' AS tbl, code, weight AS value, valid_from, valid_to, version FROM score_components
        UNION ALL SELECT 'score_params', code, value, valid_from, valid_to, version FROM score_params
        UNION ALL SELECT 'score_bands', code, min_score, valid_from, valid_to, version FROM score_bands
        UNION ALL SELECT 'candidate_rules', code, value, valid_from, valid_to, version FROM candidate_rules
        """
    ).df()
    order = {(t, c): i for i, (t, c) in enumerate((t, c) for t, (_, codes) in MODEL_TABLES.items() for c in codes)}
    frame["order"] = [order.get((t, c), 999) for t, c in zip(frame["tbl"], frame["code"])]
    return frame.sort_values(["order", "valid_from"], ascending=[True, False]).drop(columns="order") \
        .reset_index(drop=True)


def changed_years(con) -> list[int]:
    """Years from which some setting has a new version (the first year of every version but the first)."""
    rows = con.cursor().execute(
        """
        SELECT DISTINCT year(valid_from) FROM (
            SELECT code, valid_from, row_number() OVER (PARTITION BY tbl, code ORDER BY valid_from) AS n FROM (
                SELECT 'c' AS tbl, code, valid_from FROM score_components
                UNION ALL SELECT 'p', code, valid_from FROM score_params
                UNION ALL SELECT 'b', code, valid_from FROM score_bands
                UNION ALL SELECT 'r', code, valid_from FROM candidate_rules))
        WHERE n > 1 ORDER BY 1
        """
    ).fetchall()
    return [r[0] for r in rows]


# --- the settings write path -----------------------------------------------------------------------

def _number(value, label: str, errors: list[str]) -> float | None:
    """A setting's value: a number (a pandas cell too) or a number typed as text («37,5»); finite."""
    if is_missing(value) or (isinstance(value, str) and not value.strip()):
        errors.append(f"Chưa nhập {label[0].lower() + label[1:]}.")
        return None
    if isinstance(value, str):
        value = value.strip().replace(" ", "").replace(",", ".")
    number = None
    # A number or text, not a yes/no or bytes (float() would take True and b"1") nor a list or a date.
    if isinstance(value, (str, numbers.Real, Decimal)) and not isinstance(value, (bool, np.bool_)):
        try:
            number = float(value)
        except (ValueError, OverflowError):  # «abc»; an integer too large for a float
            pass
    if number is None or not math.isfinite(number):
        errors.append(f"{label}: «{shown(value)}» không phải là số.")
        return None
    return number


def _pct(share: float) -> str:
    return f"{share * 100:g}%".replace(".", ",")


def _pts(points: float) -> str:
    return f"{points:g}".replace(".", ",")


def validate_model(values: dict[tuple[str, str], float]) -> list[str]:
    """Every rule a year's model must satisfy, as Vietnamese messages (empty: valid)."""
    errors: list[str] = []
    get = values.get
    weights = {c: get(("score_components", c)) for c in SCORE_COMPONENTS}
    for code, weight in weights.items():
        if weight is not None and not 0 <= weight <= TOTAL_POINTS:
            errors.append(f"Trọng số «{SCORE_COMPONENTS[code]}» phải từ 0 đến {TOTAL_POINTS} điểm "
                          f"(đã nhập {_pts(weight)}).")
    if all(w is not None for w in weights.values()):
        total = sum(weights.values())
        if abs(total - TOTAL_POINTS) > 1e-6:
            errors.append(f"Tổng trọng số các thành phần phải bằng {TOTAL_POINTS} điểm; hiện là {_pts(round(total, 6))} "
                          f"điểm ({'thừa' if total > TOTAL_POINTS else 'thiếu'} {_pts(round(abs(total - TOTAL_POINTS), 6))}).")
    for table, (_, codes) in MODEL_TABLES.items():
        if table in ("score_components", "score_bands"):
            continue
        for code in codes:
            value, unit, label = get((table, code)), setting_unit(table, code), setting_label(table, code)
            if value is None:
                continue
            if unit == "ty_le" and not 0 <= value <= 1:
                errors.append(f"{label} phải từ 0% đến 100% (đã nhập {_pct(value)}).")
            elif unit in ("ngay", "vu") and (value < 0 or value != int(value) or value > 3650):
                errors.append(f"{label} phải là số nguyên không âm (đã nhập {_pts(value)}).")
    floor, full = get(("score_params", "ket_qua_rate_floor")), get(("score_params", "ket_qua_rate_full"))
    if floor is not None and full is not None and not floor < full:
        errors.append(f"Kết quả: tỷ lệ được 0 điểm ({_pct(floor)}) phải thấp hơn tỷ lệ được đủ điểm ({_pct(full)}).")
    bands = [(c, get(("score_bands", c))) for c in SCORE_BANDS]
    for code, low in bands:
        if low is not None and not 0 <= low <= TOTAL_POINTS:
            errors.append(f"Điểm tối thiểu xếp loại «{SCORE_BANDS[code]}» phải từ 0 đến {TOTAL_POINTS} "
                          f"(đã nhập {_pts(low)}).")
    if bands[-1][1] not in (None, 0):
        errors.append(f"Xếp loại «{SCORE_BANDS[bands[-1][0]]}» là mọi điểm dưới mức «{SCORE_BANDS[bands[-2][0]]}»: "
                      "điểm tối thiểu của nó phải là 0.")
    for (upper, high), (lower, low) in zip(bands, bands[1:]):
        if high is not None and low is not None and not high > low:
            errors.append(f"Điểm tối thiểu xếp loại «{SCORE_BANDS[upper]}» ({_pts(high)}) phải cao hơn "
                          f"«{SCORE_BANDS[lower]}» ({_pts(low)}).")
    return errors


def _in_force(cur, table: str, code: str, year: int) -> dict | None:
    rel = cur.execute(
        "SELECT * FROM " + table + " WHERE code = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?) "
        "ORDER BY valid_from DESC LIMIT 1",
        [code, dt.date(year, 12, 31), dt.date(year, 12, 31)],
    )
    row = rel.fetchone()
    return dict(zip([d[0] for d in rel.description], row)) if row else None


def _set_from_year(cur, table: str, code: str, year: int, value: float, actor: str) -> bool:
    """Make `value` the setting from 1 January of `year` until the next existing version; False if unchanged.

    The row in force that began this year is corrected in place; one that began earlier is closed at
    31/12 of the year before and followed by a new row, so earlier years keep their value.
    """
    column = MODEL_TABLES[table][0]
    start, what = dt.date(year, 1, 1), setting_label(table, code)
    row = _in_force(cur, table, code, year)
    if row is not None:
        if float(row[column]) == value:
            return False
        if row["valid_from"] >= start:
            update_row(cur, table, row["id"], {column: value}, actor, None, what)
            return True
        update_row(cur, table, row["id"], {"valid_to": start - dt.timedelta(days=1)}, actor, None, what, action="close")
        insert_row(cur, table, {"code": code, column: value, "valid_from": start, "valid_to": row["valid_to"]}, actor)
        return True
    # No row in force: the year is before the setting's first version (or after its last one ended).
    following = cur.execute(
        "SELECT min(valid_from) FROM " + table + " WHERE code = ? AND valid_from > ?", [code, start]).fetchone()[0]
    insert_row(cur, table, {"code": code, column: value, "valid_from": start,
                            "valid_to": following - dt.timedelta(days=1) if following else None}, actor)
    return True


def save_model(con, year: int, changes: dict[tuple[str, str], object], *, actor: str,
               expected_stamp: str | None = None) -> int:
    """Change settings of the model for `year` onwards; returns how many settings changed.

    changes: {(table, code): value}; shares as 0–1 (the page converts from %). The whole resulting model of
    the year is validated (weights sum to 100, bands in order, thresholds in range), and so is the model of
    every later year that has its own versions. Nothing is written when anything is wrong.
    """
    authorize(con, actor, "settings")
    errors: list[str] = []
    if isinstance(year, (bool, np.bool_)) or not isinstance(year, (int, np.integer)) \
            or not 2000 <= year <= dt.date.today().year + 1:
        raise ValidationError(f"Năm áp dụng «{shown(year)}» không hợp lệ.")
    year = int(year)
    if expected_stamp is not None and not isinstance(expected_stamp, str):
        raise ValidationError("Không rõ mô hình chấm điểm đang sửa là phiên bản nào; hãy tải lại trang rồi sửa lại.")
    parsed: dict[tuple[str, str], float] = {}
    for key, raw in as_mapping(changes, "thiết lập chấm điểm").items():
        # A key is (table, code) of a setting the mechanism knows.
        table, code = key if isinstance(key, tuple) and len(key) == 2 else (None, key)
        known = MODEL_TABLES[table][1] if isinstance(table, str) and table in MODEL_TABLES else ()
        if not isinstance(code, str) or code not in known:
            errors.append(f"Không có thiết lập «{shown(code)}» trong mô hình chấm điểm.")
            continue
        number = _number(raw, setting_label(table, code), errors)
        if number is not None:
            parsed[(table, code)] = number
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        frame = _model(cur, year)
        if expected_stamp is not None and _stamp(frame) != expected_stamp:
            raise VersionConflict(
                f"Mô hình chấm điểm năm {year} vừa được người khác sửa. Hãy tải lại trang để xem thiết lập mới "
                "rồi sửa lại; chưa có gì được lưu.")
        errors = validate_model({**_values_at(cur, year), **parsed})
        if errors:
            raise ValidationError(errors)
        changed = sum(_set_from_year(cur, t, c, year, v, actor) for (t, c), v in parsed.items())
        # A later year with its own version of some setting keeps its other settings: check it still adds up.
        later = cur.execute(
            """
            SELECT DISTINCT year(valid_from)::INTEGER FROM (
                SELECT valid_from FROM score_components UNION ALL SELECT valid_from FROM score_params
                UNION ALL SELECT valid_from FROM score_bands UNION ALL SELECT valid_from FROM candidate_rules)
            WHERE valid_from > ? ORDER BY 1
            """, [dt.date(year, 12, 31)]).fetchall()
        for (following,) in later:
            problems = validate_model(_values_at(cur, following))
            if problems:
                raise ValidationError([f"Từ năm {following} đã có thiết lập riêng; với thay đổi này, mô hình năm "
                                       f"{following} sẽ sai: {p}" for p in problems])
    return changed


def _values_at(cur, year: int) -> dict[tuple[str, str], float]:
    """The model of any year read from the tables (as score_setting_year: the row valid at 31/12, or before a
    setting's first version its earliest row), also for a year after the report years."""
    out = {}
    for table, (column, codes) in MODEL_TABLES.items():
        for code in codes:
            row = _in_force(cur, table, code, year) or _first_after(cur, table, code, year)
            if row is not None:
                out[(table, code)] = float(row[column])
    return out


def _first_after(cur, table: str, code: str, year: int) -> dict | None:
    """The earliest row of a setting when all its rows begin after the year."""
    rel = cur.execute(
        "SELECT * FROM " + table + " WHERE code = ? ORDER BY valid_from LIMIT 1", [code])
    row = rel.fetchone()
    row = dict(zip([d[0] for d in rel.description], row)) if row else None
    return row if row and row["valid_from"] > dt.date(year, 12, 31) else None


# --- reading the scores ----------------------------------------------------------------------------

# The columns team_scored_of (db/scores/scores.sql) adds to a row of team_score_inputs: without them, the inputs.
_SCORED_ONLY = ("parts, total_weight, applicable_weight, score, not_applicable, not_applicable_weight, "
                "not_applicable_share, too_few_cases, too_little_weight, graded, band, rank, previous_score, "
                "previous_graded, change")


def team_scores(con, year: int, village_id: int | None = None) -> pd.DataFrame:
    """One row per team: score, band, rank, change, whether graded and why not, and every input (team_score +
    team_score_inputs, read together from team_scored_of for the year only); graded teams first, best first, then the
    teams with too little data to grade (by their indicative score); ties in Vietnamese order of the village, then by
    team id (a stable order)."""
    return con.cursor().execute(
        f"""
        SELECT t.name AS team, v.name AS village, s.score, s.band, s.rank, s.previous_score, s.previous_graded,
               s.change, s.applicable_weight, s.not_applicable, s.not_applicable_weight, s.not_applicable_share,
               s.graded, s.too_few_cases, s.too_little_weight, s.grading_min_concluded, s.grading_max_not_applicable,
               s.* EXCLUDE (grading_min_concluded, grading_max_not_applicable, {_SCORED_ONLY})
        FROM team_scored_of($year) s
        JOIN teams t ON t.id = s.team_id
        JOIN villages v ON v.id = s.village_id
        WHERE in_place(s.village_id, $village, $commune, $province)
        ORDER BY s.graded DESC, s.score DESC NULLS LAST, v.name COLLATE vi, s.team_id
        """,
        {"year": year, **place_params(village_id)},
    ).df()


def components(con, year: int, village_id: int | None = None, team_id: int | None = None) -> pd.DataFrame:
    """team_score_component rows (component, weight, applicable, effective_weight, fraction, points, …) of the year."""
    return con.cursor().execute(
        """
        SELECT c.* FROM team_score_component_of($year) c
        WHERE in_place(c.village_id, $village, $commune, $province) AND ($team IS NULL OR c.team_id = $team)
        ORDER BY c.team_id, c.sort_order
        """,
        {"year": year, **place_params(village_id), "team": team_id},
    ).df()


def band_counts(con, year: int, village_id: int | None = None) -> dict[str, int]:
    """Teams per band for the year: every grade listed, best first, then UNGRADED, the teams with too little data
    to grade — counted apart, never in a grade (team_graded_of: the band of team_score, without the year before)."""
    rows = dict(con.cursor().execute(
        "SELECT band, count(*) FROM team_graded_of($year, $year) "
        "WHERE in_place(village_id, $village, $commune, $province) AND band IS NOT NULL GROUP BY band",
        {"year": year, **place_params(village_id)}).fetchall())
    return {band: int(rows.get(band, 0)) for band in (*SCORE_BANDS, UNGRADED)}


def review_flags(con, year: int, village_id: int | None = None) -> pd.DataFrame:
    """Teams needing review (cần kiện toàn) with the reasons' inputs (team_review_flags), weakest first."""
    return con.cursor().execute(
        """
        WITH idle AS (
            SELECT my.team_id, string_agg(m.full_name, ', ' ORDER BY m.full_name COLLATE vi) AS idle_names
            FROM mediator_year my JOIN mediators m ON m.id = my.mediator_id
            WHERE my.year = $year AND my.active AND my.idle
            GROUP BY my.team_id
        )
        SELECT v.name AS village, t.name AS team, f.*, idle.idle_names
        FROM team_review_flags_of($year) f JOIN teams t ON t.id = f.team_id JOIN villages v ON v.id = f.village_id
        LEFT JOIN idle ON idle.team_id = f.team_id
        WHERE in_place(f.village_id, $village, $commune, $province) AND f.needs_review
        ORDER BY f.score NULLS FIRST, v.name COLLATE vi
        """,
        {"year": year, **place_params(village_id)},
    ).df()


def score_cases(con, year: int, team_id: int) -> pd.DataFrame:
    """The team's cases of the year as the score reads them (score_case_year): for the detail's lists of
    cases that were not timely, lack register columns, or were security incidents."""
    return con.cursor().execute(
        """
        SELECT s.*, c.summary, c.category
        FROM score_case_year s JOIN cases c ON c.id = s.case_id
        WHERE s.year = ? AND s.team_id = ?
        ORDER BY s.received_on, s.case_id
        """,
        [year, team_id],
    ).df()


# --- words for the figures -------------------------------------------------------------------------

def _pct_text(share) -> str:
    if share is None or share != share:
        return NOT_APPLICABLE
    return f"{share * 100:.0f}%" if abs(share * 100 - round(share * 100)) < 1e-9 else f"{share * 100:.1f}%".replace(".", ",")


def input_text(component: str, row) -> str:
    """The inputs of one component of one team, as the officer reads them ("5/6 vụ việc hòa giải thành")."""
    if component == "ket_qua":
        if not row.concluded:
            return "chưa có vụ việc kết thúc"
        return f"{row.thanh}/{row.concluded} vụ việc hòa giải thành ({_pct_text(row.official_rate)})"
    if component == "kip_thoi":
        if not row.concluded:
            return "chưa có vụ việc kết thúc"
        return f"{row.timely}/{row.concluded} vụ việc kết thúc đúng hạn"
    if component == "kien_toan":
        met = int(row.rule_members) + int(row.rule_woman) + int(row.rule_leader)
        return f"đạt {met}/3 tiêu chí ({row.active} hòa giải viên, {row.women} nữ, " \
               f"{'có' if row.rule_leader else 'chưa có'} tổ trưởng)"
    if component == "tap_huan":
        if not row.active:
            return "không có hòa giải viên đang hoạt động"
        return f"{row.trained}/{row.active} hòa giải viên đã tập huấn"
    if component == "ho_so":
        if not row.register_cases:
            return "chưa có vụ việc trong sổ"
        return f"{row.register_complete}/{row.register_cases} vụ việc ghi đủ sổ theo dõi"
    if component == "an_ninh":
        return "không có vụ việc phức tạp gây mất ANTT" if not row.incidents else \
            f"{row.incidents} vụ việc phức tạp gây mất ANTT"
    raise KeyError(component)


def grading_reason(row) -> str | None:
    """Why a team is not graded, in words («1 vụ việc kết thúc (cần ít nhất 3)»); None for a graded team.
    row: a team_scores row (too_few_cases, too_little_weight, concluded, not_applicable_share and the minimums)."""
    if _true(row.graded):
        return None
    reasons = []
    if _true(row.too_few_cases):
        have = f"{int(row.concluded)} vụ việc kết thúc" if row.concluded else "chưa có vụ việc kết thúc"
        reasons.append(f"{have} trong năm (cần ít nhất {row.grading_min_concluded:g})")
    if _true(row.too_little_weight):
        reasons.append(f"{_pct_text(row.not_applicable_share)} trọng số «{NOT_APPLICABLE}» (tối đa "
                       f"{_pct_text(row.grading_max_not_applicable)})")
    if not reasons:  # no applicable component at all: no score
        reasons.append("không thành phần nào có số liệu")
    return "; ".join(reasons)


def grading_text(row) -> str | None:
    """«Chưa đủ dữ liệu để xếp loại: 1 vụ việc kết thúc trong năm (cần ít nhất 3)»; None for a graded team."""
    reason = grading_reason(row)
    return None if reason is None else f"{UNGRADED_LABEL}: {reason}"


def grading_rule_text(params: dict[str, float]) -> str:
    """The minimum of evidence to grade a team, in words, with the year's settings."""
    least, most = params.get("xep_loai_min_concluded"), params.get("xep_loai_max_not_applicable")
    parts = []
    if least:
        parts.append(f"có dưới {least:g} vụ việc kết thúc (thành hoặc không thành) trong năm")
    if most is not None:
        parts.append(f"có hơn {_pct_text(most)} tổng trọng số «{NOT_APPLICABLE}»")
    if not parts:
        return "Mọi tổ có điểm đều được xếp loại."
    return (f"Tổ {', hoặc '.join(parts)}, được ghi «{UNGRADED_LABEL}»: điểm của tổ chỉ để tham khảo; tổ không được "
            f"xếp loại, xếp hạng, không tính vào số tổ {', '.join(SCORE_BANDS.values())} và không được đề xuất khen "
            "thưởng.")


def _true(value) -> bool:
    """A flag of a view's row (bool, numpy bool or a missing value: False)."""
    return bool(value) if value is not None and value == value else False


def rule_text(component: str, params: dict[str, float]) -> str:
    """The component's rule in words with the year's thresholds; params: {score_params code: value}."""
    return SCORE_COMPONENT_RULES[component].format(
        full=_pct_text(params["ket_qua_rate_full"]), floor=_pct_text(params["ket_qua_rate_floor"]),
        assign=f"{params['kip_thoi_assign_days']:g}", deadline=f"{params['kip_thoi_deadline_days']:g}",
        partial_max=f"{params['an_ninh_partial_max']:g}", partial=_pct_text(params["an_ninh_partial_share"]),
    )


def _num(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def explain(component: str, inputs, part, params: dict[str, float]) -> str:
    """How a component's points were reached, from the view's figures: the inputs, the share of the weight
    earned, the effective weight (after redistribution) and the points."""
    if not part.applicable:
        return f"Không áp dụng ({input_text(component, inputs)}): trọng số {_num(part.weight, 0)} điểm được chia " \
               "cho các thành phần khác theo tỷ lệ trọng số."
    how = ""
    if component == "ket_qua":
        rate, floor, full = inputs.official_rate, params["ket_qua_rate_floor"], params["ket_qua_rate_full"]
        if rate >= full:
            how = f"từ {_pct_text(full)} trở lên được đủ điểm; "
        elif rate <= floor:
            how = f"từ {_pct_text(floor)} trở xuống được 0 điểm; "
        else:
            how = f"({_pct_text(rate)} − {_pct_text(floor)}) / ({_pct_text(full)} − {_pct_text(floor)}) = " \
                  f"{_pct_text(part.fraction)}; "
    elif component == "an_ninh" and inputs.incidents:
        how = (f"có đến {params['an_ninh_partial_max']:g} vụ được {_pct_text(part.fraction)} số điểm; "
               if part.fraction else f"quá {params['an_ninh_partial_max']:g} vụ: 0 điểm; ")
    return f"{input_text(component, inputs)}; {how}{_pct_text(part.fraction)} × {_num(part.effective_weight)} = " \
           f"{_num(part.points)} điểm."


def score_params(con, year: int) -> dict[str, float]:
    """The year's component thresholds {code: value} (score_params in force)."""
    return {code: value for (table, code), value in model_values(con, year).items() if table == "score_params"}
