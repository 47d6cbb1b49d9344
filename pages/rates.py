"""Cài đặt → Mức chi: the national maxima and the province's applied rates side by side, over time, with their legal
basis; the rate rows themselves (thù lao by result, hỗ trợ hoạt động, others), edited here."""
import streamlit as st

from db import funding
from db.core.labels import (RATE_ANY_RESULT, RATE_KINDS, RATE_KINDS_SHORT, RATE_LEVELS, RATE_LEVELS_SHORT, RATE_RESULTS,
                       RATE_UNITS, RATE_UNITS_BY_KIND, YES_NO)
from db.core.writes import ValidationError, VersionConflict
from pages.common import (WRAP_ROW_HEIGHT, Editing, actor, connection, date_field, flash, fmt_date, fmt_int, fmt_money,
                          is_missing, is_true, may, show_errors, show_flash, table)

con = connection()
rates = funding.rates(con)
schedule = funding.rate_schedule(con)
RED = "color: #c62828; font-weight: 600"


def amount_text(amount, unit) -> str:
    """«400.000 đ/vụ việc/tổ» (empty when there is no rate)."""
    return "" if is_missing(amount) else f"{fmt_money(amount)}/{RATE_UNITS.get(unit, unit).removeprefix('đ/')}"


def basis_text(basis, day, verify) -> str:
    """«56/2023/TT-BTC ngày 18/08/2023 (cần xác minh)»."""
    if is_missing(basis):
        return ""
    text = " ngày ".join(part for part in (basis, fmt_date(day)) if part)
    return text + (" (cần xác minh)" if is_true(verify) and "cần xác minh" not in text else "")


def period_text(start, end) -> str:
    return f"{fmt_date(start)} – {'nay' if is_missing(end) else fmt_date(end)}"


def item_text(kind, result, short: bool = False) -> str:
    """«Thù lao hòa giải viên – hòa giải thành» (short: «Thù lao – hòa giải thành»)."""
    name = (RATE_KINDS_SHORT if short else RATE_KINDS).get(kind, kind)
    return name + ("" if is_missing(result) else f" – {RATE_RESULTS[result].lower()}")


def with_basis(amount: str, basis: str) -> str:
    """«400.000 đ/vụ việc/tổ · 56/2023/TT-BTC»; «—» when there is no rate."""
    return " · ".join(part for part in (amount, basis) if part) or "—"


