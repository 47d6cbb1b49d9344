"""Hồ sơ kiểm chứng: which evidence documents the year's indicators need, upload, download, correct, remove."""
import streamlit as st

from db import places
from db.criteria import evidence
from db.core.writes import ValidationError, VersionConflict
from pages.common import (reader, place, Editing, actor, connection, date_field, download, filters, flash, fmt_date, is_true, may, md_text,
                          paged, presenting, show_errors, show_flash, table, village_name)

# The uploader takes any file and db/criteria/evidence.py checks its content, so a wrong type or size is refused in
# Vietnamese («Error: text/plain files are not allowed» is Streamlit's own, English). Up to Streamlit's own
# upload limit; the app's limit (MAX_FILE_MB) is checked and explained on save.
UPLOAD_LIMIT_MB = 200

con = connection()
read = reader(con)
year, village_id = filters()
where = place()  # the village, or a commune or province of a file of many communes
place = village_name(con, village_id)
need = read(evidence.requirements, year, where)
kinds = dict(zip(need["kind"], need["label"]))
kind_codes = list(kinds)
commune = read(places.commune_scope, where)  # the commune shown; None: several communes and none chosen
# A document is the whole commune's or one of its villages' (never one of the 95,000 villages of a national file).
scopes = {0: "Toàn xã", **read(evidence.villages_of, commune)} if commune is not None else {}
requested_kind = st.query_params.get("loai")


def done(message: str, where: str) -> None:
    flash(message, where)
    st.session_state["evidence_form_n"] = st.session_state.get("evidence_form_n", 0) + 1  # empty upload form
    st.rerun()


def village_names(villages, shown: int = 12) -> str:
    """The villages lacking a kind, the first few by name and the others counted: a province's list has thousands."""
    villages = list(villages)
    more = len(villages) - shown
    return ", ".join(villages[:shown]) + (f" và {more} thôn khác" if more > 0 else "")


def status_text(row) -> str:
    if is_true(row["present"]):
        return f"Đã có ({int(row['docs'])} hồ sơ)"
    villages = list(row["missing_villages"])
    return "Thiếu" + (f": {village_names(villages)}" if villages else "")


st.title("Hồ sơ kiểm chứng")
st.caption(f"Năm {year} · {place} · Tài liệu kiểm chứng của các chỉ tiêu tiếp cận pháp luật về hòa giải ở cơ sở. "
           f"Tệp PDF, ảnh (PNG, JPEG), Word hoặc Excel, tối đa {evidence.MAX_FILE_MB} MB; loại tệp được kiểm tra "
           "theo nội dung.")

required = need[[len(r) > 0 for r in need["required_by"]]]
have = int(required["present"].sum())
c1, c2 = st.columns(2, border=True)
c1.metric("Loại hồ sơ các chỉ tiêu cần đã có", f"{have}/{len(required)}",
          help=f"Các loại tài liệu kiểm chứng mà chỉ tiêu áp dụng năm {year} yêu cầu, cho {place.lower()}.")
listing = read(evidence.documents, year, where)
c2.metric("Hồ sơ đã tải lên", len(listing), help="Gồm hồ sơ của thôn đang lọc và hồ sơ chung của toàn xã.")
if len(required) > have:
    st.warning("Còn thiếu: " + "; ".join(
        md_text(r["label"]) + (f" (của {md_text(village_names(r['missing_villages']))})" if len(r["missing_villages"])
                               else "")
        for _, r in required[~required["present"]].iterrows()), icon=":material/folder_off:")

st.page_link("pages/criteria.py", label="Xem các chỉ tiêu và trạng thái", icon=":material/fact_check:",
             query_params={"nam": year, **({"thon": village_id} if village_id else {})})

