"""The one write path: normalise, validate, write in a transaction, bump version, audit.

Every insert, update and delete of the app (forms, seeds, imports, tests) goes through a function
here. Validation errors carry Vietnamese messages for the user and leave the database unchanged.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import re
import threading
from contextlib import contextmanager
from typing import Any, Iterator

import duckdb
import numpy as np
import pandas as pd

from db.core.connection import _file_identity, check_file, database_file, explain
from db.core.text import clean, shown


class ValidationError(ValueError):
    """Bad input: one or more Vietnamese messages; nothing was written."""

    def __init__(self, messages: list[str] | str):
        messages = [messages] if isinstance(messages, str) else list(messages)
        # A message quoting what was typed never grows with it (a pasted 10 MB text is not sent back to the browser).
        self.messages = [m if len(m) <= MESSAGE_LIMIT else m[:MESSAGE_LIMIT] + "…" for m in messages]
        super().__init__("; ".join(self.messages))


MESSAGE_LIMIT = 400


class VersionConflict(ValidationError):
    """The row changed since the user opened it (optimistic locking)."""


class DuplicateSuspected(ValidationError):
    """Looks like a case already recorded; the caller may confirm and save anyway."""


class Batch:
    """An open transaction that several write-path calls join: an import writes all its rows or none. Pass it
    where a write function takes the connection; its own transaction() then runs inside this one (DuckDB has no
    savepoints: every write function validates everything before its first statement, so a refused row leaves
    nothing behind in the batch)."""

    def __init__(self, cur: duckdb.DuckDBPyConnection):
        self._cur = cur

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._cur


class _Undo(Exception):
    """Ends a batch opened with commit=False, so that its transaction is rolled back."""


@contextmanager
def batch(con: duckdb.DuckDBPyConnection, *, commit: bool = True) -> Iterator[Batch]:
    """One transaction around many writes. commit=False rolls everything back at the end: a dry run (an import's
    preview) that went through the very same write path. An exception rolls back either way."""
    try:
        with transaction(con) as cur:
            yield Batch(cur)
            if not commit:
                raise _Undo
    except _Undo:
        pass


# One writer at a time in this process (DuckDB already lets only one process write the file). The rules «one per X»
# — one nomination per team and year, a case in one active fee request, no duplicate case or training from two
# simultaneous submits — are checked and written inside a transaction; serialising the transactions makes that
# check-then-write atomic, which DuckDB's optimistic concurrency alone does not (two inserts never conflict).
WRITE_LOCK = threading.RLock()


def data_version(con) -> tuple:
    """Changes whenever the data may have changed, for the pages' cached figures (pages/common reader; DECISIONS.md
    4): the file (a restore puts another file in place) and the audit log's last entry — every write of the write
    path appends one, and the log is never rewritten, so an entry number names one state of the data. (A session's
    «last seen» is not data and is not audited.) Cheap: an os.stat and one aggregate on an append-only table."""
    last = con.cursor().execute("SELECT max(id) FROM audit_log").fetchone()[0]
    where = database_file(con)
    return (where and _file_identity(where), last or 0)


@contextmanager
def transaction(con) -> Iterator[duckdb.DuckDBPyConnection]:
    """A transaction on its own cursor, one at a time (WRITE_LOCK); inside a Batch, the batch's (which commits or
    rolls back as a whole). Two saves of one row can then never meet in DuckDB's English TransactionException."""
    if isinstance(con, Batch):
        yield con.cursor()
        return
    check_file(con)  # the file is still the one opened (not deleted, replaced or unplugged under the app)
    with WRITE_LOCK:
        cur = con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
            cur.execute("COMMIT")
        except duckdb.TransactionException as exc:
            _rollback(cur)
            if explain(exc) is not None:  # a commit that failed on the disk, not on another user's edit
                raise
            raise VersionConflict("Hồ sơ vừa được người khác sửa cùng lúc; chưa có gì được lưu. Hãy tải lại trang "
                                  "để xem thay đổi mới rồi lưu lại.") from exc
        except BaseException:
            _rollback(cur)
            raise
        finally:
            cur.close()


def _rollback(cur) -> None:
    """Roll back; if the database itself failed (disk full, read-only folder), the first error is the one that
    matters, not «cannot rollback – no transaction is active»."""
    try:
        cur.execute("ROLLBACK")
    except duckdb.Error:
        pass


