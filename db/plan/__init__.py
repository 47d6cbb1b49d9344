"""Kế hoạch (plan tracker): the commune's plan of a year, its tasks and their dated progress notes.

A plan's tasks are the contents of its section II and the responsibilities of its section III, each with
its lead unit (chủ trì), coordinating units (phối hợp), a deadline and a status. Progress notes are
appended, never edited. A plan can be copied forward to a new year: same tasks, deadlines moved by the
year difference, statuses back to «Chưa bắt đầu», no notes.

A plan is one commune's (one per commune and year). In a file of many communes (a province, a roll-up) the reads take
an optional commune_id: the commune whose plan is read; None means the file's only commune, and in a file of several
communes either no plan (get_plan, plan_goals: there is no one commune's plan to show or judge by) or every commune's
(tasks, status_counts, plan_years: listed and counted together). commune_id may also be a db.core.scope.Place.
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from db import places
from db.core.labels import PLAN_TASK_STATUS
from db.core.text import shown
from db.users import authorize
from db.core.writes import (
    ValidationError, as_mapping, commune_of, audit, check_text_fields, fetch_row, form_values, insert_row, is_missing, parse_date,
    parse_int, parse_number, record_id, record_version, require, save_keyed, text_problems, today, transaction,
    update_row,
)

PLAN_FIELDS = ("number", "title", "issued_on", "signer")
TASK_FIELDS = ("code", "title", "content", "lead", "partners", "deadline", "status", "completion_note",
               "evidence_ref")
DONE, NOT_STARTED = "hoan_thanh", "chua_bat_dau"
TEXT_LABELS = {"number": "Số kế hoạch", "title": "Tên", "signer": "Người ký", "code": "Mã nhiệm vụ",
               "content": "Nội dung nhiệm vụ", "lead": "Đơn vị, người chủ trì", "partners": "Đơn vị phối hợp",
               "status": "Trạng thái", "completion_note": "Kết quả thực hiện", "evidence_ref": "Tài liệu kiểm chứng",
               "note": "Nội dung ghi nhận tiến độ"}
YEAR_MIN, YEAR_MAX = 1990, 2100

# The targets a plan sets (its section I), each judged on the overview for the plan's year only (db/plan/targets.sql,
# target_year): key → (label, unit). A share is stored 0–1; the form shows it in %.
PLAN_GOALS = {
    "success_rate_min": ("Tỷ lệ hòa giải thành tối thiểu (chính thức)", "ty_le"),
    "success_rate_max": ("Tỷ lệ hòa giải thành phấn đấu (chính thức)", "ty_le"),
    "history_rate_min": ("Tỷ lệ hòa giải thành các năm trước, mức thấp", "ty_le"),
    "history_rate_max": ("Tỷ lệ hòa giải thành các năm trước, mức cao", "ty_le"),
    "trained_share": ("Tỷ lệ hòa giải viên được tập huấn", "ty_le"),
    "security_incidents_max": ("Số vụ việc phức tạp, gây mất ANTT tối đa", "so_vu"),
}

# The tasks of a year's plan, in the plan's order, with the computed figures the tracker shows.
# Rule (quá hạn): a task is overdue when its deadline is before the day it is looked at ($as_of, today on the
# page) and it is not «Hoàn thành». A paused task (tạm dừng) past its deadline is overdue too: pausing does
# not move the deadline. last_note: the latest progress note by date (the later entry on the same day).
# $commune, $province: one commune's plan, a province's communes', or (both NULL) every commune's (places.scope).
TASKS_SQL = """
    WITH notes AS (
        SELECT task_id, count(*) AS notes, max(noted_on) AS last_noted_on,
               arg_max(note, (noted_on, id)) AS last_note
        FROM task_notes GROUP BY task_id
    )
    SELECT t.id, t.plan_id, t.code, t.sort_order, coalesce(t.title, t.content) AS name, t.title, t.content,
           t.lead, t.partners, t.deadline, t.status, t.completion_note, t.evidence_ref, t.version,
           t.deadline < $as_of AND t.status <> 'hoan_thanh' AS overdue,
           CASE WHEN t.deadline < $as_of AND t.status <> 'hoan_thanh' THEN date_diff('day', t.deadline, $as_of)
           END AS days_overdue,
           coalesce(n.notes, 0) AS notes, n.last_noted_on, n.last_note, p.commune_id
    FROM plan_tasks t
    JOIN plans p ON p.id = t.plan_id
    LEFT JOIN notes n ON n.task_id = t.id
    WHERE p.year = $year AND in_commune(p.commune_id, $commune, $province)
