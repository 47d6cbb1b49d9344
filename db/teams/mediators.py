"""Mediators (hòa giải viên): the write path (details, leaving, the tổ trưởng role) and the reads.

Rules kept here, one place for the form, the seeds and the tests (DOMAIN.md, Luật HGCS 2013):
- a team has at most one tổ trưởng, and the role only moves through set_leader, which keeps exactly one;
- leaving (Art. 11) has only three grounds (db.core.labels.LEAVE_REASONS) and is recorded by record_leaving:
  the row is kept (history, audit), never deleted; a tổ trưởng hands the role over first;
- save_mediator edits the details; it never sets or changes the leaving fields of an existing mediator
  (an insert may carry them: a historic import of someone who left long ago).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from db.core.scope import place_params
from db.core.labels import GENDERS, LEAVE_REASONS, TEAM_END_REASONS
from db.core.text import shown
from db.users import authorize
from db.core.writes import (
    ValidationError, as_mapping, check_text_fields, check_version, fetch_row, form_values, insert_row, parse_date,
    parse_flag, parse_int, record_id, record_version, require, today, transaction, update_row,
)

# Columns an insert may set.
FIELDS = ("team_id", "full_name", "gender", "birth_year", "ethnic_minority", "is_leader",
          "joined_on", "left_on", "phone", "organisation", "role", "leave_reason", "leave_decision_no")
# Columns an edit of an existing mediator may change.
DETAIL_FIELDS = ("full_name", "gender", "birth_year", "ethnic_minority", "phone", "organisation", "role",
                 "joined_on")
LEAVING_FIELDS = ("left_on", "leave_reason", "leave_decision_no")

WHAT = "Hòa giải viên"
LEAVE_FORM = "«Thôi tham gia»"
LEADER_FORM = "«Chuyển vai trò tổ trưởng»"

# Text fields, named as the form names them: a value that is not text is refused by this name.
DETAIL_TEXTS = {"full_name": "Họ tên", "gender": "Giới tính", "phone": "Điện thoại",
                "organisation": "Đơn vị, đoàn thể", "role": "Chức danh"}
LEAVING_TEXTS = {"leave_reason": "Căn cứ thôi tham gia", "leave_decision_no": "Số quyết định thôi tham gia"}


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _check_details(values: dict, errors: list[str], as_of: dt.date) -> None:
    """Normalise and check the person's details in place (both insert and edit)."""
    require(values, {"full_name": "họ tên", "gender": "giới tính"}, errors)
    check_text_fields(values, DETAIL_TEXTS, errors)
    if values.get("gender") and values["gender"] not in GENDERS:
        errors.append("Giới tính phải là Nam hoặc Nữ.")
    values["birth_year"] = parse_int(values.get("birth_year"), "Năm sinh", errors, 1900, as_of.year)
    values["ethnic_minority"] = parse_flag(values.get("ethnic_minority"), "Dân tộc thiểu số", errors)
    joined = values["joined_on"] = parse_date(values.get("joined_on"), "Ngày tham gia", errors)
    if joined and joined > as_of:
        errors.append(f"Ngày tham gia {_fmt(joined)} ở tương lai (hôm nay là {_fmt(as_of)}).")


def _team(cur, team_id) -> tuple | None:
    return cur.execute("SELECT id, name FROM teams WHERE id = ?", [team_id]).fetchone()


def _team_days(cur, team_id: int, day: dt.date | None) -> str | None:
    """Why a team cannot take a member from this day (it had not started or had ended), or None."""
    name, start, end = cur.execute("SELECT name, valid_from, valid_to FROM teams WHERE id = ?", [team_id]).fetchone()
    if day and start and day < start:
        return f"{name} chỉ hoạt động từ {_fmt(start)}: ngày tham gia {_fmt(day)} trước ngày đó."
    if day and end and day > end:
        return f"{name} đã kết thúc hoạt động từ {_fmt(end + dt.timedelta(days=1))}: không thêm hòa giải viên."
    return None


