"""Tập huấn: coverage against the plan's 100% target, who still needs training, the sessions and attendance."""
import streamlit as st

from db import trainings
from db.core.scope import Place
from db.core.labels import TRAINING_STATUS
from db.core.writes import ValidationError, VersionConflict
from pages import common, charts
from pages.common import (paged, reader, 
    Editing, actor, connection, date_field, download, filters, flash, fmt_date, fmt_int, fmt_pct, go_to, is_missing,
    may, md_text, sees_personal_data, show_errors, show_flash, table, today, village_name,
)

con = connection()
read = reader(con)
year, village_id = filters()
scope = common.place()  # the village, or a commune or province of a file of many communes
place = village_name(con, village_id)
cover = read(trainings.coverage, year, scope)
target = cover["target"]  # None: the year has no plan, so no target (issue 14)
goal_words = (f"Mục tiêu kế hoạch: {fmt_pct(target)} hòa giải viên được tập huấn trong năm" if target is not None
              else f"Chưa có kế hoạch năm {year}: không có mục tiêu để so sánh")
HELD, PLANNED = trainings.HELD, trainings.PLANNED
GROUP_COLUMNS = 3  # village groups side by side in the attendance checklist (fits 1366 px)


def fmt_hours(value) -> str:
    if is_missing(value):
        return ""
    return f"{value:g}".replace(".", ",")


def points(value) -> str:
    """A difference of two shares in percentage points, Vietnamese decimals: -0.2 → '-20,0 điểm %'."""
    return f"{value * 100:+.1f} điểm %".replace(".", ",")


def training_form(form_id: str, edit: Editing | None = None) -> None:
    """Entry form for a new session (edit None) or an existing one (edit: as it was opened); saves through
    db.trainings."""
    training = edit.record if edit else {}
    with st.form(form_id, enter_to_submit=False, border=True):
        c1, c2 = st.columns([1, 3])
        held_on = date_field("Ngày tập huấn *", training.get("held_on", today()), container=c1,
                             key=f"{form_id}_held_on")
        title = c2.text_input("Tên buổi tập huấn *", value=training.get("title") or "",
                              placeholder="VD: Tập huấn kỹ năng hòa giải ở cơ sở năm " + str(year),
                              key=f"{form_id}_title")
        c3, c4 = st.columns(2)
        organiser = c3.text_input("Chủ trì", value=training.get("organiser") or "",
                                  placeholder="VD: Công chức Tư pháp – Hộ tịch", key=f"{form_id}_organiser")
        cooperating = c4.text_input("Phối hợp", value=training.get("cooperating") or "",
                                    placeholder="VD: Ủy ban MTTQ xã, Hội Liên hiệp Phụ nữ xã",
                                    key=f"{form_id}_cooperating")
        c5, c6, c7 = st.columns([1, 3, 2])
        hours = c5.number_input("Số giờ", value=training.get("hours"), min_value=0.0, max_value=float(trainings.MAX_HOURS),
                                step=0.5, format="%.1f", key=f"{form_id}_hours")
        where = c6.text_input("Địa điểm", value=training.get("place") or "", placeholder="VD: Hội trường UBND xã",
                              key=f"{form_id}_place")
        statuses = list(TRAINING_STATUS)
        status = c7.selectbox("Trạng thái *", statuses, index=statuses.index(training.get("status") or HELD),
                              format_func=TRAINING_STATUS.get, key=f"{form_id}_status",
                              help="Buổi sắp tổ chức: chọn «Kế hoạch»; chỉ điểm danh được khi đã tổ chức.")
        submitted = st.form_submit_button("Lưu buổi tập huấn", type="primary", icon=":material/save:",
                                          key=f"{form_id}_save")
    where_saved = "edit_training" if edit else "new_training"
    show_flash(where_saved)
    if not submitted:
        if edit:
            edit.show_conflict()
        return
    data = {"held_on": held_on, "title": title, "organiser": organiser, "cooperating": cooperating,
            "hours": hours, "place": where, "status": status, "commune_id": scope.commune_id}
    try:
        saved_id = trainings.save_training(con, data, actor=actor(), training_id=training.get("id"),
                                           expected_version=training.get("version"))
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
    held_on = trainings.get_training(con, saved_id)["held_on"]  # the saved date, exactly as typed
    message = f"Đã lưu buổi tập huấn «{title.strip()}» ngày {fmt_date(held_on)}."
    if status == HELD and not edit:
        message += " Đánh dấu những hòa giải viên đã dự ở danh sách bên dưới rồi bấm «Lưu danh sách dự»."
    if held_on.year != year:
        message += f" Bộ lọc đã chuyển sang năm {held_on.year} để thấy buổi này."
        go_to(held_on.year)
    flash(message, where_saved)
    st.session_state["open_training"] = saved_id
    st.session_state["training_form_generation"] = st.session_state.get("training_form_generation", 0) + 1
    st.rerun()


