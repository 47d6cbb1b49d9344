"""Nhật ký thay đổi: reading the audit log — who changed what and when, field by field — and bringing a deleted
row back from it through the write path.

The log itself is written in one place only, db.core.writes.audit, which appends a row (INSERT) inside the
transaction of the write it records. This module only reads it: nothing here, and nothing in the app, UPDATEs
or DELETEs audit_log. Every read is scoped in SQL (filters, one page of LIMIT rows, a COUNT for the pager): the
log is never loaded whole.

Each row holds full snapshots of the record before and after, as JSON (dates as ISO text). For a case the
snapshot also holds its parties and assigned mediators (db.cases.case_snapshot). `changes` turns a pair of
snapshots into the fields that differ, labelled in Vietnamese and shown as a user reads them.

`fingerprint` answers «was the log edited outside the app?»: a SHA-256 digest of every row up to a given entry.
Written down (or kept beside a backup) and computed again later, any row changed, removed or slipped in up to
that entry gives another code.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from db.core import labels
from db.tools.exporting import HEADERS, SHEETS
from db.core.labels import (
    AWARD_LEVELS, COMMUNE_KINDS, GENDERS, LEAVE_REASONS, NOMINATION_STATUS, PAYMENT_KINDS, PAYMENT_STATUS,
    PLACE_CHANGES, PLAN_TASK_STATUS, RATE_KINDS, RATE_UNITS, RESULTS, REVIEW_STATUS, TEAM_END_REASONS,
    TRAINING_STATUS, VILLAGE_KINDS,
)
from db.core.text import fold
from db.core.writes import ValidationError, fetch_row, record_id

PAGE_SIZE = 50

# --- words -----------------------------------------------------------------------------------------------------

# Tables as users name them: the export's sheet names, and the tables the export does not list.
TABLE_LABELS = {
    **SHEETS,
    "users": "Tài khoản", "settings": "Thiết lập", "period_locks": "Khóa số liệu",
    "payment_cases": "Vụ việc trong chứng từ",
}
# Actions of the write path (db/*.py: audit(...) and update_row(..., action=...)). An action not listed here (a
# newer one) is shown by its code rather than hidden.
ACTION_LABELS = {
    "insert": "Thêm mới", "update": "Sửa", "delete": "Xóa", "restore": "Khôi phục",
    "import": "Nhập từ tệp", "remove_demo": "Xóa dữ liệu minh họa",
    "leave": "Thôi làm hòa giải viên", "team_end": "Kết thúc theo tổ (sáp nhập, chia tách, giải thể)",
    "leader_on": "Giao làm tổ trưởng", "leader_off": "Thôi làm tổ trưởng", "end": "Kết thúc hoạt động",
    "decide": "Quyết định khen thưởng", "reduce": "Giảm số tiền", "da_duyet": "Duyệt chi", "da_chi": "Chi tiền",
    "huy": "Hủy chứng từ", "close": "Hết hiệu lực (có giá trị mới)", "close_version": "Đóng phiên bản cũ",
    "lock": "Khóa số liệu", "unlock": "Mở khóa số liệu", "password": "Đổi mật khẩu",
    "sign_in": "Đăng nhập", "sign_in_failed": "Đăng nhập sai", "sign_out": "Đăng xuất",
}

# Field labels: the export's column headers, with names instead of numbers where the log shows a name.
FIELD_LABELS = {
    **HEADERS,
    "team_id": "Tổ hòa giải", "mediator_id": "Hòa giải viên", "village_id": "Thôn", "successor_id": "Sáp nhập vào thôn",
    "parties": "Các bên", "mediator_ids": "Hòa giải viên được phân công", "case_ids": "Các vụ việc",
    "file": "Tệp", "counts": "Kết quả nhập", "sheets": "Trang tính", "valid_only": "Chỉ nhập các dòng hợp lệ",
    "login": "Tên đăng nhập", "is_admin": "Quản trị", "active": "Đang dùng", "failed_attempts": "Số lần nhập sai",
    "locked_until": "Tạm khóa đến", "last_login": "Đăng nhập lần cuối", "locked_at": "Khóa lúc",
    "locked_by": "Người khóa", "unlocked_at": "Mở khóa lúc", "unlocked_by": "Người mở khóa",
    "unlock_reason": "Lý do mở khóa", "password_hash": "Mật khẩu (đã mã hóa)",
}
FIELD_LABELS_BY_TABLE = {("users", "role"): "Vai trò"}
PARTY_FIELDS = {"full_name": "Họ và tên", "age": "Tuổi", "address": "Địa chỉ"}
# Bookkeeping that changes with every save: not a change anyone made.
SKIPPED = {"id", "version", "updated_at", "created_at"}
SECRET = re.compile(r"password|secret", re.IGNORECASE)
ORDER = {name: i for i, name in enumerate(FIELD_LABELS)}

# Code values shown by their label; by table where one column name means different things.
CODES = {
    "result": RESULTS, "gender": GENDERS, "award_level": AWARD_LEVELS, "unit": RATE_UNITS,
    "leave_reason": {**LEAVE_REASONS, **TEAM_END_REASONS},
}
CODES_BY_TABLE = {
    ("nominations", "status"): NOMINATION_STATUS, ("payments", "status"): PAYMENT_STATUS,
    ("trainings", "status"): TRAINING_STATUS, ("team_reviews", "status"): REVIEW_STATUS,
    ("plan_tasks", "status"): PLAN_TASK_STATUS, ("payments", "kind"): PAYMENT_KINDS, ("rates", "kind"): RATE_KINDS,
    ("users", "role"): getattr(labels, "ROLES", {}),
    ("communes", "kind"): COMMUNE_KINDS, ("villages", "kind"): VILLAGE_KINDS, ("place_changes", "kind"): PLACE_CHANGES,
}
MONEY = {"amount", "computed_amount"}
DATE_NAMES = {"at", "valid_from", "valid_to", "period_from", "period_to", "deadline"}
ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
ISO_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?")


class Change(NamedTuple):
    """One field of one change: its Vietnamese label, the value before and after, as text ('' for empty)."""
    label: str
    old: str
    new: str


@dataclass
class Lookups:
    """Names for the ids and codes a page of entries holds (each read once, for those ids only)."""
    teams: dict[int, str] = field(default_factory=dict)
    mediators: dict[int, str] = field(default_factory=dict)
    villages: dict[int, str] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # category, grounds, evidence kind


@dataclass
class Entry:
    """One row of the log, as the page shows it."""
    id: int
    at: dt.datetime
    actor: str
    action: str
    action_label: str
    table: str
    table_label: str
    row_id: int | None
    before: dict | None
    after: dict | None
    changes: list[Change]
    restorable: bool = False
    detail: str = ""  # a short description of the record (a deleted row's, in the restore list)

    @property
    def title(self) -> str:
        """«Vụ việc số 12», «Vụ việc (nhập từ tệp)»."""
        if self.row_id is None:
            return self.table_label
        return f"{self.table_label} số {self.row_id}"

    @property
    def when(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M}"


@dataclass
class EntryPage:
    entries: list[Entry]
    total: int
    limit: int
    offset: int

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))


def table_label(table: str | None) -> str:
    return TABLE_LABELS.get(table or "", table or "")


def action_label(action: str | None) -> str:
    return ACTION_LABELS.get(action or "", action or "")


# --- field by field --------------------------------------------------------------------------------------------

def _snapshot(value) -> dict | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, dict) else {"value": value}


def _is_date_field(name: str) -> bool:
    return name in DATE_NAMES or name.endswith(("_on", "_at", "_date", "_until", "_login"))


def _money(value) -> str:
    return f"{int(value):,} đ".replace(",", ".")


def _name(names: dict[int, str], value) -> str:
    try:
        key = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{names[key]} (số {key})" if key in names else f"số {key}"


def show(name: str, value, table: str | None = None, lookups: Lookups | None = None) -> str:
    """A stored value as a user reads it: dates dd/mm/yyyy, yes/no, labels for codes, names for ids."""
    lookups = lookups or Lookups()
    if value is None or value == "":
        return ""
    if SECRET.search(name):
        return "(ẩn)"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, list):
        if name == "mediator_ids":
            return ", ".join(_name(lookups.mediators, v) for v in value)
        if name == "case_ids":
            return "số " + ", ".join(str(v) for v in value)
        return ", ".join(show(name, v, table, lookups) if not isinstance(v, dict) else _party(v) for v in value)
    if isinstance(value, dict):
        if name == "counts":
            from db.tools.importing import ACTIONS
            return ", ".join(f"{ACTIONS.get(k, k)}: {v}" for k, v in value.items())
        return ", ".join(f"{FIELD_LABELS.get(k, k)}: {show(k, v, table, lookups)}" for k, v in value.items())
    if isinstance(value, str) and _is_date_field(name):
        if match := ISO_TIME.fullmatch(value):
            y, m, d, hh, mm = match.groups()[:5]
            return f"{d}/{m}/{y} {hh}:{mm}"
        if match := ISO_DAY.fullmatch(value):
            y, m, d = match.groups()
            return f"{d}/{m}/{y}"
    if name == "kind" and value == table and table in TABLE_LABELS:  # an import: what was imported
        return TABLE_LABELS[table]
    if name == "team_id":
        return _name(lookups.teams, value)
    if name == "mediator_id":
        return _name(lookups.mediators, value)
    if name in ("village_id", "successor_id"):
        return _name(lookups.villages, value)
    codes = CODES_BY_TABLE.get((table or "", name)) or CODES.get(name) or lookups.codes.get(
        "evidence_kind" if (table, name) == ("evidence_documents", "kind") else name)
    if codes and isinstance(value, str) and value in codes:
        return codes[value]
    if name in MONEY and isinstance(value, (int, float)):
        return _money(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def _party(party: dict) -> str:
    """«Nguyễn Văn An, 40 tuổi, Xóm 1»."""
    parts = [str(party.get("full_name") or "")]
    if party.get("age") not in (None, ""):
        parts.append(f"{party['age']} tuổi")
    if party.get("address"):
        parts.append(str(party["address"]))
    return ", ".join(p for p in parts if p)


def _party_changes(old: list, new: list) -> list[Change]:
    """Parties by their place in the list (Bên thứ 1, 2, …): a changed field, or a party added or removed."""
    out = []
    for i in range(max(len(old), len(new))):
        a = old[i] if i < len(old) else None
        b = new[i] if i < len(new) else None
        if a is None or b is None:
            out.append(Change(f"Bên thứ {i + 1}", _party(a) if a else "", _party(b) if b else ""))
            continue
        for key, label in PARTY_FIELDS.items():
            if a.get(key) != b.get(key):
                out.append(Change(f"Bên thứ {i + 1} – {label}", show(key, a.get(key)), show(key, b.get(key))))
    return out


def changes(before, after, *, table: str | None = None, lookups: Lookups | None = None) -> list[Change]:
    """What one write changed, field by field: (Vietnamese label, old, new) for each field that differs, in the
    columns' order; a case's parties party by party and its mediators as one list. Snapshots may be JSON text
    or dicts; an insert has no before, a delete no after (the fields then go from or to empty). Bookkeeping
    (id, version, created/updated time) is left out; a secret (a password hash) never shown."""
    old, new = _snapshot(before) or {}, _snapshot(after) or {}
    out: list[Change] = []
    names = sorted(set(old) | set(new), key=lambda n: (n in ("parties", "mediator_ids"), ORDER.get(n, len(ORDER)), n))
    for name in names:
        if name in SKIPPED:
            continue
        a, b = old.get(name), new.get(name)
        if a == b or (a in (None, "", []) and b in (None, "", [])):
            continue
        if name == "parties":
            out.extend(_party_changes(a or [], b or []))
            continue
        # a table's name as a field: the count per table of a «xóa dữ liệu minh họa»
        label = FIELD_LABELS_BY_TABLE.get((table, name)) or FIELD_LABELS.get(name) or TABLE_LABELS.get(name, name)
        out.append(Change(label, show(name, a, table, lookups), show(name, b, table, lookups)))
    return out


def what_changed(con, table: str, before: dict | None, after: dict | None) -> list[Change]:
    """Field by field, what changed between two snapshots of one record (e.g. as a user opened it and as another user
    saved it meanwhile), with names for the ids in them."""
    before, after = (json.loads(json.dumps(s, default=str)) if s else None for s in (before, after))
    return changes(before, after, table=table, lookups=_lookups(con.cursor(), [(table, before, after)]))


# --- reading the log ------------------------------------------------------------------------------------------

# Deleted rows that can come back, one per record (its latest delete): a soft-deleted case or evidence document
# still deleted today, and a withdrawn nomination (a DELETEd row, whole in the log's «before») while the team or
# person has no nomination of that year again — the one-per-year rule would refuse it anyway.
RESTORABLE_SQL = """
    SELECT a.id
    FROM audit_log a
    LEFT JOIN cases c ON a.table_name = 'cases' AND c.id = a.row_id
    LEFT JOIN evidence_documents e ON a.table_name = 'evidence_documents' AND e.id = a.row_id
    WHERE a.action = 'delete' AND a.row_id IS NOT NULL AND a.table_name IN (SELECT unnest($restorable_tables))
      AND NOT EXISTS (SELECT 1 FROM audit_log later WHERE later.table_name = a.table_name
                      AND later.row_id = a.row_id AND later.action = 'delete' AND later.id > a.id)
      AND CASE a.table_name
            WHEN 'cases' THEN c.deleted_at IS NOT NULL
            WHEN 'evidence_documents' THEN e.deleted_at IS NOT NULL
            WHEN 'nominations' THEN NOT EXISTS (
                SELECT 1 FROM nominations n
                WHERE n.year = TRY_CAST(a."before"->>'$.year' AS INTEGER)
                  AND n.team_id = TRY_CAST(a."before"->>'$.team_id' AS INTEGER)
                  AND n.mediator_id IS NOT DISTINCT FROM TRY_CAST(a."before"->>'$.mediator_id' AS INTEGER))
            ELSE FALSE
          END
