"""Tổ hòa giải: each team's composition against Art. 12, its details, and the annual review."""
import streamlit as st

from db import places, teams
from db.teams import reviews
from db.core.labels import COMPOSITION_RULES, REVIEW_STATUS
from db.core.writes import ValidationError, VersionConflict, fetch_row
from pages.common import (form_place, paged, reader, place, Editing, actor, connection, date_field, filters, flash, fmt_date, fmt_pct, is_missing, is_true,
                          may, md_text, show_errors, show_flash, table, village_name)

con = connection()
read = reader(con)
year, village_id = filters()
where = place()  # the village, or a commune or province of a file of many communes
register = read(teams.team_register, year, where)
summary = read(teams.composition_summary, year, where)


def rule_lines(team) -> list[tuple[bool, str]]:
    """Each Art. 12 rule with the figures behind it."""
    lines = [
        (team.rule_members, f"{COMPOSITION_RULES['rule_members']}: {team.active}/{int(team.min_members)} đang hoạt động"),
        (team.rule_woman, f"{COMPOSITION_RULES['rule_woman']}: {team.women} nữ"),
        (team.rule_leader, f"{COMPOSITION_RULES['rule_leader']}: "
                           f"{'chưa có' if is_missing(team.leader) else md_text(team.leader)}"),
    ]
    if is_true(team.ethnic_required):
        lines.append((team.rule_ethnic, f"{COMPOSITION_RULES['rule_ethnic']}: {team.ethnic} người"))
    return lines


st.title("Tổ hòa giải")
st.caption(f"Năm {year} · {village_name(con, village_id)} · Thành phần theo Điều 12 Luật Hòa giải ở cơ sở, "
           f"tính theo hòa giải viên đang hoạt động ngày 31/12/{year} (năm hiện tại: hôm nay).")

c1, c2, c3 = st.columns(3)
c1.metric("Tổ đủ thành phần theo Điều 12", f"{summary['teams_ok']}/{summary['teams']}")
c2.metric("Tổ cần rà soát, kiện toàn", int(register["needs_review"].sum()))
c3.metric("Hòa giải viên đã tập huấn", f"{summary['trained']}/{summary['active']}",
          help=f"Tỷ lệ {fmt_pct(summary['trained_share'])}; mục tiêu kế hoạch: 100% hòa giải viên được tập huấn.")

mark = {True: "Đạt", False: "Chưa đạt"}
shown = paged(register, "team_register")  # a page of a province's thousands of teams, written out alone
composition = shown.assign(
    members=shown["rule_members"].map(lambda ok: mark[is_true(ok)]),
    woman=shown["rule_woman"].map(lambda ok: mark[is_true(ok)]),
    leader_ok=shown["rule_leader"].map(lambda ok: mark[is_true(ok)]),
    ethnic_ok=[mark[is_true(ok)] if is_true(required) else "—"
               for ok, required in zip(shown["rule_ethnic"], shown["ethnic_required"])],
    decision=[" ngày ".join(part for part in ("" if is_missing(no) else no, fmt_date(day)) if part)
              for no, day in zip(shown["decision_no"], shown["decision_date"])],
    trained_label=[f"{t}/{a}" for t, a in zip(shown["trained"], shown["active"])],
    review=shown["review_status"].map(lambda s: REVIEW_STATUS.get(s, REVIEW_STATUS["chua_ra_soat"])),
)
rule_columns = ["members", "woman", "leader_ok", "ethnic_ok"]
table(
    composition.style.map(lambda v: "color: #c62828; font-weight: 600" if v == "Chưa đạt" else "", subset=rule_columns),
    column_order=["village", "leader", "active", "women", "members", "woman", "leader_ok", "ethnic_ok",
                  "trained_label", "decision", "review"],
    column_config={
        "village": st.column_config.TextColumn("Thôn"),
        "leader": st.column_config.TextColumn("Tổ trưởng"),
        "active": st.column_config.NumberColumn("Số HGV", width="small", help="Hòa giải viên đang hoạt động"),
        "women": st.column_config.NumberColumn("Nữ", width="small"),
        "members": st.column_config.TextColumn("≥ 3 HGV", width="small", help=COMPOSITION_RULES["rule_members"]),
        "woman": st.column_config.TextColumn("Có nữ", width="small", help=COMPOSITION_RULES["rule_woman"]),
        "leader_ok": st.column_config.TextColumn("Có TT", width="small", help=COMPOSITION_RULES["rule_leader"]),
        "ethnic_ok": st.column_config.TextColumn("DTTS", width="small", help=COMPOSITION_RULES["rule_ethnic"]),
        "trained_label": st.column_config.TextColumn("Tập huấn", width="small",
                                                     help=f"Hòa giải viên đã tập huấn năm {year} / đang hoạt động"),
        "decision": st.column_config.TextColumn("QĐ công nhận", help="Số và ngày quyết định công nhận tổ"),
        "review": st.column_config.TextColumn("Rà soát", width="small", help=f"Trạng thái rà soát năm {year}"),
    },
)
st.caption("HGV: hòa giải viên; TT: tổ trưởng; DTTS: có hòa giải viên người dân tộc thiểu số (chỉ áp dụng cho "
           "thôn có đông đồng bào dân tộc thiểu số, «—» là không áp dụng). Tổ chưa đạt một tiêu chí được xếp lên đầu.")

