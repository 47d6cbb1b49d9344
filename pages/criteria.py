"""Tiêu chí: the legal-access standard's mediation indicators and the plan's own targets, per year and village,
with the evidence each needs, a village × indicator matrix and the framework configuration.

A year judged in points (QĐ 25/2021/QĐ-TTg) also shows the standard as far as the app knows it: the points of Tiêu chí 3,
Chỉ tiêu 1–2 computed from the data, Chỉ tiêu 3 and the other tiêu chí entered by hand (or unknown), and what the pass
rule (≥ 80/100 in total, ≥ 50 % of every tiêu chí) can decide. A year judged against levels (QĐ 27/2025/QĐ-TTg) shows
each indicator passed or failed, without points."""
import pandas as pd
import streamlit as st

from db import criteria
from db.criteria import evidence
from db.core.labels import (
    COMPARISONS, CRITERIA_FAMILIES, CRITERIA_STATUS, CRITERIA_STATUS_BADGE, CRITERIA_STATUS_COLOURS, FORMULA_LABELS,
    POINTS_RULES, STANDARD_STATUS,
)
from db.core.writes import ValidationError, VersionConflict
from pages.common import (reader, place, Editing, actor, connection, filters, flash, fmt_date, is_missing, is_true, may, md_text,
                          show_errors, show_flash, table, today, village_name)

con = connection()
read = reader(con)
year, village_id = filters()
where = place()  # the village, or a commune or province of a file of many communes
place = village_name(con, village_id)
# The summary, the indicators (None with several communes in scope and none chosen) and the matrix, from one computation.
shown = read(criteria.figures, year, where)
rows, overview, grid = shown["results"], shown["summary"], shown["matrix"]
in_force = read(criteria.frameworks_for_year, year)
legal = next((f for f in in_force if f["family"] == "chuan_tiep_can"), None)
assessment = legal["assessment"] if legal else None
scored = read(criteria.standard, year, where) if assessment == "points" else None
link_params = {"nam": year, **({"thon": village_id} if village_id else {})}

# Where the full list behind each formula lives in the app (the expander shows the rows counted).
SOURCE_PAGES = {
    "register_complete": ("pages/cases.py", "Mở Sổ theo dõi (trang Vụ việc hòa giải)"),
    "official_rate": ("pages/cases.py", "Mở danh sách vụ việc"),
    "security_incidents": ("pages/cases.py", "Mở danh sách vụ việc"),
    "budget_document": ("pages/funding.py", "Mở trang Kinh phí"),
    "support_at_rate": ("pages/funding.py", "Mở trang Kinh phí"),
    "trained_share": ("pages/trainings.py", "Mở trang Tập huấn"),
    "composition": ("pages/teams.py", "Mở trang Tổ hòa giải"),
    "evidence_present": ("pages/evidence.py", "Mở Hồ sơ kiểm chứng"),
}


def badge(status: str) -> str:
    return f":{CRITERIA_STATUS_BADGE[status]}-badge[{CRITERIA_STATUS[status]}]"


def validity(start, end) -> str:
    return f"từ {fmt_date(start)}" + ("" if is_missing(end) else f" đến {fmt_date(end)}")


