"""Taking everything out, so a commune is never locked in: the whole database as one Excel workbook (a sheet per
table, Vietnamese headers, dates as Excel dates shown dd/mm/yyyy, money and counts as numbers), and any list of the
register as .xlsx. Written with openpyxl (the Excel library the app already uses for the commendation list)."""
from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# Sheet names (Excel allows 31 characters) in the order a reader expects: the register first, settings last.
SHEETS = {
    "communes": "Xã", "villages": "Thôn", "place_changes": "Sáp nhập, chia tách", "teams": "Tổ hòa giải",
    "mediators": "Hòa giải viên", "cases": "Vụ việc", "case_parties": "Các bên", "case_mediators": "Phân công",
    "trainings": "Tập huấn", "training_attendance": "Điểm danh", "team_reviews": "Rà soát tổ",
    "budgets": "Dự toán", "payments": "Chứng từ chi", "payment_cases": "Vụ việc trong chứng từ",
    "plans": "Kế hoạch", "plan_goals": "Mục tiêu kế hoạch", "plan_tasks": "Nhiệm vụ kế hoạch",
    "task_notes": "Ghi nhận tiến độ",
    "evidence_documents": "Hồ sơ kiểm chứng", "self_assessments": "Tổ tự đánh giá", "nominations": "Đề nghị khen thưởng",
    "rates": "Mức chi", "plan_targets": "Ngưỡng quy định", "criteria_frameworks": "Khung tiêu chí",
    "criteria_indicators": "Chỉ tiêu", "criteria_criteria": "Tiêu chí", "criteria_manual_points": "Điểm nhập tay",
    "evidence_kinds": "Loại hồ sơ", "score_components": "Thành phần điểm",
    "score_params": "Tham số điểm", "score_bands": "Xếp loại", "candidate_rules": "Tiêu chí khen thưởng",
    "commendation_calendar": "Lịch khen thưởng", "national_categories": "Nhóm thống kê",
    "case_categories": "Loại vụ việc", "case_grounds": "Căn cứ hòa giải", "audit_log": "Nhật ký thay đổi",
    "schema_version": "Phiên bản lược đồ",
}
# Not put in a workbook: stored files (evidence_files holds their bytes; the documents sheet names them) and the
# working-day calendar (22 000 days rebuilt from the holidays library, db/core/workdays.py: not the commune's data).
LEFT_OUT = {"evidence_files", "work_calendar", "work_calendar_source"}

