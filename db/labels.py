"""The Vietnamese words users read for code values (one place, per STYLE.md)."""

RESULTS = {
    "dang_hoa_giai": "Đang hòa giải",
    "thanh": "Hòa giải thành",
    "khong_thanh": "Hòa giải không thành",
    "ngoai_pham_vi": "Ngoài phạm vi (đã chuyển)",
}
CONCLUDED_RESULTS = ("thanh", "khong_thanh", "ngoai_pham_vi")

# One colour per result, used by every chart.
RESULT_COLOURS = {
    "thanh": "#2e7d32",
    "khong_thanh": "#c62828",
    "dang_hoa_giai": "#f9a825",
    "ngoai_pham_vi": "#78909c",
}

# A village's official rate against the plan's minimum target (db/results.by_village status).
TARGET_STATUS = {"dat": "Đạt mục tiêu", "chua_dat": "Chưa đạt mục tiêu", "khong_ap_dung": "Chưa có vụ việc kết thúc"}

GENDERS = {"nam": "Nam", "nu": "Nữ"}

YES_NO = {True: "Có", False: "Không"}

ALL_VILLAGES = "Tất cả các thôn"


def result_label(code: str | None) -> str:
    return RESULTS.get(code or "", code or "")

# Grounds for leaving a team: only these three (Luật HGCS 2013, Art. 11).
LEAVE_REASONS = {
    "tu_nguyen": "Tự nguyện xin thôi làm hòa giải viên",
    "khong_dat_tieu_chuan": "Không còn đáp ứng tiêu chuẩn hòa giải viên",
    "vi_pham": "Vi phạm nguyên tắc hoạt động hòa giải",
}

TRAINING_STATUS = {"ke_hoach": "Kế hoạch (chưa tổ chức)", "da_to_chuc": "Đã tổ chức"}

REVIEW_STATUS = {
    "chua_ra_soat": "Chưa rà soát",
    "dang_ra_soat": "Đang rà soát",
    "da_ra_soat": "Đã rà soát",
    "da_kien_toan": "Đã kiện toàn",
}

# Composition rules of Art. 12, as shown beside each team (db/metrics/30_teams.sql team_year).
COMPOSITION_RULES = {
    "rule_members": "Có ít nhất 3 hòa giải viên",
    "rule_woman": "Có hòa giải viên nữ",
    "rule_leader": "Có tổ trưởng",
    "rule_ethnic": "Có hòa giải viên người dân tộc thiểu số (thôn có đông đồng bào dân tộc thiểu số)",
}
