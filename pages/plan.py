"""Kế hoạch: the year's plan as a tracker — tasks with chủ trì, phối hợp, deadline, status and progress notes."""
import datetime as dt

import streamlit as st

from db import places, plan
from db.cases import results
from db.core.labels import PLAN_TASK_STATUS
from db.core.writes import ValidationError, VersionConflict
from pages.common import (reader, place, WRAP_ROW_HEIGHT, Editing, actor, connection, date_field, filters, flash, fmt_date, fmt_int, go_to,
                          is_true, may, md_text, show_errors, show_flash, table, today)

con = connection()
read = reader(con)
year, _village = filters()  # the plan is the commune's: the village filter does not apply here
# A file of many communes (a province, a roll-up): the plan of the commune chosen in the sidebar.
commune = place().commune_id
NEW = 0  # the "new task" option of the task picker
# The plan's targets (db.plan.PLAN_GOALS) as short field labels: one line each in three columns at 1366 px.
GOAL_FIELDS = {"success_rate_min": "Tỷ lệ thành tối thiểu", "success_rate_max": "Tỷ lệ thành phấn đấu",
               "history_rate_min": "Các năm trước, mức thấp", "history_rate_max": "Các năm trước, mức cao",
               "trained_share": "Hòa giải viên được tập huấn", "security_incidents_max": "Vụ việc mất ANTT tối đa"}
OVERDUE_STYLE = "background-color: #fdecea; color: #b71c1c"
DONE_STYLE = "color: #2e7d32"
# Long cells are cut to what three lines hold at 1366 px; the full text is in the task panel below the table.
PARTNERS_CHARS, NOTE_CHARS = 52, 72


def shorten(text: str, limit: int) -> str:
    """The text, cut at a word boundary with «…» when longer than limit characters."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.–- ") + "…"


def bump(counter: str) -> None:
    """A new key for a form of new entries after this user's own save (an empty form for the next one)."""
    st.session_state[counter] = st.session_state.get(counter, 0) + 1


def copy_plan(from_year: int, to_year: int) -> None:
    """Copy a plan forward, then show the new year's plan when the sidebar offers that year."""
    try:
        plan.copy_plan_forward(con, from_year, to_year, actor=actor(), commune_id=commune)
    except ValidationError as exc:
        show_errors(exc)
        return
    count = len(read(plan.tasks, to_year, commune_id=commune))
    message = (f"Đã sao chép kế hoạch năm {from_year} sang năm {to_year}: {count} nhiệm vụ, thời hạn lùi "
               f"{abs(to_year - from_year)} năm, trạng thái «{PLAN_TASK_STATUS[plan.NOT_STARTED]}». Hãy nhập số, "
               "ngày ban hành và người ký khi kế hoạch được ban hành.")
    if to_year in results.case_years_for_filter(con):
        go_to(to_year)
    else:
        message += (f" Năm {to_year} sẽ có trong ô chọn «Năm» ở thanh bên từ ngày 01/01/{to_year}.")
    flash(message)
    st.rerun()


def plan_form(form_id: str, edit: Editing | None) -> None:
    """Create the year's plan (edit None) or edit its header (edit: as it was opened)."""
    current = edit.record if edit else {}
    with st.form(form_id, enter_to_submit=False):
        title = st.text_input("Tên kế hoạch *", value=current.get("title") or "",
                              placeholder=f"VD: Kế hoạch nâng cao chất lượng, hiệu quả hoạt động của tổ hòa giải "
                                          f"ở cơ sở năm {year}", key=f"{form_id}_title")
        c1, c2, c3 = st.columns([2, 2, 3])
        number = c1.text_input("Số văn bản", value=current.get("number") or "", placeholder="VD: 38/KH-UBND",
                               key=f"{form_id}_number")
        issued_on = date_field("Ngày ban hành", current.get("issued_on"), container=c2, key=f"{form_id}_issued_on")
        signer = c3.text_input("Người ký", value=current.get("signer") or "", placeholder="VD: Chủ tịch UBND xã",
                               key=f"{form_id}_signer")
        st.markdown("**Mục tiêu của kế hoạch** (để trống mục tiêu mà kế hoạch không đặt ra)",
                    help="Số liệu năm nào chỉ được so với mục tiêu của kế hoạch năm đó. Năm chưa có kế hoạch thì "
                         "Tổng quan ghi «Chưa có kế hoạch». Tỷ lệ thành: tỷ lệ hòa giải thành chính thức = thành / "
                         "(thành + không thành).")
        goals = current.get("targets") or {}
        typed_goals = {}
        for column, (key, (_, unit)) in zip(st.columns(3) * 2, plan.PLAN_GOALS.items()):
            goal_label = GOAL_FIELDS[key]
            old = goals.get(key)
            if unit == "ty_le":
                typed = column.number_input(f"{goal_label} (%)", min_value=0.0, max_value=100.0, step=1.0,
                                            format="%g", value=None if old is None else round(old * 100, 4),
                                            key=f"{form_id}_goal_{key}")
                typed_goals[key] = None if typed is None else typed / 100
            else:
                typed_goals[key] = column.number_input(goal_label, min_value=0, step=1,
                                                       value=None if old is None else int(old),
                                                       key=f"{form_id}_goal_{key}")
        label = "Lưu thông tin kế hoạch" if current else f"Tạo kế hoạch năm {year}"
        submitted = st.form_submit_button(label, icon=":material/save:", type="primary", key=f"{form_id}_save")
    show_flash("plan")
    if not submitted:
        if edit:
            edit.show_conflict()
    else:
        try:
            plan.save_plan(con, year, {"title": title, "number": number, "issued_on": issued_on, "signer": signer,
                                       "targets": typed_goals}, actor=actor(), expected_version=current.get("version"),
                           commune_id=commune)
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
            flash(f"Đã lưu thông tin kế hoạch năm {year}." if current
                  else f"Đã tạo kế hoạch năm {year}: hãy thêm các nhiệm vụ.", "plan" if current else "page")
            st.rerun()