# Column headers in Vietnamese; a column not listed keeps its code name (new columns still come out).
HEADERS = {
    "id": "Số", "name": "Tên", "province": "Tỉnh, thành phố", "district": "Huyện (trước 2025)", "kind": "Loại",
    "is_demo": "Dữ liệu minh họa", "version": "Phiên bản", "commune_id": "Số xã", "village_id": "Số thôn",
    "ethnic_area": "Vùng đồng bào DTTS", "valid_from": "Hiệu lực từ", "valid_to": "Hiệu lực đến",
    "successor_id": "Sáp nhập vào thôn số", "team_id": "Số tổ", "decision_no": "Số quyết định",
    "decision_date": "Ngày quyết định", "end_decision_no": "Quyết định kết thúc", "effective_on": "Ngày có hiệu lực",
    "from_village_ids": "Từ các thôn số", "to_village_ids": "Thành các thôn số",
    "full_name": "Họ và tên", "gender": "Giới tính", "birth_year": "Năm sinh", "ethnic_minority": "Dân tộc thiểu số",
    "is_leader": "Tổ trưởng", "joined_on": "Ngày tham gia", "left_on": "Ngày thôi", "phone": "Điện thoại",
    "organisation": "Đơn vị, đoàn thể", "role": "Chức danh", "leave_reason": "Căn cứ thôi",
    "leave_decision_no": "Quyết định thôi", "received_on": "Ngày nhận", "grounds": "Căn cứ hòa giải",
    "category": "Loại vụ việc", "summary": "Nội dung", "assigned_on": "Ngày phân công", "result": "Kết quả",
    "concluded_on": "Ngày kết thúc", "agreement": "Thỏa thuận", "written_record": "Văn bản hòa giải thành",
    "security_incident": "Phức tạp, mất ANTT", "incident_on": "Ngày xảy ra mất ANTT", "note": "Ghi chú",
    "deleted_at": "Đã xóa lúc",
    "created_at": "Tạo lúc", "updated_at": "Sửa lúc", "import_key": "Khóa nhập từ tệp",
    "concluded_on_missing": "Thiếu ngày kết thúc", "case_id": "Số vụ việc", "position": "Thứ tự", "age": "Tuổi",
    "address": "Địa chỉ", "mediator_id": "Số hòa giải viên", "held_on": "Ngày tập huấn", "title": "Tiêu đề",
    "organiser": "Chủ trì", "cooperating": "Phối hợp", "hours": "Số giờ", "place": "Địa điểm", "status": "Trạng thái",
    "training_id": "Số buổi tập huấn", "year": "Năm", "amount": "Số tiền (đồng)", "document_no": "Số văn bản",
    "document_date": "Ngày văn bản", "in_commune_budget": "Dòng riêng trong dự toán", "period_from": "Từ ngày",
    "period_to": "Đến ngày", "requested_on": "Ngày đề nghị", "rate_id": "Số mức chi",
    "computed_amount": "Số tiền theo mức (đồng)", "reduction_reason": "Lý do giảm", "approved_on": "Ngày duyệt",
    "paid_on": "Ngày chi", "cancelled_on": "Ngày hủy", "cancel_reason": "Lý do hủy", "payment_id": "Số chứng từ",
    "number": "Số", "issued_on": "Ngày ban hành", "signer": "Người ký", "plan_id": "Số kế hoạch", "code": "Mã",
    "sort_order": "Thứ tự", "content": "Nội dung", "lead": "Chủ trì", "partners": "Phối hợp", "deadline": "Thời hạn",
    "completion_note": "Kết quả thực hiện", "evidence_ref": "Văn bản kiểm chứng", "task_id": "Số nhiệm vụ",
    "noted_on": "Ngày ghi nhận", "actor": "Người thực hiện", "doc_no": "Số văn bản", "doc_date": "Ngày văn bản",
    "file_name": "Tên tệp", "file_type": "Loại tệp", "mime_type": "Kiểu tệp", "size_bytes": "Dung lượng (byte)",
    "sha256": "Mã băm SHA-256", "uploaded_at": "Tải lên lúc", "uploaded_by": "Người tải lên",
    "submitted_on": "Ngày nộp", "self_score": "Điểm tự chấm", "award_level": "Hình thức khen thưởng",
    "was_candidate": "Đủ tiêu chí khi đề nghị", "reason": "Lý do", "nominated_on": "Ngày đề nghị",
    "decided_on": "Ngày quyết định", "decision_note": "Ghi chú quyết định", "assessment": "Nhận xét",
    "propose_add": "Đề xuất bổ sung", "propose_replace": "Đề xuất thay thế", "propose_leader": "Đề xuất kiện toàn tổ trưởng",
    "proposal_note": "Ghi chú đề xuất", "unit": "Đơn vị tính", "legal_basis": "Căn cứ", "legal_basis_date": "Ngày ban hành",
    "issuer": "Cơ quan ban hành", "needs_verification": "Cần xác minh", "key": "Mã", "value": "Giá trị",
    "label": "Tên", "source": "Nguồn", "family": "Nhóm", "short_name": "Tên ngắn", "pass_rule": "Cách đánh giá",
    "framework_code": "Mã khung", "group_name": "Nhóm", "wording": "Nội dung", "formula": "Cách tính",
    "target": "Mục tiêu", "target_key": "Mục tiêu theo kế hoạch", "max_points": "Điểm tối đa",
    "points_rule": "Cách cho điểm", "evidence_kinds": "Hồ sơ cần có", "per_village": "Theo từng thôn",
    "weight": "Trọng số", "min_score": "Điểm tối thiểu", "month": "Tháng", "day": "Ngày",
    "national_code": "Mã nhóm thống kê", "at": "Thời điểm", "action": "Thao tác", "table_name": "Bảng",
    "row_id": "Số dòng", "before": "Trước", "after": "Sau", "applied_at": "Áp dụng lúc",
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
DATE_FORMAT = "dd/mm/yyyy"
TIME_FORMAT = "dd/mm/yyyy hh:mm"
MAX_CELL = 32_000  # Excel's limit is 32,767 characters per cell


def _cell(value):
    """A value as Excel should hold it: dates as dates, numbers as numbers, yes/no as «Có»/«Không», lists as text."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, str) and len(value) > MAX_CELL:
        return value[:MAX_CELL] + "…"
    return value


def _write_sheet(sheet, columns: list[str], rows) -> None:
    """A header row (bold, shaded, frozen) and the rows below whatever the sheet already holds (e.g. a title)."""
    sheet.append([HEADERS.get(c, c) for c in columns])
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [max(10, min(40, len(HEADERS.get(c, c)) + 2)) for c in columns]
    for row in rows:
        values = [_cell(v) for v in row]
        sheet.append(values)
        for i, value in enumerate(values):
            if isinstance(value, str):
                widths[i] = max(widths[i], min(60, len(value) + 2))
            cell = sheet.cell(sheet.max_row, i + 1)
            if isinstance(value, dt.datetime):
                cell.number_format = TIME_FORMAT
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = f"A{header + 1}"


def database_workbook(con) -> bytes:
    """Every table of the file, a sheet each (stored file contents left out: their names and hashes are in
    «Hồ sơ kiểm chứng»)."""
    cur = con.cursor()
    tables = [r[0] for r in cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_schema = 'main' AND table_catalog = current_database()").fetchall()]
    ordered = [t for t in SHEETS if t in tables] + sorted(t for t in tables if t not in SHEETS and t not in LEFT_OUT)
    book = Workbook()
    book.remove(book.active)
    for table in ordered:
        rel = cur.execute("SELECT * FROM " + table + " ORDER BY ALL")  # names come from the catalogue, not a user
        columns = [d[0] for d in rel.description]
        _write_sheet(book.create_sheet(SHEETS.get(table, table)[:31]), columns, rel.fetchall())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def frame_workbook(frame: pd.DataFrame, sheet_name: str, title: str | None = None) -> bytes:
    """A list (already in Vietnamese columns, e.g. db/register.export_frame) as an .xlsx: a title line when given,
    then bold headers and the rows, dates as dates."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name[:31]
    if title:
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([])
    _write_sheet(sheet, list(frame.columns), frame.astype(object).where(frame.notna(), None).itertuples(index=False))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
