"""Tiêu chí: the legal-access standard's mediation indicators and the plan's own targets, per year and village,
with the evidence each needs, a village × indicator matrix and the framework configuration."""
import streamlit as st

from db import criteria, evidence
from db.labels import (
    CRITERIA_FAMILIES, CRITERIA_STATUS, CRITERIA_STATUS_BADGE, CRITERIA_STATUS_COLOURS, FORMULA_LABELS, POINTS_RULES,
)
from db.writes import ValidationError, VersionConflict
from pages.common import (Editing, actor, connection, filters, flash, fmt_date, is_missing, is_true, may, md_text,
                          show_errors, show_flash, table, today, village_name)

con = connection()
year, village_id = filters()
place = village_name(con, village_id)
rows = criteria.results(con, year, village_id)
overview = criteria.summary(con, year, village_id)
in_force = criteria.frameworks_for_year(con, year)
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
    with st.container(border=True):
        text, value, target, points, status = st.columns([5.2, 1.9, 1.2, 1.7, 1.5])
        verify = " · :orange[cần xác minh]" if is_true(r.needs_verification) else ""
        text.markdown(f"**{md_text(r.code)}** · {md_text(r.wording)}{verify}")
        text.markdown(md_text(r.reason))
        value.caption("Giá trị")
        value.markdown(f"**{r.value_text}**")
        target.caption("Mục tiêu")
        target.markdown(f"**{r.target_text}**")
        points.caption("Điểm")
        points.markdown(r.points_text)
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
        behind = criteria.rows_behind(con, r.formula, year, village_id, r.evidence_required)
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
if standard and standard["max_points"]:
    m1.metric(f"Điểm ({standard['short_name']})",
              f"{criteria.number(standard['points'])} / {criteria.number(standard['max_points'])}",
              help="Tổng điểm các chỉ tiêu hòa giải ở cơ sở có số liệu. Chỉ tiêu thiếu hồ sơ được 0 điểm; đủ hồ sơ "
                   f"thì được {criteria.number(standard['computed_points'])} điểm."
                   + (" Điểm tạm tính, cần xác minh theo văn bản hướng dẫn." if standard["points_need_verification"]
                      else ""))
else:
    m1.metric("Điểm chuẩn tiếp cận pháp luật", "Chưa chấm",
              help="Khung tiêu chí năm này chưa có điểm được xác minh cho các chỉ tiêu hòa giải ở cơ sở.")
m2.metric("Chỉ tiêu đạt", f"{overview['dat']}/{overview['indicators']}")
m3.metric("Chưa đạt", overview["chua_dat"])
m4.metric("Thiếu hồ sơ", overview["thieu_ho_so"], help="Chỉ tiêu còn thiếu tài liệu kiểm chứng, dù số liệu đạt "
          "hay chưa đạt. Tải lên hồ sơ còn thiếu để chỉ tiêu hiện trạng thái theo số liệu.")

for framework in in_force:
    line = (f"**{framework['framework_name']}** — hiệu lực "
            f"{validity(framework['framework_valid_from'], framework['framework_valid_to'])}.")
    if framework["pass_rule"] and framework["pass_rule"] != "(cần xác minh)":
        line += f" {framework['pass_rule']}."
    if framework["framework_needs_verification"]:
        st.warning(line + f" {framework['framework_note'] or ''}", icon=":material/help:")
    else:
        st.caption(line)

tabs = st.tabs(["Từng chỉ tiêu", "Theo thôn", *(["Khung tiêu chí"] if may("settings") else [])])
tab_list, tab_matrix = tabs[0], tabs[1]

with tab_list:
    for framework in in_force:
        subset = rows[rows["framework_code"] == framework["framework_code"]]
        if framework["family"] == "chuan_tiep_can":
            st.subheader(f"{CRITERIA_FAMILIES['chuan_tiep_can']} · {framework['framework_short_name']}")
        else:
            st.subheader(f"{CRITERIA_FAMILIES.get(framework['family'], '')} (không chấm điểm)")
        groups = subset.groupby("group_name", sort=False, dropna=False)
        for group, members in groups:
            if isinstance(group, str) and group and groups.ngroups > 1:
                st.markdown(f"##### {group}")
            for r in members.itertuples():
                indicator_card(r)

