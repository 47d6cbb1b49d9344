"""Funding (kinh phí): dated rates, the yearly budget line, fee requests and team support payments.

The write path for `rates`, `budgets`, `payments` and `payment_cases` (validation in Vietnamese, one
transaction, version, audit), and the reads of the Kinh phí page. Every figure comes from the views of
db/funding/funding.sql, where each rule is written beside its SQL (DOMAIN.md "Fees").

Money is whole đồng (int / BIGINT), never a float.

Many communes in one file (a province, a roll-up): a budget line is one commune's, and the reads take an optional
commune_id — the commune whose teams and budget line a figure is about (a village's commune when a village is given);
None: the whole file, money summed over its communes (places.commune_scope: the only commune of a one-commune file).
The village argument may also be a db.core.scope.Place (province, commune, village: places.scope).
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import math
import numbers
from decimal import Decimal

import numpy as np
import pandas as pd

from db.core.labels import (
    PAYMENT_KINDS, PAYMENT_STATUS, RATE_KINDS, RATE_LEVELS, RATE_RESULTS, RATE_UNITS, RATE_UNITS_BY_KIND, RESULTS,
)
from db import places
from db.core import locks
from db.core.text import shown
from db.users import authorize
from db.core.writes import (
    ValidationError, as_mapping, commune_of, audit, check_text_fields, check_version, fetch_row, form_values, insert_row,
    is_missing, parse_date, parse_flag, parse_year, record_id, record_ids, record_version, require, save_keyed, today,
    transaction, update_row,
)

MAX_MONEY = 10 ** 12  # one thousand billion đồng: anything larger is a typing mistake
FEE_RESULTS = ("thanh", "khong_thanh")  # a fee is paid whether or not the mediation succeeded
ACTIVE = ("de_nghi", "da_duyet", "da_chi")  # a payment that is not cancelled
# The only moves of a payment's status: forward one step, or cancel before it is paid.
NEXT_STATUS = {"de_nghi": ("da_duyet", "huy"), "da_duyet": ("da_chi", "huy"), "da_chi": (), "huy": ()}
STEP_DATES = {"da_duyet": "Ngày duyệt", "da_chi": "Ngày chi", "huy": "Ngày hủy"}  # a step and the date it records


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def money_text(amount: int) -> str:
    return f"{amount:,} đ".replace(",", ".")


def parse_money(value, label: str, errors: list[str]) -> int | None:
    """Whole đồng: an int, an integral number, or text such as '1.234.000' / '1 234 000 đ'."""
    if is_missing(value) or str(value).strip() == "":
        return None
    if isinstance(value, (bool, np.bool_)):
        errors.append(f"{label}: «{value}» không phải số tiền.")
        return None
    if isinstance(value, numbers.Integral):  # int, a numpy integer
        amount = int(value)
    elif isinstance(value, (numbers.Real, Decimal)):  # float, a numpy float, Decimal
        if not math.isfinite(value):
            errors.append(f"{label}: «{shown(value)}» không phải số tiền.")
            return None
        if not -MAX_MONEY < value < MAX_MONEY:  # before int(): Decimal('1E+100000') would be a 100000-digit int
            errors.append(f"{label} không được âm." if value < 0 else f"{label} quá lớn.")
            return None
        if value != int(value):
            errors.append(f"{label} phải là số đồng nguyên (đã nhập {shown(value)}).")
            return None
        amount = int(value)
    elif isinstance(value, str):
        text = value.strip().removesuffix("đ").removesuffix("đồng").strip()
        if "," in text:
            errors.append(f"{label}: «{shown(value)}» có phần lẻ; số tiền là số đồng nguyên, ví dụ 1.234.000.")
            return None
        digits = text.replace(".", "").replace(" ", "")
        negative = digits.startswith("-")
        digits = digits.removeprefix("-")
        # ASCII digits only: «²» or «٣» pass str.isdigit() but are no amount anyone typed.
        if not (digits.isascii() and digits.isdigit()):
            errors.append(f"{label}: «{shown(value)}» không phải số tiền (ví dụ 1.234.000).")
            return None
        if len(digits.lstrip("0")) > len(str(MAX_MONEY)):  # thousands of digits: too large, without int() on them
            errors.append(f"{label} quá lớn.")
            return None
        amount = -int(digits) if negative else int(digits)
    else:  # a list, a date, bytes…
        errors.append(f"{label}: «{shown(value)}» không phải số tiền.")
        return None
    if amount < 0:
        errors.append(f"{label} không được âm.")
        return None
    if amount >= MAX_MONEY:
        errors.append(f"{label} quá lớn ({money_text(amount)}).")
        return None
    return amount


def _month(value, label: str, errors: list[str]) -> int | None:
    """A month of a support period, 1–12, that must be given (refused like a year: parse_year's messages)."""
    return parse_year(value, label, errors, 1, 12)


# --- rates (Cài đặt → Mức chi) ----------------------------------------------------------------------

RATE_FIELDS = ("kind", "level", "result", "province", "amount", "unit", "legal_basis", "legal_basis_date", "issuer",
               "valid_from", "valid_to", "needs_verification", "note")


def _rate_what(kind: str, level: str, result: str | None) -> str:
    """«Thù lao hòa giải viên – hòa giải thành · mức tối đa (trung ương)» for messages."""
    text = RATE_KINDS.get(kind, kind) + (f" – {RATE_RESULTS[result].lower()}" if result else "")
    return f"{text} · {RATE_LEVELS.get(level, level).lower()}"


def save_rate(con, data: dict, *, actor: str, rate_id: int | None = None,
              expected_version: int | None = None) -> int:
    """Insert or update a dated rate: a national maximum (level toi_da) or the province's applied rate (ap_dung), a
    fee rate possibly for one result (result thanh / khac; empty: any result). Refuses a validity overlapping another
    rate of the same kind and level for the same result (one row in force a day, so every lookup is unambiguous). An
    applied rate above the maximum is saved: the province may have set it; Cài đặt → Mức chi shows it as such, and
    every figure uses the maximum (db/funding/funding.sql rate_in_force)."""
    authorize(con, actor, "settings")
    data = as_mapping(data, "mức chi")
    rate_id = None if rate_id is None else record_id(rate_id, "mức chi")
    expected_version = record_version(expected_version)
    values = form_values({f: data.get(f) for f in RATE_FIELDS})
    errors: list[str] = []
    if values["level"] is None:  # a call from before levels existed: the commune's own (applied) rate
        values["level"] = "ap_dung"
    values["needs_verification"] = parse_flag(values["needs_verification"], "Cần xác minh", errors)
    # Codes too: a list or a dict as kind or unit is refused here, before it meets the lists below.
    text_fields = {"kind": "Loại mức chi", "level": "Cấp mức chi", "result": "Kết quả vụ việc",
                   "province": "Tỉnh", "unit": "Đơn vị tính", "legal_basis": "Căn cứ (số văn bản)",
                   "issuer": "Cơ quan ban hành", "note": "Ghi chú"}
    typed = {f for f in text_fields if values[f] is not None}
    check_text_fields(values, text_fields, errors)
    refused = {f for f in typed if values[f] is None}
    required = {"kind": "loại mức chi", "unit": "đơn vị tính", "legal_basis": "căn cứ (số văn bản)"}
    require(values, {f: label for f, label in required.items() if f not in refused}, errors)  # one message a field
    values["amount"] = parse_money(values["amount"], "Mức chi", errors)
    if values["amount"] is None and not any(e.startswith("Mức chi") for e in errors):
        errors.append("Chưa nhập mức chi (số đồng).")
    elif values["amount"] == 0:
        errors.append("Mức chi phải lớn hơn 0 đồng.")
    values["legal_basis_date"] = parse_date(values["legal_basis_date"], "Ngày ban hành", errors)
    values["valid_from"] = parse_date(values["valid_from"], "Hiệu lực từ ngày", errors)
    values["valid_to"] = parse_date(values["valid_to"], "Hiệu lực đến ngày", errors)
    kind, unit, level, result = values["kind"], values["unit"], values["level"], values["result"]
    if kind and kind not in RATE_KINDS:
        errors.append(f"Loại mức chi «{shown(kind)}» không hợp lệ.")
    if level and level not in RATE_LEVELS:
        errors.append(f"Cấp mức chi «{shown(level)}» không hợp lệ: chỉ có "
                      + ", ".join(f"«{v}»" for v in RATE_LEVELS.values()) + ".")
    if result and result not in RATE_RESULTS:
        errors.append(f"Kết quả vụ việc «{shown(result)}» không hợp lệ: chỉ có "
                      + ", ".join(f"«{v}»" for v in RATE_RESULTS.values()) + " (để trống: mọi kết quả).")
    elif result and kind in RATE_KINDS and kind != "thu_lao":
        errors.append(f"Chỉ thù lao hòa giải viên tính theo kết quả vụ việc; «{RATE_KINDS[kind]}» để trống kết quả.")
    if level == "toi_da" and values["province"]:
        errors.append("Mức tối đa do trung ương quy định, áp dụng cả nước: không ghi tỉnh.")
    if unit and unit not in RATE_UNITS:
        errors.append(f"Đơn vị tính «{shown(unit)}» không hợp lệ.")
    elif unit and kind in RATE_UNITS_BY_KIND and unit not in RATE_UNITS_BY_KIND[kind]:  # no unit: said above
        allowed = ", ".join(RATE_UNITS[u] for u in RATE_UNITS_BY_KIND[kind])
        errors.append(f"{RATE_KINDS[kind]} tính theo {allowed}, không theo {RATE_UNITS[unit]}.")
    if values["valid_from"] is None and not any(e.startswith("Hiệu lực từ") for e in errors):
        errors.append("Chưa nhập ngày bắt đầu hiệu lực.")
    if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
        errors.append(f"Hiệu lực đến ngày {_fmt(values['valid_to'])} trước ngày bắt đầu {_fmt(values['valid_from'])}.")
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        clashes = cur.execute(
            """
            SELECT valid_from, valid_to, result FROM rates
            WHERE kind = ? AND level = ? AND id <> coalesce(?, -1)
              AND (result IS NULL OR ?::VARCHAR IS NULL OR result = ?)
              AND valid_from <= coalesce(?::DATE, DATE '9999-12-31')
              AND coalesce(valid_to, DATE '9999-12-31') >= ?::DATE
            ORDER BY valid_from
            """,
            [kind, level, rate_id, result, result, values["valid_to"], values["valid_from"]],
        ).fetchall()
        if clashes:
            raise ValidationError([
                f"Đã có mức «{_rate_what(kind, level, r)}» hiệu lực từ {_fmt(f)} "
                f"{'đến ' + _fmt(t) if t else 'không thời hạn'}, trùng thời gian với mức này. "
                "Hãy đặt ngày hết hiệu lực cho mức cũ trước (mỗi loại, mỗi cấp chỉ có một mức cho một kết quả tại một "
                "thời điểm)."
                for f, t, r in clashes
            ])
        if rate_id is None:
            return insert_row(cur, "rates", values, actor)
        before = fetch_row(cur, "rates", rate_id)
        if before is not None and before["kind"] != kind and _rate_in_use(cur, rate_id):
            raise ValidationError("Mức chi này đã được dùng cho chứng từ: không đổi loại mức chi; hãy thêm mức mới.")
        update_row(cur, "rates", rate_id, values, actor, expected_version, "Mức chi")
        return rate_id


def _rate_in_use(cur, rate_id: int) -> int:
    return cur.execute(
        "SELECT (SELECT count(*) FROM payments WHERE rate_id = $id) "
        "+ (SELECT count(DISTINCT payment_id) FROM payment_cases WHERE rate_id = $id)", {"id": rate_id}).fetchone()[0]


def rates(con) -> pd.DataFrame:
    """Every rate, by kind, level, result then date, with how many payments were filed with it (current: in force
    today), and for an applied rate the national maxima it exceeds (rate_schedule): above_cap, and cap_periods, a
    list of (from, to, maximum, its legal basis) where it does."""
    frame = con.cursor().execute(
        """
        WITH over AS (
            SELECT s.applied_id AS id,
                   list({'period_from': s.period_from, 'period_to': s.period_to, 'result_key': s.result_key,
                         'cap_amount': s.cap_amount, 'cap_unit': s.cap_unit, 'cap_basis': m.legal_basis}
                        ORDER BY s.period_from, s.result_key) AS cap_periods
            FROM rate_schedule s JOIN rates m ON m.id = s.cap_id
            WHERE s.above_cap
            GROUP BY s.applied_id
        )
        SELECT r.*,
               (SELECT count(*) FROM payments p WHERE p.rate_id = r.id
                   OR p.id IN (SELECT payment_id FROM payment_cases pc WHERE pc.rate_id = r.id)) AS payments,
               r.valid_from <= current_date AND (r.valid_to IS NULL OR r.valid_to >= current_date) AS current,
               o.id IS NOT NULL AS above_cap, o.cap_periods
        FROM rates r LEFT JOIN over o ON o.id = r.id
        ORDER BY CASE r.kind WHEN 'thu_lao' THEN 1 WHEN 'ho_tro' THEN 2 ELSE 3 END, r.kind,
                 CASE r.level WHEN 'toi_da' THEN 1 ELSE 2 END, r.result NULLS FIRST, r.valid_from DESC
        """
    ).df()
    frame["cap_periods"] = [[] if is_missing(v) else list(v) for v in frame["cap_periods"]]
    return frame


def rate_schedule(con) -> pd.DataFrame:
    """rate_schedule (db/funding/funding.sql) with each row's legal basis, issuer, province and verification mark: the
    national maximum and the applied rate side by side, period by period, newest first within a kind."""
    return con.cursor().execute(
        """
        SELECT s.*, a.legal_basis AS applied_basis, a.legal_basis_date AS applied_basis_date,
               a.province AS applied_province, a.issuer AS applied_issuer,
               a.needs_verification AS applied_verify, a.valid_from AS applied_from, a.valid_to AS applied_to,
               m.legal_basis AS cap_basis, m.legal_basis_date AS cap_basis_date, m.issuer AS cap_issuer,
               m.needs_verification AS cap_verify, m.valid_from AS cap_from, m.valid_to AS cap_to
        FROM rate_schedule s LEFT JOIN rates a ON a.id = s.applied_id LEFT JOIN rates m ON m.id = s.cap_id
        ORDER BY CASE s.kind WHEN 'thu_lao' THEN 1 WHEN 'ho_tro' THEN 2 ELSE 3 END, s.kind, s.period_from DESC,
                 CASE s.result_key WHEN 'thanh' THEN 1 WHEN 'khac' THEN 2 ELSE 3 END
        """
    ).df()


def get_rate(con, rate_id: int) -> dict | None:
    return fetch_row(con.cursor(), "rates", rate_id)


def rate_on(con, kind: str, day: dt.date, result: str | None = None) -> dict | None:
    """The rate in force on a day for a kind (and a fee's result key: 'thanh', 'khac'; None for other kinds), as
    every figure uses it (rate_in_force, db/funding/funding.sql): the rate row used (the province's applied rate, else the
    national maximum) with `value` — what is paid, never above the maximum — `cap` (the maximum's row) and
    `above_cap`; None when neither level has a rate that day."""
    cur = con.cursor()
    rel = cur.execute("SELECT * FROM rate_in_force(?, ?::VARCHAR, ?::DATE)", [kind, result, day])
    found = dict(zip([d[0] for d in rel.description], rel.fetchone()))
    if found["rate_id"] is None:
        return None
    row = fetch_row(cur, "rates", found["rate_id"])
    cap = fetch_row(cur, "rates", found["cap_id"]) if found["cap_id"] is not None else None
    return {**row, "value": found["value"], "cap": cap, "above_cap": bool(found["above_cap"])}


# --- budget (dự toán) ---------------------------------------------------------------------------------

BUDGET_FIELDS = ("amount", "document_no", "document_date", "in_commune_budget", "note")


def save_budget(con, year: int, data: dict, *, actor: str, expected_version: int | None = None,
                commune_id: int | None = None) -> int:
    """Create or update the budget line of a year (one per year)."""
    authorize(con, actor, "funding")
    data = as_mapping(data, "dự toán")
    expected_version = record_version(expected_version)
    values = form_values({f: data.get(f) for f in BUDGET_FIELDS})
    errors: list[str] = []
    year = parse_year(year, "Năm", errors)
    values["in_commune_budget"] = parse_flag(values["in_commune_budget"], "Dòng riêng trong dự toán ngân sách xã",
                                             errors)
    check_text_fields(values, {"document_no": "Số văn bản", "note": "Ghi chú"}, errors)
    values["amount"] = parse_money(values["amount"], "Dự toán", errors)
    if values["amount"] is None and not any(e.startswith("Dự toán") for e in errors):
        errors.append("Chưa nhập số tiền dự toán.")
    values["document_date"] = parse_date(values["document_date"], "Ngày văn bản", errors)
    if values["document_date"] and values["document_date"] > today():
        errors.append(f"Ngày văn bản {_fmt(values['document_date'])} ở tương lai.")
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        locks.refuse_if_locked(cur, year, f"dự toán năm {year}")
        key = {"commune_id": commune_of(cur, commune_id), "year": year}
        return save_keyed(cur, "budgets", key, values, actor, expected_version, f"Dự toán năm {year}")


def budget(con, year: int, commune_id: int | None = None) -> dict | None:
    """A commune's budget line of the year, the row the form edits (commune_id None: the file's only commune; in a
    file of several communes, None — no one commune's line; summary() has their sum)."""
    commune_id = places.commune_scope(con, commune_id)
    if commune_id is None:
        return None
    rel = con.cursor().execute("SELECT * FROM budgets WHERE year = ? AND commune_id = ?", [year, commune_id])
    row = rel.fetchone()
    return None if row is None else dict(zip([d[0] for d in rel.description], row))


# --- payments: fee requests and team support ------------------------------------------------------------

def _team(cur, team_id: int, errors: list[str]):
    team = cur.execute("SELECT id, name FROM teams WHERE id = ?", [team_id]).fetchone()
    if team is None:
        errors.append(f"Tổ hòa giải số {team_id} không tồn tại.")
    return team


def _check_amount(computed: int, amount, reason: str | None, errors: list[str]) -> tuple[int | None, str | None]:
    """The amount is the computed one unless lowered, with a reason; never above it (issue 4)."""
    value = parse_money(amount, "Số tiền đề nghị", errors)
    if value is None:
        return computed, None
    if value > computed:
        errors.append(f"Số tiền đề nghị {money_text(value)} cao hơn số tính theo mức chi {money_text(computed)}: "
                      "chỉ được điều chỉnh giảm.")
    elif value == 0:
        errors.append("Số tiền đề nghị phải lớn hơn 0 đồng.")
    elif value < computed and not reason:
        errors.append(f"Số tiền giảm so với số tính theo mức chi ({money_text(computed)}): cần ghi lý do giảm.")
    return value, (reason if value < computed else None)


def file_fee_request(con, team_id: int, case_ids: list[int], requested_on, *, actor: str, amount=None,
                     reduction_reason: str | None = None, note: str | None = None,
                     as_of: dt.date | None = None) -> int:
    """Giấy đề nghị thanh toán thù lao: a team's concluded, in-scope cases not yet paid, each at the fee in force on
    its concluded date for its result (case_fees); the amount is their sum and may only be lowered, with a reason."""
    authorize(con, actor, "funding")
    as_of = as_of or today()
    team_id = record_id(team_id, "tổ hòa giải")
    ids = record_ids(case_ids, "vụ việc")
    errors: list[str] = []
    texts = form_values({"reduction_reason": reduction_reason, "note": note})
    check_text_fields(texts, {"reduction_reason": "Lý do giảm", "note": "Ghi chú"}, errors)
    reduction_reason, note = texts["reduction_reason"], texts["note"]
    requested = parse_date(requested_on, "Ngày đề nghị", errors)
    if requested is None and not any(e.startswith("Ngày đề nghị") for e in errors):
        errors.append("Chưa nhập ngày đề nghị.")
    if requested and requested > as_of:
        errors.append(f"Ngày đề nghị {_fmt(requested)} ở tương lai (hôm nay là {_fmt(as_of)}).")
    if not ids:
        errors.append("Chưa chọn vụ việc nào để đề nghị chi thù lao.")
    with transaction(con) as cur:
        locks.refuse_if_locked(cur, requested.year if requested else None, "chứng từ chi của năm đó")
        team = _team(cur, team_id, errors)
        if team and ids:
            rows = {r[0]: r for r in cur.execute(
                """
                SELECT c.id, c.team_id, c.result, c.concluded_on, c.deleted_at,
                       (SELECT min(p.id) FROM payment_cases pc JOIN payments p ON p.id = pc.payment_id
                        WHERE pc.case_id = c.id AND p.team_id = c.team_id AND p.kind = 'thu_lao'
                          AND p.status <> 'huy') AS paid_in
                FROM cases c WHERE c.id IN (SELECT unnest(?::INTEGER[]))
                """, [ids]).fetchall()}
            for cid in ids:
                row = rows.get(cid)
                if row is None or row[4] is not None:
                    errors.append(f"Vụ việc số {cid} không tồn tại (hoặc đã bị xóa).")
                elif row[1] != team[0]:
                    errors.append(f"Vụ việc số {cid} không thuộc {team[1]}.")
                elif row[2] not in FEE_RESULTS:
                    errors.append(f"Vụ việc số {cid} «{RESULTS.get(row[2], row[2])}»: chỉ chi thù lao cho vụ việc "
                                  "đã kết thúc (thành hoặc không thành) trong phạm vi hòa giải.")
                elif row[3] is None:  # imported as concluded without its date (cases: concluded_on_missing)
                    errors.append(f"Vụ việc số {cid} chưa có ngày kết thúc: hãy bổ sung ngày kết thúc trước khi đề "
                                  "nghị chi thù lao.")
                elif requested and row[3] > requested:
                    errors.append(f"Vụ việc số {cid} kết thúc ngày {_fmt(row[3])}, sau ngày đề nghị {_fmt(requested)}.")
                elif row[5] is not None:
                    errors.append(f"Vụ việc số {cid} đã có trong giấy đề nghị số {row[5]}: "
                                  "mỗi vụ việc chỉ được chi thù lao một lần cho một tổ.")
        fees = {}
        if not errors:  # every case concluded, of the team: its fee
            fees = _case_fees(cur, ids)
            for cid in ids:
                if fees[cid]["rate_id"] is None:
                    errors.append(f"Chưa có mức thù lao hòa giải viên hiệu lực ngày {_fmt(rows[cid][3])} "
                                  f"(ngày kết thúc vụ việc số {cid}) (Cài đặt → Mức chi).")
        computed = sum(f["fee"] for f in fees.values())
        value, reason = (_check_amount(computed, amount, reduction_reason, errors) if fees and not errors
                         else (None, None))
        if errors:
            raise ValidationError(errors)
        used = {f["rate_id"] for f in fees.values()}
        payment_id = insert_row(cur, "payments", {
            "kind": "thu_lao", "team_id": team[0], "year": requested.year, "requested_on": requested,
            "rate_id": used.pop() if len(used) == 1 else None,  # the one rate of every case; per case below
            "computed_amount": computed, "amount": value, "reduction_reason": reason,
            "status": "de_nghi", "note": note,
        }, actor)
        for cid in ids:
            cur.execute("INSERT INTO payment_cases (payment_id, case_id, fee, rate_id) VALUES (?, ?, ?, ?)",
                        [payment_id, cid, fees[cid]["fee"], fees[cid]["rate_id"]])
        audit(cur, actor, "insert", "payment_cases", payment_id, None,
              {"payment_id": payment_id, "case_ids": ids, "fees": [fees[c]["fee"] for c in ids]})
        return payment_id


def _case_fees(cur, case_ids: list[int]) -> dict[int, dict]:
    """Each case's fee as fee_case computes it (rate_in_force on its concluded date for its result): case id →
    {fee, rate_id, above_cap}; rate_id None when no rate of either level is in force that day."""
    return {r[0]: {"fee": int(r[1] or 0), "rate_id": r[2], "above_cap": bool(r[3])} for r in cur.execute(
        """
        SELECT c.id, r.value, r.rate_id, r.above_cap
        FROM cases c, LATERAL rate_in_force('thu_lao', fee_key(c.result), c.concluded_on) r
        WHERE c.id IN (SELECT unnest(?::INTEGER[]))
        """, [case_ids]).fetchall()}


def case_fees(con, case_ids: list[int]) -> dict[int, dict]:
    """The fee each case earns (see _case_fees): what a fee request for them computes."""
    ids = record_ids(case_ids, "vụ việc")
    return _case_fees(con.cursor(), ids) if ids else {}


def support_due(con, first_day: dt.date, last_day: dt.date) -> int:
    """Team support due for the months from first_day's to last_day's (support_months, db/funding/funding.sql)."""
    return con.cursor().execute(
        "SELECT whole_dong(coalesce(sum(twelfths), 0)) FROM support_months(?, ?)", [first_day, last_day]
    ).fetchone()[0]


def file_support_payment(con, team_id: int, year: int, month_from: int, month_to: int, requested_on, *,
                         actor: str, amount=None, reduction_reason: str | None = None, note: str | None = None,
                         as_of: dt.date | None = None) -> int:
    """Team support (hỗ trợ hoạt động) for whole months of one year, at the rates valid in those months;
    a team's periods never overlap (one payment per month)."""
    authorize(con, actor, "funding")
    as_of = as_of or today()
    team_id = record_id(team_id, "tổ hòa giải")
    errors: list[str] = []
    texts = form_values({"reduction_reason": reduction_reason, "note": note})
    check_text_fields(texts, {"reduction_reason": "Lý do giảm", "note": "Ghi chú"}, errors)
    reduction_reason, note = texts["reduction_reason"], texts["note"]
    year = parse_year(year, "Năm", errors)
    month_from = _month(month_from, "Từ tháng", errors)
    month_to = _month(month_to, "Đến tháng", errors)
    requested = parse_date(requested_on, "Ngày đề nghị", errors)
    if requested is None and not any(e.startswith("Ngày đề nghị") for e in errors):
        errors.append("Chưa nhập ngày đề nghị.")
    if requested and requested > as_of:
        errors.append(f"Ngày đề nghị {_fmt(requested)} ở tương lai (hôm nay là {_fmt(as_of)}).")
    first = last = None
    if year and month_from and month_to:
        if month_to < month_from:
            errors.append(f"Đến tháng {month_to} trước từ tháng {month_from}.")
        else:
            first = dt.date(year, month_from, 1)
            last = dt.date(year, month_to, calendar.monthrange(year, month_to)[1])
    with transaction(con) as cur:
        locks.refuse_if_locked(cur, year, "chứng từ chi của năm đó")
        team = _team(cur, team_id, errors)
        computed, rate_id = 0, None
        if first:
            months = cur.execute(
                "SELECT month_start, rate_id, twelfths FROM support_months(?, ?) ORDER BY month_start",
                [first, last]).fetchall()
            missing = [m for m, r, _ in months if r is None]
            if missing:
                errors.append("Chưa có mức hỗ trợ hoạt động tổ hiệu lực cho tháng "
                              + ", ".join(m.strftime("%m/%Y") for m in missing) + " (Cài đặt → Mức chi).")
            computed = (sum(t for *_, t in months) + 6) // 12  # whole_dong(), as in db/funding/funding.sql
            rate_id = months[0][1]
        if team and first:
            clash = cur.execute(
                """
                SELECT id, period_from, period_to FROM payments
                WHERE kind = 'ho_tro' AND team_id = ? AND status <> 'huy'
                  AND period_from <= ? AND period_to >= ?
                ORDER BY period_from LIMIT 1
                """, [team[0], last, first]).fetchone()
            if clash:
                errors.append(f"{team[1]} đã có chứng từ hỗ trợ số {clash[0]} cho kỳ {_fmt(clash[1])}–{_fmt(clash[2])}, "
                              "trùng với kỳ này: mỗi tháng chỉ chi hỗ trợ một lần.")
        value, reason = (_check_amount(computed, amount, reduction_reason, errors)
                         if first and computed else (computed, None))
        if errors:
            raise ValidationError(errors)
        return insert_row(cur, "payments", {
            "kind": "ho_tro", "team_id": team[0], "year": year, "period_from": first, "period_to": last,
            "requested_on": requested, "rate_id": rate_id, "computed_amount": computed, "amount": value,
            "reduction_reason": reason, "status": "de_nghi", "note": note,
        }, actor)


def _reason(value, label: str, errors: list[str]) -> str | None:
    """The reason typed for a step of a payment (reduce, cancel): cleaned text, or None."""
    reason = form_values({"reason": value})
    check_text_fields(reason, {"reason": label}, errors)
    return reason["reason"]


def reduce_payment(con, payment_id: int, amount, reason: str, *, actor: str,
                   expected_version: int | None = None) -> None:
    """Lower the amount of a request still «đề nghị», with a reason; never upward."""
    authorize(con, actor, "funding")
    payment_id = record_id(payment_id, "chứng từ")
    expected_version = record_version(expected_version)
    errors: list[str] = []
    reason = _reason(reason, "Lý do giảm", errors)
    value = parse_money(amount, "Số tiền mới", errors)
    if value is None and not any(e.startswith("Số tiền mới") for e in errors):
        errors.append("Chưa nhập số tiền mới.")
    if not reason and not any(e.startswith("Lý do") for e in errors):
        errors.append("Cần ghi lý do giảm số tiền.")
    with transaction(con) as cur:
        payment = fetch_row(cur, "payments", payment_id)
        locks.refuse_if_locked(cur, payment["year"] if payment else None, f"chứng từ số {payment_id}")
        if payment is None:
            raise ValidationError(f"Không tìm thấy chứng từ số {payment_id}.")
        check_version(payment, expected_version, f"Chứng từ số {payment_id}")
        if payment["status"] != "de_nghi":
            errors.append(f"Chứng từ số {payment_id} đang «{PAYMENT_STATUS[payment['status']]}»: chỉ sửa số tiền "
                          "khi còn ở bước đề nghị.")
        if value is not None and value >= payment["amount"]:
            errors.append(f"Số tiền mới {money_text(value)} phải thấp hơn số tiền hiện tại "
                          f"{money_text(payment['amount'])}: chỉ được điều chỉnh giảm.")
        elif value == 0:
            errors.append("Số tiền phải lớn hơn 0 đồng; nếu không chi nữa hãy hủy chứng từ.")
        if errors:
            raise ValidationError(errors)
        update_row(cur, "payments", payment_id, {"amount": value, "reduction_reason": reason}, actor,
                   expected_version, f"Chứng từ số {payment_id}", action="reduce")


def set_status(con, payment_id: int, status: str, on_date, *, actor: str, expected_version: int | None = None,
               reason: str | None = None, as_of: dt.date | None = None) -> None:
    """Move a payment one step: đề nghị → đã duyệt → đã chi, with the date of each step; or cancel
    (hủy, with a reason) while not yet paid. No skipping, no going back."""
    # The status first: it chooses the permission asked for (and a list or pd.NA cannot be compared with a code).
    # A known one that is no move from the payment's status (back to «Đề nghị») is refused below, saying why.
    if not (isinstance(status, str) and status in PAYMENT_STATUS):
        raise ValidationError(f"Trạng thái «{shown(status)}» không hợp lệ: chỉ có "
                              + ", ".join(f"«{PAYMENT_STATUS[s]}»" for s in STEP_DATES) + ".")
    authorize(con, actor, "funding.approve" if status in ("da_duyet", "da_chi") else "funding")
    as_of = as_of or today()
    payment_id = record_id(payment_id, "chứng từ")
    expected_version = record_version(expected_version)
    errors: list[str] = []
    reason = _reason(reason, "Lý do hủy", errors) if status == "huy" else None  # only a cancel keeps its reason
    label = STEP_DATES.get(status, "Ngày")
    day = parse_date(on_date, label, errors)
    if day is None and not any(e.startswith(label) for e in errors):
        errors.append(f"Chưa nhập {label.lower()}.")
    if day and day > as_of:
        errors.append(f"{label} {_fmt(day)} ở tương lai (hôm nay là {_fmt(as_of)}).")
    if status == "huy" and not reason and not any(e.startswith("Lý do hủy") for e in errors):
        errors.append("Cần ghi lý do hủy chứng từ.")
    with transaction(con) as cur:
        payment = fetch_row(cur, "payments", payment_id)
        locks.refuse_if_locked(cur, payment["year"] if payment else None, f"chứng từ số {payment_id}")
        if payment is None:
            raise ValidationError(f"Không tìm thấy chứng từ số {payment_id}.")
        check_version(payment, expected_version, f"Chứng từ số {payment_id}")
        current = payment["status"]
        if status not in NEXT_STATUS.get(current, ()):
            if current == "da_chi":
                errors.append(f"Chứng từ số {payment_id} đã chi: không thể đổi trạng thái hay hủy.")
            elif current == "huy":
                errors.append(f"Chứng từ số {payment_id} đã hủy: hãy lập chứng từ mới.")
            else:
                step = PAYMENT_STATUS[NEXT_STATUS[current][0]]
                errors.append(f"Chứng từ số {payment_id} đang «{PAYMENT_STATUS[current]}»: bước tiếp theo là "
                              f"«{step}», không chuyển sang «{PAYMENT_STATUS.get(status, status)}».")
        previous_day = {"da_duyet": payment["requested_on"], "da_chi": payment["approved_on"],
                        "huy": payment["approved_on"] or payment["requested_on"]}.get(status)
        if day and previous_day and day < previous_day and not errors:
            errors.append(f"Ngày {_fmt(day)} trước ngày {('duyệt' if status == 'da_chi' else 'đề nghị')} "
                          f"{_fmt(previous_day)}.")
        if status == "da_duyet" and payment["kind"] == "thu_lao" and not errors:
            stale = cur.execute(
                """
                SELECT pc.case_id FROM payment_cases pc LEFT JOIN cases c ON c.id = pc.case_id
                WHERE pc.payment_id = ? AND (c.id IS NULL OR c.deleted_at IS NOT NULL OR c.team_id <> ?
                                             OR c.result NOT IN ('thanh', 'khong_thanh'))
                ORDER BY 1
                """, [payment_id, payment["team_id"]]).fetchall()
            if stale:
                errors.append("Vụ việc số " + ", ".join(str(s[0]) for s in stale) + " không còn đủ điều kiện chi "
                              "thù lao (đã xóa, đổi tổ hoặc đổi kết quả): hãy hủy và lập lại giấy đề nghị.")
        if errors:
            raise ValidationError(errors)
        values = {"status": status}
        values[{"da_duyet": "approved_on", "da_chi": "paid_on", "huy": "cancelled_on"}[status]] = day
        if status == "huy":
            values["cancel_reason"] = reason
        update_row(cur, "payments", payment_id, values, actor, expected_version, f"Chứng từ số {payment_id}",
                   action=status)


def approve_payment(con, payment_id: int, on_date, **kw) -> None:
    set_status(con, payment_id, "da_duyet", on_date, **kw)


def pay_payment(con, payment_id: int, on_date, **kw) -> None:
    set_status(con, payment_id, "da_chi", on_date, **kw)


def cancel_payment(con, payment_id: int, on_date, reason: str, **kw) -> None:
    set_status(con, payment_id, "huy", on_date, reason=reason, **kw)


# --- reads of the Kinh phí page ----------------------------------------------------------------------------

def payable_cases(con, team_id: int, as_of: dt.date) -> pd.DataFrame:
    """A team's cases a fee request may list on a date: fee_case rows in no payment, concluded by then, with the fee
    each earns (fee: at the rate of its result on its concluded date; fee_rate_id NULL when there is none). Read from
    fee_case_of for the team's village, every year."""
    return con.cursor().execute(
        """
        SELECT f.case_id, f.received_on, f.concluded_on, f.year, f.result, cc.label AS category,
               f.estimated_fee AS fee, f.fee_rate_id, f.fee_above_cap
        FROM fee_case_of(NULL, (SELECT village_id FROM teams WHERE id = $team), NULL, NULL) f
        LEFT JOIN case_categories cc ON cc.code = f.category
        WHERE f.team_id = $team AND f.fee_status = 'chua_de_nghi' AND f.concluded_on <= $as_of
        ORDER BY f.concluded_on, f.case_id
        """, {"team": team_id, "as_of": as_of}).df()


# The rows of payments(), payments_page() and listed_payment(), in their order: {listed} adds a column, {where} a filter,
# {page} a LIMIT.
_PAYMENTS = """
    SELECT pc.*, v.name AS village, t.name AS team{listed}
    FROM payment_check_of($year, $village, $commune, $province) pc
    JOIN teams t ON t.id = pc.team_id JOIN villages v ON v.id = pc.village_id
    {where}
    ORDER BY pc.requested_on DESC, pc.id DESC
    {page}"""


def payments(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """Payments charged to the year (payment_check), newest first, with team and village names (commune_id: that
    commune's teams only; None: every commune's)."""
    return places.with_village_labels(con, con.cursor().execute(
        _PAYMENTS.format(listed="", where="", page=""),
        {"year": year, **places.scope(con, village_id, commune_id)}).df())


def payments_page(con, year: int, where=None, offset: int = 0, rows: int = 50) -> tuple[pd.DataFrame, int]:
    """One page of payments(con, year, where) — `rows` rows from `offset`, cut in SQL (a country charges 70,000
    payments to a year; a page shows 50) — and the length of the whole list, from the same query."""
    return _page(con, _PAYMENTS, {"year": year, **places.scope(con, where)}, offset, rows)


def listed_payment(con, payment_id: int, year: int, where=None) -> dict | None:
    """The payment's row of payments(con, year, where) (village label included), None when it is not in that list."""
    frame = places.with_village_labels(con, con.cursor().execute(
        _PAYMENTS.format(listed="", where="WHERE pc.id = $id", page=""),
        {"year": year, "id": payment_id, **places.scope(con, where)}).df())
    return None if frame.empty else frame.iloc[0].to_dict()


def _page(con, sql: str, params: dict, offset: int, rows: int) -> tuple[pd.DataFrame, int]:
    """Rows `offset` to `offset + rows` of a list query (_PAYMENTS, _OUTSTANDING), village labels on those rows only,
    and the length of the whole list (count(*) OVER (): the list is computed once)."""
    frame = con.cursor().execute(
        sql.format(listed=", count(*) OVER () AS listed", where="", page="LIMIT $rows OFFSET $offset"),
        {**params, "rows": int(rows), "offset": int(offset)}).df()
    total = int(frame["listed"].iloc[0]) if len(frame) else 0
    if not len(frame) and offset > 0:  # past the end (the list got shorter): its length from the first page
        total = _page(con, sql, params, 0, 1)[1]
    return places.with_village_labels(con, frame.drop(columns="listed")), total


def payment(con, payment_id: int) -> dict | None:
    """One payment as payment_check measures it, with its team and village names; None when there is none. Read from
    payment_check_of for the payment's own year and village (the whole file's payments measured to find one took
    seconds on a national file)."""
    cur = con.cursor()
    found = cur.execute("SELECT p.year, t.village_id FROM payments p JOIN teams t ON t.id = p.team_id WHERE p.id = ?",
                        [payment_id]).fetchone()
    if found is None:
        return None
    rel = cur.execute(
        """
        SELECT pc.*, v.name AS village, t.name AS team
        FROM payment_check_of($year, $village, NULL, NULL) pc
        JOIN teams t ON t.id = pc.team_id JOIN villages v ON v.id = pc.village_id
        WHERE pc.id = $id
        """, {"year": found[0], "village": found[1], "id": payment_id})
    row = rel.fetchone()
    return None if row is None else dict(zip([d[0] for d in rel.description], row))


def payment_cases(con, payment_id: int) -> pd.DataFrame:
    """The cases listed on a fee request with the fee each was filed with (filed_fee) and what it earns at the rates as
    they stand now (rate_fee); problem says why one no longer earns a fee for the payment's team (payment_case_check):
    da_xoa, khac_to, ket_qua, sau_ngay; NULL when it still does."""
    return con.cursor().execute(
        """
        SELECT c.id AS case_id, c.received_on, c.concluded_on, c.result, cc.label AS category,
               k.problem, k.filed_fee, k.rate_fee
        FROM payment_case_check k JOIN cases c ON c.id = k.case_id LEFT JOIN case_categories cc ON cc.code = c.category
        WHERE k.payment_id = ?
        ORDER BY c.concluded_on, c.id
        """, [payment_id]).df()


def signing_list(con, payment_id: int) -> pd.DataFrame:
    """Danh sách ký nhận of a payment: who receives how much (columns stt, full_name, team, amount).

    Fee request: the amount is spread over its cases in proportion to the fee each was filed with (a hòa giải thành
    may earn more than a không thành), in whole đồng by largest remainder (ties: the smaller case id first); with no
    fee recorded, equally. Each case's share goes to the mediators recorded on it equally (the odd đồng to the first
    names); a case with no mediator recorded goes to the team leader. Team support: one line, the team leader
    receiving for the team. The lines always add up to the payment's amount.
    """
    return con.cursor().execute(
        """
        WITH p AS (SELECT * FROM payments WHERE id = $id),
        leader AS (
            SELECT m.id, m.full_name FROM mediators m, p
            WHERE m.team_id = p.team_id AND m.is_leader
              AND (m.left_on IS NULL OR m.left_on > p.requested_on)
            ORDER BY m.full_name COLLATE vi LIMIT 1
        ),
        weights AS (
            SELECT pc.case_id, coalesce(pc.fee, 0)::HUGEINT AS fee,
                   sum(coalesce(pc.fee, 0)) OVER ()::HUGEINT AS total, count(*) OVER () AS n
            FROM payment_cases pc, p WHERE pc.payment_id = p.id AND p.kind = 'thu_lao'
        ),
        base AS (
            SELECT w.case_id,
                   p.amount::HUGEINT * CASE WHEN w.total > 0 THEN w.fee ELSE 1 END
                       // CASE WHEN w.total > 0 THEN w.total ELSE w.n END AS base,
                   p.amount::HUGEINT * CASE WHEN w.total > 0 THEN w.fee ELSE 1 END
                       % CASE WHEN w.total > 0 THEN w.total ELSE w.n END AS remainder
            FROM weights w, p
        ),
        case_share AS (
            SELECT b.case_id,
                   (b.base + CASE WHEN row_number() OVER (ORDER BY b.remainder DESC, b.case_id)
                                       <= p.amount - sum(b.base) OVER () THEN 1 ELSE 0 END)::BIGINT AS share
            FROM base b, p
        ),
        takers AS (
            SELECT cs.case_id, cs.share, m.id AS mediator_id, m.full_name
            FROM case_share cs JOIN case_mediators cm ON cm.case_id = cs.case_id JOIN mediators m ON m.id = cm.mediator_id
            UNION ALL
            SELECT cs.case_id, cs.share, l.id, coalesce(l.full_name, 'Đại diện tổ hòa giải')
            FROM case_share cs LEFT JOIN leader l ON TRUE
            WHERE NOT EXISTS (SELECT 1 FROM case_mediators cm WHERE cm.case_id = cs.case_id)
            UNION ALL
            SELECT NULL, p.amount, l.id, coalesce(l.full_name, 'Đại diện tổ hòa giải') || ' (nhận cho tổ)'
            FROM p LEFT JOIN leader l ON TRUE WHERE p.kind = 'ho_tro'
        ),
        split AS (
            SELECT mediator_id, full_name,
                   share // count(*) OVER w + CASE WHEN row_number() OVER (w ORDER BY full_name COLLATE vi, mediator_id)
                                                    <= share % count(*) OVER w THEN 1 ELSE 0 END AS amount
            FROM takers WINDOW w AS (PARTITION BY case_id)
        )
        SELECT row_number() OVER (ORDER BY s.full_name COLLATE vi, s.mediator_id) AS stt,
               s.full_name, t.name AS team, sum(s.amount)::BIGINT AS amount
        FROM split s, p JOIN teams t ON t.id = p.team_id
        GROUP BY s.mediator_id, s.full_name, t.name
        ORDER BY stt
        """, {"id": payment_id}).df()


def signing_csv(con, payment_id: int) -> bytes:
    """The signed list as CSV for Excel (utf-8-sig): STT, Họ và tên, Tổ hòa giải, Số tiền (đồng), Ký nhận."""
    lines = signing_list(con, payment_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["STT", "Họ và tên", "Tổ hòa giải", "Số tiền (đồng)", "Ký nhận"])
    for row in lines.itertuples():
        writer.writerow([row.stt, row.full_name, row.team, int(row.amount), ""])
    writer.writerow(["", "Tổng cộng", "", int(lines["amount"].sum()) if len(lines) else 0, ""])
    return out.getvalue().encode("utf-8-sig")


# The rows of team_checks() and team_checks_page() with their place in the list (Vietnamese village order, the team
# last: a total order).
_TEAM_CHECKS = """
    SELECT f.*, v.name AS village, t.name AS team,
           row_number() OVER (ORDER BY v.name COLLATE vi, v.id, f.team_id) AS position
    FROM funding_team_year_of($year, $village, $commune, $province) f
    JOIN teams t ON t.id = f.team_id JOIN villages v ON v.id = f.village_id"""


def team_checks(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """funding_team_year for the year, one row per team (of the commune when commune_id is given, else of every
    commune), in Vietnamese village order."""
    return places.with_village_labels(con, con.cursor().execute(
        f"SELECT * EXCLUDE (position) FROM ({_TEAM_CHECKS}) ORDER BY position",
        {"year": year, **places.scope(con, village_id, commune_id)}).df())


def team_checks_page(con, year: int, where=None, offset: int = 0, rows: int = 50,
                     ends: int = 15) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """What the Kinh phí page shows of team_checks(con, year, where) — a province has thousands of teams, a country
    92,375 — from one query: (page, chart, listed)
      page:   `rows` teams of the list from `offset`;
      chart:  with more than 2 × ends teams, the `ends` teams still owed most (owed, highest first) then the `ends`
              owed least, ties in list order (pages.charts.ends of the list ranked by owed); else every team, in
              list order;
      listed: the number of teams in the list."""
    frame = con.cursor().execute(
        f"""
        WITH listed AS (SELECT *, count(*) OVER () AS listed FROM ({_TEAM_CHECKS})),
        ranked AS (SELECT *, row_number() OVER (ORDER BY owed DESC, position) AS owed_rank FROM listed)
        SELECT * FROM ranked
        WHERE (position > $offset AND position <= $offset + $rows)
           OR listed <= 2 * $ends OR owed_rank <= $ends OR owed_rank > listed - $ends
        ORDER BY position
        """, {"year": year, **places.scope(con, where), "offset": int(offset), "rows": int(rows),
              "ends": int(ends)}).df()
    frame = places.with_village_labels(con, frame)
    listed = int(frame["listed"].iloc[0]) if len(frame) else 0
    on_page = (frame["position"] > offset) & (frame["position"] <= offset + rows)
    chart = frame if listed <= 2 * ends else frame[(frame["owed_rank"] <= ends) | (frame["owed_rank"] > listed - ends)]
    chart = chart.sort_values("position" if listed <= 2 * ends else "owed_rank")
    extra = ["position", "listed", "owed_rank"]
    return (frame[on_page].drop(columns=extra).reset_index(drop=True), chart.drop(columns=extra).reset_index(drop=True),
            listed)


def summary(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> dict:
    """The year's totals of funding_team_year for the filters, and the budget lines against what was paid
    (funding_year), for the commune in scope (commune_id; a village's commune; the only commune of the file) — or,
    in a file of several communes with none chosen, for the whole file:
      teams' figures and budget, paid, pending: summed over the communes (money is additive);
      paid_share: paid / budget over the communes that have a budget line (recomputed from the sums, never an average
          of communes);
      over_budget: some commune's paid + pending exceed its own budget line (communes_over_budget: how many) — one
          commune's overspending is never offset by another's unspent line;
      communes_without_budget: communes in scope with no budget line for the year (one commune: 1 or 0);
      budget_row: the one commune's budget row (budget()), None with several communes in scope or without a line."""
    cur = con.cursor()
    where = {"year": year, **places.scope(con, village_id, commune_id)}
    commune = where["commune"]
    communes = {k: where[k] for k in ("year", "commune", "province")}  # the commune-level rows: no village
    rel = cur.execute(
        """
        SELECT count(*) AS teams,
               coalesce(sum(concluded_cases), 0) AS concluded_cases, coalesce(sum(cases_paid), 0) AS cases_paid,
               coalesce(sum(unpaid_cases), 0) AS unpaid_cases,
               coalesce(sum(cases_not_requested), 0) AS cases_not_requested,
               coalesce(sum(fee_unpaid_estimate), 0) AS fee_unpaid_estimate,
               coalesce(sum(fee_paid), 0) AS fee_paid, coalesce(sum(fee_pending), 0) AS fee_pending,
               coalesce(sum(support_due), 0) AS support_due, coalesce(sum(support_paid), 0) AS support_paid,
               coalesce(sum(support_pending), 0) AS support_pending,
               coalesce(sum(support_outstanding), 0) AS support_outstanding,
               count(*) FILTER (WHERE support_paid >= support_due) AS teams_support_paid,
               coalesce(sum(above_rate), 0) AS above_rate, coalesce(sum(payments_above_rate), 0) AS payments_above_rate,
               coalesce(sum(paid_deleted), 0) AS paid_deleted,
               coalesce(sum(payments_paid_deleted), 0) AS payments_paid_deleted,
               coalesce(sum(paid_ineligible), 0) AS paid_ineligible,
               coalesce(sum(payments_paid_ineligible), 0) AS payments_paid_ineligible,
               coalesce(sum(payments_late), 0) AS payments_late
        FROM funding_team_year_of($year, $village, $commune, $province)
        """, where)
    result = {k: int(v) for k, v in zip([d[0] for d in rel.description], rel.fetchone())}
    result["paid"] = result["fee_paid"] + result["support_paid"]
    result["pending"] = result["fee_pending"] + result["support_pending"]
    budget_sum, paid, pending, share, over, communes_over = cur.execute(
        """
        SELECT sum(budget), sum(paid), sum(pending), ratio(sum(paid) FILTER (WHERE budget IS NOT NULL), sum(budget)),
               bool_or(over_budget), count(*) FILTER (WHERE over_budget)
        FROM funding_year_of($year, $commune, $province)
        """, communes).fetchone()
    result["budget"] = None if budget_sum is None else int(budget_sum)
    result["budget_row"] = budget(con, year, commune) if commune is not None else None
    result["commune_paid"] = None if paid is None else int(paid)
    result["commune_pending"] = None if pending is None else int(pending)
    result["paid_share"] = share
    result["over_budget"] = bool(over)
    result["communes_over_budget"] = int(communes_over)
    result["communes_without_budget"] = cur.execute(
        """
        SELECT count(*) FROM communes c
        WHERE in_commune(c.id, $commune, $province)
          AND NOT EXISTS (SELECT 1 FROM budgets b WHERE b.commune_id = c.id AND b.year = $year)
        """, communes).fetchone()[0]
    return result


def budget_years(con, commune_id: int | None = None) -> pd.DataFrame:
    """funding_year for every year with a budget or a payment, newest first: one row per commune and year (commune_id:
    that commune's only — or a db.core.scope.Place —; None: every commune's, with its name in `commune`)."""
    return con.cursor().execute(
        """
        SELECT f.*, c.name AS commune FROM funding_year_of(NULL, $commune, $province) f
        JOIN communes c ON c.id = f.commune_id
        WHERE f.budget IS NOT NULL OR f.paid > 0 OR f.pending > 0
        ORDER BY f.year DESC, c.name COLLATE vi, f.commune_id
        """, {k: v for k, v in places.scope(con, None, commune_id).items() if k != "village"}).df()


# The rows of outstanding() and outstanding_page(), in their order (item, team and payment last: a total order, so the
# pages of the list are the list); {listed}, {where}, {page} as in _PAYMENTS.
_OUTSTANDING = """
    SELECT o.*, v.name AS village{listed}
    FROM funding_outstanding_of($year, $village, $commune, $province) o JOIN villages v ON v.id = o.village_id
    {where}
    ORDER BY CASE o.item WHEN 'vuot_muc' THEN 0 WHEN 'chi_vu_viec_da_xoa' THEN 0 WHEN 'chi_khong_du_dieu_kien' THEN 0
                          WHEN 'cho_chi' THEN CASE WHEN o.late THEN 1 ELSE 3 END ELSE 2 END,
             v.name COLLATE vi, o.village_id, o.payment_id, o.item, o.team_id
    {page}"""


def outstanding(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """funding_outstanding for the year (commune_id: that commune's teams; None: every commune's): payments above the
    rate or for deleted or ineligible cases first, then late ones, then the rest, by village."""
    return places.with_village_labels(con, con.cursor().execute(
        _OUTSTANDING.format(listed="", where="", page=""),
        {"year": year, **places.scope(con, village_id, commune_id)}).df())


def outstanding_page(con, year: int, where=None, offset: int = 0, rows: int = 50) -> tuple[pd.DataFrame, int]:
    """One page of outstanding(con, year, where), cut in SQL (a country has 120,000 items), and the length of the whole
    list."""
    return _page(con, _OUTSTANDING, {"year": year, **places.scope(con, where)}, offset, rows)


def payment_label(row) -> str:
    """'Số 12 · Thù lao hòa giải viên · Thôn An Lạc · 1.200.000 đ · Đã duyệt' for pickers."""
    return (f"Số {row['id']} · {PAYMENT_KINDS.get(row['kind'], row['kind'])} · {row['village']} · "
            f"{money_text(int(row['amount']))} · {PAYMENT_STATUS.get(row['status'], row['status'])}")


# --- demo data (seeds/demo/funding.json), loaded through the functions above ---------------------------------

def load_demo_funding(con, plan: dict, *, actor: str) -> None:
    """Budgets, yearly team support and fee-request rounds of the demo commune.

    plan["fee_rounds"]: each round files, for every team, one request listing its cases concluded by the
    cutoff and not yet requested, then approves and pays it on the round's dates; plan["...teams"] maps a
    village key to exceptions: {"status": "none" | "de_nghi" | "da_duyet", "paid_on": ..., "reduce_by": ...,
    "reason": ...}. plan["duplicate"]: a case entered twice, paid in a round, deleted afterwards (so that
    payment paid for a deleted case: the check shows it, «chi cho vụ việc đã xóa»).
    """
    from db.cases import delete_case, get_case, save_case

    team_by_key = _demo_teams(con)
    for row in plan["budgets"]:
        save_budget(con, row["year"], row, actor=actor)
    duplicate = plan.get("duplicate")
    duplicate_id, deleted = None, False
    for round_ in plan["fee_rounds"]:
        if duplicate and duplicate_id is None and round_["cutoff"] >= duplicate["concluded_on"]:
            original = con.cursor().execute(
                "SELECT id FROM cases WHERE team_id = ? AND concluded_on = ? ORDER BY id LIMIT 1",
                [team_by_key[duplicate["village_key"]], duplicate["concluded_on"]]).fetchone()[0]
            copy = get_case(con, original)
            duplicate_id = save_case(con, copy, actor=actor, confirm_duplicate=True)
        for key, team_id in team_by_key.items():
            rule = round_.get("teams", {}).get(key, {})
            if rule.get("status") == "none":
                continue
            cases = payable_cases(con, team_id, dt.date.fromisoformat(round_["cutoff"]))
            if cases.empty:
                continue
            fees = case_fees(con, cases["case_id"].tolist())
            amount = sum(f["fee"] for f in fees.values()) - rule.get("reduce_by", 0)
            payment_id = file_fee_request(con, team_id, cases["case_id"].tolist(), round_["requested_on"],
                                          actor=actor, amount=amount, reduction_reason=rule.get("reason"))
            _advance(con, payment_id, {**round_, **rule}, actor)
        if duplicate_id is not None and not deleted:  # found out after it was paid
            delete_case(con, duplicate_id, actor=actor)
            deleted = True
    for round_ in plan["support"]:
        for key, team_id in team_by_key.items():
            rule = round_.get("teams", {}).get(key, {})
            if rule.get("status") == "none":
                continue
            payment_id = file_support_payment(con, team_id, round_["year"], 1, 12, round_["requested_on"], actor=actor)
            _advance(con, payment_id, {**round_, **rule}, actor)


def _demo_teams(con) -> dict[str, int]:
    """Village key of seeds/demo/commune.json → team id, matched by village name."""
    from db.tools import generate

    ids = dict(con.cursor().execute(
        "SELECT v.name, t.id FROM teams t JOIN villages v ON v.id = t.village_id").fetchall())
    return {v["key"]: ids[v["name"]] for v in generate.demo_commune()["villages"]}


def _advance(con, payment_id: int, rule: dict, actor: str) -> None:
    status = rule.get("status", "da_chi")
    if status in ("da_duyet", "da_chi"):
        approve_payment(con, payment_id, rule["approved_on"], actor=actor)
    if status == "da_chi":
        pay_payment(con, payment_id, rule["paid_on"], actor=actor)