def audit(cur, actor: str, action: str, table: str, row_id: int | None, before, after) -> None:
    cur.execute(
        "INSERT INTO audit_log (actor, action, table_name, row_id, \"before\", \"after\") VALUES (?, ?, ?, ?, ?, ?)",
        [str(actor), action, table, row_id, _json(before), _json(after)],  # a signed-in user: their login
    )


# Columns whose values never go into the audit log (a password hash is not a password, but it need not travel).
SECRET_COLUMNS = {"password_hash"}


def _json(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict) and SECRET_COLUMNS & value.keys():
        value = {k: ("(ẩn)" if k in SECRET_COLUMNS else v) for k, v in value.items()}
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


# Tables the generic helpers may name; a table name is never taken from user input.
TABLES = {
    "communes", "villages", "teams", "mediators", "cases", "case_parties", "case_mediators",
    "trainings", "training_attendance", "national_categories", "case_categories", "case_grounds",
    "plan_targets", "team_reviews",
    "rates", "budgets", "payments",
    "score_components", "score_params", "score_bands", "candidate_rules", "self_assessments", "nominations",
    "criteria_frameworks", "criteria_indicators", "criteria_criteria", "criteria_manual_points", "evidence_documents",
    "plans", "plan_goals", "plan_tasks", "task_notes", "place_changes", "users", "settings", "period_locks",
}


def _table(name: str) -> str:
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}")
    return name


def fetch_row(cur, table: str, row_id: int) -> dict | None:
    rel = cur.execute("SELECT * FROM " + _table(table) + " WHERE id = ?", [row_id])
    row = rel.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in rel.description], row))


def check_version(current: dict, expected_version: int | None, what: str) -> None:
    if expected_version is not None and current["version"] != expected_version:
        raise VersionConflict(
            f"Hồ sơ vừa được người khác sửa ({what}: phiên bản {current['version']}, bạn đang sửa phiên bản "
            f"{expected_version}). Hãy tải lại để xem thay đổi mới rồi sửa lại; chưa có gì được lưu."
        )


# Dates a form or an import may hold: nothing before 1945 (a typo such as 0202 or year 1) or after 2100.
DATE_MIN, DATE_MAX = dt.date(1945, 1, 1), dt.date(2100, 12, 31)
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(value, label: str, errors: list[str]) -> dt.date | None:
    """A date as typed: dd/mm/yyyy (also with «-» or «.»), ISO yyyy-mm-dd, or a date object.

    Never corrected silently: 31/02/2026, a half-typed «12/0» or a two-digit year is refused with a message
    naming the field (label), so what is saved is exactly what the user saw. Empty gives None."""
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        text = clean(str(value)) or ""
        if not text:
            return None
        shown = text if len(text) <= 30 else text[:30] + "…"
        if match := _DAY_MONTH_YEAR.fullmatch(text):
            d, m, y = (int(part) for part in match.groups())
        elif match := _ISO.fullmatch(text):
            y, m, d = (int(part) for part in match.groups())
        else:
            errors.append(f"{label}: «{shown}» không phải ngày (nhập theo dạng dd/mm/yyyy, ví dụ 07/06/2023).")
            return None
        if y < 1000:
            errors.append(f"{label}: «{shown}» — năm cần đủ 4 chữ số (ví dụ 07/06/2023).")
            return None
        if not 1 <= m <= 12:
            errors.append(f"{label}: «{shown}» — không có tháng {m}.")
            return None
        last = calendar.monthrange(y, m)[1]
        if not 1 <= d <= last:
            errors.append(f"{label}: «{shown}» — tháng {m:02d}/{y} chỉ có {last} ngày.")
            return None
        day = dt.date(y, m, d)
    if not DATE_MIN <= day <= DATE_MAX:
        errors.append(f"{label}: năm {day.year} không hợp lệ (từ {DATE_MIN.year} đến {DATE_MAX.year}).")
        return None
    return day


