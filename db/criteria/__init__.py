"""Tiêu chí: the legal-access standard's mediation indicators (and the plan's own targets), per year and village.

Quyết định 25/2021/QĐ-TTg (years 2021–2024) scores in points: the app computes Tiêu chí 3 («Hòa giải ở cơ sở, trợ giúp
pháp lý»), Chỉ tiêu 1–2 from the data; Chỉ tiêu 3 (legal aid) and the other tiêu chí are entered by hand for the year
(save_manual_points) or stay unknown, and standard() says what the pass rule (≥ 80/100 in total, ≥ 50 % of every tiêu
chí) can and cannot decide yet. Points per indicator are unconfirmed (TT 09/2021 Phụ lục I): correct_points corrects
them in place while they are marked «cần xác minh». Quyết định 27/2025/QĐ-TTg (years 2025 on) judges each indicator
pass or fail against a level (points_rule 'level'), without points.

Reads of the Tiêu chí page and the overview, and the write path for indicators. Every figure comes from
db/criteria/criteria.sql (criteria_result and the views under it), where each rule is written beside its
SQL; this module only words the result for a chairman and lists the rows behind a figure.

Versioning (why past years never change): an indicator is a chain of versions of one code, each with
valid_from / valid_to, and a year is measured with the version in force at 31/12 of that year. save_indicator
never edits a version that a finished year uses: a change takes effect from 1/1 of a year not yet finished
(this year by default); the version in force is closed at 31/12 of the year before and a new one starts.
A version that only starts in a year not yet finished may be corrected in place. This is simpler than storing
a snapshot of every closed year, and just as safe for the rules (data entered late for a past year still
counts, measured with that year's rules, as it should).

Many communes in one file (a province, a roll-up): the standard is a commune's, so every figure is one commune's
(criteria_result.commune_id). The reads take an optional commune_id: the commune in scope (a village's commune when a
village is given; None: the file's only commune). In a file of several communes with none chosen, results() lists each
commune's whole-commune rows, summary() counts the indicators of every commune together (points: None, a sum of
communes' points means nothing), standard() and manual_entries() have nothing to show (no one commune's standard) and
matrix() shows every commune's villages, labelled «Thôn X (Xã Y)», each commune's total after its villages. The
village (or commune) argument may also be a db.core.scope.Place (province, commune, village: places.scope).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from db.funding import budget, money_text
from db import places
from db.core import locks
from db.core.scope import Place
from db.core.labels import COMPARISONS, CRITERIA_STATUS, FORMULA_LABELS, POINTS_RULES, REGISTER_GAPS, RESULTS, YES_NO
from db.core.text import shown
from db.users import authorize
from db.core.writes import (
    ValidationError, as_mapping, commune_of, check_text_fields, check_version, fetch_row, form_values, insert_row, is_missing,
    parse_flag, parse_int, parse_number, record_id, record_version, require, save_keyed, text_problems, today,
    transaction, update_row,
)

# The formulas the app implements and the kind of value each gives (db/criteria/criteria.sql criteria_formula).
FORMULAS = {
    "register_complete": "ratio",
    "official_rate": "ratio",
    "budget_document": "yes_no",
    "support_at_rate": "ratio",
    "evidence_present": "document",
    "trained_share": "ratio",
    "composition": "ratio",
    "security_incidents": "count",
    "manual": "manual",
}
# Formulas where a lower value is better (met when value ≤ target).
LOWER_IS_BETTER = {"security_incidents"}
# Rules that give points (the others: 'level' — pass or fail against the level —, 'none').
SCORED_RULES = ("all_or_nothing", "proportional", "manual")
INDICATOR_FIELDS = ("framework_code", "code", "sort_order", "group_name", "wording", "formula", "target", "target_key",
                    "max_points", "points_rule", "evidence_kinds", "needs_verification", "source", "note",
                    "criterion_no", "indicator_no", "part", "comparison")
INDICATOR_TEXTS = {"framework_code": "Khung tiêu chí", "code": "Mã chỉ tiêu", "group_name": "Nhóm",
                   "wording": "Nội dung chỉ tiêu", "formula": "Cách tính", "target_key": "Mục tiêu kế hoạch",
                   "points_rule": "Cách cho điểm", "source": "Nguồn", "note": "Ghi chú", "part": "Phần của chỉ tiêu",
                   "comparison": "Cách so với mức"}
# Kept from the version changed when a change does not name them.
PLACE_FIELDS = ("criterion_no", "indicator_no", "part", "comparison")
# The notice beside every point not confirmed in the text.
VERIFY_POINTS = "cần xác minh (TT 09/2021 Phụ lục I)"


# --- formatting (numbers as a Vietnamese reader writes them) ------------------------------------------------

def _missing(value) -> bool:
    """None, NaN, NaT or pandas' NA (nullable columns of a DuckDB result)."""
    return value is None or bool(pd.isna(value))


def _is_one(value) -> bool:
    return not _missing(value) and float(value) == 1


def pct(value) -> str:
    if _missing(value):
        return "không áp dụng"
    text = f"{value * 100:.1f}".replace(".", ",")
    return text.removesuffix(",0") + "%"


def number(value) -> str:
    if _missing(value):
        return ""
    value = float(value)
    return f"{value:g}".replace(".", ",") if not value.is_integer() else f"{int(value)}"


def _int(value) -> int:
    return 0 if _missing(value) else int(value)


def _day(value) -> str:
    return "" if _missing(value) else value.strftime("%d/%m/%Y")


# --- frameworks and indicators ----------------------------------------------------------------------------

def frameworks(con) -> pd.DataFrame:
    return con.cursor().execute("SELECT * FROM criteria_frameworks ORDER BY sort_order, valid_from").df()


def frameworks_for_year(con, year: int) -> list[dict]:
    """The frameworks in force at 31/12 of the year, one per family (criteria_framework_year)."""
    rel = con.cursor().execute("SELECT * FROM criteria_framework_year_of(?) ORDER BY framework_sort", [year])
    cols = [d[0] for d in rel.description]
    return [dict(zip(cols, row)) for row in rel.fetchall()]


def framework_for_year(con, year: int, family: str = "chuan_tiep_can") -> dict | None:
    return next((f for f in frameworks_for_year(con, year) if f["family"] == family), None)


def indicator_versions(con, framework_code: str | None = None) -> pd.DataFrame:
    """Every version of every indicator (history included), by framework, order, then date."""
    return con.cursor().execute(
        """
        SELECT i.*, f.short_name AS framework_short_name, f.sort_order AS framework_sort
        FROM criteria_indicators i JOIN criteria_frameworks f ON f.code = i.framework_code
        WHERE $fw IS NULL OR i.framework_code = $fw
        ORDER BY f.sort_order, i.sort_order, i.code, i.valid_from
        """, {"fw": framework_code}).df()


def get_indicator(con, indicator_id: int) -> dict | None:
    return fetch_row(con.cursor(), "criteria_indicators", indicator_id)


