"""Tổng quan: the leadership screen — the plan's targets as KPIs with status and change from last year,
the month-by-month trend, the national categories, villages ranked against the target band, and the
story of one village. Every KPI links, and every bar clicks, through to the list behind it."""
from types import SimpleNamespace

import streamlit as st

from db import overview, scores
from db.cases import results
from db.core.scope import Place
from db.core.labels import (BAND_LABELS, BAND_TEXT_COLOURS, KPI_STATUS, KPI_STATUS_BADGE, KPI_STATUS_ICONS, RESULTS,
                       SCORE_BANDS, TARGET_STATUS, UNGRADED, UNGRADED_LABEL)
from pages import charts, slides
from pages.common import (reader, place, paged, connection, filters, fmt_int, fmt_money, fmt_pct, go_to, is_missing, is_true, open_page,
                          page_link, presenting, table, view_params, village_name)

CASES, TEAMS, TRAININGS = "pages/cases.py", "pages/teams.py", "pages/trainings.py"
FUNDING, CRITERIA, PLAN = "pages/funding.py", "pages/criteria.py", "pages/plan.py"
COMMENDATION, QUALITY = "pages/commendation.py", "pages/quality.py"

con = connection()
read = reader(con)
year, village_id = filters()
where = place()  # the village, or a commune or province of a file of many communes
area = Place(where.province, where.commune_id)  # the same without the village: the villages to rank
heading = st.empty()  # the title goes out first, before any figure is computed (a province's first load takes a while)
if not (presenting() and slides.wanted()):  # a slide is a screen of its own, its caption says where it is
    with heading.container():
        st.title("Tổng quan công tác hòa giải ở cơ sở")
        line = st.empty()
kpi = read(overview.kpis, year, where)
rate = kpi["official_rate"]

def whole_pct(value: float) -> str:
    """A target share without needless decimals: 0.9 → '90%', 0.925 → '92,5%'."""
    return f"{value * 100:g}%".replace(".", ",")


def span(low, high) -> str | None:
    """A target range as «90%–95%», «≥ 90%» without an upper end, None without a target."""
    if low is None:
        return None
    return f"{whole_pct(low)}–{whole_pct(high)}" if high is not None and high != low else f"≥ {whole_pct(low)}"


# A year is judged against its own plan only (DOMAIN.md «Time»). Without one, the latest earlier plan's targets are
# drawn for reference, labelled with their year, and nothing is judged by them (the KPIs say «Chưa có kế hoạch»).
plan_of = kpi["targets_of"]
reference = plan_of["reference"]
drawn = rate if rate["target"] is not None else {
    "target": reference.get("success_rate_min"), "target_max": reference.get("success_rate_max"),
    "history_min": reference.get("history_rate_min"), "history_max": reference.get("history_rate_max")}
band = span(drawn["target"], drawn["target_max"])
history = span(drawn["history_min"], drawn["history_max"])
if rate["target"] is not None:
    band_words = f"mục tiêu kế hoạch {band}"
    plan_line = f"Mục tiêu kế hoạch: {band} số vụ việc được hòa giải thành" + (
        f" (các năm trước: {history})" if history else "")
else:
    band_words = f"chưa có kế hoạch năm {year}" + (
        f"; kế hoạch năm {plan_of['reference_year']}: {band} (tham khảo)" if band else "")
    plan_line = band_words[0].upper() + band_words[1:]
if not (presenting() and slides.wanted()):
    line.caption(f"Năm {year} · {village_name(con, village_id)} · {plan_line}")


def points(value: float) -> str:
    return f"{value * 100:+.1f} điểm %".replace(".", ",")


def change(now, before, *, share: bool = False, lower_is_better: bool = False) -> dict:
    """st.metric's delta arguments: the change from the previous year, or nothing when it can't be told."""
    if is_missing(now) or is_missing(before):
        return {}
    diff = now - before
    if abs(diff) < 1e-9:
        return {"delta": "Không đổi", "delta_color": "off", "delta_arrow": "off"}
    return {"delta": points(diff) if share else f"{int(diff):+d}",
            "delta_color": "inverse" if lower_is_better else "normal"}