def is_missing(value) -> bool:
    """None, NaN, NaT or pd.NA — what an empty cell of a pandas frame or a cleared widget gives."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array is not one missing value
        return False


def parse_int(value, label: str, errors: list[str], low: int, high: int) -> int | None:
    if is_missing(value) or str(value).strip() == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors.append(f"{label}: «{shown(value)}» không phải số nguyên.")
        return None
    if not low <= number <= high:
        errors.append(f"{label} phải từ {low} đến {high} (đã nhập {number}).")
        return None
    return number


def parse_number(value, label: str, errors: list[str], low: float, high: float) -> float | None:
    """A decimal number as typed ('0,9', '4.5', 12); empty gives None; outside low–high is refused."""
    if is_missing(value) or str(value).strip() == "":
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        errors.append(f"{label}: «{shown(value)}» không phải là số.")
        return None
    if not low <= number <= high:
        parts = [f"{n:g}".replace(".", ",") for n in (low, high, number)]
        errors.append(f"{label} phải từ {parts[0]} đến {parts[1]} (đã nhập {parts[2]}).")
        return None
    return number


# The longest text a column may hold, in characters; any other text column TEXT_LIMIT. Every row written through
# insert_row / update_row is checked (and a case's own insert): a longer value is refused with its field's name and
# its length, never echoed, whatever the page or the import did.
LONG_TEXT = ("summary", "agreement", "note", "content", "reason", "wording", "assessment", "completion_note",
             "decision_note", "proposal_note", "cancel_reason", "reduction_reason", "unlock_reason", "legal_basis",
             "partners", "pass_rule", "points_rule", "formula", "framework_note", "description")
TEXT_LIMITS = {"full_name": 100, "login": 40, "phone": 20, "title": 300, "file_name": 255,
               **dict.fromkeys(LONG_TEXT, 4000)}
TEXT_LIMIT = 300
UNCHECKED_TEXT = {"password_hash", "token_hash", "sha256"}


def text_problems(values: dict[str, Any], prefix: str = "") -> list[str]:
    """A message for each text longer than its column's limit (TEXT_LIMITS), naming the field."""
    from db.core.audit import FIELD_LABELS  # its labels are the export's headers (db/tools/exporting.py)
    problems = []
    for column, value in values.items():
        limit = TEXT_LIMITS.get(column, TEXT_LIMIT)
        if isinstance(value, str) and column not in UNCHECKED_TEXT and len(value) > limit:
            problems.append(f"{prefix}{FIELD_LABELS.get(column, column)} dài {_count(len(value))} ký tự, tối đa "
                            f"{_count(limit)} ký tự.")
    return problems


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def check_text(values: dict[str, Any]) -> None:
    if problems := text_problems(values):
        raise ValidationError(problems)


def insert_row(cur, table: str, values: dict[str, Any], actor: str) -> int:
    """Insert one row (values already validated) and audit it; returns the new id."""
    check_text(values)
    cols = list(values)
    placeholders = ", ".join("?" for _ in cols)
    sql = "INSERT INTO " + _table(table) + f" ({', '.join(cols)}) VALUES ({placeholders}) RETURNING id"
    new_id = cur.execute(sql, [values[c] for c in cols]).fetchone()[0]
    audit(cur, actor, "insert", table, new_id, None, fetch_row(cur, table, new_id))
    return new_id


def update_row(cur, table: str, row_id: int, values: dict[str, Any], actor: str,
               expected_version: int | None, what: str, action: str = "update") -> dict:
    """Update one versioned row after the stale-version check; audits before and after."""
    before = fetch_row(cur, table, row_id)
    if before is None:
        raise ValidationError(f"Không tìm thấy {what.lower()} số {row_id}.")
    check_version(before, expected_version, what)
    check_text(values)
    sets = ", ".join(f"{c} = ?" for c in values)
    sql = "UPDATE " + _table(table) + f" SET {sets}, version = version + 1 WHERE id = ?"
    cur.execute(sql, [*values.values(), row_id])
    after = fetch_row(cur, table, row_id)
    audit(cur, actor, action, table, row_id, before, after)
    return after


def commune_of(cur, commune_id=None) -> int:
    """The commune a commune-level fact (budget, plan, training, evidence, points) belongs to: the one given, or the
    file's only commune. A file of several communes (a province, a roll-up) must be told which (DECISIONS.md 2)."""
    if commune_id is not None:
        commune_id = record_id(commune_id, "xã")
        if not cur.execute("SELECT 1 FROM communes WHERE id = ?", [commune_id]).fetchone():
            raise ValidationError(f"Không tìm thấy xã số {commune_id}.")
        return commune_id
    rows = cur.execute("SELECT id FROM communes ORDER BY id LIMIT 2").fetchall()
    if len(rows) != 1:
        raise ValidationError("Chưa có xã nào trong tệp dữ liệu." if not rows
                              else "Tệp dữ liệu có nhiều xã: hãy chọn xã trước khi lưu.")
    return rows[0][0]


