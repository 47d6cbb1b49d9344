"""Cases (vụ việc): the write path with its rules, and the register's reads.

A case dict as the form, the seeds, the import and the tests give it:
    team_id, received_on, grounds, category, summary, assigned_on, result, concluded_on,
    agreement, written_record, security_incident, incident_on, note,
    parties: [{full_name, age, address}], mediator_ids: [int]
and, from an import: import_key (the row's stable key), concluded_on_missing (a concluded result whose date the
paper register did not hold: saved without it, listed as «cần bổ sung»; it counts as concluded in the year received).
"""
from __future__ import annotations

import datetime as dt

import duckdb

from db.core.labels import CONCLUDED_RESULTS, RESULTS
from db.core.text import fold, shown
from db.core import locks
from db.users import authorize
from db.core.writes import (
    DuplicateSuspected, ValidationError, as_mapping, audit, check_text_fields, check_version, form_values, is_missing,
    parse_date, parse_flag, parse_int, record_id, record_ids, record_version, require, text_problems, today,
    transaction,
)

CASE_FIELDS = (
    "team_id", "received_on", "grounds", "category", "summary", "assigned_on", "result",
    "concluded_on", "agreement", "written_record", "security_incident", "incident_on", "note", "import_key",
    "concluded_on_missing",
)


# The text fields of a case, named as the form names them; a value that is not text is refused by this name.
CASE_TEXTS = {"grounds": "Căn cứ hòa giải", "category": "Loại vụ việc", "summary": "Nội dung vụ việc",
              "result": "Kết quả", "agreement": "Thỏa thuận", "note": "Ghi chú", "import_key": "Khóa nhập từ tệp"}
CASE_FLAGS = {"written_record": "Văn bản hòa giải thành", "security_incident": "Phức tạp, gây mất ANTT",
              "concluded_on_missing": "Thiếu ngày kết thúc"}


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _id(value, what: str, errors: list[str]) -> int | None:
    """record_id, its refusal collected with the form's other problems."""
    try:
        return record_id(value, what)
    except ValidationError as refusal:
        errors.extend(refusal.messages)
        return None


