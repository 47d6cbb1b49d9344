"""Thiết lập xã: the commune, its villages (thôn, tổ dân phố) and teams, their merges, splits and dissolutions with
an effective date; leaving the demo; and the whole database as one Excel workbook. The first page of an empty
database (python -m db init --empty) and of a commune that has just left the demo."""

import streamlit as st

from db import places
from db.tools import backup, exporting, seed
from db.teams import mediators
from db.core.labels import COMMUNE_KINDS, VILLAGE_KINDS
from db.core.writes import ValidationError, VersionConflict, fetch_row
from pages.common import (
    Editing, actor, connection, date_field, download, fmt_date, flash, is_missing, md_text, presenting, show_errors,
    show_flash, table, today,
)

con = connection()
commune = places.communes(con)
all_villages = places.villages(con)
live = all_villages[all_villages["valid_to"].isna()]
live_names = dict(zip(live["id"].astype(int).tolist(), live["name"]))
opened: list[Editing] = []  # the records open in this run's edit forms


def done(message: str, where: str, *, reopen: bool = False) -> None:
    """After a save: the message next to the button (where), empty new-record forms; reopen: this user's own
    change (a merge, a split…) may touch any record open here, so every edit form reads its record again."""
    flash(message, where)
    st.session_state["setup_generation"] = st.session_state.get("setup_generation", 0) + 1  # empty forms
    if reopen:
        for edit in opened:
            edit.saved()
    st.rerun()


def editing(name: str, table: str, row_id) -> Editing:
    """A record of `table` as its edit form opened it (pages.common.Editing), the stored row (what the diff
    compares); None as row_id: no record yet."""
    edit = Editing(name, table, lambda: None if row_id is None else fetch_row(con.cursor(), table, int(row_id)))
    opened.append(edit)
    return edit


def generation() -> int:
    return st.session_state.get("setup_generation", 0)


def decision_inputs(key: str) -> dict:
    d1, d2 = st.columns(2)
    return {"decision_no": d1.text_input("Số quyết định", key=f"{key}_no", placeholder="VD: 125/QĐ-UBND"),
            "decision_date": date_field("Ngày quyết định", None, container=d2, key=f"{key}_date")}


st.title("Thiết lập xã")
st.caption("Xã, các thôn, tổ dân phố và tổ hòa giải của xã; sáp nhập, chia tách, giải thể thôn theo quyết định, có "
           "ngày hiệu lực — báo cáo các năm trước vẫn giữ đúng tên và tổ của năm đó.")
show_flash()
current = commune.iloc[0].to_dict() if len(commune) else {}
commune_edit = editing("commune", "communes", current.get("id") if len(commune) == 1 else None)

# --- leaving the demo ----------------------------------------------------------------------------------------
if places.has_demo_data(con) and not presenting():
    with st.container(border=True):
        st.markdown("**Đang dùng dữ liệu minh họa** (xã, thôn, người đều hư cấu). Khi bắt đầu dùng thật: xóa dữ liệu "
                    "minh họa, rồi nhập xã, thôn, tổ hòa giải của xã và đưa sổ theo dõi, danh sách hòa giải viên đang "
                    "có từ Excel vào (trang «Nhập dữ liệu»).")
        with st.expander("Xóa dữ liệu minh họa, bắt đầu với dữ liệu thật", icon=":material/delete_forever:"):
            st.markdown("Trước khi xóa, ứng dụng tự sao lưu toàn bộ tệp dữ liệu (thư mục «sao-luu» cạnh tệp dữ liệu). "
                        "Danh mục và cài đặt (mức chi, tiêu chí, mô hình chấm điểm) được giữ.")
            sure = st.checkbox("Tôi hiểu: mọi xã, thôn, hòa giải viên, vụ việc, tập huấn, kinh phí, kế hoạch, khen "
                               "thưởng của dữ liệu minh họa sẽ bị xóa.", key="leave_demo_sure")
            typed = st.text_input("Gõ chữ XÓA để xác nhận", key="leave_demo_word", max_chars=10)
            if st.button("Xóa dữ liệu minh họa", type="primary", icon=":material/delete_forever:", key="leave_demo",
                         disabled=not sure):
                if typed.strip().upper() != "XÓA":
                    st.error("Chưa xóa: hãy gõ đúng chữ XÓA vào ô xác nhận.", icon=":material/error:")
                else:
                    copy = backup.backup(con, backup.default_dir(), label="truoc-xoa-minh-hoa")
                    counts = seed.remove_demo(con, actor=actor())
                    st.cache_data.clear()
                    for key in ("nam", "thon", "leave_demo_sure", "leave_demo_word"):
                        st.session_state.pop(key, None)
                    done(f"Đã xóa dữ liệu minh họa ({counts.get('cases', 0)} vụ việc, {counts.get('mediators', 0)} "
                         f"hòa giải viên, {counts.get('villages', 0)} thôn). Bản sao lưu trước khi xóa: {copy}. "
                         "Hãy nhập thông tin xã dưới đây.", "page", reopen=True)