"""


def _frame(rel) -> pd.DataFrame:
    return pd.DataFrame(rel.fetchall(), columns=[d[0] for d in rel.description])


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- reads ----------------------------------------------------------------------------------------

def get_plan(con, year: int, commune_id: int | None = None) -> dict | None:
    """A commune's plan of the year with its targets ({key: value}, PLAN_GOALS), or None (commune_id None: the file's
    only commune; in a file of several communes, None: no one commune's plan)."""
    commune_id = places.commune_scope(con, commune_id)
    if commune_id is None:
        return None
    rel = con.cursor().execute("SELECT * FROM plans WHERE year = ? AND commune_id = ?", [year, commune_id])
    row = rel.fetchone()
    if row is None:
        return None
    return {**dict(zip([d[0] for d in rel.description], row)), "targets": plan_goals(con, year, commune_id)}


def plan_goals(con, year: int, commune_id: int | None = None) -> dict[str, float]:
    """The targets a commune's plan of the year sets ({} without a plan or targets; commune_id None: the file's only
    commune, {} in a file of several communes: no one plan's targets); a count as a whole number."""
    commune_id = places.commune_scope(con, commune_id)
    if commune_id is None:
        return {}
    rows = con.cursor().execute(
        "SELECT g.key, g.value FROM plan_goals g JOIN plans p ON p.id = g.plan_id "
        "WHERE p.year = ? AND p.commune_id = ?", [year, commune_id]).fetchall()
    return {key: int(value) if PLAN_GOALS.get(key, ("", ""))[1] == "so_vu" else value for key, value in rows}


def goals_text(goals: dict[str, float]) -> str:
    """A plan's targets in one Vietnamese line, for the plan page."""
    def pct(key):
        return _pct(goals[key])
    parts = []
    if "success_rate_min" in goals:
        parts.append("tỷ lệ hòa giải thành " + (f"{pct('success_rate_min')}–{pct('success_rate_max')}"
                                               if goals.get("success_rate_max", goals["success_rate_min"])
                                               != goals["success_rate_min"] else f"từ {pct('success_rate_min')}"))
    if "history_rate_min" in goals and "history_rate_max" in goals:
        parts.append(f"các năm trước {pct('history_rate_min')}–{pct('history_rate_max')}")
    if "trained_share" in goals:
        parts.append(f"{pct('trained_share')} hòa giải viên được tập huấn")
    if "security_incidents_max" in goals:
        most = int(goals["security_incidents_max"])
        parts.append("không có vụ việc phức tạp, gây mất ANTT" if most == 0
                     else f"tối đa {most} vụ việc phức tạp, gây mất ANTT")
    return "; ".join(parts) if parts else "kế hoạch chưa ghi mục tiêu (sửa ở phần «Sửa thông tin kế hoạch»)"


def plan_years(con, commune_id: int | None = None) -> list[int]:
    """Years with a plan (commune_id: that commune's plans; None: any commune's)."""
    return [r[0] for r in con.cursor().execute(
        "SELECT DISTINCT year FROM plans WHERE in_commune(commune_id, $commune, $province) ORDER BY year",
        _communes(con, commune_id)).fetchall()]


def _communes(con, commune_id) -> dict:
    """$commune and $province of the plans read (places.scope)."""
    where = places.scope(con, None, commune_id)
    return {"commune": where["commune"], "province": where["province"]}


