"""The place hierarchy as data (province → commune → village) and the teams, with their history.

A village and a team exist from valid_from to valid_to (None: since before the records / still today). Villages
are merged, split and dissolved with an effective date; the old rows keep their names and get an end date, and
place_changes records the act with its decision, so the reports of a year show the villages and teams as they were
then (DOMAIN.md, «Time»):
- merge (sáp nhập) of A, B into C — a new village, or one of A, B that continues: the others end the day before;
  their teams end; their active mediators go on in C's team;
- split (chia tách) of A into C, D: A and its team end; each active mediator goes on in the team the officer chose;
- dissolve (giải thể) A: A and its team end; its active mediators' records end.
A mediator who goes on in another team gets a new record there from the effective date, and the old one ends that
day with reason «chuyen_to» (db/labels.TEAM_END_REASONS) — not a leaving under Art. 11: the person's cases and
trainings stay with the team they served then. A change is refused while an ending team still has a case being
mediated (record its result first: a case stays with the team that received it) or a case received on or after the
effective date.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from db.core.labels import COMMUNE_KINDS, PLACE_CHANGES, VILLAGE_KINDS
from db.core.scope import Place
from db.core.text import shown
from db.users import authorize
from db.core.writes import (
    DATE_MIN, ValidationError, as_mapping, check_text_fields, fetch_row, form_values, insert_row, parse_date,
    parse_flag, record_id, record_ids, record_version, require, text_problems, today, transaction, update_row,
)

ONE_DAY = dt.timedelta(days=1)
TEXT_LABELS = {"name": "Tên", "district": "Huyện (cũ)", "province": "Tỉnh, thành phố", "kind": "Loại",
               "decision_no": "Số quyết định", "note": "Ghi chú"}


def _d(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _optional_id(value, what: str) -> int | None:
    """record_id of a record the caller may leave out (None)."""
    return None if value is None else record_id(value, what)


# --- the commune -----------------------------------------------------------------------------------------

def save_commune(con, data: dict, *, actor: str, commune_id: int | None = None,
                 expected_version: int | None = None) -> int:
    """The commune: name, province, kind (xã, phường, đặc khu) and, for history, the former district."""
    authorize(con, actor, "setup")
    data = as_mapping(data, "xã")
    commune_id, expected_version = _optional_id(commune_id, "xã"), record_version(expected_version)
    values = form_values({k: data.get(k) for k in ("name", "district", "province", "kind")})
    errors: list[str] = []
    require(values, {"name": "tên xã", "province": "tỉnh, thành phố"}, errors)
    check_text_fields(values, TEXT_LABELS, errors)
    values["kind"] = values["kind"] or "xa"
    values["is_demo"] = parse_flag(data.get("is_demo"), "Dữ liệu minh họa", errors)
    if values["kind"] not in COMMUNE_KINDS:
        errors.append(f"Loại đơn vị «{shown(values['kind'])}» không hợp lệ (xã, phường hoặc đặc khu).")
    errors += text_problems(values)  # a text too long for its column, before the transaction
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        if commune_id is None:
            return insert_row(cur, "communes", values, actor)
        current = fetch_row(cur, "communes", commune_id)
        if current is None:
            raise ValidationError(f"Xã số {commune_id} không tồn tại.")
        values["is_demo"] = current["is_demo"] if "is_demo" not in data else values["is_demo"]
        update_row(cur, "communes", commune_id, values, actor, expected_version, "Xã")
        return commune_id


# --- villages and teams ------------------------------------------------------------------------------------

def _village_values(data: dict, errors: list[str], *, commune: bool = True, prefix: str = "") -> dict:
    """A village's fields as typed; commune=False for a village of a merge or a split (its commune is the old
    villages'). prefix: what the messages start with («Thôn mới thứ 2: »)."""
    values = form_values({k: data.get(k) for k in ("name", "ethnic_area", "kind", "valid_from")})
    part_errors: list[str] = []
    if commune:
        try:
            values["commune_id"] = record_id(data.get("commune_id"), "xã")
        except ValidationError as exc:
            part_errors += exc.messages
    require(values, {"name": "tên thôn, tổ dân phố"}, part_errors)
    check_text_fields(values, TEXT_LABELS, part_errors)
    values["ethnic_area"] = parse_flag(values["ethnic_area"], "Vùng có đông đồng bào dân tộc thiểu số", part_errors)
    values["kind"] = values["kind"] or "thon"
    if values["kind"] not in VILLAGE_KINDS:
        part_errors.append(f"Loại «{shown(values['kind'])}» không hợp lệ (thôn hoặc tổ dân phố).")
    values["valid_from"] = parse_date(values["valid_from"], "Ngày thành lập thôn", part_errors)
    part_errors += text_problems(values)  # a text too long for its column, before the transaction
    errors += [f"{prefix}{e[0].lower()}{e[1:]}" if prefix else e for e in part_errors]
    return values