# --- the commune ---------------------------------------------------------------------------------------------
st.subheader("Xã, phường, đặc khu")
if len(commune) > 1:
    st.info(f"Tệp dữ liệu này có {len(commune)} xã (tệp tổng hợp): sửa thông tin từng xã bằng tệp của xã đó.")
elif not presenting():
    mine = commune_edit.record  # as this form opened it ({} before the commune exists)
    form_id = commune_edit.key
    with st.form(form_id, enter_to_submit=False):
        c1, c2 = st.columns([1, 3])
        kinds = list(COMMUNE_KINDS)
        kind = c1.selectbox("Loại *", kinds, index=kinds.index(mine.get("kind") or "xa"),
                            format_func=COMMUNE_KINDS.get, key=f"{form_id}_kind")
        name = c2.text_input("Tên (ghi cả chữ Xã/Phường) *", value=mine.get("name") or "",
                             placeholder="VD: Xã Đoàn Kết", key=f"{form_id}_name")
        p1, p2 = st.columns(2)
        province = p1.text_input("Tỉnh, thành phố *", value=mine.get("province") or "",
                                 placeholder="VD: Thành phố Hải Phòng", key=f"{form_id}_province")
        district = p2.text_input("Huyện cũ (không bắt buộc, để tra cứu số liệu trước 2025)",
                                 value=mine.get("district") or "", key=f"{form_id}_district")
        saved = st.form_submit_button("Lưu thông tin xã" if mine else "Tạo xã", type="primary",
                                      icon=":material/save:")
    if not saved:
        commune_edit.show_conflict()
    elif not mine and current:
        commune_edit.conflict()  # created by another user since this form opened empty: not a second commune
    else:
        try:
            places.save_commune(con, {"name": name, "kind": kind, "province": province, "district": district},
                                actor=actor(), commune_id=mine.get("id") or current.get("id"),
                                expected_version=commune_edit.version)
        except VersionConflict:
            commune_edit.conflict()
        except ValidationError as exc:
            show_errors(exc)
        else:
            commune_edit.saved()
            done(f"Đã lưu {name.strip()}.", "commune")
    show_flash("commune")

if not current:
    st.info("Tạo xã trước, rồi thêm các thôn, tổ dân phố và tổ hòa giải.", icon=":material/info:")
    st.stop()
commune_id = int(current["id"])

# --- villages and teams --------------------------------------------------------------------------------------
st.subheader("Thôn, tổ dân phố và tổ hòa giải")
team_table = places.teams(con)
team_lines = {v: "; ".join(f"{name}" + (f" (đến {fmt_date(end)})" if not is_missing(end) else "")
                          for name, end in zip(group["name"], group["valid_to"]))
              for v, group in team_table.groupby("village_id")}
names_by_id = dict(zip(all_villages["id"].astype(int).tolist(), all_villages["name"]))
table(
    all_villages.assign(
        kind_label=all_villages["kind"].map(VILLAGE_KINDS),
        ethnic=all_villages["ethnic_area"].map({True: "Có", False: ""}),
        period=[("từ " + fmt_date(start) if not is_missing(start) else "")
                + (" đến " + fmt_date(end) if not is_missing(end) else (" — nay" if not is_missing(start) else "Đang có"))
                for start, end in zip(all_villages["valid_from"], all_villages["valid_to"])],
        teams=all_villages["id"].map(lambda v: team_lines.get(v, "chưa có tổ hòa giải")),
        fate=[f"sáp nhập vào {names_by_id.get(int(s), '')}" if not is_missing(s) else ""
              for s in all_villages["successor_id"]],
    ),
    column_order=["name", "kind_label", "ethnic", "period", "teams", "fate"],
    column_config={
        "name": st.column_config.TextColumn("Tên", width=170),
        "kind_label": st.column_config.TextColumn("Loại", width=100),
        "ethnic": st.column_config.TextColumn("Vùng DTTS", width=90,
                                              help="Thôn có đông đồng bào dân tộc thiểu số (Điều 12)"),
        "period": st.column_config.TextColumn("Thời gian", width=200),
        "teams": st.column_config.TextColumn("Tổ hòa giải", width=280),
        "fate": st.column_config.TextColumn("Ghi chú", width=200),
    },
    max_rows=15,
)
if presenting():
    st.stop()

