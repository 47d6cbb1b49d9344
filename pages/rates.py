"""Cài đặt → Mức chi: the dated rates (thù lao, hỗ trợ hoạt động, others) with their legal basis."""
import streamlit as st

from db import funding
from db.labels import RATE_KINDS, RATE_UNITS, RATE_UNITS_BY_KIND, YES_NO
from db.writes import ValidationError, VersionConflict
from pages.common import (Editing, actor, connection, date_field, flash, fmt_date, fmt_int, fmt_money, is_missing, is_true,
                          may, show_errors, show_flash, table)

con = connection()
rates = funding.rates(con)


def rate_form(form_id: str, edit: Editing | None = None) -> None:
    """A new rate (edit None) or an edit (edit: the rate as it was opened); the kind is chosen outside the form so
    its units follow it."""
    rate = edit.record if edit else {}
    kinds = list(RATE_KINDS)
    kind = st.selectbox("Loại mức chi *", kinds, index=kinds.index(rate.get("kind", "thu_lao")),
                        format_func=RATE_KINDS.get, key=f"{form_id}_kind")
    units = list(RATE_UNITS_BY_KIND.get(kind, RATE_UNITS))
    with st.form(f"{form_id}_{kind}", enter_to_submit=False):
        c1, c2, c6, c7 = st.columns(4)
        amount = c1.text_input("Mức chi (đồng) *", value=fmt_int(rate["amount"]) if rate.get("amount") else "",
                               placeholder="VD: 200.000", key=f"{form_id}_amount")
        unit = c2.selectbox("Đơn vị tính *", units, format_func=RATE_UNITS.get,
                            index=units.index(rate["unit"]) if rate.get("unit") in units else 0, key=f"{form_id}_unit")
        c3, c4, c5 = st.columns([2, 1, 2])
        legal_basis = c3.text_input("Căn cứ (số văn bản) *", value=rate.get("legal_basis") or "",
                                    placeholder="VD: 96/2014/NQ-HĐND", key=f"{form_id}_legal_basis")
        legal_date = date_field("Ngày ban hành", rate.get("legal_basis_date"), container=c4, key=f"{form_id}_legal_date")
        issuer = c5.text_input("Cơ quan ban hành", value=rate.get("issuer") or "",
                               placeholder="VD: HĐND tỉnh Hải Dương", key=f"{form_id}_issuer")
        valid_from = date_field("Hiệu lực từ ngày *", rate.get("valid_from"), container=c6, key=f"{form_id}_valid_from")
        valid_to = date_field("Hiệu lực đến ngày", rate.get("valid_to"), container=c7, key=f"{form_id}_valid_to",
                              help="Để trống: chưa hết hiệu lực.")
        verify = st.checkbox("Cần xác minh (chưa đối chiếu với văn bản chính thức)",
                             value=bool(rate.get("needs_verification", False)), key=f"{form_id}_verify")
        note = st.text_input("Ghi chú", value=rate.get("note") or "", key=f"{form_id}_note")
        submitted = st.form_submit_button("Lưu mức chi", type="primary", icon=":material/save:")
    show_flash("rate")
    if not submitted:
        if edit:
            edit.show_conflict()
        return
    try:
        saved = funding.save_rate(con, {
            "kind": kind, "amount": amount, "unit": unit, "legal_basis": legal_basis, "legal_basis_date": legal_date,
            "issuer": issuer, "valid_from": valid_from, "valid_to": valid_to, "needs_verification": verify,
            "note": note,
        }, actor=actor(), rate_id=rate.get("id"), expected_version=rate.get("version"))
    except VersionConflict as exc:
        if edit:
            edit.conflict()
        else:
            show_errors(exc)
        return
    except ValidationError as exc:
        show_errors(exc)
        return
    if edit:
        edit.saved()
    flash(f"Đã lưu mức chi «{RATE_KINDS[kind]}» hiệu lực từ {fmt_date(funding.get_rate(con, saved)['valid_from'])}.",
          "rate")
    st.session_state["open_rate"] = saved
    st.session_state["rate_form_generation"] = st.session_state.get("rate_form_generation", 0) + 1
    st.rerun()


st.title("Mức chi kinh phí hòa giải")
st.caption("Cài đặt · Mỗi mức chi có căn cứ pháp lý và thời gian hiệu lực; mỗi loại chỉ có một mức tại một thời điểm. "
           "Chứng từ dùng mức hiệu lực vào ngày của nó (thù lao: ngày đề nghị; hỗ trợ: từng tháng của kỳ), nên mức "
           "mới từ năm sau không làm đổi số tiền của năm nay.")

