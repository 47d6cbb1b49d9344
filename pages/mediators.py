"""Hòa giải viên: head counts of the year, the list with search, each mediator's record (details, training
and cases per year, leaving under Art. 11, the tổ trưởng role) and adding a new mediator."""

import streamlit as st

from db import places
from db.teams import mediators
from db.core.labels import GENDERS, LEAVE_REASONS
from db.core.writes import ValidationError, VersionConflict, fetch_row
from pages.common import (CHOOSE_COMMUNE, PAGE_ROWS, fmt_int, form_place, page_offset, reader, place, Editing, actor, connection, date_field, filters, flash, fmt_date, go_to, may, md_text,
                          sees_personal_data, show_errors, show_flash, table, today, village_name)

con = connection()
read = reader(con)
year, village_id = filters()
where = place()  # the village, or a commune or province of a file of many communes
entry = form_place(con)  # the commune whose teams a new record may go to (None: a commune is still to be chosen)
team_names, team_village = {}, {}  # the teams of that commune that existed in the year shown: label, village
if entry is not None:
    team_table = read(places.teams, year, entry)
    team_names = dict(zip(team_table["id"].astype(int).tolist(), team_table["label"]))
    team_village = dict(zip(team_table["id"].astype(int).tolist(), team_table["village_id"].astype(int).tolist()))
OPEN = "mediator_open"          # the keyed selectbox holding the open record's id
SHOW_LEFT = "mediator_show_left"


def fmt_hours(hours) -> str:
    return f"{float(hours):g}".replace(".", ",")


def saved(message: str, where: str, *, open_id: int | None = None, show_left: bool = False) -> None:
    """After a write: the message next to the button that saved (where), keep or move the open record, reset
    the table's selection, rerun."""
    flash(message, where)
    st.session_state["_mediator_next"] = {"open": open_id, "show_left": show_left}
    st.session_state["mediator_generation"] = st.session_state.get("mediator_generation", 0) + 1
    st.rerun()


def year_line(row) -> str:
    """'Năm 2023: 2 buổi tập huấn, 8 giờ; 5 vụ việc' from one mediator_year row."""
    training = (f"{row.sessions} buổi tập huấn, {fmt_hours(row.hours)} giờ" if row.sessions
                else "chưa tham gia tập huấn")
    casework = f"{row.cases} vụ việc" if row.cases else "không có vụ việc"
    line = f"**Năm {row.year}**: {training}; {casework}"
    if not row.active:
        line += " _(đã thôi trong năm)_"
    elif row.idle and row.year == year:
        line += " · :orange[cần rà soát]"
    return line


def details_inputs(form_id: str, person: dict) -> dict:
    """The person's details (shared by the edit and the new-mediator forms), with stable keys."""
    c1, c2, c3 = st.columns([3, 1, 1])
    data = {
        "full_name": c1.text_input("Họ và tên *", value=person.get("full_name") or "", key=f"{form_id}_name"),
        "gender": c2.selectbox("Giới tính *", list(GENDERS), format_func=GENDERS.get,
                               index=list(GENDERS).index(person["gender"]) if person.get("gender") else None,
                               placeholder="Chọn", key=f"{form_id}_gender"),
        "birth_year": c3.number_input("Năm sinh", value=person.get("birth_year"), step=1, format="%d",
                                      key=f"{form_id}_birth"),
    }
    c1, c2 = st.columns([1, 2])
    data["joined_on"] = date_field("Ngày tham gia *", person.get("joined_on"), container=c1, key=f"{form_id}_joined",
                                   help="Ngày quyết định công nhận hòa giải viên của Chủ tịch UBND xã.")
    data["organisation"] = c2.text_input("Đơn vị, đoàn thể", value=person.get("organisation") or "",
                                         placeholder="Ví dụ: Hội Phụ nữ, Hội Cựu chiến binh",
                                         key=f"{form_id}_org")
    c1, c2 = st.columns([1, 2])
    data["phone"] = c1.text_input("Điện thoại", value=person.get("phone") or "", key=f"{form_id}_phone")
    data["role"] = c2.text_input("Chức danh, uy tín ở thôn", value=person.get("role") or "",
                                 placeholder="Ví dụ: Bí thư chi bộ, người có uy tín", key=f"{form_id}_role")
    data["ethnic_minority"] = st.checkbox("Người dân tộc thiểu số", value=bool(person.get("ethnic_minority")),
                                          key=f"{form_id}_ethnic")
    return data


