"""Nhật ký thay đổi: who changed what and when, field by field from → to; deleted rows brought back through the
write path; a check that the log was not edited outside the app. Reads db.core.audit only (the log is append-only)."""
import streamlit as st

from db.core import audit
from db.core.writes import ValidationError
from pages.common import (
    actor, connection, date_field, day_or_none, flash, fmt_int, md_text, presenting, sees_personal_data, show_errors,
    show_flash,
)

con = connection()

# The page's filters live in the URL too (STYLE.md, "Every view is a URL"):
#   bang = table code; so = record number; nguoi = the person as recorded; thao_tac = action code;
#   tu / den = dates dd/mm/yyyy (both included); trang = page number. URL parameter → widget key:
URL_FILTERS = {"bang": "nk_bang", "so": "nk_so", "nguoi": "nk_nguoi", "thao_tac": "nk_thao_tac", "tu": "nk_tu",
               "den": "nk_den"}
APPLIED_URL = "_audit_filters_url"
PAGE_KEY = "nk_trang"
ALL = ""  # a selectbox's «Tất cả» option


def shown(value: str) -> str:
    """A value of the log inside markdown: as typed (escaped), on one line, «(trống)» for nothing."""
    return md_text(" ".join(value.split())) if value.strip() else "*(trống)*"


def restore_button(entry: audit.Entry, where: str, button_area=None, message_area=None) -> None:
    """«Khôi phục» for a deleted row; a refusal right under it (message_area), the result by show_flash(where) on
    the next run."""
    if (button_area or st).button("Khôi phục", key=f"{where}_{entry.id}", icon=":material/restore_from_trash:",
                 help="Đưa bản ghi trở lại qua đường ghi dữ liệu chung (kiểm tra quyền, khóa số liệu và các quy tắc "
                      "như khi nhập mới); lần khôi phục cũng được ghi vào nhật ký."):
        try:
            message = audit.restore(con, entry.id, actor=actor())
        except ValidationError as exc:
            with message_area or st.container():
                show_errors(exc)
        else:
            flash(message, where)
            st.rerun()


def show_entry(entry: audit.Entry) -> None:
    label = f"{entry.when} · {md_text(entry.actor)} · {entry.title} · {entry.action_label}"
    with st.expander(label, expanded=f"_flash_restore_{entry.id}" in st.session_state):
        if entry.changes:
            st.markdown("\n".join(f"- **{md_text(c.label)}**: {shown(c.old)} → {shown(c.new)}" for c in entry.changes))
        else:
            st.caption("Không có trường nào thay đổi.")
        st.caption(f"Mục nhật ký số {entry.id}")
        show_flash(f"restore_{entry.id}")
        if entry.restorable:
            restore_button(entry, f"restore_{entry.id}")


def _int(raw) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() else None


st.title("Nhật ký thay đổi")
st.caption("Mọi lần ghi dữ liệu trong ứng dụng: ai, lúc nào, sửa gì — từng trường, từ giá trị cũ thành giá trị mới. "
           "Nhật ký chỉ được ghi thêm: không ai sửa hay xóa được nó từ ứng dụng. Toàn xã, mọi năm (không theo bộ lọc "
           "năm và thôn).")

# The log holds the parties' names, ages and addresses: nothing of it on the meeting screen, nor for a role that
# may not see them (the router does not offer the page to those roles; this is the page's own check).
if presenting():
    st.info("Chế độ trình chiếu: nhật ký thay đổi có thông tin cá nhân nên không hiện trên màn hình chiếu. Thoát chế "
            "độ trình chiếu để xem.", icon=":material/visibility_off:")
    st.stop()
if not sees_personal_data():
    st.info("Nhật ký thay đổi có thông tin cá nhân của các bên: chỉ cán bộ tư pháp xem được.",
            icon=":material/visibility_off:")
    st.stop()

options = audit.choices(con)
tables, actions, actors = options["tables"], options["actions"], options["actors"]