def validate_case(cur, data: dict, *, case_id: int | None = None, as_of: dt.date | None = None):
    """Normalise and check a case; returns (values, parties, mediator_ids, duplicate_warnings).

    Raises ValidationError with every problem found, in Vietnamese.
    """
    data = as_mapping(data, "vụ việc")
    as_of = as_of or today()
    errors: list[str] = []
    values = form_values({f: data.get(f) for f in CASE_FIELDS})
    for flag, label in CASE_FLAGS.items():
        values[flag] = parse_flag(values[flag], label, errors)
    require(values, {
        "team_id": "thôn / tổ hòa giải", "grounds": "căn cứ hòa giải", "category": "loại vụ việc",
        "summary": "nội dung vụ việc", "result": "kết quả",
    }, errors)
    check_text_fields(values, CASE_TEXTS, errors)
    if values["team_id"] is not None:
        values["team_id"] = _id(values["team_id"], "tổ hòa giải", errors)
    received = values["received_on"] = parse_date(values["received_on"], "Ngày nhận", errors)
    assigned = values["assigned_on"] = parse_date(values["assigned_on"], "Ngày phân công", errors)
    concluded = values["concluded_on"] = parse_date(values["concluded_on"], "Ngày kết thúc", errors)
    incident = values["incident_on"] = parse_date(values["incident_on"], "Ngày xảy ra vụ việc mất ANTT", errors)
    if values["received_on"] is None and not any(e.startswith("Ngày nhận") for e in errors):
        errors.append("Chưa nhập ngày nhận vụ việc.")

    for day, label in ((received, "Ngày nhận"), (assigned, "Ngày phân công"), (concluded, "Ngày kết thúc"),
                       (incident, "Ngày xảy ra vụ việc mất ANTT")):
        if day and day > as_of:
            errors.append(f"{label} {_fmt(day)} ở tương lai (hôm nay là {_fmt(as_of)}).")
    # A security incident is one event, counted once in the year it happened (db/cases/case_year.sql): its date
    # defaults to the date received and cannot follow the end of the mediation (a later incident is a new case).
    if values["security_incident"] is False and incident:
        errors.append("Chỉ ghi ngày xảy ra mất ANTT khi vụ việc được đánh dấu «Phức tạp, gây mất ANTT».")
    elif values["security_incident"]:
        if incident is None and not any(e.startswith("Ngày xảy ra") for e in errors):
            incident = values["incident_on"] = received
        if incident and concluded and incident > concluded:
            errors.append(f"Ngày xảy ra vụ việc mất ANTT {_fmt(incident)} sau ngày kết thúc {_fmt(concluded)}: "
                          "vụ việc phát sinh sau khi hòa giải xong là một vụ việc mới.")
    if received:
        if assigned and assigned < received:
            errors.append(f"Ngày phân công {_fmt(assigned)} trước ngày nhận {_fmt(received)}.")
        if concluded and concluded < received:
            errors.append(f"Ngày kết thúc {_fmt(concluded)} trước ngày nhận {_fmt(received)}.")
    if assigned and concluded and concluded < assigned:
        errors.append(f"Ngày kết thúc {_fmt(concluded)} trước ngày phân công {_fmt(assigned)}.")

    result = values["result"]
    if result and result not in RESULTS:
        errors.append(f"Kết quả «{shown(result)}» không hợp lệ.")
    elif (result in CONCLUDED_RESULTS and concluded is None and not values["concluded_on_missing"]
          and not any(e.startswith("Ngày kết thúc") for e in errors)):
        errors.append(f"Kết quả «{RESULTS[result]}» cần có ngày kết thúc.")
    elif result == "dang_hoa_giai" and concluded is not None:
        errors.append("Vụ việc đang hòa giải thì chưa có ngày kết thúc: bỏ ngày kết thúc hoặc chọn kết quả.")
    # The flag stays only while it means something: a concluded result still without its date.
    values["concluded_on_missing"] = bool(values["concluded_on_missing"] and result in CONCLUDED_RESULTS
                                          and concluded is None)
    if values["written_record"] and result != "thanh":
        errors.append("Văn bản hòa giải thành chỉ lập khi vụ việc hòa giải thành.")

    team = None
    if values["team_id"] is not None:
        team = cur.execute("SELECT id, name, valid_from, valid_to FROM teams WHERE id = ?",
                           [values["team_id"]]).fetchone()
        if team is None:
            errors.append(f"Tổ hòa giải số {values['team_id']} không tồn tại.")
        elif received and ((team[2] and received < team[2]) or (team[3] and received > team[3])):
            # A team receives cases only while it exists (villages and teams are merged, split, dissolved).
            errors.append(f"{team[1]} hoạt động " + (f"từ {_fmt(team[2])} " if team[2] else "")
                          + (f"đến {_fmt(team[3])}" if team[3] else "") + f": không nhận vụ việc ngày {_fmt(received)}.")
    if values["grounds"] and not cur.execute(
            "SELECT 1 FROM case_grounds WHERE code = ?", [values["grounds"]]).fetchone():
        errors.append(f"Căn cứ «{shown(values['grounds'])}» không có trong danh mục.")
    if values["category"] and not cur.execute(
            "SELECT 1 FROM case_categories WHERE code = ?", [values["category"]]).fetchone():
        errors.append(f"Loại vụ việc «{shown(values['category'])}» không có trong danh mục.")

    parties = []
    given = data.get("parties")
    if not isinstance(given, (list, tuple)):
        if not is_missing(given):
            errors.append("Danh sách các bên không hợp lệ.")
        given = []
    for i, party in enumerate(given, start=1):
        if not isinstance(party, dict):
            if not is_missing(party):
                errors.append(f"Bên thứ {i}: dữ liệu không hợp lệ.")
            continue
        party = form_values({k: party.get(k) for k in ("full_name", "age", "address")})
        check_text_fields(party, {"full_name": f"Bên thứ {i}: họ tên", "address": f"Bên thứ {i}: địa chỉ"}, errors)
        name, address = party["full_name"], party["address"]
        age = parse_int(party["age"], f"Tuổi của bên thứ {i}", errors, 0, 120)
        if name is None:
            if age is not None or address:
                errors.append(f"Bên thứ {i}: chưa nhập họ tên.")
            continue
        parties.append({"full_name": name, "age": age, "address": address})
        errors.extend(text_problems(parties[-1], f"Bên thứ {i}: "))
    if not parties:
        errors.append("Cần ít nhất một bên (họ tên) trong vụ việc.")

    mediator_ids = []
    if not is_missing(data.get("mediator_ids")):
        try:
            mediator_ids = record_ids(data["mediator_ids"], "hòa giải viên")
        except ValidationError as refusal:
            errors.extend(refusal.messages)
    if team and mediator_ids:
        rows = cur.execute(
            "SELECT id, full_name, team_id, joined_on, left_on FROM mediators WHERE id IN "
            "(SELECT unnest(?::INTEGER[]))", [mediator_ids],
        ).fetchall()
        found = {r[0]: r for r in rows}
        for mid in mediator_ids:
            row = found.get(mid)
            if row is None:
                errors.append(f"Hòa giải viên số {mid} không tồn tại.")
            elif row[2] != team[0]:
                errors.append(f"Hòa giải viên {row[1]} không thuộc {team[1]}.")
            elif received and ((row[3] and row[3] > received) or (row[4] and row[4] <= received)):
                errors.append(f"Hòa giải viên {row[1]} không còn hoạt động vào ngày nhận {_fmt(received)}.")

    errors.extend(text_problems(values))
    if errors:
        raise ValidationError(errors)
    return values, parties, mediator_ids, _duplicates(cur, values, parties, case_id)