def _check_village_name(cur, values: dict, village_id: int | None, on: dt.date | None = None) -> None:
    """Names are unique among the commune's villages that exist at the same time (a merged village's old name
    may come back later)."""
    if not cur.execute("SELECT 1 FROM communes WHERE id = ?", [values["commune_id"]]).fetchone():
        raise ValidationError(f"Xã số {values['commune_id']} không tồn tại.")
    clash = cur.execute(
        "SELECT 1 FROM villages WHERE commune_id = ? AND fold(name) = fold(?) AND id <> coalesce(?, -1) "
        "AND (valid_to IS NULL OR valid_to >= coalesce(?, current_date))",
        [values["commune_id"], values["name"], village_id, on]).fetchone()
    if clash:
        raise ValidationError(f"Xã đã có thôn, tổ dân phố tên «{values['name']}».")


def _team_values(data: dict, errors: list[str]) -> dict:
    """A team's fields as typed (its village is the caller's)."""
    values = form_values({k: data.get(k) for k in ("name", "decision_no", "decision_date", "valid_from")})
    require(values, {"name": "tên tổ hòa giải"}, errors)
    check_text_fields(values, TEXT_LABELS, errors)
    values["decision_date"] = parse_date(values["decision_date"], "Ngày quyết định thành lập tổ", errors)
    values["valid_from"] = parse_date(values["valid_from"], "Tổ hoạt động từ ngày", errors)
    errors += text_problems(values)  # a text too long for its column, before the transaction
    return values


def add_village(con, data: dict, team: dict | None = None, *, actor: str) -> tuple[int, int | None]:
    """A new village (name, kind, ethnic-minority area, start) with its first team (name, the chairman's
    decision số/ngày), in one transaction; returns (village id, team id). A village needs a team to receive
    cases; team=None only for a village whose team comes later."""
    authorize(con, actor, "setup")
    data = as_mapping(data, "thôn")
    team = None if team is None else as_mapping(team, "tổ hòa giải")
    errors: list[str] = []
    values = _village_values(data, errors)
    team_values = _team_values(team, errors) if team is not None else None
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        _check_village_name(cur, values, None)
        village_id = insert_row(cur, "villages", values, actor)
        team_id = None
        if team_values is not None:
            team_values["village_id"] = village_id
            team_values["valid_from"] = team_values["valid_from"] or values["valid_from"]
            team_id = insert_row(cur, "teams", team_values, actor)
        return village_id, team_id


def save_village(con, data: dict, *, actor: str, village_id: int | None = None,
                 expected_version: int | None = None) -> int:
    """Insert a village, or correct one: its name (a spelling correction changes it for every year; a renaming
    by decision is a merge into a new village), kind, ethnic-minority area, start date."""
    authorize(con, actor, "setup")
    data = as_mapping(data, "thôn")
    village_id, expected_version = _optional_id(village_id, "thôn"), record_version(expected_version)
    errors: list[str] = []
    values = _village_values(data, errors)
    if errors:
        raise ValidationError(errors)
    if village_id is not None and "valid_from" not in data:
        values.pop("valid_from")
    with transaction(con) as cur:
        _check_village_name(cur, values, village_id)
        if village_id is None:
            return insert_row(cur, "villages", values, actor)
        update_row(cur, "villages", village_id, values, actor, expected_version, "Thôn")
        return village_id