def indicator_card(r) -> None:
    level = r.points_rule == "level"
    scored_row = r.points_rule in criteria.SCORED_RULES
    with st.container(border=True):
        text, value, target, points, status = st.columns([5.2, 1.9, 1.2, 1.7, 1.5])
        verify = " · :orange[cần xác minh]" if is_true(r.needs_verification) and not scored_row else ""
        label = f"{r.part})" if isinstance(r.part, str) and r.part else md_text(r.code)
        text.markdown(f"**{label}** {md_text(r.wording)}{verify}")
        text.markdown(md_text(r.reason))
        value.caption("Giá trị")
        value.markdown(f"**{md_text(r.value_text)}**")
        target.caption("Mức yêu cầu" if level else "Mục tiêu")
        target.markdown(f"**{md_text(r.target_text)}**")
        points.caption("Đánh giá" if level else "Điểm")
        points.markdown(md_text(r.points_text))
        if scored_row and is_true(r.needs_verification):
            points.markdown(f":orange[{criteria.VERIFY_POINTS}]")
        status.caption("Trạng thái")
        status.markdown(badge(r.status))
        if r.status == "thieu_ho_so" and r.computed_status != "khong_ap_dung":
            status.caption(f"Theo số liệu: {CRITERIA_STATUS[r.computed_status].lower()}")
        if r.evidence_required:
            parts = []
            if r.evidence_have:
                parts.append(":green[**Đã có:**] " + "; ".join(map(md_text, r.evidence_have)))
            if r.evidence_lack:
                parts.append(":red[**Thiếu:**] " + "; ".join(map(md_text, r.evidence_lack)))
            st.markdown("Hồ sơ kiểm chứng — " + " · ".join(parts))
            if r.evidence_missing and may("evidence"):
                st.page_link("pages/evidence.py", label="Tải lên hồ sơ còn thiếu", icon=":material/upload_file:",
                             query_params={**link_params, "loai": r.evidence_missing[0]})
        if r.formula == "manual":
            if scored is not None and may("evidence"):
                st.caption("Nhập điểm ở mục «Điểm ứng dụng không tính» phía trên.")
            return
        behind = read(criteria.rows_behind, r.formula, year, where, r.evidence_required)
        with st.expander(f"Danh sách được tính ({len(behind)} dòng)"):
            if behind.empty:
                st.caption("Không có dòng nào.")
            else:
                table(behind)
            page, label = SOURCE_PAGES[r.formula]
            st.page_link(page, label=label, icon=":material/open_in_new:", query_params=link_params)


st.title("Tiêu chí tiếp cận pháp luật về hòa giải ở cơ sở")
st.caption(f"Năm {year} · {place} · Mỗi năm được đánh giá theo khung tiêu chí có hiệu lực ngày 31/12 của năm đó; "
           "sửa tiêu chí không làm thay đổi kết quả các năm đã qua.")

if not in_force:
    st.info(f"Năm {year} chưa có khung tiêu chí nào có hiệu lực.")
    st.stop()

standard = next((f for f in overview["frameworks"] if f["family"] == "chuan_tiep_can"), None)
m1, m2, m3, m4 = st.columns(4, border=True)
if assessment == "points" and standard and standard["max_points"]:
    m1.metric("Điểm Tiêu chí 3, Chỉ tiêu 1–2",
              f"{criteria.number(standard['points'])} / {criteria.number(standard['max_points'])}",
              help=f"{standard['short_name']}: điểm ứng dụng tính từ số liệu — Tiêu chí 3 (Hòa giải ở cơ sở, trợ giúp "
                   "pháp lý), Chỉ tiêu 1 và 2, của "
                   + ("toàn xã" if village_id is None else place) + ". Chỉ tiêu thiếu hồ sơ được 0 điểm; đủ hồ sơ thì "
                   f"được {criteria.number(standard['computed_points'])} điểm."
                   + (f" Điểm từng chỉ tiêu {criteria.VERIFY_POINTS}." if standard["points_need_verification"]
                      else ""))
elif assessment == "level":
    m1.metric("Chuẩn tiếp cận pháp luật", "Theo mức",
              help=f"{legal['framework_short_name']}: không chấm điểm — mỗi chỉ tiêu đạt hoặc không đạt theo mức yêu "
                   "cầu (cần xác minh).")
else:
    m1.metric("Điểm chuẩn tiếp cận pháp luật", "Chưa chấm",
              help="Khung tiêu chí năm này chưa có điểm cho các chỉ tiêu hòa giải ở cơ sở.")
m2.metric("Chỉ tiêu đạt", f"{overview['dat']}/{overview['indicators']}",
          help="Các chỉ tiêu ứng dụng tính từ số liệu (không gồm chỉ tiêu nhập điểm tay)."
               + (" Chỉ tiêu theo mức: đạt khi số liệu đạt mức yêu cầu và đủ hồ sơ." if assessment == "level" else ""))
m3.metric("Chưa đạt", overview["chua_dat"])
m4.metric("Thiếu hồ sơ", overview["thieu_ho_so"], help="Chỉ tiêu còn thiếu tài liệu kiểm chứng, dù số liệu đạt "
          "hay chưa đạt. Tải lên hồ sơ còn thiếu để chỉ tiêu hiện trạng thái theo số liệu.")