def _duplicates(cur, values: dict, parties: list[dict], case_id: int | None) -> list[str]:
    """Cases of the same team, same day and same party names (accent-insensitive)."""
    names = sorted(fold(p["full_name"]) for p in parties)
    rows = cur.execute(
        """
        SELECT c.id, list_sort(list(fold(p.full_name))) AS names
        FROM cases c JOIN case_parties p ON p.case_id = c.id
        WHERE c.team_id = ? AND c.received_on = ? AND c.deleted_at IS NULL AND c.id <> coalesce(?, -1)
        GROUP BY c.id
        """,
        [values["team_id"], values["received_on"], case_id],
    ).fetchall()
    return [
        f"Có thể trùng vụ việc số {cid}: cùng tổ, cùng ngày nhận {_fmt(values['received_on'])} và cùng các bên."
        for cid, other in rows if list(other) == names
    ]


def save_case(con: duckdb.DuckDBPyConnection, data: dict, *, actor: str, case_id: int | None = None,
              expected_version: int | None = None, confirm_duplicate: bool = False,
              as_of: dt.date | None = None) -> int:
    """Insert (case_id None) or update a case with its parties and mediators; returns its id."""
    data = as_mapping(data, "vụ việc")
    case_id = None if case_id is None else record_id(case_id, "vụ việc")
    expected_version = record_version(expected_version)
    errors: list[str] = []
    confirm_duplicate = parse_flag(confirm_duplicate, "Xác nhận lưu dù có thể trùng", errors)
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        values, parties, mediator_ids, duplicates = validate_case(cur, data, case_id=case_id, as_of=as_of)
        _authorize_case(con, cur, actor, values["team_id"], case_id)
        if duplicates and not confirm_duplicate:
            raise DuplicateSuspected(duplicates)
        locked_figures = locks.case_figures(cur, case_id)
        if case_id is None:
            cols = list(values)
            case_id = cur.execute(
                "INSERT INTO cases (" + ", ".join(cols) + ") VALUES (" + ", ".join("?" * len(cols)) + ") RETURNING id",
                list(values.values()),
            ).fetchone()[0]
            before, action = None, "insert"
        else:
            if "import_key" not in data:  # the form does not carry it: an edited imported case keeps its key
                values.pop("import_key")
            before = case_snapshot(cur, case_id)
            if before is None or before["deleted_at"] is not None:
                raise ValidationError(f"Không tìm thấy vụ việc số {case_id} (hoặc vụ việc đã bị xóa).")
            check_version(before, expected_version, f"Vụ việc số {case_id}")
            cur.execute("DELETE FROM case_parties WHERE case_id = ?", [case_id])
            cur.execute("DELETE FROM case_mediators WHERE case_id = ?", [case_id])
            sets = ", ".join(f"{c} = ?" for c in values)
            cur.execute(
                "UPDATE cases SET " + sets + ", version = version + 1, updated_at = current_localtimestamp() WHERE id = ?",
                [*values.values(), case_id],
            )
            action = "update"
        for position, party in enumerate(parties, start=1):
            cur.execute(
                "INSERT INTO case_parties (case_id, position, full_name, age, address) VALUES (?, ?, ?, ?, ?)",
                [case_id, position, party["full_name"], party["age"], party["address"]],
            )
        for mid in mediator_ids:
            cur.execute("INSERT INTO case_mediators (case_id, mediator_id) VALUES (?, ?)", [case_id, mid])
        after = case_snapshot(cur, case_id)
        locks.check_case(cur, case_id, before, after, locked_figures)  # a locked year stays as it was reported
        audit(cur, actor, action, "cases", case_id, before, after)
    return case_id


