"""Chất lượng tổ: every team's score 0–100, band, rank, change, components with inputs, a projector chart,
a team's detail point by point, and the teams to review (cần kiện toàn). Teams with too little data to grade
(«Chưa đủ dữ liệu để xếp loại», issue 14) are counted, listed and tabled apart, without band or rank."""
import pandas as pd
import streamlit as st

from db import scores
from db.core.labels import (
    BAND_SHORT, COMPOSITION_RULES, NOT_APPLICABLE, REGISTER_GAPS, SCORE_BANDS, SCORE_COMPONENTS,
    SCORE_COMPONENTS_SHORT, UNGRADED, UNGRADED_LABEL,
)
from pages import charts
from pages.common import (form_place, paged, reader, place, WRAP_ROW_HEIGHT, connection, filters, fmt_date, is_missing, md_text, page_link, table,
                          village_name)

con = connection()
read = reader(con)
year, village_id = filters()
where = place()  # the village, or a commune or province of a file of many communes
scored = read(scores.team_scores, year, where)
parts = read(scores.components, year, where)
params = read(scores.score_params, year)
bands = read(scores.band_counts, year, where)


def num(value, digits: int = 1) -> str:
    if is_missing(value):
        return "—"
    return f"{value:.{digits}f}".replace(".", ",")


def weight_text(value) -> str:
    """A weight: whole numbers without decimals (40), others with one (44,4)."""
    return num(value, 0) if abs(value - round(value)) < 0.05 else num(value)


def change_text(value) -> str:
    if is_missing(value):
        return "—"
    return ("+" if value > 0 else "") + num(value)


st.title("Chất lượng tổ hòa giải")
st.caption(f"Năm {year} · {village_name(con, village_id)} · Điểm 0–100 theo mô hình chấm điểm áp dụng cho năm {year} "
           "(Cài đặt → Mô hình chấm điểm). Hạng xếp trong toàn xã.")

if scored.empty:
    st.info("Chưa có tổ hòa giải nào.")
    st.stop()

model = read(scores.model_values, year)
graded = scored[scored["graded"].astype(bool)]
ungraded = scored[~scored["graded"].astype(bool)]
grading_rule = scores.grading_rule_text(params)
lows = [model[("score_bands", band)] for band in SCORE_BANDS]
cols = st.columns(5, border=True)
for col, (band, label), low, high in zip(cols, SCORE_BANDS.items(), lows, [None, *lows[:-1]]):
    col.metric(f"Tổ xếp loại {label}", bands[band],
               help=f"Từ {num(low, 0)} điểm" + (f" đến dưới {num(high, 0)} điểm" if high is not None else " trở lên"))
cols[4].metric(f"Tổ {BAND_SHORT[UNGRADED].lower()}", bands[UNGRADED], help=grading_rule)

# The projector chart: one bar per graded team, coloured by band, the score written on the bar's end. A team with
# too little data to grade is not drawn: its indicative score would stand among the grades.
if graded.empty:
    st.info(f"Năm {year} · {md_text(village_name(con, village_id))}: chưa có tổ nào đủ dữ liệu để xếp loại "
            f"({len(ungraded)} tổ ở mục «{UNGRADED_LABEL}» bên dưới).", icon=":material/info:")
else:
    drawn, left_out = charts.ends(graded)
    st.altair_chart(charts.team_scores(drawn), width="stretch")
    st.caption(f"Mỗi thanh: điểm chất lượng của tổ hòa giải một thôn năm {year}, từ 0 đến 100, màu theo xếp loại "
               "(Tốt, Khá, Trung bình, Yếu). Điểm cộng từ 6 thành phần: kết quả hòa giải, kịp thời, kiện toàn tổ, "
               "tập huấn, hồ sơ và an ninh trật tự."
               + (f" Chỉ vẽ {charts.MOST_BARS // 2} tổ điểm cao nhất và {charts.MOST_BARS // 2} tổ điểm thấp nhất; "
                  f"{left_out} tổ còn lại xem ở bảng điểm." if left_out else "")
               + (f" Không vẽ {len(ungraded)} tổ chưa đủ dữ liệu để xếp loại (xem bên dưới)." if len(ungraded) else ""))