"""


def _restorable_tables() -> list[str]:
    """Tables whose deleted rows come back through a restore function of the write path."""
    from db.criteria import evidence
    tables = ["cases", "nominations"]
    if hasattr(evidence, "restore_document"):
        tables.append("evidence_documents")
    return tables


def _where(table, row_id, actor, date_from, date_to, action) -> tuple[str, dict]:
    params = {"table": table, "row_id": row_id, "actor": actor, "action": action,
              "date_from": date_from, "date_to": date_to}
    where = """
        ($table IS NULL OR a.table_name = $table) AND ($row_id IS NULL OR a.row_id = $row_id)
        AND ($actor IS NULL OR a.actor = $actor) AND ($action IS NULL OR a.action = $action)
        AND ($date_from IS NULL OR a."at" >= $date_from::DATE)
        AND ($date_to IS NULL OR a."at" < $date_to::DATE + INTERVAL 1 DAY)
    """
    return where, params


def _lookups(cur, rows: list[tuple[str | None, dict | None, dict | None]]) -> Lookups:
    """Names for the ids in these snapshots: one query per kind, only the ids present."""
    teams, mediators, villages, codes = set(), set(), set(), set()
    for table, *snapshots in rows:
        for snap in snapshots:
            for key, value in (snap or {}).items():
                if value is None:
                    continue
                if key == "team_id":
                    teams.add(value)
                elif key == "mediator_id":
                    mediators.add(value)
                elif key == "mediator_ids" and isinstance(value, list):
                    mediators.update(value)
                elif key in ("village_id", "successor_id"):
                    villages.add(value)
                elif key in ("category", "grounds") or (table, key) == ("evidence_documents", "kind"):
                    codes.add(key if key != "kind" else "evidence_kind")

    def names(sql: str, ids: set) -> dict[int, str]:
        ids = [int(i) for i in ids if isinstance(i, (int, float, str)) and str(i).lstrip("-").isdigit()]
        return dict(cur.execute(sql, [ids]).fetchall()) if ids else {}

    found = Lookups(
        teams=names("SELECT id, name FROM teams WHERE id IN (SELECT unnest(?::BIGINT[]))", teams),
        mediators=names("SELECT id, full_name FROM mediators WHERE id IN (SELECT unnest(?::BIGINT[]))", mediators),
        villages=names("SELECT id, name FROM villages WHERE id IN (SELECT unnest(?::BIGINT[]))", villages),
    )
    for code, source in (("category", "case_categories"), ("grounds", "case_grounds"),
                         ("evidence_kind", "evidence_kinds")):
        if code in codes:  # reference lists of a few rows
            found.codes[code] = dict(cur.execute(f"SELECT code, label FROM {source}").fetchall())
    return found


def _detail(table: str, snap: dict | None, lookups: Lookups) -> str:
    """A deleted record in a few words, for the restore list."""
    snap = snap or {}
    if table == "cases":
        parties = ", ".join(p.get("full_name") or "" for p in snap.get("parties") or [])
        received = f"nhận {show('received_on', snap.get('received_on'))}"
        team = show("team_id", snap.get("team_id"), table, lookups)
        return " · ".join(p for p in (received, team, parties, snap.get("summary") or "") if p)
    if table == "nominations":
        who = (show("mediator_id", snap.get("mediator_id"), table, lookups) if snap.get("mediator_id") is not None
               else show("team_id", snap.get("team_id"), table, lookups))
        return (f"năm {snap.get('year')} · {who} · {show('award_level', snap.get('award_level'), table, lookups)}"
                f" · đề nghị ngày {show('nominated_on', snap.get('nominated_on'))}")
    if table == "evidence_documents":
        return " · ".join(p for p in (
            show("kind", snap.get("kind"), table, lookups), f"năm {snap.get('year')}", snap.get("doc_no") or "",
            snap.get("file_name") or "") if p)
    return ""


def _entries(cur, sql: str, params: dict, restorable_ids: set[int] | None = None) -> list[Entry]:
    rows = cur.execute(sql, params).fetchall()
    parsed = [(r[0], r[1], r[2], r[3], r[4], r[5], _snapshot(r[6]), _snapshot(r[7]), r[8]) for r in rows]
    lookups = _lookups(cur, [(p[4], p[6], p[7]) for p in parsed])
    out = []
    for audit_id, at, actor, action, table, row_id, before, after, restorable in parsed:
        restorable = bool(restorable)
        out.append(Entry(
            id=audit_id, at=at, actor=actor, action=action, action_label=action_label(action), table=table,
            table_label=table_label(table), row_id=row_id, before=before, after=after,
            changes=changes(before, after, table=table, lookups=lookups), restorable=restorable,
            detail=_detail(table, before or after, lookups) if restorable else "",
        ))
    return out


SELECT = """
    SELECT a.id, a."at", a.actor, a.action, a.table_name, a.row_id, a."before", a."after",
           a.id IN (SELECT id FROM restorable) AS restorable
    FROM audit_log a