if register.empty:
    st.info("Chưa có tổ hòa giải nào.")
    st.stop()
if not may("organisation"):  # read-only: the table above is the view of the meeting screen and leadership
    st.stop()
if form_place(con) is None:  # a choice among a province's thousands of teams is no choice
    st.info("Chọn một xã ở thanh bên để xem chi tiết, sửa thông tin và rà soát từng tổ của xã đó.",
            icon=":material/info:")
    st.stop()
team_names = dict(zip(register["team_id"].tolist(), register["village"]))
team_id = st.selectbox("Xem chi tiết, sửa thông tin và rà soát tổ", list(team_names),
                       format_func=lambda t: f"Tổ hòa giải {team_names[t]}", key="team_open")
team = next(register[register["team_id"] == team_id].itertuples())
details = places.get_team(con, team_id)
# The form «Thông tin tổ» holds two records (the team; its village's ethnic-minority flag), each kept as opened with its
# own stale-edit notice; the form's key follows both, so «Tải bản mới» of either shows what is stored.
team_edit = Editing(f"team_info_{team_id}", "teams", lambda: fetch_row(con.cursor(), "teams", team_id))
village_edit = Editing(f"team_village_{details['village_id']}", "villages",
                       lambda: fetch_row(con.cursor(), "villages", details["village_id"]))
review_edit = Editing(f"review_{team_id}_{year}", "team_reviews", lambda: reviews.get_review(con, team_id, year))
review = review_edit.record

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Thành phần theo Điều 12")
    for ok, text in rule_lines(team):
        (st.success if is_true(ok) else st.error)(text, icon=":material/check:" if is_true(ok) else ":material/close:")
    st.subheader("Thông tin tổ")
    mine, my_village = team_edit.record, village_edit.record
    form_id = f"{team_edit.key}_{village_edit.key.rsplit('_', 1)[1]}"
    with st.form(form_id):
        name = st.text_input("Tên tổ hòa giải", value=mine.get("name") or "", key=f"{form_id}_name")
        d1, d2 = st.columns(2)
        decision_no = d1.text_input("Số quyết định công nhận", value=mine.get("decision_no") or "",
                                    key=f"{form_id}_decision_no")
        decision_date = date_field("Ngày quyết định", mine.get("decision_date"), container=d2,
                                   key=f"{form_id}_decision_date")
        ethnic_area = st.checkbox("Thôn có đông đồng bào dân tộc thiểu số (cần hòa giải viên người DTTS)",
                                  value=bool(my_village.get("ethnic_area")), key=f"{form_id}_ethnic_area")
        submitted = st.form_submit_button("Lưu thông tin tổ", icon=":material/save:")
    show_flash("team")
    village_changed = ethnic_area != bool(my_village.get("ethnic_area"))
    if not submitted:
        team_edit.show_conflict()
        village_edit.show_conflict()
    elif village_changed and places.get_team(con, team_id)["village_version"] != village_edit.version:
        village_edit.conflict()  # checked before the team is written: a refused village leaves nothing half saved
    else:
        try:
            places.save_team(con, {"village_id": details["village_id"], "name": name, "decision_no": decision_no,
                                   "decision_date": decision_date}, actor=actor(), team_id=team_id,
                             expected_version=team_edit.version)
        except VersionConflict:
            team_edit.conflict()
        except ValidationError as exc:
            show_errors(exc)
        else:
            team_edit.saved()
            try:
                if village_changed:
                    places.save_village(con, {"commune_id": my_village["commune_id"], "name": details["village"],
                                              "ethnic_area": ethnic_area}, actor=actor(),
                                        village_id=details["village_id"], expected_version=village_edit.version)
            except ValidationError as exc:
                show_errors(exc)
            else:
                village_edit.saved()
                flash(f"Đã lưu thông tin tổ hòa giải {details['village']}.", "team")
                st.rerun()

