"""The place hierarchy as data (province → commune → village) and the village teams."""
from __future__ import annotations

import pandas as pd

from db.writes import ValidationError, clean_values, insert_row, parse_date, require, transaction, update_row


def save_commune(con, data: dict, *, actor: str, commune_id: int | None = None,
                 expected_version: int | None = None) -> int:
    values = clean_values({k: data.get(k) for k in ("name", "district", "province")})
    values["is_demo"] = bool(data.get("is_demo"))
    errors: list[str] = []
    require(values, {"name": "tên xã", "province": "tỉnh"}, errors)
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        if commune_id is None:
            return insert_row(cur, "communes", values, actor)
        update_row(cur, "communes", commune_id, values, actor, expected_version, "Xã")
        return commune_id


def save_village(con, data: dict, *, actor: str, village_id: int | None = None,
                 expected_version: int | None = None) -> int:
    values = clean_values({k: data.get(k) for k in ("commune_id", "name", "ethnic_area")})
    values["ethnic_area"] = bool(values.get("ethnic_area"))
    errors: list[str] = []
    require(values, {"commune_id": "xã", "name": "tên thôn"}, errors)
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        if not cur.execute("SELECT 1 FROM communes WHERE id = ?", [values["commune_id"]]).fetchone():
            raise ValidationError(f"Xã số {values['commune_id']} không tồn tại.")
        clash = cur.execute(
            "SELECT 1 FROM villages WHERE commune_id = ? AND fold(name) = fold(?) AND id <> coalesce(?, -1)",
            [values["commune_id"], values["name"], village_id],
        ).fetchone()
        if clash:
            raise ValidationError(f"Xã đã có thôn tên «{values['name']}».")
        if village_id is None:
            return insert_row(cur, "villages", values, actor)
        update_row(cur, "villages", village_id, values, actor, expected_version, "Thôn")
        return village_id


def save_team(con, data: dict, *, actor: str, team_id: int | None = None,
              expected_version: int | None = None) -> int:
    values = clean_values({k: data.get(k) for k in ("village_id", "name", "decision_no", "decision_date")})
    errors: list[str] = []
    require(values, {"village_id": "thôn", "name": "tên tổ hòa giải"}, errors)
    values["decision_date"] = parse_date(values["decision_date"], "Ngày quyết định công nhận", errors)
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        if not cur.execute("SELECT 1 FROM villages WHERE id = ?", [values["village_id"]]).fetchone():
            raise ValidationError(f"Thôn số {values['village_id']} không tồn tại.")
        if team_id is None:
            return insert_row(cur, "teams", values, actor)
        update_row(cur, "teams", team_id, values, actor, expected_version, "Tổ hòa giải")
        return team_id


def villages(con) -> pd.DataFrame:
    """Villages in Vietnamese order, with their team (one team per village)."""
    return con.cursor().execute(
        """
        SELECT v.id, v.name, v.commune_id, t.id AS team_id, t.name AS team_name
        FROM villages v LEFT JOIN teams t ON t.village_id = v.id
        ORDER BY v.name COLLATE vi, v.id
        """
    ).df()


def has_demo_data(con) -> bool:
    return bool(con.cursor().execute("SELECT count(*) FROM communes WHERE is_demo").fetchone()[0])


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
        SELECT t.id, t.name, t.decision_no, t.decision_date, t.version, t.village_id,
               v.name AS village, v.commune_id, v.ethnic_area, v.version AS village_version
        FROM teams t JOIN villages v ON v.id = t.village_id WHERE t.id = ?
        """,
        [team_id],
    )
    row = rel.fetchone()
    return None if row is None else dict(zip([d[0] for d in rel.description], row))