"""


def entries(con, *, table: str | None = None, row_id: int | None = None, actor: str | None = None,
            date_from: dt.date | None = None, date_to: dt.date | None = None, action: str | None = None,
            limit: int = PAGE_SIZE, offset: int = 0) -> EntryPage:
    """One page of the log, newest first, narrowed by table (code), record number, person (the actor as
    recorded), dates (from and to, both included) and action; with the total for the pager."""
    where, params = _where(table, row_id, actor, date_from, date_to, action)
    params["restorable_tables"] = _restorable_tables()
    cur = con.cursor()
    try:
        total = cur.execute(f"SELECT count(*) FROM audit_log a WHERE {where}",
                            {k: v for k, v in params.items() if k != "restorable_tables"}).fetchone()[0]
        page = _entries(cur, f"WITH restorable AS ({RESTORABLE_SQL}) {SELECT} WHERE {where} "
                             "ORDER BY a.id DESC LIMIT $limit OFFSET $offset",
                        {**params, "limit": int(limit), "offset": max(0, int(offset))})
    finally:
        cur.close()
    return EntryPage(page, int(total), int(limit), max(0, int(offset)))


def record_history(con, table: str, row_id: int, *, limit: int = PAGE_SIZE) -> EntryPage:
    """The history of one record (a case, a mediator, …), newest first: for «Lịch sử thay đổi» on its form.
    A case's parties and mediators are in its own entries (its snapshots hold them)."""
    return entries(con, table=table, row_id=int(row_id), limit=limit)