def _authorize_case(con, cur, actor, team_id: int, case_id: int | None) -> None:
    """Cases are written by the roles allowed to, for their village (a tổ trưởng: their own); an edit checks the
    case's current team as well as the new one."""
    teams = {team_id}
    if case_id is not None and (row := cur.execute("SELECT team_id FROM cases WHERE id = ?", [case_id]).fetchone()):
        teams.add(row[0])
    for team in teams:
        village = cur.execute("SELECT village_id FROM teams WHERE id = ?", [team]).fetchone()
        authorize(con, actor, "cases", village_id=village[0] if village else None)


def _set_deleted(con, case_id: int, expected_version: int | None, actor: str, deleted: bool) -> None:
    case_id = record_id(case_id, "vụ việc")
    expected_version = record_version(expected_version)
    with transaction(con) as cur:
        before = case_snapshot(cur, case_id)
        if before is None:
            raise ValidationError(f"Không tìm thấy vụ việc số {case_id}.")
        _authorize_case(con, cur, actor, before["team_id"], None)
        locked_figures = locks.case_figures(cur, case_id)
        check_version(before, expected_version, f"Vụ việc số {case_id}")
        if (before["deleted_at"] is not None) == deleted:
            raise ValidationError(
                f"Vụ việc số {case_id} " + ("đã bị xóa trước đó." if deleted else "chưa bị xóa.")
            )
        cur.execute(
            "UPDATE cases SET deleted_at = CASE WHEN ? THEN current_localtimestamp() END, "
            "version = version + 1, updated_at = current_localtimestamp() WHERE id = ?",
            [deleted, case_id],
        )
        after = case_snapshot(cur, case_id)
        locks.check_case(cur, case_id, before, after, locked_figures)
        audit(cur, actor, "delete" if deleted else "restore", "cases", case_id, before, after)


def delete_case(con, case_id: int, *, actor: str, expected_version: int | None = None) -> None:
    """Soft delete: the case leaves every list and figure but stays restorable."""
    _set_deleted(con, case_id, expected_version, actor, True)


def restore_case(con, case_id: int, *, actor: str, expected_version: int | None = None) -> None:
    _set_deleted(con, case_id, expected_version, actor, False)


def case_snapshot(cur, case_id: int) -> dict | None:
    """The case row with its parties and mediator ids, as kept in the audit log and opened in the form."""
    rel = cur.execute("SELECT * FROM cases WHERE id = ?", [case_id])
    row = rel.fetchone()
    if row is None:
        return None
    case = dict(zip([d[0] for d in rel.description], row))
    case["parties"] = [
        {"full_name": n, "age": a, "address": ad}
        for n, a, ad in cur.execute(
            "SELECT full_name, age, address FROM case_parties WHERE case_id = ? ORDER BY position", [case_id]
        ).fetchall()
    ]
    case["mediator_ids"] = [
        r[0] for r in cur.execute(
            "SELECT mediator_id FROM case_mediators WHERE case_id = ? ORDER BY mediator_id", [case_id]
        ).fetchall()
    ]
    return case


def get_case(con, case_id: int) -> dict | None:
    return case_snapshot(con.cursor(), case_id)