def opened(mediator_id: int) -> tuple[Editing, Editing]:
    """The record as its two forms (details, leaving) opened it: each form's own stale-edit notice under it."""
    def load():
        return fetch_row(con.cursor(), "mediators", mediator_id)  # the stored row: what the diff compares
    return Editing(f"mediator_{mediator_id}", "mediators", load), Editing(f"leave_{mediator_id}", "mediators", load)


def reopen(edits: tuple[Editing, ...]) -> None:
    """This user changed the record: both forms read it again (no stale notice about their own change)."""
    for edit in edits:
        edit.saved()


def details_form(record: dict, edits: tuple[Editing, Editing]) -> None:
    edit = edits[0]
    form_id = edit.key
    with st.form(form_id, enter_to_submit=False):
        data = details_inputs(form_id, edit.record)
        submitted = st.form_submit_button("Lưu thông tin", type="primary", icon=":material/save:",
                                          key=f"{form_id}_save")
    show_flash("details")
    if not submitted:
        edit.show_conflict()
        return
    try:
        mediators.save_mediator(con, data, actor=actor(), mediator_id=record["id"], expected_version=edit.version)
    except VersionConflict:
        edit.conflict()
        return
    except ValidationError as exc:
        show_errors(exc)
        return
    reopen(edits)
    saved(f"Đã lưu thông tin của {data['full_name'] or record['full_name']}.", "details", open_id=record["id"],
          show_left=record["has_left"])


def leader_form(record: dict, edits: tuple[Editing, Editing]) -> None:
    """Move the tổ trưởng role to an active member of the same team: one button, one transaction."""
    st.markdown("**Chuyển vai trò tổ trưởng**")
    st.caption(f"Tổ trưởng hiện nay của {record['team']}: **{record['leader_name'] or 'chưa có'}**.")
    # The key changes after this user's own move only: another user's move neither drops the form nor swaps the
    # choice (a person chosen here who meanwhile became tổ trưởng stays listed, and the save says so).
    form_id = f"leader_{record['team_id']}_{st.session_state.get('mediator_generation', 0)}"
    chosen = st.session_state.get(f"{form_id}_new")
    members = mediators.active_mediators(con, record["team_id"])
    members = members[~members["is_leader"] | (members["id"] == chosen)]
    if members.empty:
        st.info("Tổ chưa có hòa giải viên nào khác đang hoạt động để nhận vai trò tổ trưởng.")
        return
    names = dict(zip(members["id"].astype(int).tolist(), members["full_name"]))
    options = list(names)
    default = options.index(record["id"]) if record["id"] in names else 0
    with st.form(form_id, enter_to_submit=False, border=False):
        new_id = st.selectbox("Người nhận vai trò tổ trưởng", options, index=default, format_func=names.get,
                              key=f"{form_id}_new")
        submitted = st.form_submit_button("Chuyển vai trò tổ trưởng", icon=":material/swap_horiz:",
                                          key=f"{form_id}_save")
    show_flash("leader")
    if not submitted:
        return
    try:
        mediators.set_leader(con, record["team_id"], new_id, actor=actor())
    except ValidationError as exc:
        show_errors(exc)
        return
    reopen(edits)  # the open record may be the old or the new tổ trưởng
    saved(f"{names[new_id]} là tổ trưởng của {record['team']}"
          + (f" thay {record['leader_name']}." if record["leader_name"] else "."), "leader", open_id=record["id"])