for framework in in_force:
    line = (f"**{md_text(framework['framework_name'])}** — hiệu lực "
            f"{validity(framework['framework_valid_from'], framework['framework_valid_to'])}.")
    if framework["pass_rule"] and framework["pass_rule"] != "(cần xác minh)":
        line += f" {md_text(framework['pass_rule'])}."
    if framework["framework_needs_verification"]:
        st.warning(line + f" {md_text(framework['framework_note'] or '')}.", icon=":material/help:")
    else:
        st.caption(line)


def standard_section(s: dict) -> None:
    """What the app computes of the 100-point standard, and what the pass rule can decide with it."""
    share = criteria.pct(s["criterion_min_share"])
    st.subheader(f"Chuẩn tiếp cận pháp luật năm {year} · {s['framework_short_name']}")
    st.info(f"Ứng dụng chỉ tính điểm **Tiêu chí 3 (Hòa giải ở cơ sở, trợ giúp pháp lý), Chỉ tiêu 1 và Chỉ tiêu 2** từ "
            f"số liệu hòa giải. Xã đạt chuẩn khi **tổng điểm từ {criteria.number(s['pass_points'])}/"
            f"{criteria.number(s['total_points'])} trở lên** và **mỗi tiêu chí đạt ít nhất {share} số điểm tối đa của "
            "tiêu chí đó**. Chỉ tiêu 3 (trợ giúp pháp lý) và các tiêu chí khác ứng dụng không theo dõi: nhập điểm tay "
            "(hoặc để trống nếu chưa biết). Điểm chính thức là điểm do Hội đồng đánh giá thẩm định. Điểm từng chỉ "
            f"tiêu {criteria.VERIFY_POINTS}.", icon=":material/info:")
    tc3 = next((c for c in s["criteria"] if c["measured"]), None)
    a1, a2, a3 = st.columns(3, border=True)
    if tc3:
        a1.metric(f"Tiêu chí {tc3['criterion_no']}: ≥ {share} của tiêu chí", criteria.half_text(tc3).split(":")[0]
                  .split(" (")[0],
                  help=criteria.half_text(tc3) + f". Điểm Tiêu chí {tc3['criterion_no']}: "
                  + criteria.points_range(tc3["points_low"], tc3["points_high"], tc3["points"])
                  + f"/{criteria.number(tc3['max_points'])} (gồm Chỉ tiêu 3 nhập tay).")
    exact = s["total_low"] if s["criteria_points_unknown"] == 0 else None
    known = criteria.number(round(s["total_low"], 2))
    a2.metric(f"Tổng điểm (cần ≥ {criteria.number(s['pass_points'])}/{criteria.number(s['total_points'])})",
              f"≥ {known}" if exact is None and s["total_high"] is None
              else criteria.points_range(s["total_low"], s["total_high"], exact),
              help="Tổng điểm 5 tiêu chí: Chỉ tiêu 1–2 của Tiêu chí 3 theo số liệu, còn lại theo điểm nhập tay. Khi còn "
                   "điểm chưa biết, là khoảng điểm có thể đạt"
                   + (f"; đã biết {known} điểm, còn tiêu chí chưa có điểm và điểm tối đa nên chưa tính được tổng."
                      if exact is None and s["total_high"] is None else "."))
    a3.metric("Kết quả chuẩn (theo số liệu ứng dụng)", STANDARD_STATUS[s["status"]],
              help="Đạt chuẩn: tổng điểm và mọi tiêu chí chắc chắn đạt; Chưa đạt chuẩn: có tiêu chí hoặc tổng điểm "
                   "chắc chắn không đạt; Chưa xác định: còn điểm chưa nhập. Kết quả chính thức do Hội đồng đánh giá.")
    rows = []
    for c in s["criteria"]:
        if c["measured"]:
            source = ("Số liệu (Chỉ tiêu 1–2"
                      + (f": {criteria.number(c['measured_points'])}/{criteria.number(c['measured_max'])}"
                         if c["measured_points"] is not None else "")
                      + ") + nhập tay (Chỉ tiêu 3)")
        else:
            source = "Nhập tay" if c["points"] is not None else "Chưa nhập"
        rows.append({
            "Tiêu chí": criteria.criterion_title(c["criterion_no"], c["name"]),
            "Điểm": criteria.points_range(c["points_low"], c["points_high"], c["points"]),
            "Điểm tối đa": "Chưa nhập" if c["max_points"] is None else criteria.number(c["max_points"]),
            f"≥ {share} của tiêu chí": criteria.half_text(c),
            "Nguồn điểm": source,
        })
    table(pd.DataFrame(rows))
    if any(c["needs_verification"] for c in s["criteria"]):
        st.caption(f"Tên, điểm tối đa các tiêu chí và điểm từng chỉ tiêu {criteria.VERIFY_POINTS}.")
    if s["criteria_without_max"]:
        st.caption(f"{s['criteria_without_max']} tiêu chí chưa có điểm tối đa (cần xác minh theo TT 09/2021 Phụ lục "
                   "I): nhập điểm tối đa để ứng dụng tính được ngưỡng 50% và tổng điểm.")
    elif abs((s["max_configured"] or 0) - (s["total_points"] or 0)) > 1e-9:
        st.caption(f":orange[Tổng điểm tối đa đã nhập của các tiêu chí là {criteria.number(s['max_configured'])}, "
                   f"văn bản quy định {criteria.number(s['total_points'])}: hãy kiểm tra lại.]")
    if may("evidence"):
        manual_form(s)