def save_team(con, data: dict, *, actor: str, team_id: int | None = None,
              expected_version: int | None = None) -> int:
    """Insert a team of a village (a village may have several), or correct one: name, the decision that set it
    up (số, ngày) and the day it started."""
    authorize(con, actor, "setup")
    data = as_mapping(data, "tổ hòa giải")
    team_id, expected_version = _optional_id(team_id, "tổ hòa giải"), record_version(expected_version)
    errors: list[str] = []
    try:
        village_id = record_id(data.get("village_id"), "thôn")
    except ValidationError as exc:
        errors += exc.messages
        village_id = None
    values = {"village_id": village_id, **_team_values(data, errors)}
    if errors:
        raise ValidationError(errors)
    if team_id is not None and "valid_from" not in data:
        values.pop("valid_from")
    with transaction(con) as cur:
        village = fetch_row(cur, "villages", values["village_id"])
        if village is None:
            raise ValidationError(f"Thôn số {values['village_id']} không tồn tại.")
        if team_id is None:
            if village["valid_to"] is not None:
                raise ValidationError(f"{village['name']} đã kết thúc từ {_d(village['valid_to'] + ONE_DAY)}: "
                                      "không thêm tổ hòa giải mới.")
            return insert_row(cur, "teams", values, actor)
        update_row(cur, "teams", team_id, values, actor, expected_version, "Tổ hòa giải")
        return team_id


def end_team(con, team_id: int, on, *, decision_no: str | None = None, actor: str,
             expected_version: int | None = None, as_of: dt.date | None = None) -> None:
    """A team stops on `on` (the chairman's decision; the village goes on, e.g. with another team): the team's
    last day is the day before; its active mediators' records end that day (reason «to_giai_the»)."""
    authorize(con, actor, "setup")
    team_id, expected_version = record_id(team_id, "tổ hòa giải"), record_version(expected_version)
    errors: list[str] = []
    day = _effective_day(on, errors, as_of or today())
    number = form_values({"decision_no": decision_no})
    check_text_fields(number, TEXT_LABELS, errors)
    errors += text_problems(number)
    decision = number["decision_no"]
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        team = fetch_row(cur, "teams", team_id)
        if team is None:
            raise ValidationError(f"Tổ hòa giải số {team_id} không tồn tại.")
        _check_can_end(cur, [team], day)
        update_row(cur, "teams", team_id, {"valid_to": day - ONE_DAY, "end_decision_no": decision}, actor,
                   expected_version, "Tổ hòa giải", action="end")
        _end_members(cur, team_id, day, "to_giai_the", actor)


# --- merge, split, dissolve --------------------------------------------------------------------------------

def _effective_day(value, errors: list[str], as_of: dt.date) -> dt.date | None:
    before = len(errors)
    day = parse_date(value, "Ngày có hiệu lực", errors)
    if day is None and len(errors) == before:
        errors.append("Chưa nhập ngày có hiệu lực.")
    elif day and day > as_of:
        errors.append(f"Ngày có hiệu lực {_d(day)} ở tương lai (hôm nay là {_d(as_of)}): ghi thay đổi khi quyết "
                      "định đã có hiệu lực.")
    elif day == DATE_MIN:  # the old village's or team's last day, the day before, would be before any record
        errors.append(f"Ngày có hiệu lực phải sau {_d(DATE_MIN)}.")
    return day


def _live_teams(cur, village_id: int) -> list[dict]:
    rel = cur.execute("SELECT * FROM teams WHERE village_id = ? AND valid_to IS NULL ORDER BY id", [village_id])
    return [dict(zip([d[0] for d in rel.description], row)) for row in rel.fetchall()]


def _check_can_end(cur, teams: list[dict], day: dt.date) -> None:
    """An ending team may not hold a case still being mediated, nor a case received on or after the day."""
    errors = []
    for team in teams:
        if team["valid_from"] and day <= team["valid_from"]:
            errors.append(f"{team['name']} chỉ bắt đầu hoạt động từ {_d(team['valid_from'])}: ngày có hiệu lực phải "
                          "sau ngày đó.")
        open_cases = [r[0] for r in cur.execute(
            "SELECT id FROM cases WHERE team_id = ? AND deleted_at IS NULL AND result = 'dang_hoa_giai' ORDER BY id",
            [team["id"]]).fetchall()]
        if open_cases:
            errors.append(f"{team['name']} còn {len(open_cases)} vụ việc đang hòa giải (số "
                          f"{', '.join(map(str, open_cases))}): ghi kết quả các vụ việc này trước; vụ việc ở lại với "
                          "tổ đã nhận nó.")
        later = [r[0] for r in cur.execute(
            "SELECT id FROM cases WHERE team_id = ? AND deleted_at IS NULL AND received_on >= ? ORDER BY id",
            [team["id"], day]).fetchall()]
        if later:
            errors.append(f"{team['name']} có vụ việc nhận từ ngày {_d(day)} trở đi (số {', '.join(map(str, later))}): "
                          "kiểm tra lại ngày có hiệu lực hoặc tổ của các vụ việc này.")
    if errors:
        raise ValidationError(errors)