def tile(col, status: str, reason: str, label: str, value: str, note: str, page: str, link: str,
         link_params: dict | None = None, help: str | None = None, before: str | None = None, **delta) -> None:
    """One KPI: its status against the target (colour, word, reason), the figure with its change from last
    year, what it is measured against, and the link to the list behind it. The label sits above the figure
    as text, so that it wraps instead of being cut on the laptop's narrow columns."""
    with col:
        st.badge(f"{KPI_STATUS[status]}{' — ' + reason if reason else ''}", color=KPI_STATUS_BADGE[status],
                 icon=KPI_STATUS_ICONS[status])
        st.markdown(f"**{label}**", help=help)
        st.metric(label, value, label_visibility="collapsed", **delta)
        st.caption(note + (f" · năm {year - 1}: {before}" if before is not None and delta else ""))
        page_link(page, label=link, icon=":material/arrow_forward:", query_params=view_params(**(link_params or {})))


# --- KPIs: the plan's targets -------------------------------------------------------------------------

def share(value) -> str:
    """A KPI's share, or a dash when there is nothing to divide (the note says why)."""
    return "—" if is_missing(value) else fmt_pct(value)


def kpi_cards() -> list[dict]:
    """The eight targets of the plan as tile() arguments, in the order of the screen (and of the slides)."""
    trained, teams_ok, incidents = kpi["trained_share"], kpi["composition"], kpi["security_incidents"]
    money, compliance, tasks, candidates = kpi["funding"], kpi["compliance"], kpi["plan"], kpi["candidates"]
    money_reason = ("vượt dự toán" if money["over_budget"] else "chi vượt mức" if money["above_rate"]
                    else "chi cho vụ việc đã xóa" if money["paid_deleted"]
                    else "chi cho vụ việc không đủ điều kiện" if money["paid_ineligible"]
                    else "còn phải chi" if money["status"] == "gan_dat" else "")
    owed = f" · {fmt_int(money['unpaid_cases'])} vụ việc chưa chi thù lao" if money["unpaid_cases"] else ""
    money_help = ("Đã chi (thù lao và hỗ trợ hoạt động tổ) so với dự toán năm của xã. «Chi vượt mức»: có khoản "
                  "chi cao hơn mức chi hiện hành; «chi cho vụ việc đã xóa»: thù lao đã chi cho vụ việc sau đó bị xóa "
                  "khỏi sổ; «còn phải chi»: vụ việc kết thúc chưa chi thù lao hoặc hỗ trợ chưa chi.")
    if village_id is None:
        money_card = dict(
            status=money["status"], reason=money_reason, label="Kinh phí đã chi / dự toán", value=share(money["value"]),
            note=f"{fmt_money(money['paid'])} / " + (fmt_money(money["budget"]) if money["has_budget"]
                                                      else f"chưa có dự toán năm {year}") + owed,
            page=FUNDING, link="Khoản còn phải chi", help=money_help,
            before=fmt_pct(money["previous"]), **change(money["value"], money["previous"], share=True))
    else:
        money_card = dict(status=money["status"], reason=money_reason, label="Kinh phí đã chi cho thôn",
                          value=fmt_money(money["paid"]), note=f"Dự toán lập cho cả xã{owed}", page=FUNDING,
                          link="Khoản còn phải chi", help=money_help)
    return [
        dict(key="official_rate", status=rate["status"],
             reason={"gan_dat": f"mức {history}",
                     "chua_dat": f"dưới {whole_pct(rate['history_min'] or rate['target'] or 0)}"}
             .get(rate["status"], ""),
             label="Tỷ lệ hòa giải thành (chính thức)", value=share(rate["value"]),
             note=(f"{rate['thanh']}/{rate['thanh'] + rate['khong_thanh']} vụ việc kết thúc"
                   if rate["value"] is not None else "Chưa có vụ việc kết thúc") + f" · {band_words}",
             page=CASES, link="Vụ việc đã kết thúc", link_params={"ket_qua": "thanh,khong_thanh"},
             help="Thành / (thành + không thành), kết quả tính đến 31/12. Không tính vụ việc đang hòa giải và ngoài "
                  f"phạm vi. {plan_line}.",
             before=fmt_pct(rate["previous"]), **change(rate["value"], rate["previous"], share=True)),
        dict(key="trained_share", status=trained["status"], reason="", label="Hòa giải viên được tập huấn",
             value=share(trained["value"]),
             note=f"{trained['trained']}/{trained['active']} người · " + (
                 f"mục tiêu {whole_pct(trained['target'])}" if trained["target"] is not None
                 else f"chưa có kế hoạch năm {year}"),
             page=TRAININGS, link="Ai chưa được tập huấn",
             help="Hòa giải viên đang hoạt động đã dự ít nhất một buổi tập huấn trong năm.",
             before=fmt_pct(trained["previous"]), **change(trained["value"], trained["previous"], share=True)),
        dict(key="composition", status=teams_ok["status"], reason="", label="Tổ đủ thành phần (Điều 12)",
             value="—" if teams_ok["value"] is None else f"{teams_ok['value']}/{teams_ok['teams']}",
             note="Ít nhất 3 hòa giải viên, có nữ, có tổ trưởng", page=TEAMS, link="Thành phần từng tổ",
             help="Luật Hòa giải ở cơ sở, Điều 12; thôn có đông đồng bào dân tộc thiểu số cần có hòa giải viên "
                  "người dân tộc thiểu số.",
             before=None if teams_ok["previous"] is None else str(teams_ok["previous"]),
             **change(teams_ok["value"], teams_ok["previous"])),
        dict(key="security_incidents", status=incidents["status"], reason="", label="Vụ việc phức tạp, mất ANTT",
             value=fmt_int(incidents["value"]),
             note=f"Chưa có kế hoạch năm {year}" if incidents["target"] is None
             else "Mục tiêu: không có vụ nào" if not incidents["target"]
             else f"Mục tiêu: tối đa {fmt_int(incidents['target'])}",
             page=CASES, link="Các vụ việc này", link_params={"antt": 1},
             help="Vụ việc phức tạp, gây mất an ninh trật tự, tính trong năm (kể cả kỳ trước chuyển sang).",
             before=None if incidents["previous"] is None else fmt_int(incidents["previous"]),
             **change(incidents["value"], incidents["previous"], lower_is_better=True)),
        dict(key="funding", **money_card),
        dict(key="compliance", status=compliance["status"],
             reason="thiếu hồ sơ" if compliance["status"] == "gan_dat" else "", label="Chỉ tiêu tiếp cận pháp luật đạt",
             value=f"{compliance['value']}/{compliance['indicators']}" if compliance["indicators"] else "—",
             note=(f"Điểm {compliance['points']:g}/{compliance['max_points']:g} · ".replace(".", ",")
                   if compliance["max_points"] else "") + f"thiếu hồ sơ: {compliance['thieu_ho_so']}",
             page=CRITERIA, link="Từng chỉ tiêu",
             help="Chỉ tiêu về hòa giải ở cơ sở của chuẩn tiếp cận pháp luật và mục tiêu kế hoạch xã đang áp dụng "
                  "năm này.",
             before=None if compliance["previous"] is None else str(compliance["previous"]),
             **change(compliance["value"], compliance["previous"])),
        dict(key="plan", status=tasks["status"], reason=f"{tasks['overdue']} việc quá hạn" if tasks["overdue"] else "",
             label="Nhiệm vụ kế hoạch xong", value=f"{tasks['value']}/{tasks['total']}" if tasks["total"] else "—",
             note="Kế hoạch của UBND xã, tính đến hôm nay" if tasks["total"] else f"Chưa có kế hoạch năm {year}",
             page=PLAN, link="Việc đến hạn, quá hạn",
             help="Nhiệm vụ của kế hoạch năm (mục II và III) đã hoàn thành; quá hạn: qua thời hạn mà chưa hoàn thành."),
        dict(key="candidates", status=candidates["status"], reason="", label="Đủ tiêu chí khen thưởng",
             value=fmt_int(candidates["value"]),
             note=f"{candidates['teams']} tập thể, {candidates['mediators']} cá nhân", page=COMMENDATION,
             link="Đề xuất khen thưởng",
             help=f"Gần đạt (chưa đạt một tiêu chí): {candidates['teams_near']} tổ, {candidates['mediators_near']} "
                  "người.",
             before=None if candidates["previous"] is None else str(candidates["previous"]),
             **change(candidates["value"], candidates["previous"])),
    ]