tab_add, tab_edit, tab_merge, tab_split, tab_dissolve, tab_history = st.tabs(
    ["Thêm thôn", "Sửa thôn, tổ hòa giải", "Sáp nhập", "Chia tách", "Giải thể", "Lịch sử thay đổi"],
    key="setup_tab", on_change="rerun")

with tab_add:
    form_id = f"village_add_{generation()}"
    with st.form(form_id, enter_to_submit=False):
        a1, a2, a3 = st.columns([2, 1, 1])
        v_name = a1.text_input("Tên thôn, tổ dân phố *", placeholder="VD: Thôn Đông", key=f"{form_id}_name")
        kinds = list(VILLAGE_KINDS)
        v_kind = a2.selectbox("Loại", kinds, format_func=VILLAGE_KINDS.get, key=f"{form_id}_kind")
        v_from = date_field("Thành lập từ ngày", None, container=a3, key=f"{form_id}_from",
                            help="Để trống nếu thôn có từ trước khi dùng phần mềm.")
        ethnic = st.checkbox("Có đông đồng bào dân tộc thiểu số (tổ cần hòa giải viên người dân tộc thiểu số)",
                             key=f"{form_id}_ethnic")
        st.markdown("**Tổ hòa giải của thôn** (theo quyết định của Chủ tịch UBND xã)")
        t1, t2, t3 = st.columns([2, 1, 1])
        t_name = t1.text_input("Tên tổ hòa giải", placeholder="Để trống: «Tổ hòa giải» + tên thôn",
                               key=f"{form_id}_team")
        t_no = t2.text_input("Số quyết định thành lập tổ", key=f"{form_id}_team_no", placeholder="VD: 12/QĐ-UBND")
        t_date = date_field("Ngày quyết định", None, container=t3, key=f"{form_id}_team_date")
        added = st.form_submit_button("Thêm thôn và tổ hòa giải", type="primary", icon=":material/add_location_alt:")
    if added:
        try:
            places.add_village(
                con, {"commune_id": commune_id, "name": v_name, "kind": v_kind, "ethnic_area": ethnic,
                      "valid_from": v_from},
                {"name": t_name.strip() or f"Tổ hòa giải {v_name.strip()}", "decision_no": t_no,
                 "decision_date": t_date}, actor=actor())
        except ValidationError as exc:
            show_errors(exc)
        else:
            done(f"Đã thêm {v_name.strip()} và tổ hòa giải của thôn. Thêm hòa giải viên ở trang «Hòa giải viên» "
                 "hoặc nhập danh sách từ Excel (trang «Nhập dữ liệu»).", "add")
    show_flash("add")