with right:
    st.subheader(f"Rà soát, đánh giá năm {year}")
    flags = [text for ok, text in rule_lines(team) if not is_true(ok)]
    if not is_missing(team.idle) and team.idle:
        flags.append(f"{team.idle} hòa giải viên không có vụ việc và không tham gia tập huấn năm {year}: "
                     f"{md_text(team.idle_names)}")
    if flags:
        st.warning("**Gợi ý cần rà soát** (chỉ là gợi ý; việc cho thôi làm hòa giải viên do Chủ tịch UBND xã "
                   "quyết định theo Điều 11):\n" + "\n".join(f"- {f}" for f in flags), icon=":material/flag:")
    else:
        st.info("Không có gợi ý rà soát từ số liệu.", icon=":material/task_alt:")
    form_id = review_edit.key
    with st.form(form_id):
        assessment = st.text_area("Nhận xét, đánh giá của công chức Tư pháp – Hộ tịch",
                                  value=review.get("assessment") or "", key=f"{form_id}_assessment")
        st.markdown("Đề xuất")  # one per line: three side by side were cut on the laptop («Bổ sung hòa g…»)
        propose_add = st.checkbox("Bổ sung hòa giải viên", value=review.get("propose_add", False),
                                  key=f"{form_id}_add")
        propose_replace = st.checkbox("Thay thế hòa giải viên", value=review.get("propose_replace", False),
                                      key=f"{form_id}_replace")
        propose_leader = st.checkbox("Kiện toàn tổ trưởng", value=review.get("propose_leader", False),
                                     key=f"{form_id}_leader")
        note = st.text_input("Ghi chú đề xuất", value=review.get("proposal_note") or "", key=f"{form_id}_note")
        statuses = list(REVIEW_STATUS)
        status = st.selectbox("Trạng thái", statuses, format_func=REVIEW_STATUS.get,
                              index=statuses.index(review.get("status", "chua_ra_soat")), key=f"{form_id}_status")
        submitted = st.form_submit_button("Lưu rà soát", icon=":material/save:", type="primary")
    show_flash("review")
    if not submitted:
        review_edit.show_conflict()
    elif review_edit.version is None and reviews.get_review(con, team_id, year):
        review_edit.conflict()  # written by another user since this form opened empty: the write path would overwrite it
    else:
        try:
            reviews.save_review(con, team_id, year, {
                "assessment": assessment, "propose_add": propose_add, "propose_replace": propose_replace,
                "propose_leader": propose_leader, "proposal_note": note, "status": status,
            }, actor=actor(), expected_version=review_edit.version)
        except VersionConflict:
            review_edit.conflict()
        except ValidationError as exc:
            show_errors(exc)
        else:
            review_edit.saved()
            flash(f"Đã lưu rà soát năm {year} của tổ hòa giải {details['village']}.", "review")
            st.rerun()
