"""Trình chiếu từng mục tiêu: the overview as slides for the meeting screen — one target of the plan per screen,
its figure large enough to read from the back of the room, with what stands behind it (the villages ranked, the
teams that still lack a member, the overdue tasks…). Next and previous by button, by the arrow and page keys (a
presenter's clicker sends those) or by the URL (trang=N), so a slide can be bookmarked like every other view."""
from __future__ import annotations

import streamlit as st

from db import plan, teams, trainings
from db.scores import commendation
from db.cases import results
from db.core.labels import COMPOSITION_RULES, KPI_STATUS, KPI_STATUS_BADGE, KPI_STATUS_ICONS
from pages import charts
from pages.common import reader, is_true, md_text, village_name

PARAM = "trang"  # the slide number in the URL, 1-based; absent: the overview as a grid
CASES_SLIDE = "cases"

# The figure of a slide: about 190 px on the meeting screen; the buttons' keys are what the keyboard presses.
SLIDE_CSS = """<style>
.st-key-slide_figure [data-testid="stMetricValue"] { font-size: 9rem; line-height: 1.05; }
.st-key-slide_figure [data-testid="stMetricDelta"] { font-size: 1.6rem; }
.st-key-slide_text p { font-size: 1.5rem; }
.st-key-slide_behind p, .st-key-slide_behind li { font-size: 1.3rem; }
</style>"""
KEYS_JS = """<script>
(() => {
  if (window.hgSlideKeys) return;
  window.hgSlideKeys = true;
  const press = name => document.querySelector(`.st-key-${name} button`)?.click();
  document.addEventListener('keydown', event => {
    if (event.target.closest('input, textarea, [contenteditable]')) return;
    if (['ArrowRight', 'PageDown', ' '].includes(event.key)) { press('slide_next'); event.preventDefault(); }
    else if (['ArrowLeft', 'PageUp'].includes(event.key)) { press('slide_prev'); event.preventDefault(); }
    else if (event.key === 'Escape') press('slide_exit');
  });
})();
</script>"""


def wanted() -> bool:
    return st.query_params.get(PARAM) is not None


def offer() -> None:
    """On the overview's grid in presentation mode: the way into the slides."""
    if st.button("Trình chiếu từng mục tiêu", icon=":material/slideshow:", key="slide_start",
                 help="Mỗi màn hình một mục tiêu, chữ số rất lớn; chuyển bằng nút, phím mũi tên hoặc bút trình chiếu."):
        st.query_params[PARAM] = "1"
        st.rerun()


def _go(number: int | None) -> None:
    if number is None:
        st.query_params.pop(PARAM, None)
    else:
        st.query_params[PARAM] = str(number)
    st.rerun()


def show(con, year: int, village_id: int | None, cards: list[dict], rate: dict) -> None:
    """The slide the URL asks for (a number out of range: the nearest one)."""
    deck = [*cards, {"key": CASES_SLIDE}]
    try:
        number = min(max(int(st.query_params.get(PARAM)), 1), len(deck))
    except ValueError:
        number = 1
    st.html(SLIDE_CSS)
    st.html(KEYS_JS, unsafe_allow_javascript=True)
    st.caption(f"Năm {year} · {village_name(con, village_id)} · Màn hình {number}/{len(deck)} · phím ← → để chuyển, "
               "Esc để xem toàn cảnh")
    slide = deck[number - 1]
    if slide["key"] == CASES_SLIDE:
        _cases_slide(con, year, village_id)
    else:
        _target_slide(con, year, village_id, slide, rate)
    back, exit_, forward = st.columns([1, 2, 1])
    if back.button("Mục trước", icon=":material/arrow_back:", key="slide_prev", disabled=number == 1,
                   width="stretch"):
        _go(number - 1)
    if exit_.button("Xem toàn cảnh", icon=":material/grid_view:", key="slide_exit", width="stretch"):
        _go(None)
    if forward.button("Mục tiếp", icon=":material/arrow_forward:", key="slide_next", disabled=number == len(deck),
                      width="stretch"):
        _go(number + 1)


