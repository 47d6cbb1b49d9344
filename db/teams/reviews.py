"""Annual team review (rà soát, đánh giá): the officer's assessment, proposals and status."""
from __future__ import annotations

from db.core.labels import REVIEW_STATUS
from db.core import locks
from db.core.text import shown
from db.users import authorize
from db.core.writes import (
    ValidationError, as_mapping, check_text_fields, form_values, parse_flag, parse_year, record_id, record_version,
    save_keyed, transaction,
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
    expected_version = record_version(expected_version)
    errors: list[str] = []
    year = parse_year(year, "Năm rà soát", errors)
    values = form_values({k: data.get(k) for k in FIELDS})
    for flag, label in FLAGS.items():
        values[flag] = parse_flag(values[flag], label, errors)
    check_text_fields(values, TEXTS, errors)  # a number, a list or a date where text belongs is refused by its name
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