def restorable(con, *, table: str | None = None, limit: int = PAGE_SIZE, offset: int = 0) -> EntryPage:
    """The deleted rows that can be brought back (their latest delete entry), newest first."""
    params = {"restorable_tables": _restorable_tables(), "table": table}
    cur = con.cursor()
    try:
        total = cur.execute(f"SELECT count(*) FROM ({RESTORABLE_SQL}) r JOIN audit_log a USING (id) "
                            "WHERE $table IS NULL OR a.table_name = $table", params).fetchone()[0]
        page = _entries(cur, f"WITH restorable AS ({RESTORABLE_SQL}) {SELECT} "
                             "WHERE a.id IN (SELECT id FROM restorable) AND ($table IS NULL OR a.table_name = $table) "
                             "ORDER BY a.id DESC LIMIT $limit OFFSET $offset",
                        {**params, "limit": int(limit), "offset": max(0, int(offset))})
    finally:
        cur.close()
    return EntryPage(page, int(total), int(limit), max(0, int(offset)))


def choices(con) -> dict[str, dict[str, str]]:
    """What the filters offer: the tables, actions and people present in the log (code → label), most recent
    person first."""
    cur = con.cursor()
    try:
        tables = [t for t, in cur.execute("SELECT DISTINCT table_name FROM audit_log").fetchall()]
        actions = [a for a, in cur.execute("SELECT DISTINCT action FROM audit_log").fetchall()]
        # A failed sign-in is logged under the login typed: at most the 200 most recent names are offered.
        actors = [a for a, in cur.execute(
            "SELECT actor FROM audit_log GROUP BY actor ORDER BY max(id) DESC LIMIT 200").fetchall()]
    finally:
        cur.close()
    return {
        "tables": dict(sorted(((t, table_label(t)) for t in tables), key=lambda kv: fold(kv[1]))),
        "actions": dict(sorted(((a, action_label(a)) for a in actions), key=lambda kv: fold(kv[1]))),
        "actors": {a: a for a in actors},
    }