with tab_edit:
    if all_villages.empty:
        st.info("Chưa có thôn nào.")
    else:
        labels = dict(zip(all_villages["id"].astype(int).tolist(), all_villages["label"]))
        village_id = st.selectbox("Thôn", list(labels), format_func=labels.get, key="setup_village")
        village = all_villages[all_villages["id"] == village_id].iloc[0]
        village_edit = editing(f"village_{village_id}", "villages", village_id)
        mine = village_edit.record
        form_id = village_edit.key
        with st.form(form_id, enter_to_submit=False):
            e1, e2 = st.columns([2, 1])
            new_name = e1.text_input("Tên", value=mine.get("name") or "", key=f"{form_id}_name",
                                     help="Sửa lỗi chính tả: tên mới dùng cho mọi năm. Đổi tên theo quyết định: dùng "
                                          "«Sáp nhập» vào một thôn mới, để các năm trước giữ tên cũ.")
            kinds = list(VILLAGE_KINDS)
            new_kind = e2.selectbox("Loại", kinds, index=kinds.index(mine.get("kind") or "thon"),
                                    format_func=VILLAGE_KINDS.get, key=f"{form_id}_kind")
            new_ethnic = st.checkbox("Có đông đồng bào dân tộc thiểu số", value=bool(mine.get("ethnic_area")),
                                     key=f"{form_id}_ethnic")
            saved = st.form_submit_button("Lưu thông tin thôn", icon=":material/save:")
        if not saved:
            village_edit.show_conflict()
        else:
            try:
                places.save_village(con, {"commune_id": commune_id, "name": new_name, "kind": new_kind,
                                          "ethnic_area": new_ethnic}, actor=actor(), village_id=village_id,
                                    expected_version=village_edit.version)
            except VersionConflict:
                village_edit.conflict()
            except ValidationError as exc:
                show_errors(exc)
            else:
                village_edit.saved()
                done(f"Đã lưu {new_name.strip()}.", "village")
        show_flash("village")

        st.markdown("**Tổ hòa giải của thôn**")
        for team in places.teams(con, village_id=village_id).itertuples():
            ended = not is_missing(team.valid_to)
            with st.expander(md_text(team.name) + (f" — đã kết thúc {fmt_date(team.valid_to)}" if ended else ""),
                             expanded=not ended):
                # Two forms on one record, each with its own stale-edit notice; a save of either reopens both.
                team_edit = editing(f"team_{team.id}", "teams", team.id)
                end_edit = editing(f"team_end_{team.id}", "teams", team.id)
                mine = team_edit.record
                form_id = team_edit.key
                with st.form(form_id, enter_to_submit=False):
                    f1, f2, f3, f4 = st.columns([2, 1, 1, 1])
                    t_name = f1.text_input("Tên tổ", value=mine.get("name") or "", key=f"{form_id}_name")
                    t_no = f2.text_input("Số quyết định thành lập", value=mine.get("decision_no") or "",
                                         key=f"{form_id}_no")
                    t_date = date_field("Ngày quyết định", mine.get("decision_date"), container=f3, key=f"{form_id}_date")
                    t_from = date_field("Hoạt động từ ngày", mine.get("valid_from"), container=f4, key=f"{form_id}_from")
                    saved = st.form_submit_button("Lưu thông tin tổ", icon=":material/save:")
                if not saved:
                    team_edit.show_conflict()
                else:
                    try:
                        places.save_team(con, {"village_id": village_id, "name": t_name, "decision_no": t_no,
                                               "decision_date": t_date, "valid_from": t_from},
                                         actor=actor(), team_id=int(team.id), expected_version=team_edit.version)
                    except VersionConflict:
                        team_edit.conflict()
                    except ValidationError as exc:
                        show_errors(exc)
                    else:
                        team_edit.saved()
                        end_edit.saved()
                        done(f"Đã lưu {t_name.strip()}.", f"team_{team.id}")
                show_flash(f"team_{team.id}")
                if mine.get("valid_to") is None:  # open as this form opened it: an end saved meanwhile is a stale edit
                    form_id = end_edit.key
                    with st.form(form_id, enter_to_submit=False):
                        st.caption("Kết thúc hoạt động của tổ theo quyết định (thôn vẫn còn). Hòa giải viên đang hoạt "
                                   "động của tổ cũng kết thúc từ ngày này.")
                        g1, g2 = st.columns(2)
                        end_day = date_field("Ngày có hiệu lực", None, container=g1, key=f"{form_id}_day")
                        end_no = g2.text_input("Số quyết định", key=f"{form_id}_no")
                        ending = st.form_submit_button("Kết thúc tổ hòa giải", icon=":material/block:")
                    if not ending:
                        end_edit.show_conflict()
                    else:
                        try:
                            places.end_team(con, int(team.id), end_day, decision_no=end_no, actor=actor(),
                                            expected_version=end_edit.version)
                        except VersionConflict:
                            end_edit.conflict()
                        except ValidationError as exc:
                            show_errors(exc)
                        else:
                            team_edit.saved()
                            end_edit.saved()
                            done(f"{team.name} kết thúc hoạt động từ {end_day.strip()}.", f"team_{team.id}")
        if is_missing(village["valid_to"]):
            form_id = f"team_add_{village_id}_{generation()}"
            with st.expander("Thêm một tổ hòa giải khác cho thôn", icon=":material/group_add:"):
                with st.form(form_id, enter_to_submit=False):
                    h1, h2, h3 = st.columns([2, 1, 1])
                    n_name = h1.text_input("Tên tổ *", key=f"{form_id}_name", placeholder="VD: Tổ hòa giải số 2")
                    n_no = h2.text_input("Số quyết định", key=f"{form_id}_no")
                    n_date = date_field("Ngày quyết định", None, container=h3, key=f"{form_id}_date")
                    n_from = date_field("Hoạt động từ ngày", None, key=f"{form_id}_from")
                    adding = st.form_submit_button("Thêm tổ hòa giải", icon=":material/add:")
                if adding:
                    try:
                        places.save_team(con, {"village_id": village_id, "name": n_name, "decision_no": n_no,
                                               "decision_date": n_date, "valid_from": n_from}, actor=actor())
                    except ValidationError as exc:
                        show_errors(exc)
                    else:
                        done(f"Đã thêm {n_name.strip()}.", "team_add")
                show_flash("team_add")

