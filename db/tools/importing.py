"""Import of the records a commune already keeps (issue 12): the case register in the MOJ layout («Sổ theo dõi hoạt
động hòa giải ở cơ sở») and mediator lists, from .xlsx, .xls, .ods or .csv.

The flow, shared by the page «Nhập dữ liệu» and `python -m db import`:
- read_file() reads the workbook with maintained libraries (openpyxl, python-calamine, csv), finds each sheet's
  header (title rows above it, several merged header rows, a numbering row under it), and suggests a column →
  field mapping and, from the sheet's name, a team. The officer may edit both.
- run_import() sends every row through the one write path (save_case / save_mediator) inside one batch (one
  transaction): a dry run rolls it back (the preview), a real run commits every row or none (valid_only: the
  valid ones). One audit row records the import as an act.

Re-importing a file adds nothing: a case's stable key is its team, date received, first party and summary
(accent-free), a mediator's team, name and birth year; a known row with changed fields updates its record.
Nothing is guessed: a concluded row without a date is saved as «cần bổ sung ngày kết thúc», a formula without a
computed value and an unreadable result are refused by name.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from db.cases import CASE_FIELDS, case_snapshot, save_case, validate_case
from db.core.labels import CONCLUDED_RESULTS, GENDERS, RESULTS
from db.teams.mediators import save_mediator
from db.core.text import clean, fold
from db.users import authorize
from db.core.writes import DuplicateSuspected, ValidationError, audit, batch, is_missing, parse_date, today

MAX_BYTES = 20 * 1024 * 1024  # a commune's register is a few hundred rows: far below this

KINDS = {"cases": "Sổ theo dõi hoạt động hòa giải", "mediators": "Danh sách hòa giải viên"}

ACTIONS = {"them_moi": "Thêm mới", "cap_nhat": "Cập nhật", "bo_qua_trung": "Bỏ qua vì trùng", "loi": "Lỗi"}

# What to do with a concluded row without a closing date (the MOJ register has no such column); never a guessed date.
CONCLUDED_MISSING = {
    "bo_sung": "Để trống ngày kết thúc và đưa vào danh sách «cần bổ sung» (tính là kết thúc trong năm nhận)",
    "loi": "Coi là lỗi: dòng đã kết thúc phải có ngày kết thúc",
}

# The targets a column can be mapped to, per kind (the page adds «bỏ qua», i.e. None).
FIELDS: dict[str, dict[str, str]] = {
    "cases": {
        "stt": "Số thứ tự (STT)",
        "village": "Thôn / tổ hòa giải",
        "received_on": "Ngày nhận vụ việc",
        "mediators": "Hòa giải viên, người được mời",
        "parties": "Các bên: họ tên, tuổi, địa chỉ (một hoặc nhiều người)",
        "parties_2": "Bên thứ hai: họ tên, tuổi, địa chỉ",
        "party_name": "Họ tên (bên thứ nhất)",
        "party_age": "Tuổi (bên thứ nhất)",
        "party_address": "Địa chỉ (bên thứ nhất)",
        "party2_name": "Họ tên (bên thứ hai)",
        "party2_age": "Tuổi (bên thứ hai)",
        "party2_address": "Địa chỉ (bên thứ hai)",
        "summary": "Nội dung chủ yếu của vụ việc",
        "agreement": "Thỏa thuận của các bên",
        "result": "Kết quả (một cột: Thành, Không thành…)",
        "result_thanh": "Kết quả: cột «Thành» (đánh dấu x)",
        "result_khong_thanh": "Kết quả: cột «Không thành» (đánh dấu x)",
        "concluded_on": "Ngày kết thúc",
        "assigned_on": "Ngày phân công",
        "category": "Loại vụ việc",
        "note": "Ghi chú",
    },
    "mediators": {
        "stt": "Số thứ tự (STT)",
        "village": "Thôn / tổ hòa giải",
        "full_name": "Họ và tên",
        "gender": "Giới tính",
        "birth_year": "Năm sinh (hoặc ngày sinh)",
        "birth_year_male": "Nam (năm sinh hoặc x)",
        "birth_year_female": "Nữ (năm sinh hoặc x)",
        "ethnicity": "Dân tộc",
        "leader": "Tổ trưởng (x, hoặc chức vụ trong tổ)",
        "joined_on": "Ngày công nhận (ngày tham gia tổ)",
        "phone": "Điện thoại",
        "role": "Chức danh",
        "organisation": "Cơ quan, đoàn thể",
    },
}

# The second column of a field that may take two: the other party's columns.
SECOND_SLOT = {"parties": "parties_2", "party_name": "party2_name", "party_age": "party2_age",
               "party_address": "party2_address"}
PARTY_FIELDS = ("parties", "parties_2", "party_name", "party2_name")

# Header words → field, tried in order on the accent-free header text, the lowest header row first, then the whole
# merged header: the first match wins, so specific patterns come first (e.g. «Chữ ký của các bên» is the
# signature, not the parties; «Không thành» before «Thành»). None: recognised, never imported. A pattern marked
# "raw" is tried on the text with its accents (a column «Nam» is a gender, «Năm» a year).
HEADER_PATTERNS: dict[str, tuple] = {
    "cases": (
        (None, r"chu ky|ky ten|ky xac nhan|ky, ghi ro"),
        ("stt", r"^(stt|tt|so tt|so thu tu)$"),
        ("concluded_on", r"ngay (ket thuc|hoa giai xong|hoan thanh|xong)|ket thuc ngay"),
        ("assigned_on", r"ngay phan cong"),
        ("received_on", r"ngay.*nhan|nhan.*ngay|ngay,? thang(,? nam)?\b|^ngay$|thoi gian (tiep )?nhan"),
        ("mediators", r"hoa giai vien|nguoi duoc moi|^hgv\b|nguoi (tham gia )?hoa giai"),
        ("agreement", r"thoa thuan|yeu cau cua (moi|cac) ben"),
        ("result_khong_thanh", r"^(hoa giai |hg )?khong (thanh|dat)( cong)?$|^hgkt$"),
        ("result_thanh", r"^(hoa giai |hg )?(thanh|dat)( cong)?$|^hgt$"),
        (None, r"ket qua tai \d"),  # the app's own export: the result at 31/12 of its year; «hiện nay» is imported
        ("result", r"ket qua"),
        ("parties_2", r"\bben (thu hai|thu 2|b|kia|bi yeu cau|duoc yeu cau|bi)\b|nguoi (bi|duoc) yeu cau|^bi don"),
        ("parties", r"cac ben|\bben (thu nhat|thu 1|a|yeu cau)\b|nguoi yeu cau|duong su|ho (va )?ten.*(tuoi|dia chi)"),
        ("party_age", r"^(tuoi|nam sinh)\b"),
        ("party_address", r"dia chi|noi (cu tru|o)\b"),
        ("party_name", r"ho (va )?ten|^ten$"),
        ("category", r"loai vu|phan loai|linh vuc"),
        ("summary", r"noi dung|tom tat|vu,? viec|su viec|tranh chap"),
        ("village", r"\b(thon|xom|lang|ban|ap|khu pho|to dan pho|tdp|dia ban)\b|to hoa giai"),
        ("note", r"ghi chu"),
    ),
    "mediators": (
        (None, r"chu ky|ky ten|ghi chu|trinh do|chuyen mon"),
        ("stt", r"^(stt|tt|so tt|so thu tu)$"),
        ("birth_year_male", r"^nam$", "raw"),
        ("birth_year_female", r"^nu$"),
        ("gender", r"gioi tinh|^gioi$|^nam ?/ ?nu$"),
        ("birth_year", r"nam sinh|ngay sinh|sinh ngay|^sn$"),
        ("ethnicity", r"dan toc"),
        ("leader", r"to truong|(chuc vu|vai tro) trong to|^vai tro$"),
        ("joined_on", r"cong nhan|ngay tham gia|ngay vao|thoi gian tham gia|tham gia to|ngay bau|quyet dinh"),
        ("phone", r"dien thoai|^sdt\b|^so dt\b|^dt$|lien he"),
        ("role", r"chuc danh|chuc vu|nghe nghiep|cong viec"),
        ("organisation", r"doan the|co quan|don vi|to chuc"),
        ("full_name", r"ho (va )?ten|^ten\b|hoa giai vien"),
        ("village", r"\b(thon|xom|lang|ban|ap|khu pho|to dan pho|tdp|dia ban)\b|to hoa giai|^to$"),
    ),
}

# Category from the words of a case's summary (the MOJ register has no category column). Whole words, on the
# text with its accents («đất» is land, «đặt cọc» a deposit); the most keywords win, ties go to the first listed.
CATEGORY_KEYWORDS = (
    ("hon_nhan_gia_dinh", ("hôn nhân", "ly hôn", "li hôn", "vợ chồng", "bạo lực gia đình", "nuôi con", "cấp dưỡng",
                           "mẹ chồng", "con dâu", "nàng dâu", "ngoại tình", "phụng dưỡng")),
    ("dat_dai", ("đất", "đất đai", "ranh giới", "mốc giới", "thừa kế", "sổ đỏ", "quyền sử dụng", "thửa",
                 "lấn chiếm")),
    ("lang_gieng", ("lối đi", "ngõ đi", "hàng xóm", "láng giềng", "tiếng ồn", "nước thải", "thoát nước", "cây",
                    "mái", "chăn nuôi", "gia súc", "gia cầm", "vật nuôi", "rác", "tường", "mùi", "chó", "gà", "vịt",
                    "trâu", "bò", "lợn", "karaoke")),
    ("vay_muon_hop_dong", ("vay", "nợ", "hợp đồng", "mua bán", "tiền", "đặt cọc", "chơi họ", "góp họ", "thuê",
                           "tiền công")),
    ("vi_pham_nho", ("trộm", "trộm cắp", "đánh nhau", "xô xát", "gây thương tích", "chửi", "lăng mạ", "xúc phạm",
                     "cờ bạc", "say rượu", "gây rối", "phá hoại")),
)
DEFAULT_CATEGORY = "khac"
DEFAULT_GROUNDS = "yeu_cau"  # the register does not say how a case started; most start at a party's request

# A result as officers write it (accent-free whole words), tried in this order: «không thành» contains «thành».
RESULT_WORDS = (
    ("khong_thanh", ("khong thanh", "hgkt", "khong thanh cong", "that bai", "khong dat", "khong hoa giai duoc",
                     "cham dut", "dung hoa giai", "khong thoa thuan duoc")),
    ("ngoai_pham_vi", ("ngoai pham vi", "khong thuoc pham vi", "chuyen")),
    ("dang_hoa_giai", ("dang", "dang giai quyet", "dang hoa giai", "chua", "tiep tuc", "dang xu ly")),
    ("thanh", ("thanh", "hgt", "thanh cong", "hoa giai thanh", "xong", "dat")),
)
# A cell of a «Thành» / «Không thành» column that does not mark it.
_UNMARKED = {"", "0", "khong", "-", "_", "."}

_TOTAL_ROW = re.compile(r"^(tong cong|tong so|tong|cong|luy ke)\b")
_FOOTER = re.compile(r"^phan (ii|2)\b|\(ky,? (va )?ghi ro ho ten\)|\bnguoi lap (bieu|bang|so)\b|^xac nhan cua|^ky ten$|"
                     r"^(to truong|truong thon|chu tich ubnd)( to hoa giai)?$|^[^\d]{2,40}, ngay .{0,6} thang")
_NUMBERING_CELL = re.compile(r"\(?\s*(\d{1,2}|[a-z])\s*\)?")
_DATE_TEXT = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|"
                        r"ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*nam\s*\d{2,4}")
_WORDY_DATE = re.compile(r"(?:.*,\s*)?ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{1,4})\.?")
_DATE_AFTER_NGAY = re.compile(r"\bngay\s*:?\s*(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,4})\b")
_HEADER_SCAN = 40        # rows searched for the header: title rows rarely take more than a few
_HEADER_EXTRA = 3        # header rows beyond the best one, above or below it
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIALS = range(16438, 73051)  # Excel serial numbers of 1945–2099, the years parse_date accepts
_EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!"}


# --- what the page and the CLI see ------------------------------------------------------------------------------

@dataclass
class Sheet:
    name: str
    header_rows: tuple[int, int]          # 1-based first/last row of the header (merged rows included)
    columns: list[str]                    # one label per column: the header rows' texts joined with « / »
    rows: list[tuple[int, list]]          # (1-based sheet row, cell values) of the data rows
    mapping: dict[int, str | None]        # suggested: column index → field code (None: ignored)
    team_id: int | None                   # suggested from the sheet's name; the page may change it
    notes: list[str] = field(default_factory=list)            # rows left out (totals, the signature block)
    filled: set[tuple[int, int]] = field(default_factory=set)  # (row, column) whose value comes from a cell
    #                                                           merged down from the row above
    headings: list[tuple[int, str]] = field(default_factory=list)  # group titles between the rows («Thôn Đông»,
    #                                                           «Tháng 6»): a village's title sets the team below it
    titles: list[str] = field(default_factory=list)           # the texts above the header («Tổ hòa giải thôn …»)


@dataclass
class Workbook:
    file_name: str
    sheets: list[Sheet]
    skipped: list[str]                    # Vietnamese: why a sheet was left out


@dataclass
class Options:
    team_id: int | None = None            # every row without a village of its own goes to this team (CLI --team)
    village: str | None = None            # the same by village name, accent-insensitive (CLI --village)
    valid_only: bool = False              # False: one bad row and nothing is saved
    concluded_missing: str = "bo_sung"    # a concluded row without a closing date: a key of CONCLUDED_MISSING


@dataclass
class RowOutcome:
    sheet: str
    row: int
    action: str                           # a key of ACTIONS
    messages: list[str]
    record_id: int | None
    label: str


@dataclass
class ImportResult:
    outcomes: list[RowOutcome]
    counts: dict[str, int]
    written: bool


class CellProblem(str):
    """A cell whose value cannot be read (a formula without its computed value, an Excel error such as #REF!):
    it shows as its text, and a row that uses it is refused with `message`, never imported with a guess."""

    message: str

    def __new__(cls, text: str, message: str):
        obj = super().__new__(cls, text)
        obj.message = message
        return obj


# --- reading a file into grids ----------------------------------------------------------------------------------

@dataclass
class _Grid:
    name: str
    cells: list[list]                                   # cells[r][c]: row r is sheet row r + 1; None when empty
    merged: list[tuple[int, int, int, int]]             # 0-based, inclusive: (first row, first col, last row, last col)
    hidden: bool = False


def _not_a_spreadsheet(file_name: str, why: str = "") -> ValidationError:
    return ValidationError(f"Tệp «{file_name}» không phải bảng tính Excel (.xlsx, .xls) hoặc CSV{why}: "
                           "không có gì được ghi.")


def _read_grids(content: bytes, file_name: str) -> list[_Grid]:
    """The sheets of a file, by what the bytes are (never by the file's name)."""
    if not content:
        raise ValidationError(f"Tệp «{file_name}» trống (0 byte): không có gì được ghi.")
    if len(content) > MAX_BYTES:
        raise ValidationError(f"Tệp «{file_name}» nặng {len(content) / 1024 / 1024:.1f} MB, quá giới hạn "
                              f"{MAX_BYTES // 1024 // 1024} MB: hãy tách theo năm hoặc theo thôn rồi nhập từng tệp.")
    if content.startswith(b"PK\x03\x04"):
        return _read_zip(content, file_name)
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: Excel 97–2003 (.xls)
        return _read_calamine(content, file_name, "Excel 97–2003 (.xls)")
    return _read_csv(content, file_name)


def _read_zip(content: bytes, file_name: str) -> list[_Grid]:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    except zipfile.BadZipFile:
        raise _not_a_spreadsheet(file_name, " (tệp nén bị hỏng)") from None
    if "xl/workbook.xml" in names:
        return _read_openpyxl(content, file_name)
    if "xl/workbook.bin" in names or "content.xml" in names:  # .xlsb, OpenDocument .ods
        return _read_calamine(content, file_name, "bảng tính")
    raise _not_a_spreadsheet(file_name, " (đây là một tệp nén hoặc văn bản Word)")


def _read_openpyxl(content: bytes, file_name: str) -> list[_Grid]:
    """Values as Excel last computed them (data_only); the formulas, streamed a second time, tell which empty cells
    are formulas that were never computed (a file written by a program other than Excel)."""
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read (validation lists)
            values = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
            formulas = openpyxl.load_workbook(io.BytesIO(content), data_only=False, read_only=True)
            grids = []
            for ws in values.worksheets:
                written = _formulas(formulas[ws.title])
                cells = [[_openpyxl_value(cell, written) for cell in row] for row in ws.iter_rows()]
                merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
                grids.append(_Grid(ws.title, _trim(cells), merged, ws.sheet_state != "visible"))
            formulas.close()
    except Exception:  # a damaged or unsupported workbook: openpyxl raises many kinds
        raise _not_a_spreadsheet(file_name, " (không đọc được nội dung tệp .xlsx)") from None
    return grids


def _formulas(ws) -> dict[tuple[int, int], str]:
    """(row, column) → formula text of every formula cell of a sheet."""
    found = {}
    for row in ws.iter_rows():
        for cell in row:
            if getattr(cell, "data_type", None) == "f":
                found[(cell.row, cell.column)] = cell.value if isinstance(cell.value, str) else getattr(
                    cell.value, "text", "")
    return found


def _openpyxl_value(cell, formulas: dict[tuple[int, int], str]):
    if cell.data_type == "e" or cell.value in _EXCEL_ERRORS:
        return CellProblem(str(cell.value), f"Ô {cell.coordinate} có lỗi công thức {cell.value}: sửa trong tệp "
                                            "rồi nhập lại.")
    if cell.value is None and (cell.row, cell.column) in formulas:
        text = formulas[(cell.row, cell.column)]
        return CellProblem(text, f"Ô {cell.coordinate} có công thức {text} nhưng tệp không lưu kết quả đã tính "
                                 "(tệp không được lưu bằng Excel): mở tệp bằng Excel, lưu lại rồi nhập lại.")
    return cell.value


def _read_calamine(content: bytes, file_name: str, what: str) -> list[_Grid]:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        grids = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            cells = [[_calamine_value(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            grids.append(_Grid(meta.name, _trim(cells), merged,
                               meta.visible != python_calamine.SheetVisibleEnum.Visible))
        return grids
    except python_calamine.PasswordError:
        raise ValidationError(f"Tệp «{file_name}» có mật khẩu: mở bằng Excel, bỏ mật khẩu, lưu lại rồi nhập.") from None
    except Exception:  # calamine reports a damaged file with several error types
        raise _not_a_spreadsheet(file_name, f" (không đọc được tệp {what}, có thể tệp bị hỏng)") from None


def _calamine_value(value):
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # calamine gives every number as a float: 45 years old is 45, not 45.0
    if isinstance(value, str) and value in _EXCEL_ERRORS:
        return CellProblem(value, f"Ô có lỗi công thức {value}: sửa trong tệp rồi nhập lại.")
    return value


def _decode(content: bytes, file_name: str) -> str:
    """Text of a CSV: UTF-16 (Excel's «Unicode text»), UTF-8 with or without BOM, else Windows-1258 (Vietnamese)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    if b"\x00" in content[:4096]:
        raise _not_a_spreadsheet(file_name)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1258")
    except UnicodeDecodeError:
        raise _not_a_spreadsheet(file_name) from None


def _read_csv(content: bytes, file_name: str) -> list[_Grid]:
    text = _decode(content, file_name)
    if re.search(r"[\x00-\x08\x0e-\x1f]", text[:4096]):  # control characters: a binary file, not text
        raise _not_a_spreadsheet(file_name)
    sample = "\n".join(text.splitlines()[:50])
    delimiter = max((";", ",", "\t"), key=sample.count)
    if sample.count(delimiter) == 0:
        raise _not_a_spreadsheet(file_name, " (không thấy các cột cách nhau bằng dấu phẩy hoặc chấm phẩy)")
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise _not_a_spreadsheet(file_name, " (tệp CSV hỏng)") from None
    cells = [[value if value.strip() else None for value in row] for row in rows]
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", file_name.replace("\\", "/").rsplit("/", 1)[-1]) or "CSV"
    return [_Grid(stem, _trim(cells), [])]


def _trim(cells: list[list]) -> list[list]:
    """Same width for every row, without the empty rows and columns at the end (formatting often reaches far)."""
    cells = [[None if (isinstance(v, str) and not v.strip()) else v for v in row] for row in cells]
    while cells and all(v is None for v in cells[-1]):
        cells.pop()
    width = max((max((i + 1 for i, v in enumerate(row) if v is not None), default=0) for row in cells), default=0)
    return [(row + [None] * width)[:width] for row in cells]


# --- finding the header -----------------------------------------------------------------------------------------

def _squash(text: str) -> str:
    """Accent-free, punctuation-light header text: «Ngày, tháng, năm nhận vụ, việc:» → «ngay, thang, nam nhan vu,
    viec»."""
    return " ".join(fold(clean(text) or "").replace("\n", " ").split()).strip(" :.*-")


_NO_MATCH = "?"


def _match_column(kind: str, parts: list[str]) -> str | None:
    """The field a header suggests: the lowest header row alone first («Thành» under «Kết quả»), then the whole."""
    candidates = [parts[-1], " ".join(parts)] if len(parts) > 1 else parts
    for text in candidates:
        folded, raw = _squash(text), (clean(text) or "").lower().strip(" :.*")
        for pattern in HEADER_PATTERNS[kind]:
            target, regex = pattern[0], pattern[1]
            if re.search(regex, raw if pattern[2:] == ("raw",) else folded):
                return target
    return _NO_MATCH


def _is_dataish(value) -> bool:
    """A value a header never holds: a number, a date, a date written as text."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, dt.date, dt.datetime)):
        return True
    return isinstance(value, str) and bool(_DATE_TEXT.search(fold(value)))


def _is_numbering(values: list) -> bool:
    """The row of column numbers under an official template's header: (1) (2) (3)… or 1 2 3…"""
    own = [v for v in values if v is not None]
    if len(own) < 3:
        return False
    texts = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in own]
    return all(_NUMBERING_CELL.fullmatch(t.strip().lower()) for t in texts)


class _Merges:
    """Which merged range covers a cell; a header's label is the value of its range's first cell."""

    def __init__(self, grid: _Grid):
        self.grid = grid
        self.top_left: dict[tuple[int, int], tuple[int, int]] = {}
        height, width = len(grid.cells), len(grid.cells[0]) if grid.cells else 0
        for r0, c0, r1, c1 in grid.merged:  # clipped to the cells: a range may reach the sheet's last row
            for r in range(r0, min(r1, height - 1) + 1):
                for c in range(c0, min(c1, width - 1) + 1):
                    if (r, c) != (r0, c0):
                        self.top_left[(r, c)] = (r0, c0)

    def value(self, r: int, c: int):
        r0, c0 = self.top_left.get((r, c), (r, c))
        row = self.grid.cells[r0] if r0 < len(self.grid.cells) else []
        return row[c0] if c0 < len(row) else None

    def merged_from_above(self, r: int, width: int) -> bool:
        """Some cell of row r continues a range that starts in an earlier row: that row is the header's too."""
        return any(self.from_above(r, c) for c in range(width))

    def from_above(self, r: int, c: int) -> bool:
        """The cell continues a range merged down from an earlier row."""
        origin = self.top_left.get((r, c))
        return origin is not None and origin[0] < r


def _row_fields(kind: str, merges: _Merges, r: int, width: int) -> set[str]:
    found = set()
    for c in range(width):
        value = merges.value(r, c)
        if isinstance(value, str) and not _is_dataish(value):
            target = _match_column(kind, [value])
            if target not in (None, _NO_MATCH, "stt"):
                found.add(target)
    return found


def _recognised(kind: str, fields: set[str]) -> bool:
    if kind == "cases":
        # A register always has the day received or the summary (a mediator list has names and years only).
        return len(fields) >= 2 and bool(fields & {"received_on", "summary"})
    return "full_name" in fields and len(fields) >= 2


def _header_like(kind: str, merges: _Merges, r: int, width: int, block: range) -> bool:
    """A row above or below the best header row that belongs to the header: no data in it, and a sub-label
    («Thành», «Tuổi», «Nam»…) or a cell merged with the header."""
    own = [merges.grid.cells[r][c] for c in range(width)]
    if any(_is_dataish(v) for v in own):
        return False
    joined = any(merges.from_above(r, c) and merges.top_left[(r, c)][0] in block for c in range(width))
    labelled = any(isinstance(v, str) and _match_column(kind, [v]) != _NO_MATCH for v in own)
    return joined or labelled


def _find_header(kind: str, grid: _Grid) -> tuple[int, int, bool] | None:
    """(first, last, numbered) 0-based header rows, or None. The best row has the most recognised columns; merged
    rows above and sub-label rows below join it, then the numbering row if there is one."""
    merges, width = _Merges(grid), len(grid.cells[0]) if grid.cells else 0
    best, best_fields = None, set()
    for r in range(min(_HEADER_SCAN, len(grid.cells))):
        fields = _row_fields(kind, merges, r, width)
        if len(fields) > len(best_fields):
            best, best_fields = r, fields
    if best is None or not _recognised(kind, best_fields):
        return None
    first = last = best
    while first > 0 and best - first < _HEADER_EXTRA and merges.merged_from_above(first, width):
        first -= 1
    while last + 1 < len(grid.cells) and last - best < _HEADER_EXTRA \
            and not _is_numbering(grid.cells[last + 1]) \
            and _header_like(kind, merges, last + 1, width, range(first, last + 1)):
        last += 1
    numbered = last + 1 < len(grid.cells) and _is_numbering(grid.cells[last + 1])
    return first, last + (1 if numbered else 0), numbered


def _labels(grid: _Grid, first: int, last: int, numbered: bool) -> list[list[str]]:
    """Per column, the distinct texts of its header rows, top to bottom (merged cells give their value to all)."""
    merges = _Merges(grid)
    width = len(grid.cells[0]) if grid.cells else 0
    rows = range(first, last if numbered else last + 1)
    labels = []
    for c in range(width):
        parts: list[str] = []
        for r in rows:
            text = clean(merges.value(r, c))
            if text and text not in parts:
                parts.append(text)
        labels.append(parts)
    return labels


def suggest_mapping(kind: str, labels: list[list[str]]) -> dict[int, str | None]:
    """Column index → field; a field goes to its first column (a party field's second column: the other party)."""
    mapping: dict[int, str | None] = {}
    taken: set[str] = set()
    for c, parts in enumerate(labels):
        target = _match_column(kind, parts) if parts else _NO_MATCH
        if target in taken and SECOND_SLOT.get(target) not in taken:
            target = SECOND_SLOT.get(target)
        if target in (None, _NO_MATCH) or target in taken:
            mapping[c] = None
            continue
        mapping[c] = target
        taken.add(target)
    # A single «Thành» or «Không thành» column is not a result: the pair is needed.
    if ("result_thanh" in taken) != ("result_khong_thanh" in taken):
        mapping = {c: (None if f in ("result_thanh", "result_khong_thanh") else f) for c, f in mapping.items()}
    return mapping


@dataclass
class _Body:
    rows: list[tuple[int, list]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    filled: set[tuple[int, int]] = field(default_factory=set)
    headings: list[tuple[int, str]] = field(default_factory=list)


def _is_heading(merges: _Merges, r: int, own: list) -> bool:
    """A row with one text at its start or across merged columns: «Thôn Đông», «Tháng 6/2023», «I. Quý I» —
    a group title, never a record (a record has at least a date, a name and a summary)."""
    present = [(c, v) for c, v in enumerate(own) if v is not None]
    if len(present) != 1 or not isinstance(present[0][1], str) or _is_dataish(present[0][1]):
        return False
    c = present[0][0]
    return c <= 1 or any(r0 == r and c0 == c and c1 > c0 for r0, c0, _, c1 in merges.grid.merged)


def _data_rows(grid: _Grid, start: int) -> _Body:
    """Rows after the header, without blank rows, group titles, totals («Cộng», «Tổng cộng») and what follows the
    table (the signature block, the register's Part II). A cell merged down over several rows gives its value to
    each (marked in `filled`)."""
    merges, body = _Merges(grid), _Body()
    for r in range(start, len(grid.cells)):
        own = grid.cells[r]
        texts = [v for v in own if v is not None]
        if not texts or (len(texts) == 1 and re.fullmatch(r"\d{1,4}\.?", str(texts[0]).strip())):
            continue  # blank, or a template's pre-numbered empty row
        first = _squash(str(texts[0]))
        if _FOOTER.search(first) or (len(texts) <= 3 and any(_FOOTER.search(_squash(str(v))) for v in texts)):
            body.notes.append(f"Từ dòng {r + 1} («{clean(str(texts[0]))}»): phần cuối trang (ký tên, tổng hợp), "
                              "không nhập.")
            break
        if isinstance(texts[0], str) and len(first) <= 25 and _TOTAL_ROW.match(first):
            body.notes.append(f"Dòng {r + 1}: dòng «{clean(texts[0])}» (tổng cộng), không nhập.")
            continue
        if _is_heading(merges, r, own):
            body.headings.append((r + 1, clean(texts[0])))
            body.notes.append(_heading_note(r + 1, clean(texts[0])))
            continue
        values = list(own)
        for c, value in enumerate(values):
            if value is None and merges.from_above(r, c) and merges.top_left[(r, c)][0] >= start:
                values[c] = merges.value(r, c)
                body.filled.add((r + 1, c))
        body.rows.append((r + 1, values))
    return body


def _sheet(kind: str, grid: _Grid) -> Sheet | str:
    """The sheet, or why it was left out (Vietnamese)."""
    if grid.hidden:
        return f"Trang «{grid.name}» đang ẩn: không nhập."
    if not grid.cells:
        return f"Trang «{grid.name}» trống."
    found = _find_header(kind, grid)
    if found is None:
        other = "mediators" if kind == "cases" else "cases"
        if _find_header(other, grid):
            return f"Trang «{grid.name}» có vẻ là {KINDS[other].lower()}, không phải {KINDS[kind].lower()}."
        expected = ("Ngày nhận, Họ tên các bên, Nội dung, Kết quả" if kind == "cases"
                    else "Họ và tên, Giới tính, Năm sinh")
        return f"Trang «{grid.name}»: không thấy dòng tiêu đề cột (cần các cột như {expected})."
    first, last, numbered = found
    labels = _labels(grid, first, last, numbered)
    body = _data_rows(grid, last + 1)
    if not body.rows:
        return f"Trang «{grid.name}» có dòng tiêu đề nhưng không có dòng dữ liệu nào."
    columns = [" / ".join(parts) or f"(cột {get_column_letter(c + 1)})" for c, parts in enumerate(labels)]
    titles = [clean(str(v)) for row in grid.cells[:first] for v in row if isinstance(v, str) and clean(v)]
    return Sheet(grid.name, (first + 1, last + 1), columns, body.rows, suggest_mapping(kind, labels), None,
                 body.notes, body.filled, body.headings, titles)


def read_file(content: bytes, file_name: str, kind: str, con=None) -> Workbook:
    """The sheets of a spreadsheet with a recognisable header, their data rows and a suggested mapping.

    .xlsx (openpyxl), .xls/.xlsb/.ods (python-calamine), .csv (UTF-8, UTF-16 or Windows-1258; «;», «,» or tab).
    Raises ValidationError (Vietnamese; nothing is written) for a file that is not a spreadsheet (by its content,
    not its name), an empty or too big file, or a file without any sheet to import. With `con`, a sheet named after
    a village («Thôn Đông», «Tổ HG thôn Đông») suggests that village's team."""
    _check_kind(kind)
    sheets, skipped = [], []
    for grid in _read_grids(content, file_name):
        sheet = _sheet(kind, grid)
        if isinstance(sheet, str):
            skipped.append(sheet)
            continue
        if con is not None:
            _suggest_team(sheet, _places(con.cursor()))
        sheets.append(sheet)
    if not sheets:
        raise ValidationError([f"Tệp «{file_name}» không có trang nào để nhập: không có gì được ghi.", *skipped])
    return Workbook(file_name, sheets, skipped)


def _suggest_team(sheet: Sheet, places: list[tuple]) -> None:
    """The team named by the sheet («Thôn Đông», «Tổ HG thôn Đông»), else by a title above the header («TỔ HÒA
    GIẢI THÔN ĐÔNG»); and what the group titles between the rows mean."""
    sheet.team_id, _ = _match_team(places, sheet.name)
    for title in sheet.titles if sheet.team_id is None else []:
        if (team := _match_team(places, title)[0]) is not None:
            sheet.team_id = team
            break
    for row, title in sheet.headings:
        if (team := _match_team(places, title)[0]) is not None:
            name = next(p[1] for p in places if p[0] == team)
            plain = _heading_note(row, title)
            sheet.notes = [_heading_note(row, title, name) if n == plain else n for n in sheet.notes]


def _heading_note(row: int, title: str, team_name: str | None = None) -> str:
    what = f"các dòng sau thuộc {team_name}." if team_name else "dòng tiêu đề nhóm, không phải vụ việc."
    return f"Dòng {row}: «{title}» — {what}"


def display_rows(sheet: Sheet, limit: int | None = None) -> list[list[str]]:
    """The sheet's data rows as text, for a preview table (one type per column): dates dd/mm/yyyy, whole numbers
    without «.0», empty cells empty; each row starts with its row number."""
    return [[str(row)] + [_text(v) or "" for v in values] for row, values in sheet.rows[:limit]]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(f"Loại dữ liệu «{kind}» không hợp lệ: chọn {' hoặc '.join(KINDS)}.")


def check_mapping(kind: str, mapping: dict[int, str | None]) -> list[str]:
    """Vietnamese problems of a mapping: an unknown field, a field on two columns, a required field missing."""
    _check_kind(kind)
    fields = FIELDS[kind]
    problems, columns_of = [], {}
    for c, target in sorted(mapping.items()):
        if target is None:
            continue
        if target not in fields:
            problems.append(f"Cột {get_column_letter(c + 1)}: trường «{target}» không có trong danh sách.")
            continue
        columns_of.setdefault(target, []).append(get_column_letter(c + 1))
    for target, cols in columns_of.items():
        if len(cols) > 1:
            problems.append(f"«{fields[target]}» được gán cho {len(cols)} cột ({', '.join(cols)}): mỗi trường chỉ "
                            "gán cho một cột.")
    have = set(columns_of)
    required = ({"received_on": None, "summary": None} if kind == "cases" else {"full_name": None})
    for target in required:
        if target not in have:
            problems.append(f"Chưa gán cột «{fields[target]}».")
    if kind == "cases":
        if not have & set(PARTY_FIELDS):
            problems.append("Chưa gán cột họ tên các bên («Các bên» hoặc «Họ tên»).")
        for prefix, name in (("party_", "party_name"), ("party2_", "party2_name")):
            if any(f.startswith(prefix) for f in have) and name not in have:
                problems.append(f"Đã gán tuổi hoặc địa chỉ nhưng chưa gán «{fields[name]}».")
        pair = {"result_thanh", "result_khong_thanh"} & have
        if pair and "result" in have:
            problems.append("Kết quả: chọn một cột «Kết quả» hoặc hai cột «Thành» / «Không thành», không chọn cả hai.")
        elif len(pair) == 1:
            problems.append("Kết quả: cần gán cả hai cột «Thành» và «Không thành».")
    return problems


# --- places: which team a sheet or a row belongs to -------------------------------------------------------------

_PLACE_PREFIX = re.compile(r"^(to hoa giai|to hg|thg|to dan pho|tdp|thon|xom|lang|ban|ap|khu pho|khom|khu|so|to)\s+")


def _place_core(text) -> str:
    """«Tổ HG thôn Đông» → «dong»: a place name without accents, punctuation or the words for a village/team."""
    core = " ".join(re.sub(r"[\W_]+", " ", fold(clean(str(text)) or "")).split())
    while (shorter := _PLACE_PREFIX.sub("", core, count=1)) != core and shorter:
        core = shorter
    return core


def _places(cur) -> list[tuple]:
    return cur.execute(
        """
        SELECT t.id, t.name, v.name, t.valid_from, t.valid_to
        FROM teams t JOIN villages v ON v.id = t.village_id ORDER BY t.id
        """
    ).fetchall()


def _valid_on(row: tuple, day: dt.date) -> bool:
    return (row[3] is None or row[3] <= day) and (row[4] is None or day <= row[4])


def _match_team(places: list[tuple], text, on: dt.date | None = None) -> tuple[int | None, str | None]:
    """(team id, None) for a village or team name, accent-insensitive; (None, why) when none or several match.
    A village that had several teams over time gives the one that existed on `on` (today without a date)."""
    core = _place_core(text)
    if not core:
        return None, None
    found = [p for p in places if core in (_place_core(p[1]), _place_core(p[2]))]
    if len(found) > 1:
        found = [p for p in found if _valid_on(p, on or today())] or found
    if not found:
        return None, f"Không có thôn hay tổ hòa giải nào tên «{clean(str(text))}»."
    if len(found) > 1:
        return None, f"«{clean(str(text))}» ứng với {len(found)} tổ hòa giải ({', '.join(p[1] for p in found)})."
    return found[0][0], None


# --- reading cells ----------------------------------------------------------------------------------------------

def _text(value) -> str | None:
    if is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    return clean(str(value))


def _date_input(value):
    """A cell as parse_date takes it: a date; an Excel serial number as its date; «ngày 7 tháng 6 năm 2023» as
    07/06/2023; other text unchanged, for parse_date to accept or refuse by name (31/02 is never corrected)."""
    if is_missing(value) or isinstance(value, CellProblem):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and int(value) in _SERIALS:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return str(value)
    text = clean(str(value)) or ""
    if text.isdigit() and int(text) in _SERIALS:
        return _EXCEL_EPOCH + dt.timedelta(days=int(text))
    text = re.sub(r"\s+0{1,2}:0{2}(:0{2})?$", "", text)  # «07/06/2023 00:00:00» from a CSV export
    folded = fold(text)
    if match := _WORDY_DATE.fullmatch(folded):
        return "{}/{}/{}".format(*match.groups())
    if (match := _DATE_AFTER_NGAY.search(folded)) and not _DATE_TEXT.fullmatch(folded):
        return match.group(1)  # «QĐ số 12/QĐ-UBND ngày 15/3/2019»: the date after «ngày»
    return text


def _as_date(value) -> dt.date | None:
    """The date of a cell when it is one, else None (its problem is reported by the write path)."""
    return parse_date(_date_input(value), "", [])


def _int_in(value) -> int | None:
    """A whole number in a cell («45», 45.0, «45 tuổi»), else None."""
    if isinstance(value, bool) or is_missing(value):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    match = re.fullmatch(r"(\d{1,4})\s*(tuổi|t)?\.?", (clean(str(value)) or "").lower())
    return int(match.group(1)) if match else None


def _marked(value) -> bool:
    return not is_missing(value) and fold(clean(str(value)) or "") not in _UNMARKED


def _words(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def parse_result(value) -> str | None:
    """The result code of a «Kết quả» cell written in words or abbreviations, None if not recognised."""
    folded = " ".join(re.sub(r"[^\w]+", " ", fold(clean(str(value)) or "")).split())
    for code, words in RESULT_WORDS:
        if any(_words(folded, w) for w in words):
            return code
    return None


def infer_category(summary: str | None) -> tuple[str, str | None]:
    """(category code, the keyword that decided it); («khac», None) when no keyword is found."""
    text = (clean(summary) or "").lower()
    if fold(text) == text:  # typed without accents: compare without accents
        table = [(code, [fold(k) for k in words]) for code, words in CATEGORY_KEYWORDS]
    else:
        table = [(code, list(words)) for code, words in CATEGORY_KEYWORDS]
    best, best_hits = DEFAULT_CATEGORY, []
    for code, words in table:
        hits = [w for w in words if _words(text, w)]
        if len(hits) > len(best_hits):
            best, best_hits = code, hits
    return best, (best_hits[0] if best_hits else None)


# --- parties and names ------------------------------------------------------------------------------------------

_HONORIFIC = re.compile(r"^(?:hộ\s+)?(?:ông|bà|anh|chị|cô|chú|bác|em|cháu)\s+(?=[A-ZĐÀ-Ỹ])", re.IGNORECASE)
_PARTY_LABEL = re.compile(r"^(?:bên\s+(?:thứ\s+)?(?:nhất|hai|1|2|a|b|yêu cầu|bị yêu cầu|kia)|\d{1,2}\s*[.)/-])\s*:?\s*",
                          re.IGNORECASE)
_AGE = re.compile(r"(?<!\d)(\d{1,3})\s*(?:tuổi|t)(?!\w)", re.IGNORECASE)
_BORN = re.compile(r"(?:sinh\s+năm|sn)\s*:?\s*(\d{4})", re.IGNORECASE)
_ADDRESS_LABEL = re.compile(r"^(?:trú\s+tại|trú\s+quán|địa\s+chỉ|đ/c|đc|ở)\s*:?\s*", re.IGNORECASE)


def _strip_honorific(name: str) -> str:
    """«Ông Nguyễn Văn A» → «Nguyễn Văn A» (only before a capitalised name: «Bà» of a name stays)."""
    stripped = _HONORIFIC.sub("", name, count=1)
    return stripped if stripped and stripped[0].isupper() else name


# A line of a parties cell that goes on describing the person above it: an age, a birth year, an address.
_NOT_A_NAME = re.compile(r"^(\d|\(|-|sn\b|sinh\b|tuoi\b|nam sinh|xom\b|thon\b|to\b|khu\b|ap\b|ban\b|lang\b|so\b|"
                         r"duong\b|pho\b|tru\b|o\b|dia chi|d/?c\b|que\b)")
# «Cùng trú tại xóm 3» after the names: the address of everyone above it.
_SHARED_ADDRESS = re.compile(r"^(?:cùng|đều|cả hai(?: bên)?|hai bên)\s+(?:trú\s+tại|trú\s+quán|cư\s+trú\s+tại|ở|"
                             r"địa\s+chỉ)\s*:?\s*", re.IGNORECASE)


def _split_people(text: str) -> tuple[list[str], str | None]:
    """Several people in one cell — separated by «;», new lines, «1. … 2. …», «… và ông …», «… - bà …» — and the
    address they share, if a line says so. A line that only goes on about the person above joins that person."""
    raw = str(text).replace("\r", "\n")
    if re.match(r"\s*1\s*[.)]\s", raw):  # an enumeration «1. … 2. …» (not «xóm 2.» inside an address)
        raw = re.sub(r"(?:^|\s)(\d{1,2})\s*[.)]\s+(?=\D)", "\n", raw)
    raw = re.sub(r"\s+(?:và|với|[-–])\s+(?=(?:ông|bà|anh|chị|cô|chú)\s)", "\n", raw, flags=re.IGNORECASE)
    people: list[str] = []
    shared = None
    for line in (p for p in (clean(part) for part in re.split(r"[;\n]", raw)) if p):
        if people and _SHARED_ADDRESS.match(line):
            shared = _SHARED_ADDRESS.sub("", line, count=1) or None
        elif people and not _HONORIFIC.match(line) and (line[0].islower() or _NOT_A_NAME.match(fold(line))):
            people[-1] += ", " + line
        else:
            people.append(line)
    return people, shared


def parse_party(text: str, received: dt.date | None) -> tuple[dict, list[str]]:
    """«Nguyễn Văn A, 45 tuổi, xóm 1» → {full_name, age, address}; notes when an age was worked out from a birth
    year («sinh năm 1975», «SN 1975», «(1975)»). An age that is not a number is passed on as written, for the
    write path to refuse by name."""
    text = _PARTY_LABEL.sub("", clean(text) or "", count=1).replace("(", ",").replace(")", ",")
    age = born = None
    if match := _AGE.search(text):
        age, text = int(match.group(1)), text[:match.start()] + "," + text[match.end():]
    elif (match := _BORN.search(text)) and received:
        born, text = int(match.group(1)), text[:match.start()] + "," + text[match.end():]
    pieces = [p for p in (clean(x) for x in text.split(",")) if p]
    if age is None and born is None and len(pieces) > 1 and re.fullmatch(r"\d{1,3}", pieces[1]):
        age = int(pieces.pop(1))  # «Nguyễn Văn A, 45, xóm 1»
    elif age is None and born is None and received and len(pieces) > 1 and re.fullmatch(r"(19|20)\d\d", pieces[1]):
        born = int(pieces.pop(1))  # «Lê Thị Én (1975), xóm 1»
    if born is not None:
        age = received.year - born
    name = _strip_honorific(pieces[0]) if pieces else None
    address = ", ".join(_ADDRESS_LABEL.sub("", p) for p in pieces[1:]) or None
    notes = [f"Tuổi của {name}: tính từ năm sinh {born} và năm nhận {received.year} ({age} tuổi)."] if born else []
    return {"full_name": name, "age": age, "address": address}, notes


def _parse_people(text: str, received: dt.date | None) -> tuple[list[dict], list[str]]:
    parties, notes = [], []
    people, shared = _split_people(text)
    for part in people:
        party, more = parse_party(part, received)
        if party["address"] and _SHARED_ADDRESS.match(party["address"]):  # «… và bà B, cùng trú tại thôn Đông»
            shared = party["address"] = _SHARED_ADDRESS.sub("", party["address"], count=1) or None
        parties.append(party)
        notes += more
    for party in parties:
        party["address"] = party["address"] or shared
    return parties, notes


def _party_from_columns(name, age, address, received: dt.date | None) -> tuple[list[dict], list[str]]:
    """Parties from separate name / age / address columns; several names on separate lines pair with the lines of
    the other two columns."""
    names = [n for n in re.split(r"[;\n]", str(name or "")) if clean(n)]
    if not names:
        return [], []
    ages = re.split(r"[;\n]", str(age)) if isinstance(age, str) else [age]
    addresses = re.split(r"[;\n]", str(address)) if isinstance(address, str) else [address]
    if len(names) > 1 and (len(ages) not in (1, len(names)) or len(addresses) not in (1, len(names))):
        ages, addresses = [age], [address]
    parties, notes = [], []
    for i, person in enumerate(names):
        a = ages[i] if len(ages) == len(names) else (ages[0] if i == 0 else None)
        ad = addresses[i] if len(addresses) == len(names) else addresses[0]
        value = _int_in(a)
        if value is not None and value >= 1900 and received and value <= received.year:
            notes.append(f"Tuổi của {clean(person)}: cột tuổi ghi năm sinh {value}, tính ra {received.year - value} "
                         "tuổi vào năm nhận.")
            value = received.year - value
        parties.append({"full_name": _strip_honorific(clean(person)), "age": value if value is not None else a,
                        "address": _ADDRESS_LABEL.sub("", clean(ad) or "") or None})
    return parties, notes


def _split_names(text) -> list[str]:
    """Mediators named in a row: «Lê Thị Hoa, Trần Văn Bình (tổ trưởng); mời: ông Tư»."""
    raw = re.sub(r"\([^)]*\)", " ", str(text or ""))
    names = []
    for part in re.split(r"[,;\n+]|\s+và\s+", raw):
        part = re.sub(r"^\s*(?:hgv|hòa giải viên|hoà giải viên|người được mời|mời|tổ trưởng)\s*:?\s*", "", part,
                      flags=re.IGNORECASE)
        if name := clean(_strip_honorific(clean(part) or "")):
            names.append(name)
    return names


def _keep_accents(stored: str | None, new: str | None) -> str | None:
    """The file's text, unless it only drops the accents of the stored one («Le Thi Hoa» for «Lê Thị Hoa»)."""
    if stored and new and fold(new) == new.lower() != stored.lower() and _key_text(stored) == _key_text(new):
        return stored
    return new


def _key_text(text) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", fold(clean(text) or "")).split())


def case_key(team_id: int, received: dt.date, first_party: str | None, summary: str | None) -> str:
    """The stable key of an imported case: team, date received, first party, summary (accent- and
    punctuation-free). Stored in cases.import_key."""
    digest = hashlib.sha1(f"{_key_text(first_party)}|{_key_text(summary)}".encode()).hexdigest()[:20]
    return f"{team_id}|{received.isoformat()}|{digest}"


# --- importing --------------------------------------------------------------------------------------------------

def _fmt(day) -> str:
    return day.strftime("%d/%m/%Y") if isinstance(day, dt.date) else "(trống)"


class _Refused(Exception):
    """All-or-nothing import with refused rows: ends the batch so that it rolls back."""


@dataclass
class _Context:
    """What every row of one import needs: the open batch, the places, the reference lists, the options."""
    batch: object
    kind: str
    options: Options
    actor: str
    as_of: dt.date | None
    dry_run: bool
    places: list[tuple]
    categories: dict[str, str]
    grounds: str                                                    # the label of DEFAULT_GROUNDS
    seen: dict[str, tuple[str, int]] = field(default_factory=dict)  # key → (sheet, row) first met in this file
    case_keys: dict[int, dict[str, int]] = field(default_factory=dict)  # per team: case key → case id
    team_mediators: dict[int, list[tuple]] = field(default_factory=dict)  # per team: (id, name, joined, left)

    @property
    def cur(self):
        return self.batch.cursor()

    def cases_of(self, team_id: int) -> dict[str, int]:
        """The team's cases by key, read once per import: the key a case was imported with, else the key its first
        party and summary give (a case typed into the app); a live case before a deleted one."""
        if team_id not in self.case_keys:
            rows = self.cur.execute(
                """
                SELECT c.id, c.import_key, c.received_on, p.full_name, c.summary FROM cases c
                LEFT JOIN case_parties p ON p.case_id = c.id AND p.position = 1
                WHERE c.team_id = ? ORDER BY c.deleted_at IS NULL, c.id DESC
                """, [team_id]).fetchall()
            keys = {case_key(team_id, r[2], r[3], r[4]): r[0] for r in rows}
            keys.update({r[1]: r[0] for r in rows if r[1]})
            self.case_keys[team_id] = keys
        return self.case_keys[team_id]

    def mediators_of(self, team_id: int) -> list[tuple]:
        if team_id not in self.team_mediators:
            self.team_mediators[team_id] = self.cur.execute(
                "SELECT id, full_name, joined_on, left_on FROM mediators WHERE team_id = ?", [team_id]).fetchall()
        return self.team_mediators[team_id]


@dataclass
class _Row:
    """One record of a sheet: its first row, its cells by field, and the rows continuing it."""
    sheet: Sheet
    row: int
    cells: dict[str, object]
    more: list[dict[str, object]] = field(default_factory=list)  # continuation rows (more parties on new rows)
    more_rows: list[int] = field(default_factory=list)
    section_team: int | None = None                              # from a «Thôn Đông» heading row above


def run_import(con, workbook: Workbook, kind: str, mappings: dict[str, dict[int, str | None]], options: Options, *,
               actor: str, dry_run: bool, progress: Callable[[int, int], None] | None = None,
               as_of: dt.date | None = None) -> ImportResult:
    """Every row of every sheet through the write path, in one batch (one transaction).

    mappings: per sheet name, column index → field (a sheet missing from it keeps Sheet.mapping); the team of a
    sheet is Sheet.team_id (the page sets it), overridden by options.team_id / options.village (the CLI), and a
    row's own village column or a village heading row above it wins over both. dry_run rolls everything back (the
    preview, through the very same writes). Without options.valid_only one refused row rolls everything back.
    When something was written, one audit_log row (action «import») records the file, kind, counts and sheets.
    Raises ValidationError (nothing written) for a bad mapping or an unknown --team / --village."""
    authorize(con, actor, "setup")  # a whole register at once: the officer's act (each row is checked again)
    _check_kind(kind)
    mappings = {s.name: mappings.get(s.name, s.mapping) for s in workbook.sheets}
    problems = [f"Trang «{name}»: {p}" for name, m in mappings.items() for p in check_mapping(kind, m)]
    if problems:
        raise ValidationError(problems)
    records = [r for s in workbook.sheets for r in _records(s, mappings[s.name], kind, con)]
    outcomes: list[RowOutcome] = []
    written = False
    try:
        with batch(con, commit=not dry_run) as b:
            ctx = _Context(b, kind, options, actor, as_of, dry_run, _places(b.cursor()), *_reference(b.cursor()))
            default_team = _default_team(ctx)
            for done, record in enumerate(records, start=1):
                outcomes.append(_import_row(ctx, record, default_team))
                if progress:
                    progress(done, len(records))
            counts = _counts(outcomes)
            if counts["loi"] and not options.valid_only:
                raise _Refused
            if not dry_run:
                audit(b.cursor(), actor, "import", kind, None, None, {
                    "file": workbook.file_name, "kind": kind, "counts": counts,
                    "sheets": [s.name for s in workbook.sheets], "valid_only": options.valid_only,
                })
                written = True
    except _Refused:
        pass
    if not written and not dry_run:
        for outcome in outcomes:
            outcome.record_id = None if outcome.action == "them_moi" else outcome.record_id
    return ImportResult(outcomes, _counts(outcomes), written)


def _counts(outcomes: list[RowOutcome]) -> dict[str, int]:
    counts = dict.fromkeys(ACTIONS, 0)
    for outcome in outcomes:
        counts[outcome.action] += 1
    return counts


def _reference(cur) -> tuple[dict[str, str], str]:
    """The category labels, and the label of the default grounds."""
    categories = dict(cur.execute("SELECT code, label FROM case_categories ORDER BY sort_order").fetchall())
    grounds = cur.execute("SELECT label FROM case_grounds WHERE code = ?", [DEFAULT_GROUNDS]).fetchone()
    return categories, grounds[0] if grounds else DEFAULT_GROUNDS


def _default_team(ctx: _Context) -> int | None:
    """The options, checked before anything is written; returns the team they force (--team / --village)."""
    options = ctx.options
    if options.concluded_missing not in CONCLUDED_MISSING:
        raise ValidationError(f"Cách xử lý ngày kết thúc «{options.concluded_missing}» không hợp lệ.")
    if options.team_id is not None:
        if not any(p[0] == options.team_id for p in ctx.places):
            raise ValidationError(f"Tổ hòa giải số {options.team_id} không tồn tại.")
        return options.team_id
    if options.village:
        team, why = _match_team(ctx.places, options.village)
        if team is None:
            names = ", ".join(sorted({p[2] for p in ctx.places})) or "chưa có thôn nào"
            raise ValidationError(f"{why or 'Không tìm thấy thôn.'} Các thôn hiện có: {names}.")
        return team
    return None


def _records(sheet: Sheet, mapping: dict[int, str | None], kind: str, con) -> list[_Row]:
    """The sheet's rows as records, cells by field. For cases, a row that only adds parties (no STT, date or summary
    of its own) continues the record above it; a village's group title sets the team of the rows below it."""
    places = _places(con.cursor())
    sections = sorted((row, _match_team(places, title)[0]) for row, title in sheet.headings)
    identity = [c for c, f in mapping.items() if f in ("stt", "received_on", "summary")]
    records: list[_Row] = []
    for row, values in sheet.rows:
        section = next((team for at, team in reversed(sections) if at < row and team is not None), None)
        cells = {f: values[c] for c, f in mapping.items() if f and c < len(values) and not is_missing(values[c])}
        own = {f for c, f in mapping.items() if f and c < len(values) and not is_missing(values[c])
               and (row, c) not in sheet.filled}
        continuation = (kind == "cases" and records and not any(records[-1].row < at < row for at, _ in sections)
                        and all(is_missing(values[c]) or (row, c) in sheet.filled for c in identity)
                        and own & {*PARTY_FIELDS, "mediators"})
        if continuation:
            records[-1].more.append(cells)
            records[-1].more_rows.append(row)
        elif set(cells) - {"stt", "village"}:  # a row with only its number is an unused line of the register
            records.append(_Row(sheet, row, cells, section_team=section))
    return records


def _team_for(ctx: _Context, record: _Row, default_team: int | None,
              on: dt.date | None) -> tuple[int | None, str | None]:
    """A row's team: its village column, a heading above it, the option (--team/--village), the sheet's team."""
    village = record.cells.get("village")
    if village is not None:
        return _match_team(ctx.places, village, on)
    if record.section_team is not None:
        return record.section_team, None
    if ctx.options.village and on is not None:
        team, _ = _match_team(ctx.places, ctx.options.village, on)
        return team or default_team, None
    if default_team is not None:
        return default_team, None
    if record.sheet.team_id is not None:
        return record.sheet.team_id, None
    return None, (f"Chưa biết dòng này thuộc tổ hòa giải nào: trang «{record.sheet.name}» không mang tên thôn "
                  "và tệp không có cột thôn; hãy chọn tổ cho trang (dòng lệnh: --team hoặc --village).")


def _problems(record: _Row) -> list[str]:
    cells = [record.cells, *record.more]
    return [v.message for c in cells for v in c.values() if isinstance(v, CellProblem)]


def _import_row(ctx: _Context, record: _Row, default_team: int | None) -> RowOutcome:
    handler = _import_case if ctx.kind == "cases" else _import_mediator
    return handler(ctx, record, default_team)


def _outcome(record: _Row, action: str, messages: list[str], record_id: int | None, label: str) -> RowOutcome:
    return RowOutcome(record.sheet.name, record.row, action, messages, record_id, label)


# --- cases ------------------------------------------------------------------------------------------------------

def _case_label(cells: dict, parties: list[dict]) -> str:
    parts = []
    if (stt := _text(cells.get("stt"))) is not None:
        parts.append(f"STT {stt}")
    received = _as_date(cells.get("received_on"))
    parts.append(_fmt(received) if received else (_text(cells.get("received_on")) or "chưa có ngày nhận"))
    if parties and parties[0].get("full_name"):
        parts.append(parties[0]["full_name"] + (f" và {len(parties) - 1} người khác" if len(parties) > 1 else ""))
    if summary := _text(cells.get("summary")):
        parts.append(summary if len(summary) <= 60 else summary[:60] + "…")
    return " · ".join(parts)


def _case_parties(record: _Row, received: dt.date | None) -> tuple[list[dict], list[str]]:
    parties, notes = [], []
    for cells in [record.cells, *record.more]:
        for text_field in ("parties", "parties_2"):
            if text_field in cells:
                found, more = _parse_people(str(cells[text_field]), received)
                parties, notes = parties + found, notes + more
        for prefix in ("party_", "party2_"):
            found, more = _party_from_columns(cells.get(prefix + "name"), cells.get(prefix + "age"),
                                              cells.get(prefix + "address"), received)
            parties, notes = parties + found, notes + more
    return parties, notes


def _case_result(cells: dict) -> tuple[str | None, object, list[str], list[str]]:
    """(result code or None when the row does not say, a concluded date found in a «Thành» column, notes, errors)."""
    if "result_thanh" in cells or "result_khong_thanh" in cells:
        thanh, khong = _marked(cells.get("result_thanh")), _marked(cells.get("result_khong_thanh"))
        if thanh and khong:
            return None, None, [], ["Kết quả: cả hai cột «Thành» và «Không thành» đều được đánh dấu; chỉ đánh "
                                    "dấu một cột."]
        mark = cells.get("result_thanh") if thanh else cells.get("result_khong_thanh")
        day = _as_date(mark) if _is_dataish(mark) else None  # some registers write the closing date as the mark
        notes = [f"Ngày kết thúc {_fmt(day)}: lấy từ ô đánh dấu kết quả."] if day else []
        return ("thanh" if thanh else "khong_thanh" if khong else None), day, notes, []
    if "result" not in cells:
        return None, None, [], []
    code = parse_result(cells["result"])
    if code is None:
        return None, None, [], [f"Kết quả «{_text(cells['result'])}» không nhận ra được: ghi «Thành», «Không thành», "
                                "«Đang hòa giải» hoặc «Chuyển cơ quan khác»."]
    return code, None, [], []


def _case_mediators(ctx: _Context, record: _Row, team_id: int, received: dt.date | None) -> tuple[list[int], list[str]]:
    """Mediator names matched by accent-free name within the team and active on the day received; the others are
    reported (often an invited person), and the case is imported without them."""
    names = [n for cells in [record.cells, *record.more] for n in _split_names(cells.get("mediators"))]
    if not names:
        return [], []
    rows = ctx.mediators_of(team_id)
    ids, missing, inactive = [], [], []
    for name in names:
        matches = [r for r in rows if _key_text(r[1]) == _key_text(name)]
        active = [r for r in matches if received is None or ((r[2] is None or r[2] <= received)
                                                              and (r[3] is None or r[3] > received))]
        if active:
            ids.append(active[0][0])
        elif matches:
            inactive.append(f"{matches[0][1]} (không hoạt động vào ngày {_fmt(received)})")
        else:
            missing.append(name)
    notes = []
    if missing:
        notes.append("Không có trong danh sách hòa giải viên của tổ: " + ", ".join(f"«{n}»" for n in missing)
                     + " (có thể là người được mời); vụ việc vẫn được nhập, không gắn những người này.")
    if inactive:
        notes.append("Không gắn vào vụ việc: " + ", ".join(inactive) + ".")
    return sorted(set(ids)), notes


def _case_category(ctx: _Context, cells: dict, summary: str | None) -> tuple[str, str | None]:
    """(category code, a note when it was not read from a category column as written)."""
    if "category" in cells:
        given = _key_text(cells["category"])
        for code, label in ctx.categories.items():
            if given in (_key_text(code), _key_text(label)) or _key_text(label).startswith(given):
                return code, None
        code, word = infer_category(str(cells["category"]))
        if word:
            return code, f"loại «{_text(cells['category'])}» hiểu là «{ctx.categories[code]}»"
    code, word = infer_category(summary)
    label = ctx.categories.get(code, code)
    return code, (f"loại «{label}» suy ra từ chữ «{word}» trong nội dung" if word
                  else f"loại «{label}» vì nội dung không có từ khóa để phân loại")


def _case_data(ctx: _Context, record: _Row, default_team: int | None) -> tuple[dict, list[str], list[str], str]:
    """The case dict for save_case, the notes (warnings, what was inferred), the errors found here, and a label."""
    cells = record.cells
    received_input = _date_input(cells.get("received_on"))
    received = parse_date(received_input, "", [])
    parties, notes = _case_parties(record, received)
    if record.more_rows:
        notes.insert(0, f"Gồm cả dòng {', '.join(map(str, record.more_rows))} (không có STT, ngày nhận và nội dung "
                        "riêng: thêm người vào vụ việc ở dòng trên).")
    errors = _problems(record)
    team_id, why = _team_for(ctx, record, default_team, received)
    if why:
        errors.append(why)
    result, mark_day, more, result_errors = _case_result(cells)
    notes, errors = notes + more, errors + result_errors
    summary = _text(cells.get("summary"))
    texts = {f: "; ".join(t for c in [cells, *record.more] if (t := _text(c.get(f)))) or None
             for f in ("agreement", "note")}
    data = {
        "team_id": team_id, "received_on": received_input, "summary": summary,
        "assigned_on": _date_input(cells.get("assigned_on")),
        "concluded_on": _date_input(cells["concluded_on"]) if "concluded_on" in cells else mark_day,
        "result": result, **texts, "parties": parties, "mediator_ids": [],
    }
    return data, notes, errors, _case_label(cells, parties)


def _refused(ctx: _Context, record: _Row, data: dict, errors: list[str], label: str) -> RowOutcome:
    """A row refused here: our reasons first, then everything else the write path would say about it."""
    check = {**data, "grounds": DEFAULT_GROUNDS, "category": DEFAULT_CATEGORY,
             "result": data.get("result") or "dang_hoa_giai", "concluded_on_missing": True}
    try:
        validate_case(ctx.cur, check, as_of=ctx.as_of)
        more: list[str] = []
    except ValidationError as exc:
        more = [m for m in exc.messages if not m.startswith("Chưa nhập thôn")]
    return _outcome(record, "loi", errors + [m for m in more if m not in errors], None, label)


def _import_case(ctx: _Context, record: _Row, default_team: int | None) -> RowOutcome:
    data, notes, errors, label = _case_data(ctx, record, default_team)
    if errors:
        return _refused(ctx, record, data, errors, label)
    received = parse_date(data["received_on"], "", [])
    first = data["parties"][0]["full_name"] if data["parties"] else None
    key = case_key(data["team_id"], received, first, data["summary"]) if received and first else None
    if key and key in ctx.seen:
        sheet, row = ctx.seen[key]
        return _outcome(record, "bo_qua_trung", [f"Trùng với dòng {row} của trang «{sheet}» (cùng tổ, ngày nhận, "
                                                 "người thứ nhất và nội dung): không nhập lần nữa."], None, label)
    data["mediator_ids"], more = (_case_mediators(ctx, record, data["team_id"], received)
                                  if data["team_id"] else ([], []))
    notes += more
    existing = _existing_case(ctx, key, data) if key else None
    if existing is not None:
        outcome = _update_case(ctx, record, existing, data, key, notes, label)
    else:
        outcome = _insert_case(ctx, record, data, key, notes, label)
    if key and outcome.action != "loi":
        ctx.seen[key] = (record.sheet.name, record.row)
    return outcome


def _existing_case(ctx: _Context, key: str, data: dict) -> dict | None:
    """The case this row already is (same key), with its parties and mediators."""
    case_id = ctx.cases_of(data["team_id"]).get(key)
    return case_snapshot(ctx.cur, case_id) if case_id else None


def _new_case_notes(ctx: _Context, data: dict, record: _Row) -> list[str]:
    """What a new case gets that the register does not say: the result when empty, the grounds, the category."""
    notes = []
    if data["result"] is None:
        data["result"] = "dang_hoa_giai"
        notes.append("Sổ chưa ghi kết quả: nhập là «Đang hòa giải».")
    data["category"], how = _case_category(ctx, record.cells, data["summary"])
    data["grounds"] = DEFAULT_GROUNDS
    notes.append(f"Sổ không ghi căn cứ{'' if how is None else ' và loại vụ việc'}: căn cứ «{ctx.grounds}»"
                 + ("" if how is None else f"; {how}") + " — sửa trong sổ nếu chưa đúng.")
    return notes


def _missing_date_note(ctx: _Context, data: dict) -> list[str]:
    """A concluded case without its date: flagged for completion, or (option «loi») left for the write path to
    refuse («cần có ngày kết thúc»)."""
    if data["result"] in CONCLUDED_RESULTS and data.get("concluded_on") is None and \
            ctx.options.concluded_missing == "bo_sung":
        data["concluded_on_missing"] = True
        return [f"Kết quả «{RESULTS[data['result']]}» nhưng sổ không có ngày kết thúc: để trống, cần bổ sung ngày "
                "kết thúc (vụ việc được tính là kết thúc trong năm nhận)."]
    return []


def _insert_case(ctx: _Context, record: _Row, data: dict, key: str | None, notes: list[str],
                 label: str) -> RowOutcome:
    notes = _new_case_notes(ctx, data, record) + notes
    notes += _missing_date_note(ctx, data)
    data["import_key"] = key
    try:
        case_id = save_case(ctx.batch, data, actor=ctx.actor, as_of=ctx.as_of)
        if key:
            ctx.cases_of(data["team_id"])[key] = case_id
    except DuplicateSuspected as exc:
        return _outcome(record, "bo_qua_trung", exc.messages + ["Dòng này không được nhập."], None, label)
    except ValidationError as exc:
        return _outcome(record, "loi", exc.messages, None, label)
    return _outcome(record, "them_moi", notes, None if ctx.dry_run else case_id, label)


# What an update compares, with the words the preview uses.
CASE_CHANGES = {"summary": "Nội dung", "result": "Kết quả", "concluded_on": "Ngày kết thúc",
                "assigned_on": "Ngày phân công", "agreement": "Thỏa thuận", "note": "Ghi chú",
                "category": "Loại vụ việc",
                "parties": "Các bên", "mediator_ids": "Hòa giải viên"}


def _merge_case(ctx: _Context, current: dict, data: dict, record: _Row) -> tuple[dict, list[str]]:
    """The stored case with what the row says: an empty cell keeps the stored value (an officer may have completed
    the case in the app since), so does a party's missing age or address."""
    merged = {f: current.get(f) for f in CASE_FIELDS}
    merged.update(parties=current["parties"], mediator_ids=current["mediator_ids"])
    notes: list[str] = []
    for f in ("summary", "agreement", "note", "assigned_on"):
        if data.get(f) is not None:
            merged[f] = _keep_accents(current.get(f), data[f]) if isinstance(data[f], str) else data[f]
    if "category" in record.cells:
        merged["category"], how = _case_category(ctx, record.cells, merged["summary"])
        notes += [f"Loại vụ việc: {how}."] if how else []
    if data["mediator_ids"]:
        merged["mediator_ids"] = data["mediator_ids"]
    stored = {_key_text(p["full_name"]): p for p in current["parties"]}
    merged["parties"] = []
    for party in data["parties"]:
        old = stored.get(_key_text(party["full_name"]), {})
        merged["parties"].append({
            "full_name": _keep_accents(old.get("full_name"), party["full_name"]),
            "age": party["age"] if party["age"] is not None else old.get("age"),
            "address": party["address"] or old.get("address"),
        })
    if data["concluded_on"] is not None:
        merged.update(result=data["result"] or current["result"], concluded_on=data["concluded_on"],
                      concluded_on_missing=False)
    elif data["result"] is not None and data["result"] != current["result"]:
        merged.update(result=data["result"], concluded_on=None, concluded_on_missing=False)
        notes += _missing_date_note(ctx, merged)
    return merged, notes


def _show(field_name: str, value, ctx: _Context) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if value is None or value == "" or value == []:
        return "(trống)"
    if field_name == "gender":
        return GENDERS.get(value, value)
    if field_name == "result":
        return RESULTS.get(value, value)
    if field_name == "category":
        return ctx.categories.get(value, value)
    if field_name == "parties":
        return "; ".join(p["full_name"] + (f", {p['age']} tuổi" if p.get("age") is not None else "")
                         + (f", {p['address']}" if p.get("address") else "") for p in value)
    if field_name == "mediator_ids":
        names = dict(ctx.cur.execute("SELECT id, full_name FROM mediators WHERE id IN (SELECT unnest(?::INTEGER[]))",
                                     [list(value)]).fetchall())
        return ", ".join(names.get(i, str(i)) for i in value)
    if isinstance(value, dt.date):
        return _fmt(value)
    return f"«{value}»"


def _comparable(field_name: str, value):
    if field_name == "parties":
        return [(clean(p["full_name"]), _int_in(p["age"]) if p["age"] is not None else None, clean(p["address"]))
                for p in value]
    if field_name in ("concluded_on", "assigned_on", "joined_on") and value is not None:
        errors: list[str] = []
        day = parse_date(value, "", errors)
        return value if errors else day  # a bad date is a change, for the write path to refuse by name
    if field_name == "mediator_ids":
        return sorted(value)
    return clean(value) if isinstance(value, str) else value


def _update_case(ctx: _Context, record: _Row, current: dict, data: dict, key: str, notes: list[str],
                 label: str) -> RowOutcome:
    if current["deleted_at"] is not None:
        return _outcome(record, "bo_qua_trung", [f"Trùng vụ việc số {current['id']} đã bị xóa khỏi sổ: không nhập lại "
                                                 "(khôi phục vụ việc trong sổ nếu cần)."], current["id"], label)
    merged, more = _merge_case(ctx, current, data, record)
    changes = [f"{words}: {_show(f, current[f], ctx)} → {_show(f, merged[f], ctx)}" for f, words in CASE_CHANGES.items()
               if _comparable(f, current[f]) != _comparable(f, merged[f])]
    if not changes:
        return _outcome(record, "bo_qua_trung", [f"Đã có: vụ việc số {current['id']}, không có gì thay đổi."],
                        current["id"], label)
    merged["import_key"] = key
    try:
        save_case(ctx.batch, merged, actor=ctx.actor, case_id=current["id"], expected_version=current["version"],
                  confirm_duplicate=True, as_of=ctx.as_of)
    except ValidationError as exc:
        return _outcome(record, "loi", [f"Cập nhật vụ việc số {current['id']}:", *exc.messages], current["id"], label)
    return _outcome(record, "cap_nhat", [f"Vụ việc số {current['id']}: " + "; ".join(changes), *more, *notes],
                    current["id"], label)


# --- mediators --------------------------------------------------------------------------------------------------

def _gender(value) -> str | None | bool:
    """'nam' / 'nu'; None when empty; False when not understood."""
    text = (clean(_text(value)) or "").lower()
    if not text:
        return None
    if text in ("nam", "m", "male", "trai"):
        return "nam"
    if fold(text) in ("nu", "f", "female", "gai") or text == "nữ":
        return "nu"
    return False


def _birth_year(value) -> object:
    """A year from 1970, «1970», a date of birth (any form a date takes); else the text, for the write path to
    refuse by name."""
    number = _int_in(value)
    if number is not None and 1000 <= number <= 9999:
        return number
    day = _as_date(value)
    return day.year if day else _text(value)


def _yes(value, no_words: tuple[str, ...]) -> bool | None:
    text = _key_text(_text(value))
    if not text:
        return None
    return text not in no_words


def _ethnic(value) -> bool | None:
    """Dân tộc: «Kinh» is not an ethnic minority; any other people («Tày», «Mường»), or an x in a «Dân tộc thiểu
    số» column, is."""
    return _yes(value, ("kinh", "khong", "0", "-"))


def _leader(cells: dict) -> bool | None:
    if "leader" in cells:
        text = _key_text(_text(cells["leader"]))
        return bool(text) and text not in ("khong", "0", "-", "to vien", "thanh vien", "hoa giai vien", "hgv")
    if "role" in cells and _key_text(_text(cells["role"])).startswith("to truong"):
        return True
    return None


def _phone(value) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        digits = str(int(value))
        return "0" + digits if len(digits) == 9 else digits  # Excel drops the leading 0 of a number typed as one
    return _text(value)


def _mediator_data(cells: dict) -> tuple[dict, list[str]]:
    """The fields the row gives (an empty cell gives nothing), and the errors found here."""
    data, errors = {"full_name": _strip_honorific(_text(cells.get("full_name")) or "") or None}, []
    gender = _gender(cells.get("gender")) if "gender" in cells else None
    if gender is False:
        errors.append(f"Giới tính «{_text(cells['gender'])}» không nhận ra được: ghi Nam hoặc Nữ.")
        gender = None
    for target, code in (("birth_year_male", "nam"), ("birth_year_female", "nu")):
        if _marked(cells.get(target)):
            if gender and gender != code:
                errors.append("Giới tính: cả hai cột Nam và Nữ đều có ghi; chỉ ghi một cột.")
            gender = code
            if _int_in(cells[target]) is not None or _is_dataish(cells[target]):
                data["birth_year"] = _birth_year(cells[target])
    if gender:
        data["gender"] = gender
    if "birth_year" in cells:
        data["birth_year"] = _birth_year(cells["birth_year"])
    if (ethnic := _ethnic(cells.get("ethnicity"))) is not None:
        data["ethnic_minority"] = ethnic
    if (leader := _leader(cells)) is not None:
        data["is_leader"] = leader
    if "joined_on" in cells:
        data["joined_on"] = _date_input(cells["joined_on"])
    if "phone" in cells:
        data["phone"] = _phone(cells["phone"])
    for target in ("role", "organisation"):
        if target in cells:
            data[target] = _text(cells[target])
    return data, errors


def _mediator_label(data: dict) -> str:
    year = data.get("birth_year")
    return (data.get("full_name") or "(chưa có họ tên)") + (f" ({year})" if year else "")


def _existing_mediator(ctx: _Context, team_id: int, data: dict) -> tuple[dict | None, str | None, list[str]]:
    """(the team's mediator with this name (accent-free) and birth year, why the row cannot say who it is, a note
    on namesakes born another year). Without a birth year on either side a name matches only when it is unique."""
    rows = ctx.cur.execute("SELECT * FROM mediators WHERE team_id = ? ORDER BY left_on NULLS FIRST, id", [team_id])
    columns = [d[0] for d in rows.description]
    same = [dict(zip(columns, r)) for r in rows.fetchall() if _key_text(r[columns.index("full_name")])
            == _key_text(data["full_name"])]
    year = data.get("birth_year") if isinstance(data.get("birth_year"), int) else None
    if year is not None:
        exact = [m for m in same if m["birth_year"] == year] or [m for m in same if m["birth_year"] is None]
        others = [f"{m['full_name']} sinh năm {m['birth_year']} (số {m['id']})" for m in same if not exact]
        note = [f"Tổ đã có {', '.join(others)}: đây được coi là người khác; nếu là cùng một người, sửa năm sinh "
                "trong tệp."] if others else []
        return (exact[0] if exact else None), None, note
    if len(same) > 1:
        return None, f"Tổ có {len(same)} hòa giải viên tên {data['full_name']}: cần năm sinh để biết là ai.", []
    return (same[0] if same else None), None, []


MEDIATOR_CHANGES = {"full_name": "Họ tên", "gender": "Giới tính", "birth_year": "Năm sinh",
                    "ethnic_minority": "Dân tộc thiểu số", "joined_on": "Ngày công nhận", "phone": "Điện thoại",
                    "role": "Chức danh", "organisation": "Cơ quan, đoàn thể", "is_leader": "Tổ trưởng"}


def _leader_conflict(ctx: _Context, team_id: int, mediator_id: int | None, data: dict) -> list[str]:
    """The file names a tổ trưởng while the team has another: the role is not moved by an import (it moves only
    through «Chuyển vai trò tổ trưởng»), the row is imported without it and says so."""
    if not data.get("is_leader"):
        data.pop("is_leader", None)  # an import never takes the role away either
        return []
    leader = ctx.cur.execute(
        "SELECT full_name FROM mediators WHERE team_id = ? AND is_leader AND id <> coalesce(?, -1)",
        [team_id, mediator_id]).fetchone()
    if leader is None:
        return []
    data.pop("is_leader")
    return [f"Tệp ghi {data['full_name']} là tổ trưởng nhưng tổ đang có tổ trưởng {leader[0]}: giữ nguyên; muốn đổi, "
            "dùng mục «Chuyển vai trò tổ trưởng»."]


def _import_mediator(ctx: _Context, record: _Row, default_team: int | None) -> RowOutcome:
    data, errors = _mediator_data(record.cells)
    errors = _problems(record) + errors
    label = _mediator_label(data)
    team_id, why = _team_for(ctx, record, default_team, None)
    if why:
        errors.append(why)
    if not data["full_name"]:
        errors.append("Chưa có họ tên.")
    if errors:
        return _outcome(record, "loi", errors, None, label)
    key = f"{team_id}|{_key_text(data['full_name'])}|{data.get('birth_year') or ''}"
    if key in ctx.seen:
        sheet, row = ctx.seen[key]
        return _outcome(record, "bo_qua_trung", [f"Trùng với dòng {row} của trang «{sheet}» (cùng tổ, họ tên và năm "
                                                 "sinh): không nhập lần nữa."], None, label)
    current, why, namesakes = _existing_mediator(ctx, team_id, data)
    if why:
        return _outcome(record, "loi", [why], None, label)
    notes = namesakes + _leader_conflict(ctx, team_id, current and current["id"], data)
    outcome = (_update_mediator(ctx, record, current, data, notes, label) if current
               else _insert_mediator(ctx, record, team_id, data, notes, label))
    if outcome.action != "loi":
        ctx.seen[key] = (record.sheet.name, record.row)
    return outcome


def _insert_mediator(ctx: _Context, record: _Row, team_id: int, data: dict, notes: list[str],
                     label: str) -> RowOutcome:
    try:
        new_id = save_mediator(ctx.batch, {**data, "team_id": team_id}, actor=ctx.actor, as_of=ctx.as_of)
    except ValidationError as exc:
        return _outcome(record, "loi", exc.messages + notes, None, label)
    return _outcome(record, "them_moi", notes, None if ctx.dry_run else new_id, label)


def _update_mediator(ctx: _Context, record: _Row, current: dict, data: dict, notes: list[str],
                     label: str) -> RowOutcome:
    incoming = {k: v for k, v in data.items() if v is not None}
    incoming["full_name"] = _keep_accents(current["full_name"], incoming["full_name"])
    errors: list[str] = []
    normal = {k: (parse_date(v, "", errors) if k == "joined_on" else v) for k, v in incoming.items()}
    changes = [f"{MEDIATOR_CHANGES[k]}: {_show(k, current[k], ctx)} → {_show(k, normal[k], ctx)}"
               for k in MEDIATOR_CHANGES if k in normal and not errors and
               _comparable(k, current[k]) != _comparable(k, normal[k])]
    if not changes and not errors:
        return _outcome(record, "bo_qua_trung", [f"Đã có: hòa giải viên số {current['id']}, không có gì thay đổi.",
                                                 *notes], current["id"], label)
    try:
        save_mediator(ctx.batch, incoming, actor=ctx.actor, mediator_id=current["id"],
                      expected_version=current["version"], as_of=ctx.as_of)
    except ValidationError as exc:
        return _outcome(record, "loi", [f"Cập nhật hòa giải viên số {current['id']}:", *exc.messages],
                        current["id"], label)
    return _outcome(record, "cap_nhat", [f"Hòa giải viên số {current['id']}: " + "; ".join(changes), *notes],
                    current["id"], label)