def _other_leader(cur, team_id: int, mediator_id: int | None) -> str | None:
    row = cur.execute(
        "SELECT full_name FROM mediators WHERE team_id = ? AND is_leader AND id <> coalesce(?, -1) LIMIT 1",
        [team_id, mediator_id]).fetchone()
    return row[0] if row else None


def _second_leader_message(team_name: str, leader: str) -> str:
    return (f"{team_name} đã có tổ trưởng ({leader}): mỗi tổ chỉ có một tổ trưởng. "
            f"Muốn đổi tổ trưởng, dùng mục {LEADER_FORM}.")


def _activity_outside(cur, mediator_id: int, first: dt.date | None, until: dt.date | None) -> list[str]:
    """Cases and held trainings of the mediator before `first` (joined) or on/after `until` (left):
    they would contradict the dates (a mediator only works while a member)."""
    rows = cur.execute(
        """
        SELECT 'vụ việc' AS kind, c.received_on AS day, c.id
        FROM case_mediators cm JOIN cases c ON c.id = cm.case_id
        WHERE cm.mediator_id = $m AND c.deleted_at IS NULL
          AND (c.received_on < $first OR c.received_on >= $until)
        UNION ALL
        SELECT 'buổi tập huấn', t.held_on, t.id
        FROM training_attendance a JOIN trainings t ON t.id = a.training_id
        WHERE a.mediator_id = $m AND (t.held_on < $first OR t.held_on >= $until)
        ORDER BY day
        """,
        {"m": mediator_id, "first": first, "until": until},
    ).fetchall()
    if not rows:
        return []
    early = [r for r in rows if first and r[1] < first]
    late = [r for r in rows if until and r[1] >= until]
    messages = []
    if early:
        kind, day, number = early[0]
        messages.append(f"Hòa giải viên đã có {len(early)} vụ việc/buổi tập huấn trước ngày tham gia "
                        f"{_fmt(first)} (sớm nhất: {kind} số {number} ngày {_fmt(day)}).")
    if late:
        kind, day, number = late[-1]
        messages.append(f"Hòa giải viên còn {len(late)} vụ việc/buổi tập huấn từ ngày thôi {_fmt(until)} trở đi "
                        f"(muộn nhất: {kind} số {number} ngày {_fmt(day)}): ngày thôi phải sau các hoạt động đó.")
    return messages


def save_mediator(con, data: dict, *, actor: str, mediator_id: int | None = None,
                  expected_version: int | None = None, as_of: dt.date | None = None) -> int:
    """Insert a mediator (mediator_id None) or edit their details; returns the id.

    An insert needs the team, name, gender and joining date; it may carry left_on (with an optional
    leave_reason and decision) for a historic import. An edit changes only DETAIL_FIELDS present in
    `data` (and may make someone tổ trưởng of a team that has none); leaving goes through record_leaving,
    the tổ trưởng role through set_leader, and a mediator never changes team (history stays with the team).
    """
    authorize(con, actor, "organisation")
    data = as_mapping(data, "hòa giải viên")
    mediator_id = None if mediator_id is None else record_id(mediator_id, "hòa giải viên")
    expected_version = record_version(expected_version)
    as_of = as_of or today()
    if mediator_id is None:
        return _insert(con, data, actor=actor, as_of=as_of)
    return _update(con, mediator_id, data, actor=actor, expected_version=expected_version, as_of=as_of)