with tab_matrix:
    grid = criteria.matrix(con, year)
    cells, statuses = grid["cells"], grid["statuses"]
    if cells.empty:
        st.info("Không có chỉ tiêu nào tính theo thôn.")
    else:
        st.caption(f"Năm {year}: trạng thái và giá trị của từng chỉ tiêu tính theo thôn; dòng cuối là toàn xã. "
                   "Đặt chuột lên tên cột để xem nội dung chỉ tiêu.")
        colours = {c: f"color: {v}; font-weight: 600" for c, v in CRITERIA_STATUS_COLOURS.items()}
        styled = cells.reset_index().style.apply(
            lambda col: [colours.get(statuses[col.name].iloc[i], "") if col.name in statuses else ""
                         for i in range(len(col))])
        config = {"village": st.column_config.TextColumn("Thôn", pinned=True)}
        for ind in grid["indicators"].itertuples():
            config[ind.column] = st.column_config.TextColumn(ind.code, help=f"{ind.framework_short_name}: {ind.wording}")
        table(styled, column_config=config, max_rows=len(cells))
        st.caption(" · ".join(f"**{md_text(ind.code)}**: {md_text(ind.wording)}"
                              for ind in grid["indicators"].itertuples()))
        commune_level = rows[rows["scope"] == "xa"]
        if not commune_level.empty:
            st.markdown("Chỉ tiêu cấp xã (không chia theo thôn): " + " · ".join(
                f"**{md_text(r.code)}** {badge(r.status)}" for r in commune_level.itertuples()))
        st.caption("Đạt: số liệu đạt mục tiêu và đủ hồ sơ · Chưa đạt: số liệu chưa đạt mục tiêu · Thiếu hồ sơ: còn "
                   "thiếu tài liệu kiểm chứng (dù số liệu đạt hay chưa) · Không áp dụng: chưa có số liệu để tính.")

if not may("settings"):  # the configuration is the officer's
    st.stop()

with tabs[2]:
    st.caption("Khung tiêu chí, chỉ tiêu, mục tiêu, điểm và hồ sơ cần có là cấu hình: sửa một chỉ tiêu tạo phiên bản "
               f"mới áp dụng từ năm {today().year} trở đi; các năm đã qua giữ nguyên tiêu chí đã dùng.")
    frames = criteria.frameworks(con)
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
    kinds = evidence.kinds(con)
    kind_labels = dict(zip(kinds["code"], kinds["label"]))
    versions = criteria.indicator_versions(con)
    table(
        versions.assign(
            target_label=["Theo Kế hoạch" if isinstance(k, str) and k else
                          (criteria.pct(t) if kind == "ratio" else criteria.number(t) if kind == "count" else "Có")
                          for k, t, kind in zip(versions["target_key"], versions["target"], versions["kind"])],
            points_label=["Không chấm" if rule == "none" else f"{criteria.number(p)} điểm"
                          for rule, p in zip(versions["points_rule"], versions["max_points"])],
            valid=[validity(a, b) for a, b in zip(versions["valid_from"], versions["valid_to"])],
        ),
        column_order=["framework_short_name", "code", "wording", "target_label", "points_label", "valid",
                      "needs_verification"],
        column_config={
            "framework_short_name": st.column_config.TextColumn("Khung"),
            "code": st.column_config.TextColumn("Mã", width="small"),
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
    plan_keys = criteria.target_keys(con)
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
        target = c1.number_input("Mục tiêu (tỷ lệ nhập theo %)", value=shown_target, min_value=0.0, step=1.0,
                                 key=f"{form_id}_target")
        rules = list(POINTS_RULES)
        points_rule = c2.selectbox("Cách cho điểm", rules, format_func=POINTS_RULES.get,
                                   index=rules.index(current.get("points_rule", "none")), key=f"{form_id}_rule")
        old_points = current.get("max_points")
        max_points = c3.number_input("Điểm tối đa", value=None if is_missing(old_points) else float(old_points), min_value=0.0, max_value=100.0, step=0.5,
                                     key=f"{form_id}_points")
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