def leave_form(record: dict, edits: tuple[Editing, Editing]) -> None:
    edit = edits[1]
    st.markdown("**Thôi tham gia**")
    if edit.record.get("is_leader"):  # as opened: a role given meanwhile makes the save a stale edit, not a lost one
        st.warning(f"{record['full_name']} đang là tổ trưởng: chuyển vai trò tổ trưởng cho người khác trước, "
                   "rồi mới ghi thôi tham gia.", icon=":material/info:")
        return
    st.caption("Ghi lại quyết định cho thôi làm hòa giải viên của Chủ tịch UBND xã, theo một trong ba căn cứ "
               "của Điều 11. Hồ sơ, vụ việc và tập huấn của người này vẫn được giữ.")
    form_id = edit.key
    with st.form(form_id, enter_to_submit=False, border=False):
        c1, c2 = st.columns([1, 1])
        left_on = date_field("Ngày thôi tham gia *", None, container=c1, key=f"{form_id}_date")
        decision = c2.text_input("Số quyết định", placeholder="Ví dụ: 45/QĐ-UBND", key=f"{form_id}_decision")
        reason = st.selectbox("Căn cứ theo Điều 11 *", list(LEAVE_REASONS), index=None,
                              format_func=LEAVE_REASONS.get, placeholder="Chọn căn cứ", key=f"{form_id}_reason")
        submitted = st.form_submit_button("Ghi thôi tham gia", icon=":material/person_remove:",
                                          key=f"{form_id}_save")
    if not submitted:
        edit.show_conflict()
        return
    try:
        mediators.record_leaving(con, record["id"], left_on=left_on, reason=reason, decision_no=decision,
                                 actor=actor(), expected_version=edit.version)
    except VersionConflict:
        edit.conflict()
        return
    except ValidationError as exc:
        show_errors(exc)
        return
    reopen(edits)
    left_on = mediators.mediator_record(con, record["id"])["left_on"]  # the saved date, exactly as typed
    saved(f"Đã ghi {record['full_name']} thôi tham gia từ ngày {fmt_date(left_on)} "
          f"({LEAVE_REASONS[reason].lower()}). Hồ sơ vẫn được giữ.", "details", open_id=record["id"], show_left=True)


def show_record(mediator_id: int) -> None:
    record = mediators.mediator_record(con, mediator_id)
    if record is None:
        return
    st.subheader(record["full_name"])
    facts = ["Tổ trưởng" if record["is_leader"] else "Hòa giải viên", record["team"],
             record["gender_label"] + (f", sinh năm {record['birth_year']}" if record["birth_year"] else ""),
             f"tham gia từ {fmt_date(record['joined_on'])}" if record["joined_on"] else "chưa rõ ngày tham gia",
             f"phiên bản {record['version']}"]
    st.caption(" · ".join(facts))
    if record["has_left"]:
        st.info(f"Đã thôi tham gia từ ngày {fmt_date(record['left_on'])}. "
                f"Căn cứ: {(record['leave_reason_label'] or 'chưa ghi').lower()}. "
                f"Quyết định số: {md_text(record['leave_decision_no'] or 'chưa ghi')}.", icon=":material/history:")
    history = record["history"]
    this_year = history[history["year"] == year]
    if not this_year.empty and bool(this_year["active"].iloc[0]) and bool(this_year["idle"].iloc[0]):
        st.warning(f"Cần rà soát: không có vụ việc và không tham gia tập huấn năm {year}. Đây là gợi ý để tổ "
                   "và UBND xã xem xét, không phải quyết định cho thôi: việc cho thôi làm hòa giải viên do "
                   "Chủ tịch UBND xã quyết định (Điều 11).", icon=":material/flag:")

    edits = opened(mediator_id)
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("**Thông tin hòa giải viên**")
        details_form(record, edits)
    with right:
        st.markdown("**Tập huấn và vụ việc theo năm**")
        if history.empty:
            st.caption("Chưa có năm báo cáo nào.")
        else:
            st.markdown("\n".join(f"- {year_line(row)}" for row in history.itertuples()))
    left_on = edits[1].record.get("left_on")
    if left_on is None or left_on > today():  # active as opened: a leaving saved meanwhile is a stale edit here
        c1, c2 = st.columns(2, gap="large")
        with c1.container(border=True):
            leader_form(record, edits)
        with c2.container(border=True):
            leave_form(record, edits)