def manual_form(s: dict) -> None:
    """Chỉ tiêu 3 of Tiêu chí 3 and the tiêu chí the app does not measure: points of the year (empty = chưa biết);
    the maxima of those tiêu chí for the officer who may change settings."""
    entries = criteria.manual_entries(con, year, where)
    manual = rows[rows["formula"] == "manual"].drop_duplicates("code") if len(rows) else rows
    settings = may("settings")
    with st.expander("Điểm ứng dụng không tính (nhập tay)", expanded=False):
        st.caption("Để trống ô điểm nếu chưa biết. Điểm tối đa các tiêu chí cần xác minh theo TT 09/2021 Phụ lục I.")
        with st.form(f"criteria_manual_{year}"):
            inputs = []
            for r in manual.itertuples():
                old = entries.get((int(r.criterion_no), r.code))
                value = None if old is None or is_missing(old["points"]) else float(old["points"])
                got = st.number_input(f"Tiêu chí {int(r.criterion_no)}, Chỉ tiêu {int(r.indicator_no)} "
                                      f"({md_text(r.wording.split(' (')[0])}) — tối đa "
                                      f"{criteria.number(r.max_points)} điểm",
                                      value=value, min_value=0.0, max_value=100.0, step=0.25,
                                      key=f"criteria_manual_{year}_{r.code}")
                inputs.append(("indicator", int(r.criterion_no), r.code, got, value, old))
            for c in s["criteria"]:
                if c["measured"]:
                    continue
                left, right = st.columns(2)
                old = entries.get((c["criterion_no"], ""))
                value = None if c["points"] is None else float(c["points"])
                got = left.number_input(f"{md_text(criteria.criterion_title(c['criterion_no'], c['name']))}: điểm",
                                        value=value, min_value=0.0, max_value=100.0, step=0.25,
                                        key=f"criteria_manual_{year}_tc{c['criterion_no']}")
                inputs.append(("criterion", c["criterion_no"], None, got, value, old))
                if settings:
                    top = right.number_input(f"Tiêu chí {c['criterion_no']}: điểm tối đa",
                                             value=None if c["max_points"] is None else float(c["max_points"]),
                                             min_value=0.0, max_value=100.0, step=0.5,
                                             key=f"criteria_manual_{year}_max{c['criterion_no']}")
                    inputs.append(("max", c["criterion_no"], None, top, c["max_points"], c))
            saved = st.form_submit_button("Lưu điểm nhập tay", icon=":material/save:",
                                          key=f"criteria_manual_{year}_save")
        show_flash("criteria_manual")
        if not saved:
            return
        changed = 0
        try:
            for kind, number_, code, got, before, old in inputs:
                if (got is None and before is None) or (got is not None and before is not None
                                                       and abs(got - before) < 1e-9):
                    continue
                if kind == "max":
                    criteria.save_criterion(con, old["criterion_id"], {"max_points": got, "name": old["name"],
                                                                      "needs_verification": True},
                                            actor=actor(), expected_version=old["version"])
                else:
                    criteria.save_manual_points(con, year, number_, {"points": got}, actor=actor(),
                                                indicator_code=code, commune_id=where.commune_id,
                                                expected_version=None if old is None else old["version"])
                changed += 1
        except (ValidationError, VersionConflict) as exc:
            show_errors(exc)
            return
        flash(f"Đã lưu {changed} điểm nhập tay của năm {year}." if changed else "Không có thay đổi nào để lưu.",
              "criteria_manual")
        st.rerun()


