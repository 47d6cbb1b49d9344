"""Training sessions (tập huấn) and attendance: the write path."""
from __future__ import annotations

from db.writes import ValidationError, audit, clean_values, insert_row, parse_date, require, today, transaction


def save_training(con, data: dict, *, actor: str) -> int:
    values = clean_values({k: data.get(k) for k in ("held_on", "title", "organiser", "hours", "place")})
    errors: list[str] = []
    require(values, {"title": "tên lớp tập huấn"}, errors)
    values["held_on"] = parse_date(values["held_on"], "Ngày tập huấn", errors)
    if values["held_on"] is None and not errors:
        errors.append("Chưa nhập ngày tập huấn.")
    elif values["held_on"] and values["held_on"] > today():
        errors.append("Buổi tập huấn đã tổ chức không thể có ngày ở tương lai.")
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        return insert_row(cur, "trainings", values, actor)


def add_attendance(con, training_id: int, mediator_ids: list[int], *, actor: str) -> None:
    """Record who attended; a mediator not active on the session date or already recorded is refused."""
    with transaction(con) as cur:
        held = cur.execute("SELECT held_on FROM trainings WHERE id = ?", [training_id]).fetchone()
        if held is None:
            raise ValidationError(f"Buổi tập huấn số {training_id} không tồn tại.")
        errors = []
        for mid in mediator_ids:
            row = cur.execute(
                "SELECT full_name, joined_on, left_on FROM mediators WHERE id = ?", [mid]
            ).fetchone()
            if row is None:
                errors.append(f"Hòa giải viên số {mid} không tồn tại.")
            elif row[2] is not None and row[2] <= held[0]:
                errors.append(f"{row[0]} đã thôi tham gia trước ngày tập huấn.")
            elif cur.execute("SELECT 1 FROM training_attendance WHERE training_id = ? AND mediator_id = ?",
                             [training_id, mid]).fetchone():
                errors.append(f"{row[0]} đã có tên trong danh sách dự buổi này.")
        if errors:
            raise ValidationError(errors)
        for mid in mediator_ids:
            cur.execute("INSERT INTO training_attendance VALUES (?, ?)", [training_id, mid])
            audit(cur, actor, "insert", "training_attendance", training_id, None,
                  {"training_id": training_id, "mediator_id": mid})