def new_mediator_form() -> None:
    form_id = f"new_mediator_{st.session_state.get('mediator_generation', 0)}"
    team_ids = list(team_names)
    if entry is None:
        st.info(CHOOSE_COMMUNE, icon=":material/info:")
        return
    if not team_ids:
        st.info("Chưa có tổ hòa giải nào: hãy tạo thôn và tổ hòa giải trước.")
        return
    default_team = next((t for t, v in team_village.items() if v == village_id), team_ids[0])
    with st.form(form_id, enter_to_submit=False):
        c1, c2 = st.columns([2, 1])
        team_id = c1.selectbox("Thôn / tổ hòa giải *", team_ids, index=team_ids.index(default_team),
                               format_func=team_names.get, key=f"{form_id}_team")
        data = details_inputs(form_id, {})
        is_leader = st.checkbox("Là tổ trưởng (chỉ khi tổ chưa có tổ trưởng)", key=f"{form_id}_leader")
        submitted = st.form_submit_button("Thêm hòa giải viên", type="primary", icon=":material/person_add:",
                                          key=f"{form_id}_save")
    show_flash("new")
    if not submitted:
        return
    data.update(team_id=team_id, is_leader=is_leader)
    try:
        new_id = mediators.save_mediator(con, data, actor=actor())
    except ValidationError as exc:
        show_errors(exc)
        return
    joined = mediators.mediator_record(con, new_id)["joined_on"]  # the saved date, exactly as typed
    moved = joined.year > year or (village_id is not None and village_id != team_village[team_id])
    if moved:
        go_to(max(joined.year, year), None if village_id is None else team_village[team_id])
    saved(f"Đã thêm {data['full_name']} vào {team_names[team_id]} (tham gia từ {fmt_date(joined)})."
          + (" Bộ lọc đã chuyển để thấy người này." if moved else ""), "new", open_id=new_id)


def _pick_row(table_key: str, row_ids: list[int]) -> None:
    """A row clicked in the list opens that record (a callback: it runs before the selectbox exists)."""
    rows = st.session_state[table_key].selection.rows
    if rows:
        st.session_state[OPEN] = row_ids[rows[0]]


# --- the page ------------------------------------------------------------------------------------------

# A write asked (before any widget exists) to open a record and maybe show those who left.
if pending := st.session_state.pop("_mediator_next", None):
    st.session_state[OPEN] = pending["open"]
    if pending["show_left"]:
        st.session_state[SHOW_LEFT] = True

st.title("Hòa giải viên")
st.caption(f"Năm {year} · {village_name(con, village_id)} · Đang hoạt động tính đến ngày 31/12/{year} "
           "(năm hiện tại: đến hôm nay).")

counts = read(mediators.mediator_counts, year, where)
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric("Đang hoạt động", counts["active"], help=f"Trong đó {counts['leaders']} tổ trưởng.")
m2.metric("Nữ", counts["women"], help="Hòa giải viên nữ đang hoạt động (Điều 12: mỗi tổ có ít nhất một người).")
m3.metric("Người dân tộc thiểu số", counts["ethnic"], help="Hòa giải viên người dân tộc thiểu số đang hoạt động.")
m4.metric("Đã thôi trong năm", counts["left_in_year"], help=f"Có ngày thôi tham gia trong năm {year}.")
m5.metric("Cần rà soát", counts["needs_review"],
          help=f"Đang hoạt động nhưng không có vụ việc và không tham gia tập huấn năm {year}. "
               "Chỉ là gợi ý rà soát: việc cho thôi do Chủ tịch UBND xã quyết định (Điều 11).")

personal = sees_personal_data(village_id)  # the mediators' phone numbers
if not may("organisation"):  # read-only list; no records (they hold phone numbers), no forms
    tab_list = st.container()
else:
    tab_list, tab_new = st.tabs(["Danh sách hòa giải viên", "Thêm hòa giải viên"], key="mediator_tab",
                                on_change="rerun")
    with tab_new:
        st.caption("Hòa giải viên do Chủ tịch UBND xã công nhận sau khi được bầu (Điều 8). "
                   "Các ô có dấu * là bắt buộc.")
        new_mediator_form()

