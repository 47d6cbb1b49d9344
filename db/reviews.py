"""Annual team review (rà soát, đánh giá): the officer's assessment, proposals and status."""
from __future__ import annotations

from db.labels import REVIEW_STATUS
from db import locks
from db.users import authorize
from db.writes import ValidationError, clean_values, save_keyed, transaction

FIELDS = ("assessment", "propose_add", "propose_replace", "propose_leader", "proposal_note", "status")


def get_review(con, team_id: int, year: int) -> dict | None:
    rel = con.cursor().execute("SELECT * FROM team_reviews WHERE team_id = ? AND year = ?", [team_id, year])
    row = rel.fetchone()
    return None if row is None else dict(zip([d[0] for d in rel.description], row))


def save_review(con, team_id: int, year: int, data: dict, *, actor: str,
                expected_version: int | None = None) -> int:
    """Create or update the team's review of the year (one per team and year)."""
    authorize(con, actor, "organisation")
    values = clean_values({k: data.get(k) for k in FIELDS})
    for flag in ("propose_add", "propose_replace", "propose_leader"):
        values[flag] = bool(values[flag])
    values["status"] = values["status"] or "chua_ra_soat"
    errors = []
    if values["status"] not in REVIEW_STATUS:
        errors.append(f"Trạng thái rà soát «{values['status']}» không hợp lệ.")
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