cards = kpi_cards()
if presenting() and slides.wanted():
    slides.show(con, year, village_id, cards, rate)
    st.stop()
if presenting():
    slides.offer()
for row in (cards[:4], cards[4:]):
    for col, card in zip(st.columns(4, border=True), row):
        tile(col, **{k: v for k, v in card.items() if k != "key"})

# --- One village: its story ---------------------------------------------------------------------------

if village_id is not None:
    story = read(overview.village_story, year, village_id)
    name = village_name(con, village_id)
    own, commune = story["totals"], story["commune"]
    st.subheader(f"{name} năm {year}")
    left, right = st.columns([3, 2])
    lines = [
        f"Tiếp nhận **{fmt_int(own['received'])} vụ việc**"
        + (f" (trong đó {fmt_int(own['carried_over'])} vụ kỳ trước chuyển sang)" if own["carried_over"] else "")
        + f": hòa giải thành {own['thanh']}, không thành {own['khong_thanh']}, đang hòa giải {own['dang_hoa_giai']}"
        + (f", ngoài phạm vi {own['ngoai_pham_vi']}" if own["ngoai_pham_vi"] else "") + ".",
    ]
    if own["official_rate"] is not None:
        lines.append(
            f"Tỷ lệ hòa giải thành **{fmt_pct(own['official_rate'])}**: {TARGET_STATUS[story['status']].lower()} "
            f"({band_words}); toàn xã {fmt_pct(commune['official_rate'])}"
            + (f"; xếp thứ **{story['rank']}/{story['ranked_villages']}** thôn"
               + (f" (đồng hạng với {story['tied_with']} thôn khác)." if story["tied_with"] else ".")
               if story["rank"] else "."))
    else:
        lines.append("Chưa có vụ việc kết thúc trong năm nên chưa có tỷ lệ hòa giải thành.")
    if team := story["team"]:
        gaps = {"rule_members": f"chưa đủ {team['min_members']:g} hòa giải viên", "rule_woman": "chưa có nữ",
                "rule_leader": "chưa có tổ trưởng", "rule_ethnic": "chưa có người dân tộc thiểu số"}
        missing = [text for rule, text in gaps.items() if not team[rule]]
        lines.append(
            f"{team['team']}: {team['active']} hòa giải viên đang hoạt động ({team['women']} nữ)"
            + (f", tổ trưởng {team['leader']}" if team["leader"] else "")
            + (" — đủ thành phần theo Điều 12." if team["composition_ok"]
               else f" — cần kiện toàn: {', '.join(missing)}."))
        lines.append(f"Tập huấn: {team['trained']}/{team['active']} hòa giải viên "
                     f"({fmt_pct(team['trained_share'])}).")
    if (score := story["score"]) and score["score"] == score["score"] and not is_true(score["graded"]):
        # Too little data to grade (issue 14): no band, the reason instead, the score only as indicative.
        lines.append(f"Chất lượng tổ: **{UNGRADED_LABEL.lower()}** — {scores.grading_reason(SimpleNamespace(**score))}"
                     + f"; điểm tham khảo {score['score']:.1f}.".replace(".", ",", 1))
    elif score and score["score"] == score["score"]:
        previous = score["previous_score"]
        lines.append(
            f"Điểm chất lượng tổ **{score['score']:.1f}**".replace(".", ",")
            + f" — xếp loại **{BAND_LABELS[score['band']]}**"
            + (f" (năm {year - 1}: {previous:.1f})".replace(".", ",")
               if previous is not None and previous == previous and is_true(score["previous_graded"]) else "")
            + ".")
    lines.append(f"Vụ việc phức tạp, gây mất ANTT: {own['security_incidents']}.")
    paid = story["money"]
    lines.append(f"Kinh phí đã chi cho thôn: {fmt_money(paid['paid'])}"
                 + (f"; còn {paid['unpaid_cases']} vụ việc kết thúc chưa chi thù lao."
                    if paid["unpaid_cases"] else "."))
    with left:
        st.markdown("\n".join(f"- {line}" for line in lines))
        page_link(QUALITY, label="Điểm chất lượng của tổ và cách tính", icon=":material/arrow_forward:",
                     query_params=view_params())
        page_link(CASES, label=f"Sổ theo dõi vụ việc của {name}", icon=":material/arrow_forward:",
                     query_params=view_params())
    with right:
        by_year = read(results.rate_history, where)
        st.altair_chart(charts.rate_history(by_year, drawn, year), width="stretch")
        st.caption(f"Tỷ lệ hòa giải thành chính thức của {name} qua các năm (thành / (thành + không thành)). "
                   + (f"Dải xanh: {band_words}; dải cam: mức các năm trước." if band else plan_line + "."))

