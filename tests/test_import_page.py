"""The «Nhập dữ liệu» page (issue 12) on the real app: a messy register in the MOJ layout, built here, uploaded,
mapped, previewed and imported; all or nothing unless the officer chooses the valid rows; a second import adds
nothing; the imported cases without a closing date are listed for completion on the register."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
from streamlit.testing.v1 import AppTest

from conftest import app_connection, new_app, open_page

MOJ_HEAD = [
    ["UBND XÃ ĐOÀN KẾT", *[None] * 9],
    ["SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ NĂM 2023", *[None] * 9],
    [None] * 10,
    ["STT", "Ngày nhận vụ việc", "Hòa giải viên, người được mời", "Họ tên, tuổi, địa chỉ của các bên",
     "Nội dung chủ yếu của vụ việc", "Thỏa thuận của các bên", "Kết quả hòa giải", None, "Chữ ký", "Ghi chú"],
    [None] * 6 + ["Thành", "Không thành", None, None],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)"],
]
MERGES = ["A1:J1", "A2:J2", "A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:E5", "F4:F5", "G4:H4", "I4:I5", "J4:J5"]
ROWS = [
    [1, "05/03/2023", "Nguyễn Văn Hùng", "Hoàng Văn Nhậpmột, 52 tuổi, xóm 2; Đào Thị Nhậphai, 47t, xóm 2",
     "Tranh chấp lối đi chung giữa hai hộ", "Mở lại lối đi rộng 1,5 m", "x", None, None, None],
    [2, dt.datetime(2023, 4, 12), "Phạm Thị Lan", "Lò Văn Nhậpba, 60 tuổi, xóm 3", "Vay tiền không trả đúng hẹn",
     None, None, "x", None, "Hướng dẫn khởi kiện"],
    [3, "ngày 7 tháng 6 năm 2023", "Trần Văn Bình", "Vi Thị Nhậpbốn, 35 tuổi, xóm 1",
     "Mâu thuẫn do vật nuôi phá hoa màu", "Bồi thường 300.000 đồng", "x", None, None, None],
    [4, "31/02/2023", "Vũ Thị Hạnh", "Mạc Văn Nhậpnăm, 44 tuổi, xóm 4", "Tranh chấp ranh giới đất", None, "x", None,
     None, None],
    ["Cộng", None, None, None, None, None, 2, 1, None, None],
]


def register_workbook() -> bytes:
    """A team's register as communes keep it: title rows, a two-row merged header, a numbering row, dates written
    three ways, an impossible date, a total row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Thôn An Lạc"
    for row in MOJ_HEAD + ROWS:
        sheet.append(row)
    for cells in MERGES:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    uploader = at.get("file_uploader")[0]
    uploader.upload(name, content)
    return at.run()


def counts(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric if m.label in ("Thêm mới", "Cập nhật", "Bỏ qua vì trùng", "Lỗi")}


def click(at: AppTest, label: str) -> AppTest:
    return next(b for b in at.button if b.label == label).click().run()


def test_a_messy_register_is_previewed_imported_and_never_imported_twice(app):
    at = open_page(app, "pages/importing.py")
    con = app_connection()
    before = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    at = upload(at, "so-theo-doi-an-lac.xlsx", register_workbook())
    assert not at.exception
    # The header and the meaning of each column are suggested from the Vietnamese headers, the team from the sheet.
    team = next(s for s in at.selectbox if s.label == "Tổ hòa giải của trang này")
    assert team.value == con.execute("SELECT id FROM teams WHERE name = 'Tổ hòa giải thôn An Lạc'").fetchone()[0]
    assert next(s for s in at.selectbox if s.label.startswith("Cột 2:")).value == "received_on"
    assert next(s for s in at.selectbox if s.label.startswith("Cột 9:")).value == "__bo_qua__"  # the signature
    assert next(b for b in at.button if b.label == "Nhập dữ liệu").disabled  # a preview comes first

    at = click(at, "Xem trước")
    assert counts(at) == {"Thêm mới": "3", "Cập nhật": "0", "Bỏ qua vì trùng": "0", "Lỗi": "1"}
    preview = next(d.value for d in at.dataframe if "why" in d.value.columns)
    refused = preview[preview["code"] == "loi"].iloc[0]
    assert refused["row"] == 10 and "tháng 02/2023 chỉ có 28 ngày" in refused["why"]
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == before  # the preview wrote nothing

    # All or nothing by default: one bad row, nothing saved, said in Vietnamese.
    at = click(at, "Nhập dữ liệu")
    assert any("Chưa nhập gì: 1 dòng lỗi" in e.value for e in at.error)
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == before

    at = at.radio(key="import_valid_only").set_value(True).run()
    assert next(b for b in at.button if b.label == "Nhập dữ liệu").disabled  # options changed: preview again
    at = click(at, "Xem trước")
    at = click(at, "Nhập dữ liệu")
    assert not at.exception
    assert any("Đã nhập tệp «so-theo-doi-an-lac.xlsx»: thêm mới 3" in s.value and "không nhập 1 dòng lỗi" in s.value
               for s in at.success)
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == before + 3
    rows = con.execute("SELECT received_on, result, concluded_on, concluded_on_missing FROM cases "
                       "WHERE import_key IS NOT NULL ORDER BY received_on").fetchall()
    assert rows == [(dt.date(2023, 3, 5), "thanh", None, True), (dt.date(2023, 4, 12), "khong_thanh", None, True),
                    (dt.date(2023, 6, 7), "thanh", None, True)]
    assert con.execute("SELECT actor, action FROM audit_log WHERE action = 'import'").fetchall()

    # The same file again: every row is already there.
    at = upload(open_page(new_app(), "pages/importing.py"),
                "so-theo-doi-an-lac.xlsx", register_workbook())
    at = click(at, "Xem trước")
    assert counts(at) == {"Thêm mới": "0", "Cập nhật": "0", "Bỏ qua vì trùng": "3", "Lỗi": "1"}

    # The register lists them for completion.
    at = open_page(at, "pages/cases.py", nam=2023, bo_sung=1)
    assert at.markdown[0].value.startswith("**3 vụ việc**")


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_vietnamese(app):
    at = open_page(app, "pages/importing.py")
    at = upload(at, "ghi-chu.xlsx", "Đây không phải bảng tính".encode())
    assert not at.exception
    assert any("Chưa lưu được vì" in e.value for e in at.error)
    assert not [b for b in at.button if b.label == "Xem trước"]
