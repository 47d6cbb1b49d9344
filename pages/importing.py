"""Nhập dữ liệu: the commune's existing records in, from Excel (.xlsx, .xls) or CSV — the Sổ theo dõi in the MOJ
layout and the mediator lists. Upload → the header and the columns' meaning suggested from the Vietnamese headers,
editable → a preview where every row says what will happen (through the very same write path, rolled back) →
import, all or nothing by default → a summary. The engine is db/tools/importing.py; the CLI does the same
(python -m db import)."""
import hashlib

import pandas as pd
import streamlit as st

from db import places
from db.tools import backup, importing
from db.core.writes import ValidationError
from pages.common import (WRAP_ROW_HEIGHT, actor, connection, flash, md_text, presenting, show_errors,
                          show_flash, table)

con = connection()
IGNORE = "__bo_qua__"  # the «Bỏ qua» choice of a column (a selectbox shows None as «nothing chosen»)
BY_ROW = 0             # a sheet's team: «theo cột thôn hoặc tiêu đề nhóm trong trang»

st.title("Nhập dữ liệu từ Excel")
st.caption("Đưa sổ theo dõi hoạt động hòa giải (mẫu của Bộ Tư pháp) và danh sách hòa giải viên đang có vào ứng dụng, "
           "từ tệp Excel (.xlsx, .xls) hoặc CSV. Xem trước từng dòng sẽ được xử lý thế nào, rồi mới nhập. Nhập lại "
           "cùng tệp không tạo bản ghi trùng; dòng đã sửa trong tệp cập nhật bản ghi cũ.")
show_flash()
if presenting():
    st.info("Chế độ trình chiếu chỉ để xem: không nhập dữ liệu.", icon=":material/co_present:")
    st.stop()

team_table = places.teams(con)
live_teams = team_table[team_table["valid_to"].isna()]
if live_teams.empty:
    st.info("Chưa có tổ hòa giải nào: tạo xã, thôn và tổ hòa giải ở trang «Thiết lập xã» trước.",
            icon=":material/info:")
    st.page_link("pages/setup.py", label="Thiết lập xã", icon=":material/location_city:")
    st.stop()
team_names = {BY_ROW: "— Theo cột «Thôn» hoặc tiêu đề nhóm trong trang —",
              **{int(t.id): f"{t.name} ({t.village})" + ("" if pd.isna(t.valid_to) else f", đến {t.valid_to:%d/%m/%Y}")
                 for t in team_table.itertuples()}}

kind = st.radio("Loại dữ liệu", list(importing.KINDS), format_func=importing.KINDS.get, horizontal=True,
                key="import_kind")
upload = st.file_uploader(f"Tệp Excel (.xlsx, .xls) hoặc CSV, tối đa {importing.MAX_BYTES // (1024 * 1024)} MB",
                          max_upload_size=200, key=f"import_file_{st.session_state.get('import_generation', 0)}")
if upload is None:
    st.caption("Mỗi trang tính là sổ của một tổ (đặt tên trang theo tên thôn), hoặc một trang có cột «Thôn». Dòng tiêu "
               "đề nhiều dòng, ô gộp, dòng trống, dòng «Cộng», ngày viết kiểu 07/06/2023 hay «ngày 7 tháng 6 năm 2023» "
               "đều đọc được.")
    st.stop()

content = upload.getvalue()
fingerprint = f"{kind}:{hashlib.sha256(content).hexdigest()}"
if st.session_state.get("import_fingerprint") != fingerprint:  # a new file (or kind): read it once
    st.session_state["import_fingerprint"] = fingerprint
    st.session_state.pop("import_preview", None)
    try:
        st.session_state["import_book"] = importing.read_file(content, upload.name, kind, con)
        st.session_state.pop("import_refused", None)
    except ValidationError as exc:
        st.session_state["import_book"] = None
        st.session_state["import_refused"] = exc.messages
book: importing.Workbook | None = st.session_state["import_book"]
if book is None:
    show_errors(ValidationError(st.session_state["import_refused"]))
    st.stop()

