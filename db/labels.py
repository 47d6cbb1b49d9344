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

# Funding (DOMAIN.md "Fees"): rate kinds and units, payment kinds and statuses, the funding checks.
RATE_KINDS = {
    "thu_lao": "Thù lao hòa giải viên",
    "ho_tro": "Hỗ trợ hoạt động của tổ hòa giải",
    "tap_huan": "Tập huấn, bồi dưỡng",
    "khen_thuong": "Khen thưởng",
    "khac": "Khác",
}
RATE_UNITS = {
    "vu_viec": "đ/vụ việc/tổ",
    "to_thang": "đ/tổ/tháng",
    "to_nam": "đ/tổ/năm",
    "nguoi_buoi": "đ/người/buổi",
    "nguoi": "đ/người",
    "tap_the": "đ/tập thể",
    "lan": "đ/lần",
}
# Units a kind may use; kinds not listed may use any unit.
RATE_UNITS_BY_KIND = {"thu_lao": ("vu_viec",), "ho_tro": ("to_thang", "to_nam")}
PAYMENT_KINDS = {"thu_lao": "Thù lao hòa giải viên", "ho_tro": "Hỗ trợ hoạt động tổ"}
PAYMENT_KINDS_SHORT = {"thu_lao": "Thù lao", "ho_tro": "Hỗ trợ"}
PAYMENT_STATUS = {"de_nghi": "Đề nghị", "da_duyet": "Đã duyệt", "da_chi": "Đã chi", "huy": "Đã hủy"}
# A concluded case's fee (db/metrics/50_funding.sql fee_case.fee_status).
FEE_STATUS = {"chua_de_nghi": "Chưa đề nghị", "de_nghi": "Đã đề nghị", "da_duyet": "Đã duyệt", "da_chi": "Đã chi"}
# Why a case listed on a fee request no longer earns a fee (db/funding.payment_cases problem).
FEE_CASE_PROBLEMS = {
    "da_xoa": "Không còn đủ điều kiện: đã xóa",
    "khac_to": "Không còn đủ điều kiện: thuộc tổ khác",
    "ket_qua": "Không còn đủ điều kiện: kết quả đã đổi",
    "sau_ngay": "Không còn đủ điều kiện: kết thúc sau ngày đề nghị",
}
# What is outstanding (db/metrics/50_funding.sql funding_outstanding.item).
OUTSTANDING_ITEMS = {
    "thu_lao_chua_de_nghi": "Vụ việc đã kết thúc chưa lập đề nghị chi thù lao",
    "cho_chi": "Chứng từ chờ chi",
    "ho_tro_chua_de_nghi": "Hỗ trợ hoạt động tổ chưa đề nghị",
    "vuot_muc": "Chi vượt mức chi hiện hành",
}
# The parts of a village's bar on the Kinh phí chart (columns of funding_team_year).
FUNDING_PARTS = {"fee_paid": "Thù lao đã chi", "support_paid": "Hỗ trợ đã chi", "owed": "Còn phải chi"}
FUNDING_COLOURS = {"fee_paid": "#1565c0", "support_paid": "#2e7d32", "owed": "#ef6c00"}
