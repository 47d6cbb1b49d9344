"""Annual team review (rà soát, đánh giá): the officer's assessment, proposals and status."""
from __future__ import annotations

from db.labels import REVIEW_STATUS
from db import locks
from db.text import shown
from db.users import authorize
from db.writes import (
    ValidationError, as_mapping, clean_values, is_missing, parse_int, record_id, save_keyed, transaction,
)

FIELDS = ("assessment", "propose_add", "propose_replace", "propose_leader", "proposal_note", "status")
FLAGS = {"propose_add": "Bổ sung hòa giải viên", "propose_replace": "Thay thế hòa giải viên",
         "propose_leader": "Kiện toàn tổ trưởng"}
TEXTS = {"assessment": "Nhận xét, đánh giá", "proposal_note": "Ghi chú đề xuất", "status": "Trạng thái rà soát"}


def get_review(con, team_id: int, year: int) -> dict | None:
    rel = con.cursor().execute("SELECT * FROM team_reviews WHERE team_id = ? AND year = ?", [team_id, year])
    row = rel.fetchone()
    return None if row is None else dict(zip([d[0] for d in rel.description], row))


def save_review(con, team_id: int, year: int, data: dict, *, actor: str,
                expected_version: int | None = None) -> int:
    """Create or update the team's review of the year (one per team and year)."""
    authorize(con, actor, "organisation")
    team_id = record_id(team_id, "tổ hòa giải")
    data = as_mapping(data, "rà soát tổ")
    # The version the form opened (None: no stale check); anything but a version number is refused like an id.
    expected_version = None if expected_version is None else record_id(expected_version, "phiên bản hồ sơ")
    errors: list[str] = []
    year = _year(year, errors)
    values = clean_values({k: data.get(k) for k in FIELDS})
    for flag, label in FLAGS.items():
        values[flag] = _flag(values[flag], label, errors)
    for field, label in TEXTS.items():  # a number, a list or a date where text belongs is refused by its name
        if is_missing(values[field]):
            values[field] = None
        elif not isinstance(values[field], str):
            errors.append(f"{label} «{shown(values[field])}» không phải là chữ.")
            values[field] = None
    values["status"] = values["status"] or "chua_ra_soat"
    if values["status"] not in REVIEW_STATUS:
        errors.append(f"Trạng thái rà soát «{shown(values['status'])}» không hợp lệ.")
    if values["status"] in ("da_ra_soat", "da_kien_toan") and not values["assessment"]:
        errors.append("Cần ghi nhận xét, đánh giá trước khi chuyển sang «Đã rà soát».")
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        locks.refuse_if_locked(cur, year, f"bản rà soát tổ năm {year}")
        if not cur.execute("SELECT 1 FROM teams WHERE id = ?", [team_id]).fetchone():
            raise ValidationError(f"Tổ hòa giải số {team_id} không tồn tại.")
        return save_keyed(cur, "team_reviews", {"team_id": team_id, "year": year}, values, actor,
                          expected_version, f"Bản rà soát năm {year}")


def _year(value, errors: list[str]) -> int | None:
    """The year reviewed: an int from 2000 to 2100; empty or anything else is refused."""
    before = len(errors)
    year = parse_int(value, "Năm rà soát", errors, 2000, 2100)
    if year is None and len(errors) == before:
        errors.append("Chưa chọn năm rà soát.")
    return year


def _flag(value, label: str, errors: list[str]) -> bool:
    """A checkbox: a bool (or 0/1), empty is no; anything else («có», a list…) is refused naming it."""
    if is_missing(value):
        return False
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):  # a numpy bool is a bool already
        return bool(value)
    errors.append(f"{label} «{shown(value)}» không hợp lệ: chỉ chọn có hoặc không.")
    return False