def _active_members(cur, team_id: int, day: dt.date) -> list[dict]:
    rel = cur.execute(
        "SELECT * FROM mediators WHERE team_id = ? AND coalesce(joined_on, DATE '1900-01-01') < ? "
        "AND (left_on IS NULL OR left_on > ?) ORDER BY id", [team_id, day, day])
    return [dict(zip([d[0] for d in rel.description], row)) for row in rel.fetchall()]


def _end_members(cur, team_id: int, day: dt.date, reason: str, actor: str) -> list[dict]:
    """End the records of the team's members active on the day (their last day is the day before); returns them."""
    members = _active_members(cur, team_id, day)
    for person in members:
        update_row(cur, "mediators", person["id"],
                   {"left_on": day, "leave_reason": reason, "is_leader": False}, actor, None, "Hòa giải viên",
                   action="team_end")
    return members


def _continue_in(cur, person: dict, team_id: int, day: dt.date, actor: str, *, leader: bool) -> int:
    """A new record of the same person in another team from the day; trainings from that day follow them."""
    values = {k: person[k] for k in ("full_name", "gender", "birth_year", "ethnic_minority", "phone",
                                     "organisation", "role")}
    values.update(team_id=team_id, joined_on=day, is_leader=leader)
    new_id = insert_row(cur, "mediators", values, actor)
    cur.execute(
        "UPDATE training_attendance SET mediator_id = ? WHERE mediator_id = ? AND training_id IN "
        "(SELECT id FROM trainings WHERE held_on >= ?)", [new_id, person["id"], day])
    return new_id


def _end_village(cur, village: dict, day: dt.date, successor: int | None, actor: str) -> None:
    update_row(cur, "villages", village["id"], {"valid_to": day - ONE_DAY, "successor_id": successor}, actor, None,
               "Thôn", action="end")


def _record_change(cur, commune_id: int, kind: str, day: dt.date, decision: dict, sources: list[int],
                   targets: list[int], note: str | None, actor: str) -> int:
    values = {"commune_id": commune_id, "kind": kind, "effective_on": day,
              "decision_no": decision.get("decision_no"), "decision_date": decision.get("decision_date"),
              "from_village_ids": sources, "to_village_ids": targets, "note": note}
    return insert_row(cur, "place_changes", values, actor)


def _decision(data: dict | None, errors: list[str]) -> dict:
    """The decision of a merge, split or dissolution (số, ngày, ghi chú); None: not given."""
    data = {} if data is None else as_mapping(data, "quyết định")
    values = form_values({k: data.get(k) for k in ("decision_no", "decision_date", "note")})
    check_text_fields(values, TEXT_LABELS, errors)
    values["decision_date"] = parse_date(values["decision_date"], "Ngày quyết định", errors)
    errors += text_problems(values)
    return values


def _villages(cur, ids: list[int]) -> list[dict]:
    found = []
    for village_id in ids:
        village = fetch_row(cur, "villages", village_id)
        if village is None:
            raise ValidationError(f"Thôn số {village_id} không tồn tại.")
        if village["valid_to"] is not None:
            raise ValidationError(f"{village['name']} đã kết thúc từ {_d(village['valid_to'] + ONE_DAY)}.")
        found.append(village)
    if len({v["commune_id"] for v in found}) > 1:
        raise ValidationError("Chỉ sáp nhập, chia tách các thôn của cùng một xã.")
    return found


