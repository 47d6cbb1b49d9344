"""Altair charts shared by pages: one colour per result everywhere, the plan's target band, Vietnamese text."""
from __future__ import annotations

import altair as alt
import pandas as pd

from db.core.labels import (BAND_COLOURS, BAND_SHORT, FUNDING_COLOURS, FUNDING_PARTS, MONTH_SERIES, NOT_APPLICABLE,
                       RECEIVED_COLOUR, RESULT_COLOURS, RESULTS, SCORE_BANDS, TARGET_STATUS, TARGET_STATUS_COLOURS)
from pages.common import chart_font, fmt_money, fmt_pct, is_missing, is_true, presenting

TEXT_COLOUR = "#1b2631"
TARGET_COLOUR = "#1b5e20"


def result_scale(codes) -> alt.Scale:
    """The result colours (db/labels.RESULT_COLOURS) for the labels of these result codes, in this order."""
    return alt.Scale(domain=[RESULTS[c] for c in codes], range=[RESULT_COLOURS[c] for c in codes])


PRESENT_CHART_SCALE = 1.5  # the meeting screen: the whole chart grows with its type, not only the text


def finish(chart, height: int):
    """Common size and type of every chart: larger text on the meeting screen (chart_font), and a taller
    chart there, so larger labels and legends do not squash the plot. Streamlit fits the whole chart (axes,
    titles and legend included) into height: keep axis titles short."""
    size = chart_font()
    if presenting():
        height = round(height * PRESENT_CHART_SCALE)
    return (chart.properties(height=height)
            .configure_axis(labelFontSize=size, titleFontSize=size, labelLimit=320)
            .configure_legend(labelFontSize=size, titleFontSize=size, labelLimit=400, symbolSize=size * 12)
            .configure_view(stroke=None))


def target_band(low: float, high: float, history_low: float | None, history_high: float | None) -> list:
    """Layers for a percent x axis: the past years' band (pale orange), the plan's band (pale green) and
    the plan's minimum as a dashed line. No target (a year without a plan): no layer."""
    layers = []
    if low is None:
        return layers
    high = low if high is None else high
    if history_low is not None and history_high is not None:
        layers.append(alt.Chart().mark_rect(color="#ffe0b2", opacity=0.6).encode(
            x=alt.datum(history_low * 100), x2=alt.datum(history_high * 100)))
    layers.append(alt.Chart().mark_rect(color="#c8e6c9", opacity=0.8).encode(
        x=alt.datum(low * 100), x2=alt.datum(high * 100)))
    layers.append(alt.Chart().mark_rule(strokeDash=[6, 4], strokeWidth=2, color=TARGET_COLOUR).encode(
        x=alt.datum(low * 100)))
    return layers


def village_ranking(villages: pd.DataFrame, target: dict, chosen: int | None, legend_columns: int | None = None):
    """Villages ranked by official rate, coloured by status against the target band; the chosen one stands
    out. Point selection 'thon' on village_id: a click opens that village's story. legend_columns: the legend on
    that many columns (a narrow column of the slides), else on one line."""
    data = villages.assign(
        rate_pct=villages["official_rate"] * 100,
        status_label=villages["status"].map(TARGET_STATUS),
        counts=[f"{int(t)}/{int(t + k)}" for t, k in zip(villages["thanh"], villages["khong_thanh"])],
    )
    data["rate_label"] = [("" if r != r else f"{r:.1f}%".replace(".", ",")) for r in data["rate_pct"]]
    pick = alt.selection_point(name="thon", fields=["village_id"], on="click")
    # Highest rate first; equal rates in the order of the names, the same on every run.
    order = data.sort_values(["rate_pct", "village"], ascending=[False, True], kind="stable",
                             na_position="last")["village"].tolist()
    y = alt.Y("village:N", title=None, sort=order)
    opacity = (alt.condition(alt.datum.village_id == chosen, alt.value(1.0), alt.value(0.35))
               if chosen is not None else alt.value(1.0))
    bars = alt.Chart().mark_bar(cursor="pointer").encode(
        x=alt.X("rate_pct:Q", title="Tỷ lệ hòa giải thành chính thức (%)", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(values=list(range(0, 101, 10)))),
        y=y,
        color=alt.Color("status_label:N", title=None, legend=alt.Legend(orient="top", columns=legend_columns or alt.Undefined),
                        scale=alt.Scale(domain=list(TARGET_STATUS.values()),
                                        range=list(TARGET_STATUS_COLOURS.values()))),
        opacity=opacity,
        tooltip=[alt.Tooltip("village:N", title="Thôn"), alt.Tooltip("rate_label:N", title="Tỷ lệ"),
                 alt.Tooltip("counts:N", title="Thành / kết thúc"),
                 alt.Tooltip("status_label:N", title="So với mục tiêu")],
    ).add_params(pick)
    labels = alt.Chart().mark_text(align="left", dx=4, fontSize=chart_font(), color=TEXT_COLOUR).encode(
        x="rate_pct:Q", y=y, text="rate_label:N")
    layers = target_band(target["target"], target["target_max"], target.get("history_min"),
                         target.get("history_max"))
    return finish(alt.layer(*layers, bars, labels, data=data), 40 * len(data) + 50)


