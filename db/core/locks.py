"""Khóa số liệu: once a year's report is sent, the officer locks the year and its figures stop changing — the cases
received in it, the payments charged to it and the team reviews of it refuse edits with a message naming the lock.
Unlocking is its own act, by leadership or an administrator, with a reason; both stay in period_locks and the audit
log. A case received in a locked year may still be concluded in a later, open year (a carried-over case), as long as
nothing the locked year shows changes."""
from __future__ import annotations

import pandas as pd

from db.core.text import clean
from db.users import authorize
from db.core.writes import ValidationError, fetch_row, insert_row, transaction, update_row


def _d(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def locks(con) -> pd.DataFrame:
    """Every lock and unlock, latest first."""
    return con.cursor().execute("SELECT * FROM period_locks ORDER BY locked_at DESC, id DESC").df()


def current_lock(cur, year: int) -> dict | None:
    row = cur.execute("SELECT id FROM period_locks WHERE year = ? AND unlocked_at IS NULL", [year]).fetchone()
    return fetch_row(cur, "period_locks", row[0]) if row else None


def locked_years(cur) -> set[int]:
    return {r[0] for r in cur.execute("SELECT year FROM period_locks WHERE unlocked_at IS NULL").fetchall()}


def refuse_if_locked(cur, year: int | None, what: str) -> None:
    """Raise the Vietnamese refusal naming the lock when `year` is locked."""
    if year is None or (lock := current_lock(cur, year)) is None:
        return
    raise ValidationError(
        f"Năm {year} đã khóa số liệu từ ngày {_d(lock['locked_at'])} ({lock['locked_by']}"
        + (f": {lock['reason']}" if lock["reason"] else "") + f"), nên không sửa được {what}. Nếu cần sửa, lãnh đạo "
        f"UBND xã mở khóa năm {year} (ghi lý do) ở trang «Khóa số liệu».")


def lock_year(con, year: int, reason: str | None, *, actor) -> int:
    authorize(con, actor, "lock")
    reason = clean(reason)
    if reason and len(reason) > 500:
        raise ValidationError("Lý do khóa dài quá 500 ký tự.")
    with transaction(con) as cur:
        if current_lock(cur, year):
            raise ValidationError(f"Năm {year} đã khóa số liệu.")
        return insert_row(cur, "period_locks", {"year": int(year), "locked_by": str(actor), "reason": reason}, actor)


def unlock_year(con, year: int, reason: str | None, *, actor) -> None:
    authorize(con, actor, "unlock")
    reason = clean(reason)
    if not reason:
        raise ValidationError("Cần ghi lý do mở khóa (ví dụ: sửa số liệu theo yêu cầu của Phòng Tư pháp).")
    if len(reason) > 500:
        raise ValidationError("Lý do mở khóa dài quá 500 ký tự.")
    with transaction(con) as cur:
        lock = current_lock(cur, year)
        if lock is None:
            raise ValidationError(f"Năm {year} không bị khóa.")
        update_row(cur, "period_locks", lock["id"], {"unlocked_at": _now(cur), "unlocked_by": str(actor),
                                                     "unlock_reason": reason}, actor, None, "Khóa số liệu",
                   action="unlock")


def _now(cur):
    return cur.execute("SELECT current_localtimestamp()").fetchone()[0]


# --- cases ---------------------------------------------------------------------------------------------------
# The fields a carried-over case of a locked year may still get when it is concluded in an open year.
CONCLUDING = {"result", "concluded_on", "agreement", "written_record", "note", "concluded_on_missing", "version",
              "updated_at"}


def _figures(cur, case_id: int, years: set[int]) -> list:
    """What the locked years show of a case (db/cases/case_year.sql), in this transaction."""
    if not years:
        return []
    return cur.execute(
        "SELECT year, team_id, carried_over, result_in_year, category, security_incident FROM case_year "
        "WHERE case_id = ? AND year IN (SELECT unnest(?::INTEGER[])) ORDER BY year",
        [case_id, sorted(years)]).fetchall()


def case_figures(cur, case_id: int | None) -> list:
    """Before a case is written: what the locked years show of it (compare after writing with check_case)."""
    return _figures(cur, case_id, locked_years(cur)) if case_id is not None else []


def check_case(cur, case_id: int, before: dict | None, after: dict | None, figures_before: list) -> None:
    """Refuse a write of a case (inside its transaction, after the write) that changes a locked year: the case was
    received in a locked year (other than being concluded later, in an open year), or what a locked year shows of
    it changed (its result at 31/12, category, team, incident flag)."""
    years = locked_years(cur)
    if not years:
        return
    for snapshot in (before, after):
        if snapshot is None or snapshot["received_on"].year not in years:
            continue
        changed = {k for k in after or {} if before is None or after is None or before.get(k) != after.get(k)}
        concluding_later = (before is not None and after is not None and before["result"] == "dang_hoa_giai"
                            and changed <= CONCLUDING and after["deleted_at"] is None
                            and (after["concluded_on"] is None or after["concluded_on"].year not in years))
        if not concluding_later:
            refuse_if_locked(cur, snapshot["received_on"].year, f"vụ việc số {case_id} (nhận năm đó)")
    if _figures(cur, case_id, years) != figures_before:
        changed_years = sorted({r[0] for r in figures_before} | {r[0] for r in _figures(cur, case_id, years)})
        refuse_if_locked(cur, changed_years[0] if changed_years else None, f"số liệu của vụ việc số {case_id}")