def _target_slide(con, year: int, village_id: int | None, card: dict, rate: dict) -> None:
    behind = _behind(con, year, village_id, card["key"], rate)
    left, right = st.columns([2, 3], gap="large") if behind else (st.container(), None)
    with left:
        status = card["status"]
        reason = f" — {card['reason']}" if card["reason"] else ""
        st.markdown(f"## :{KPI_STATUS_BADGE[status]}[{KPI_STATUS_ICONS[status]} {KPI_STATUS[status]}{reason}]")
        st.header(card["label"], anchor=False)
        with st.container(key="slide_figure"):
            st.metric(card["label"], card["value"], label_visibility="collapsed",
                      **{k: card[k] for k in ("delta", "delta_color", "delta_arrow") if k in card})
        with st.container(key="slide_text"):
            st.markdown(md_text(card["note"]))
            if card.get("before") is not None and "delta" in card:
                st.markdown(f"Năm {year - 1}: {md_text(card['before'])}")
    if right is not None:
        with right, st.container(key="slide_behind"):
            behind()


def _behind(con, year: int, village_id: int | None, key: str, rate: dict):
    """What stands behind a target, drawn beside its figure; None when the figure says it all."""
    read = reader(con)
    if key == "official_rate":
        villages = read(results.by_village, year)
        if villages["official_rate"].notna().any():
            return lambda: (st.markdown("**Các thôn theo tỷ lệ hòa giải thành**"),
                            st.altair_chart(charts.village_ranking(villages, rate, village_id, legend_columns=2),
                                            width="stretch"))
    if key == "trained_share" and village_id is None:
        cover = read(trainings.coverage, year)
        villages = read(trainings.coverage_by_village, year)
        if not villages.empty:
            return lambda: (st.markdown("**Tỷ lệ được tập huấn theo thôn**"),
                            st.altair_chart(charts.training_coverage(villages, cover["target"]), width="stretch"))
    if key == "composition":
        register = read(teams.team_register, year, village_id)
        lacking = register[~register["composition_ok"].map(is_true)]
        if not lacking.empty:
            def lines():
                st.markdown("**Tổ cần kiện toàn**")
                for team in lacking.itertuples():
                    gaps = [COMPOSITION_RULES[rule].lower() for rule in ("rule_members", "rule_woman", "rule_leader")
                            if not is_true(getattr(team, rule))]
                    if is_true(team.ethnic_required) and not is_true(team.rule_ethnic):
                        gaps.append("có hòa giải viên người dân tộc thiểu số")
                    st.markdown(f"- **{md_text(team.village)}**: chưa đạt {'; '.join(gaps)}")
            return lines
    if key == "plan":
        overdue = read(plan.tasks, year)
        overdue = overdue[overdue["overdue"].map(is_true)]
        if not overdue.empty:
            def tasks():
                st.markdown("**Nhiệm vụ quá hạn**")
                for task in overdue.itertuples():
                    st.markdown(f"- **{md_text(task.code)}** {md_text(task.name)} (hạn {task.deadline:%d/%m/%Y})")
            return tasks
    if key == "candidates":
        team_rows = read(commendation.team_candidates, year, village_id)
        people = read(commendation.mediator_candidates, year, village_id)
        names = ([md_text(r.team) for r in team_rows.itertuples() if is_true(r.is_candidate)]
                 + [f"{md_text(r.full_name)} ({md_text(r.village)})" for r in people.itertuples()
                    if is_true(r.is_candidate)])
        if names:
            return lambda: (st.markdown("**Tập thể, cá nhân đủ tiêu chí**"),
                            st.markdown("\n".join(f"- {name}" for name in names)))
    return None


def _cases_slide(con, year: int, village_id: int | None) -> None:
    read = reader(con)
    total = read(results.totals, year, village_id)
    st.header(f"Vụ việc năm {year}: tiếp nhận {total['received']}, hòa giải thành {total['thanh']}", anchor=False)
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("**Tiếp nhận và kết thúc theo tháng**")
        months = read(results.by_month, year, village_id)
        if months["cases"].sum():
            st.altair_chart(charts.monthly(months, year), width="stretch")
        else:
            st.info(f"Chưa có vụ việc nào được nhận hay kết thúc trong năm {year}.", icon=":material/info:")
    with right:
        st.markdown("**Theo ba nhóm thống kê của Bộ Tư pháp**")
        st.altair_chart(charts.national_categories(read(results.by_national_category, year, village_id), year),
                        width="stretch")