def monthly(frame: pd.DataFrame, year: int):
    """Per month: cases received (left bar) and cases concluded by result (right bar, stacked).
    Point selection «thang» on month and series (fields of each row: one row a bar, no aggregation, so the
    selection carries them): a click opens the cases behind the bar."""
    data = frame[frame["cases"] > 0].assign(
        month_label=lambda f: "T" + f["month"].astype(str),
        kind=lambda f: f["series"].map(lambda s: "Tiếp nhận" if s == "tiep_nhan" else "Kết thúc"),
        series_label=lambda f: f["series"].map(MONTH_SERIES),
    )
    months = [f"T{m}" for m in range(1, 13)]
    codes = list(MONTH_SERIES)
    pick = alt.selection_point(name="thang", fields=["month", "series"], on="click")
    bars = alt.Chart(data).mark_bar(cursor="pointer").encode(
        x=alt.X("month_label:N", title=f"Tháng (năm {year})", sort=months, scale=alt.Scale(domain=months),
                axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("kind:N", sort=["Tiếp nhận", "Kết thúc"]),
        y=alt.Y("cases:Q", title="Số vụ việc", stack="zero", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("series_label:N", title=None, legend=alt.Legend(orient="top", columns=2),
                        scale=alt.Scale(domain=[MONTH_SERIES[c] for c in codes],
                                        range=[RECEIVED_COLOUR, *(RESULT_COLOURS[c] for c in codes[1:])]),
                        sort=[MONTH_SERIES[c] for c in codes]),
        order=alt.Order("series:N"),
        tooltip=[alt.Tooltip("month_label:N", title="Tháng"), alt.Tooltip("series_label:N", title="Số liệu"),
                 alt.Tooltip("cases:Q", title="Số vụ việc")],
    ).add_params(pick)
    return finish(bars, 340)


def national_categories(frame: pd.DataFrame, year: int):
    """The year's cases in the three national categories, stacked by result at 31/12.
    Point selection «nhom» on the category and result (one row a segment, as in monthly): a click opens the
    cases behind the segment."""
    data = frame[frame["cases"] > 0].assign(result_label=lambda f: f["result"].map(RESULTS))
    codes = ["thanh", "khong_thanh", "dang_hoa_giai", "ngoai_pham_vi"]
    order = frame.drop_duplicates("national_code")["national_category"].tolist()
    most = max(1, frame.groupby("national_code")["cases"].sum().max())  # room for the total after the longest bar
    pick = alt.selection_point(name="nhom", fields=["national_code", "result"], on="click")
    # Long category names go on two lines (Vega draws an array of strings as lines), so the bars keep their room;
    # never dropped as «overlapping» when the type is large (the meeting screen).
    y = alt.Y("national_category:N", title=None, sort=order, scale=alt.Scale(domain=order),
              axis=alt.Axis(labelExpr="split(datum.label, ', ')", labelLimit=0, labelOverlap=False))
    bars = alt.Chart().mark_bar(cursor="pointer").encode(
        x=alt.X("cases:Q", title=f"Số vụ việc (năm {year})", stack="zero",
                scale=alt.Scale(domain=[0, most * 1.15]), axis=alt.Axis(tickMinStep=1, format="d")),
        y=y,
        color=alt.Color("result_label:N", title=None, legend=alt.Legend(orient="bottom", columns=2),
                        scale=result_scale(codes),
                        sort=[RESULTS[c] for c in codes]),
        order=alt.Order("sort_key:Q"),
        tooltip=[alt.Tooltip("national_category:N", title="Nhóm"), alt.Tooltip("result_label:N", title="Kết quả"),
                 alt.Tooltip("cases:Q", title="Số vụ việc")],
    ).add_params(pick)
    totals = alt.Chart().transform_aggregate(total="sum(cases)", groupby=["national_category"]).mark_text(
        align="left", dx=4, fontSize=chart_font(), color=TEXT_COLOUR).encode(x="total:Q", y=y, text="total:Q")
    data = data.assign(sort_key=data["result"].map(codes.index))
    return finish(alt.layer(bars, totals, data=data), 70 * len(order) + 130)


def rate_history(history: pd.DataFrame, target: dict, year: int):
    """The official rate year by year (the chosen year marked) against the target and past-years bands."""
    data = history.dropna(subset=["official_rate"]).assign(
        rate_pct=lambda f: f["official_rate"] * 100, year_label=lambda f: f["year"].astype(str),
        rate_label=lambda f: f["official_rate"].map(lambda r: f"{r * 100:.1f}%".replace(".", ",")))
    y = alt.Y("rate_pct:Q", title="Tỷ lệ thành (%)", scale=alt.Scale(domain=[0, 105]),
              axis=alt.Axis(values=list(range(0, 101, 20))))
    x = alt.X("year_label:N", title="Năm", axis=alt.Axis(labelAngle=0))
    bands = [
        alt.Chart().mark_rect(color="#ffe0b2", opacity=0.6).encode(
            y=alt.datum(target["history_min"] * 100), y2=alt.datum(target["history_max"] * 100)),
        alt.Chart().mark_rect(color="#c8e6c9", opacity=0.8).encode(
            y=alt.datum(target["target"] * 100), y2=alt.datum(target["target_max"] * 100)),
    ] if target.get("history_min") is not None and target.get("target") is not None else []
    line = alt.Chart().mark_line(point=alt.OverlayMarkDef(size=90), color=RESULT_COLOURS["thanh"]).encode(
        x=x, y=y, tooltip=[alt.Tooltip("year_label:N", title="Năm"), alt.Tooltip("rate_label:N", title="Tỷ lệ")])
    text = alt.Chart().mark_text(dy=-16, fontSize=chart_font()).encode(
        x=x, y=y, text="rate_label:N",
        color=alt.condition(alt.datum.year == year, alt.value(TEXT_COLOUR), alt.value("#90a4ae")))
    return finish(alt.layer(*bands, line, text, data=data), 320)


def training_coverage(villages: pd.DataFrame, target: float):
    """Per village: the share of active mediators trained in the year, coloured by whether it reaches the plan's
    target (a dashed line), with «trained/active · share» written after each bar. No target (a year without a
    plan): one colour, no line."""
    goal = "" if target is None else f"{target * 100:g}%".replace(".", ",")
    reached = ({True: f"Đạt mục tiêu {goal}", False: f"Chưa đạt {goal}"} if target is not None
               else {True: "Chưa có kế hoạch năm này", False: "Chưa có kế hoạch năm này"})
    data = villages.assign(
        share_pct=villages["share"] * 100,
        label=[f"{t}/{a} · {fmt_pct(s)}" if a else "không có hòa giải viên"
               for t, a, s in zip(villages["trained"], villages["active"], villages["share"])],
        status=villages["reached"].map(lambda ok: reached[is_true(ok)]),
    )
    y = alt.Y("village:N", title=None, sort=alt.EncodingSortField("share_pct", op="max", order="descending"))
    bars = alt.Chart().mark_bar().encode(
        # Room right of 100% for the figures; ticks stop at 100.
        x=alt.X("share_pct:Q", title="Tỷ lệ hòa giải viên được tập huấn (%)", scale=alt.Scale(domain=[0, 122]),
                axis=alt.Axis(values=list(range(0, 101, 10)))),
        y=y,
        color=alt.Color("status:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=[reached[True], reached[False]],
                                        range=["#2e7d32", "#c62828"] if target is not None else ["#546e7a"] * 2)),
        tooltip=[alt.Tooltip("village:N", title="Thôn"), alt.Tooltip("label:N", title="Đã tập huấn / đang hoạt động"),
                 alt.Tooltip("untrained:Q", title="Chưa tập huấn")],
    )
    texts = alt.Chart().mark_text(align="left", dx=4, fontSize=chart_font(), color=TEXT_COLOUR).encode(
        x="share_pct:Q", y=y, text="label:N")
    rules = [] if target is None else [
        alt.Chart().mark_rule(strokeDash=[6, 4], strokeWidth=2, color=TARGET_COLOUR).encode(x=alt.datum(target * 100))]
    return finish(alt.layer(bars, texts, *rules, data=data), 40 * len(villages) + 70)


def funding_by_village(checks: pd.DataFrame):
    """Per village, stacked in million đồng: fees paid, team support paid, and what is still owed."""
    data = checks.melt(id_vars=["village"], value_vars=list(FUNDING_PARTS), var_name="part", value_name="amount")
    data = data.assign(part_label=data["part"].map(FUNDING_PARTS), million=data["amount"] / 1_000_000,
                       money=data["amount"].map(fmt_money),
                       order=data["part"].map({p: i for i, p in enumerate(FUNDING_PARTS)}))
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("sum(million):Q", title="Triệu đồng", stack="zero",
                axis=alt.Axis(tickCount=6, labelExpr="replace(format(datum.value, '.1~f'), '.', ',')")),
        y=alt.Y("village:N", title=None, sort=list(checks["village"])),
        color=alt.Color("part_label:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=list(FUNDING_PARTS.values()), range=list(FUNDING_COLOURS.values()))),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("village:N", title="Thôn"), alt.Tooltip("part_label:N", title="Khoản"),
                 alt.Tooltip("money:N", title="Số tiền")],
    )
    return finish(chart, 40 * len(checks) + 60)