def merge_villages(con, village_ids: list[int], *, into: int | None = None, new_village: dict | None = None,
                   new_team: dict | None = None, on, decision: dict | None = None, actor: str,
                   as_of: dt.date | None = None) -> dict:
    """Merge villages from `on`: into one of them that continues (into=its id) or into a new village
    (new_village: name, kind, ethnic_area; new_team: name, decision_no, decision_date). The others and their
    teams end the day before; their active mediators go on in the continuing (or new) village's first team.
    Returns {village_id, team_id, moved: number of mediators, change_id}."""
    authorize(con, actor, "setup")
    record_ids(village_ids, "thôn")  # a list (set, tuple…) of ids; kept in the order chosen below
    ids = list(dict.fromkeys(record_id(i, "thôn") for i in village_ids))
    into = _optional_id(into, "thôn tiếp tục")
    new_village = None if new_village is None else as_mapping(new_village, "thôn mới")
    new_team = None if new_team is None else as_mapping(new_team, "tổ hòa giải của thôn mới")
    errors: list[str] = []
    day = _effective_day(on, errors, as_of or today())
    meta = _decision(decision, errors)
    if into is not None and into not in ids:
        ids.append(into)
    if (into is None) == (new_village is None):
        errors.append("Chọn một thôn tiếp tục (giữ tên), hoặc nhập tên thôn mới sau sáp nhập (không cả hai).")
    elif into is not None and len(ids) < 2:
        errors.append("Chọn ít nhất một thôn khác để sáp nhập vào thôn tiếp tục.")
    elif into is None and not ids:  # one village into a new one: a renaming by decision, with history kept
        errors.append("Chọn các thôn được sáp nhập.")
    new_values = new_team_values = None
    if new_village is not None:
        new_values = _village_values(new_village, errors, commune=False)  # commune set below
        new_team_values = _team_values(new_team or {"name": f"Tổ hòa giải {new_values.get('name') or ''}".strip()},
                                       errors)
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        villages = _villages(cur, ids)
        commune_id = villages[0]["commune_id"]
        ending = [v for v in villages if v["id"] != into]
        ending_teams = [t for v in ending for t in _live_teams(cur, v["id"])]
        _check_can_end(cur, ending_teams, day)
        if into is not None:
            target_teams = _live_teams(cur, into)
            if not target_teams:
                raise ValidationError(f"{fetch_row(cur, 'villages', into)['name']} chưa có tổ hòa giải đang hoạt động.")
            target_village, target_team = into, target_teams[0]["id"]
        else:
            new_values.update(commune_id=commune_id, valid_from=day)
            _check_village_name(cur, new_values, None, day)
            target_village = insert_row(cur, "villages", new_values, actor)
            new_team_values.update(village_id=target_village, valid_from=day)
            target_team = insert_row(cur, "teams", new_team_values, actor)
        has_leader = bool(cur.execute(
            "SELECT 1 FROM mediators WHERE team_id = ? AND is_leader AND left_on IS NULL", [target_team]).fetchone())
        moved = 0
        for team in ending_teams:
            for person in _end_members(cur, team["id"], day, "chuyen_to", actor):
                lead = person["is_leader"] and not has_leader
                has_leader = has_leader or lead
                _continue_in(cur, person, target_team, day, actor, leader=lead)
                moved += 1
            update_row(cur, "teams", team["id"], {"valid_to": day - ONE_DAY, "end_decision_no": meta["decision_no"]},
                       actor, None, "Tổ hòa giải", action="end")
        for village in ending:
            _end_village(cur, village, day, target_village, actor)
        change = _record_change(cur, commune_id, "sap_nhap", day, meta, [v["id"] for v in ending],
                                [target_village], meta["note"], actor)
        return {"village_id": target_village, "team_id": target_team, "moved": moved, "change_id": change}


def split_village(con, village_id: int, parts: list[dict], *, on, decision: dict | None = None,
                  assignments: dict[int, int] | None = None, actor: str, as_of: dt.date | None = None) -> dict:
    """Split a village from `on` into new villages: parts = [{name, kind, ethnic_area, team_name}] (at least two).
    The village and its teams end the day before; each active mediator goes on in the team of the part
    assignments[mediator_id] names (an index into parts; default the first). Returns {village_ids, team_ids,
    moved, change_id}."""
    authorize(con, actor, "setup")
    village_id = record_id(village_id, "thôn")
    if not isinstance(parts, (list, tuple)):
        raise ValidationError("Danh sách thôn mới sau chia tách không hợp lệ.")
    errors: list[str] = []
    day = _effective_day(on, errors, as_of or today())
    meta = _decision(decision, errors)
    if len(parts) < 2:
        errors.append("Chia tách cần ít nhất hai thôn mới.")
    part_values, team_names = [], []
    for i, part in enumerate(parts, start=1):
        if not isinstance(part, dict):
            errors.append(f"Thôn mới thứ {i}: dữ liệu không hợp lệ.")
            continue
        part_values.append(_village_values(part, errors, commune=False, prefix=f"Thôn mới thứ {i}: "))
        team_name = form_values({"name": part.get("team_name")})
        check_text_fields(team_name, {"name": f"Thôn mới thứ {i}: tên tổ hòa giải"}, errors)
        errors += text_problems(team_name, f"Thôn mới thứ {i}: tổ hòa giải: ")
        team_names.append(team_name["name"])
    names = [v["name"] for v in part_values if v["name"]]
    if len({n.lower() for n in names}) < len(names):
        errors.append("Tên các thôn mới trùng nhau.")
    assignments = _assignments(assignments, len(parts), errors)
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        village = _villages(cur, [village_id])[0]
        teams = _live_teams(cur, village_id)
        _check_can_end(cur, teams, day)
        village_ids, team_ids = [], []
        for values, team_name in zip(part_values, team_names):
            values.update(commune_id=village["commune_id"], valid_from=day)
            _check_village_name(cur, values, village_id, day)
            new_id = insert_row(cur, "villages", values, actor)
            village_ids.append(new_id)
            team_ids.append(insert_row(cur, "teams", {
                "village_id": new_id, "name": team_name or f"Tổ hòa giải {values['name']}", "valid_from": day,
                "decision_no": meta["decision_no"], "decision_date": meta["decision_date"]}, actor))
        leaders: set[int] = set()
        moved = 0
        for team in teams:
            for person in _end_members(cur, team["id"], day, "chuyen_to", actor):
                part = assignments.get(person["id"], 0)
                lead = person["is_leader"] and part not in leaders
                if lead:
                    leaders.add(part)
                _continue_in(cur, person, team_ids[part], day, actor, leader=lead)
                moved += 1
            update_row(cur, "teams", team["id"], {"valid_to": day - ONE_DAY, "end_decision_no": meta["decision_no"]},
                       actor, None, "Tổ hòa giải", action="end")
        _end_village(cur, village, day, None, actor)
        change = _record_change(cur, village["commune_id"], "chia_tach", day, meta, [village_id], village_ids,
                                meta["note"], actor)
        return {"village_ids": village_ids, "team_ids": team_ids, "moved": moved, "change_id": change}