def target_keys(con) -> dict[str, str]:
    """The targets an indicator may take its target from, with their labels: the thresholds of law or of a model
    (plan_targets) and the targets a year's plan sets (db.plan's PLAN_GOALS)."""
    from db import plan

    keys = {key: label for key, (label, _unit) in plan.PLAN_GOALS.items()}
    keys.update(con.cursor().execute(
        "SELECT key, arg_max(label, valid_from) FROM plan_targets GROUP BY key ORDER BY key").fetchall())
    return dict(sorted(keys.items()))


def _indicator_values(data: dict, errors: list[str], *, new: bool) -> dict:
    """The indicator's fields as typed, checked without the database (the lookups are _validate_indicator's). A
    changed indicator (new False) keeps its framework and code: the caller sets them from the database."""
    values = form_values({f: data.get(f) for f in INDICATOR_FIELDS})
    required = {"framework_code": "khung tiêu chí", "code": "mã chỉ tiêu"} if new else {}
    require(values, {**required, "wording": "nội dung chỉ tiêu", "formula": "cách tính"}, errors)
    check_text_fields(values, INDICATOR_TEXTS, errors)
    values["needs_verification"] = parse_flag(values["needs_verification"], "Cần xác minh", errors)
    values["evidence_kinds"] = _evidence_kinds(values["evidence_kinds"], errors)
    values["criterion_no"] = parse_int(values["criterion_no"], "Tiêu chí số", errors, 1, 99)
    values["indicator_no"] = parse_int(values["indicator_no"], "Chỉ tiêu số", errors, 1, 99)
    if values["comparison"] is not None and values["comparison"] not in COMPARISONS:
        errors.append(f"Cách so với mức «{shown(values['comparison'])}» không hợp lệ (≥ hoặc ≤).")
        values["comparison"] = None
    errors += text_problems({f: values[f] for f in INDICATOR_TEXTS})  # too long for its column: checked early
    return values


def _evidence_kinds(value, errors: list[str]) -> list[str]:
    """The evidence kinds an indicator needs: a list of codes (the page's multiselect) or «a; b» as stored."""
    if is_missing(value):
        return []
    if isinstance(value, str):
        return list(dict.fromkeys(k.strip() for k in value.split(";") if k.strip()))
    if isinstance(value, (list, tuple, set, frozenset)) and all(is_missing(k) or isinstance(k, str) for k in value):
        return list(dict.fromkeys(k for k in value if not is_missing(k) and k))
    errors.append("Loại hồ sơ kiểm chứng không hợp lệ: chọn từ danh mục loại hồ sơ.")
    return []


def _validate_indicator(cur, values: dict, errors: list[str]) -> dict:
    """values (from _indicator_values) checked against the lists: framework, formula, plan target, evidence kinds;
    the target and points as the formula and the rule need them."""
    values = dict(values)
    if values["framework_code"] and not cur.execute(
            "SELECT 1 FROM criteria_frameworks WHERE code = ?", [values["framework_code"]]).fetchone():
        errors.append(f"Khung tiêu chí «{shown(values['framework_code'])}» không có.")
    formula = values["formula"]
    kind = FORMULAS.get(formula)
    if formula and kind is None:
        errors.append(f"Cách tính «{shown(formula)}» không có trong các cách tính ứng dụng hỗ trợ.")
    values["kind"] = kind
    values["sort_order"] = parse_int(values["sort_order"], "Thứ tự", errors, 0, 999) or 0
    rule = values["points_rule"] or "none"
    values["points_rule"] = rule
    if (formula == "manual") != (rule == "manual") and kind is not None and rule in POINTS_RULES:
        errors.append("Chỉ tiêu nhập điểm tay dùng cách tính «Điểm do cán bộ nhập» và cách cho điểm «Điểm do cán bộ "
                      "nhập cho từng năm» cùng nhau.")
    if kind == "manual":  # points entered per year: no target of its own (met = full points), no level
        values["target"] = None
        values["target_key"] = None
        values["comparison"] = None
    elif kind == "ratio":
        values["target"] = parse_number(values["target"], "Mục tiêu (tỷ lệ)", errors, 0, 1)
    elif kind == "count":
        values["target"] = parse_number(values["target"], "Mục tiêu (số lượng)", errors, 0, 10 ** 6)
    else:
        values["target"] = 1.0  # yes/no and document indicators are met by «có»
        values["target_key"] = None
    if values["target_key"]:
        if values["target_key"] not in target_keys(cur):
            errors.append(f"Mục tiêu kế hoạch «{shown(values['target_key'])}» không có.")
    elif kind in ("ratio", "count") and values["target"] is None and not any(e.startswith("Mục tiêu") for e in errors):
        errors.append("Chưa nhập mục tiêu (hoặc mức yêu cầu, hoặc chọn lấy mục tiêu từ Kế hoạch).")
    if rule not in POINTS_RULES:
        errors.append(f"Cách cho điểm «{shown(rule)}» không hợp lệ.")
    values["max_points"] = parse_number(values["max_points"], "Điểm tối đa", errors, 0, 100)
    if rule in ("none", "level"):  # a level is passed or failed, never scored
        values["max_points"] = None
    elif values["max_points"] is None and not any(e.startswith("Điểm tối đa") for e in errors):
        errors.append("Chưa nhập điểm tối đa (hoặc chọn «Không chấm điểm» hoặc «Đạt / không đạt theo mức»).")
    if rule == "proportional" and (formula in LOWER_IS_BETTER or kind in ("yes_no", "document")
                                   or values["comparison"] == "le"):
        errors.append("Cho điểm theo tỷ lệ chỉ dùng cho chỉ tiêu tỷ lệ (giá trị càng cao càng tốt).")
    kinds = values["evidence_kinds"]
    known = {r[0] for r in cur.execute("SELECT code FROM evidence_kinds").fetchall()}
    for code in kinds:
        if code not in known:
            errors.append(f"Loại hồ sơ «{shown(code)}» không có trong danh mục.")
    if kind == "document" and not kinds:
        errors.append("Chỉ tiêu loại hồ sơ cần ít nhất một loại hồ sơ kiểm chứng.")
    values["evidence_kinds"] = ";".join(kinds) or None
    return values