def save_keyed(cur, table: str, key: dict[str, Any], values: dict[str, Any], actor: str,
               expected_version: int | None, what: str) -> int:
    """Insert or update the one row of a table for its key (a year's budget, a team's review of a year, …);
    returns its id. A form that showed an existing row (expected_version set) whose row is gone is refused."""
    where = " AND ".join(f"{column} = ?" for column in key)
    existing = cur.execute("SELECT id FROM " + _table(table) + f" WHERE {where}", list(key.values())).fetchone()
    if existing is None:
        if expected_version is not None:
            raise ValidationError(f"{what} vừa bị xóa hoặc chưa có; hãy tải lại trang.")
        return insert_row(cur, table, {**key, **values}, actor)
    update_row(cur, table, existing[0], values, actor, expected_version, what)
    return existing[0]


def clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """NFC and trim every text value; numpy scalars (a pandas cell) as Python values; other types pass through."""
    return {k: clean(v) if isinstance(v, str) else v.item() if isinstance(v, np.generic) else v
            for k, v in values.items()}


# Record ids as the pages pass them: an int (or a pandas cell, or digits as text). Anything else — a list, a float
# with a fraction, «abc», a 5000-digit number — is refused naming the record, before it reaches SQL (DuckDB's own
# conversion errors are English).
ID_MAX = 2 ** 31 - 1


def record_id(value, what: str) -> int:
    """The id of one record of kind `what` («vụ việc», «tổ hòa giải»…), or a ValidationError naming it. Whether the
    record exists is each write's own check (its message names the record)."""
    number = None
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        number = int(value)
    elif isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 10:
        number = int(value.strip())
    if number is None:
        empty = is_missing(value) or (isinstance(value, str) and not value.strip())
        raise ValidationError(f"Chưa chọn {what}." if empty else f"Mã {what} «{shown(value)}» không hợp lệ.")
    if not 1 <= number <= ID_MAX:  # (a number of thousands of digits is not even turned into text)
        raise ValidationError(f"Không tìm thấy {what} số {number}." if abs(number) < 10 ** 30 else
                              f"Mã {what} quá lớn.")
    return number


def record_ids(values, what: str) -> list[int]:
    """Several ids (a list, tuple or set of them), each as record_id; sorted, without repeats."""
    if not isinstance(values, (list, tuple, set, frozenset, pd.Series, np.ndarray)):
        raise ValidationError(f"Chưa chọn {what} nào." if is_missing(values) else f"Danh sách {what} không hợp lệ.")
    return sorted({record_id(v, what) for v in values})


def record_version(value) -> int | None:
    """The version a form opened (None: no stale check); anything but a version number is refused."""
    return None if is_missing(value) else record_id(value, "phiên bản hồ sơ")


def form_values(data: dict) -> dict:
    """clean_values, with an empty cell (None, NaN, pd.NA, NaT) as None."""
    return {k: None if is_missing(v) else v for k, v in clean_values(data).items()}


def check_text_fields(values: dict, labels: dict[str, str], errors: list[str]) -> None:
    """The fields of `labels` present in values must be text (or empty): a number, a list or a dict is refused by
    the field's name and left empty, so that no later check meets it."""
    for field, label in labels.items():
        if values.get(field) is not None and not isinstance(values[field], str):
            errors.append(f"{label} «{shown(values[field])}» không phải là chữ.")
            values[field] = None


def parse_flag(value, label: str, errors: list[str]) -> bool | None:
    """A yes/no field: a bool (or 0/1); empty is no; anything else («có», a list…) is refused by its name (None)."""
    if is_missing(value):
        return False
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, (int, np.integer)) and value in (0, 1)):
        return bool(value)
    errors.append(f"{label} «{shown(value)}» không hợp lệ: chỉ chọn có hoặc không.")
    return None


def as_mapping(data, what: str) -> dict:
    """A form's fields (a dict); anything else is refused."""
    if not isinstance(data, dict):
        raise ValidationError(f"Dữ liệu {what} không hợp lệ.")
    return data


def require(values: dict, fields: dict[str, str], errors: list[str]) -> None:
    for field, label in fields.items():
        if values.get(field) in (None, ""):
            errors.append(f"Chưa nhập {label}.")


def today() -> dt.date:
    return dt.date.today()


def parse_year(value, label: str, errors: list[str], lo: int = 2000, hi: int = 2100) -> int | None:
    """A year that must be given: a whole number from lo to hi (digits typed too); empty is refused («Chưa chọn
    năm.»), and anything else by parse_int's message naming the field."""
    before = len(errors)
    year = parse_int(value, label, errors, lo, hi)
    if year is None and len(errors) == before:
        errors.append(f"Chưa chọn {label.lower()}.")
    return year