# The URL sets the filters on a fresh visit and whenever it no longer holds what the widgets last wrote.
url_now = "&".join(f"{name}={st.query_params.get(name, '')}" for name in [*URL_FILTERS, "trang"])
if any(key not in st.session_state for key in URL_FILTERS.values()) or url_now != st.session_state.get(APPLIED_URL):
    url = st.query_params
    st.session_state.pop("_audit_signature", None)  # the URL's page number stands
    st.session_state.update({
        "nk_bang": url.get("bang") if url.get("bang") in tables else ALL,
        "nk_so": str(_int(url.get("so")) or ""),
        "nk_nguoi": url.get("nguoi") if url.get("nguoi") in actors else ALL,
        "nk_thao_tac": url.get("thao_tac") if url.get("thao_tac") in actions else ALL,
        "nk_tu": (url.get("tu") or "")[:10],
        "nk_den": (url.get("den") or "")[:10],
        PAGE_KEY: max(1, _int(url.get("trang")) or 1),
    })

tab_log, tab_restore, tab_check = st.tabs(["Nhật ký", "Khôi phục dữ liệu đã xóa", "Kiểm tra nhật ký"],
                                          key="audit_tab", on_change="rerun")

with tab_log:
    f1, f2, f3 = st.columns(3)
    table = f1.selectbox("Bảng dữ liệu", [ALL, *tables], key="nk_bang",
                         format_func=lambda t: tables.get(t, "Tất cả"))
    record = f2.text_input("Số bản ghi", key="nk_so", max_chars=12, placeholder="Ví dụ 12",
                           help="Số của vụ việc, hòa giải viên, chứng từ… trong bảng đã chọn.")
    person = f3.selectbox("Người thực hiện", [ALL, *actors], key="nk_nguoi",
                          format_func=lambda a: "Tất cả" if a == ALL else a)
    g1, g2, g3 = st.columns(3)
    action = g1.selectbox("Thao tác", [ALL, *actions], key="nk_thao_tac",
                          format_func=lambda a: actions.get(a, "Tất cả"))
    typed_from = date_field("Từ ngày", key="nk_tu", container=g2)
    typed_to = date_field("Đến ngày", key="nk_den", container=g3)
    day_from, errors_from = day_or_none(typed_from, "Từ ngày")
    day_to, errors_to = day_or_none(typed_to, "Đến ngày")
    problems = errors_from + errors_to
    record_id = _int(record)
    if record.strip() and record_id is None:
        problems.append(f"Số bản ghi «{record.strip()[:12]}» không phải số: bỏ qua ô này.")
    if day_from and day_to and day_from > day_to:
        problems.append("«Từ ngày» sau «Đến ngày»: không có mục nào trong khoảng này.")
    for problem in problems:
        st.warning(md_text(problem), icon=":material/warning:")

    # A new filter starts again from the first page.
    signature = (table, record_id, person, action, day_from, day_to)
    if st.session_state.get("_audit_signature", signature) != signature:
        st.session_state[PAGE_KEY] = 1
    st.session_state["_audit_signature"] = signature

    def page_of(number: int) -> audit.EntryPage:
        return audit.entries(con, table=table or None, row_id=record_id, actor=person or None,
                             action=action or None, date_from=day_from, date_to=day_to,
                             limit=audit.PAGE_SIZE, offset=(number - 1) * audit.PAGE_SIZE)

    result = page_of(st.session_state[PAGE_KEY])
    if st.session_state[PAGE_KEY] > result.pages:  # a page number past the end (an old link): the last page
        st.session_state[PAGE_KEY] = result.pages
        result = page_of(result.pages)

    wanted = {"bang": table, "so": str(record_id or ""), "nguoi": person, "thao_tac": action,
              "tu": typed_from.strip() if day_from else "", "den": typed_to.strip() if day_to else "",
              "trang": str(result.page) if result.page > 1 else ""}
    for name, value in wanted.items():
        if not value:
            st.query_params.pop(name, None)
        elif st.query_params.get(name) != value:
            st.query_params[name] = value
    st.session_state[APPLIED_URL] = "&".join(f"{name}={st.query_params.get(name, '')}"
                                             for name in [*URL_FILTERS, "trang"])

    if result.total == 0:
        st.info("Không có mục nhật ký nào khớp bộ lọc.", icon=":material/search_off:")
    else:
        first, last = result.offset + 1, result.offset + len(result.entries)
        st.markdown(f"**{fmt_int(result.total)} mục** · đang xem {fmt_int(first)}–{fmt_int(last)}, mới nhất trước · "
                    f"trang {result.page}/{result.pages}")
        for entry in result.entries:
            show_entry(entry)
        p1, p2, p3 = st.columns([1, 1, 4], vertical_alignment="center")
        if p1.button("Trang trước", icon=":material/chevron_left:", disabled=result.page <= 1, key="nk_prev"):
            st.session_state[PAGE_KEY] = result.page - 1
            st.rerun()
        if p2.button("Trang sau", icon=":material/chevron_right:", disabled=result.page >= result.pages,
                     key="nk_next"):
            st.session_state[PAGE_KEY] = result.page + 1
            st.rerun()
        p3.caption(f"Trang {result.page}/{result.pages}, mỗi trang {audit.PAGE_SIZE} mục.")