def _tick_village(all_key: str, keys: list[str]) -> None:
    for key in keys:
        st.session_state[key] = st.session_state[all_key]


def _sync_village(all_key: str, keys: list[str]) -> None:
    st.session_state[all_key] = all(st.session_state[key] for key in keys)


@st.fragment
def attendance_checklist(training: dict) -> None:
    """Tick who attended, by village, and save once; ticking reruns only this part of the page."""
    tid = training["id"]
    if training["status"] != HELD:
        st.info(f"Buổi này đang ở trạng thái «{TRAINING_STATUS[PLANNED]}». Sau khi tổ chức, sửa trạng thái "
                f"thành «{TRAINING_STATUS[HELD]}» rồi điểm danh.", icon=":material/event_upcoming:")
        return
    stale = read(trainings.recorded_not_eligible, tid)
    if not stale.empty:
        st.warning("Có tên trong danh sách dự nhưng không là hòa giải viên vào ngày tập huấn (ngày tham gia hoặc "
                   "thôi tham gia đã được sửa sau đó): "
                   + ", ".join(f"{md_text(r.full_name)} ({md_text(r.village)})" for r in stale.itertuples()) + ".",
                   icon=":material/warning:")
        if st.button("Bỏ những người này khỏi danh sách dự", key=f"stale_{tid}"):
            try:
                trainings.remove_attendance(con, tid, stale["id"].tolist(), actor=actor())
            except ValidationError as exc:
                show_errors(exc)
            else:
                flash(f"Đã bỏ {len(stale)} người khỏi danh sách dự buổi tập huấn.", "attendance")
                st.rerun()
    people = trainings.eligible_attendees(con, tid, village_id)
    if people.empty:
        st.info(f"Không có hòa giải viên nào đang hoạt động ngày {fmt_date(training['held_on'])}"
                + (f" ở {place}." if village_id else "."))
        return
    form_id = f"attendance_{tid}_{st.session_state.get('attendance_generation', 0)}"
    key_of = {mid: f"{form_id}_m{mid}" for mid in people["id"]}
    for mid, attended in zip(people["id"], people["attended"]):
        st.session_state.setdefault(key_of[mid], bool(attended))
    chosen = sum(st.session_state[k] for k in key_of.values())
    st.markdown(f"**Danh sách dự** · đã chọn {chosen}/{len(people)} hòa giải viên đang hoạt động ngày "
                f"{fmt_date(training['held_on'])}"
                + (f" ({place}; chọn «Tất cả các thôn» ở thanh bên để điểm danh cả xã)" if village_id else ""))
    # Tighter rows than Streamlit's default gap inside each village box, so a commune fits on a laptop screen.
    st.html("<style>[class*='st-key-attendance_village_'],"
            "[class*='st-key-attendance_village_'] [data-testid='stVerticalBlock']{gap:0.15rem}</style>")
    columns = st.columns(GROUP_COLUMNS)
    for i, (vid, group) in enumerate(people.groupby("village_id", sort=False)):
        keys = [key_of[mid] for mid in group["id"]]
        all_key = f"{form_id}_all_{vid}"
        st.session_state.setdefault(all_key, all(st.session_state[k] for k in keys))
        with columns[i % GROUP_COLUMNS].container(border=True, key=f"attendance_village_{vid}"):
            st.markdown(f"**{md_text(group['village'].iloc[0])}** · {len(keys)} người")
            st.checkbox("Chọn tất cả", key=all_key, on_change=_tick_village, args=(all_key, keys))
            for row in group.itertuples():
                st.checkbox(row.full_name + (" (tổ trưởng)" if row.is_leader else ""), key=key_of[row.id],
                            on_change=_sync_village, args=(all_key, keys))
    save = st.button("Lưu danh sách dự", type="primary", icon=":material/how_to_reg:", key=f"{form_id}_save")
    show_flash("attendance")
    if save:
        picked = {mid for mid, key in key_of.items() if st.session_state[key]}
        recorded = set(people.loc[people["attended"], "id"])
        add, remove = sorted(picked - recorded), sorted(recorded - picked)
        if not add and not remove:
            st.info("Danh sách dự không thay đổi.")
            return
        try:
            added, removed = trainings.update_attendance(con, tid, add=add, remove=remove, actor=actor())
        except ValidationError as exc:
            show_errors(exc)
            return
        flash(f"Đã lưu danh sách dự buổi tập huấn ngày {fmt_date(training['held_on'])}: thêm {added}, bỏ {removed} "
              "hòa giải viên.", "attendance")
        st.session_state["attendance_generation"] = st.session_state.get("attendance_generation", 0) + 1
        st.rerun()