def _assignments(value, parts: int, errors: list[str]) -> dict[int, int]:
    """{mediator id: index of the new village in parts}; None: everyone goes on in the first one."""
    if value is None:
        return {}
    out = {}
    for person, part in as_mapping(value, "phân công hòa giải viên").items():
        if isinstance(part, (bool, np.bool_)) or not isinstance(part, (int, np.integer)) or not 0 <= part < parts:
            errors.append("Hòa giải viên được chuyển sang một thôn mới không có trong danh sách.")
            return out
        out[record_id(person, "hòa giải viên")] = int(part)
    return out


def dissolve_village(con, village_id: int, *, on, decision: dict | None = None, actor: str,
                     as_of: dt.date | None = None) -> dict:
    """A village ends from `on` (the day before is its last), with its teams; its active mediators' records end
    (reason «to_giai_the»). Returns {ended: number of mediators, change_id}."""
    authorize(con, actor, "setup")
    village_id = record_id(village_id, "thôn")
    errors: list[str] = []
    day = _effective_day(on, errors, as_of or today())
    meta = _decision(decision, errors)
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        village = _villages(cur, [village_id])[0]
        teams = _live_teams(cur, village_id)
        _check_can_end(cur, teams, day)
        ended = 0
        for team in teams:
            ended += len(_end_members(cur, team["id"], day, "to_giai_the", actor))
            update_row(cur, "teams", team["id"], {"valid_to": day - ONE_DAY, "end_decision_no": meta["decision_no"]},
                       actor, None, "Tổ hòa giải", action="end")
        _end_village(cur, village, day, None, actor)
        change = _record_change(cur, village["commune_id"], "giai_the", day, meta, [village_id], [], meta["note"],
                                actor)
        return {"ended": ended, "change_id": change}


# --- reads -------------------------------------------------------------------------------------------------

# A place exists in a year when it started by 31/12 and had not ended before 1/1 (None: no limit that side).
EXISTS_IN_YEAR = ("(coalesce({t}.valid_from, DATE '1900-01-01') <= make_date($year, 12, 31) "
                  "AND coalesce({t}.valid_to, DATE '9999-12-31') >= make_date($year, 1, 1))")