# --- each sheet: its team and what each column means ----------------------------------------------------------
st.subheader("Các trang tính và cột")
for skipped in book.skipped:
    st.caption(f":material/block: {md_text(skipped)}")
choices = [IGNORE, *importing.FIELDS[kind]]
labels = {IGNORE: "Bỏ qua", **importing.FIELDS[kind]}
mappings: dict[str, dict[int, str | None]] = {}
for number, sheet in enumerate(book.sheets):
    key = f"import_{fingerprint[-12:]}_{number}"
    with st.expander(f"Trang «{sheet.name}»: {len(sheet.rows)} dòng dữ liệu, tiêu đề ở dòng "
                     f"{sheet.header_rows[0]}–{sheet.header_rows[1]}", expanded=len(book.sheets) == 1 or number == 0,
                     icon=":material/table_view:"):
        if kind == "cases" or "village" not in sheet.mapping.values():
            options = list(team_names)
            picked = st.selectbox("Tổ hòa giải của trang này", options,
                                  index=options.index(sheet.team_id) if sheet.team_id in team_names else 0,
                                  format_func=team_names.get, key=f"{key}_team",
                                  help="Gợi ý theo tên trang hoặc tiêu đề phía trên bảng. Dòng có cột «Thôn» hoặc nằm "
                                       "dưới một tiêu đề nhóm (VD «Thôn Bắc») theo thôn đó.")
            sheet.team_id = None if picked == BY_ROW else picked
        columns = st.columns(3)
        mapping = {}
        for c, label in enumerate(sheet.columns):
            suggested = sheet.mapping.get(c) or IGNORE
            chosen = columns[c % 3].selectbox(
                f"Cột {c + 1}: {label[:60] or '(không tiêu đề)'}", choices, index=choices.index(suggested),
                format_func=labels.get, key=f"{key}_col{c}")
            mapping[c] = None if chosen == IGNORE else chosen
        mappings[sheet.name] = mapping
        for problem in importing.check_mapping(kind, mapping):
            st.warning(md_text(problem), icon=":material/warning:")
        sample = importing.display_rows(sheet, 5)
        if sample:
            st.caption("Vài dòng đầu (dòng số như trong Excel):")
            table(pd.DataFrame(sample, columns=["Dòng", *[f"{i + 1}. {c[:30]}" for i, c in enumerate(sheet.columns)]]),
                  max_rows=5)
        if sheet.notes:
            st.caption("Các dòng không phải dữ liệu, không nhập: " + "; ".join(md_text(n) for n in sheet.notes[:12])
                       + (f"; … và {len(sheet.notes) - 12} dòng khác" if len(sheet.notes) > 12 else ""))

# --- options, preview, import ----------------------------------------------------------------------------------
st.subheader("Xem trước và nhập")
o1, o2 = st.columns(2)
concluded = "bo_sung"
if kind == "cases":
    concluded = o1.radio("Vụ việc đã kết thúc mà sổ không ghi ngày kết thúc", list(importing.CONCLUDED_MISSING),
                         format_func=importing.CONCLUDED_MISSING.get, key="import_concluded",
                         help="Sổ theo dõi mẫu của Bộ Tư pháp không có cột ngày kết thúc. Ứng dụng không tự đặt ngày.")
valid_only = o2.radio("Khi có dòng lỗi", [False, True], key="import_valid_only",
                      format_func={False: "Không nhập gì (sửa tệp rồi nhập lại)",
                                   True: "Chỉ nhập các dòng hợp lệ"}.get)
options = importing.Options(valid_only=valid_only, concluded_missing=concluded)
state = (fingerprint, repr(sorted((s, sorted(m.items())) for s, m in mappings.items())),
         repr([s.team_id for s in book.sheets]), concluded, valid_only)