def _insert(con, data: dict, *, actor: str, as_of: dt.date) -> int:
    values = form_values({k: data.get(k) for k in FIELDS})
    errors: list[str] = []
    require(values, {"team_id": "tổ hòa giải"}, errors)
    if values["team_id"] is not None:
        values["team_id"] = _team_id(values["team_id"], errors)
    _check_details(values, errors, as_of)
    if values["joined_on"] is None and not any(e.startswith("Ngày tham gia") for e in errors):
        errors.append("Chưa nhập ngày tham gia tổ hòa giải.")
    values["is_leader"] = parse_flag(values["is_leader"], "Tổ trưởng", errors)
    check_text_fields(values, LEAVING_TEXTS, errors)
    left = values["left_on"] = parse_date(values["left_on"], "Ngày thôi tham gia", errors)
    if left:
        if values["joined_on"] and left < values["joined_on"]:
            errors.append(f"Ngày thôi tham gia {_fmt(left)} trước ngày tham gia {_fmt(values['joined_on'])}.")
        if left > as_of:
            errors.append(f"Ngày thôi tham gia {_fmt(left)} ở tương lai (hôm nay là {_fmt(as_of)}).")
        if values["is_leader"]:
            errors.append("Tổ trưởng phải là người đang hoạt động.")
    if values["leave_reason"] and values["leave_reason"] not in LEAVE_REASONS:
        errors.append(_bad_reason(values["leave_reason"]))
    if not left and (values["leave_reason"] or values["leave_decision_no"]):
        errors.append("Căn cứ và số quyết định thôi tham gia chỉ ghi khi có ngày thôi tham gia.")
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        team = _team(cur, values["team_id"])
        if team is None:
            raise ValidationError(f"Tổ hòa giải số {values['team_id']} không tồn tại.")
        if outside := _team_days(cur, team[0], values["joined_on"]):
            raise ValidationError(outside)
        if values["is_leader"] and (leader := _other_leader(cur, team[0], None)):
            raise ValidationError(_second_leader_message(team[1], leader))
        return insert_row(cur, "mediators", values, actor)


def _update(con, mediator_id: int, data: dict, *, actor: str, expected_version: int | None,
            as_of: dt.date) -> int:
    errors: list[str] = []
    incoming = form_values({k: data[k] for k in FIELDS if k in data})
    if incoming.get("team_id") is not None:
        incoming["team_id"] = _team_id(incoming["team_id"], errors)
    if "is_leader" in incoming:
        incoming["is_leader"] = parse_flag(incoming["is_leader"], "Tổ trưởng", errors)
    with transaction(con) as cur:
        current = fetch_row(cur, "mediators", mediator_id)
        if current is None:
            raise ValidationError(f"Không tìm thấy hòa giải viên số {mediator_id}.")
        check_version(current, expected_version, WHAT)
        # Leaving and the team are not edited here: each has its own action that keeps history.
        if "left_on" in incoming:
            bad: list[str] = []
            left = parse_date(incoming["left_on"], "Ngày thôi tham gia", bad)
            if bad or left != current["left_on"]:
                errors.append(f"Không sửa ngày thôi tham gia ở đây: ghi việc thôi tham gia bằng mục {LEAVE_FORM} "
                              "(cần căn cứ theo Điều 11 và số quyết định).")
        for field in ("leave_reason", "leave_decision_no"):
            if field in incoming and incoming[field] != current[field]:
                errors.append(f"Căn cứ và số quyết định thôi tham gia chỉ ghi bằng mục {LEAVE_FORM}.")
                break
        if incoming.get("team_id") is not None and incoming["team_id"] != current["team_id"]:
            errors.append("Không chuyển hòa giải viên sang tổ khác: ghi thôi tham gia ở tổ cũ rồi thêm vào tổ mới, "
                          "để lịch sử vụ việc của mỗi tổ được giữ nguyên.")
        values = {k: incoming.get(k, current[k]) for k in DETAIL_FIELDS}
        _check_details(values, errors, as_of)
        if values["joined_on"] is None and current["joined_on"] is not None \
                and not any(e.startswith("Ngày tham gia") for e in errors):
            errors.append("Chưa nhập ngày tham gia tổ hòa giải.")
        if values["joined_on"] and current["left_on"] and current["left_on"] < values["joined_on"]:
            errors.append(f"Ngày tham gia {_fmt(values['joined_on'])} sau ngày thôi tham gia {_fmt(current['left_on'])}.")
        if values["joined_on"] and values["joined_on"] != current["joined_on"]:
            errors += _activity_outside(cur, mediator_id, values["joined_on"], None)
        if incoming.get("is_leader") is not None and incoming["is_leader"] != current["is_leader"]:
            if current["is_leader"]:
                errors.append(f"Không bỏ vai trò tổ trưởng ở đây: dùng mục {LEADER_FORM} để giao cho người khác, "
                              "để tổ luôn có một tổ trưởng.")
            elif current["left_on"] is not None:
                errors.append("Tổ trưởng phải là người đang hoạt động.")
            elif leader := _other_leader(cur, current["team_id"], mediator_id):
                team = _team(cur, current["team_id"])
                errors.append(_second_leader_message(team[1], leader))
            else:
                values["is_leader"] = True
        if errors:
            raise ValidationError(errors)
        if all(values[k] == current[k] for k in values):
            return mediator_id  # nothing changed: no new version, no audit noise
        update_row(cur, "mediators", mediator_id, values, actor, expected_version, WHAT)
        return mediator_id