st.subheader("Hồ sơ các chỉ tiêu cần")
needed = need.assign(
    status=[status_text(r) for _, r in need.iterrows()],
    required=[", ".join(r) if len(r) else "Không chỉ tiêu nào yêu cầu" for r in need["required_by"]],
    scope=need["per_village"].map({True: "Từng thôn (hoặc một bộ chung)", False: "Toàn xã"}),
)
table(
    needed[["label", "required", "scope", "status"]].style.map(lambda v: "color: #c62828; font-weight: 600" if str(v).startswith("Thiếu")
                    else "color: #2e7d32" if str(v).startswith("Đã có") else "", subset=["status"]),
    column_order=["label", "required", "scope", "status"],
    column_config={
        "label": st.column_config.TextColumn("Loại hồ sơ", width="large"),
        "required": st.column_config.TextColumn("Chỉ tiêu cần", width="small",
                                                help="Mã chỉ tiêu (xem trang Tiêu chí)"),
        "scope": st.column_config.TextColumn("Phạm vi", width="medium"),
        "status": st.column_config.TextColumn("Tình trạng", width="medium"),
    },
    hide_index=True, width="stretch",
)

if may("evidence") and commune is None:
    st.subheader("Thêm hồ sơ")
    st.info("Chọn xã ở thanh bên để thêm hồ sơ của xã đó hoặc của một thôn của xã.", icon=":material/location_city:")
elif may("evidence"):  # the officer adds documents; others read
    st.subheader("Thêm hồ sơ")
    form_id = f"evidence_add_{year}_{st.session_state.get('evidence_form_n', 0)}"
    missing_codes = [k for k in required.loc[~required["present"], "kind"]]
    default_kind = (requested_kind if requested_kind in kinds
                    else missing_codes[0] if missing_codes else kind_codes[0])
    with st.form(form_id):
        k1, k2 = st.columns([2, 1])
        kind = k1.selectbox("Loại hồ sơ", kind_codes, index=kind_codes.index(default_kind), format_func=kinds.get,
                            key=f"{form_id}_kind")
        per_village = bool(need.set_index("kind").loc[default_kind, "per_village"])  # else a commune document
        scope = k2.selectbox("Của", list(scopes), index=list(scopes).index((village_id if per_village else 0) or 0),
                             format_func=scopes.get, key=f"{form_id}_scope",
                             help="Toàn xã, hoặc một thôn (Sổ theo dõi, Báo cáo của Tổ trưởng).")
        d1, d2 = st.columns(2)
        doc_no = d1.text_input("Số văn bản", key=f"{form_id}_doc_no", placeholder="Ví dụ: 125/BC-UBND")
        doc_date = date_field("Ngày văn bản", None, container=d2, key=f"{form_id}_doc_date")
        note = st.text_input("Ghi chú", key=f"{form_id}_note", placeholder="Trích yếu, nơi lưu bản giấy…")
        upload = st.file_uploader(f"Tệp đính kèm: PDF, ảnh PNG/JPEG, Word hoặc Excel, tối đa {evidence.MAX_FILE_MB} MB",
                                  max_upload_size=UPLOAD_LIMIT_MB, key=f"{form_id}_file")
        submitted = st.form_submit_button(f"Lưu hồ sơ năm {year}", icon=":material/upload_file:", type="primary",
                                          key=f"{form_id}_save")
    if submitted:
        try:
            new_id = evidence.add_document(
                con, {"year": year, "village_id": scope or None, "kind": kind, "doc_no": doc_no,
                      "doc_date": doc_date, "note": note, "commune_id": commune},
                upload.getvalue() if upload is not None else None, upload.name if upload is not None else None,
                actor=actor())
        except ValidationError as exc:
            show_errors(exc)
        else:
            done(f"Đã lưu hồ sơ số {new_id}: {kinds[kind]} ({scopes[scope or 0]}, năm {year}).", "add")
    show_flash("add")

st.subheader("Hồ sơ đã có")
if listing.empty:
    st.info(f"Chưa có hồ sơ nào của năm {year} cho {place.lower()}.")
    st.stop()
shown_docs = paged(listing, "evidence_documents")  # a page of the list: a province's year holds thousands
table(
    shown_docs.assign(date_text=shown_docs["doc_date"].map(fmt_date),
                      size_text=shown_docs["size_bytes"].map(evidence.size_text), doc_no=shown_docs["doc_no"].fillna("")),
    column_order=["id", "kind_label", "scope", "doc_no", "date_text", "file_name", "size_text"],
    column_config={
        "id": st.column_config.NumberColumn("Số", width="small"),
        "kind_label": st.column_config.TextColumn("Loại hồ sơ", width="large"),
        "scope": st.column_config.TextColumn("Của"),
        "doc_no": st.column_config.TextColumn("Số văn bản", width="small"),
        "date_text": st.column_config.TextColumn("Ngày", width="small"),
        "file_name": st.column_config.TextColumn("Tệp", width="medium"),
        "size_text": st.column_config.TextColumn("Dung lượng", width="small"),
    },
    hide_index=True, width="stretch",
)