# --- Cases: month by month, and the three national categories -----------------------------------------

total = read(results.totals, year, where)
st.subheader("Vụ việc trong năm")
st.markdown(
    f"Tiếp nhận **{fmt_int(total['received'])}** vụ việc"
    + (f" (gồm {fmt_int(total['carried_over'])} vụ việc kỳ trước chuyển sang)" if total["carried_over"] else "")
    + f" · {RESULTS['thanh']}: **{fmt_int(total['thanh'])}**"
    + f" · {RESULTS['khong_thanh']}: **{fmt_int(total['khong_thanh'])}**"
    + f" · {RESULTS['dang_hoa_giai']}: **{fmt_int(total['dang_hoa_giai'])}**"
    + f" · {RESULTS['ngoai_pham_vi']}: **{fmt_int(total['ngoai_pham_vi'])}**"
    + f" · Thành / tiếp nhận trong phạm vi: **{fmt_pct(total['received_rate'])}**")
trend_col, category_col = st.columns([3, 2])
with trend_col:
    st.markdown("**Tiếp nhận và kết thúc theo tháng**")
    months = read(results.by_month, year, where)
    if months["cases"].sum():
        trend = st.altair_chart(charts.monthly(months, year), width="stretch",
                                on_select="rerun", selection_mode="thang", key=f"trend_{year}_{village_id}")
        st.caption("Cột trái mỗi tháng: số vụ việc nhận trong tháng. Cột phải: số vụ việc kết thúc trong tháng, "
                   "theo kết quả. Vụ việc kỳ trước chuyển sang không thuộc tháng nào. Bấm vào cột để xem danh sách.")
    else:
        trend = None
        st.info(f"Chưa có vụ việc nào được nhận hay kết thúc trong năm {year}.", icon=":material/info:")