def run(dry_run: bool) -> importing.ImportResult | None:
    bar = st.progress(0.0, text="Đang xử lý…")
    try:
        return importing.run_import(con, book, kind, mappings, options, actor=actor(), dry_run=dry_run,
                                    progress=lambda done, total: bar.progress(done / max(total, 1),
                                                                              text=f"Đang xử lý dòng {done}/{total}…"))
    except ValidationError as exc:
        show_errors(exc)
        return None
    finally:
        bar.empty()


b1, b2 = st.columns(2)
if b1.button("Xem trước", icon=":material/preview:", key="import_preview_button", width="stretch"):
    if (result := run(dry_run=True)) is not None:
        st.session_state["import_preview"] = (state, result)
preview = st.session_state.get("import_preview")
ready = preview is not None and preview[0] == state
if b2.button("Nhập dữ liệu", type="primary", icon=":material/upload:", key="import_run", disabled=not ready,
             width="stretch", help=None if ready else "Bấm «Xem trước» (lại) sau khi chọn tệp, cột và tùy chọn."):
    backup.automatic_backup(con, "truoc-nhap")  # what the file held before the import, kept aside
    if (result := run(dry_run=False)) is not None:
        st.cache_data.clear()
        counts = result.counts
        if result.written:
            flash(f"Đã nhập tệp «{book.file_name}»: thêm mới {counts['them_moi']}, cập nhật {counts['cap_nhat']}, bỏ "
                  f"qua vì trùng {counts['bo_qua_trung']}" + (f", không nhập {counts['loi']} dòng lỗi" if counts["loi"]
                                                              else "") + ".")
            st.session_state["import_generation"] = st.session_state.get("import_generation", 0) + 1
            for key in ("import_preview", "import_fingerprint", "import_book"):
                st.session_state.pop(key, None)
            st.rerun()
        st.session_state["import_preview"] = (state, result)
        preview = st.session_state["import_preview"]
        st.error(f"Chưa nhập gì: {counts['loi']} dòng lỗi (nhập tất cả hoặc không nhập gì). Sửa các dòng trong tệp "
                 "rồi tải lên lại, hoặc chọn «Chỉ nhập các dòng hợp lệ».", icon=":material/error:")

if preview is not None:
    _state, result = preview
    if _state != state:
        st.info("Tệp, cột hoặc tùy chọn đã đổi: bấm «Xem trước» lại.", icon=":material/refresh:")
    counts = result.counts
    c1, c2, c3, c4 = st.columns(4, border=True)
    c1.metric(importing.ACTIONS["them_moi"], counts["them_moi"])
    c2.metric(importing.ACTIONS["cap_nhat"], counts["cap_nhat"])
    c3.metric(importing.ACTIONS["bo_qua_trung"], counts["bo_qua_trung"])
    c4.metric(importing.ACTIONS["loi"], counts["loi"])
    rows = pd.DataFrame([{"sheet": o.sheet, "row": o.row, "action": importing.ACTIONS[o.action], "code": o.action,
                          "label": o.label, "why": "; ".join(o.messages)} for o in result.outcomes])
    if not rows.empty:
        shown = st.multiselect("Hiện các dòng", list(importing.ACTIONS), format_func=importing.ACTIONS.get,
                               default=[a for a in importing.ACTIONS if counts[a]], select_all=False,
                               key="import_show")
        rows = (rows[rows["code"].isin(shown)].assign(errors_first=rows["code"] != "loi")
                .sort_values(["errors_first", "sheet", "row"], kind="stable"))
        table(rows.style.map(lambda v: "color: #c62828; font-weight: 600" if v == importing.ACTIONS["loi"] else "",
                             subset=["action"]),
              column_order=["sheet", "row", "action", "label", "why"],
              column_config={"sheet": st.column_config.TextColumn("Trang", width=110),
                             "row": st.column_config.NumberColumn("Dòng", width=60, format="%d"),
                             "action": st.column_config.TextColumn("Sẽ làm", width=120),
                             "label": st.column_config.TextColumn("Dòng trong tệp", width=300),
                             "why": st.column_config.TextColumn("Lý do, ghi chú", width=520)},
              row_height=WRAP_ROW_HEIGHT, max_rows=12)  # the reasons wrap over three lines