def _team_id(value, errors: list[str]) -> int | None:
    """record_id of the team, its refusal collected with the form's other problems."""
    try:
        return record_id(value, "tổ hòa giải")
    except ValidationError as refusal:
        errors.extend(refusal.messages)
        return None


def _bad_reason(reason) -> str:
    grounds = "; ".join(f"«{label}»" for label in LEAVE_REASONS.values())
    return f"Căn cứ thôi tham gia «{shown(reason)}» không hợp lệ: Điều 11 chỉ có ba căn cứ: {grounds}."


def record_leaving(con, mediator_id: int, *, left_on, reason: str | None, decision_no: str | None = None,
                   actor: str, expected_version: int | None = None, as_of: dt.date | None = None) -> dict:
    """Record that a mediator left the team (Luật HGCS Art. 11); returns the updated row.

    The row stays (its cases and trainings keep their mediator); left_on is the first day no longer a
    member. Refused: a ground outside the three of Art. 11, a date before joining or in the future, a
    second leaving, a tổ trưởng who has not handed the role over, and casework on or after the date.
    """
    authorize(con, actor, "organisation")
    mediator_id = record_id(mediator_id, "hòa giải viên")
    expected_version = record_version(expected_version)
    as_of = as_of or today()
    errors: list[str] = []
    left = parse_date(left_on, "Ngày thôi tham gia", errors)
    if left is None and not errors:
        errors.append("Chưa nhập ngày thôi tham gia.")
    leaving = form_values({"leave_reason": reason, "leave_decision_no": decision_no})
    check_text_fields(leaving, {"leave_decision_no": LEAVING_TEXTS["leave_decision_no"]}, errors)
    reason, decision = leaving["leave_reason"], leaving["leave_decision_no"]
    if reason is None:
        errors.append("Chưa chọn căn cứ thôi tham gia (Điều 11).")
    elif not isinstance(reason, str) or reason not in LEAVE_REASONS:
        errors.append(_bad_reason(reason))
    if left and left > as_of:
        errors.append(f"Ngày thôi tham gia {_fmt(left)} ở tương lai (hôm nay là {_fmt(as_of)}).")
    with transaction(con) as cur:
        current = fetch_row(cur, "mediators", mediator_id)
        if current is None:
            raise ValidationError(f"Không tìm thấy hòa giải viên số {mediator_id}.")
        check_version(current, expected_version, WHAT)
        name = current["full_name"]
        if current["left_on"] is not None:
            raise ValidationError(
                f"{name} đã thôi tham gia từ ngày {_fmt(current['left_on'])}: không ghi thôi tham gia lần nữa.")
        if current["is_leader"]:
            errors.append(f"{name} đang là tổ trưởng: hãy chuyển vai trò tổ trưởng cho hòa giải viên khác "
                          f"(mục {LEADER_FORM}) trước khi ghi thôi tham gia.")
        if left and current["joined_on"] and left < current["joined_on"]:
            errors.append(f"Ngày thôi tham gia {_fmt(left)} trước ngày tham gia {_fmt(current['joined_on'])}.")
        if left and not errors:
            errors += _activity_outside(cur, mediator_id, None, left)
        if errors:
            raise ValidationError(errors)
        return update_row(cur, "mediators", mediator_id,
                          {"left_on": left, "leave_reason": reason, "leave_decision_no": decision},
                          actor, expected_version, WHAT, action="leave")