def save_indicator(con, data: dict, *, actor: str, indicator_id: int | None = None, effective_year: int | None = None,
                   expected_version: int | None = None, as_of: dt.date | None = None) -> int:
    """Add an indicator to a framework, or change one, with effect from 1/1 of effective_year (default: this
    year; never a finished year). Returns the id of the version now in force from that year."""
    authorize(con, actor, "settings")
    as_of = as_of or today()
    data = as_mapping(data, "chỉ tiêu")
    indicator_id = None if indicator_id is None else record_id(indicator_id, "chỉ tiêu")
    expected_version = record_version(expected_version)
    errors: list[str] = []
    effective_year = _year(effective_year if effective_year is not None else as_of.year, errors)
    if effective_year is not None and effective_year < as_of.year:
        errors.append(f"Năm {effective_year} đã qua: kết quả các năm đã qua giữ nguyên theo tiêu chí áp dụng khi đó. "
                      f"Thay đổi chỉ có hiệu lực từ năm {as_of.year} trở đi.")
    if indicator_id is not None:  # a changed indicator keeps its framework and code (set from its row below)
        data = {k: v for k, v in data.items() if k not in ("framework_code", "code")}
    typed = _indicator_values(data, errors, new=indicator_id is None)
    with transaction(con) as cur:
        current = None
        if indicator_id is not None:
            current = fetch_row(cur, "criteria_indicators", indicator_id)
            if current is None:
                raise ValidationError(f"Không tìm thấy chỉ tiêu số {indicator_id}.")
            check_version(current, expected_version, f"Chỉ tiêu {current['code']}")
            typed.update(framework_code=current["framework_code"], code=current["code"])
            # Where it sits in the text (Tiêu chí 3, Chỉ tiêu 1, part a) and how a level compares stay as they were
            # unless the change names them.
            for field in PLACE_FIELDS:
                if field not in data:
                    typed[field] = current[field]
        values = _validate_indicator(cur, typed, errors)
        framework = cur.execute("SELECT short_name, valid_from, valid_to FROM criteria_frameworks WHERE code = ?",
                                [values["framework_code"]]).fetchone()
        start = dt.date(effective_year, 1, 1) if effective_year else None
        if framework and start:
            name, fw_from, fw_to = framework
            if fw_to is not None and fw_to < start:
                errors.append(f"{name} hết hiệu lực từ {_day(fw_to)}: các năm khung này áp dụng đã qua nên không "
                              "sửa được (để giữ nguyên kết quả đã đánh giá).")
            start = max(start, fw_from)
        if current is None and values["code"] and cur.execute(
                "SELECT 1 FROM criteria_indicators WHERE framework_code = ? AND code = ?",
                [values["framework_code"], values["code"]]).fetchone():
            errors.append(f"Mã chỉ tiêu «{shown(values['code'])}» đã có trong khung này; hãy sửa chỉ tiêu đó.")
        if current is not None and start and current["valid_to"] is not None and current["valid_to"] < start:
            errors.append(f"Phiên bản này chỉ áp dụng đến {_day(current['valid_to'])}: hãy sửa phiên bản đang áp dụng.")
        if current is not None and not errors and all(
                _same(current[f], values[f]) for f in values if f in current):
            errors.append("Không có thay đổi nào để lưu.")
        if errors:
            raise ValidationError(errors)
        if current is None:
            return insert_row(cur, "criteria_indicators", {**values, "valid_from": start, "valid_to": None}, actor)
        if current["valid_from"] >= start:
            # This version starts in a year not yet finished: no past result uses it, correct it in place.
            update_row(cur, "criteria_indicators", indicator_id, values, actor, expected_version,
                       f"Chỉ tiêu {current['code']}")
            return indicator_id
        update_row(cur, "criteria_indicators", indicator_id, {"valid_to": start - dt.timedelta(days=1)}, actor,
                   expected_version, f"Chỉ tiêu {current['code']}", action="close_version")
        return insert_row(cur, "criteria_indicators",
                          {**values, "valid_from": start, "valid_to": current["valid_to"]}, actor)