with tab_list:
    f1, f2 = st.columns([3, 1], vertical_alignment="bottom")
    search = f1.text_input("Tìm kiếm", key="mediator_search",
                           placeholder=("Tên, điện thoại, đơn vị…" if personal else "Tên, đơn vị…")
                           + " (không cần gõ dấu)")
    show_left = f2.toggle("Hiện cả người đã thôi", key=SHOW_LEFT)
    listed = {"include_left": show_left, "search": search, "mask": not personal}
    found = read(mediators.count_mediators, year, place(), **listed)
    st.caption(f"{fmt_int(found)} người" + ("" if not may("organisation") else
                                            " · bấm vào một dòng (hoặc chọn ở ô dưới bảng) để mở hồ sơ."))
    # The page shown, read alone (a country's 600,000 mediators are never all read); the picker lists its people.
    offset = page_offset(found, f"mediators_{search}_{show_left}")
    listing = read(mediators.list_mediators, year, place(), **listed, limit=PAGE_ROWS, offset=offset)
    ids = listing["id"].astype(int).tolist()

    view = listing.assign(
        leader=listing["is_leader"].map({True: "Tổ trưởng", False: ""}),
        ethnic=listing["ethnic_minority"].map({True: "Có", False: ""}),
        joined=listing["joined_on"].map(fmt_date),
        # Someone who left in an earlier year has no figures for this one: shown empty, not as zero.
        training=[(f"{s} buổi, {fmt_hours(h)} giờ" if s else "Chưa") if member else None
                  for s, h, member in zip(listing["sessions"], listing["hours"], listing["in_year"])],
        casework=listing["cases"].where(listing["in_year"]),
        review=listing["needs_review"].map({True: "Cần rà soát", False: ""}),
    )
    table_key = f"mediator_table_{st.session_state.get('mediator_generation', 0)}_{ids[0] if ids else 0}"
    table(
        view,
        # What the year's review needs first (activity, flag, status); the person's details after.
        column_order=["full_name", *(["village"] if village_id is None else []), "leader", "training", "casework",
                      "review", "status", "gender_label", "birth_year", "ethnic", "organisation", "joined"],
        column_config={
            "full_name": st.column_config.TextColumn("Họ và tên", width="medium"),
            "village": st.column_config.TextColumn("Thôn"),
            "leader": st.column_config.TextColumn("Vai trò", width="small"),
            "gender_label": st.column_config.TextColumn("Giới tính", width="small"),
            "birth_year": st.column_config.NumberColumn("Năm sinh", format="%d", width="small"),
            "ethnic": st.column_config.TextColumn("DTTS", width="small", help="Người dân tộc thiểu số"),
            "organisation": st.column_config.TextColumn("Đơn vị, đoàn thể"),
            "joined": st.column_config.TextColumn("Tham gia từ", width="small"),
            "status": st.column_config.TextColumn("Trạng thái", width=260),
            "training": st.column_config.TextColumn(f"Tập huấn {year}"),
            "casework": st.column_config.NumberColumn(f"Vụ việc {year}", format="%d"),
            "review": st.column_config.TextColumn("Gợi ý", width="small",
                                                  help="Không có vụ việc và không tham gia tập huấn trong năm: "
                                                       "cần rà soát, không phải cho thôi."),
        },
        max_rows=11, placeholder="—",
        **({} if not may("organisation") else {"on_select": lambda: _pick_row(table_key, ids),
                                               "selection_mode": "single-row", "key": table_key}),
    )
    if not found:
        st.info("Không có hòa giải viên nào khớp bộ lọc." + ("" if show_left else
                " Bật «Hiện cả người đã thôi» để tìm cả những người đã thôi tham gia."))

    if not may("organisation"):
        st.stop()
    labels = dict(zip(ids, listing["full_name"] + " · " + listing["village"]))
    if st.session_state.get(OPEN) not in labels:
        st.session_state[OPEN] = None
    open_id = st.selectbox("Mở hồ sơ hòa giải viên", ids, index=None, key=OPEN, format_func=labels.get,
                           placeholder="Chọn hòa giải viên (gõ tên để tìm)")
    if open_id is not None:
        with st.container(border=True):
            show_record(open_id)
