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
# chua_co_ke_hoach: the year has no plan of its own, so there is no target to judge by (issue 14).
TARGET_STATUS = {"dat": "Đạt mục tiêu", "gan_dat": "Trong mức các năm trước", "chua_dat": "Dưới mức các năm trước",
                 "chua_co_ke_hoach": "Chưa có kế hoạch năm này", "khong_ap_dung": "Chưa có vụ việc kết thúc"}
TARGET_STATUS_COLOURS = {"dat": "#2e7d32", "gan_dat": "#ef6c00", "chua_dat": "#c62828", "chua_co_ke_hoach": "#546e7a",
                         "khong_ap_dung": "#9e9e9e"}
# A KPI of the overview against its target (db/overview/__init__.py), as a Streamlit badge colour.
KPI_STATUS = {"dat": "Đạt", "gan_dat": "Gần đạt", "chua_dat": "Chưa đạt", "khong_ap_dung": "Chưa có số liệu",
              "chua_co_ke_hoach": "Chưa có kế hoạch", "theo_doi": "Theo dõi"}
KPI_STATUS_BADGE = {"dat": "green", "gan_dat": "orange", "chua_dat": "red", "khong_ap_dung": "gray",
                    "chua_co_ke_hoach": "gray", "theo_doi": "blue"}
KPI_STATUS_ICONS = {"dat": ":material/check_circle:", "gan_dat": ":material/warning:", "chua_dat": ":material/cancel:",
                    "khong_ap_dung": ":material/remove:", "chua_co_ke_hoach": ":material/event_busy:",
                    "theo_doi": ":material/visibility:"}
# Series of the overview's monthly chart (db/results.by_month): received, then concluded by result.
MONTH_SERIES = {"tiep_nhan": "Tiếp nhận", **{k: RESULTS[k] for k in CONCLUDED_RESULTS}}
RECEIVED_COLOUR = "#283593"

GENDERS = {"nam": "Nam", "nu": "Nữ"}

YES_NO = {True: "Có", False: "Không"}

ALL_VILLAGES = "Tất cả các thôn"
ALL_COMMUNES = "Tất cả các xã"
ALL_PROVINCES = "Tất cả các tỉnh"


def result_label(code: str | None) -> str:
    return RESULTS.get(code or "", code or "")

# Grounds for leaving a team: only these three (Luật HGCS 2013, Art. 11).
LEAVE_REASONS = {
    "tu_nguyen": "Tự nguyện xin thôi làm hòa giải viên",
    "khong_dat_tieu_chuan": "Không còn đáp ứng tiêu chuẩn hòa giải viên",
    "vi_pham": "Vi phạm nguyên tắc hoạt động hòa giải",
}

# A mediator's record in a team also ends when the team itself ends (not a leaving under Art. 11: the person
# goes on in the new team of the merged or split village, or the village is dissolved). Set by db/places/__init__.py only.
TEAM_END_REASONS = {
    "chuyen_to": "Chuyển sang tổ hòa giải mới (sáp nhập, chia tách thôn)",
    "to_giai_the": "Tổ hòa giải kết thúc hoạt động",
}

# Roles of the app's accounts (db/users/__init__.py decides what each may do).
ROLES = {
    "can_bo_tu_phap": "Cán bộ tư pháp",
    "lanh_dao": "Lãnh đạo UBND xã",
    "to_truong": "Tổ trưởng / trưởng thôn",
    "trinh_chieu": "Màn hình trình chiếu",
}

# The place hierarchy after the 2025 reform: tỉnh/thành phố → xã/phường/đặc khu → thôn/tổ dân phố.
COMMUNE_KINDS = {"xa": "Xã", "phuong": "Phường", "dac_khu": "Đặc khu"}
VILLAGE_KINDS = {"thon": "Thôn", "to_dan_pho": "Tổ dân phố"}
PLACE_CHANGES = {"sap_nhap": "Sáp nhập", "chia_tach": "Chia tách", "giai_the": "Giải thể"}

TRAINING_STATUS = {"ke_hoach": "Kế hoạch (chưa tổ chức)", "da_to_chuc": "Đã tổ chức"}