def task_form(form_id: str, plan_id: int, edit: Editing | None = None) -> None:
    """Edit a task (edit: as it was opened) or add one (edit None); saves through db.plan.save_task."""
    task = edit.record if edit else {}
    with st.form(form_id, enter_to_submit=False):
        c1, c2, c3 = st.columns([1, 1, 1])
        code = c1.text_input("Mã *", value=task.get("code") or "", placeholder="VD: II.5", key=f"{form_id}_code")
        deadline = date_field("Thời hạn *", task.get("deadline") or dt.date(year, 12, 31), container=c2,
                              key=f"{form_id}_deadline")
        statuses = list(PLAN_TASK_STATUS)
        status = c3.selectbox("Trạng thái *", statuses, index=statuses.index(task.get("status") or plan.NOT_STARTED),
                              format_func=PLAN_TASK_STATUS.get, key=f"{form_id}_status")
        title = st.text_input("Tên ngắn (hiện trong bảng)", value=task.get("title") or "",
                              key=f"{form_id}_title")
        content = st.text_area("Nội dung *", value=task.get("content") or "", height=140, key=f"{form_id}_content")
        c4, c5 = st.columns(2)
        lead = c4.text_input("Chủ trì *", value=task.get("lead") or "", placeholder="VD: Công chức Tư pháp – Hộ tịch",
                             key=f"{form_id}_lead")
        partners = c5.text_input("Phối hợp", value=task.get("partners") or "", placeholder="VD: Công an xã",
                                 key=f"{form_id}_partners")
        completion = st.text_area(
            "Kết quả thực hiện", value=task.get("completion_note") or "", height=80, key=f"{form_id}_completion",
            help=f"Khi chuyển sang «{PLAN_TASK_STATUS[plan.DONE]}», cần có kết quả thực hiện ở đây hoặc ít nhất "
                 "một ghi nhận tiến độ.")
        evidence = st.text_input("Văn bản kiểm chứng", value=task.get("evidence_ref") or "",
                                 placeholder="VD: Báo cáo số 61/BC-UBND ngày 30/11/2023", key=f"{form_id}_evidence")
        submitted = st.form_submit_button("Lưu nhiệm vụ", icon=":material/save:", type="primary",
                                          key=f"{form_id}_save")
    show_flash("task")
    if not submitted:
        if edit:
            edit.show_conflict()
    else:
        data = {"code": code, "title": title, "content": content, "lead": lead, "partners": partners,
                "deadline": deadline, "status": status, "completion_note": completion, "evidence_ref": evidence}
        try:
            task_id = plan.save_task(con, plan_id, data, actor=actor(), task_id=task.get("id"),
                                     expected_version=task.get("version"))
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
            else:
                bump("plan_task_generation")
            st.session_state["_plan_open"] = task_id
            flash(f"Đã lưu nhiệm vụ {plan.get_task(con, task_id)['code']}.", "task")
            st.rerun()


