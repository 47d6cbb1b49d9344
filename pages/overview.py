"""Tổng quan: the year's cases and success rates against the plan's target, by village."""
import altair as alt
import streamlit as st

from db import commendation, criteria, funding, results, scores, teams
from db.labels import BAND_TEXT_COLOURS, SCORE_BANDS, TARGET_STATUS
from pages.common import chart_font, connection, filters, fmt_int, fmt_money, fmt_pct, village_name

con = connection()
year, village_id = filters()
total = results.totals(con, year, village_id)
target = results.targets(con, year)
low, high = target.get("success_rate_min", 0.9), target.get("success_rate_max", 0.95)

st.title("Tổng quan công tác hòa giải ở cơ sở")
st.caption(f"Năm {year} · {village_name(con, village_id)} · Mục tiêu kế hoạch: "
           f"{fmt_pct(low)}–{fmt_pct(high)} số vụ việc được hòa giải thành")

rate = total["official_rate"]
gap = None if rate is None else f"{(rate - low) * 100:+.1f} điểm % so với mục tiêu {fmt_pct(low)}".replace(".", ",")
rate_cols = st.columns(2, border=True)
rate_cols[0].metric("Tỷ lệ hòa giải thành (chính thức)", fmt_pct(rate), gap,
                    help="Thành / (thành + không thành). Không tính vụ việc đang hòa giải và ngoài phạm vi.")
rate_cols[1].metric("Thành / số vụ việc tiếp nhận trong phạm vi", fmt_pct(total["received_rate"]),
                    help="Thành / số vụ việc tiếp nhận trong phạm vi (kể cả đang hòa giải).")
organisation = teams.composition_summary(con, year, village_id)
trained_target = target.get("trained_share", 1.0)
trained = organisation["trained_share"]
org_cols = st.columns(2, border=True)
org_cols[0].metric(
    "Hòa giải viên được tập huấn trong năm", fmt_pct(trained),
    None if trained is None else f"{(trained - trained_target) * 100:+.1f} điểm % so với mục tiêu {fmt_pct(trained_target)}".replace(".", ","),
    help=f"{organisation['trained']}/{organisation['active']} hòa giải viên đang hoạt động đã dự ít nhất một buổi tập huấn năm {year}.")
org_cols[1].metric(
    "Tổ đủ thành phần theo Điều 12", f"{organisation['teams_ok']}/{organisation['teams']}",
    help="Ít nhất 3 hòa giải viên đang hoạt động, có nữ, có tổ trưởng (và người dân tộc thiểu số nơi cần).")
cols = st.columns(4)
cols[0].metric("Vụ việc tiếp nhận", fmt_int(total["received"]),
               help=f"Gồm {fmt_int(total['carried_over'])} vụ việc kỳ trước chuyển sang và "
                    f"{fmt_int(total['ngoai_pham_vi'])} vụ việc ngoài phạm vi (đã chuyển).")
cols[1].metric("Hòa giải thành", fmt_int(total["thanh"]))
cols[2].metric("Hòa giải không thành", fmt_int(total["khong_thanh"]))
cols[3].metric("Đang hòa giải", fmt_int(total["dang_hoa_giai"]))
if rate is not None:
    if rate >= low:
        st.success(f"Tỷ lệ hòa giải thành {fmt_pct(rate)} đạt mục tiêu kế hoạch ({fmt_pct(low)}–{fmt_pct(high)}).")
    else:
        st.warning(f"Tỷ lệ hòa giải thành {fmt_pct(rate)} chưa đạt mục tiêu kế hoạch "
                   f"({fmt_pct(low)}–{fmt_pct(high)}): còn thiếu {(low - rate) * 100:.1f} điểm %.".replace(".", ",", 1))

villages = results.by_village(con, year, village_id)
st.subheader("Theo thôn")
chart_data = villages.assign(rate_pct=villages["official_rate"] * 100,
                              rate_label=villages["official_rate"].map(fmt_pct),
                              status_label=villages["status"].map(TARGET_STATUS))
bars = alt.Chart().mark_bar().encode(
    x=alt.X("rate_pct:Q", title="Tỷ lệ hòa giải thành chính thức (%)", scale=alt.Scale(domain=[0, 100]),
            axis=alt.Axis(values=list(range(0, 101, 10)))),
    y=alt.Y("village:N", title=None, sort=alt.EncodingSortField("rate_pct", op="max", order="descending")),
    color=alt.Color("status_label:N", title=None, legend=alt.Legend(orient="top"),
                    scale=alt.Scale(domain=list(TARGET_STATUS.values()), range=["#2e7d32", "#c62828", "#9e9e9e"])),
    tooltip=[alt.Tooltip("village:N", title="Thôn"), alt.Tooltip("rate_label:N", title="Tỷ lệ"),
             alt.Tooltip("thanh:Q", title="Thành"), alt.Tooltip("khong_thanh:Q", title="Không thành")],
)
labels = bars.mark_text(align="left", dx=4, fontSize=chart_font(), color="#1b2631").encode(
    text="rate_label:N")
target_lines = alt.Chart().mark_rule(strokeDash=[6, 4], strokeWidth=2, color="#1b5e20").encode(
    x=alt.datum(low * 100))
chart = alt.layer(bars, labels, target_lines, data=chart_data).properties(height=44 * len(villages) + 60)
st.altair_chart(chart.configure_axis(labelFontSize=chart_font(), titleFontSize=chart_font(), labelLimit=320)
                .configure_legend(labelFontSize=chart_font(), labelLimit=400),
                width="stretch")