REVIEW_STATUS = {
    "chua_ra_soat": "Chưa rà soát",
    "dang_ra_soat": "Đang rà soát",
    "da_ra_soat": "Đã rà soát",
    "da_kien_toan": "Đã kiện toàn",
}

# Composition rules of Art. 12, as shown beside each team (db/teams/teams.sql team_year).
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
# A rate's level (rates.level, issue 14 item 7): the national maximum, or the rate the province applies within it.
RATE_LEVELS = {"toi_da": "Mức tối đa (trung ương)", "ap_dung": "Mức áp dụng (tỉnh)"}
RATE_LEVELS_SHORT = {"toi_da": "Tối đa", "ap_dung": "Áp dụng"}
# The kinds in narrow cells (the rates side by side on Cài đặt → Mức chi).
RATE_KINDS_SHORT = {"thu_lao": "Thù lao", "ho_tro": "Hỗ trợ hoạt động tổ", "tap_huan": "Tập huấn",
                    "khen_thuong": "Khen thưởng", "khac": "Khác"}
# The result a fee rate is for (rates.result; db/funding/funding.sql fee_key): only the fee may depend on it.
RATE_RESULTS = {"thanh": "Hòa giải thành", "khac": "Hòa giải không thành"}
RATE_ANY_RESULT = "Mọi kết quả"
PAYMENT_KINDS = {"thu_lao": "Thù lao hòa giải viên", "ho_tro": "Hỗ trợ hoạt động tổ"}
PAYMENT_KINDS_SHORT = {"thu_lao": "Thù lao", "ho_tro": "Hỗ trợ"}
PAYMENT_STATUS = {"de_nghi": "Đề nghị", "da_duyet": "Đã duyệt", "da_chi": "Đã chi", "huy": "Đã hủy"}
# A concluded case's fee (db/funding/funding.sql fee_case.fee_status).
FEE_STATUS = {"chua_de_nghi": "Chưa đề nghị", "de_nghi": "Đã đề nghị", "da_duyet": "Đã duyệt", "da_chi": "Đã chi"}
# Why a case listed on a fee request no longer earns a fee (db/funding.payment_cases problem).
FEE_CASE_PROBLEMS = {
    "da_xoa": "Không còn đủ điều kiện: đã xóa",
    "khac_to": "Không còn đủ điều kiện: thuộc tổ khác",
    "ket_qua": "Không còn đủ điều kiện: kết quả đã đổi",
    "sau_ngay": "Không còn đủ điều kiện: kết thúc sau ngày đề nghị",
}
# What is outstanding (db/funding/funding.sql funding_outstanding.item).
OUTSTANDING_ITEMS = {
    "thu_lao_chua_de_nghi": "Vụ việc đã kết thúc chưa lập đề nghị chi thù lao",
    "cho_chi": "Chứng từ chờ chi",
    "ho_tro_chua_de_nghi": "Hỗ trợ hoạt động tổ chưa đề nghị",
    "vuot_muc": "Chi vượt mức chi",
    "chi_vu_viec_da_xoa": "Chi cho vụ việc đã xóa",
    "chi_khong_du_dieu_kien": "Chi cho vụ việc không còn đủ điều kiện",
}
# The parts of a village's bar on the Kinh phí chart (columns of funding_team_year).
FUNDING_PARTS = {"fee_paid": "Thù lao đã chi", "support_paid": "Hỗ trợ đã chi", "owed": "Còn phải chi"}
FUNDING_COLOURS = {"fee_paid": "#1565c0", "support_paid": "#2e7d32", "owed": "#ef6c00"}

# Criteria compliance (issue 5; db/criteria/criteria.sql criteria_result).
# chua_nhap: an indicator whose points are entered by hand (Chỉ tiêu 3, trợ giúp pháp lý) without points for the year.
CRITERIA_STATUS = {"dat": "Đạt", "chua_dat": "Chưa đạt", "thieu_ho_so": "Thiếu hồ sơ", "khong_ap_dung": "Không áp dụng",
                   "chua_nhap": "Chưa nhập điểm"}