def coverage_chart() -> None:
    """Per village bars against the target line (all villages: with one village the metrics say it all)."""
    villages = read(trainings.coverage_by_village, year, None, Place(scope.province, scope.commune_id))
    ranked = villages.sort_values(["share", "village"], ascending=[False, True], na_position="last")
    drawn, left_out = charts.ends(ranked)  # a province's thousands of villages: the best and the worst
    st.altair_chart(charts.training_coverage(drawn, target), width="stretch")
    st.caption(f"Mỗi thanh: số hòa giải viên đang hoạt động của thôn đã dự ít nhất một buổi tập huấn đã tổ chức "
               f"trong năm {year} / số hòa giải viên đang hoạt động (tính tại 31/12/{year}; năm hiện tại: đến hôm "
               "nay)." + (f" Vạch đứt: mục tiêu {fmt_pct(target)} của kế hoạch." if target is not None else "")
               + (f" Chỉ vẽ {charts.MOST_BARS // 2} thôn tỷ lệ cao nhất và {charts.MOST_BARS // 2} thôn thấp nhất "
                  f"trong {len(villages)} thôn; chọn xã ở thanh bên để xem từng thôn của xã." if left_out else ""))


st.title("Tập huấn hòa giải viên")
st.caption(f"Năm {year} · {place} · {goal_words}")

share = cover["share"]
c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
c1.metric("Tỷ lệ hòa giải viên được tập huấn", fmt_pct(share),
          None if cover["gap"] is None else f"{points(cover['gap'])} so với mục tiêu {fmt_pct(target)}", border=True,
          help="Số hòa giải viên đang hoạt động đã dự ít nhất một buổi tập huấn đã tổ chức trong năm, "
               f"chia cho số hòa giải viên đang hoạt động (tính tại 31/12/{year}; năm hiện tại: đến hôm nay).")
c2.metric("Đã được tập huấn", f"{fmt_int(cover['trained'])}/{fmt_int(cover['active'])}", border=True,
          help="Hòa giải viên đang hoạt động đã dự ít nhất một buổi / số hòa giải viên đang hoạt động.")
c3.metric("Chưa được tập huấn", fmt_int(cover["untrained"]), border=True)
c4.metric("Buổi đã tổ chức", fmt_int(cover["sessions_held"]), border=True,
          help=f"Số buổi tập huấn đã tổ chức trong năm {year} (toàn xã). Buổi đang ở trạng thái kế hoạch: "
               f"{fmt_int(cover['sessions_planned'])}.")
if share is None:
    st.info(f"Năm {year} chưa có hòa giải viên đang hoạt động ở {place}.")
elif target is None:
    st.info(f"{fmt_pct(share)} hòa giải viên đang hoạt động đã được tập huấn năm {year}. {goal_words}.")
elif cover["reached"]:
    st.success(f"Đạt mục tiêu kế hoạch: {fmt_pct(share)} hòa giải viên đang hoạt động đã được tập huấn năm {year}.")
else:
    st.warning(f"Chưa đạt mục tiêu {fmt_pct(target)}: còn {fmt_int(cover['untrained'])} hòa giải viên chưa được "
               f"tập huấn năm {year}.")

# Keyed and stateful, so saving (which adds a message above) does not send the officer back to the first tab.
if not may("organisation"):  # read-only: coverage only, no forms
    tab_cover, tab_sessions = st.container(), None
else:
    tab_cover, tab_sessions = st.tabs(["Tỷ lệ theo thôn và người chưa tập huấn", "Các buổi tập huấn và điểm danh"],
                                      key="training_tab", on_change="rerun")

