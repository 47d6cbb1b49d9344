"""Kinh phí: budget against payments, fee requests and team support, the signed lists and the checks."""
import datetime as dt

import pandas as pd
import streamlit as st

from db import funding, places
from db.core.labels import (
    FEE_CASE_PROBLEMS, OUTSTANDING_ITEMS, PAYMENT_KINDS, PAYMENT_KINDS_SHORT,
    PAYMENT_STATUS, RATE_LEVELS, RATE_UNITS, RESULTS, YES_NO,
)
from db.core.writes import ValidationError, VersionConflict, fetch_row
from pages import charts
from pages.common import (CHOOSE_COMMUNE, PAGE_ROWS, form_place, page_offset, reader, place,
    Editing, actor, connection, date_field, day_or_none, download, filters, flash, fmt_date, fmt_int, fmt_money,
    fmt_pct, go_to, is_missing, is_true, may, md_text, positive, presenting, show_errors, show_flash, table, today, village_name,
)

con = connection()
read = reader(con)
year, village_id = filters()
where = place()  # the village, or a commune or province of a file of many communes
place = village_name(con, village_id)
total = read(funding.summary, year, where)
# The teams' checks as the page shows them, from one query: the list's first page, the chart's teams (the best and worst
# 15 of a province's thousands) and the list's length.
checks_page, chart_teams, teams_listed = read(funding.team_checks_page, year, where, 0, PAGE_ROWS,
                                              charts.MOST_BARS // 2)
commune_form = form_place(con)  # the commune a budget line is saved for (None: a commune is still to be chosen)
# The teams a fee or support form offers, those that existed in the year shown: the village's, else the commune's —
# in a file of many communes, none until a commune is chosen (a select box of a province's thousands of teams).
team_place = village_id if village_id is not None else commune_form
teams = read(places.teams, year, team_place) if team_place is not None else None
team_names = {} if teams is None else {int(t): name for t, name in zip(teams["id"], teams["name"])}
DEADLINE_NOTE = ("Hạn chi: 5 ngày làm việc kể từ ngày đề nghị (không tính thứ Bảy, Chủ nhật, ngày nghỉ lễ, Tết và "
                 "ngày nghỉ bù; tính cả thứ Bảy được làm bù).")


def default_day() -> dt.date:
    """Today in the current year; 31/12 of the year being viewed when recording an earlier year."""
    return min(today(), dt.date(year, 12, 31))


def rate_text(rate: dict | None) -> str:
    """A rate in force as funding.rate_on gives it: «500.000 đ/tổ/năm (96/2014/NQ-HĐND, mức áp dụng (tỉnh))», with
    the maximum when the province's rate is above it and «cần xác minh» when marked."""
    if rate is None:
        return "chưa có mức chi"
    level = RATE_LEVELS.get(rate.get("level"), "").lower()
    text = (f"{fmt_money(rate['amount'])}/{RATE_UNITS[rate['unit']].removeprefix('đ/')} ({rate['legal_basis']}"
            f"{', ' + level if level else ''})")
    if rate["above_cap"] and rate["cap"]:
        cap = rate["cap"]
        text += (f" — vượt mức tối đa {fmt_money(cap['amount'])}/{RATE_UNITS[cap['unit']].removeprefix('đ/')} "
                 f"({cap['legal_basis']}): chỉ tính bằng mức tối đa")
    return text + (" — cần xác minh" if rate["needs_verification"] else "")


def done(message: str, where: str, payment_id: int | None = None, day: dt.date | None = None) -> None:
    """After a save: the message next to the button that saved (where), the payment kept open, rerun."""
    if payment_id is not None:
        st.session_state["open_payment"] = payment_id
    if day is not None and day.year != year:
        message += f" Bộ lọc đã chuyển sang năm {day.year} để thấy chứng từ này."
        go_to(day.year)
    flash(message, where)
    st.rerun()


def payment_step(label: str, key: str, edit: Editing, write, message: str, payment_id: int) -> bool:
    """A button that changes an open payment (reduce, cancel): on click, write(version) through the write path with
    the version the form opened; saved → the message and rerun; refused → the reasons here. Returns True when
    another user changed the payment meanwhile (the caller shows that notice once, whichever step it was)."""
    if not st.button(label, key=key):
        return False
    try:
        write(edit.version)
    except VersionConflict:
        return True
    except ValidationError as exc:
        show_errors(exc)
        return False
    edit.saved()
    done(message, "payment", payment_id)
    return False  # not reached: done() reruns


st.title("Kinh phí hòa giải ở cơ sở")
st.caption(f"Năm {year} · {place} · Thù lao hòa giải viên và hỗ trợ hoạt động tổ theo mức chi hiện hành "
           "(Cài đặt → Mức chi) · Số tiền tính bằng đồng")

budget_row = total["budget_row"]
m1, m2, m3 = st.columns(3, border=True)
m1.metric(f"Dự toán năm {year} (toàn xã)", fmt_money(total["budget"]) if budget_row else "Chưa có",
          help=(f"{md_text(budget_row['document_no'] or 'Chưa ghi số văn bản')}"
                f"{' ngày ' + fmt_date(budget_row['document_date']) if budget_row['document_date'] else ''}; "
                f"dòng riêng trong dự toán ngân sách xã: {YES_NO[budget_row['in_commune_budget']].lower()}."
                if budget_row else None if presenting() else "Nhập ở mục «Dự toán» bên dưới."))
m2.metric("Đã chi", fmt_money(total["paid"]),
          f"{fmt_pct(total['paid_share'])} dự toán" if village_id is None and total["paid_share"] is not None else None,
          delta_color="off", delta_arrow="off",
          help=f"Thù lao {fmt_money(total['fee_paid'])} + hỗ trợ hoạt động tổ {fmt_money(total['support_paid'])}: "
               f"chứng từ đã chi tính vào năm {year} (thù lao theo ngày đề nghị, hỗ trợ theo kỳ).")
m3.metric("Đã đề nghị, chưa chi", fmt_money(total["pending"]),
          help="Chứng từ đang ở bước đề nghị hoặc đã duyệt, chưa chi.")
n1, n2, n3 = st.columns(3, border=True)
n1.metric("Vụ việc chưa chi thù lao",
          f"{fmt_int(total['unpaid_cases'])}/{fmt_int(total['concluded_cases'])}",
          help=f"Vụ việc hòa giải thành hoặc không thành (không tính ngoài phạm vi, đang hòa giải, đã xóa) kết thúc "
               f"năm {year}, chưa có chứng từ thù lao đã chi; {fmt_int(total['cases_not_requested'])} vụ việc chưa "
               f"lập đề nghị. Ước tính còn phải chi {fmt_money(total['fee_unpaid_estimate'])}.")
n2.metric(f"Tổ đã nhận đủ hỗ trợ năm {year}", f"{fmt_int(total['teams_support_paid'])}/{fmt_int(total['teams'])}",
          help=f"Phải chi {fmt_money(total['support_due'])}, đã chi {fmt_money(total['support_paid'])}, "
               f"còn thiếu {fmt_money(total['support_outstanding'])}.")
n3.metric("Chứng từ chi vượt mức", fmt_int(total["payments_above_rate"]),
          f"{fmt_money(total['above_rate'])} vượt" if total["above_rate"] else None, delta_color="inverse",
          delta_arrow="off",
          help="Số tiền lớn hơn mức chi của các vụ việc ghi trong chứng từ (mỗi vụ việc theo mức hiệu lực ngày kết "
               "thúc, theo kết quả) hoặc của các tháng hỗ trợ. Chi cho vụ việc đã xóa là một lỗi riêng, không tính ở "
               "đây.")

if budget_row is None:
    st.warning(f"Chưa nhập dự toán kinh phí hòa giải năm {year}" + ("." if presenting() else
               " (mục «Dự toán» bên dưới)."), icon=":material/warning:")
elif not budget_row["in_commune_budget"]:
    st.warning(f"Kinh phí hòa giải năm {year} chưa là dòng riêng trong dự toán ngân sách xã (kế hoạch yêu cầu bố trí "
               "kinh phí hòa giải trong dự toán ngân sách hằng năm).", icon=":material/warning:")
if total["over_budget"]:
    st.error(f"Đã chi và đã đề nghị năm {year} ({fmt_money(total['commune_paid'] + total['commune_pending'])}) vượt "
             f"dự toán ({fmt_money(total['budget'])}).", icon=":material/error:")
if total["payments_above_rate"]:
    st.error(f"{fmt_int(total['payments_above_rate'])} chứng từ chi vượt mức chi, tổng "
             f"{fmt_money(total['above_rate'])}: xem «Việc còn tồn đọng».", icon=":material/error:")
if total["payments_paid_deleted"]:
    st.error(f"{fmt_int(total['payments_paid_deleted'])} chứng từ chi cho vụ việc đã xóa, tổng "
             f"{fmt_money(total['paid_deleted'])}: xem «Việc còn tồn đọng».", icon=":material/error:")
if total["payments_paid_ineligible"]:
    st.error(f"{fmt_int(total['payments_paid_ineligible'])} chứng từ chi cho vụ việc không còn đủ điều kiện (đã chuyển "
             f"tổ, đổi kết quả hoặc kết thúc sau ngày đề nghị), tổng {fmt_money(total['paid_ineligible'])}: xem «Việc "
             "còn tồn đọng».", icon=":material/error:")
if total["payments_late"]:
    st.warning(f"{fmt_int(total['payments_late'])} chứng từ chi chậm hoặc đã quá hạn chi. {DEADLINE_NOTE}",
               icon=":material/schedule:")

if presenting():  # read-only: the checks only, no forms
    tab_checks = st.container()
elif not may("funding"):  # leadership: the checks, and the payments to approve and pay
    tab_checks, tab_payments = st.tabs(["Kiểm tra theo tổ", "Chứng từ"], key="funding_tab_view", on_change="rerun")
else:
    tab_checks, tab_fee, tab_support, tab_payments, tab_budget = st.tabs(
        ["Kiểm tra theo tổ", "Đề nghị chi thù lao", "Hỗ trợ hoạt động tổ", "Chứng từ", "Dự toán"],
        key="funding_tab", on_change="rerun")

with tab_checks:
    if village_id is None and teams_listed:
        # Many villages (a province): the 15 still owed most and the 15 owed least, never a bar per village.
        left_out = teams_listed - len(chart_teams)
        st.altair_chart(charts.funding_by_village(chart_teams), width="stretch")
        st.caption(f"Mỗi thanh: kinh phí của tổ hòa giải một thôn năm {year}, tính bằng triệu đồng. Xanh dương: thù "
                   "lao đã chi (chứng từ đã chi, theo năm đề nghị); xanh lá: hỗ trợ hoạt động tổ đã chi; cam: còn "
                   f"phải chi — thù lao ước tính của vụ việc kết thúc năm {year} chưa chi (theo mức chi tại ngày kết "
                   "thúc) cộng hỗ trợ hoạt động còn thiếu."
                   + (f" Chỉ vẽ {charts.MOST_BARS // 2} thôn còn phải chi nhiều nhất và {charts.MOST_BARS // 2} thôn "
                      f"còn phải chi ít nhất; {fmt_int(left_out)} thôn còn lại xem ở bảng bên dưới." if left_out else ""))

    st.subheader(f"Kiểm tra theo tổ năm {year}")
    offset = page_offset(teams_listed, f"funding_checks_{year}")  # one page read, formatted and sent
    shown = (checks_page if offset == 0 else
             read(funding.team_checks_page, year, where, offset, PAGE_ROWS, charts.MOST_BARS // 2)[0])
    checks_view = shown.assign(
        fee_paid_label=shown["fee_paid"].map(fmt_money),
        support_due_label=shown["support_due"].map(fmt_money),
        support_paid_label=shown["support_paid"].map(fmt_money),
        unpaid_label=[fmt_money(v) if positive(v) else "" for v in shown["fee_unpaid_estimate"]],
        # One cell for the three findings, each named: «chi vượt mức» only for a payment above the rate.
        wrong_label=["; ".join(f"{fmt_money(v)} {what}" for v, what in ((a, "vượt mức"), (d, "VV đã xóa"),
                                                                         (i, "VV không đủ ĐK")) if positive(v))
                     for a, d, i in zip(shown["above_rate"], shown["paid_deleted"], shown["paid_ineligible"])],
    )
    red = "color: #c62828; font-weight: 600"

    def flag(row):
        """Red where a check fails: support paid below due, a payment above the rate or for cases that earn no fee,
        a late payment."""
        return [red if (c == "support_paid_label" and positive(row["support_outstanding"]))
                or (c == "wrong_label" and row["wrong_label"])
                or (c == "payments_late" and positive(row["payments_late"])) else "" for c in row.index]

    money = {"alignment": "right"}
    shown_columns = ["village", "concluded_cases", "cases_paid", "unpaid_cases", "unpaid_label", "fee_paid_label",
                     "support_due_label", "support_paid_label", "wrong_label", "payments_late"]
    table(  # the columns shown (and the one flag() reads) only: st.dataframe sends every column it is given
        checks_view[[*shown_columns, "support_outstanding"]].style.apply(flag, axis=1),
        column_order=shown_columns,
        column_config={
            "village": st.column_config.TextColumn("Thôn", width=120),
            "concluded_cases": st.column_config.NumberColumn("VV kết thúc", width=75, format="%d",
                                                             help=f"Vụ việc thành hoặc không thành, kết thúc năm {year}"),
            "cases_paid": st.column_config.NumberColumn("Đã chi", width=55, format="%d",
                                                        help="Vụ việc đã chi thù lao"),
            "unpaid_cases": st.column_config.NumberColumn("Chưa chi", width=60, format="%d",
                                                          help="Vụ việc chưa chi thù lao (đang đề nghị hoặc chưa đề nghị)"),
            "unpaid_label": st.column_config.TextColumn("TL còn phải chi", width=105, **money,
                                                        help="Ước tính thù lao của các vụ việc chưa chi, theo mức chi "
                                                             "tại ngày kết thúc"),
            "fee_paid_label": st.column_config.TextColumn("TL đã chi", width=95, **money,
                                                          help=f"Thù lao đã chi, chứng từ đề nghị năm {year}"),
            "support_due_label": st.column_config.TextColumn("HT phải chi", width=90, **money,
                                                             help="Hỗ trợ hoạt động tổ theo mức chi của từng tháng"),
            "support_paid_label": st.column_config.TextColumn("HT đã chi", width=85, **money,
                                                              help="Màu đỏ: chưa chi đủ số phải chi"),
            "wrong_label": st.column_config.TextColumn(
                "Chi sai", width=140,
                help="Vượt mức: chi cao hơn mức chi của các vụ việc, tháng trong chứng từ. VV đã xóa: chi cho vụ việc "
                     "đã xóa sau khi đưa vào chứng từ. VV không đủ ĐK: chi cho vụ việc đã chuyển tổ, đổi kết quả hoặc "
                     "kết thúc sau ngày đề nghị."),
            "payments_late": st.column_config.NumberColumn("CT chậm", width=60, format="%d",
                                                           help="Chứng từ chi chậm hoặc quá hạn chi"),
        },
        hide_index=True, width="stretch",
    )
    st.caption("VV: vụ việc; TL: thù lao hòa giải viên; HT: hỗ trợ hoạt động tổ; ĐN: đề nghị; CT: chứng từ; ĐK: điều "
               "kiện. "
               "Thù lao trả cho mỗi vụ việc đã kết thúc (thành hoặc không thành) của tổ, một lần; không trả cho vụ "
               "việc ngoài phạm vi hoặc đang hòa giải.")

    st.subheader(f"Việc còn tồn đọng năm {year}")
    # One page of the list, cut in SQL (a country has 120,000 items), with the list's length for the page chooser.
    pending, listed = read(funding.outstanding_page, year, where, 0, PAGE_ROWS)
    if not listed:
        st.success(f"Không còn việc tồn đọng về kinh phí năm {year} ({place}).", icon=":material/task_alt:")
    else:
        def detail(row) -> str:
            if row.item == "thu_lao_chua_de_nghi":
                return f"{fmt_int(row.cases)} vụ việc; ước tính theo mức chi"
            if row.item == "cho_chi":
                state = "quá hạn chi" if is_true(row.late) else "trong hạn"
                return f"{PAYMENT_STATUS[row.status]}, hạn chi {fmt_date(row.deadline)} — {state}"
            if row.item == "vuot_muc":
                return "Cao hơn mức chi của các vụ việc, tháng trong chứng từ"
            if row.item == "chi_vu_viec_da_xoa":
                return f"{fmt_int(row.cases)} vụ việc đã xóa sau khi đưa vào chứng từ"
            if row.item == "chi_khong_du_dieu_kien":
                return f"{fmt_int(row.cases)} vụ việc đã chuyển tổ, đổi kết quả hoặc kết thúc sau ngày đề nghị"
            return f"Chưa có chứng từ hỗ trợ năm {year}"
        offset = page_offset(listed, f"funding_outstanding_{year}")
        page = pending if offset == 0 else read(funding.outstanding_page, year, where, offset, PAGE_ROWS)[0]
        listing = page.assign(
            item_label=page["item"].map(OUTSTANDING_ITEMS),
            payment=["" if pd.isna(p) else f"Số {int(p)}" for p in page["payment_id"]],
            money=page["amount"].map(fmt_money),
            detail=[detail(r) for r in page.itertuples()],
        )
        table(
            listing[["village", "item_label", "payment", "money", "detail"]]
            .style.map(lambda v: "color: #c62828; font-weight: 600" if "quá hạn" in str(v) else "", subset=["detail"])
            .map(lambda v: "color: #c62828; font-weight: 600" if v.startswith("Chi ") else "", subset=["item_label"]),
            column_order=["village", "item_label", "payment", "money", "detail"],
            column_config={
                "village": st.column_config.TextColumn("Thôn", width=120),
                "item_label": st.column_config.TextColumn("Việc", width=310),
                "payment": st.column_config.TextColumn("Chứng từ", width=70),
                "money": st.column_config.TextColumn("Số tiền", width=100, **money),
                "detail": st.column_config.TextColumn("Ghi chú", width="large"),
            },
            hide_index=True, width="stretch",
        )
        st.caption(DEADLINE_NOTE)

if presenting():
    st.stop()
if may("funding"):
    with tab_fee:
        st.caption("Giấy đề nghị thanh toán thù lao của tổ hòa giải: chọn tổ, ngày đề nghị và các vụ việc đã kết thúc chưa "
                   "chi. Mỗi vụ việc tính theo mức thù lao hiệu lực vào ngày kết thúc của nó, theo kết quả (từ "
                   "06/10/2023, Thông tư 56/2023/TT-BTC đặt mức tối đa riêng cho hòa giải thành và không thành); số "
                   "tiền là tổng các vụ việc, chỉ được đề nghị thấp hơn, có lý do.")
        if teams is None:
            st.info(CHOOSE_COMMUNE, icon=":material/location_city:")
        elif not team_names:
            st.info("Chưa có tổ hòa giải nào.")
        else:
            f1, f2 = st.columns([2, 1])
            fee_team = f1.selectbox("Tổ hòa giải", list(team_names), format_func=team_names.get, key="fee_team")
            requested_text = date_field("Ngày đề nghị", default_day(), container=f2, key="fee_requested_on")
            requested_on, date_errors = day_or_none(requested_text, "Ngày đề nghị")
            if requested_on is None:  # the payable cases depend on the day: nothing to show without it
                st.error(" ".join(date_errors) or "Nhập ngày đề nghị để xem các vụ việc chưa chi.",
                         icon=":material/event_busy:")
                payable = pd.DataFrame()
            else:
                payable = read(funding.payable_cases, fee_team, requested_on)
            show_flash("fee")
            if requested_on is None:
                pass
            elif payable.empty:
                st.info(f"{team_names[fee_team]} không còn vụ việc đã kết thúc nào chưa đề nghị chi thù lao "
                        f"tính đến ngày {fmt_date(requested_on)}.", icon=":material/task_alt:")
            else:
                generation = st.session_state.get("fee_generation", 0)
                keys = {cid: f"fee_case_{generation}_{fee_team}_{cid}" for cid in payable["case_id"]}
                with st.container(border=True, height=300 if len(payable) > 7 else "content"):
                    for row in payable.itertuples():
                        fee = ("chưa có mức thù lao ngày kết thúc" if is_missing(row.fee_rate_id)
                               else fmt_money(row.fee) + (" (mức tối đa)" if is_true(row.fee_above_cap) else ""))
                        st.checkbox(f"Số {row.case_id} · kết thúc {fmt_date(row.concluded_on)} · "
                                    f"{RESULTS.get(row.result, row.result)} · {row.category}"
                                    + (f" · năm {row.year}" if row.year != requested_on.year else "") + f" · {fee}",
                                    value=True, key=keys[row.case_id])
                chosen = [cid for cid, key in keys.items() if st.session_state.get(key, True)]
                fees = payable.set_index("case_id")["fee"]
                computed = int(sum(fees[cid] for cid in chosen))
                groups = pd.Series([int(fees[cid]) for cid in chosen]).value_counts().sort_index(ascending=False)
                if len(groups) <= 1:
                    each = fmt_money(groups.index[0]) if len(groups) else "0 đ"
                    st.markdown(f"**{len(chosen)} vụ việc × {each} = {fmt_money(computed)}**")
                else:
                    parts = " + ".join(f"{n} × {fmt_money(fee)}" for fee, n in groups.items())
                    st.markdown(f"**{len(chosen)} vụ việc: {parts} = {fmt_money(computed)}**")
                reduce = st.checkbox("Đề nghị số tiền thấp hơn (ghi lý do)", key="fee_reduce")
                amount, reason = None, None
                if reduce:
                    r1, r2 = st.columns([1, 2])
                    amount = r1.text_input("Số tiền đề nghị (đồng)", placeholder=f"Tối đa {fmt_int(computed)}",
                                           key="fee_amount")
                    reason = r2.text_input("Lý do giảm", key="fee_reason")
                note = st.text_input("Ghi chú", key="fee_note")
                if st.button("Lập giấy đề nghị thanh toán", type="primary", icon=":material/request_quote:",
                             key="fee_file"):
                    try:
                        new_id = funding.file_fee_request(con, fee_team, chosen, requested_on, actor=actor(),
                                                          amount=amount, reduction_reason=reason, note=note)
                    except ValidationError as exc:
                        show_errors(exc)
                    else:
                        st.session_state["fee_generation"] = generation + 1
                        for key in ("fee_reduce", "fee_reason", "fee_note"):
                            st.session_state.pop(key, None)
                        done(f"Đã lập giấy đề nghị số {new_id}: thù lao {len(chosen)} vụ việc của "
                             f"{team_names[fee_team].lower()}. Duyệt và ghi ngày chi ở mục «Chứng từ».", "fee", new_id,
                             requested_on)

    with tab_support:
        st.caption("Hỗ trợ hoạt động của tổ hòa giải cho một kỳ (các tháng trọn vẹn trong một năm). Số tiền theo mức hỗ trợ "
                   "hiệu lực của từng tháng: mức theo tháng × số tháng, mức theo năm × số tháng / 12. Mỗi tháng chỉ chi "
                   "một lần cho một tổ.")
        if teams is None:
            st.info(CHOOSE_COMMUNE, icon=":material/location_city:")
        elif team_names:
            # The teams' support of the year: the first page holds every team of a commune (else: the whole list).
            checks = checks_page if teams_listed <= PAGE_ROWS else read(funding.team_checks, year, where)
            lacking = [int(t) for t, gap in zip(checks["team_id"], checks["support_not_requested"]) if positive(gap)]
            options = list(team_names)
            s1, s2, s3, s4 = st.columns([2, 1, 1, 1])
            support_team = s1.selectbox("Tổ hòa giải", options, format_func=team_names.get, index=options.index(lacking[0]) if lacking else 0, key="support_team")
            month_from = s2.selectbox("Từ tháng", range(1, 13), index=0, key="support_from",
                                      format_func=lambda m: f"{m:02d}/{year}")
            month_to = s3.selectbox("Đến tháng", range(1, 13), index=11, key="support_to",
                                    format_func=lambda m: f"{m:02d}/{year}")
            support_day = date_field("Ngày đề nghị", default_day(), container=s4, key="support_requested_on")
            if month_to >= month_from:
                first = dt.date(year, month_from, 1)
                due = read(funding.support_due, first, dt.date(year, month_to, 1))
                # The rate of each month is the one in force on its 1st: one line per run of months at one rate.
                runs: list[list] = []
                for month in range(month_from, month_to + 1):
                    rate = read(funding.rate_on, "ho_tro", dt.date(year, month, 1))
                    key = None if rate is None else rate["id"]
                    if runs and runs[-1][2] == key:
                        runs[-1][1] = month
                    else:
                        runs.append([month, month, key, rate])
                lines = [(f"tháng {a:02d}/{year}" if a == b else f"tháng {a:02d}–{b:02d}/{year}")
                         + f": **{md_text(rate_text(rate))}**" for a, b, _, rate in runs]
                st.markdown("Mức hỗ trợ " + "; ".join(lines) + f" · Phải chi cho kỳ này: **{fmt_money(due)}**")
            row = checks[checks["team_id"] == support_team]
            if not row.empty:
                r = row.iloc[0]
                st.caption(f"{md_text(team_names[support_team])} năm {year}: phải chi {fmt_money(r.support_due)}, đã chi "
                           f"{fmt_money(r.support_paid)}, đang đề nghị {fmt_money(r.support_pending)}.")
            support_note = st.text_input("Ghi chú", key="support_note")
            if st.button("Lập chứng từ hỗ trợ hoạt động", type="primary", icon=":material/request_quote:",
                         key="support_file"):
                try:
                    new_id = funding.file_support_payment(con, support_team, year, month_from, month_to, support_day,
                                                          actor=actor(), note=support_note)
                except ValidationError as exc:
                    show_errors(exc)
                else:
                    st.session_state.pop("support_note", None)
                    done(f"Đã lập chứng từ hỗ trợ hoạt động số {new_id} cho {team_names[support_team].lower()}.",
                         "support", new_id)
            show_flash("support")

with tab_payments:
    # One page of the year's payments, cut in SQL (a country charges 70,000 to a year); the picker lists that page.
    listing, listed = read(funding.payments_page, year, where, 0, PAGE_ROWS)
    st.caption(f"Chứng từ tính vào năm {year}: giấy đề nghị thù lao theo ngày đề nghị, hỗ trợ hoạt động theo kỳ. "
               + DEADLINE_NOTE)
    if not listed:
        st.info(f"Năm {year} chưa có chứng từ nào ({place}).")
    else:
        offset = page_offset(listed, f"payments_{year}_{village_id}")
        if offset:
            listing = read(funding.payments_page, year, where, offset, PAGE_ROWS)[0]

        def warning(row) -> str:
            notes = []
            if positive(row.above_rate):
                notes.append(f"Vượt mức {fmt_money(row.above_rate)}")
            if positive(row.paid_deleted):  # short: the column is narrow on a 1366 px screen
                notes.append(f"VV đã xóa {fmt_money(row.paid_deleted)}")
            if positive(row.paid_ineligible):
                notes.append(f"VV không đủ ĐK {fmt_money(row.paid_ineligible)}")
            if is_true(row.late):
                notes.append("Chi chậm" if row.status == "da_chi" else "Quá hạn chi")
            return "; ".join(notes)
        view = listing.assign(
            kind_label=listing["kind"].map(PAYMENT_KINDS_SHORT),
            content=[f"{fmt_int(r.cases)} vụ việc" if r.kind == "thu_lao"
                     else f"{r.period_from:%m/%Y}–{r.period_to:%m/%Y}" for r in listing.itertuples()],
            money=listing["amount"].map(fmt_money),
            status_label=[f"{PAYMENT_STATUS[code]} {fmt_date(day)}".strip()
                          for code, day in zip(listing["status"], listing["status_on"])],
            requested=listing["requested_on"].map(fmt_date),
            deadline=[fmt_date(d) if s != "huy" else "" for d, s in zip(listing["pay_deadline"], listing["status"])],
            check=[warning(r) for r in listing.itertuples()],
        )
        shown_columns = ["id", "village", "kind_label", "content", "money", "requested", "deadline", "status_label",
                         "check"]
        selection = table(  # the columns shown only: st.dataframe sends every column it is given
            view[shown_columns].style.map(lambda v: "color: #c62828; font-weight: 600" if v else "", subset=["check"]),
            column_order=shown_columns,
            column_config={
                "id": st.column_config.NumberColumn("Số", width=45, format="%d"),
                "village": st.column_config.TextColumn("Thôn", width=110),
                "kind_label": st.column_config.TextColumn("Loại", width=75),
                "content": st.column_config.TextColumn("Nội dung", width=110),
                "money": st.column_config.TextColumn("Số tiền", width=95, alignment="right"),
                "requested": st.column_config.TextColumn("Ngày đề nghị", width=95),
                "deadline": st.column_config.TextColumn("Hạn chi", width=85),
                "status_label": st.column_config.TextColumn("Trạng thái, ngày", width=140,
                                                            help="Ngày duyệt, ngày chi hoặc ngày hủy"),
                "check": st.column_config.TextColumn(
                    "Kiểm tra", width="medium",
                    help="Vượt mức: chi cao hơn mức chi; VV đã xóa: chi cho vụ việc đã xóa; VV không đủ ĐK: chi cho vụ "
                         "việc không còn đủ điều kiện; chi chậm, quá hạn chi: so với hạn 5 ngày làm việc."),
            },
            max_rows=10, on_select="rerun", selection_mode="single-row",
            key=f"payment_table_{listing['id'].iloc[0]}",
        )
        ids = listing["id"].tolist()
        rows = selection.selection.rows if selection else []
        if rows:
            st.session_state["open_payment"] = ids[rows[0]]
        labels = {int(r["id"]): funding.payment_label(r) for _, r in listing.iterrows()}
        current = st.session_state.get("open_payment")
        opened_row = (read(funding.listed_payment, current, year, where)
                      if current is not None and current not in labels else None)
        if opened_row is not None:  # the payment already open, of this year and place, stays in the picker
            ids = [current, *ids]
            labels[current] = funding.payment_label(opened_row)
        open_id = st.selectbox("Mở chứng từ để duyệt, ghi ngày chi, hủy hoặc in danh sách ký nhận", [None, *ids],
                               index=[None, *ids].index(current) if current in ids else 0,
                               format_func=lambda i: "— Chọn chứng từ —" if i is None else labels[i])
        st.session_state["open_payment"] = open_id
        if open_id is not None:
            pay = funding.payment(con, open_id)
            # The steps offered and their defaults come from the payment as opened: a step another user took
            # meanwhile makes this one's click a stale edit (said under the buttons), never a lost one.
            edit = Editing(f"pay_{open_id}", "payments", lambda: fetch_row(con.cursor(), "payments", open_id))
            opened = edit.record
            form_id = edit.key
            st.subheader(f"Chứng từ số {open_id} · {PAYMENT_KINDS[pay['kind']]} · {pay['team']}")
            show_flash("payment")
            left, right = st.columns([3, 2], gap="large")
            with left:
                lines = [
                    f"**Trạng thái:** {PAYMENT_STATUS[pay['status']]}",
                    f"**Ngày đề nghị:** {fmt_date(pay['requested_on'])} · **hạn chi:** {fmt_date(pay['pay_deadline'])}",
                ]
                if pay["kind"] == "thu_lao":
                    lines.append(f"**Số tiền:** {fmt_money(pay['amount'])} (theo mức chi khi lập: "
                                 f"{fmt_money(pay['computed_amount'])} cho {fmt_int(pay['cases'])} vụ việc)")
                else:
                    lines.append(f"**Kỳ:** {fmt_date(pay['period_from'])}–{fmt_date(pay['period_to'])} · "
                                 f"**Số tiền:** {fmt_money(pay['amount'])} (theo mức chi khi lập: "
                                 f"{fmt_money(pay['computed_amount'])})")
                if pay["reduction_reason"]:
                    lines.append(f"**Lý do giảm:** {md_text(pay['reduction_reason'])}")
                if pay["approved_on"]:
                    lines.append(f"**Ngày duyệt:** {fmt_date(pay['approved_on'])}")
                if pay["paid_on"]:
                    lines.append(f"**Ngày chi:** {fmt_date(pay['paid_on'])} · tổ trưởng chi cho hòa giải viên trước "
                                 f"**{fmt_date(pay['payout_deadline'])}** (3 ngày làm việc)")
                if pay["status"] == "huy":
                    lines.append(f"**Đã hủy ngày** {fmt_date(pay['cancelled_on'])}: {md_text(pay['cancel_reason'])}")
                if pay["note"]:
                    lines.append(f"**Ghi chú:** {md_text(pay['note'])}")
                st.markdown("  \n".join(lines))
                if pay["above_rate"]:
                    what = (f"{fmt_int(pay['cases'])} vụ việc trong giấy đề nghị" if pay["kind"] == "thu_lao"
                            else f"{fmt_int(pay['months'])} tháng hỗ trợ")
                    st.error(f"Chi vượt mức {fmt_money(pay['above_rate'])}: theo mức chi hiện hành, {what} chỉ được "
                             f"{fmt_money(pay['rated_amount'])}.", icon=":material/error:")
                if pay["paid_deleted"]:
                    st.error(f"Chi cho vụ việc đã xóa {fmt_money(pay['paid_deleted'])}: {fmt_int(pay['deleted_cases'])} "
                             "vụ việc trong giấy đề nghị đã bị xóa sau đó (nhập trùng hoặc nhập nhầm). Cần thu hồi hoặc "
                             "giải trình khoản đã chi.", icon=":material/error:")
                if pay["paid_ineligible"]:
                    st.error(f"Chi cho vụ việc không còn đủ điều kiện {fmt_money(pay['paid_ineligible'])}: xem cột «Chi "
                             "thù lao» của danh sách vụ việc bên dưới.", icon=":material/error:")
                if pay["late"]:
                    st.warning("Chi chậm so với hạn 5 ngày làm việc." if pay["status"] == "da_chi"
                               else "Đã quá hạn chi 5 ngày làm việc kể từ ngày đề nghị.", icon=":material/schedule:")
            with right:
                status, conflict = opened.get("status"), False
                if status in ("de_nghi", "da_duyet") and may("funding.approve"):
                    step, label, icon = (("da_duyet", "Duyệt chi", ":material/approval:") if status == "de_nghi"
                                         else ("da_chi", "Ghi đã chi", ":material/payments:"))
                    with st.container(border=True):
                        default = opened["approved_on"] or opened["requested_on"]
                        on_day = date_field("Ngày duyệt" if step == "da_duyet" else "Ngày chi",
                                            max(min(default, today()), opened["requested_on"]), key=f"{form_id}_day")
                        if st.button(label, type="primary", icon=icon, key=f"{form_id}_{step}"):
                            try:
                                funding.set_status(con, open_id, step, on_day, actor=actor(),
                                                   expected_version=edit.version)
                            except VersionConflict:
                                conflict = True
                            except ValidationError as exc:
                                show_errors(exc)
                            else:
                                edit.saved()
                                saved_on = funding.payment(con, open_id)["status_on"]
                                done(f"Chứng từ số {open_id}: {PAYMENT_STATUS[step].lower()} ngày {fmt_date(saved_on)}.",
                                     "payment", open_id)
                if status == "de_nghi" and may("funding"):
                    with st.expander("Giảm số tiền đề nghị", icon=":material/trending_down:"):
                        new_amount = st.text_input("Số tiền mới (đồng)", key=f"{form_id}_amount",
                                                   placeholder=f"Thấp hơn {fmt_int(opened['amount'])}")
                        why = st.text_input("Lý do giảm", key=f"{form_id}_reason")
                        conflict |= payment_step(
                            "Lưu số tiền mới", f"{form_id}_reduce", edit,
                            lambda version: funding.reduce_payment(con, open_id, new_amount, why, actor=actor(),
                                                                   expected_version=version),
                            f"Chứng từ số {open_id}: đã giảm số tiền đề nghị.", open_id)
                if status in ("de_nghi", "da_duyet") and may("funding"):
                    with st.expander("Hủy chứng từ", icon=":material/cancel:"):
                        cancel_day = date_field("Ngày hủy", max(min(today(), dt.date(year, 12, 31)),
                                                                opened["approved_on"] or opened["requested_on"]),
                                                key=f"{form_id}_cancel_day")
                        cancel_reason = st.text_input("Lý do hủy", key=f"{form_id}_cancel_reason")
                        st.caption("Vụ việc của giấy đề nghị bị hủy được đề nghị lại được.")
                        conflict |= payment_step(
                            "Hủy chứng từ", f"{form_id}_cancel", edit,
                            lambda version: funding.cancel_payment(con, open_id, cancel_day, cancel_reason,
                                                                   actor=actor(), expected_version=version),
                            f"Đã hủy chứng từ số {open_id}.", open_id)
                if conflict:  # one place for the notice, whichever step was refused
                    edit.conflict()
                else:
                    edit.show_conflict()
            if pay["kind"] == "thu_lao":
                st.markdown("**Vụ việc trong giấy đề nghị**")
                cases = funding.payment_cases(con, open_id)
                table(
                    cases.assign(received=cases["received_on"].map(fmt_date),
                                 concluded=cases["concluded_on"].map(fmt_date),
                                 result_label=cases["result"].map(RESULTS),
                                 filed=cases["filed_fee"].map(fmt_money), rated=cases["rate_fee"].map(fmt_money),
                                 ok=cases["problem"].map(lambda p: FEE_CASE_PROBLEMS.get(p, "Đủ điều kiện"))),
                    column_order=["case_id", "received", "concluded", "category", "result_label", "filed", "rated",
                                  "ok"],
                    column_config={
                        "case_id": st.column_config.NumberColumn("Số vụ việc", width=80, format="%d"),
                        "received": st.column_config.TextColumn("Ngày nhận", width=95),
                        "concluded": st.column_config.TextColumn("Ngày kết thúc", width=105),
                        "category": st.column_config.TextColumn("Loại vụ việc", width=180),
                        "result_label": st.column_config.TextColumn("Kết quả", width=150),
                        "filed": st.column_config.TextColumn("Thù lao khi lập", width=110, alignment="right",
                                                             help="Mức thù lao của vụ việc khi lập giấy đề nghị"),
                        "rated": st.column_config.TextColumn("Theo mức hiện hành", width=130, alignment="right",
                                                             help="Mức hiệu lực ngày kết thúc, theo kết quả, theo "
                                                                  "mức chi như hiện nay"),
                        "ok": st.column_config.TextColumn("Chi thù lao", width="medium"),
                    },
                    hide_index=True, width="stretch",
                )
            signing = read(funding.signing_list, open_id)
            st.markdown("**Danh sách ký nhận**")
            table(
                signing.assign(money=signing["amount"].map(fmt_money), sign=""),
                column_order=["stt", "full_name", "money", "sign"],
                column_config={
                    "stt": st.column_config.NumberColumn("STT", width=45, format="%d"),
                    "full_name": st.column_config.TextColumn("Họ và tên", width=190),
                    "money": st.column_config.TextColumn("Số tiền", width=105, alignment="right"),
                    "sign": st.column_config.TextColumn("Ký nhận", width=90),
                },
                hide_index=True, width=480,
            )
            st.caption("Thù lao chia theo mức của từng vụ việc (hòa giải thành, không thành), rồi chia đều cho các hòa "
                       "giải viên ghi trong từng vụ việc; vụ việc chưa ghi hòa giải viên do tổ trưởng nhận. Hỗ trợ hoạt "
                       "động: tổ trưởng nhận cho tổ.")
            download("Tải danh sách ký nhận (CSV, mở được bằng Excel)", funding.signing_csv(con, open_id),
                     file_name=f"danh-sach-ky-nhan-chung-tu-{open_id}.csv", mime="text/csv",
                     icon=":material/download:", key=f"sign_csv_{open_id}")


if may("funding"):
    with tab_budget:
        st.caption("Dự toán kinh phí hòa giải ở cơ sở của xã cho từng năm, với văn bản giao dự toán. Tiêu chí tiếp cận "
                   "pháp luật yêu cầu có văn bản bố trí kinh phí trong dự toán ngân sách xã.")
        if commune_form is None:  # a budget line is one commune's
            st.info(CHOOSE_COMMUNE, icon=":material/location_city:")
        else:
            edit = Editing(f"budget_{year}", "budgets", lambda: funding.budget(con, year, where.commune_id))
            opened = edit.record  # the year's budget as this form opened it ({} when there was none)
            form_id = edit.key
            with st.form(form_id, enter_to_submit=False):
                b1, b2, b3 = st.columns([1, 2, 1])
                budget_amount = b1.text_input(f"Dự toán năm {year} (đồng) *", placeholder="VD: 15.000.000",
                                              value=fmt_int(opened["amount"]) if opened else "", key=f"{form_id}_amount")
                document_no = b2.text_input("Số văn bản giao dự toán", value=opened.get("document_no") or "",
                                            placeholder="VD: Nghị quyết số 19/NQ-HĐND", key=f"{form_id}_document_no")
                document_date = date_field("Ngày văn bản", opened.get("document_date"), container=b3,
                                           key=f"{form_id}_document_date")
                in_budget = st.checkbox("Là dòng riêng trong dự toán ngân sách xã",
                                        value=bool(opened.get("in_commune_budget", True)),
                                        key=f"{form_id}_in_budget")
                budget_note = st.text_input("Ghi chú", value=opened.get("note") or "", key=f"{form_id}_note")
                submitted = st.form_submit_button("Lưu dự toán", type="primary", icon=":material/save:")
                show_flash("budget")
            # Outside the form: the stale-edit notice has buttons.
            if not submitted:
                edit.show_conflict()
            elif edit.version is None and budget_row:
                edit.conflict()  # entered by another user since this form opened empty: the write path would overwrite it
            else:
                try:
                    funding.save_budget(con, year, {"amount": budget_amount, "document_no": document_no,
                                                    "document_date": document_date, "in_commune_budget": in_budget,
                                                    "note": budget_note},
                                        actor=actor(), expected_version=edit.version, commune_id=where.commune_id)
                except VersionConflict:
                    edit.conflict()
                except ValidationError as exc:
                    show_errors(exc)
                else:
                    edit.saved()
                    done(f"Đã lưu dự toán năm {year}.", "budget")
            years = read(funding.budget_years, commune_form)
            if not years.empty:
                # A year with payments but no budget yet (a fee request filed early in the year) has empty budget cells.
                no_budget = years["budget"].map(is_missing)
                shown_columns = ["year", "budget_label", "paid_label", "remaining_label", "share", "in_budget",
                                 "document"]
                table(  # the columns shown only: st.dataframe sends every column it is given
                    years.assign(budget_label=[("Chưa có dự toán" if none else fmt_money(v))
                                               for v, none in zip(years["budget"], no_budget)],
                                 paid_label=years["paid"].map(fmt_money), remaining_label=years["remaining"].map(fmt_money),
                                 share=[("—" if none else fmt_pct(v)) for v, none in zip(years["paid_share"], no_budget)],
                                 in_budget=["" if none else YES_NO.get(is_true(v)) for v, none in
                                            zip(years["in_commune_budget"], no_budget)],
                                 document=[" ngày ".join(part for part in ("" if is_missing(no) else no, fmt_date(d)) if part)
                                           for no, d in zip(years["document_no"], years["document_date"])])
                    [shown_columns],
                    column_order=shown_columns,
                    column_config={
                        "year": st.column_config.NumberColumn("Năm", width=60, format="%d"),
                        "budget_label": st.column_config.TextColumn("Dự toán", width=115, alignment="right"),
                        "paid_label": st.column_config.TextColumn("Đã chi", width=115, alignment="right"),
                        "remaining_label": st.column_config.TextColumn("Còn lại", width=115, alignment="right"),
                        "share": st.column_config.TextColumn("Tỷ lệ đã chi", width=95, alignment="right"),
                        "in_budget": st.column_config.TextColumn("Dòng riêng", width=90,
                                                                 help="Là dòng riêng trong dự toán ngân sách xã"),
                        "document": st.column_config.TextColumn("Văn bản giao dự toán", width="large"),
                    },
                    hide_index=True, width="stretch",
                )