# The table: each component's points out of its effective weight, and its inputs.
st.subheader("Bảng điểm")


def score_rows(teams: pd.DataFrame) -> pd.DataFrame:
    """The score table's text for these teams (a page of them: a province's thousands are never all written out)."""
    wide = parts[parts["team_id"].isin(teams["team_id"])].pivot(index="team_id", columns="component")
    # Plain dicts, one lookup per cell: a MultiIndex .loc per cell costs 0,1 ms.
    applicable, points, effective = (wide[part].to_dict("index") for part in ("applicable", "points", "effective_weight"))
    rows = []
    for team in teams.itertuples():
        row = {"team_id": team.team_id, "graded": bool(team.graded), "rank": team.rank, "village": team.village,
               "score": num(team.score), "band": BAND_SHORT.get(team.band, "—"), "change": change_text(team.change),
               "reason": scores.grading_reason(team)}
        for code in SCORE_COMPONENTS:
            if applicable[team.team_id][code]:
                row[code] = f"{num(points[team.team_id][code])}/{weight_text(effective[team.team_id][code])}"
            else:
                row[code] = NOT_APPLICABLE
            row[f"{code}_in"] = scores.input_text(code, team)
        rows.append(row)
    return pd.DataFrame(rows)


weights = model
component_columns = {
    code: st.column_config.TextColumn(
        f"{SCORE_COMPONENTS_SHORT[code]} ({weight_text(weights[('score_components', code)])})", width=84,
        help=f"{label}: điểm đạt / trọng số áp dụng. Trọng số trong mô hình: "
             f"{weight_text(weights[('score_components', code)])}; khi một thành phần không áp dụng, trọng số "
             "của nó được chia cho các thành phần còn lại.")
    for code, label in SCORE_COMPONENTS.items()}


def score_table(teams: pd.DataFrame, first: list[str], columns: dict, key: str, **options) -> None:
    """A page of these teams' scores (paged here, so only the page's rows are written out)."""
    frame = score_rows(paged(teams, key))
    table(
        frame.style.map(lambda v: "color: #c62828; font-weight: 600" if v == "Yếu" else "", subset=["band"])
                   .map(lambda v: "color: #78909c; font-style: italic" if v == NOT_APPLICABLE else "",
                        subset=list(SCORE_COMPONENTS)),
        column_order=[*first, *SCORE_COMPONENTS],
        column_config={**columns, **component_columns},
        hide_index=True, width="stretch", key=key, **options,
    )


if graded.empty:
    st.caption("Chưa có tổ nào được xếp loại.")
else:
    score_table(graded, ["rank", "village", "score", "band", "change"], {
        "rank": st.column_config.NumberColumn("Hạng", width=45, format="%d"),
        "village": st.column_config.TextColumn("Thôn", width=125),
        "score": st.column_config.TextColumn("Điểm", width=55, alignment="right"),
        "band": st.column_config.TextColumn("Xếp loại", width=85),
        "change": st.column_config.TextColumn("± năm trước", width=80, alignment="right",
                                              help=f"Điểm năm {year} trừ điểm năm {year - 1} (mỗi năm chấm theo mô "
                                                   "hình của năm đó); chỉ khi cả hai năm tổ đều được xếp loại."),
    }, "graded_scores")
st.caption("Mỗi ô thành phần: điểm đạt / trọng số áp dụng. «không áp dụng»: tổ không có số liệu cho thành phần đó "
           "(ví dụ chưa có vụ việc kết thúc), trọng số được chia cho các thành phần khác theo tỷ lệ, nên trọng số áp "
           "dụng có thể lớn hơn trọng số mặc định ghi ở tiêu đề cột.")