CRITERIA_STATUS_COLOURS = {"dat": "#2e7d32", "chua_dat": "#c62828", "thieu_ho_so": "#e65100", "khong_ap_dung": "#757575",
                           "chua_nhap": "#757575"}
# Streamlit markdown colour names for the same statuses (st.badge / :color-badge[...]).
CRITERIA_STATUS_BADGE = {"dat": "green", "chua_dat": "red", "thieu_ho_so": "orange", "khong_ap_dung": "gray",
                         "chua_nhap": "gray"}
CRITERIA_FAMILIES = {"chuan_tiep_can": "Chuẩn tiếp cận pháp luật", "ke_hoach": "Mục tiêu của Kế hoạch xã"}
INDICATOR_KINDS = {"ratio": "Tỷ lệ", "count": "Số lượng", "yes_no": "Có / không", "document": "Hồ sơ",
                   "manual": "Điểm nhập tay"}
# How a framework judges (criteria_frameworks.assessment; db/criteria/criteria.sql).
ASSESSMENTS = {"points": "Chấm điểm", "level": "Đạt / không đạt theo mức", "none": "Theo dõi, không chấm điểm"}
# How a level is compared (criteria_indicators.comparison).
COMPARISONS = {"ge": "Đạt khi từ mức yêu cầu trở lên (≥)", "le": "Đạt khi không quá mức yêu cầu (≤)"}
# The whole standard of a points framework in a year (criteria_standard_year.status).
STANDARD_STATUS = {"dat": "Đạt chuẩn", "chua_dat": "Chưa đạt chuẩn", "chua_xac_dinh": "Chưa xác định"}
# The formulas the app implements (db/criteria/__init__.py FORMULAS, db/criteria/criteria.sql criteria_formula).
FORMULA_LABELS = {
    "register_complete": "Tỷ lệ vụ việc trong phạm vi ghi đủ các cột của Sổ theo dõi",
    "official_rate": "Tỷ lệ hòa giải thành (chính thức): thành / (thành + không thành)",
    "budget_document": "Có dự toán kinh phí có số văn bản, nằm trong dự toán ngân sách xã",
    "support_at_rate": "Tỷ lệ tổ được chi hỗ trợ đủ mức, không chi vượt mức",
    "evidence_present": "Có đủ hồ sơ kiểm chứng yêu cầu",
    "trained_share": "Tỷ lệ hòa giải viên đang hoạt động được tập huấn trong năm",
    "composition": "Tỷ lệ tổ đủ thành phần theo Điều 12",
    "security_incidents": "Số vụ việc phức tạp, gây mất an ninh trật tự",
    "manual": "Điểm do cán bộ nhập cho từng năm (ứng dụng không theo dõi)",
}
POINTS_RULES = {
    "all_or_nothing": "Đủ điểm khi đạt, không đạt thì 0 điểm",
    "proportional": "Điểm theo tỷ lệ đạt được so với mục tiêu",
    "manual": "Điểm do cán bộ nhập cho từng năm",
    "level": "Đạt / không đạt theo mức yêu cầu (không chấm điểm)",
    "none": "Không chấm điểm",
}
# Register columns a case may lack (db/criteria/criteria.sql case_register_check.missing).
REGISTER_GAPS = {
    "hoa_giai_vien": "hòa giải viên",
    "cac_ben": "các bên",
    "tuoi": "tuổi của các bên",
    "dia_chi": "địa chỉ của các bên",
    "noi_dung": "nội dung vụ việc",
    "thoa_thuan": "thỏa thuận / yêu cầu của các bên",
}
# Kinds of attached file, as recognised by their content (db/criteria/evidence.py detect_file_type).
FILE_TYPES = {
    "pdf": "PDF", "png": "Ảnh PNG", "jpeg": "Ảnh JPEG", "doc": "Word (.doc)", "docx": "Word (.docx)",
    "xls": "Excel (.xls)", "xlsx": "Excel (.xlsx)",
}