def tasks(con, year: int, as_of: dt.date | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """The year's tasks in the plan's order, with overdue, days_overdue, notes and the last note (commune_id: that
    commune's plan; None: every commune's plan of the year, commune by commune)."""
    return _frame(con.cursor().execute(TASKS_SQL + " ORDER BY p.commune_id, t.sort_order, t.id",
                                       {"year": year, "as_of": as_of or today(), **_communes(con, commune_id)}))


def status_counts(con, year: int, as_of: dt.date | None = None, commune_id: int | None = None) -> dict:
    """Tasks of the year's plan: total, one count per status, and overdue (same rule as tasks()); commune_id: that
    commune's plan; None: every commune's plan of the year, counted together."""
    row = con.cursor().execute(
        "SELECT count(*), "
        + ", ".join(f"count(*) FILTER (WHERE status = '{code}')" for code in PLAN_TASK_STATUS)
        + ", count(*) FILTER (WHERE overdue) FROM (" + TASKS_SQL + ")",
        {"year": year, "as_of": as_of or today(), **_communes(con, commune_id)}).fetchone()
    return dict(zip(("total", *PLAN_TASK_STATUS, "overdue"), row))


def get_task(con, task_id: int) -> dict | None:
    return fetch_row(con.cursor(), "plan_tasks", task_id)


def task_notes(con, task_id: int) -> pd.DataFrame:
    """A task's progress notes, latest first."""
    return _frame(con.cursor().execute(
        "SELECT id, noted_on, note, actor FROM task_notes WHERE task_id = ? ORDER BY noted_on DESC, id DESC",
        [task_id]))


# --- writes ---------------------------------------------------------------------------------------

def _year(value, label: str, errors: list[str]) -> int | None:
    """A plan's year: a whole number (a pandas cell too) from YEAR_MIN to YEAR_MAX; anything else is refused."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) \
            and YEAR_MIN <= value <= YEAR_MAX:
        return int(value)
    errors.append(f"{label} «{shown(value)}» không hợp lệ (từ {YEAR_MIN} đến {YEAR_MAX}).")
    return None


def save_plan(con, year: int, data: dict, *, actor: str, expected_version: int | None = None,
              commune_id: int | None = None) -> int:
    """Create the year's plan or change its header (số, tên, ngày ban hành, người ký); one plan per year."""
    authorize(con, actor, "plan")
    data = as_mapping(data, "kế hoạch")
    expected_version = record_version(expected_version)
    values = form_values({k: data.get(k) for k in PLAN_FIELDS})
    errors: list[str] = []
    year = _year(year, "Năm kế hoạch", errors)
    require(values, {"title": "tên kế hoạch"}, errors)
    check_text_fields(values, TEXT_LABELS, errors)
    values["issued_on"] = parse_date(values["issued_on"], "Ngày ban hành", errors)
    if values["issued_on"] and values["issued_on"] > today():
        errors.append(f"Ngày ban hành {_d(values['issued_on'])} ở tương lai.")
    errors += text_problems(values)  # a text too long for its column, before the transaction
    goals = _goals(data["targets"], errors) if "targets" in data else None
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        key = {"commune_id": commune_of(cur, commune_id), "year": year}
        if expected_version is None and cur.execute("SELECT 1 FROM plans WHERE commune_id = ? AND year = ?",
                                                    list(key.values())).fetchone():
            raise ValidationError(f"Năm {year} đã có kế hoạch: hãy sửa kế hoạch đó thay vì tạo kế hoạch mới.")
        plan_id = save_keyed(cur, "plans", key, values, actor, expected_version, f"Kế hoạch năm {year}")
        if goals is not None:
            _save_goals(cur, plan_id, goals, actor)
        return plan_id


def _goals(given, errors: list[str]) -> dict[str, float]:
    """A plan's targets as typed ({key: share 0–1 or a count}, blank = the plan sets none), checked together: shares
    from 0 to 100 %, the minimum rate not above the aimed one, the count a whole number."""
    if not isinstance(given, dict):
        errors.append("Mục tiêu của kế hoạch không hợp lệ.")
        return {}
    goals: dict[str, float] = {}
    for key, value in given.items():
        if key not in PLAN_GOALS:
            errors.append(f"Mục tiêu «{shown(key)}» không có trong danh mục mục tiêu của kế hoạch.")
            continue
        if is_missing(value):
            continue
        label, unit = PLAN_GOALS[key]
        if unit == "so_vu":
            number = parse_int(value, label, errors, 0, 10_000)
        else:
            number = parse_number(value, label, errors, float("-inf"), float("inf"))
            if number is not None and not 0 <= number <= 1:
                errors.append(f"{label} phải từ 0% đến 100% (đã nhập {_pct(number)}).")
                number = None
        if number is not None:
            goals[key] = float(number)
    for low, high in (("success_rate_min", "success_rate_max"), ("history_rate_min", "history_rate_max")):
        if low in goals and high in goals and goals[low] > goals[high]:
            errors.append(f"{PLAN_GOALS[low][0]} ({_pct(goals[low])}) cao hơn {PLAN_GOALS[high][0].lower()} "
                          f"({_pct(goals[high])}).")
    return goals


def _pct(share: float) -> str:
    return f"{share * 100:.4g}".replace(".", ",") + "%"


def _save_goals(cur, plan_id: int, goals: dict[str, float], actor: str) -> None:
    """Make the plan's target rows what the form says: changed ones updated, new ones added, blank ones removed."""
    existing = {key: (row_id, version, value) for row_id, key, value, version in cur.execute(
        "SELECT id, key, value, version FROM plan_goals WHERE plan_id = ?", [plan_id]).fetchall()}
    for key in PLAN_GOALS:
        if key in goals and key not in existing:
            insert_row(cur, "plan_goals", {"plan_id": plan_id, "key": key, "value": goals[key]}, actor)
        elif key in goals and existing[key][2] != goals[key]:
            update_row(cur, "plan_goals", existing[key][0], {"value": goals[key]}, actor, existing[key][1],
                       f"Mục tiêu «{PLAN_GOALS[key][0]}»")
        elif key not in goals and key in existing:
            before = fetch_row(cur, "plan_goals", existing[key][0])
            cur.execute("DELETE FROM plan_goals WHERE id = ?", [existing[key][0]])
            audit(cur, actor, "delete", "plan_goals", existing[key][0], before, None)


def save_task(con, plan_id: int, data: dict, *, actor: str, task_id: int | None = None,
              expected_version: int | None = None) -> int:
    """Add (task_id None) or change a task of a plan; returns its id. Refusals leave the tables unchanged.

    Rules: code, content, lead unit and deadline are required; the code is unique in the plan; the status
    is one of PLAN_TASK_STATUS; «Hoàn thành» needs a progress note or a completion note (kết quả) saying
    what was done.
    """
    authorize(con, actor, "plan")
    plan_id = record_id(plan_id, "kế hoạch")
    task_id = None if task_id is None else record_id(task_id, "nhiệm vụ")
    expected_version = record_version(expected_version)
    data = as_mapping(data, "nhiệm vụ")
    values = form_values({k: data.get(k) for k in TASK_FIELDS})
    errors: list[str] = []
    require(values, {"code": "mã nhiệm vụ (ví dụ II.1)", "content": "nội dung nhiệm vụ",
                     "lead": "đơn vị, người chủ trì"}, errors)
    check_text_fields(values, TEXT_LABELS, errors)
    before = len(errors)
    values["deadline"] = parse_date(values["deadline"], "Thời hạn", errors)
    if values["deadline"] is None and len(errors) == before:
        errors.append("Chưa nhập thời hạn hoàn thành.")
    values["status"] = values["status"] or NOT_STARTED
    if values["status"] not in PLAN_TASK_STATUS:
        errors.append(f"Trạng thái «{shown(values['status'])}» không hợp lệ: chỉ có "
                      + ", ".join(f"«{label}»" for label in PLAN_TASK_STATUS.values()) + ".")
    errors += text_problems(values)  # a text too long for its column, before the transaction
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        if not cur.execute("SELECT 1 FROM plans WHERE id = ?", [plan_id]).fetchone():
            raise ValidationError(f"Không tìm thấy kế hoạch số {plan_id}.")
        twin = cur.execute("SELECT id FROM plan_tasks WHERE plan_id = ? AND code = ? AND id <> coalesce(?, -1)",
                           [plan_id, values["code"], task_id]).fetchone()
        if twin:
            raise ValidationError(f"Kế hoạch đã có nhiệm vụ mã «{values['code']}»: hãy chọn mã khác.")
        notes = 0
        if task_id is not None:
            current = fetch_row(cur, "plan_tasks", task_id)
            if current is None or current["plan_id"] != plan_id:
                raise ValidationError(f"Không tìm thấy nhiệm vụ số {task_id} trong kế hoạch này.")
            notes, = cur.execute("SELECT count(*) FROM task_notes WHERE task_id = ?", [task_id]).fetchone()
        if values["status"] == DONE and not notes and not values["completion_note"]:
            raise ValidationError(
                f"Chưa thể đánh dấu «{PLAN_TASK_STATUS[DONE]}»: hãy ghi kết quả thực hiện, hoặc thêm ít nhất "
                "một ghi nhận tiến độ trước.")
        if task_id is None:
            order, = cur.execute("SELECT coalesce(max(sort_order), 0) + 1 FROM plan_tasks WHERE plan_id = ?",
                                 [plan_id]).fetchone()
            return insert_row(cur, "plan_tasks", {"plan_id": plan_id, "sort_order": order, **values}, actor)
        update_row(cur, "plan_tasks", task_id, values, actor, expected_version, f"Nhiệm vụ {values['code']}")
        return task_id


def add_note(con, task_id: int, noted_on, note: str | None, *, actor: str) -> int:
    """Append a dated progress note to a task; the date may not be in the future."""
    authorize(con, actor, "plan")
    task_id = record_id(task_id, "nhiệm vụ")
    values = form_values({"noted_on": noted_on, "note": note})
    errors: list[str] = []
    values["noted_on"] = parse_date(values["noted_on"], "Ngày ghi nhận", errors)
    if values["noted_on"] is None and not errors:
        errors.append("Chưa nhập ngày ghi nhận.")
    elif values["noted_on"] and values["noted_on"] > today():
        errors.append(f"Ngày ghi nhận {_d(values['noted_on'])} ở tương lai: chỉ ghi những việc đã diễn ra.")
    require(values, {"note": "nội dung ghi nhận tiến độ"}, errors)
    check_text_fields(values, TEXT_LABELS, errors)
    errors += text_problems(values)  # a text too long for its column, before the transaction
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        if not cur.execute("SELECT 1 FROM plan_tasks WHERE id = ?", [task_id]).fetchone():
            raise ValidationError(f"Không tìm thấy nhiệm vụ số {task_id}.")
        return insert_row(cur, "task_notes", {"task_id": task_id, **values, "actor": str(actor)}, actor)


def shift_year(day: dt.date, years: int) -> dt.date:
    """The same day and month `years` later; 29/02 becomes 28/02 in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def replace_year(text: str | None, from_year: int, to_year: int) -> str | None:
    """«năm 2023» → «năm 2024», leaving dates (05/05/2023) and document numbers (25/2021/QĐ-TTg) alone."""
    if not text:
        return text
    return re.sub(rf"(?<![\d/.\-]){from_year}(?![\d/\-])", str(to_year), text)


def copy_plan_forward(con, from_year: int, to_year: int, *, actor: str, commune_id: int | None = None) -> int:
    """Copy the plan of from_year to to_year; returns the new plan's id.

    The targets are copied as they were (edit them once the new plan is issued). The tasks keep their code, content,
    lead and partners; deadlines move by the year difference; the
    status goes back to «Chưa bắt đầu»; completion notes, evidence and progress notes are not copied.
    The year in the plan's title and the tasks' wording («năm 2023») becomes the new year. The new plan
    has no number, date or signer until it is issued. Refused when to_year already has a plan.
    """
    authorize(con, actor, "plan")
    errors: list[str] = []
    from_year, to_year = _year(from_year, "Năm của kế hoạch gốc", errors), _year(to_year, "Năm nhận bản sao", errors)
    if errors:
        raise ValidationError(errors)
    if to_year == from_year:
        raise ValidationError("Năm nhận bản sao phải khác năm của kế hoạch gốc.")
    shift = to_year - from_year
    with transaction(con) as cur:
        commune = commune_of(cur, commune_id)
        source = cur.execute("SELECT id, title FROM plans WHERE commune_id = ? AND year = ?",
                             [commune, from_year]).fetchone()
        if source is None:
            raise ValidationError(f"Năm {from_year} chưa có kế hoạch để sao chép.")
        if cur.execute("SELECT 1 FROM plans WHERE commune_id = ? AND year = ?", [commune, to_year]).fetchone():
            raise ValidationError(f"Năm {to_year} đã có kế hoạch; không sao chép đè lên. Hãy sửa trực tiếp "
                                  f"kế hoạch năm {to_year}.")
        plan_id = insert_row(cur, "plans", {"commune_id": commune, "year": to_year, "title": replace_year(source[1], from_year, to_year),
                                            "number": None, "issued_on": None, "signer": None}, actor)
        rows = cur.execute(
            "SELECT code, sort_order, title, content, lead, partners, deadline FROM plan_tasks "
            "WHERE plan_id = ? ORDER BY sort_order, id", [source[0]]).fetchall()
        for key, value in cur.execute("SELECT key, value FROM plan_goals WHERE plan_id = ?", [source[0]]).fetchall():
            insert_row(cur, "plan_goals", {"plan_id": plan_id, "key": key, "value": value}, actor)
        for code, order, title, content, lead, partners, deadline in rows:
            insert_row(cur, "plan_tasks", {
                "plan_id": plan_id, "code": code, "sort_order": order,
                "title": replace_year(title, from_year, to_year),
                "content": replace_year(content, from_year, to_year),
                "lead": lead, "partners": partners, "deadline": shift_year(deadline, shift),
                "status": NOT_STARTED, "completion_note": None, "evidence_ref": None,
            }, actor)
        return plan_id


def load_demo_plan(con, data: dict, *, actor: str) -> int:
    """The demo plan (seeds/demo/plan_2023.json) through the write path, as an officer would enter it:
    the plan, each task not yet started, its dated progress notes, then its status of the demo."""
    plan = data["plan"]
    plan_id = save_plan(con, plan["year"], plan, actor=actor)
    for task in data["tasks"]:
        task_id = save_task(con, plan_id, {**task, "status": NOT_STARTED, "completion_note": None,
                                           "evidence_ref": None}, actor=actor)
        for note in task.get("notes", []):
            add_note(con, task_id, note["noted_on"], note["note"], actor=actor)
        if task.get("status", NOT_STARTED) != NOT_STARTED or task.get("completion_note") or task.get("evidence_ref"):
            save_task(con, plan_id, task, actor=actor, task_id=task_id, expected_version=1)
    return plan_id


# --- thresholds of law or of a model (plan_targets) ------------------------------------------------

# The thresholds the pages can change, with their unit: a share is stored 0–1 (shown in %), a count as a number.
THRESHOLD_UNITS = {"team_min_members": "nguoi", "team_min_women": "nguoi", "team_min_ethnic": "nguoi",
                   "five_good_rate_min": "ty_le"}


def thresholds(con, year: int) -> pd.DataFrame:
    """Each threshold as in force at 31/12 of the year (target_year's rule): key, label, value, valid_from, source."""
    return _frame(con.cursor().execute(
        """
        SELECT t.key, t.label, t.value, t.valid_from, t.valid_to, t.source
        FROM plan_targets t
        WHERE t.valid_from <= make_date($year, 12, 31)
          AND (t.valid_to IS NULL OR t.valid_to >= make_date($year, 12, 31))
        QUALIFY row_number() OVER (PARTITION BY t.key ORDER BY t.valid_from DESC) = 1
        ORDER BY t.key
        """, {"year": year}))


def save_threshold(con, key: str, value, *, from_year: int, actor: str, as_of: dt.date | None = None) -> None:
    """Change a threshold from 1/1 of from_year (this year or later: a past year keeps the rule it was judged by).
    The row in force then ends on 31/12 of the year before and a new row starts (or a row starting that very day is
    changed). Refused: an unknown key, a share outside 0–100 %, a count not a whole number from 0 to 20."""
    authorize(con, actor, "settings")
    as_of = as_of or today()
    errors: list[str] = []
    from_year = _year(from_year, "Năm bắt đầu áp dụng", errors)
    if from_year is not None and from_year < as_of.year:
        errors.append(f"Năm {from_year} đã qua: ngưỡng chỉ đổi được từ năm {as_of.year} trở đi.")
    unit = THRESHOLD_UNITS.get(key) if isinstance(key, str) else None
    if unit is None:
        errors.append(f"Ngưỡng «{shown(key)}» không sửa được ở đây.")
    elif unit == "nguoi":
        value = parse_int(value, "Số người tối thiểu", errors, 0, 20)
    else:
        value = parse_number(value, "Tỷ lệ", errors, 0.0, 1.0)
    if value is None and not errors:
        errors.append("Chưa nhập giá trị của ngưỡng.")
    if errors:
        raise ValidationError(errors)
    start = dt.date(from_year, 1, 1)
    with transaction(con) as cur:
        row = cur.execute(
            "SELECT key, value, valid_from, valid_to, label, source FROM plan_targets WHERE key = ? AND valid_from <= ? "
            "AND (valid_to IS NULL OR valid_to >= ?) ORDER BY valid_from DESC LIMIT 1", [key, start, start]).fetchone()
        if row is None:
            raise ValidationError(f"Ngưỡng «{shown(key)}» không có trong dữ liệu.")
        before = dict(zip(("key", "value", "valid_from", "valid_to", "label", "source"), row))
        if before["value"] == float(value):
            return
        if before["valid_from"] == start:
            cur.execute("UPDATE plan_targets SET value = ? WHERE key = ? AND valid_from = ?", [float(value), key, start])
        else:
            cur.execute("UPDATE plan_targets SET valid_to = ? WHERE key = ? AND valid_from = ?",
                        [start - dt.timedelta(days=1), key, before["valid_from"]])
            cur.execute("INSERT INTO plan_targets (key, value, valid_from, valid_to, label, source) "
                        "VALUES (?, ?, ?, ?, ?, ?)", [key, float(value), start, before["valid_to"], before["label"],
                                                      f"Sửa trên ứng dụng từ năm {from_year}"])
        audit(cur, actor, "update", "plan_targets", None, before,
              {**before, "value": float(value), "valid_from": start})