def _year(value, errors: list[str]) -> int | None:
    """The first year an indicator's change applies: a whole number from 2000 to 2100 (digits typed too)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, str)):
        errors.append(f"Năm bắt đầu áp dụng «{shown(value)}» không hợp lệ (từ 2000 đến 2100).")
        return None
    before = len(errors)
    year = parse_int(value, "Năm bắt đầu áp dụng", errors, 2000, 2100)
    if year is None and len(errors) == before:  # blank text
        errors.append("Chưa nhập năm bắt đầu áp dụng.")
    return year


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return (a is None and b is None) or (a is not None and b is not None and abs(float(a) - float(b)) < 1e-12)
    return (a or None) == (b or None)


# --- points not confirmed in the text, and points entered by hand ---------------------------------------------

def correct_points(con, indicator_id: int, data: dict, *, actor: str, expected_version: int | None = None) -> None:
    """Correct the points of an indicator version whose points were never confirmed (needs_verification): the
    seeded points of QĐ 25/2021 are placeholders until checked against TT 09/2021 Phụ lục I, and the years they are
    used for are past, so save_indicator (a new version from this year on) cannot reach them. The correction is made
    in place, for every year the version applies to, and audited («correct_points»); data: max_points, and
    needs_verification (False once checked against the text: from then on the points are only changed by a new
    version) and note. Refused for a year the version covers that is locked."""
    authorize(con, actor, "settings")
    indicator_id = record_id(indicator_id, "chỉ tiêu")
    expected_version = record_version(expected_version)
    data = as_mapping(data, "điểm chỉ tiêu")
    errors: list[str] = []
    values = form_values({f: data.get(f) for f in ("max_points", "needs_verification", "note")})
    check_text_fields(values, {"note": "Ghi chú"}, errors)
    max_points = parse_number(values["max_points"], "Điểm tối đa", errors, 0, 100)
    if max_points is None and not any(e.startswith("Điểm tối đa") for e in errors):
        errors.append("Chưa nhập điểm tối đa.")
    verify = parse_flag(values["needs_verification"], "Cần xác minh", errors)
    errors += text_problems({"note": values["note"]})
    with transaction(con) as cur:
        current = fetch_row(cur, "criteria_indicators", indicator_id)
        if current is None:
            raise ValidationError(f"Không tìm thấy chỉ tiêu số {indicator_id}.")
        what = f"Chỉ tiêu {current['code']}"
        check_version(current, expected_version, what)
        if current["points_rule"] not in SCORED_RULES:
            errors.append(f"{what} không chấm điểm ({POINTS_RULES.get(current['points_rule'], '')}): không có điểm "
                          "để sửa.")
        elif not current["needs_verification"]:
            errors.append(f"Điểm của {what.lower()} đã được xác minh: muốn đổi, hãy sửa chỉ tiêu (tạo phiên bản mới "
                          "từ năm nay) để giữ nguyên kết quả các năm đã qua.")
        if errors:
            raise ValidationError(errors)
        first = current["valid_from"].year
        last = min(current["valid_to"].year if current["valid_to"] else today().year, today().year)
        for year in range(first, last + 1):
            locks.refuse_if_locked(cur, year, f"điểm {what.lower()} (áp dụng cho năm {year})")
        note = values["note"] if "note" in data else current["note"]
        changes = {"max_points": max_points, "needs_verification": bool(verify), "note": note}
        if all(_same(current[k], v) for k, v in changes.items()):
            raise ValidationError("Không có thay đổi nào để lưu.")
        update_row(cur, "criteria_indicators", indicator_id, changes, actor, expected_version, what,
                   action="correct_points")


def criteria_of(con, framework_code: str) -> pd.DataFrame:
    """The tiêu chí of a points framework (criteria_criteria), with whether the app measures each (it has indicators)."""
    return con.cursor().execute(
        """
        SELECT c.*, EXISTS (SELECT 1 FROM criteria_indicators i WHERE i.framework_code = c.framework_code
                                                                 AND i.criterion_no = c.criterion_no) AS measured
        FROM criteria_criteria c WHERE c.framework_code = ? ORDER BY c.criterion_no
        """, [framework_code]).df()


def save_criterion(con, criterion_id: int, data: dict, *, actor: str, expected_version: int | None = None) -> None:
    """Correct a tiêu chí's name or maximum (criteria_criteria), in place and audited («correct»): not confirmed in
    the text either (TT 09/2021 Phụ lục I). The maximum of a tiêu chí the app measures is the sum of its indicators'
    maxima, never typed."""
    authorize(con, actor, "settings")
    criterion_id = record_id(criterion_id, "tiêu chí")
    expected_version = record_version(expected_version)
    data = as_mapping(data, "tiêu chí")
    errors: list[str] = []
    values = form_values({f: data.get(f) for f in ("name", "max_points", "needs_verification")})
    check_text_fields(values, {"name": "Tên tiêu chí"}, errors)
    max_points = parse_number(values["max_points"], "Điểm tối đa của tiêu chí", errors, 0, 100)
    verify = parse_flag(values["needs_verification"], "Cần xác minh", errors)
    errors += text_problems({"name": values["name"]})
    with transaction(con) as cur:
        current = fetch_row(cur, "criteria_criteria", criterion_id)
        if current is None:
            raise ValidationError(f"Không tìm thấy tiêu chí số {criterion_id}.")
        what = f"Tiêu chí {current['criterion_no']}"
        check_version(current, expected_version, what)
        measured = cur.execute("SELECT count(*) FROM criteria_indicators WHERE framework_code = ? AND criterion_no = ?",
                               [current["framework_code"], current["criterion_no"]]).fetchone()[0]
        if measured and max_points is not None:
            errors.append(f"Điểm tối đa của {what.lower()} là tổng điểm tối đa các chỉ tiêu của nó: hãy sửa điểm "
                          "từng chỉ tiêu.")
        if errors:
            raise ValidationError(errors)
        changes = {"name": values["name"] if "name" in data else current["name"],
                   "max_points": None if measured else max_points, "needs_verification": bool(verify)}
        if all(_same(current[k], v) for k, v in changes.items()):
            raise ValidationError("Không có thay đổi nào để lưu.")
        update_row(cur, "criteria_criteria", criterion_id, changes, actor, expected_version, what, action="correct")


def save_manual_points(con, year: int, criterion_no: int, data: dict, *, actor: str, indicator_code: str | None = None,
                       expected_version: int | None = None, commune_id: int | None = None) -> int:
    """The points of a year the app does not compute, entered by the officer (from the commune's self-assessment or
    the council's appraisal): a manual indicator (indicator_code: Chỉ tiêu 3 of Tiêu chí 3, legal aid) or a whole
    tiêu chí the app does not measure (indicator_code None: Tiêu chí 1, 2, 4, 5). data: points (empty = chưa biết),
    note. Only for a year whose framework scores in points (QĐ 25/2021); at most the maximum where it is known.
    Returns the entry's id."""
    authorize(con, actor, "evidence")
    data = as_mapping(data, "điểm nhập tay")
    errors: list[str] = []
    year = _entry_year(year, errors)
    criterion_no = parse_int(criterion_no, "Tiêu chí số", errors, 1, 99) if not isinstance(criterion_no, bool) else None
    if criterion_no is None and not any(e.startswith("Tiêu chí số") for e in errors):
        errors.append("Chưa chọn tiêu chí.")
    if indicator_code is not None and not isinstance(indicator_code, str):
        errors.append("Mã chỉ tiêu không hợp lệ.")
        indicator_code = None
    code = (indicator_code or "").strip()
    expected_version = record_version(expected_version)
    values = form_values({f: data.get(f) for f in ("points", "note")})
    check_text_fields(values, {"note": "Ghi chú"}, errors)
    points = parse_number(values["points"], "Điểm", errors, 0, 100)
    errors += text_problems({"note": values["note"]})
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        framework = cur.execute(
            """
            SELECT code, short_name, coalesce(assessment, 'points') FROM criteria_frameworks
            WHERE family = 'chuan_tiep_can' AND valid_from <= make_date($y, 12, 31)
              AND (valid_to IS NULL OR valid_to >= make_date($y, 12, 31))
            ORDER BY valid_from DESC, id DESC LIMIT 1
            """, {"y": year}).fetchone()
        if framework is None:
            raise ValidationError(f"Năm {year} chưa có khung chuẩn tiếp cận pháp luật nào có hiệu lực.")
        framework_code, short_name, assessment = framework
        if assessment != "points":
            raise ValidationError(f"Năm {year} đánh giá theo {short_name}: chỉ tiêu đạt hoặc không đạt theo mức, "
                                  "không chấm điểm nên không nhập điểm.")
        criterion = cur.execute("SELECT max_points FROM criteria_criteria WHERE framework_code = ? AND criterion_no = ?",
                                [framework_code, criterion_no]).fetchone()
        if criterion is None:
            raise ValidationError(f"{short_name} không có Tiêu chí {criterion_no}.")
        if code:
            row = cur.execute(
                """
                SELECT max_points FROM criteria_indicators
                WHERE framework_code = ? AND code = ? AND criterion_no = ? AND formula = 'manual'
                  AND valid_from <= make_date(?, 12, 31) AND (valid_to IS NULL OR valid_to >= make_date(?, 12, 31))
                """, [framework_code, code, criterion_no, year, year]).fetchone()
            if row is None:
                raise ValidationError(f"Tiêu chí {criterion_no} không có chỉ tiêu nhập điểm tay «{shown(code)}» "
                                      f"áp dụng năm {year}.")
            limit, what = row[0], f"Chỉ tiêu {shown(code)}"
        else:
            if cur.execute("SELECT count(*) FROM criteria_indicators WHERE framework_code = ? AND criterion_no = ?",
                           [framework_code, criterion_no]).fetchone()[0]:
                raise ValidationError(f"Điểm Tiêu chí {criterion_no} được tính từ các chỉ tiêu của nó: hãy nhập điểm "
                                      "ở chỉ tiêu nhập tay.")
            limit, what = criterion[0], f"Tiêu chí {criterion_no}"
        if points is not None and limit is not None and points > limit + 1e-9:
            raise ValidationError(f"Điểm {what} ({number(points)}) vượt điểm tối đa ({number(limit)}).")
        locks.refuse_if_locked(cur, year, f"điểm {what} năm {year}")
        return save_keyed(cur, "criteria_manual_points",
                          {"commune_id": commune_of(cur, commune_id), "year": year, "framework_code": framework_code,
                           "criterion_no": criterion_no,
                           "indicator_code": code},
                          {"points": points, "note": values["note"]}, actor, expected_version,
                          f"Điểm nhập tay của {what} năm {year}")


def _entry_year(value, errors: list[str]) -> int | None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, str)):
        errors.append(f"Năm «{shown(value)}» không hợp lệ (từ 2000 đến 2100).")
        return None
    before = len(errors)
    year = parse_int(value, "Năm", errors, 2000, 2100)
    if year is None and len(errors) == before:
        errors.append("Chưa nhập năm.")
    return year