unverified = int(rates["needs_verification"].sum())
if unverified:
    st.warning(f"{fmt_int(unverified)} mức chi đang là giá trị mặc định **cần xác minh** với văn bản chính thức của "
               "tỉnh. Sau khi đối chiếu, sửa mức chi và bỏ đánh dấu «Cần xác minh». Phần kiểm tra ở trang Kinh phí "
               "luôn so chứng từ với mức chi hiện hành.", icon=":material/fact_check:")

view = rates.assign(
    kind_label=rates["kind"].map(RATE_KINDS),
    money=rates["amount"].map(fmt_money),
    unit_label=rates["unit"].map(RATE_UNITS),
    basis=[" ngày ".join(part for part in ("" if is_missing(b) else b, fmt_date(d)) if part)
           for b, d in zip(rates["legal_basis"], rates["legal_basis_date"])],
    period=[f"{fmt_date(f)} – {'nay' if is_missing(t) else fmt_date(t)}"
            for f, t in zip(rates["valid_from"], rates["valid_to"])],
    verify=rates["needs_verification"].map(lambda v: "Cần xác minh" if is_true(v) else "Đã xác minh"),
    now=rates["current"].map(lambda v: YES_NO[is_true(v)]),
)
table(
    view.style.map(lambda v: "color: #c62828; font-weight: 600" if v == "Cần xác minh" else "", subset=["verify"]),
    column_order=["kind_label", "money", "unit_label", "period", "now", "verify", "basis", "issuer", "payments", "note"],
    column_config={
        "kind_label": st.column_config.TextColumn("Loại", width=205),
        "money": st.column_config.TextColumn("Mức chi", width=95, alignment="right"),
        "unit_label": st.column_config.TextColumn("Đơn vị", width=95),
        "period": st.column_config.TextColumn("Hiệu lực", width=170),
        "now": st.column_config.TextColumn("Áp dụng", width=70, help="Đang áp dụng hôm nay"),
        "verify": st.column_config.TextColumn("Xác minh", width=100),
        "basis": st.column_config.TextColumn("Căn cứ", width=190),
        "issuer": st.column_config.TextColumn("Cơ quan ban hành", width=160),
        "payments": st.column_config.NumberColumn("Số chứng từ đã dùng", width=90, format="%d"),
        "note": st.column_config.TextColumn("Ghi chú", width="large"),
    },
)

generation = st.session_state.get("rate_form_generation", 0)
if not may("settings"):  # read-only: settings are changed by the officer only
    st.stop()
tab_edit, tab_new = st.tabs(["Sửa một mức chi", "Thêm mức chi mới"], key="rate_tab", on_change="rerun")
with tab_edit:
    ids = rates["id"].tolist()
    labels = {r.id: f"{RATE_KINDS[r.kind]} · {fmt_money(r.amount)} · từ {fmt_date(r.valid_from)}"
              for r in rates.itertuples()}
    current = st.session_state.get("open_rate")
    open_id = st.selectbox("Chọn mức chi để sửa (ví dụ sau khi xác minh, hoặc đặt ngày hết hiệu lực)", [None, *ids],
                           index=[None, *ids].index(current) if current in ids else 0,
                           format_func=lambda i: "— Chọn mức chi —" if i is None else labels[i], key="rate_open")
    st.session_state["open_rate"] = open_id
    if open_id is not None:
        used = int(rates.loc[rates["id"] == open_id, "payments"].iloc[0])
        if used:
            st.info(f"{fmt_int(used)} chứng từ đã lập theo mức này. Sửa mức không đổi số tiền các chứng từ đó; phần "
                    "kiểm tra ở trang Kinh phí sẽ so chúng với mức mới (chi vượt mức nếu cao hơn).",
                    icon=":material/info:")
        edit = Editing(f"rate_{open_id}", "rates", lambda: funding.get_rate(con, open_id))
        rate_form(edit.key, edit)
with tab_new:
    st.caption("Khi có văn bản mới: đặt «Hiệu lực đến ngày» cho mức cũ trước (thẻ «Sửa một mức chi»), rồi thêm mức "
               "mới từ ngày áp dụng.")
    rate_form(f"new_rate_{generation}")
