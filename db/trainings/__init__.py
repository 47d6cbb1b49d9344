"""Training sessions (tập huấn) and attendance: the write path and the reads of the Tập huấn page.

The coverage figures (who is active, who counts as trained) are not redefined here: they come from
the mediator_year and team_year views (db/teams/teams.sql). A mediator is trained in a year when
they attended at least one session of that year whose status is 'da_to_chuc' (held).

A session is one commune's (trainings.commune_id) and is attended by that commune's mediators only: the write path
refuses a mediator of another commune. In a file of many communes (a province, a roll-up) the reads take an optional
commune_id — that commune's sessions, mediators and plan target (a village's commune when a village is given); None:
every commune's, the training share recomputed from the summed counts, judged against no one plan's target when
several communes are counted. The village argument may also be a db.core.scope.Place (places.scope).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import pandas as pd

from db import places
from db.core.labels import TRAINING_STATUS
from db.core.text import shown
from db.users import authorize
from db.core.writes import (
    ValidationError, as_mapping, commune_of, audit, check_version, clean_values, fetch_row, insert_row, is_missing, parse_date,
    record_id, record_ids, record_version, require, today, transaction, update_row,
)

FIELDS = ("held_on", "title", "organiser", "cooperating", "hours", "place", "status")
HELD, PLANNED = "da_to_chuc", "ke_hoach"
MAX_HOURS = 80  # a session longer than two working weeks is a typing mistake (e.g. 40 instead of 4,0)
# Text fields, named as the form names them: a value that is not text is refused by this name.
TEXTS = {"title": "Tên buổi tập huấn", "organiser": "Chủ trì", "cooperating": "Phối hợp", "place": "Địa điểm",
         "status": "Trạng thái"}

# A mediator is a member on a day when they joined by then and had not yet left (same rule as
# mediator_year and db.teams.mediators.active_mediators).
ACTIVE_ON = "coalesce(m.joined_on, DATE '1900-01-01') <= {day} AND (m.left_on IS NULL OR m.left_on > {day})"


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _parse_hours(value, errors: list[str]) -> Decimal | None:
    """Hours as typed ('4', '4,5', 4.5); empty allowed; 0 < hours <= MAX_HOURS."""
    if is_missing(value) or str(value).strip() == "":
        return None
    text = str(value).strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.append(f"Số giờ: «{shown(value)}» không phải là số.")
        return None
    # Checked as stored (one decimal): 0,04 would be saved as 0 hours.
    if not number.is_finite() or not 0 < number <= MAX_HOURS or number.quantize(Decimal("0.1")) == 0:
        errors.append(f"Số giờ phải lớn hơn 0 và không quá {MAX_HOURS} (đã nhập {shown(str(value).strip())}).")
        return None
    return number.quantize(Decimal("0.1"))


def save_training(con, data: dict, *, actor: str, training_id: int | None = None,
                  expected_version: int | None = None) -> int:
    """Add (training_id None) or change a session; returns its id. Refusals leave the tables unchanged."""
    authorize(con, actor, "organisation")
    data = as_mapping(data, "buổi tập huấn")
    training_id = None if training_id is None else record_id(training_id, "buổi tập huấn")
    expected_version = record_version(expected_version)
    # An empty cell (None, NaN, pd.NA, NaT) as None; a value that is not text refused by its field's name.
    values = {k: None if is_missing(v) else v for k, v in clean_values({k: data.get(k) for k in FIELDS}).items()}
    errors: list[str] = []
    require(values, {"title": "tên buổi tập huấn"}, errors)
    for field, label in TEXTS.items():
        if values[field] is not None and not isinstance(values[field], str):
            errors.append(f"{label} «{shown(values[field])}» không phải là chữ.")
            values[field] = None
    before = len(errors)
    values["held_on"] = parse_date(values["held_on"], "Ngày tập huấn", errors)
    if values["held_on"] is None and len(errors) == before:
        errors.append("Chưa nhập ngày tập huấn.")
    values["hours"] = _parse_hours(values["hours"], errors)
    values["status"] = values["status"] or HELD
    if values["status"] not in TRAINING_STATUS:
        errors.append(f"Trạng thái «{shown(values['status'])}» không hợp lệ: chỉ có "
                      + " hoặc ".join(f"«{label}»" for label in TRAINING_STATUS.values()) + ".")
    elif values["status"] == HELD and values["held_on"] and values["held_on"] > today():
        errors.append(
            f"Buổi tập huấn ngày {_d(values['held_on'])} ở tương lai nên chưa thể đánh dấu đã tổ chức. "
            f"Hãy chọn trạng thái «{TRAINING_STATUS[PLANNED]}», rồi chuyển sang «{TRAINING_STATUS[HELD]}» "
            "sau khi buổi tập huấn diễn ra.")
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        current = None
        if training_id is None:
            commune = commune_of(cur, data.get("commune_id"))
        else:
            current = fetch_row(cur, "trainings", training_id)
            if current is None:
                raise ValidationError(f"Không tìm thấy buổi tập huấn số {training_id}.")
            commune = current["commune_id"]
        # The same session typed twice (double submit, two officers): same commune, same day and same title.
        twin = cur.execute(
            "SELECT id FROM trainings WHERE held_on = ? AND fold(title) = fold(?) AND id <> coalesce(?, -1) "
            "AND commune_id IS NOT DISTINCT FROM ?",
            [values["held_on"], values["title"], training_id, commune]).fetchone()
        if twin:
            raise ValidationError(f"Đã có buổi tập huấn «{values['title']}» ngày {_d(values['held_on'])} "
                                  f"(số {twin[0]}): hãy mở buổi đó để sửa hoặc điểm danh.")
        if training_id is None:
            return insert_row(cur, "trainings", {**values, "commune_id": commune}, actor)
        check_version(current, expected_version, "Buổi tập huấn")
        _check_change(cur, training_id, current, values)
        update_row(cur, "trainings", training_id, values, actor, expected_version, "Buổi tập huấn")
        return training_id


def _check_change(cur, training_id: int, current: dict, values: dict) -> None:
    """A change must keep the recorded attendance valid: still held, and everyone a member on the new date."""
    count, = cur.execute("SELECT count(*) FROM training_attendance WHERE training_id = ?", [training_id]).fetchone()
    if not count:
        return
    errors = []
    if values["status"] != HELD:
        errors.append(
            f"Buổi tập huấn đã có {count} hòa giải viên được điểm danh nên không thể chuyển về "
            f"«{TRAINING_STATUS[PLANNED]}». Nếu buổi này thực sự chưa tổ chức, hãy bỏ điểm danh trước.")
    if values["held_on"] != current["held_on"]:
        names = [row[0] for row in cur.execute(
            f"""
            SELECT m.full_name || ' (' || v.name || ')'
            FROM training_attendance a
            JOIN mediators m ON m.id = a.mediator_id
            JOIN teams t ON t.id = m.team_id JOIN villages v ON v.id = t.village_id
            WHERE a.training_id = ? AND NOT ({ACTIVE_ON.format(day='?::DATE')})
            ORDER BY v.name COLLATE vi, m.full_name COLLATE vi
            """,
            [training_id, values["held_on"], values["held_on"]]).fetchall()]
        if names:
            errors.append(
                f"Không thể đổi ngày tập huấn sang {_d(values['held_on'])}: {', '.join(names)} đã có tên trong "
                "danh sách dự nhưng chưa tham gia hoặc đã thôi tham gia tổ hòa giải vào ngày đó.")
    if errors:
        raise ValidationError(errors)


def _ids(mediator_ids) -> list[int]:
    """The ids once each, in the order given (the messages keep it); a bad list or id is refused (record_ids)."""
    record_ids(mediator_ids, "hòa giải viên")
    return list(dict.fromkeys(record_id(i, "hòa giải viên") for i in mediator_ids))


def _session(cur, training_id: int) -> tuple[dt.date, str]:
    row = cur.execute("SELECT held_on, status FROM trainings WHERE id = ?", [training_id]).fetchone()
    if row is None:
        raise ValidationError(f"Không tìm thấy buổi tập huấn số {training_id}.")
    return row


def _add(cur, training_id: int, ids: list[int], actor: str) -> int:
    if not ids:
        return 0
    held_on, status = _session(cur, training_id)
    if status != HELD:
        raise ValidationError(
            f"Buổi tập huấn ngày {_d(held_on)} đang ở trạng thái «{TRAINING_STATUS[PLANNED]}» nên chưa thể "
            f"điểm danh. Sau khi buổi tập huấn diễn ra, hãy chuyển trạng thái sang «{TRAINING_STATUS[HELD]}».")
    # Every requested mediator checked in one query; the messages keep the order given.
    rows = cur.execute(
        """
        SELECT i.id, m.id IS NOT NULL AS known, m.full_name, v.name AS village, m.joined_on, m.left_on,
               a.mediator_id IS NOT NULL AS recorded,
               s.commune_id IS NOT NULL AND v.commune_id IS DISTINCT FROM s.commune_id AS other_commune, c.name
        FROM (SELECT unnest(?::INTEGER[]) AS id) i
        LEFT JOIN mediators m ON m.id = i.id
        LEFT JOIN teams t ON t.id = m.team_id
        LEFT JOIN villages v ON v.id = t.village_id
        LEFT JOIN trainings s ON s.id = ?
        LEFT JOIN communes c ON c.id = s.commune_id
        LEFT JOIN training_attendance a ON a.training_id = ? AND a.mediator_id = i.id
        ORDER BY list_position(?::INTEGER[], i.id)
        """,
        [ids, training_id, training_id, ids]).fetchall()
    errors = []
    for mid, known, name, village, joined_on, left_on, recorded, other_commune, commune in rows:
        who = f"{name} ({village})"
        if not known:
            errors.append(f"Không tìm thấy hòa giải viên số {mid}.")
        elif other_commune:
            errors.append(f"{who} không thuộc {commune}, xã tổ chức buổi tập huấn: mỗi xã điểm danh hòa giải viên "
                          "của xã mình.")
        elif left_on is not None and left_on <= held_on:
            errors.append(f"{who} đã thôi tham gia tổ hòa giải từ ngày {_d(left_on)} nên không thể có tên "
                          f"trong danh sách dự buổi tập huấn ngày {_d(held_on)}.")
        elif joined_on is not None and joined_on > held_on:
            errors.append(f"{who} đến ngày {_d(joined_on)} mới tham gia tổ hòa giải, sau ngày tập huấn "
                          f"{_d(held_on)}.")
        elif recorded:
            errors.append(f"{who} đã có tên trong danh sách dự buổi tập huấn này.")
    if errors:
        raise ValidationError(errors)
    cur.execute("INSERT INTO training_attendance SELECT ?, unnest(?::INTEGER[])", [training_id, ids])
    for mid in ids:
        audit(cur, actor, "insert", "training_attendance", training_id, None,
              {"training_id": training_id, "mediator_id": mid})
    return len(ids)


def _remove(cur, training_id: int, ids: list[int], actor: str) -> int:
    if not ids:
        return 0
    _session(cur, training_id)
    missing = cur.execute(
        """
        SELECT coalesce(m.full_name || ' (' || v.name || ')', 'Hòa giải viên số ' || i.id)
        FROM (SELECT unnest(?::INTEGER[]) AS id) i
        LEFT JOIN mediators m ON m.id = i.id
        LEFT JOIN teams t ON t.id = m.team_id LEFT JOIN villages v ON v.id = t.village_id
        WHERE NOT EXISTS (SELECT 1 FROM training_attendance a WHERE a.training_id = ? AND a.mediator_id = i.id)
        ORDER BY list_position(?::INTEGER[], i.id)
        """,
        [ids, training_id, ids]).fetchall()
    if missing:
        raise ValidationError([f"{name} không có tên trong danh sách dự buổi tập huấn này." for name, in missing])
    cur.execute("DELETE FROM training_attendance WHERE training_id = ? AND mediator_id IN (SELECT unnest(?::INTEGER[]))",
                [training_id, ids])
    for mid in ids:
        audit(cur, actor, "delete", "training_attendance", training_id,
              {"training_id": training_id, "mediator_id": mid}, None)
    return len(ids)


def add_attendance(con, training_id: int, mediator_ids, *, actor: str) -> int:
    """Record who attended a held session; the whole batch is refused (nothing written) if any mediator
    is unknown, was not a member on the session date, or is already recorded. Returns the number added."""
    authorize(con, actor, "organisation")
    training_id, ids = record_id(training_id, "buổi tập huấn"), _ids(mediator_ids)
    with transaction(con) as cur:
        return _add(cur, training_id, ids, actor)


def remove_attendance(con, training_id: int, mediator_ids, *, actor: str) -> int:
    """Take mediators off a session's attendance (all or nothing, audited). Returns the number removed."""
    authorize(con, actor, "organisation")
    training_id, ids = record_id(training_id, "buổi tập huấn"), _ids(mediator_ids)
    with transaction(con) as cur:
        return _remove(cur, training_id, ids, actor)