def set_leader(con, team_id: int, mediator_id: int, *, actor: str, as_of: dt.date | None = None) -> None:
    """Make an active member of the team its tổ trưởng, in one transaction: the previous leader loses the
    role, so the team keeps exactly one; both rows are versioned and audited."""
    authorize(con, actor, "organisation")
    team_id = record_id(team_id, "tổ hòa giải")
    mediator_id = record_id(mediator_id, "hòa giải viên")
    as_of = as_of or today()
    with transaction(con) as cur:
        team = _team(cur, team_id)
        if team is None:
            raise ValidationError(f"Tổ hòa giải số {team_id} không tồn tại.")
        new = fetch_row(cur, "mediators", mediator_id)
        if new is None:
            raise ValidationError(f"Không tìm thấy hòa giải viên số {mediator_id}.")
        if new["team_id"] != team_id:
            raise ValidationError(f"{new['full_name']} không thuộc {team[1]}.")
        if (new["left_on"] is not None and new["left_on"] <= as_of) or (new["joined_on"] and new["joined_on"] > as_of):
            raise ValidationError(f"{new['full_name']} không còn hoạt động: tổ trưởng phải là hòa giải viên đang hoạt động.")
        if new["is_leader"]:
            raise ValidationError(f"{new['full_name']} đã là tổ trưởng của {team[1]}.")
        old_ids = [r[0] for r in cur.execute(
            "SELECT id FROM mediators WHERE team_id = ? AND is_leader ORDER BY id", [team_id]).fetchall()]
        for old_id in old_ids:
            update_row(cur, "mediators", old_id, {"is_leader": False}, actor, None, WHAT, action="leader_off")
        update_row(cur, "mediators", mediator_id, {"is_leader": True}, actor, None, WHAT, action="leader_on")
        leaders = cur.execute("SELECT count(*) FROM mediators WHERE team_id = ? AND is_leader", [team_id]).fetchone()[0]
        if leaders != 1:  # cannot happen after the updates above; a guard, the transaction rolls back
            raise ValidationError(f"{team[1]} phải có đúng một tổ trưởng (đang có {leaders}).")


# --- reads -----------------------------------------------------------------------------------------

def active_mediators(con, team_id: int, on: dt.date | None = None) -> pd.DataFrame:
    """A team's mediators active on a day (joined by then, not yet left), leader first."""
    on = on or dt.date.today()
    return con.cursor().execute(
        """
        SELECT id, full_name, is_leader
        FROM mediators
        WHERE team_id = ? AND coalesce(joined_on, DATE '1900-01-01') <= ? AND (left_on IS NULL OR left_on > ?)
        ORDER BY is_leader DESC, full_name COLLATE vi
        """,
        [team_id, on, on],
    ).df()