MOST_BARS = 30  # bars of one chart: beyond this, the best and the worst (a province has thousands of villages)


def ends(frame: pd.DataFrame, most: int = MOST_BARS) -> tuple[pd.DataFrame, int]:
    """The first and last most/2 rows of a ranked frame, and how many rows were left out (0: all shown). A chart
    of many places shows its top and bottom, never one bar per village of a province."""
    if len(frame) <= most:
        return frame, 0
    half = most // 2
    return pd.concat([frame.head(half), frame.tail(half)]), len(frame) - 2 * half


def team_scores(scored: pd.DataFrame):
    """The projector chart of the quality page: one bar per team, coloured by band, «score · band» written at
    the bar's end (the score's one decimal with a comma), in the frame's order (scores.team_scores: graded teams
    best first, then any team with too little data to grade, grey, marked «tham khảo»)."""
    data = scored.assign(
        band_label=scored["band"].map(BAND_SHORT),
        label=[NOT_APPLICABLE if is_missing(s) else
               (f"{s:.1f} · {SCORE_BANDS[b]}" if b in SCORE_BANDS else f"{s:.1f} · tham khảo").replace(".", ",")
               for s, b in zip(scored["score"], scored["band"])],
    )
    shown = [b for b in BAND_SHORT if b in SCORE_BANDS or b in set(scored["band"])]
    bars = alt.Chart().mark_bar(height={"band": 0.7}).encode(
        x=alt.X("score:Q", title="Điểm chất lượng (0–100)", scale=alt.Scale(domain=[0, 118], nice=False),
                axis=alt.Axis(values=list(range(0, 101, 10)))),
        y=alt.Y("village:N", title=None, sort=list(dict.fromkeys(data["village"]))),
        color=alt.Color("band_label:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=[BAND_SHORT[b] for b in shown],
                                        range=[BAND_COLOURS[b] for b in shown])),
        tooltip=[alt.Tooltip("village:N", title="Thôn"), alt.Tooltip("label:N", title="Điểm"),
                 alt.Tooltip("rank:Q", title="Hạng")],
    )
    text = bars.mark_text(align="left", dx=6, fontSize=chart_font() + 2, fontWeight="bold", color=TEXT_COLOUR).encode(
        text="label:N")
    return finish(alt.layer(bars, text, data=data), 48 * len(scored) + 70)