def villages(con, year: int | None = None) -> pd.DataFrame:
    """Villages in Vietnamese order — those that existed in `year` when given — with their validity and, for a
    village with one team, that team (team_id; several teams: the first). label: the name, with the years when the
    village no longer exists today («Thôn Đông (đến 2024)»)."""
    where = ("WHERE " + EXISTS_IN_YEAR.format(t="v")) if year is not None else ""
    return con.cursor().execute(
        f"""
        SELECT v.id, v.name, v.commune_id, v.kind, v.ethnic_area, v.valid_from, v.valid_to, v.successor_id,
               v.version,
               (SELECT min(t.id) FROM teams t WHERE t.village_id = v.id
                  AND ($year IS NULL OR {EXISTS_IN_YEAR.format(t='t')})) AS team_id,
               (SELECT arg_min(t.name, t.id) FROM teams t WHERE t.village_id = v.id
                  AND ($year IS NULL OR {EXISTS_IN_YEAR.format(t='t')})) AS team_name,
               v.name || CASE WHEN v.valid_to IS NOT NULL THEN ' (đến ' || year(v.valid_to) || ')' ELSE '' END
                   AS label
        FROM villages v
        {where}
        ORDER BY v.valid_to IS NOT NULL, v.name COLLATE vi, v.id
        """, {"year": year}).df()


def teams(con, year: int | None = None, village_id=None) -> pd.DataFrame:
    """Teams — those that existed in `year` when given, of the place asked for (a village id or a Place: where())
    — with their village; label: the village's name when it has one team that year, else the team's name (a village
    with several teams)."""
    village, commune, province = where(village_id)
    return con.cursor().execute(
        f"""
        WITH picked AS (
            SELECT t.*, v.name AS village, v.valid_to AS village_valid_to
            FROM teams t JOIN villages v ON v.id = t.village_id
            WHERE ($year IS NULL OR {EXISTS_IN_YEAR.format(t='t')})
              AND in_place(t.village_id, $village, $commune, $province)
        )
        SELECT id, name, village_id, village, decision_no, decision_date, valid_from, valid_to, end_decision_no,
               version,
               CASE WHEN count(*) OVER (PARTITION BY village_id) > 1 THEN name ELSE village END AS label
        FROM picked
        ORDER BY village COLLATE vi, valid_to IS NOT NULL, id
        """, {"year": year, "village": village, "commune": commune, "province": province}).df()


def place_changes(con) -> pd.DataFrame:
    """Merges, splits and dissolutions, latest first, with the villages' names."""
    df = con.cursor().execute(
        """
        SELECT c.*,
               (SELECT coalesce(list(v.name ORDER BY v.name), []) FROM villages v
                 WHERE list_contains(c.from_village_ids, v.id)) AS from_names,
               (SELECT coalesce(list(v.name ORDER BY v.name), []) FROM villages v
                 WHERE list_contains(c.to_village_ids, v.id)) AS to_names
        FROM place_changes c ORDER BY c.effective_on DESC, c.id DESC
        """).df()
    return df.assign(kind_label=df["kind"].map(PLACE_CHANGES)) if not df.empty else df


def where(village_id=None, commune_id=None) -> tuple[int | None, int | None, str | None]:
    """(village, commune, province) a read is asked for. The reads of commune-level figures take (…, village_id=None,
    commune_id=None); either may also be a db.core.scope.Place — the pages' place filter (province, commune, village;
    DECISIONS.md 3) — whose parts fill what the other argument leaves open."""
    place = next((slot for slot in (village_id, commune_id) if isinstance(slot, Place)), None)
    village_id = None if isinstance(village_id, Place) else village_id
    commune_id = None if isinstance(commune_id, Place) else commune_id
    province = None
    if place is not None:
        village_id = place.village_id if village_id is None else village_id
        commune_id = place.commune_id if commune_id is None else commune_id
        province = place.province
    return (None if village_id is None else int(village_id), None if commune_id is None else int(commune_id),
            province)


def commune_scope(con, commune_id=None, village_id=None, province: str | None = None) -> int | None:
    """The one commune a commune-level figure (a budget line, a plan and its targets, the legal-access standard) is
    about: the commune given; else the village's commune; else the only commune of the province asked for, or of the
    file; None when there are several communes (a province, a roll-up) and none is chosen — the figure is then summed
    over them, or not judged (each function's docstring says which) — or no commune at all. Either argument may be a
    db.core.scope.Place (where())."""
    village_id, commune_id, place_province = where(village_id, commune_id)
    province = province if province is not None else place_province
    cur = con.cursor()
    if commune_id is not None:
        return commune_id
    if village_id is not None:
        row = cur.execute("SELECT commune_id FROM villages WHERE id = ?", [village_id]).fetchone()
        if row is not None:
            return row[0]
    rows = cur.execute("SELECT id FROM communes WHERE ($p IS NULL OR province = $p) ORDER BY id LIMIT 2",
                       {"p": province}).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def scope(con, village_id=None, commune_id=None) -> dict:
    """The SQL parameters of a read of commune-level figures: $village, $commune and $province (where()), $commune being
    the commune in scope (commune_scope) — None when several communes are counted. A row is in scope when
    ($village IS NULL OR village_id = $village) AND in_commune(commune_id, $commune, $province) (db/plan/targets.sql)."""
    village, commune, province = where(village_id, commune_id)
    return {"village": village, "commune": commune_scope(con, commune, village, province), "province": province}


