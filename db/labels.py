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