# Teams with too little data to grade: apart, after the graded ones, without band or rank.
if not ungraded.empty:
    st.subheader(f"{UNGRADED_LABEL} ({len(ungraded)} tổ)")
    st.caption(grading_rule)
    score_table(ungraded, ["village", "score", "reason"], {
        "village": st.column_config.TextColumn("Thôn", width=115),
        "score": st.column_config.TextColumn("Điểm tham khảo", width=118, alignment="right",
                                             help="Điểm tính theo mô hình nhưng chưa đủ dữ liệu để xếp loại: chỉ để "
                                                  "tham khảo, không xếp hạng."),
        "reason": st.column_config.TextColumn("Lý do chưa xếp loại", width=180),
    }, "ungraded_scores", row_height=WRAP_ROW_HEIGHT)  # the reason wraps over two lines on a laptop screen

with st.expander("Số liệu đầu vào của từng tổ"):
    table(
        score_rows(paged(scored, "score_inputs")), column_order=["village", *[f"{c}_in" for c in SCORE_COMPONENTS]],
        column_config={"village": st.column_config.TextColumn("Thôn", width=150),
                       **{f"{c}_in": st.column_config.TextColumn(label, width="medium")
                          for c, label in SCORE_COMPONENTS.items()}},
        hide_index=True, width="stretch",
    )

# One team's detail: every point gained or lost; and the teams to review. A commune's: in a file of many communes
# the choice would be among thousands of teams, and the review list thousands of lines.
commune = form_place(con)
if commune is None:
    st.info("Chọn một xã ở thanh bên để xem chi tiết điểm của từng tổ và các tổ cần rà soát, kiện toàn của xã đó.",
            icon=":material/info:")
    st.stop()
st.subheader("Chi tiết điểm của một tổ")
names = dict(zip(scored["team_id"].tolist(), scored["village"]))
unranked = set(ungraded["team_id"].tolist())
team_id = st.selectbox("Chọn tổ hòa giải", list(names), key="quality_team",
                       format_func=lambda t: f"Tổ hòa giải {names[t]}" + (" (chưa đủ dữ liệu để xếp loại)"
                                                                          if t in unranked else ""))
team = next(scored[scored["team_id"] == team_id].itertuples())
mine = parts[parts["team_id"] == team_id]
team_graded = bool(team.graded)
c1, c2, c3 = st.columns(3, border=True)
c1.metric("Điểm" if team_graded else "Điểm tham khảo", num(team.score),
          help="Tổng điểm các thành phần áp dụng, làm tròn 1 chữ số thập phân."
          + ("" if team_graded else " Tổ chưa đủ dữ liệu để xếp loại: điểm chỉ để tham khảo."))
c2.metric("Xếp loại", BAND_SHORT.get(team.band, "—"), help=None if team_graded else scores.grading_text(team))
commune_scores = read(scores.team_scores, year, commune)
c3.metric("Hạng trong xã", "—" if is_missing(team.rank) else f"{int(team.rank)}/{int(commune_scores['graded'].sum())}",
          None if is_missing(team.change) else change_text(team.change) + " điểm so với năm trước",
          delta_color="normal",
          help="Xếp hạng trong các tổ được xếp loại của toàn xã; tổ chưa đủ dữ liệu để xếp loại không có hạng.")
if not team_graded:
    st.info(scores.grading_text(team) + ". Điểm dưới đây chỉ để tham khảo; tổ không được xếp hạng và không được "
            "đề xuất khen thưởng theo điểm này.", icon=":material/info:")
lines = ["| Thành phần | Trọng số | Trọng số áp dụng | Điểm đạt | Điểm mất | Cách tính |",
         "|---|--:|--:|--:|--:|---|"]
for p in mine.itertuples():
    applies = bool(p.applicable)
    lines.append(
        f"| {SCORE_COMPONENTS[p.component]} | {weight_text(p.weight)} | "
        f"{weight_text(p.effective_weight) if applies else '*' + NOT_APPLICABLE + '*'} | "
        f"{num(p.points) if applies else '—'} | {num(p.effective_weight - p.points) if applies else '—'} | "
        f"{scores.explain(p.component, team, p, params)} |")