with category_col:
    st.markdown("**Theo ba nhóm thống kê của Bộ Tư pháp**")
    category_frame = read(results.by_national_category, year, where)
    category = st.altair_chart(charts.national_categories(category_frame, year), width="stretch",
                               on_select="rerun", selection_mode="nhom", key=f"nhom_{year}_{village_id}")
    st.caption(f"Số vụ việc tính vào năm {year} (kể cả kỳ trước chuyển sang) theo nhóm, chia theo kết quả tính "
               "đến 31/12. Bấm vào đoạn màu để xem danh sách.")

if trend and (picked := trend.selection.get("thang")):
    month, series = int(picked[0]["month"]), picked[0]["series"]
    if series == "tiep_nhan":
        open_page(CASES, thang_nhan=month)
    else:
        open_page(CASES, thang_ket_thuc=month, ket_qua=series)
if picked := category.selection.get("nhom"):
    chosen = category_frame[category_frame["national_code"] == picked[0]["national_code"]].iloc[0]
    open_page(CASES, loai=chosen["local_codes"], ket_qua=picked[0]["result"])

# --- Villages ranked against the target band ----------------------------------------------------------

villages = read(results.by_village, year, None, area)  # every village of the commune (or province) shown
rated = villages.dropna(subset=["official_rate"]).sort_values(["official_rate", "village"], ascending=[False, True])
drawn_villages, left_out = charts.ends(rated) if len(villages) > charts.MOST_BARS else (villages, 0)
st.subheader("Các thôn theo tỷ lệ hòa giải thành")
ranking = st.altair_chart(charts.village_ranking(drawn_villages, drawn, village_id), width="stretch",
                          on_select="rerun", selection_mode="thon", key=f"thon_{year}_{village_id}")