def update_attendance(con, training_id: int, *, add=(), remove=(), actor: str) -> tuple[int, int]:
    """One save of the attendance checklist: removals then additions in one transaction, so a refusal of
    either leaves the attendance exactly as it was. Returns (added, removed)."""
    authorize(con, actor, "organisation")
    training_id, add, remove = record_id(training_id, "buổi tập huấn"), _ids(add), _ids(remove)
    with transaction(con) as cur:
        removed = _remove(cur, training_id, remove, actor)
        added = _add(cur, training_id, add, actor)
        return added, removed


# ---------------------------------------------------------------------------------------------- reads

def trainings(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """The year's sessions by date with their attendee counts (village_attendees: of the filtered village): the
    sessions of the commune in scope (commune_id, else the village's commune; None and no village: every commune's)."""
    where = places.scope(con, village_id, commune_id)
    return con.cursor().execute(
        """
        SELECT t.id, t.held_on, t.title, t.organiser, t.cooperating, t.hours::DOUBLE AS hours, t.place,
               t.status, t.version,
               count(a.mediator_id) AS attendees,
               CASE WHEN $village::INTEGER IS NOT NULL
                    THEN count(a.mediator_id) FILTER (WHERE tm.village_id = $village::INTEGER) END AS village_attendees,
               t.commune_id
        FROM trainings t
        LEFT JOIN training_attendance a ON a.training_id = t.id
        LEFT JOIN mediators m ON m.id = a.mediator_id
        LEFT JOIN teams tm ON tm.id = m.team_id
        WHERE year(t.held_on) = $year AND in_commune(t.commune_id, $commune::INTEGER, $province)
        GROUP BY t.id, t.held_on, t.title, t.organiser, t.cooperating, t.hours, t.place, t.status, t.version,
                 t.commune_id
        ORDER BY t.held_on, t.id
        """,
        {"year": year, **where}).df()


def get_training(con, training_id: int) -> dict | None:
    cur = con.cursor()
    row = fetch_row(cur, "trainings", training_id)
    if row and row["hours"] is not None:
        row["hours"] = float(row["hours"])
    return row


def attendance(con, training_id: int) -> list[int]:
    """Ids of the mediators recorded as attending the session."""
    return [row[0] for row in con.cursor().execute(
        "SELECT mediator_id FROM training_attendance WHERE training_id = ? ORDER BY mediator_id",
        [training_id]).fetchall()]


def eligible_attendees(con, training_id: int, village_id: int | None = None) -> pd.DataFrame:
    """Mediators of the session's commune who were members on the session date (the only ones add_attendance
    accepts), by village in Vietnamese order, team leader first; attended = already recorded for this session."""
    return con.cursor().execute(
        f"""
        SELECT m.id, m.full_name, m.is_leader, v.id AS village_id, v.name AS village, tm.name AS team,
               a.mediator_id IS NOT NULL AS attended
        FROM trainings t
        JOIN mediators m ON {ACTIVE_ON.format(day='t.held_on')}
        JOIN teams tm ON tm.id = m.team_id
        JOIN villages v ON v.id = tm.village_id AND (t.commune_id IS NULL OR v.commune_id = t.commune_id)
        LEFT JOIN training_attendance a ON a.training_id = t.id AND a.mediator_id = m.id
        WHERE t.id = ? AND (?::INTEGER IS NULL OR v.id = ?::INTEGER)
        ORDER BY v.name COLLATE vi, v.id, m.is_leader DESC, m.full_name COLLATE vi, m.id
        """,
        [training_id, village_id, village_id]).df()


def recorded_not_eligible(con, training_id: int) -> pd.DataFrame:
    """Attendance that no longer fits the session date (a mediator's dates were corrected afterwards)."""
    return con.cursor().execute(
        f"""
        SELECT m.id, m.full_name, v.name AS village
        FROM training_attendance a
        JOIN trainings t ON t.id = a.training_id
        JOIN mediators m ON m.id = a.mediator_id
        JOIN teams tm ON tm.id = m.team_id JOIN villages v ON v.id = tm.village_id
        WHERE a.training_id = ? AND NOT ({ACTIVE_ON.format(day='t.held_on')})
        ORDER BY v.name COLLATE vi, m.full_name COLLATE vi
        """,
        [training_id]).df()


def coverage(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> dict:
    """Training coverage of the year from team_year: trained active mediators / active mediators (of the village; of
    the commune; None: of every commune, recomputed from the summed counts), against the year's target of the plan of
    the commune in scope (target_year 'trained_share', 100% in the 2023 plan; gap = share - target; no plan that year,
    or several communes counted and none chosen: target, gap and reached are None), and the number of the year's
    sessions held and planned (the commune's; with several communes and none chosen, every commune's)."""
    where = places.scope(con, village_id, commune_id)
    target = None if where["commune"] is None else con.cursor().execute(
        "SELECT value FROM target_year WHERE year = ? AND key = 'trained_share' AND commune_id = ?",
        [year, where["commune"]]).fetchone()
    row = con.cursor().execute(
        """
        SELECT coalesce(sum(ty.trained), 0)::INTEGER, coalesce(sum(ty.active), 0)::INTEGER,
               ratio(sum(ty.trained), sum(ty.active)),
               (SELECT count(*) FROM trainings
                WHERE year(held_on) = $year AND status = 'da_to_chuc' AND in_commune(commune_id, $commune, $province)),
               (SELECT count(*) FROM trainings
                WHERE year(held_on) = $year AND status <> 'da_to_chuc'
                  AND in_commune(commune_id, $commune, $province))
        FROM team_year ty JOIN villages v ON v.id = ty.village_id
        WHERE ty.year = $year AND ($village::INTEGER IS NULL OR ty.village_id = $village::INTEGER)
          AND in_commune(v.commune_id, $commune, $province)
        """,
        {"year": year, **where}).fetchone()
    trained, active, share, held, planned = row
    target = None if target is None else target[0]
    judged = share is not None and target is not None
    return {"trained": trained, "active": active, "untrained": active - trained, "share": share,
            "target": target, "gap": share - target if judged else None,
            "reached": share >= target if judged else None,
            "sessions_held": held, "sessions_planned": planned}


def coverage_by_village(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """Per village (Vietnamese order; of the commune when commune_id is given, else of every commune): active and
    trained mediators, share, and whether it reaches the target of the plan of the village's own commune (None
    without one)."""
    return places.with_village_labels(con, con.cursor().execute(
        """
        WITH target AS (
            SELECT commune_id, any_value(value) AS value FROM target_year
            WHERE year = $year AND key = 'trained_share' GROUP BY commune_id
        )
        SELECT v.id AS village_id, v.name AS village,
               sum(ty.active)::INTEGER AS active, sum(ty.trained)::INTEGER AS trained,
               (sum(ty.active) - sum(ty.trained))::INTEGER AS untrained,
               ratio(sum(ty.trained), sum(ty.active)) AS share,
               ratio(sum(ty.trained), sum(ty.active)) >= any_value(target.value) AS reached,
               v.commune_id
        FROM team_year ty JOIN villages v ON v.id = ty.village_id LEFT JOIN target ON target.commune_id = v.commune_id
        WHERE ty.year = $year AND ($village::INTEGER IS NULL OR v.id = $village::INTEGER)
          AND in_commune(v.commune_id, $commune::INTEGER, $province)
        GROUP BY v.id, v.name, v.commune_id
        ORDER BY v.name COLLATE vi, v.id
        """,
        {"year": year, **places.scope(con, village_id, commune_id)}).df())


def untrained(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """Active mediators not trained in the year (mediator_year), with what is needed to invite them (commune_id: that
    commune's; None: every commune's)."""
    return places.with_village_labels(con, con.cursor().execute(
        """
        SELECT m.id AS mediator_id, v.id AS village_id, v.name AS village, m.full_name, m.is_leader,
               m.gender, m.phone, m.organisation, m.role
        FROM mediator_year my
        JOIN mediators m ON m.id = my.mediator_id
        JOIN villages v ON v.id = my.village_id
        WHERE my.year = $year AND my.active AND NOT my.trained
          AND ($village::INTEGER IS NULL OR my.village_id = $village::INTEGER)
          AND in_commune(v.commune_id, $commune::INTEGER, $province)
        ORDER BY v.name COLLATE vi, v.id, m.is_leader DESC, m.full_name COLLATE vi, m.id
        """,
        {"year": year, **places.scope(con, village_id, commune_id)}).df())


def mediator_training_history(con, mediator_id: int) -> pd.DataFrame:
    """The held sessions a mediator attended, latest first: held_on, title, hours, year, with the totals
    of that year on every row (year_sessions, year_hours; hours left empty count as 0, as in mediator_year)."""
    return con.cursor().execute(
        """
        SELECT t.held_on, t.title, t.hours::DOUBLE AS hours, year(t.held_on)::INTEGER AS year,
               t.id AS training_id, t.organiser,
               count(*) OVER (PARTITION BY year(t.held_on)) AS year_sessions,
               sum(coalesce(t.hours, 0)) OVER (PARTITION BY year(t.held_on))::DOUBLE AS year_hours
        FROM training_attendance a JOIN trainings t ON t.id = a.training_id
        WHERE a.mediator_id = ? AND t.status = 'da_to_chuc'
        ORDER BY t.held_on DESC, t.id DESC
        """,
        [mediator_id]).df()


def mediator_training_totals(con, mediator_id: int, year: int) -> dict:
    """A mediator's sessions and hours in a year, and whether they count as trained (mediator_year)."""
    row = con.cursor().execute(
        "SELECT sessions, hours::DOUBLE, trained, active FROM mediator_year WHERE mediator_id = ? AND year = ?",
        [mediator_id, year]).fetchone()
    sessions, hours, trained, active = row or (0, 0.0, False, False)
    return {"sessions": sessions, "hours": hours, "trained": trained, "active": active}