def size(con) -> int:
    """How many entries the log holds."""
    return con.cursor().execute("SELECT count(*) FROM audit_log").fetchone()[0]


# --- restoring --------------------------------------------------------------------------------------------------

def restore(con, audit_id: int, *, actor) -> str:
    """Bring back the row deleted by this log entry, through the write path (which checks the role, the period
    lock and its own rules, and logs the restore); returns the Vietnamese message. A case or evidence document
    is undeleted; a withdrawn nomination is recorded again from its snapshot with db.scores.commendation.nominate (a new
    number), which may refuse — e.g. the team or person has another nomination of that year. Refusals raise
    ValidationError in Vietnamese; nothing is written then."""
    audit_id = record_id(audit_id, "mục nhật ký")
    row = con.cursor().execute(
        'SELECT action, table_name, row_id, "before", "after" FROM audit_log WHERE id = ?', [audit_id]).fetchone()
    if row is None:
        raise ValidationError(f"Không tìm thấy mục nhật ký số {audit_id}.")
    action, table, row_id, before, after = row
    if action != "delete" or row_id is None or table not in ("cases", "evidence_documents", "nominations"):
        raise ValidationError(
            f"Mục nhật ký số {audit_id} ({action_label(action).lower()} {table_label(table).lower()}) không phải một "
            "lần xóa khôi phục được: chỉ khôi phục vụ việc, hồ sơ kiểm chứng và đề nghị khen thưởng đã xóa.")
    if table == "cases":
        from db import cases
        current = cases.get_case(con, row_id)
        if current is None:
            raise ValidationError(f"Vụ việc số {row_id} không còn trong dữ liệu (đã xóa hẳn): không khôi phục được.")
        if current["deleted_at"] is None:
            raise ValidationError(f"Vụ việc số {row_id} đang có trong sổ (đã được khôi phục): không cần khôi phục.")
        cases.restore_case(con, row_id, actor=actor, expected_version=current["version"])
        return f"Đã khôi phục vụ việc số {row_id}."
    if table == "evidence_documents":
        from db.criteria import evidence
        if not hasattr(evidence, "restore_document"):
            raise ValidationError("Ứng dụng chưa có chức năng khôi phục hồ sơ kiểm chứng.")
        current = fetch_row(con.cursor(), "evidence_documents", row_id)
        if current is None:
            raise ValidationError(f"Hồ sơ số {row_id} không còn trong dữ liệu (đã xóa hẳn): không khôi phục được.")
        if current["deleted_at"] is None:
            raise ValidationError(f"Hồ sơ số {row_id} đang có (đã được khôi phục): không cần khôi phục.")
        evidence.restore_document(con, row_id, actor=actor, expected_version=current["version"])
        return f"Đã khôi phục hồ sơ kiểm chứng số {row_id}."
    from db.scores import commendation
    snap = _snapshot(before)
    if not snap:
        raise ValidationError(f"Nhật ký số {audit_id} không giữ nội dung của đề nghị đã rút: không khôi phục được.")
    new_id = commendation.nominate(con, {f: snap.get(f) for f in commendation.NOMINATION_FIELDS}, actor=actor)
    return f"Đã khôi phục đề nghị khen thưởng đã rút (số cũ {row_id}), nay là đề nghị số {new_id}."