st.caption(f"Mỗi thanh: tỷ lệ hòa giải thành chính thức của một thôn năm {year} (thành / (thành + không thành)). "
           f"Vạch đứt: mục tiêu tối thiểu {fmt_pct(low)}. Thôn chưa có vụ việc kết thúc thì không có thanh.")

table = villages.rename(columns={
    "village": "Thôn", "received": "Tiếp nhận", "carried_over": "Kỳ trước chuyển sang", "thanh": "Thành",
    "khong_thanh": "Không thành", "dang_hoa_giai": "Đang hòa giải", "ngoai_pham_vi": "Ngoài phạm vi",
    "security_incidents": "Phức tạp, mất ANTT",
})
table["Tỷ lệ thành (chính thức)"] = villages["official_rate"].map(fmt_pct)
table["Thành / tiếp nhận trong phạm vi"] = villages["received_rate"].map(fmt_pct)
st.dataframe(
    table[["Thôn", "Tiếp nhận", "Kỳ trước chuyển sang", "Thành", "Không thành", "Đang hòa giải",
           "Ngoài phạm vi", "Tỷ lệ thành (chính thức)", "Thành / tiếp nhận trong phạm vi", "Phức tạp, mất ANTT"]],
    hide_index=True, width="stretch",
)

# Kinh phí (issue 4): the budget line against what was paid, and concluded cases whose fee is unpaid.

money = funding.summary(con, year, village_id)
st.subheader("Kinh phí")
fund_cols = st.columns(3, border=True)
fund_cols[0].metric(f"Dự toán năm {year} (toàn xã)", fmt_money(money["budget"]) if money["budget_row"] else "Chưa có")
fund_cols[1].metric(
    "Đã chi / dự toán", fmt_money(money["paid"]),
    f"{fmt_pct(money['paid_share'])} dự toán" if village_id is None and money["paid_share"] is not None else None,
    delta_color="off", delta_arrow="off",
    help=f"Thù lao {fmt_money(money['fee_paid'])} + hỗ trợ hoạt động tổ {fmt_money(money['support_paid'])}; "
         f"đã đề nghị chưa chi {fmt_money(money['pending'])}.")
fund_cols[2].metric(
    "Vụ việc kết thúc chưa chi thù lao", f"{fmt_int(money['unpaid_cases'])}/{fmt_int(money['concluded_cases'])}",
    help=f"Vụ việc hòa giải thành hoặc không thành kết thúc năm {year} chưa được chi thù lao (ước tính "
         f"{fmt_money(money['fee_unpaid_estimate'])}). Chi tiết ở trang Kinh phí.")

# Tiêu chí tiếp cận pháp luật (issue 5): points and statuses of the indicators in force this year.

compliance = criteria.summary(con, year, village_id)
if compliance["indicators"]:
    st.subheader("Tiêu chí tiếp cận pháp luật về hòa giải")
    standard = next((f for f in compliance["frameworks"] if f["family"] == "chuan_tiep_can"), None)
    crit_cols = st.columns(3, border=True)
    if standard and standard["max_points"]:
        crit_cols[0].metric(
            f"Điểm ({standard['short_name']})",
            f"{criteria.number(standard['points'])} / {criteria.number(standard['max_points'])}",
            help="Chỉ tiêu thiếu hồ sơ kiểm chứng được 0 điểm."
                 + (" Điểm tạm tính, cần xác minh." if standard["points_need_verification"] else ""))
    else:
        crit_cols[0].metric("Điểm chuẩn tiếp cận pháp luật", "Chưa chấm",
                            help="Điểm của khung tiêu chí năm này chưa được xác minh.")
    crit_cols[1].metric("Chỉ tiêu đạt", f"{compliance['dat']}/{compliance['indicators']}",
                        help=f"Chưa đạt: {compliance['chua_dat']}; không áp dụng: {compliance['khong_ap_dung']}.")
    crit_cols[2].metric("Chỉ tiêu thiếu hồ sơ kiểm chứng", compliance["thieu_ho_so"])
    st.page_link("pages/criteria.py", label="Xem từng chỉ tiêu, hồ sơ còn thiếu và bảng theo thôn",
                 icon=":material/fact_check:",
                 query_params={"nam": year, **({"thon": village_id} if village_id else {})})

# Chất lượng tổ và khen thưởng (issue 6): teams per band and the commendation candidates of the year.

st.subheader("Chất lượng tổ hòa giải và khen thưởng")
band_counts = scores.band_counts(con, year, village_id)
candidates = commendation.candidate_counts(con, year, village_id)
quality_cols = st.columns(len(SCORE_BANDS), border=True)
for col, (band, label) in zip(quality_cols, SCORE_BANDS.items()):
    col.markdown(f":{BAND_TEXT_COLOURS[band]}[**Tổ xếp loại {label}**]")
    col.metric(f"Số tổ xếp loại {label}", band_counts[band], label_visibility="collapsed")
candidate_cols = st.columns(2, border=True)
candidate_cols[0].metric("Tập thể đủ tiêu chí khen thưởng", candidates["teams"],
                         help=f"Tổ hòa giải đạt mọi tiêu chí đề xuất khen thưởng năm {year}; gần đạt (chưa đạt một "
                              f"tiêu chí): {candidates['teams_near']} tổ.")
candidate_cols[1].metric("Hòa giải viên đủ tiêu chí khen thưởng", candidates["mediators"],
                         help=f"Hòa giải viên đạt mọi tiêu chí đề xuất khen thưởng năm {year}; gần đạt (chưa đạt một "
                              f"tiêu chí): {candidates['mediators_near']} người.")
st.page_link("pages/quality.py", label="Xem điểm từng tổ và cách tính", icon=":material/leaderboard:")
st.page_link("pages/commendation.py", label="Xem đề xuất và đề nghị khen thưởng", icon=":material/military_tech:")