if scored is not None:
    standard_section(scored)

tabs = st.tabs(["Từng chỉ tiêu", "Theo thôn", *(["Khung tiêu chí"] if may("settings") else [])])
tab_list, tab_matrix = tabs[0], tabs[1]

with tab_list:
    listed = in_force
    if rows is None:  # several communes, none chosen: one card per indicator and commune, hundreds
        st.info("Mỗi xã được đánh giá riêng: chọn xã ở thanh bên để xem từng chỉ tiêu của xã đó. Thẻ «Bảng theo thôn» "
                "và số liệu ở trên là của mọi xã đang xem.", icon=":material/location_city:")
        listed = []
    for framework in listed:
        subset = rows[rows["framework_code"] == framework["framework_code"]]
        if framework["family"] == "chuan_tiep_can":
            st.subheader(f"{CRITERIA_FAMILIES['chuan_tiep_can']} · {framework['framework_short_name']}")
        else:
            st.subheader(f"{CRITERIA_FAMILIES.get(framework['family'], '')} (không chấm điểm)")
        titles = {} if scored is None else {c["criterion_no"]: criteria.criterion_title(c["criterion_no"], c["name"])
                                            for c in scored["criteria"]}
        last_criterion = None
        groups = subset.groupby("group_name", sort=False, dropna=False)
        for group, members in groups:
            number_ = members["criterion_no"].iloc[0]
            if not is_missing(number_) and number_ != last_criterion:
                last_criterion = number_
                st.markdown(f"#### {md_text(titles.get(int(number_), f'Tiêu chí {int(number_)}'))}")
            if isinstance(group, str) and group and (groups.ngroups > 1 or not is_missing(number_)):
                st.markdown(f"##### {md_text(group)}")
            for r in members.itertuples():
                indicator_card(r)

with tab_matrix:
    cells, statuses = grid["cells"], grid["statuses"]
    if cells.empty:
        st.info("Không có chỉ tiêu nào tính theo thôn.")
    else:
        if rows is None:  # several communes: each commune's whole row (a national file has 95,000 villages)
            st.caption(f"Năm {year}: trạng thái và giá trị của từng chỉ tiêu tính theo thôn, cho toàn xã của từng xã. "
                       "Chọn xã ở thanh bên để xem từng thôn của xã đó. Đặt chuột lên tên cột để xem nội dung chỉ "
                       "tiêu.")
        else:
            st.caption(f"Năm {year}: trạng thái và giá trị của từng chỉ tiêu tính theo thôn; dòng cuối là toàn xã. "
                       "Đặt chuột lên tên cột để xem nội dung chỉ tiêu.")
        colours = {c: f"color: {v}; font-weight: 600" for c, v in CRITERIA_STATUS_COLOURS.items()}
        # A page of the table is styled alone: its rows keep their places in the whole table (col.index).
        styled = cells.reset_index().style.apply(
            lambda col: [colours.get(status, "") for status in statuses[col.name].iloc[col.index]]
            if col.name in statuses else [""] * len(col))
        config = {"village": st.column_config.TextColumn("Thôn" if rows is not None else "Xã", pinned=True)}
        for ind in grid["indicators"].itertuples():
            config[ind.column] = st.column_config.TextColumn(ind.code, help=f"{ind.framework_short_name}: {ind.wording}")
        table(styled, column_config=config, max_rows=len(cells))
        st.caption(" · ".join(f"**{md_text(ind.code)}**: {md_text(ind.wording)}"
                              for ind in grid["indicators"].itertuples()))
        if rows is not None and not (commune_level := rows[rows["scope"] == "xa"]).empty:
            st.markdown("Chỉ tiêu cấp xã (không chia theo thôn): " + " · ".join(
                f"**{md_text(r.code)}** {badge(r.status)}" for r in commune_level.itertuples()))
        st.caption("Đạt: số liệu đạt mục tiêu và đủ hồ sơ · Chưa đạt: số liệu chưa đạt mục tiêu · Thiếu hồ sơ: còn "
                   "thiếu tài liệu kiểm chứng (dù số liệu đạt hay chưa) · Không áp dụng: chưa có số liệu để tính.")