# Team quality score (DOMAIN.md "Team quality score"; db/scores/scores.sql team_score_component).
SCORE_COMPONENTS = {
    "ket_qua": "Kết quả hòa giải",
    "kip_thoi": "Kịp thời",
    "kien_toan": "Kiện toàn tổ",
    "tap_huan": "Tập huấn",
    "ho_so": "Hồ sơ, sổ sách",
    "an_ninh": "An ninh trật tự",
}
SCORE_COMPONENT_RULES = {
    "ket_qua": "Tỷ lệ hòa giải thành (chính thức): đủ điểm từ {full}, 0 điểm từ {floor} trở xuống, ở giữa tính tỷ lệ",
    "kip_thoi": "Vụ việc kết thúc được phân công hòa giải viên trong {assign} ngày và kết thúc trong {deadline} ngày kể "
                "từ ngày nhận. Thời hạn 3 ngày theo Điều 20 khoản 2 Luật Hòa giải ở cơ sở (hòa giải viên bắt đầu hòa "
                "giải trong 3 ngày kể từ ngày được phân công); sổ không ghi ngày bắt đầu nên tính đến ngày phân công",
    "kien_toan": "Mỗi tiêu chí một phần ba số điểm: ít nhất 3 hòa giải viên, có nữ, có tổ trưởng",
    "tap_huan": "Tỷ lệ hòa giải viên đang hoạt động được tập huấn trong năm",
    "ho_so": "Tỷ lệ vụ việc ghi đủ các cột của Sổ theo dõi hoạt động hòa giải",
    "an_ninh": "Không có vụ việc phức tạp gây mất ANTT: đủ điểm; có {partial_max} vụ: {partial} số điểm; nhiều hơn: 0",
}
NOT_APPLICABLE = "không áp dụng"
# Bands, best first (db/scores/scores.sql team_score.band), and their colours on every chart. SCORE_BANDS are
# the grades (each with its minimum score in score_bands); a team with too little data to grade gets the band
# UNGRADED instead (issue 14): it is labelled apart, counted apart and never ranked.
SCORE_BANDS = {"tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "yeu": "Yếu"}
UNGRADED = "chua_du_du_lieu"
UNGRADED_LABEL = "Chưa đủ dữ liệu để xếp loại"
# Every band a team can have, grades first: for showing team_score.band.
BAND_LABELS = {**SCORE_BANDS, UNGRADED: UNGRADED_LABEL}
# The short form for narrow cells and chart legends.
BAND_SHORT = {**SCORE_BANDS, UNGRADED: "Chưa đủ dữ liệu"}
BAND_COLOURS = {"tot": "#2e7d32", "kha": "#1565c0", "trung_binh": "#ef6c00", "yeu": "#c62828", UNGRADED: "#90a4ae"}
# The same colours as Streamlit markdown colour names (:green[...]), for text without HTML.
BAND_TEXT_COLOURS = {"tot": "green", "kha": "blue", "trung_binh": "orange", "yeu": "red", UNGRADED: "gray"}
# The score model's settings (seeds/reference/score_*.csv, candidate_rules.csv): label and unit of each code.
# Units: "diem" points, "ty_le" a share stored 0–1 and shown in %, "ngay" days, "vu" a count of cases.
SCORE_PARAMS = {
    "ket_qua_rate_floor": ("Kết quả: tỷ lệ thành được 0 điểm (từ mức này trở xuống)", "ty_le"),
    "ket_qua_rate_full": ("Kết quả: tỷ lệ thành được đủ điểm (từ mức này trở lên)", "ty_le"),
    "kip_thoi_assign_days": ("Kịp thời: phân công hòa giải viên trong số ngày kể từ ngày nhận (Điều 20 khoản 2: "
                             "3 ngày)", "ngay"),
    "kip_thoi_deadline_days": ("Kịp thời: thời hạn kết thúc vụ việc (số ngày kể từ ngày nhận)", "ngay"),
    "an_ninh_partial_max": ("An ninh trật tự: số vụ phức tạp tối đa vẫn được một phần điểm", "vu"),
    "an_ninh_partial_share": ("An ninh trật tự: phần điểm được khi có số vụ trên", "ty_le"),
    # The minimum of evidence to grade a team (db/scores/scores.sql team_score.graded).
    "xep_loai_min_concluded": ("Xếp loại: số vụ việc kết thúc tối thiểu trong năm (ít hơn: chưa đủ dữ liệu)", "vu"),
    "xep_loai_max_not_applicable": ("Xếp loại: phần trọng số «không áp dụng» tối đa (nhiều hơn: chưa đủ dữ liệu)",
                                    "ty_le"),
}
# The score_params that decide whether a team is graded at all (shown with the bands on the settings page).
GRADING_PARAMS = ("xep_loai_min_concluded", "xep_loai_max_not_applicable")
CANDIDATE_RULE_PARAMS = {
    "team_rate_min": ("Tập thể: tỷ lệ hòa giải thành (chính thức) tối thiểu", "ty_le"),
    "team_concluded_min": ("Tập thể: số vụ việc kết thúc tối thiểu", "vu"),
    "team_incidents_max": ("Tập thể: số vụ phức tạp gây mất ANTT tối đa", "vu"),
    "team_trained_min": ("Tập thể: tỷ lệ hòa giải viên được tập huấn tối thiểu", "ty_le"),
    "mediator_concluded_min": ("Cá nhân: số vụ việc kết thúc đã tham gia tối thiểu", "vu"),
    "mediator_rate_min": ("Cá nhân: tỷ lệ hòa giải thành tối thiểu", "ty_le"),
}
# Commendation candidate rules (db/scores/scores.sql team_candidate, mediator_candidate).
TEAM_RULES = {
    "rule_band": "Xếp loại Tốt",
    "rule_rate": "Tỷ lệ hòa giải thành đạt mức, đủ số vụ việc",
    "rule_incidents": "Không có vụ việc phức tạp gây mất ANTT",
    "rule_trained": "Hòa giải viên được tập huấn đủ",
    "rule_composition": "Đủ thành phần theo Điều 12",
}
MEDIATOR_RULES = {
    "rule_cases": "Đủ số vụ việc kết thúc, tỷ lệ thành đạt mức",
    "rule_trained": "Được tập huấn trong năm",
    "rule_active": "Đang hoạt động",
}
PASS_FAIL = {True: "Đạt", False: "Chưa đạt"}
# Nominations (đề nghị khen thưởng): who, award level, status.
NOMINATION_SUBJECTS = {"team": "Tập thể (tổ hòa giải)", "mediator": "Cá nhân (hòa giải viên)"}
AWARD_LEVELS = {
    "giay_khen_xa": "Giấy khen của Chủ tịch UBND xã",
    "de_nghi_cap_tren": "Đề nghị cấp trên khen thưởng",
}
NOMINATION_STATUS = {"de_nghi": "Đề nghị", "da_duyet": "Đã duyệt", "khong_duyet": "Không duyệt"}
# The recognition calendar (commendation_calendar) and the state of each item (commendation_steps).
CALENDAR_STEPS = {
    "tu_danh_gia": "Tổ hòa giải tự đánh giá, gửi UBND xã",
    "de_nghi": "Công chức Tư pháp lập đề nghị khen thưởng",
    "quyet_dinh": "Lãnh đạo UBND xã quyết định khen thưởng",
}
CALENDAR_STATES = {
    "dung_han": "Đúng hạn",
    "tre_han": "Xong nhưng trễ hạn",
    "qua_han": "Quá hạn, chưa xong",
    "chua_den_han": "Chưa đến hạn",
}

# Plan tracker (issue 7; db/plan/__init__.py): a task's status. Overdue is computed, not a status.
PLAN_TASK_STATUS = {
    "chua_bat_dau": "Chưa bắt đầu",
    "dang_thuc_hien": "Đang thực hiện",
    "hoan_thanh": "Hoàn thành",
    "tam_dung": "Tạm dừng",
}
# Short component names for narrow table columns.
SCORE_COMPONENTS_SHORT = {
    "ket_qua": "Kết quả", "kip_thoi": "Kịp thời", "kien_toan": "Kiện toàn", "tap_huan": "Tập huấn",
    "ho_so": "Hồ sơ", "an_ninh": "ANTT",
}
AWARD_LEVELS_SHORT = {"giay_khen_xa": "Giấy khen Chủ tịch xã", "de_nghi_cap_tren": "Đề nghị cấp trên"}