with tab_merge:
    st.caption("Sáp nhập các thôn theo quyết định, từ ngày có hiệu lực. Các thôn cũ và tổ hòa giải của chúng kết thúc "
               "ngày hôm trước (báo cáo các năm trước vẫn giữ tên cũ); hòa giải viên đang hoạt động chuyển sang tổ hòa "
               "giải của thôn sau sáp nhập. Vụ việc ở lại với tổ đã nhận: ghi kết quả các vụ việc đang hòa giải trước.")
    form_id = f"merge_{generation()}"
    chosen = st.multiselect("Các thôn sáp nhập *", list(live_names), format_func=live_names.get, select_all=False,
                            wrap=True, key=f"{form_id}_villages")
    mode = st.radio("Sau sáp nhập", ["continue", "new"], horizontal=True, key=f"{form_id}_mode",
                    format_func={"continue": "Một thôn trong số đó giữ tên, tiếp tục",
                                 "new": "Thành thôn mới (tên mới)"}.get)
    with st.form(form_id, enter_to_submit=False):
        into, new_village, new_team = None, None, None
        if mode == "continue":
            into = st.selectbox("Thôn tiếp tục *", chosen, format_func=live_names.get, key=f"{form_id}_into",
                                placeholder="Chọn các thôn ở trên trước", index=0 if chosen else None)
        else:
            n1, n2 = st.columns([2, 1])
            new_village = {"name": n1.text_input("Tên thôn mới *", key=f"{form_id}_name"),
                           "kind": n2.selectbox("Loại", list(VILLAGE_KINDS), format_func=VILLAGE_KINDS.get,
                                                key=f"{form_id}_kind"),
                           "ethnic_area": st.checkbox("Có đông đồng bào dân tộc thiểu số", key=f"{form_id}_ethnic")}
            new_team = {"name": st.text_input("Tên tổ hòa giải của thôn mới", key=f"{form_id}_team",
                                              placeholder="Để trống: «Tổ hòa giải» + tên thôn")}
        day = date_field("Ngày có hiệu lực *", None, key=f"{form_id}_day")
        decision = decision_inputs(f"{form_id}_decision")
        merging = st.form_submit_button("Sáp nhập", type="primary", icon=":material/merge:")
    if merging:
        if new_team is not None and not new_team["name"].strip():
            new_team["name"] = f"Tổ hòa giải {new_village['name'].strip()}"
        if new_team is not None:
            new_team.update(decision)
        try:
            result = places.merge_villages(con, chosen, into=into, new_village=new_village, new_team=new_team, on=day,
                                           decision=decision, actor=actor())
        except ValidationError as exc:
            show_errors(exc)
        else:
            target = places.villages(con).set_index("id").loc[result["village_id"], "name"]
            done(f"Đã sáp nhập vào {target} từ {day.strip()}; {result['moved']} hòa giải viên chuyển sang tổ hòa giải "
                 f"của {target}. Chọn tổ trưởng ở trang «Hòa giải viên» nếu tổ chưa có.", "merge", reopen=True)
    show_flash("merge")