def manual_entries(con, year: int, commune_id: int | None = None) -> dict[tuple[int, str], dict]:
    """The points a commune entered for the year, by (criterion_no, indicator_code; '' for a whole tiêu chí); commune_id
    None: the file's only commune ({} in a file of several communes)."""
    commune_id = places.commune_scope(con, commune_id)
    rel = con.cursor().execute("SELECT * FROM criteria_manual_points WHERE year = ? AND commune_id = ?",
                               [year, commune_id])
    cols = [d[0] for d in rel.description]
    return {(r["criterion_no"], r["indicator_code"]): r for r in (dict(zip(cols, row)) for row in rel.fetchall())}


def standard(con, year: int, commune_id: int | None = None) -> dict | None:
    """A commune's whole standard of a year judged in points (QĐ 25/2021), as far as the app knows it
    (criteria_standard_of: criteria_standard_year with its criteria_criterion_year rows, computed once): None for a
    year judged against levels or without one, and in a file of several communes with none chosen (commune_id None:
    the file's only commune)."""
    commune_id = places.commune_scope(con, commune_id)
    if commune_id is None:
        return None
    rel = con.cursor().execute("SELECT * FROM criteria_standard_of($year, $commune, NULL)",
                               {"year": year, "commune": commune_id})
    row = rel.fetchone()
    if row is None:
        return None
    total = dict(zip([d[0] for d in rel.description], row))
    criteria = [{k: (None if _missing(v) else v) for k, v in c.items()} for c in total.pop("criteria_rows")]
    return {**{k: (None if _missing(v) else v) for k, v in total.items()}, "criteria": criteria}


def criterion_title(number_: int, name: str | None) -> str:
    return f"Tiêu chí {number_}" + (f". {name}" if name else " (tên cần xác minh)")


def half_text(c: dict) -> str:
    """«≥ 50 % của tiêu chí» for one tiêu chí, in words: reached, not reached, or what is still missing."""
    if c["max_points"] is None:
        return "Chưa xác định (chưa có điểm tối đa)"
    half = f"{number(round(c['half'], 2))}/{number(c['max_points'])}"
    if c["half_met"] is True:
        return f"Đạt (≥ {half} điểm)"
    if c["half_met"] is False:
        return f"Chưa đạt (dưới {half} điểm)"
    return f"Chưa xác định (cần {half} điểm, còn điểm chưa nhập)"


def points_range(low, high, exact) -> str:
    """Points as far as they are known: exact, a range (low – high) while some are unknown, «≥ low» when the rest has
    no maximum either, «Chưa nhập» when nothing is known."""
    if exact is not None:
        return number(round(exact, 2))
    if high is None:
        return "Chưa nhập" if not low else f"≥ {number(round(low, 2))}"
    return f"{number(round(low, 2))} – {number(round(high, 2))}"


# --- results --------------------------------------------------------------------------------------------