if not may("settings"):  # the configuration is the officer's
    st.stop()

with tabs[2]:
    st.caption("Khung tiêu chí, chỉ tiêu, mục tiêu, điểm và hồ sơ cần có là cấu hình: sửa một chỉ tiêu tạo phiên bản "
               f"mới áp dụng từ năm {today().year} trở đi; các năm đã qua giữ nguyên tiêu chí đã dùng.")
    frames = read(criteria.frameworks)
    table(
        frames.assign(valid=[validity(a, b) for a, b in zip(frames["valid_from"], frames["valid_to"])],
                      family_label=frames["family"].map(CRITERIA_FAMILIES)),
        column_order=["short_name", "family_label", "valid", "needs_verification", "note"],
        column_config={
            "short_name": st.column_config.TextColumn("Khung tiêu chí"),
            "family_label": st.column_config.TextColumn("Loại"),
            "valid": st.column_config.TextColumn("Hiệu lực"),
            "needs_verification": st.column_config.CheckboxColumn("Cần xác minh"),
            "note": st.column_config.TextColumn("Ghi chú", width="large",
                                                help="Đặt chuột lên ô để đọc hết ghi chú"),
        },
        hide_index=True, width="stretch",
    )
    kinds = read(evidence.kinds)
    kind_labels = dict(zip(kinds["code"], kinds["label"]))
    versions = read(criteria.indicator_versions)
    table(
        versions.assign(
            target_label=["Theo Kế hoạch" if isinstance(k, str) and k else "Nhập tay" if kind == "manual" else
                          ("≤ " if cmp == "le" else "≥ " if rule == "level" else "")
                          + (criteria.pct(t) if kind == "ratio" else criteria.number(t) if kind == "count" else "Có")
                          for k, t, kind, cmp, rule in zip(versions["target_key"], versions["target"], versions["kind"],
                                                           versions["comparison"], versions["points_rule"])],
            points_label=["Không chấm" if rule == "none" else "Đạt / không đạt theo mức" if rule == "level"
                          else f"{criteria.number(p)} điểm" + (f" ({criteria.VERIFY_POINTS})" if verify else "")
                          for rule, p, verify in zip(versions["points_rule"], versions["max_points"],
                                                     versions["needs_verification"])],
            place_label=["" if is_missing(c) else f"Tiêu chí {int(c)}" + ("" if is_missing(i) else f", Chỉ tiêu {int(i)}")
                         + ("" if not isinstance(part, str) or not part else f", {part})")
                         for c, i, part in zip(versions["criterion_no"], versions["indicator_no"], versions["part"])],
            valid=[validity(a, b) for a, b in zip(versions["valid_from"], versions["valid_to"])],
        ),
        column_order=["framework_short_name", "code", "place_label", "wording", "target_label", "points_label", "valid",
                      "needs_verification"],
        column_config={
            "framework_short_name": st.column_config.TextColumn("Khung"),
            "code": st.column_config.TextColumn("Mã", width="small"),
            "place_label": st.column_config.TextColumn("Vị trí trong văn bản"),
            "wording": st.column_config.TextColumn("Chỉ tiêu", width="large"),
            "target_label": st.column_config.TextColumn("Mục tiêu"),
            "points_label": st.column_config.TextColumn("Điểm"),
            "valid": st.column_config.TextColumn("Hiệu lực"),
            "needs_verification": st.column_config.CheckboxColumn("Cần xác minh"),
        },
        max_rows=len(versions),
    )
    st.caption("Cách tính, mục tiêu lấy từ Kế hoạch và hồ sơ cần có của từng chỉ tiêu: chọn chỉ tiêu ở mục dưới.")

    this_year = today().year
    live = frames[frames["valid_to"].map(lambda d: is_missing(d) or d.year >= this_year)]
    # The version open here stays listed when another user's edit closes it: the save then says what changed.
    editable = versions[(versions["framework_code"].isin(live["code"])
                         & versions["valid_to"].map(lambda d: is_missing(d) or d.year >= this_year))
                        | (versions["id"] == st.session_state.get("criteria_edit_pick"))]
    options = {0: "Thêm chỉ tiêu mới"} | {
        int(v.id): f"{v.framework_short_name} · {v.code} · {v.wording[:70]} ({validity(v.valid_from, v.valid_to)})"
        for v in editable.itertuples()}
    st.markdown("##### Sửa hoặc thêm chỉ tiêu")
    chosen = st.selectbox("Chỉ tiêu", list(options), format_func=options.get, key="criteria_edit_pick",
                          index=1 if len(options) > 1 else 0)
    edit = None  # a new indicator: nothing to go stale
    if chosen:
        edit = Editing(f"indicator_{chosen}", "criteria_indicators", lambda: criteria.get_indicator(con, chosen))
    current = edit.record if edit else {}
    form_id = edit.key if edit else "indicator_0_0"
    plan_keys = read(criteria.target_keys)
    key_options = [""] + list(plan_keys)
    formula_codes = list(criteria.FORMULAS)
    with st.form(form_id):
        if not chosen:
            a1, a2 = st.columns([3, 1])
            framework_code = a1.selectbox("Khung tiêu chí", live["code"].tolist(),
                                          format_func=dict(zip(frames["code"], frames["short_name"])).get,
                                          key=f"{form_id}_framework")
            code = a2.text_input("Mã chỉ tiêu", key=f"{form_id}_code", placeholder="Ví dụ: HG3")
        else:
            short = dict(zip(frames["code"], frames["short_name"])).get(current["framework_code"])
            st.markdown(f"**{current['code']}** · {short} · phiên bản "
                        f"{validity(current['valid_from'], current['valid_to'])}")
        group = st.text_input("Nhóm", value=current.get("group_name") or "", key=f"{form_id}_group")
        wording = st.text_area("Nội dung chỉ tiêu", value=current.get("wording") or "", key=f"{form_id}_wording",
                               height=80)
        b1, b2 = st.columns(2)
        formula = b1.selectbox("Cách tính", formula_codes, format_func=FORMULA_LABELS.get,
                               index=formula_codes.index(current.get("formula", "official_rate")),
                               key=f"{form_id}_formula")
        target_key = b2.selectbox("Lấy mục tiêu từ Kế hoạch", key_options,
                                  index=key_options.index(current.get("target_key") or ""),
                                  format_func=lambda k: plan_keys.get(k, "Không (nhập mục tiêu bên dưới)"),
                                  key=f"{form_id}_target_key")
        c1, c2, c3 = st.columns(3)
        old_target = current.get("target")
        shown_target = None if is_missing(old_target) else (
            old_target * 100 if current.get("kind") == "ratio" else old_target)
        target = c1.number_input("Mục tiêu / mức yêu cầu (tỷ lệ nhập theo %)", value=shown_target, min_value=0.0,
                                 step=1.0, key=f"{form_id}_target")
        rules = list(POINTS_RULES)
        points_rule = c2.selectbox("Cách cho điểm", rules, format_func=POINTS_RULES.get,
                                   index=rules.index(current.get("points_rule", "none")), key=f"{form_id}_rule")
        old_points = current.get("max_points")
        max_points = c3.number_input("Điểm tối đa", value=None if is_missing(old_points) else float(old_points), min_value=0.0, max_value=100.0, step=0.5,
                                     key=f"{form_id}_points")
        comparisons = ["", *COMPARISONS]
        comparison = st.selectbox("So với mức yêu cầu", comparisons,
                                  index=comparisons.index(current.get("comparison") or ""),
                                  format_func=lambda k: COMPARISONS.get(k, "Theo cách tính (mặc định)"),
                                  key=f"{form_id}_comparison")
        required = st.multiselect("Hồ sơ kiểm chứng cần có", list(kind_labels), format_func=kind_labels.get,
                                  default=[k for k in (current.get("evidence_kinds") or "").split(";") if k],
                                  select_all=False, wrap=True, key=f"{form_id}_evidence")
        d1, d2, d3 = st.columns([2, 1, 1])
        source = d1.text_input("Căn cứ", value=current.get("source") or "", key=f"{form_id}_source")
        sort_order = d2.number_input("Thứ tự", value=int(current.get("sort_order") or 0), min_value=0, max_value=999,
                                     key=f"{form_id}_sort")
        effective = d3.number_input("Áp dụng từ năm", value=this_year, min_value=this_year, max_value=2100,
                                    key=f"{form_id}_year")
        note = st.text_input("Ghi chú", value=current.get("note") or "", key=f"{form_id}_note")
        verify = st.checkbox("Cần xác minh (chưa đối chiếu văn bản chính thức)",
                             value=bool(current.get("needs_verification", True)), key=f"{form_id}_verify")
        submitted = st.form_submit_button("Lưu chỉ tiêu", icon=":material/save:", type="primary", key=f"{form_id}_save")
    show_flash("indicator")
    if not submitted:
        if edit:
            edit.show_conflict()
    else:
        data = {
            "framework_code": current.get("framework_code") if chosen else framework_code,
            "code": current.get("code") if chosen else code, "group_name": group, "wording": wording,
            "formula": formula, "target_key": target_key or None,
            "target": None if target is None else (target / 100 if criteria.FORMULAS[formula] == "ratio" else target),
            "points_rule": points_rule, "max_points": max_points, "evidence_kinds": required,
            "needs_verification": verify, "source": source, "note": note, "sort_order": sort_order,
            "comparison": comparison or None,
        }
        try:
            saved_id = criteria.save_indicator(con, data, actor=actor(), indicator_id=chosen or None,
                                               effective_year=int(effective), expected_version=current.get("version"))
        except VersionConflict as exc:
            if edit:
                edit.conflict()
            else:
                show_errors(exc)
        except ValidationError as exc:
            show_errors(exc)
        else:
            if edit:
                edit.saved()
                if saved_id != chosen:  # a new version closed this one: the list moves on, as before
                    st.session_state.pop("criteria_edit_pick", None)
            flash(f"Đã lưu chỉ tiêu {data['code']}, áp dụng từ năm {int(effective)}; kết quả các năm trước "
                  "không đổi.", "indicator")
            st.rerun()

    # Points never confirmed in the text (TT 09/2021 Phụ lục I) are corrected in place, for every year they apply to —
    # including the years of QĐ 25/2021, which are past (db/criteria/__init__.py correct_points).
    st.markdown("##### Đính chính điểm chưa xác minh")
    unverified = versions[versions["points_rule"].isin(criteria.SCORED_RULES)
                          & versions["needs_verification"].map(is_true)]
    if unverified.empty:
        st.caption("Không còn điểm chỉ tiêu nào chưa xác minh.")
    else:
        st.caption("Điểm tạm tính của các chỉ tiêu, " + criteria.VERIFY_POINTS + ". Khi đã đối chiếu văn bản, sửa "
                   "điểm ở đây: điểm được sửa cho mọi năm phiên bản này áp dụng (kể cả các năm đã qua) và ghi vào nhật "
                   "ký. Bỏ đánh dấu «cần xác minh» khi điểm đã đúng văn bản.")
        fix_options = {int(v.id): f"{v.framework_short_name} · {v.code} · {v.wording[:60]} "
                                  f"({criteria.number(v.max_points)} điểm, {validity(v.valid_from, v.valid_to)})"
                       for v in unverified.itertuples()}
        fix_id = st.selectbox("Chỉ tiêu", list(fix_options), format_func=fix_options.get, key="criteria_fix_pick")
        fixing = Editing(f"points_{fix_id}", "criteria_indicators", lambda: criteria.get_indicator(con, fix_id))
        row = fixing.record
        with st.form(fixing.key):
            f1, f2 = st.columns([1, 2])
            new_points = f1.number_input("Điểm tối đa", value=float(row["max_points"] or 0), min_value=0.0,
                                         max_value=100.0, step=0.25, key=f"{fixing.key}_points")
            still = f2.checkbox("Vẫn cần xác minh (chưa đối chiếu TT 09/2021 Phụ lục I)", value=True,
                                key=f"{fixing.key}_verify")
            fix_note = st.text_input("Ghi chú (căn cứ đính chính)", value=row.get("note") or "",
                                     key=f"{fixing.key}_note")
            fixed = st.form_submit_button("Lưu điểm", icon=":material/save:", key=f"{fixing.key}_save")
        show_flash("points")
        if not fixed:
            fixing.show_conflict()
        else:
            try:
                criteria.correct_points(con, fix_id, {"max_points": new_points, "needs_verification": still,
                                                      "note": fix_note}, actor=actor(),
                                        expected_version=row["version"])
            except VersionConflict:
                fixing.conflict()
            except ValidationError as exc:
                show_errors(exc)
            else:
                fixing.saved()
                flash(f"Đã sửa điểm chỉ tiêu {row['code']}: {criteria.number(new_points)} điểm.", "points")
                st.rerun()