st.caption(f"Mỗi thanh: tỷ lệ hòa giải thành chính thức của một thôn năm {year} (thành / (thành + không thành)). "
           + (f"Chỉ vẽ {charts.MOST_BARS // 2} thôn cao nhất và {charts.MOST_BARS // 2} thôn thấp nhất trong "
              f"{len(rated)} thôn có vụ việc kết thúc; chọn xã ở thanh bên để xem từng thôn của xã. " if left_out else "")
           + (f"Dải xanh: {band_words}, vạch đứt: mức tối thiểu; dải cam: mức các năm trước. " if band
              else f"{plan_line}. ")
           + "Thôn chưa có vụ việc kết thúc thì không có thanh. "
           "Bấm vào một thôn để xem riêng thôn đó.")
if (picked := ranking.selection.get("thon")) and int(picked[0]["village_id"]) != village_id:
    go_to(year, int(picked[0]["village_id"]))
    st.rerun()
if village_id is not None and st.button("Xem tất cả các thôn", icon=":material/zoom_out_map:"):
    go_to(year, None)
    st.rerun()

bands = read(scores.band_counts, year, where)
st.markdown("Chất lượng tổ hòa giải: " + " · ".join(
    f":{BAND_TEXT_COLOURS[band]}[**{label}**]: {bands[band]} tổ" for band, label in SCORE_BANDS.items())
    + (f" · :{BAND_TEXT_COLOURS[UNGRADED]}[**{UNGRADED_LABEL}**]: {bands[UNGRADED]} tổ" if bands[UNGRADED] else ""),
    help=scores.grading_rule_text(read(scores.score_params, year)))
page_link(QUALITY, label="Điểm từng tổ và cách tính", icon=":material/arrow_forward:", query_params=view_params())

with st.expander("Bảng số liệu theo thôn", expanded=not presenting()):
    shown = paged(villages, f"overview_villages_{year}")  # a page of a province's thousands of villages
    village_table = shown.rename(columns={
        "village": "Thôn", "received": "Tiếp nhận", "carried_over": "Kỳ trước chuyển sang", "thanh": "Thành",
        "khong_thanh": "Không thành", "dang_hoa_giai": "Đang hòa giải", "ngoai_pham_vi": "Ngoài phạm vi",
        "security_incidents": "Phức tạp, mất ANTT",
    })
    village_table["Tỷ lệ thành (chính thức)"] = shown["official_rate"].map(fmt_pct)
    village_table["Thành / tiếp nhận trong phạm vi"] = shown["received_rate"].map(fmt_pct)
    table(
        village_table[["Thôn", "Tiếp nhận", "Kỳ trước chuyển sang", "Thành", "Không thành", "Đang hòa giải",
               "Ngoài phạm vi", "Tỷ lệ thành (chính thức)", "Thành / tiếp nhận trong phạm vi", "Phức tạp, mất ANTT"]],
    )