def results(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """criteria_result for the year and scope (a village, or the whole commune in scope when None: commune_id, else the
    file's only commune), in framework and indicator order, with the texts a chairman reads: value, target, points,
    reason and the evidence. In a file of several communes with neither a village nor a commune chosen: every
    commune's whole-commune rows, commune by commune (column commune), each judged with its own data."""
    where = places.scope(con, village_id, commune_id)
    return _results(con, _Rows.of(con, year, where), year, where)


class _Rows:
    """Where results(), summary() and matrix() read criteria_result's rows from: the macro for the year and the place
    (the commune in scope, or every commune of the province asked for, or of the file), or figures()'s temporary table
    of those rows, computed once for the three (its cursor's own: no other cursor sees it)."""

    def __init__(self, cur, source: str, params: dict):
        self.cur, self.source, self.params = cur, source, params

    @classmethod
    def of(cls, con, year: int, where: dict) -> "_Rows":
        return cls(con.cursor(), "criteria_result_of($year, $commune, $province)",
                   {"year": year, "commune": where["commune"], "province": where["province"]})

    def execute(self, sql: str, params: dict):
        """sql, whose rows are FROM {rows}, with its own params."""
        return self.cur.execute(sql.replace("{rows}", self.source), {**self.params, **params})


def _results(con, rows: _Rows, year: int, where: dict) -> pd.DataFrame:
    village_id = where["village"]
    frame = rows.execute(
        """
        SELECT r.*, c.name AS commune FROM {rows} r JOIN communes c ON c.id = r.commune_id
        WHERE r.village_id IS NOT DISTINCT FROM $village
        ORDER BY c.name COLLATE vi, r.commune_id, r.framework_sort, r.sort_order, r.code
        """, {"village": village_id}).df()
    if frame.empty:
        return frame.assign(value_text=[], target_text=[], points_text=[], reason=[], evidence_have=[],
                            evidence_lack=[])
    for column in ("evidence_required", "evidence_missing"):  # DuckDB lists arrive as numpy arrays
        frame[column] = [list(v) for v in frame[column]]
    # Each row is read with its own commune's evidence and budget line.
    communes = [int(c) for c in frame["commune_id"].unique()]
    needs = _evidence(con, year, village_id, communes)
    budgets = _budgets(con, year, communes)
    frame["value_text"] = [value_text(r) for r in frame.itertuples()]
    frame["target_text"] = [target_text(r) for r in frame.itertuples()]
    frame["points_text"] = [points_text(r) for r in frame.itertuples()]
    frame["reason"] = [reason(r, year, budgets[r.commune_id], needs[r.commune_id]) for r in frame.itertuples()]
    frame["evidence_have"] = [[needs[r.commune_id][k]["label"] for k in r.evidence_required
                               if k not in r.evidence_missing] for r in frame.itertuples()]
    frame["evidence_lack"] = [[_lack(needs[r.commune_id][k]) for k in r.evidence_missing] for r in frame.itertuples()]
    return frame


def _budgets(con, year: int, communes: list[int]) -> dict[int, dict | None]:
    """Each commune's budget line of the year (db.funding.budget's row; None without one), in one read."""
    rel = con.cursor().execute("SELECT * FROM budgets WHERE year = $year AND list_contains($communes::INTEGER[], commune_id)",
                               {"year": year, "communes": communes})
    cols = [d[0] for d in rel.description]
    found = {row["commune_id"]: row for row in (dict(zip(cols, r)) for r in rel.fetchall())}
    return {c: found.get(c) for c in communes}


def _evidence(con, year: int, village_id: int | None, communes: list[int]) -> dict[int, dict[str, dict]]:
    """Per commune, each evidence kind with its label and, for the scope (the village, or the whole commune), its
    documents and the villages still lacking it (evidence_coverage): what reason() and _lack() word. One query for
    every commune shown."""
    rows = con.cursor().execute(
        """
        SELECT c.id, k.code, k.label, coalesce(ec.docs, 0), coalesce(ec.missing_villages, [])
        FROM communes c CROSS JOIN evidence_kinds k
        LEFT JOIN evidence_coverage_of($year, $commune, NULL) ec
               ON ec.commune_id = c.id AND ec.kind = k.code AND ec.village_id IS NOT DISTINCT FROM $village
        WHERE list_contains($communes::INTEGER[], c.id)
        """, {"year": year, "village": village_id, "communes": communes,
              "commune": communes[0] if len(communes) == 1 else None}).fetchall()
    needs: dict[int, dict[str, dict]] = {c: {} for c in communes}
    for commune, kind, label, docs, missing in rows:
        needs[commune][kind] = {"kind": kind, "label": label, "docs": docs, "missing_villages": missing}
    return needs


def _lack(kind: dict) -> str:
    """The missing kind's label; for a per-village kind some villages already have, the villages lacking it."""
    villages = [] if kind.get("missing_villages") is None or not kind.get("docs") else list(kind["missing_villages"])
    return kind["label"] + (f" (còn thiếu của {', '.join(villages)})" if villages else "")


def value_text(r) -> str:
    if r.kind == "manual":
        return "Chưa nhập" if _missing(r.value) else f"{number(r.value)} điểm"
    if r.kind == "ratio":
        return "Không áp dụng" if not _int(r.den) else f"{pct(r.value)} ({_int(r.num)}/{_int(r.den)})"
    if r.kind == "count":
        return f"{_int(r.num)}"
    if r.kind == "document":
        return "Có" if _is_one(r.value) else "Chưa có"
    return "Không áp dụng" if _missing(r.value) else YES_NO[_is_one(r.value)]


def target_text(r) -> str:
    if r.kind == "manual":
        return "Nhập tay"
    if _missing(r.target):
        return "Chưa đặt"
    sign = "≤" if r.compare == "le" else "≥"
    if r.kind == "ratio":
        return f"{sign} {pct(r.target)}"
    if r.kind == "count":
        return "Không có" if r.compare == "le" and r.target == 0 else f"{sign} {number(r.target)}"
    return "Có"


def points_text(r) -> str:
    if r.points_rule == "level":
        return "Đạt / không đạt theo mức"
    if r.points_rule == "none" or _missing(r.max_points):
        return "Không chấm điểm"
    if _missing(r.points):
        return f"– / {number(r.max_points)}"
    return f"{number(r.points)} / {number(r.max_points)}"


def reason(r, year: int, budget_row: dict | None, need: dict[str, dict]) -> str:
    """One line a chairman understands: what the data say against the target."""
    num, den = _int(r.num), _int(r.den)
    met = r.computed_status == "dat"
    formula = r.formula
    if formula == "manual":
        if _missing(r.value):
            return (f"Chưa nhập điểm năm {year} (ứng dụng không theo dõi nội dung này): nhập theo kết quả tự đánh giá "
                    "hoặc thẩm định, hoặc để trống nếu chưa biết.")
        return f"Điểm do cán bộ nhập: {number(r.value)}/{number(r.max_points)}."
    if formula == "register_complete":
        if not den:
            return f"Không có vụ việc trong phạm vi hòa giải năm {year}."
        if met:
            return f"Cả {den} vụ việc trong phạm vi đã ghi đủ các cột của Sổ theo dõi."
        return f"{den - num}/{den} vụ việc chưa ghi đủ các cột của Sổ theo dõi."
    if formula == "official_rate":
        if not den:
            return f"Năm {year} chưa có vụ việc kết thúc (thành hoặc không thành)."
        side = "đạt" if met else "dưới"
        goal = "mức yêu cầu" if r.points_rule == "level" else "mục tiêu"
        return f"{num}/{den} vụ việc kết thúc được hòa giải thành ({pct(r.value)}), {side} {goal} {pct(r.target)}."
    if formula == "budget_document":
        if budget_row is None:
            return f"Chưa có dự toán kinh phí hòa giải năm {year}."
        amount = money_text(int(budget_row["amount"]))
        if not (budget_row.get("document_no") or "").strip():
            return f"Dự toán {amount} chưa có số văn bản."
        if not budget_row.get("in_commune_budget"):
            return f"Dự toán {amount} ({budget_row['document_no']}) chưa nằm trong dự toán ngân sách xã."
        when = f" ngày {_day(budget_row['document_date'])}" if budget_row.get("document_date") else ""
        return f"Dự toán {amount} theo {budget_row['document_no']}{when}, trong dự toán ngân sách xã."
    if formula == "support_at_rate":
        if not den:
            return "Chưa có tổ hòa giải."
        if met:
            return f"Cả {den} tổ được chi hỗ trợ đủ mức, không có khoản chi sai."
        parts = []
        if _int(r.teams_short):
            parts.append(f"{_int(r.teams_short)}/{den} tổ chưa được chi hỗ trợ đủ mức")
        if _int(r.teams_above):
            parts.append(f"{_int(r.teams_above)}/{den} tổ có khoản chi sai (vượt mức, cho vụ việc đã xóa hoặc "
                         "không đủ điều kiện)")
        return "; ".join(parts) + "."
    if formula == "evidence_present":
        labels = [need[k]["label"] for k in r.evidence_required if k in need]
        if not labels:
            return "Không yêu cầu hồ sơ."
        return ("Đã có " if _is_one(r.value) else "Chưa có ") + "; ".join(labels) + "."
    if formula == "trained_share":
        if not den:
            return "Chưa có hòa giải viên đang hoạt động."
        text = f"{num}/{den} hòa giải viên đang hoạt động đã được tập huấn ({pct(r.value)})"
        return text + ("." if met else f"; còn {den - num} người chưa được tập huấn.")
    if formula == "composition":
        if not den:
            return "Chưa có tổ hòa giải."
        return f"{num}/{den} tổ đủ thành phần theo Điều 12" + ("." if met else f"; {den - num} tổ chưa đủ.")
    if formula == "security_incidents":
        if not num:
            return "Không có vụ việc phức tạp gây mất an ninh trật tự."
        return f"Có {num} vụ việc phức tạp gây mất an ninh trật tự (mục tiêu: {target_text(r).lower()})."
    return FORMULA_LABELS.get(formula, formula)


def summary(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> dict:
    """What the overview shows: per framework in force, the points the app computes (the scored indicators measured
    from the data with a value: under QĐ 25/2021, Tiêu chí 3's Chỉ tiêu 1–2) and how many of those indicators are
    Đạt / Chưa đạt / Thiếu hồ sơ / Không áp dụng. Indicators whose points are entered by hand are not counted here
    (standard() has them). Scope: a village, else the whole commune in scope (commune_id; the file's only commune); in a
    file of several communes with none chosen, every commune's indicators counted together (an indicator of two
    communes counts twice; communes: how many) and no points (None: points of several communes are not added up)."""
    where = places.scope(con, village_id, commune_id)
    return _summary(_Rows.of(con, year, where), where)


def _summary(source: _Rows, where: dict) -> dict:
    rows = source.execute(
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
        FROM {rows}
        WHERE village_id IS NOT DISTINCT FROM $village AND formula <> 'manual'
        GROUP BY framework_code ORDER BY sort
        """, {"village": where["village"]})
    cols = [d[0] for d in rows.description]
    frames = [dict(zip(cols, r)) for r in rows.fetchall()]
    return {
        "frameworks": frames,
        "dat": sum(f["dat"] for f in frames), "chua_dat": sum(f["chua_dat"] for f in frames),
        "thieu_ho_so": sum(f["thieu_ho_so"] for f in frames), "khong_ap_dung": sum(f["khong_ap_dung"] for f in frames),
        "indicators": sum(f["indicators"] for f in frames),
    }


def matrix(con, year: int, commune_id: int | None = None, *, villages: bool = True) -> dict:
    """Village × indicator for the year, for the indicators measured per village (scope thon): cells
    ('Đạt · 100%'), statuses (for colour), and the indicators as columns; after a commune's villages, the row of the
    whole commune. commune_id: that commune's villages (None: every commune's; the file's only one). villages False:
    the communes' rows only (a province's or a national file's communes: one row each, not 95,000 villages).

    Rows are keyed by village id (and commune, for a commune's whole row), never by name: two communes may each have a
    «Thôn Đông». The index (named «village») is each row's label: the village's name, «Thôn Đông (Xã Đoàn Kết)» when
    several communes are shown (places.village_labels), «Toàn xã», or «Toàn xã (Xã Đoàn Kết)» with several communes.
    rows: the rows' keys in that order (village_id — None for a commune's whole row —, commune_id, label)."""
    where = places.scope(con, None, commune_id)
    return _matrix(con, _Rows.of(con, year, where), year, where, villages)


def _matrix(con, source: _Rows, year: int, where: dict, villages: bool) -> dict:
    frame = source.execute(
        """
        SELECT r.village_id, r.commune_id, c.name AS commune, r.code, r.framework_short_name, r.wording,
               r.framework_sort, r.sort_order, r.status, r.kind, r.num, r.den, r.value, r.better, r.target
        FROM {rows} r JOIN communes c ON c.id = r.commune_id LEFT JOIN villages v ON v.id = r.village_id
        WHERE r.scope = 'thon' AND ($villages OR r.village_id IS NULL)
        ORDER BY c.name COLLATE vi, r.commune_id, r.village_id IS NULL, v.name COLLATE vi, r.village_id,
                 r.framework_sort, r.sort_order
        """, {"villages": villages}).df()
    if frame.empty:
        return {"cells": pd.DataFrame(), "statuses": pd.DataFrame(), "indicators": pd.DataFrame(),
                "rows": pd.DataFrame(columns=["village_id", "commune_id", "label"])}
    several = frame["commune_id"].nunique() > 1
    # Keys, labels and cells column by column (a province's matrix has tens of thousands of cells).
    village = frame["village_id"].astype("Int64")
    whole = village.isna().to_numpy()
    frame["row"] = np.where(whole, "c" + frame["commune_id"].astype(str), "v" + village.astype(str))
    labels = places.village_labels(con, year, where["commune"], with_commune=several) if villages else {}
    frame["label"] = np.where(whole, ("Toàn xã (" + frame["commune"] + ")") if several else "Toàn xã",
                              village.map(labels).fillna(village.astype(str)))
    frame["column"] = frame["code"] + " · " + frame["framework_short_name"]
    frame["cell"] = frame["status"].map(CRITERIA_STATUS) + " · " + _short_values(frame)
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


def figures(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> dict:
    """What the Tiêu chí page shows of the year and place — summary(), results() and matrix() — from one computation of
    criteria_result_of: each of the three alone computes the year's inputs (cases, teams, payments, documents), which
    is most of the time on a province. With one commune in scope (or a village): its summary, results and the matrix of
    its villages; with several and none chosen (a province, a national file): the summary, results None (a card per
    indicator and commune: the page asks to choose a commune) and the matrix of the communes (villages False). The rows
    are kept in a temporary table of this read's own cursor, gone with it."""
    where = places.scope(con, village_id, commune_id)
    one = where["commune"] is not None
    cur = con.cursor()
    try:
        cur.execute("CREATE TEMP TABLE year_results AS FROM criteria_result_of($year, $commune, $province)"
                    + ("" if one else " WHERE village_id IS NULL"),
                    {"year": year, "commune": where["commune"], "province": where["province"]})
        rows = _Rows(cur, "year_results", {})
        return {"summary": _summary(rows, where), "results": _results(con, rows, year, where) if one else None,
                "matrix": _matrix(con, rows, year, where, one)}
    finally:
        cur.close()


def _short_value(r) -> str:
    if r.kind == "ratio":
        return "–" if not _int(r.den) else pct(r.value)
    if r.kind == "count":
        return str(_int(r.num))
    return "Có" if _is_one(r.value) else "Chưa có"


def _short_values(frame: pd.DataFrame) -> pd.Series:
    """_short_value of every row, column by column: a share's text is formatted once per distinct value."""
    kind, value = frame["kind"].to_numpy(), frame["value"]
    shares = value.dropna().unique()
    share_text = value.map(dict(zip(shares, map(pct, shares))))
    count_text = frame["num"].fillna(0).astype("int64").astype(str)
    no_cases = frame["den"].fillna(0).to_numpy() == 0
    return pd.Series(np.select(
        [(kind == "ratio") & no_cases, kind == "ratio", kind == "count", (value == 1).to_numpy()],
        ["–", share_text.to_numpy(dtype=object), count_text.to_numpy(dtype=object), "Có"], "Chưa có"),
        index=frame.index)


# --- the rows behind each figure ------------------------------------------------------------------------

def _with_village_labels(con, frame: pd.DataFrame, commune: int | None) -> pd.DataFrame:
    """places.with_village_labels, reading the labels of the commune in scope only when there is one (a national file
    has 95,000 villages: labelling them all took 150 ms for every list behind a figure)."""
    if frame.empty or commune is None:
        return places.with_village_labels(con, frame)
    if places.commune_count(con) <= 1:
        return frame
    labels = places.village_labels(con, None, commune, with_commune=True)
    frame["village"] = [labels.get(v, name) if not pd.isna(v) else name
                        for v, name in zip(frame["village_id"], frame["village"])]
    return frame


def rows_behind(con, formula: str, year: int, village_id: int | None = None,
                evidence_kinds: list[str] | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """The list a figure counts, with Vietnamese headers; no party's name (the page may be on a projector). Scope: the
    village, else the commune in scope (commune_id; the file's only commune; None with several communes: every
    commune's rows, the villages named with their commune, each commune's budget line with its name; points entered
    by hand only for one commune)."""
    cur = con.cursor()
    params = {"year": year, **places.scope(con, village_id, commune_id)}
    village_id, commune = params["village"], params["commune"]
    if formula == "register_complete":
        frame = cur.execute(
            """
            SELECT r.case_id, r.received_on, r.village_id, v.name AS village, r.result_in_year, r.complete, r.missing
            FROM case_register_check r JOIN villages v ON v.id = r.village_id
            WHERE r.year = $year AND r.in_scope AND ($village IS NULL OR r.village_id = $village)
              AND in_commune(r.commune_id, $commune, $province)
            ORDER BY r.complete, r.received_on, r.case_id
            """, params).df()
        frame = _with_village_labels(con, frame, commune)
        return pd.DataFrame({
            "Số vụ việc": frame["case_id"], "Ngày nhận": frame["received_on"].map(_day), "Thôn": frame["village"],
            "Kết quả tại 31/12": frame["result_in_year"].map(RESULTS),
            "Ghi đủ sổ": frame["complete"].map({True: "Đủ", False: "Chưa đủ"}),
            "Còn thiếu": [", ".join(REGISTER_GAPS.get(g, g) for g in gaps) for gaps in frame["missing"]],
        })
    if formula in ("official_rate", "security_incidents"):
        condition = ("cy.result_in_year IN ('thanh', 'khong_thanh')" if formula == "official_rate"
                     else "cy.security_incident")
        frame = cur.execute(
            f"""
            SELECT cy.case_id, c.received_on, cy.village_id, v.name AS village, k.label AS category, cy.result_in_year,
                   c.concluded_on
            FROM case_year cy JOIN cases c ON c.id = cy.case_id JOIN villages v ON v.id = cy.village_id
            JOIN case_categories k ON k.code = c.category
            WHERE cy.year = $year AND ($village IS NULL OR cy.village_id = $village)
              AND in_commune(cy.commune_id, $commune, $province) AND {condition}
            ORDER BY cy.result_in_year DESC, c.received_on, cy.case_id
            """, params).df()
        frame = _with_village_labels(con, frame, commune)
        return pd.DataFrame({
            "Số vụ việc": frame["case_id"], "Ngày nhận": frame["received_on"].map(_day), "Thôn": frame["village"],
            "Loại vụ việc": frame["category"], "Kết quả tại 31/12": frame["result_in_year"].map(RESULTS),
            "Ngày kết thúc": frame["concluded_on"].map(_day),
        })
    if formula == "support_at_rate":
        frame = cur.execute(
            """
            SELECT f.village_id, v.name AS village, f.support_due, f.support_paid, f.support_pending, f.above_rate
            FROM funding_team_year_of($year, $village, $commune, $province) f JOIN villages v ON v.id = f.village_id
            ORDER BY f.support_paid >= f.support_due AND f.above_rate = 0, v.name COLLATE vi, f.village_id
            """, params).df()
        frame = _with_village_labels(con, frame, commune)
        ok = (frame["support_paid"] >= frame["support_due"]) & (frame["above_rate"] == 0)
        return pd.DataFrame({
            "Thôn": frame["village"], "Hỗ trợ phải chi": frame["support_due"].map(money_text),
            "Đã chi": frame["support_paid"].map(money_text), "Đang chờ chi": frame["support_pending"].map(money_text),
            "Chi vượt mức": frame["above_rate"].map(money_text), "Đúng mức": ok.map({True: "Đúng mức", False: "Chưa"}),
        })
    if formula == "budget_document":
        if commune is not None:
            found = [row] if (row := budget(con, year, commune)) is not None else []
        else:  # several communes: each one's own line, named with its commune
            rel = cur.execute(
                """
                SELECT b.*, c.name AS commune FROM budgets b JOIN communes c ON c.id = b.commune_id
                WHERE b.year = $year AND in_commune(b.commune_id, NULL, $province)
                ORDER BY c.name COLLATE vi, b.commune_id
                """, {"year": year, "province": params["province"]})
            found = [dict(zip([d[0] for d in rel.description], r)) for r in rel.fetchall()]
        columns = ["Năm", "Dự toán", "Văn bản", "Ngày văn bản", "Trong dự toán ngân sách xã"]
        return pd.DataFrame([{
            **({"Xã": row["commune"]} if commune is None else {}),
            "Năm": row["year"], "Dự toán": money_text(int(row["amount"])), "Văn bản": row["document_no"] or "",
            "Ngày văn bản": _day(row["document_date"]),
            "Trong dự toán ngân sách xã": YES_NO[bool(row["in_commune_budget"])],
        } for row in found], columns=(["Xã"] if commune is None else []) + columns)
    if formula == "trained_share":
        frame = cur.execute(
            """
            SELECT my.village_id, v.name AS village, m.full_name, my.trained, my.sessions
            FROM mediator_year my JOIN mediators m ON m.id = my.mediator_id JOIN villages v ON v.id = my.village_id
            WHERE my.year = $year AND my.active AND ($village IS NULL OR my.village_id = $village)
              AND in_commune(v.commune_id, $commune, $province)
            ORDER BY my.trained, v.name COLLATE vi, my.village_id, m.full_name COLLATE vi
            """, params).df()
        frame = _with_village_labels(con, frame, commune)
        return pd.DataFrame({
            "Thôn": frame["village"], "Hòa giải viên": frame["full_name"],
            "Đã tập huấn": frame["trained"].map({True: "Đã tập huấn", False: "Chưa"}), "Số buổi": frame["sessions"],
        })
    if formula == "composition":
        frame = cur.execute(
            """
            SELECT ty.village_id, v.name AS village, ty.active, ty.women, ty.leaders, ty.ethnic_required, ty.ethnic,
                   ty.composition_ok
            FROM team_year ty JOIN villages v ON v.id = ty.village_id
            WHERE ty.year = $year AND ($village IS NULL OR ty.village_id = $village)
              AND in_commune(v.commune_id, $commune, $province)
            ORDER BY ty.composition_ok, v.name COLLATE vi, ty.village_id
            """, params).df()
        frame = _with_village_labels(con, frame, commune)
        return pd.DataFrame({
            "Thôn": frame["village"], "Hòa giải viên đang hoạt động": frame["active"], "Nữ": frame["women"],
            "Tổ trưởng": frame["leaders"],
            "Người DTTS": [str(e) if req else "Không áp dụng"
                           for e, req in zip(frame["ethnic"], frame["ethnic_required"])],
            "Đủ thành phần": frame["composition_ok"].map({True: "Đủ", False: "Chưa đủ"}),
        })
    if formula == "manual":
        entry = manual_entries(con, year, commune) if commune is not None else {}
        rows = [r for (_c, code), r in entry.items() if code]
        return pd.DataFrame({"Chỉ tiêu": [r["indicator_code"] for r in rows],
                             "Điểm": [number(r["points"]) or "Chưa biết" for r in rows],
                             "Ghi chú": [r["note"] or "" for r in rows]})
    if formula == "evidence_present":
        from db.criteria.evidence import documents

        frame = documents(con, year, Place(params["province"], commune, village_id))
        frame = frame[frame["kind"].isin(evidence_kinds or [])]
        return pd.DataFrame({
            "Số hồ sơ": frame["id"], "Loại": frame["kind_label"], "Phạm vi": frame["scope"],
            "Số văn bản": frame["doc_no"].fillna(""), "Ngày": frame["doc_date"].map(_day), "Tệp": frame["file_name"],
        })
    raise ValueError(f"unknown formula {formula!r}")