def mediator_names(con, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = con.cursor().execute(
        "SELECT id, full_name FROM mediators WHERE id IN (SELECT unnest(?::INTEGER[]))", [list(ids)]
    ).fetchall()
    return dict(rows)


# Vietnamese name order: by given name (the last word), then the full name.
NAME_ORDER = "regexp_extract(m.full_name, '(\\S+)$', 1) COLLATE vi, m.full_name COLLATE vi, m.id"


def _label_params() -> dict:
    """The code → label lists of db/core/labels.py as query parameters (labels live in one module)."""
    ends = {**LEAVE_REASONS, **TEAM_END_REASONS}
    return {"genders": list(GENDERS), "gender_labels": list(GENDERS.values()),
            "reasons": list(ends), "reason_labels": list(ends.values())}


# The rows of list_mediators and count_mediators: the year's reference date, and who is listed for the filters.
_YEAR = "WITH y AS (SELECT $year::INTEGER AS year, least(make_date($year, 12, 31), current_date) AS ref_date)"
_LISTED = """
        FROM mediators m
        JOIN teams t ON t.id = m.team_id
        JOIN villages v ON v.id = t.village_id
        CROSS JOIN y
        LEFT JOIN mediator_year my ON my.mediator_id = m.id AND my.year = y.year
        WHERE in_place(v.id, $village, $commune, $province)
          AND coalesce(m.joined_on, DATE '1900-01-01') <= y.ref_date
          AND (coalesce(my.active, FALSE) OR ($include_left AND m.left_on IS NOT NULL AND m.left_on <= y.ref_date))
          AND ($search IS NULL OR fold(concat_ws(' ', m.full_name, CASE WHEN NOT $mask THEN m.phone END,
                                                 m.organisation, m.role, v.name))
                                  LIKE '%' || fold($search) || '%')"""


def list_mediators(con, year: int, village_id: int | None = None, include_left: bool = False,
                   search: str | None = None, mask: bool = False, limit: int | None = None,
                   offset: int = 0) -> pd.DataFrame:
    """The mediators of a year: those active at the year's reference date (31/12, today for this year;
    db/teams/teams.sql mediator_year), plus with include_left everyone who had left by then.

    Per row: details, village and team, in_year (a member at some time in the year), active, the year's
    sessions/hours/trained/cases from mediator_year (0 when not a member that year),
    needs_review (active with neither a case nor a training in the year: a review suggestion, never a
    removal, Art. 11), and status as of today ("Đang hoạt động" or "Đã thôi từ dd/mm/yyyy — căn cứ").
    search: accent-insensitive (fold) over name, phone, unit, standing and village.
    mask=True (presentation mode): no phone numbers, in the rows or in what the search reads.
    limit, offset: one page of the list, cut in SQL (a country has 600,000 mediators); count_mediators counts it.
    """
    df = con.cursor().execute(
        f"""
        {_YEAR}
        SELECT m.id, m.full_name, m.gender, m.birth_year, m.ethnic_minority, m.is_leader, m.role,
               m.organisation, CASE WHEN NOT $mask THEN m.phone END AS phone, m.joined_on, m.left_on, m.leave_reason, m.leave_decision_no, m.version,
               m.team_id, t.name AS team, v.id AS village_id, v.name AS village,
               coalesce(my.active, FALSE) AS active,
               my.mediator_id IS NOT NULL AS in_year,
               m.left_on IS NOT NULL AND m.left_on <= current_date AS has_left,
               $gender_labels[list_position($genders, m.gender)] AS gender_label,
               $reason_labels[list_position($reasons, m.leave_reason)] AS leave_reason_label,
               CASE WHEN m.left_on IS NOT NULL AND m.left_on <= current_date
                    THEN 'Đã thôi từ ' || strftime(m.left_on, '%d/%m/%Y')
                         || coalesce(' — ' || $reason_labels[list_position($reasons, m.leave_reason)], '')
                    ELSE 'Đang hoạt động' END AS status,
               coalesce(my.trained, FALSE) AS trained,
               coalesce(my.sessions, 0) AS sessions,
               coalesce(my.hours, 0)::DOUBLE AS hours,
               coalesce(my.cases, 0) AS cases,
               coalesce(my.active AND my.idle, FALSE) AS needs_review
        {_LISTED}
        ORDER BY v.name COLLATE vi, v.id, m.is_leader DESC, {NAME_ORDER}
        {"" if limit is None else f"LIMIT {int(limit)} OFFSET {int(offset)}"}
        """,
        {"year": year, **place_params(village_id), "include_left": bool(include_left),
         "search": (search or "").strip() or None, "mask": mask, **_label_params()},
    ).df()
    return df


def count_mediators(con, year: int, village_id: int | None = None, include_left: bool = False,
                    search: str | None = None, mask: bool = False) -> int:
    """How many rows list_mediators gives for the same filters (its pages' total), without building them."""
    return con.cursor().execute(
        f"""
        {_YEAR}
        SELECT count(*)
        {_LISTED}
        """,
        {"year": year, **place_params(village_id), "include_left": bool(include_left),
         "search": (search or "").strip() or None, "mask": mask}).fetchone()[0]


def mediator_counts(con, year: int, village_id: int | None = None) -> dict:
    """Head counts of a year (mediator_year.active at 31/12, today for this year), commune or one village:
    active, women, ethnic (ethnic-minority), leaders, trained, needs_review (active, neither a case nor a
    training in the year) — all among active mediators — and left_in_year (left_on within the year up to
    the reference date)."""
    row = con.cursor().execute(
        """
        SELECT count(*) FILTER (WHERE my.active) AS active,
               count(*) FILTER (WHERE my.active AND m.gender = 'nu') AS women,
               count(*) FILTER (WHERE my.active AND m.ethnic_minority) AS ethnic,
               count(*) FILTER (WHERE my.active AND m.is_leader) AS leaders,
               count(*) FILTER (WHERE my.active AND my.trained) AS trained,
               count(*) FILTER (WHERE my.active AND my.idle) AS needs_review,
               count(*) FILTER (WHERE m.left_on BETWEEN make_date($year, 1, 1)
                                                    AND least(make_date($year, 12, 31), current_date)) AS left_in_year
        FROM mediator_year my JOIN mediators m ON m.id = my.mediator_id
        WHERE my.year = $year AND in_place(my.village_id, $village, $commune, $province)
        """,
        {"year": year, **place_params(village_id)},
    ).fetchone()
    keys = ("active", "women", "ethnic", "leaders", "trained", "needs_review", "left_in_year")
    return dict(zip(keys, (int(v or 0) for v in row)))


def mediator_record(con, mediator_id: int) -> dict | None:
    """One mediator's record: every column, team and village, the current tổ trưởng of the team,
    leaving (has_left, leave_reason_label), and `history`: per year of membership from mediator_year
    (year, active, sessions, hours, trained, cases, idle), latest first."""
    cur = con.cursor()
    rel = cur.execute(
        """
        SELECT m.*, t.name AS team, v.id AS village_id, v.name AS village,
               m.left_on IS NOT NULL AND m.left_on <= current_date AS has_left,
               (SELECT l.id FROM mediators l WHERE l.team_id = m.team_id AND l.is_leader ORDER BY l.id LIMIT 1)
                   AS leader_id,
               (SELECT l.full_name FROM mediators l WHERE l.team_id = m.team_id AND l.is_leader ORDER BY l.id LIMIT 1)
                   AS leader_name
        FROM mediators m JOIN teams t ON t.id = m.team_id JOIN villages v ON v.id = t.village_id
        WHERE m.id = ?
        """,
        [mediator_id],
    )
    row = rel.fetchone()
    if row is None:
        return None
    record = dict(zip([d[0] for d in rel.description], row))
    record["gender_label"] = GENDERS.get(record["gender"], record["gender"])
    record["leave_reason_label"] = {**LEAVE_REASONS, **TEAM_END_REASONS}.get(record["leave_reason"] or "")
    record["history"] = cur.execute(
        """
        SELECT year, active, sessions, hours::DOUBLE AS hours, trained, cases, idle
        FROM mediator_year WHERE mediator_id = ? ORDER BY year DESC
        """,
        [mediator_id],
    ).df()
    return record