with tab_split:
    st.caption("Chia một thôn thành các thôn mới từ ngày có hiệu lực: thôn cũ và tổ hòa giải của nó kết thúc ngày hôm "
               "trước; mỗi hòa giải viên đang hoạt động chuyển sang tổ hòa giải của thôn mới được chọn.")
    form_id = f"split_{generation()}"
    source = st.selectbox("Thôn chia tách *", list(live_names), format_func=live_names.get, index=None,
                          placeholder="Chọn thôn", key=f"{form_id}_village")
    part_names = [line.strip() for line in st.text_area(
        "Tên các thôn mới, mỗi dòng một thôn *", key=f"{form_id}_names", height=90,
        placeholder="VD:\nThôn Đông Nam\nThôn Đông Bắc").splitlines() if line.strip()]
    with st.form(form_id, enter_to_submit=False):
        assignments = {}
        if source is not None and len(part_names) >= 2:
            members = [m for t in places.teams(con, village_id=source).itertuples() if is_missing(t.valid_to)
                       for m in mediators.active_mediators(con, int(t.id)).itertuples()]
            if members:
                st.markdown("**Hòa giải viên chuyển sang thôn mới**")
                columns = st.columns(2)
                for i, person in enumerate(members):
                    assignments[int(person.id)] = columns[i % 2].selectbox(
                        person.full_name, range(len(part_names)), format_func=part_names.__getitem__,
                        key=f"{form_id}_m{person.id}")
        day = date_field("Ngày có hiệu lực *", None, key=f"{form_id}_day")
        decision = decision_inputs(f"{form_id}_decision")
        splitting = st.form_submit_button("Chia tách", type="primary", icon=":material/call_split:")
    if splitting:
        try:
            if source is None:
                raise ValidationError("Chưa chọn thôn chia tách.")
            result = places.split_village(con, source, [{"name": n} for n in part_names], on=day, decision=decision,
                                          assignments=assignments, actor=actor())
        except ValidationError as exc:
            show_errors(exc)
        else:
            done(f"Đã chia {live_names[source]} thành {', '.join(part_names)} từ {day.strip()}; "
                 f"{result['moved']} hòa giải viên chuyển sang các tổ mới.", "split", reopen=True)
    show_flash("split")

with tab_dissolve:
    st.caption("Giải thể một thôn từ ngày có hiệu lực: thôn và tổ hòa giải kết thúc ngày hôm trước; hòa giải viên đang "
               "hoạt động của tổ cũng kết thúc. Số liệu các năm trước vẫn giữ.")
    form_id = f"dissolve_{generation()}"
    with st.form(form_id, enter_to_submit=False):
        gone = st.selectbox("Thôn giải thể *", list(live_names), format_func=live_names.get, index=None,
                            placeholder="Chọn thôn", key=f"{form_id}_village")
        day = date_field("Ngày có hiệu lực *", None, key=f"{form_id}_day")
        decision = decision_inputs(f"{form_id}_decision")
        sure = st.checkbox("Tôi đã kiểm tra: thôn này giải thể theo quyết định.", key=f"{form_id}_sure")
        dissolving = st.form_submit_button("Giải thể thôn", icon=":material/domain_disabled:")
    if dissolving:
        try:
            if gone is None:
                raise ValidationError("Chưa chọn thôn giải thể.")
            if not sure:
                raise ValidationError("Đánh dấu ô xác nhận trước khi giải thể.")
            result = places.dissolve_village(con, gone, on=day, decision=decision, actor=actor())
        except ValidationError as exc:
            show_errors(exc)
        else:
            done(f"{live_names[gone]} giải thể từ {day.strip()}; {result['ended']} hòa giải viên kết thúc.", "dissolve",
                 reopen=True)
    show_flash("dissolve")

with tab_history:
    changes = places.place_changes(con)
    if changes.empty:
        st.caption("Chưa có sáp nhập, chia tách, giải thể nào.")
    else:
        table(changes.assign(
            day=changes["effective_on"].map(fmt_date),
            what=[f"{', '.join(f)}" + (f" → {', '.join(t)}" if len(t) else "") for f, t in
                  zip(changes["from_names"], changes["to_names"])],
            decision=[" ngày ".join(p for p in ("" if is_missing(n) else n, fmt_date(d)) if p)
                      for n, d in zip(changes["decision_no"], changes["decision_date"])]),
            column_order=["day", "kind_label", "what", "decision"],
            column_config={"day": st.column_config.TextColumn("Có hiệu lực từ", width=110),
                           "kind_label": st.column_config.TextColumn("Thay đổi", width=100),
                           "what": st.column_config.TextColumn("Thôn", width=420),
                           "decision": st.column_config.TextColumn("Quyết định", width=220)})

# --- taking everything out ---------------------------------------------------------------------------------
st.subheader("Xuất toàn bộ dữ liệu")
st.caption("Toàn bộ dữ liệu của tệp (mỗi bảng một trang tính, tiêu đề tiếng Việt, ngày dạng dd/mm/yyyy, số tiền là số) "
           "— để lưu trữ, chuyển sang phần mềm khác hoặc gửi cấp trên. Danh sách vụ việc theo bộ lọc: trang «Vụ việc».")
download("Tải toàn bộ dữ liệu (Excel)", lambda: exporting.database_workbook(con),
         file_name=f"hoa-giai-toan-bo-du-lieu-{today():%Y%m%d}.xlsx", icon=":material/table_view:",
         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="export_all")