# --- tamper evidence ----------------------------------------------------------------------------------------------

class Fingerprint(NamedTuple):
    last_id: int   # the entries up to this number …
    count: int     # … how many there are …
    code: str      # … and their digest, 16 hex digits in four groups: «A1B2-C3D4-E5F6-0718»


def fingerprint(con, upto_id: int | None = None) -> Fingerprint:
    """A digest of the log up to entry upto_id (default: the latest): SHA-256 over each row's MD5, in order of
    id. Every field of every row counts, so a row edited, deleted or inserted outside the app up to that entry
    changes the code; rows added later by the app do not. Computed in SQL, on request."""
    last, total, digest = con.cursor().execute(
        r"""
        SELECT max(id), count(*), sha256(coalesce(string_agg(md5(concat_ws(chr(31), id, "at", actor, action,
                   table_name, coalesce(row_id::VARCHAR, '∅'), coalesce("before"::VARCHAR, '∅'),
                   coalesce("after"::VARCHAR, '∅'))), '' ORDER BY id), ''))
        FROM audit_log WHERE $upto IS NULL OR id <= $upto
        """, {"upto": upto_id}).fetchone()
    code = digest[:16].upper()
    return Fingerprint(int(last or upto_id or 0), int(total), "-".join(code[i:i + 4] for i in range(0, 16, 4)))


def check_fingerprint(con, last_id: int, code: str) -> bool:
    """Does the log up to entry last_id still give the code written down then? (Spaces, dashes, case ignored.)"""
    def norm(text: str) -> str:
        return re.sub(r"[^0-9A-F]", "", str(text).upper())
    return norm(fingerprint(con, int(last_id)).code) == norm(code)