with tab_cover:
    if village_id is None:
        coverage_chart()

    st.subheader(f"Hòa giải viên chưa được tập huấn năm {year}")
    missing = read(trainings.untrained, year, scope)
    if missing.empty:
        st.success(f"Mọi hòa giải viên đang hoạt động ({place}) đã được tập huấn năm {year}.")
    else:
        st.caption("Danh sách để mời dự buổi tập huấn tiếp theo, xếp theo thôn.")
        invite = missing.assign(position=missing["is_leader"].map({True: "Tổ trưởng", False: "Hòa giải viên"}))
        phones = ["phone"] if sees_personal_data(village_id) else []  # the mediators' phone numbers
        invite = invite[["village", "full_name", "position", *phones, "organisation"]].rename(columns={
            "village": "Thôn", "full_name": "Họ tên", "position": "Vị trí", "phone": "Điện thoại",
            "organisation": "Đơn vị, đoàn thể"})
        table(invite, placeholder="—")
        download("Tải danh sách (CSV, mở được bằng Excel)", invite.to_csv(index=False).encode("utf-8-sig"),
                 file_name=f"hoa-giai-vien-chua-tap-huan-{year}.csv", mime="text/csv", icon=":material/download:",
                 key="untrained_csv")

if tab_sessions is None:
    st.stop()
with tab_sessions:
    with st.expander("Thêm buổi tập huấn mới", icon=":material/add:"):
        st.caption("Các ô có dấu * là bắt buộc. Ngày nhập theo dạng dd/mm/yyyy. Buổi chưa tổ chức: chọn trạng "
                   "thái «Kế hoạch».")
        training_form(f"new_training_{st.session_state.get('training_form_generation', 0)}")

    st.subheader(f"Các buổi tập huấn năm {year}")
    sessions = paged(read(trainings.trainings, year, scope), "training_sessions")  # a page of a province's sessions
    view = sessions.assign(
        day=sessions["held_on"].map(fmt_date),
        hours_label=sessions["hours"].map(fmt_hours),
        status_label=sessions["status"].map(TRAINING_STATUS),
    )
    # What the officer scans first comes first; long text columns after (the table scrolls sideways at 1366 px).
    columns = ["day", "title", "hours_label", "status_label", "attendees", "organiser", "cooperating", "place"]
    config = {
        "day": st.column_config.TextColumn("Ngày", width="small"),
        "title": st.column_config.TextColumn("Tên buổi tập huấn", width="large"),
        "organiser": st.column_config.TextColumn("Chủ trì"),
        "cooperating": st.column_config.TextColumn("Phối hợp"),
        "hours_label": st.column_config.TextColumn("Số giờ", width="small"),
        "place": st.column_config.TextColumn("Địa điểm"),
        "status_label": st.column_config.TextColumn("Trạng thái", width="small"),
        "attendees": st.column_config.NumberColumn("Số người dự", format="%d"),
    }
    if village_id is not None:
        columns.insert(5, "village_attendees")
        config["village_attendees"] = st.column_config.NumberColumn(f"Từ {place}", format="%d",
                                                                    help=f"Trong đó số người dự thuộc {place}")
    selection = table(view, column_order=columns, column_config=config, on_select="rerun",
                      selection_mode="single-row", key="training_table", placeholder="—")
    if sessions.empty:
        st.info(f"Năm {year} chưa có buổi tập huấn nào. Bấm «Thêm buổi tập huấn mới» ở trên để nhập.")
    ids = sessions["id"].tolist()
    rows = selection.selection.rows if selection else []
    if rows:
        st.session_state["open_training"] = ids[rows[0]]
    labels = {row.id: f"{fmt_date(row.held_on)} · {row.title}" for row in sessions.itertuples()}
    current = st.session_state.get("open_training")
    open_id = st.selectbox("Chọn buổi tập huấn để sửa và điểm danh", [None, *ids],
                           index=[None, *ids].index(current) if current in ids else 0,
                           format_func=lambda i: "— Chọn buổi tập huấn —" if i is None else labels[i])
    st.session_state["open_training"] = open_id
    if open_id is not None:
        training = trainings.get_training(con, open_id)
        edit = Editing(f"edit_training_{open_id}", "trainings", lambda: trainings.get_training(con, open_id))
        st.subheader(f"{training['title']} · {fmt_date(training['held_on'])}")
        with st.expander("Sửa thông tin buổi tập huấn", icon=":material/edit:"):
            training_form(edit.key, edit)
        attendance_checklist(training)