def notes_panel(task: dict) -> None:
    """The task's progress notes, latest first, and the form that adds one."""
    notes = plan.task_notes(con, task["id"])
    # Empty again after this user's own note; another user's note does not reset (or drop) what is being typed.
    form_id = f"note_{task['id']}_{st.session_state.get('plan_note_generation', 0)}"
    with st.form(form_id, enter_to_submit=False):
        noted_on = date_field("Ngày ghi nhận *", today(), key=f"{form_id}_date")
        text = st.text_area("Nội dung ghi nhận *", height=80, key=f"{form_id}_text",
                            placeholder="VD: Đã gửi phiếu rà soát đến 8 thôn.")
        submitted = st.form_submit_button("Thêm ghi nhận", icon=":material/add_comment:", key=f"{form_id}_save")
    show_flash("note")
    if submitted:
        try:
            plan.add_note(con, task["id"], noted_on, text, actor=actor())
        except ValidationError as exc:
            show_errors(exc)
        else:
            bump("plan_note_generation")
            st.session_state["_plan_open"] = task["id"]
            flash(f"Đã thêm ghi nhận tiến độ cho nhiệm vụ {task['code']}.", "note")
            st.rerun()
    if notes.empty:
        st.caption("Chưa có ghi nhận tiến độ.")
    else:
        with st.container(height=300 if len(notes) > 3 else "content", border=False):
            for note in notes.itertuples():
                st.markdown(f"**{fmt_date(note.noted_on)}** — {md_text(note.note)}")


st.title("Kế hoạch")
st.caption(f"Năm {year} · Kế hoạch của toàn xã: bộ lọc «Thôn» không áp dụng cho trang này.")
show_flash()
if commune is None and read(places.commune_count) > 1:
    st.info("Mỗi xã có kế hoạch của mình: chọn xã ở thanh bên để xem, sửa kế hoạch của xã đó.",
            icon=":material/location_city:")
    st.stop()

current = plan.get_plan(con, year, commune)
if current is None:
    st.info(f"Năm {year} chưa có kế hoạch.", icon=":material/event_busy:")
    if not may("plan"):
        st.stop()
    previous = plan.get_plan(con, year - 1, commune)
    if previous:
        st.markdown(
            f"Có thể sao chép kế hoạch năm {year - 1} ({len(read(plan.tasks, year - 1, commune_id=commune))} nhiệm vụ) làm khởi điểm: "
            f"giữ nội dung, chủ trì, phối hợp; thời hạn lùi sang năm {year}; trạng thái về "
            f"«{PLAN_TASK_STATUS[plan.NOT_STARTED]}»; ghi nhận tiến độ, kết quả và văn bản kiểm chứng không chép.")
        if st.button(f"Sao chép kế hoạch năm {year - 1} sang năm {year}", icon=":material/content_copy:",
                     type="primary", key="plan_copy_previous"):
            copy_plan(year - 1, year)
        st.markdown("Hoặc tạo kế hoạch mới, chưa có nhiệm vụ:")
    else:
        st.markdown(f"Năm {year - 1} cũng chưa có kế hoạch để sao chép. Tạo kế hoạch năm {year}:")
    plan_form(f"plan_new_{year}", None)
    st.stop()

# --- the plan's header and figures ----------------------------------------------------------------
as_of = today()
frame = read(plan.tasks, year, as_of, commune_id=commune)
counts = read(plan.status_counts, year, as_of, commune_id=commune)

st.subheader(md_text(current["title"]), anchor=False)
st.markdown(f"Số: **{md_text(current['number'] or 'chưa có số')}** · Ngày ban hành: "
            f"**{fmt_date(current['issued_on']) or 'chưa ban hành'}** · Người ký: "
            f"**{md_text(current['signer'] or 'chưa có')}**")
st.markdown("Mục tiêu: " + plan.goals_text(current["targets"]))
c1, c2, c3, c4 = st.columns(4)
c1.metric("Tổng số nhiệm vụ", counts["total"])
c2.metric("Hoàn thành", counts["hoan_thanh"])
c3.metric("Đang thực hiện", counts["dang_thuc_hien"])
c4.metric("Quá hạn", counts["overdue"],
          help=f"Nhiệm vụ đã qua thời hạn (tính đến ngày {fmt_date(as_of)}) mà chưa «{PLAN_TASK_STATUS[plan.DONE]}», "
               "kể cả nhiệm vụ tạm dừng.")
st.caption(f"Chưa bắt đầu: {counts['chua_bat_dau']} · Tạm dừng: {counts['tam_dung']} · "
           f"Quá hạn tính đến ngày {fmt_date(as_of)}.")

# --- the tasks table --------------------------------------------------------------------------------
if frame.empty:
    st.info("Kế hoạch chưa có nhiệm vụ nào" + ("." if not may("plan") else
            ": thêm nhiệm vụ ở phần «Cập nhật nhiệm vụ» dưới đây."),
            icon=":material/info:")