if presenting():  # no downloads on the meeting screen
    st.stop()
labels = {int(r.id): f"Số {r.id} · {r.kind_label} · {r.scope}" for r in shown_docs.itertuples()}
doc_id = st.selectbox("Tải về, sửa hoặc xóa hồ sơ" if may("evidence") else "Tải về hồ sơ", list(labels), format_func=labels.get, key="evidence_open")
doc = evidence.get_document(con, doc_id)
# The file (up to 10 MB) is read when the button is clicked, not on every run of the page.
download(f"Tải về «{doc['file_name']}» ({evidence.size_text(doc['size_bytes'])})",
         data=lambda: evidence.file_content(con, doc_id)[0], file_name=doc["file_name"], mime=doc["mime_type"],
         icon=":material/download:", key=f"evidence_download_{doc_id}")
show_flash("edit")
if not may("evidence"):  # the officer corrects and deletes; others read
    st.stop()
edit = Editing(f"evidence_edit_{doc_id}", "evidence_documents", lambda: evidence.get_document(con, doc_id))
mine = edit.record  # the document as this form opened it
edit_id = edit.key
own_scopes = {0: "Toàn xã", **read(evidence.villages_of, mine["commune_id"])}  # its own commune's villages
with st.expander("Sửa thông tin hoặc thay tệp"):
    with st.form(edit_id):
        e1, e2 = st.columns([2, 1])
        new_kind = e1.selectbox("Loại hồ sơ", kind_codes, format_func=kinds.get, key=f"{edit_id}_kind",
                                index=kind_codes.index(mine["kind"]) if mine.get("kind") in kind_codes else 0)
        new_scope = e2.selectbox("Của", list(own_scopes), index=list(own_scopes).index(mine.get("village_id") or 0),
                                 format_func=own_scopes.get, key=f"{edit_id}_scope")
        f1, f2 = st.columns(2)
        new_no = f1.text_input("Số văn bản", value=mine.get("doc_no") or "", key=f"{edit_id}_doc_no")
        new_date = date_field("Ngày văn bản", mine.get("doc_date"), container=f2, key=f"{edit_id}_doc_date")
        new_note = st.text_input("Ghi chú", value=mine.get("note") or "", key=f"{edit_id}_note")
        new_file = st.file_uploader("Thay bằng tệp khác (để trống nếu giữ tệp cũ)", max_upload_size=UPLOAD_LIMIT_MB,
                                    key=f"{edit_id}_file")
        submitted = st.form_submit_button("Lưu thay đổi", icon=":material/save:", key=f"{edit_id}_save")
    # Outside the form: the stale-edit notice has buttons.
    if not submitted:
        edit.show_conflict()
    else:
        try:
            evidence.update_document(
                con, doc_id, {"year": doc["year"], "village_id": new_scope or None, "kind": new_kind,
                              "doc_no": new_no, "doc_date": new_date, "note": new_note},
                actor=actor(), expected_version=edit.version,
                content=new_file.getvalue() if new_file is not None else None,
                file_name=new_file.name if new_file is not None else None)
        except VersionConflict:
            edit.conflict()
        except ValidationError as exc:
            show_errors(exc)
        else:
            edit.saved()
            done(f"Đã lưu thay đổi của hồ sơ số {doc_id}.", "edit")
with st.expander("Xóa hồ sơ"):
    st.caption("Hồ sơ bị xóa không còn được tính cho chỉ tiêu; tệp vẫn được giữ trong nhật ký thay đổi.")
    if st.button(f"Xóa hồ sơ số {doc_id}", icon=":material/delete:", key=f"evidence_delete_{doc_id}"):
        try:
            evidence.delete_document(con, doc_id, actor=actor(), expected_version=edit.version)
        except ValidationError as exc:  # a VersionConflict too: its message says to reload first
            show_errors(exc)
        else:
            edit.saved()
            done(f"Đã xóa hồ sơ số {doc_id} khỏi hồ sơ năm {year}.", "add")
