"""Mediators (hòa giải viên): the write path and the reads the case form needs."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from db.writes import (
    ValidationError, clean_values, insert_row, parse_date, parse_int, require, transaction, update_row,
)

FIELDS = ("team_id", "full_name", "gender", "birth_year", "ethnic_minority", "is_leader",
          "joined_on", "left_on", "phone", "organisation")


def save_mediator(con, data: dict, *, actor: str, mediator_id: int | None = None,
                  expected_version: int | None = None) -> int:
    values = clean_values({k: data.get(k) for k in FIELDS})
    errors: list[str] = []
    require(values, {"team_id": "tổ hòa giải", "full_name": "họ tên", "gender": "giới tính"}, errors)
    if values["gender"] and values["gender"] not in ("nam", "nu"):
        errors.append("Giới tính phải là Nam hoặc Nữ.")
    values["birth_year"] = parse_int(values["birth_year"], "Năm sinh", errors, 1900, dt.date.today().year)
    values["joined_on"] = parse_date(values["joined_on"], "Ngày tham gia", errors)
    values["left_on"] = parse_date(values["left_on"], "Ngày thôi tham gia", errors)
    values["ethnic_minority"] = bool(values["ethnic_minority"])
    values["is_leader"] = bool(values["is_leader"])
    if values["joined_on"] and values["left_on"] and values["left_on"] < values["joined_on"]:
        errors.append("Ngày thôi tham gia trước ngày tham gia.")
    if values["is_leader"] and values["left_on"]:
        errors.append("Tổ trưởng phải là người đang hoạt động.")
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        if not cur.execute("SELECT 1 FROM teams WHERE id = ?", [values["team_id"]]).fetchone():
            raise ValidationError(f"Tổ hòa giải số {values['team_id']} không tồn tại.")
        if values["is_leader"] and cur.execute(
                "SELECT 1 FROM mediators WHERE team_id = ? AND is_leader AND id <> coalesce(?, -1)",
                [values["team_id"], mediator_id]).fetchone():
            raise ValidationError("Tổ đã có tổ trưởng: mỗi tổ chỉ có một tổ trưởng.")
        if mediator_id is None:
            return insert_row(cur, "mediators", values, actor)
        update_row(cur, "mediators", mediator_id, values, actor, expected_version, "Hòa giải viên")
        return mediator_id


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