else:
    tasks_view = frame.assign(
        deadline_label=frame["deadline"].map(fmt_date),
        # Days overdue while the year runs; for a year that has ended, «quá hạn» and the deadline beside it (a count
        # of days since — «quá hạn 1.158 ngày» three years on — says nothing).
        status_label=[PLAN_TASK_STATUS[s] + ((f", quá hạn {fmt_int(days)} ngày" if year >= as_of.year else ", quá hạn")
                                             if is_true(late) else "")
                      for s, late, days in zip(frame["status"], frame["overdue"], frame["days_overdue"])],
        partners_label=frame["partners"].map(lambda p: shorten(p, PARTNERS_CHARS) if isinstance(p, str) else "—"),
        last_label=[f"{fmt_date(day)}: {shorten(note, NOTE_CHARS)}" if isinstance(note, str) else "Chưa có ghi nhận"
                    for day, note in zip(frame["last_noted_on"], frame["last_note"])],
    )

    def row_style(row):
        if is_true(row["overdue"]):
            return [OVERDUE_STYLE] * len(row)
        return [DONE_STYLE if col == "status_label" and row["status"] == plan.DONE else "" for col in row.index]

    table(
        tasks_view.style.apply(row_style, axis=1),
        column_order=["code", "name", "lead", "partners_label", "deadline_label", "status_label", "last_label"],
        column_config={
            "code": st.column_config.TextColumn("Mã", width=58),
            "name": st.column_config.TextColumn("Nhiệm vụ", width=190),
            "lead": st.column_config.TextColumn("Chủ trì", width=105),
            "partners_label": st.column_config.TextColumn("Phối hợp", width=135),
            "deadline_label": st.column_config.TextColumn("Thời hạn", width=84),
            "status_label": st.column_config.TextColumn("Trạng thái", width=125),
            "last_label": st.column_config.TextColumn("Ghi nhận tiến độ gần nhất", width=220),
        },
        row_height=WRAP_ROW_HEIGHT, max_rows=len(tasks_view),  # long Vietnamese text wraps over three lines
    )
    st.caption("Dòng tô đỏ: nhiệm vụ quá hạn." + ("" if not may("plan") else
               " Chọn nhiệm vụ dưới đây để xem toàn văn, văn bản kiểm chứng, sửa và ghi nhận tiến độ."))

# --- one task: edit and progress notes ------------------------------------------------------------
if not may("plan"):  # read-only: the meeting screen, leadership
    st.stop()
st.subheader("Cập nhật nhiệm vụ")
names = dict(zip(frame["id"].tolist(), (f"{c} – {n}" for c, n in zip(frame["code"], frame["name"]))))
options = [*names, NEW]
picker = f"plan_task_{year}"
if (opened := st.session_state.pop("_plan_open", None)) in options:
    st.session_state[picker] = opened
if st.session_state.get(picker) not in options:
    st.session_state.pop(picker, None)
task_id = st.selectbox("Chọn nhiệm vụ", options, format_func=lambda t: names.get(t, "Thêm nhiệm vụ mới"),
                       key=picker)
left, right = st.columns([3, 2], gap="large")
if task_id == NEW:
    with left:
        task_form(f"task_new_{current['id']}_{st.session_state.get('plan_task_generation', 0)}", current["id"])
    right.caption("Lưu nhiệm vụ trước, rồi ghi nhận tiến độ.")
else:
    edit = Editing(f"task_{task_id}", "plan_tasks", lambda: plan.get_task(con, task_id))
    with left:
        task_form(edit.key, current["id"], edit)
    with right:
        st.markdown("**Tiến độ thực hiện**")
        notes_panel(plan.get_task(con, task_id))

# --- the plan as a whole ----------------------------------------------------------------------------
st.divider()
with st.expander("Sửa thông tin kế hoạch (tên, số, ngày ban hành, người ký, mục tiêu)"):
    plan_edit = Editing(f"plan_{current['id']}", "plans", lambda: plan.get_plan(con, year, commune))
    plan_form(plan_edit.key, plan_edit)
next_year = year + 1
next_plan = plan.get_plan(con, next_year, commune)
st.markdown(f"**Kế hoạch năm {next_year}**")
if next_plan:
    st.caption(f"Năm {next_year} đã có kế hoạch ({len(read(plan.tasks, next_year, commune_id=commune))} nhiệm vụ): chọn năm {next_year} "
               "ở thanh bên để xem.")
else:
    st.caption(f"Sao chép các nhiệm vụ của kế hoạch này làm kế hoạch năm {next_year}: giữ nội dung, chủ trì, phối hợp; "
               f"thời hạn lùi một năm; trạng thái về «{PLAN_TASK_STATUS[plan.NOT_STARTED]}»; ghi nhận tiến độ, kết quả "
               "và văn bản kiểm chứng không chép.")
    if st.button(f"Sao chép kế hoạch sang năm {next_year}", icon=":material/content_copy:", key="plan_copy_next"):
        copy_plan(year, next_year)