def commune_count(con) -> int:
    return con.cursor().execute("SELECT count(*) FROM communes").fetchone()[0]


def village_labels(con, year: int | None = None, commune_id: int | None = None,
                   with_commune: bool | None = None) -> dict[int, str]:
    """Village id → the name a list or a table shows, one distinct label a village: «Thôn Đông»; with its commune,
    «Thôn Đông (Xã Đoàn Kết)», when with_commune (None: when the file has several communes, so that two communes'
    «Thôn Đông» never read alike); and, where two villages of one commune still share a name (an old name that came
    back after a merge), the year the earlier one ended: «Thôn Đông (đến 2021)». Villages of `year` (those that existed
    then) and of `commune_id` when given, else all."""
    if with_commune is None:
        with_commune = commune_count(con) > 1
    rows = con.cursor().execute(
        f"""
        SELECT v.id, v.name, c.name AS commune, v.valid_to,
               count(*) OVER (PARTITION BY v.commune_id, fold(v.name)) > 1 AS shared
        FROM villages v JOIN communes c ON c.id = v.commune_id
        WHERE ($year IS NULL OR {EXISTS_IN_YEAR.format(t='v')}) AND ($commune IS NULL OR v.commune_id = $commune)
        """, {"year": year, "commune": commune_id}).fetchall()
    labels = {}
    for village_id, name, commune, valid_to, shared in rows:
        parts = []
        if shared and valid_to is not None:
            parts.append(f"đến {valid_to.year}")
        if with_commune:
            parts.append(commune)
        labels[village_id] = name + (f" ({', '.join(parts)})" if parts else "")
    return labels


def with_village_labels(con, frame: pd.DataFrame, column: str = "village") -> pd.DataFrame:
    """frame with its village names (column, beside village_id) as village_labels gives them when the file has several
    communes («Thôn Đông (Xã Đoàn Kết)»), so a list of many communes never shows two alike; a file of one commune keeps
    the names as they are."""
    if frame.empty or "village_id" not in frame or commune_count(con) <= 1:
        return frame
    labels = village_labels(con, with_commune=True)
    frame[column] = [labels.get(v, name) if not pd.isna(v) else name
                     for v, name in zip(frame["village_id"], frame[column])]
    return frame


def commune_label(con, commune_id: int | None) -> str:
    """«Toàn xã» for the whole of the one commune shown; «Toàn xã (Xã Đoàn Kết)» when the file has several."""
    if commune_id is None or commune_count(con) <= 1:
        return "Toàn xã"
    row = con.cursor().execute("SELECT name FROM communes WHERE id = ?", [commune_id]).fetchone()
    return f"Toàn xã ({row[0]})" if row else "Toàn xã"


def has_demo_data(con) -> bool:
    return bool(con.cursor().execute("SELECT count(*) FROM communes WHERE is_demo").fetchone()[0])


def communes(con) -> pd.DataFrame:
    return con.cursor().execute("SELECT * FROM communes ORDER BY id").df()


def commune_title(con) -> str:
    """'Xã Đoàn Kết, Huyện Thanh Miện, Tỉnh Hải Dương' (several communes: their count)."""
    rows = con.cursor().execute(
        "SELECT name, district, province FROM communes ORDER BY id"
    ).fetchall()
    if not rows:
        return "Chưa có dữ liệu xã"
    if len(rows) > 1:
        return f"{len(rows)} xã"
    return ", ".join(part for part in rows[0] if part)


def get_team(con, team_id: int) -> dict | None:
    """A team with its village's fields (name, ethnic_area, versions) for the edit form."""
    rel = con.cursor().execute(
        """
        SELECT t.id, t.name, t.decision_no, t.decision_date, t.valid_from, t.valid_to, t.end_decision_no,
               t.version, t.village_id, v.name AS village, v.commune_id, v.ethnic_area, v.kind AS village_kind,
               v.version AS village_version
        FROM teams t JOIN villages v ON v.id = t.village_id WHERE t.id = ?
        """,
        [team_id],
    )
    row = rel.fetchone()
    return None if row is None else dict(zip([d[0] for d in rel.description], row))