lines.append(f"| **Tổng** | {weight_text(mine['weight'].sum())} | {weight_text(mine['effective_weight'].sum())} | "
             f"**{num(team.score)}** | {num(mine['effective_weight'].sum() - mine['points'].sum())} | |")
st.markdown("\n".join(lines))
with st.expander(f"Quy tắc tính điểm năm {year}"):
    for code in SCORE_COMPONENTS:
        st.markdown(f"- **{SCORE_COMPONENTS[code]}**: {scores.rule_text(code, params)}.")
    st.markdown("- Thành phần không có số liệu là «không áp dụng»; trọng số của nó được chia cho các thành phần "
                "còn lại theo tỷ lệ trọng số (trọng số áp dụng).")
    st.markdown(f"- {grading_rule}")

cases = read(scores.score_cases, year, team_id)
late = cases[cases["concluded"] & ~cases["timely"]]
gaps = cases[cases["in_register"] & ~cases["register_complete"]]
incidents = cases[cases["security_incident"]]
left, middle, right = st.columns(3)
with left:
    st.markdown(f"**Vụ việc chưa kịp thời ({len(late)})**")
    if late.empty:
        st.caption("Không có.")
    for c in late.itertuples():
        why = []
        if not c.assigned_in_time:
            why.append("chưa ghi ngày phân công" if is_missing(c.days_to_assign)
                       else f"phân công sau {int(c.days_to_assign)} ngày")
        if not c.closed_in_time and not is_missing(c.days_to_close):
            why.append(f"kết thúc sau {int(c.days_to_close)} ngày")
        st.markdown(f"- Vụ việc số {c.case_id}, nhận {fmt_date(c.received_on)}: {', '.join(why)}")
with middle:
    st.markdown(f"**Vụ việc ghi thiếu sổ theo dõi ({len(gaps)})**")
    if gaps.empty:
        st.caption("Không có.")
    for c in gaps.itertuples():
        st.markdown(f"- Vụ việc số {c.case_id}, nhận {fmt_date(c.received_on)}: thiếu "
                    + ", ".join(REGISTER_GAPS.get(m, m) for m in c.missing))
with right:
    st.markdown(f"**Vụ việc phức tạp, gây mất ANTT ({len(incidents)})**")
    if incidents.empty:
        st.caption("Không có.")
    for c in incidents.itertuples():
        st.markdown(f"- Vụ việc số {c.case_id}, nhận {fmt_date(c.received_on)}")

# Review flags, consistent with the Tổ hòa giải page (composition, idle mediators) plus band Yếu (never for a team
# with too little data to grade: team_review_flags).
st.subheader("Tổ cần rà soát, kiện toàn")
flags = read(scores.review_flags, year, where)
if flags.empty:
    st.success("Không có tổ nào cần rà soát theo số liệu.", icon=":material/task_alt:")
else:
    lines = []
    for f in flags.itertuples():
        reasons = []
        if f.low_band:
            reasons.append(f"xếp loại Yếu ({num(f.score)} điểm)")
        for rule in ("rule_members", "rule_woman", "rule_leader", "rule_ethnic"):
            if not getattr(f, rule) and (rule != "rule_ethnic" or f.ethnic_required):
                reasons.append(f"chưa đạt «{COMPOSITION_RULES[rule].lower()}»")
        if f.idle:
            reasons.append(f"{f.idle} hòa giải viên không có vụ việc và không tập huấn: {md_text(f.idle_names)}")
        lines.append(f"- **{md_text(f.village)}**: " + "; ".join(reasons))
    st.warning("Gợi ý rà soát (chỉ là gợi ý; việc cho thôi làm hòa giải viên do Chủ tịch UBND xã quyết định theo "
               "Điều 11):\n" + "\n".join(lines), icon=":material/flag:")
page_link("pages/teams.py", label="Rà soát, kiện toàn ở trang Tổ hòa giải", icon=":material/groups:")