def rate_form(form_id: str, edit: Editing | None = None) -> None:
    """A new rate (edit None) or an edit (edit: the rate as it was opened); the kind and level are chosen outside the
    form so the units, results and province follow them."""
    rate = edit.record if edit else {}
    kinds, levels = list(RATE_KINDS), list(RATE_LEVELS)
    k1, k2 = st.columns(2)
    kind = k1.selectbox("Loại mức chi *", kinds, index=kinds.index(rate.get("kind", "thu_lao")),
                        format_func=RATE_KINDS.get, key=f"{form_id}_kind")
    level = k2.selectbox("Cấp *", levels, index=levels.index(rate.get("level") or "ap_dung"),
                         format_func=RATE_LEVELS.get, key=f"{form_id}_level",
                         help="Mức tối đa: do trung ương quy định (Thông tư của Bộ Tài chính), áp dụng cả nước. Mức áp "
                              "dụng: do HĐND tỉnh quyết định, không vượt mức tối đa; chưa có mức của tỉnh thì tính theo "
                              "mức tối đa.")
    units = list(RATE_UNITS_BY_KIND.get(kind, RATE_UNITS))
    results = [None, *RATE_RESULTS] if kind == "thu_lao" else [None]
    with st.form(f"{form_id}_{kind}_{level}", enter_to_submit=False):
        c1, c2, c3, c4 = st.columns(4)
        amount = c1.text_input("Mức chi (đồng) *", value=fmt_int(rate["amount"]) if rate.get("amount") else "",
                               placeholder="VD: 300.000", key=f"{form_id}_amount")
        unit = c2.selectbox("Đơn vị tính *", units, format_func=RATE_UNITS.get,
                            index=units.index(rate["unit"]) if rate.get("unit") in units else 0, key=f"{form_id}_unit")
        result = c3.selectbox("Áp dụng cho vụ việc", results,
                              index=results.index(rate.get("result")) if rate.get("result") in results else 0,
                              format_func=lambda r: RATE_ANY_RESULT if r is None else RATE_RESULTS[r],
                              key=f"{form_id}_result", disabled=kind != "thu_lao",
                              help="Chỉ thù lao hòa giải viên tính theo kết quả (Thông tư 56/2023/TT-BTC: hòa giải "
                                   "thành, không thành).")
        province = c4.text_input("Tỉnh", value=rate.get("province") or "", key=f"{form_id}_province",
                                 placeholder="VD: Hải Dương" if level == "ap_dung" else "Không ghi: áp dụng cả nước",
                                 disabled=level == "toi_da")
        b1, b2, b3 = st.columns([2, 1, 2])
        legal_basis = b1.text_input("Căn cứ (số văn bản) *", value=rate.get("legal_basis") or "",
                                    placeholder="VD: 96/2014/NQ-HĐND", key=f"{form_id}_legal_basis")
        legal_date = date_field("Ngày ban hành", rate.get("legal_basis_date"), container=b2, key=f"{form_id}_legal_date")
        issuer = b3.text_input("Cơ quan ban hành", value=rate.get("issuer") or "",
                               placeholder="VD: HĐND tỉnh Hải Dương", key=f"{form_id}_issuer")
        d1, d2, _ = st.columns([1, 1, 2])
        valid_from = date_field("Hiệu lực từ ngày *", rate.get("valid_from"), container=d1, key=f"{form_id}_valid_from")
        valid_to = date_field("Hiệu lực đến ngày", rate.get("valid_to"), container=d2, key=f"{form_id}_valid_to",
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
            "kind": kind, "level": level, "result": result, "province": None if level == "toi_da" else province,
            "amount": amount, "unit": unit, "legal_basis": legal_basis, "legal_basis_date": legal_date,
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
    message = (f"Đã lưu mức chi «{item_text(kind, result)}» ({RATE_LEVELS[level].lower()}) hiệu lực từ "
               f"{fmt_date(funding.get_rate(con, saved)['valid_from'])}.")
    over = funding.rates(con)
    if level == "ap_dung" and bool(over.loc[over["id"] == saved, "above_cap"].iloc[0]):
        message += " Lưu ý: mức này cao hơn mức tối đa của trung ương (xem cảnh báo ở đầu trang)."
    flash(message, "rate")
    st.session_state["open_rate"] = saved
    st.session_state["rate_form_generation"] = st.session_state.get("rate_form_generation", 0) + 1
    st.rerun()


st.title("Mức chi kinh phí hòa giải")
st.caption("Cài đặt · Mức tối đa do trung ương quy định (Thông tư 56/2023/TT-BTC từ 06/10/2023, trước đó Thông tư liên "
           "tịch 100/2014/TTLT-BTC-BTP); tỉnh quyết định mức áp dụng trong phạm vi đó. Thù lao tính theo mức hiệu lực "
           "vào ngày kết thúc của từng vụ việc, theo kết quả; hỗ trợ hoạt động tổ theo mức hiệu lực ngày 01 của từng "
           "tháng. Chưa có mức của tỉnh thì tính theo mức tối đa; mức của tỉnh cao hơn mức tối đa thì chỉ tính bằng mức "
           "tối đa.")

# An applied rate above the national maximum in force: said first, plainly (the figures use the maximum).
for row in rates[rates["above_cap"].map(is_true)].itertuples():
    spans = "; ".join(
        f"từ {period_text(p['period_from'], p['period_to'])}"
        + (f" ({RATE_RESULTS[p['result_key']].lower()})" if row.kind == "thu_lao" and not row.result
           and p["result_key"] else "")
        + f" mức tối đa là {amount_text(p['cap_amount'], p['cap_unit'])} ({p['cap_basis']})"
        for p in row.cap_periods)
    where = f" của tỉnh {row.province}" if not is_missing(row.province) and row.province else ""
    st.error(f"Mức áp dụng{where} «{item_text(row.kind, row.result)}» {amount_text(row.amount, row.unit)} "
             f"({row.legal_basis}) vượt mức tối đa: {spans}. Chứng từ chỉ được tính theo mức tối đa; hãy đối chiếu "
             "lại văn bản của tỉnh.", icon=":material/error:")

unverified = int(rates["needs_verification"].map(is_true).sum())
if unverified:
    st.warning(f"{fmt_int(unverified)} mức chi đang là giá trị mặc định **cần xác minh** với văn bản chính thức. Sau "
               "khi đối chiếu, sửa mức chi và bỏ đánh dấu «Cần xác minh». Phần kiểm tra ở trang Kinh phí luôn so chứng "
               "từ với mức chi hiện hành.", icon=":material/fact_check:")

st.subheader("Mức tối đa và mức áp dụng theo thời gian")
if schedule.empty:
    st.info("Chưa có mức chi nào.")
else:
    def used_text(row) -> str:
        if is_missing(row.applied_id):
            return "Mức tối đa (tỉnh chưa có mức)"
        if is_true(row.above_cap):
            return f"Vượt mức tối đa: chỉ tính {amount_text(row.cap_amount, row.cap_unit)}"
        if is_missing(row.cap_id):
            return "Mức của tỉnh (chưa có mức tối đa)"
        return "Mức của tỉnh (trong mức tối đa)"

    # Amount and legal basis in one cell per level, so both levels fit side by side on a 1366 px screen.
    side = schedule.assign(
        item=[item_text(k, r, short=True) for k, r in zip(schedule["kind"], schedule["result_key"])],
        period=[period_text(f, t) for f, t in zip(schedule["period_from"], schedule["period_to"])],
        # Without the date of the text (in the list below), so a cell stays within three lines.
        cap=[with_basis(amount_text(a, u), basis_text(b, None, v))
             for a, u, b, v in zip(schedule["cap_amount"], schedule["cap_unit"], schedule["cap_basis"],
                                   schedule["cap_verify"])],
        applied=[with_basis(amount_text(a, u), basis_text(b, None, v) + ("" if is_missing(p) or not p else f", {p}"))
                 for a, u, b, v, p in zip(schedule["applied_amount"], schedule["applied_unit"],
                                          schedule["applied_basis"], schedule["applied_verify"],
                                          schedule["applied_province"])],
        used=[used_text(r) for r in schedule.itertuples()],
    )
    table(
        side.style.map(lambda v: RED if str(v).startswith("Vượt") else "", subset=["used"])
            .map(lambda v: RED if "cần xác minh" in str(v) else "", subset=["cap", "applied"]),
        column_order=["item", "period", "cap", "applied", "used"],
        column_config={
            "item": st.column_config.TextColumn("Khoản chi", width=150),
            "period": st.column_config.TextColumn("Thời gian", width=160),
            "cap": st.column_config.TextColumn("Mức tối đa (trung ương)", width=205,
                                               help="Mức tối đa và văn bản quy định (Bộ Tài chính)"),
            "applied": st.column_config.TextColumn("Mức áp dụng (tỉnh)", width=225,
                                                   help="Mức của tỉnh và nghị quyết của HĐND tỉnh"),
            "used": st.column_config.TextColumn("Mức dùng để tính", width=165),
        },
        row_height=WRAP_ROW_HEIGHT, max_rows=len(side),
    )
    st.caption("Mỗi dòng là một khoảng thời gian trong đó cả mức tối đa và mức áp dụng không đổi. Hỗ trợ hoạt động tổ: "
               "mức theo tháng hoặc theo năm; một tháng tính trọn theo mức hiệu lực ngày 01 của tháng (mức mới từ "
               "06/10/2023 tính từ tháng 11/2023).")

st.subheader("Danh sách mức chi")
view = rates.assign(
    kind_label=[item_text(k, r) for k, r in zip(rates["kind"], rates["result"])],
    level_label=rates["level"].map(RATE_LEVELS_SHORT),
    money=[amount_text(a, u) for a, u in zip(rates["amount"], rates["unit"])],
    basis=[basis_text(b, d, False) for b, d in zip(rates["legal_basis"], rates["legal_basis_date"])],
    place=["Cả nước" if lv == "toi_da" else ("" if is_missing(p) else p) for lv, p in zip(rates["level"],
                                                                                        rates["province"])],
    period=[period_text(f, t) for f, t in zip(rates["valid_from"], rates["valid_to"])],
    verify=rates["needs_verification"].map(lambda v: "Cần xác minh" if is_true(v) else "Đã xác minh"),
    now=rates["current"].map(lambda v: YES_NO[is_true(v)]),
    cap_check=rates["above_cap"].map(lambda v: "Vượt mức tối đa" if is_true(v) else ""),
)
table(
    view.style.map(lambda v: RED if v in ("Cần xác minh", "Vượt mức tối đa") else "", subset=["verify", "cap_check"]),
    column_order=["kind_label", "level_label", "money", "period", "now", "place", "basis", "issuer", "verify",
                  "cap_check", "payments", "note"],
    column_config={
        "kind_label": st.column_config.TextColumn("Khoản chi", width=230),
        "level_label": st.column_config.TextColumn("Cấp", width=70, help="Tối đa: mức trung ương; áp dụng: mức tỉnh"),
        "money": st.column_config.TextColumn("Mức chi", width=150),
        "period": st.column_config.TextColumn("Hiệu lực", width=175),
        "now": st.column_config.TextColumn("Hiện hành", width=80, help="Đang có hiệu lực hôm nay"),
        "place": st.column_config.TextColumn("Phạm vi", width=95),
        "basis": st.column_config.TextColumn("Căn cứ", width=200),
        "issuer": st.column_config.TextColumn("Cơ quan ban hành", width=170),
        "verify": st.column_config.TextColumn("Xác minh", width=105),
        "cap_check": st.column_config.TextColumn("So với mức tối đa", width=130),
        "payments": st.column_config.NumberColumn("Số chứng từ đã dùng", width=90, format="%d"),
        "note": st.column_config.TextColumn("Ghi chú", width="large"),
    },
    row_height=WRAP_ROW_HEIGHT,
)

generation = st.session_state.get("rate_form_generation", 0)
if not may("settings"):  # read-only: settings are changed by the officer only
    st.stop()
tab_edit, tab_new = st.tabs(["Sửa một mức chi", "Thêm mức chi mới"], key="rate_tab", on_change="rerun")
with tab_edit:
    ids = rates["id"].tolist()
    labels = {r.id: f"{item_text(r.kind, r.result)} · {RATE_LEVELS_SHORT[r.level]} · {fmt_money(r.amount)} · từ "
                    f"{fmt_date(r.valid_from)}" for r in rates.itertuples()}
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
    st.caption("Khi có văn bản mới: đặt «Hiệu lực đến ngày» cho mức cũ cùng loại, cùng cấp trước (thẻ «Sửa một mức "
               "chi»), rồi thêm mức mới từ ngày áp dụng. Thù lao theo Thông tư 56/2023/TT-BTC: một mức cho vụ việc hòa "
               "giải thành, một mức cho vụ việc hòa giải không thành.")
    rate_form(f"new_rate_{generation}")