with tab_restore:
    st.caption("Vụ việc và hồ sơ kiểm chứng đã xóa, đề nghị khen thưởng đã rút: đưa trở lại từ nhật ký. Một đề nghị "
               "đã rút được lập lại (số mới) nếu tổ hoặc người đó chưa có đề nghị khác của năm ấy.")
    show_flash("audit_restore")
    deleted = audit.restorable(con)
    if deleted.total == 0:
        st.info("Không có bản ghi đã xóa nào để khôi phục.", icon=":material/task_alt:")
    elif deleted.total > len(deleted.entries):
        st.caption(f"{fmt_int(deleted.total)} bản ghi; đang xem {len(deleted.entries)} bản ghi xóa gần nhất.")
    for entry in deleted.entries:
        row = st.container()
        c1, c2 = row.columns([5, 1], vertical_alignment="center")
        c1.markdown(f"**{entry.title}** · xóa lúc {entry.when} · {md_text(entry.actor)}  \n{md_text(entry.detail)}")
        restore_button(entry, "audit_restore", button_area=c2, message_area=row)

with tab_check:
    st.caption("Nhật ký không sửa được từ ứng dụng. Để biết nó có bị sửa bằng cách khác (mở thẳng tệp dữ liệu) hay "
               "không: tính mã kiểm tra, ghi lại số mục cuối và mã (ví dụ vào báo cáo năm); lần sau nhập lại hai số "
               "đó để so. Mọi thay đổi, xóa hay chèn thêm mục nào đến mục đó đều làm mã khác đi.")
    if st.button("Tính mã kiểm tra hiện nay", icon=":material/fingerprint:", key="nk_fingerprint"):
        st.session_state["_audit_fingerprint"] = audit.fingerprint(con)
    if now := st.session_state.get("_audit_fingerprint"):
        st.success(f"Đến mục số {now.last_id} ({fmt_int(now.count)} mục): mã kiểm tra **{now.code}**",
                   icon=":material/fingerprint:")
    with st.form("nk_check"):
        k1, k2 = st.columns([1, 2])
        last_text = k1.text_input("Số mục cuối đã ghi", max_chars=12)
        code_text = k2.text_input("Mã kiểm tra đã ghi", max_chars=24, placeholder="XXXX-XXXX-XXXX-XXXX")
        checked = st.form_submit_button("Kiểm tra")
    if checked:
        last_id = _int(last_text)
        if last_id is None or not code_text.strip():
            st.warning("Nhập số mục cuối (một số) và mã kiểm tra đã ghi.", icon=":material/warning:")
        elif audit.check_fingerprint(con, last_id, code_text):
            st.success(f"Khớp: nhật ký đến mục số {last_id} vẫn như lúc ghi mã.", icon=":material/verified:")
        else:
            st.error(f"Không khớp: nhật ký đến mục số {last_id} đã khác lúc ghi mã (hoặc số, mã ghi chưa đúng). Hãy "
                     "so với bản sao lưu cũ và báo người quản trị.", icon=":material/gpp_bad:")
