"""Khen thưởng: candidates by the year's rules (each rule passed or failed, near-misses apart), nominations
and leadership's decisions, the practice calendar with what is late, and the approved list for the conference."""

import pandas as pd
import streamlit as st

from db import places, scores
from db.scores import commendation
from db.core.labels import (
    AWARD_LEVELS, AWARD_LEVELS_SHORT, CALENDAR_STEPS, MEDIATOR_RULES, NOMINATION_STATUS, NOMINATION_SUBJECTS,
    PASS_FAIL, TEAM_RULES, UNGRADED_LABEL,
)
from db.core.writes import ValidationError, VersionConflict, fetch_row
from pages.common import (form_place, reader, place, WRAP_ROW_HEIGHT, Editing, actor, connection, date_field, download, filters, flash, fmt_date,
                          is_missing, is_true, may, md_text, show_errors, show_flash, table, today, village_name)

con = connection()
read = reader(con)
year, village_id = filters()
where = place()  # the village, or a commune or province of a file of many communes
counts = read(commendation.candidate_counts, year, where)
listed = read(commendation.nominations, year, where)
RED = "color: #c62828; font-weight: 600"


def num(value, digits: int = 1) -> str:
    return "—" if is_missing(value) else f"{value:.{digits}f}".replace(".", ",")


def default_day():
    """Today for the running year; for an earlier year no default: the officer types the real date (a default
    of 31/12 would be counted «Trễ hạn» against the calendar's 30/11 and 15/12)."""
    return today() if year == today().year else None


def rule_cells(frame: pd.DataFrame, rules: dict, texts) -> pd.DataFrame:
    """Each rule as «Đạt: …» / «Chưa đạt: …» with its inputs, and the failed rules in words."""
    out = frame.copy()
    details = [texts(r) for r in frame.itertuples()]
    for rule in rules:
        out[rule] = [f"{PASS_FAIL[bool(ok)]}: {d[rule][1]}" for ok, d in zip(frame[rule], details)]
    out["missing"] = ["; ".join(d[r][0] for r in rules if not getattr(row, r))
                      for row, d in zip(frame.itertuples(), details)]
    return out


def rule_headers(frame: pd.DataFrame, rules: dict, texts) -> dict:
    """Column titles: each rule with the year's thresholds (the same for every row)."""
    if frame.empty:
        return dict(rules)
    sample = texts(next(frame.itertuples()))
    return {r: sample[r][0] for r in rules}


def rule_table(frame: pd.DataFrame, rules: dict, headers: dict, first: dict, key: str,
               widths: dict | None = None, **options) -> None:
    if frame.empty:
        st.caption("Không có.")
        return
    table(
        frame.style.map(lambda v: RED if isinstance(v, str) and v.startswith("Chưa đạt") else "", subset=list(rules)),
        column_order=[*first, *rules],
        column_config={**first, **{r: st.column_config.TextColumn(headers[r], help=rules[r],
                                                                   width=(widths or {}).get(r, 112))
                                   for r in rules}},
        hide_index=True, width="stretch", key=key, **options,
    )


st.title("Khen thưởng")
st.caption(f"Năm {year} · {village_name(con, village_id)} · Đề xuất theo tiêu chí của năm {year} (Cài đặt → Mô hình "
           "chấm điểm). Đề xuất chỉ là gợi ý: công chức Tư pháp lập đề nghị, lãnh đạo UBND xã quyết định.")

m1, m2, m3, m4 = st.columns(4, border=True)
m1.metric("Tập thể đủ tiêu chí", counts["teams"], help=f"Gần đạt (chưa đạt đúng một tiêu chí): {counts['teams_near']}")
m2.metric("Cá nhân đủ tiêu chí", counts["mediators"],
          help=f"Gần đạt (chưa đạt đúng một tiêu chí): {counts['mediators_near']}")
m3.metric("Đề nghị khen thưởng", len(listed), help="Đã lập trong năm (mọi trạng thái)")
m4.metric("Đã duyệt", int((listed["status"] == "da_duyet").sum()))

# The lists, the calendar and the forms are a commune's (its leadership decides): in a file of many communes, the
# figures above until a commune is chosen — a list of a province's thousands of teams and mediators is no list.
commune = form_place(con)
if commune is None:
    st.info("Chọn một xã ở thanh bên để xem các tập thể, cá nhân được đề xuất, lịch khen thưởng và các đề nghị của xã "
            "đó.", icon=":material/info:")
    st.stop()
teams = read(commendation.team_candidates, year, where)
people = read(commendation.mediator_candidates, year, where)

# The practice calendar, with what is late for the year.
st.subheader(f"Lịch khen thưởng năm {year}")
steps = read(commendation.calendar_summary, year, today(), commune)
lines = ["| Bước | Hạn | Tình trạng | Đã xong | Trễ hạn, hoặc quá hạn chưa xong |", "|---|---|---|--:|---|"]
for s in steps.itertuples():
    deadline = s.deadline.date() if hasattr(s.deadline, "date") else s.deadline
    if is_true(s.qua_han) or is_true(s.tre_han):
        state = ":red[**Trễ hạn**]"
    elif is_true(s.chua_den_han):
        state = f"Chưa đến hạn (còn {(deadline - today()).days} ngày)"
    else:
        state = ":green[Đúng hạn]"
    lines.append(f"| {CALENDAR_STEPS[s.step]} | trước {fmt_date(deadline)} | {state} | "
                 f"{f'{s.dung_han + s.tre_han}/{s.items}' if s.items else 'chưa có'} | "
                 f"{'—' if is_missing(s.late_names) else md_text(s.late_names)} |")
st.markdown("\n".join(lines))
st.caption(f"Lịch thường lệ: tổ tự đánh giá, công chức lập đề nghị, lãnh đạo quyết định trước hội nghị tổng kết. "
           f"Xong đúng ngày hạn vẫn là đúng hạn. Tính đến hôm nay ({fmt_date(today())}): với năm hiện tại, việc chưa "
           "đến hạn không tính là trễ.")

# Keyed tabs: after a save the page stays on the tab the user was working in.
tab_teams, tab_people, tab_nominate, tab_self, tab_export = st.tabs([
    "Đề xuất tập thể", "Đề xuất cá nhân", "Đề nghị và quyết định", "Tổ tự đánh giá", "Danh sách được khen thưởng"],
    key="commendation_tab", on_change="rerun")

with tab_teams:
    cells = rule_cells(teams, TEAM_RULES, commendation.team_rule_texts)
    first = {"village": st.column_config.TextColumn("Thôn", width=120)}
    headers = rule_headers(teams, TEAM_RULES, commendation.team_rule_texts)
    st.markdown(f"**Đủ mọi tiêu chí ({int(teams['is_candidate'].sum())})**")
    rule_table(cells[cells["is_candidate"]], TEAM_RULES, headers, first, "cand_teams")
    st.markdown(f"**Gần đạt — chưa đạt đúng một tiêu chí ({int(teams['near_miss'].sum())})**")
    rule_table(cells[cells["near_miss"]], TEAM_RULES, headers,
               {**first, "missing": st.column_config.TextColumn("Còn thiếu", width=130)}, "near_teams")
    # Too little data to grade (issue 14): never a candidate nor a near-miss; shown apart with the reason.
    unrated = cells[~cells["graded"].map(is_true)]
    if not unrated.empty:
        unrated = unrated.assign(reason=[scores.grading_reason(r) for r in unrated.itertuples()])
        st.markdown(f"**{UNGRADED_LABEL} ({len(unrated)})**")
        st.caption(scores.grading_rule_text(read(scores.score_params, year)))
        rule_table(unrated, TEAM_RULES, headers,
                   {**first, "reason": st.column_config.TextColumn("Lý do chưa xếp loại", width=170)}, "unrated_teams",
                   row_height=WRAP_ROW_HEIGHT)  # the reason and the rules wrap over two lines
    rest = cells[~cells["is_candidate"] & ~cells["near_miss"] & cells["graded"].map(is_true)]
    with st.expander(f"Các tổ còn lại ({len(rest)})"):
        rule_table(rest, TEAM_RULES, headers, first, "rest_teams")

PEOPLE_WIDTHS = {"rule_cases": 190, "rule_trained": 130, "rule_active": 130}
with tab_people:
    cells = rule_cells(people, MEDIATOR_RULES, commendation.mediator_rule_texts)
    first = {"full_name": st.column_config.TextColumn("Hòa giải viên", width=150),
             "village": st.column_config.TextColumn("Thôn", width=120)}
    headers = rule_headers(people, MEDIATOR_RULES, commendation.mediator_rule_texts)
    st.markdown(f"**Đủ mọi tiêu chí ({int(people['is_candidate'].sum())})**")
    rule_table(cells[cells["is_candidate"]], MEDIATOR_RULES, headers, first, "cand_people", PEOPLE_WIDTHS)
    st.markdown(f"**Gần đạt — chưa đạt đúng một tiêu chí ({int(people['near_miss'].sum())})**")
    rule_table(cells[cells["near_miss"]], MEDIATOR_RULES, headers,
               {**first, "missing": st.column_config.TextColumn("Còn thiếu", width=170)}, "near_people", PEOPLE_WIDTHS)
    rest = cells[~cells["is_candidate"] & ~cells["near_miss"]]
    with st.expander(f"Các hòa giải viên còn lại ({len(rest)})"):
        rule_table(rest, MEDIATOR_RULES, headers, first, "rest_people", PEOPLE_WIDTHS)

with tab_nominate:
    st.markdown("**Các đề nghị của năm**")
    if listed.empty:
        st.caption("Chưa có đề nghị nào.")
    else:
        shown = listed.assign(
            level=listed["award_level"].map(AWARD_LEVELS_SHORT),
            candidate=listed["was_candidate"].map({True: "Có", False: "Không"}),
            status_label=listed["status"].map(NOMINATION_STATUS),
            nominated=listed["nominated_on"].map(fmt_date),
            decided=[" · ".join(x for x in (fmt_date(d), f"QĐ {n}" if n else "", note) if x)
                     for d, n, note in zip(listed["decided_on"], listed["decision_no"].fillna(""),
                                           listed["decision_note"].fillna(""))],
            why=listed["reason"].fillna(""),
        )
        table(
            shown.style.map(lambda v: RED if v == "Không duyệt" else "", subset=["status_label"]),
            column_order=["id", "name", "village", "level", "candidate", "nominated", "status_label", "decided", "why"],
            column_config={
                "id": st.column_config.NumberColumn("Số", width=45, format="%d"),
                "name": st.column_config.TextColumn("Tập thể / cá nhân", width=185),
                "village": st.column_config.TextColumn("Thôn", width=115),
                "level": st.column_config.TextColumn("Hình thức", width=150, help="; ".join(AWARD_LEVELS.values())),
                "candidate": st.column_config.TextColumn("Đủ tiêu chí", width=75,
                                                         help="Đạt mọi tiêu chí đề xuất khi lập đề nghị"),
                "nominated": st.column_config.TextColumn("Ngày đề nghị", width=95),
                "status_label": st.column_config.TextColumn("Trạng thái", width=90),
                "decided": st.column_config.TextColumn("Quyết định", width=200),
                "why": st.column_config.TextColumn("Lý do", width="large"),
            },
            hide_index=True, width="stretch",
        )

    if may("commendation") or may("commendation.decide"):  # the officer nominates, leadership decides
        left, right = st.columns(2, gap="large")
        with left:
            if not may("commendation"):
                st.caption("Đề nghị khen thưởng do cán bộ tư pháp lập.")
            else:
                st.markdown("**Lập đề nghị khen thưởng**")
                subject = st.radio("Đề nghị cho", list(NOMINATION_SUBJECTS), format_func=NOMINATION_SUBJECTS.get,
                                   horizontal=True, key="nominate_subject")
                # Only who has no nomination of the year yet (one per team or person and year): the list never
                # offers a choice that the save would refuse.
                if subject == "team":
                    taken = set(listed.loc[listed["subject"] == "team", "team_id"].astype(int))
                    options = {int(r.team_id): f"{r.team} — " + ("đủ tiêu chí" if r.is_candidate else
                                                                 f"chưa đạt {int(r.failed_rules)} tiêu chí"
                                                                 + ("" if is_true(r.graded) else
                                                                    f" ({UNGRADED_LABEL.lower()})"))
                               for r in teams.itertuples() if int(r.team_id) not in taken}
                else:
                    taken = set(listed.loc[listed["subject"] == "mediator", "mediator_id"].astype(int))
                    options = {int(r.mediator_id): f"{r.full_name} ({r.village}) — " + (
                        "đủ tiêu chí" if r.is_candidate else f"chưa đạt {int(r.failed_rules)} tiêu chí")
                               for r in people.itertuples() if int(r.mediator_id) not in taken}
                if taken:
                    st.caption(f"{len(taken)} {'tập thể' if subject == 'team' else 'cá nhân'} đã có đề nghị năm {year} "
                               "nên không có trong danh sách chọn.")
                generation = st.session_state.get("nominate_generation", 0)
                if not options:
                    st.info(f"Mọi {'tập thể' if subject == 'team' else 'cá nhân'} đã có đề nghị khen thưởng năm {year}.",
                            icon=":material/task_alt:")
                else:
                    with st.form(f"nominate_{year}_{subject}_{generation}", enter_to_submit=False):
                        who = st.selectbox("Tập thể / cá nhân *", list(options), format_func=options.get,
                                           key=f"nominate_{generation}_who",
                                           help="Người đủ tiêu chí xếp trước; người chưa đủ tiêu chí cần ghi lý do.")
                        level = st.selectbox("Hình thức khen thưởng *", list(AWARD_LEVELS), format_func=AWARD_LEVELS.get,
                                             key=f"nominate_{generation}_level")
                        day = date_field("Ngày đề nghị *", default_day(), key=f"nominate_{generation}_day")
                        reason = st.text_area("Lý do, thành tích nổi bật (bắt buộc nếu chưa đủ tiêu chí)",
                                              key=f"nominate_{generation}_reason")
                        submitted = st.form_submit_button("Lập đề nghị", type="primary", icon=":material/add:")
                    if submitted:
                        try:
                            commendation.nominate(con, {
                                "year": year, "team_id": who if subject == "team" else None,
                                "mediator_id": who if subject == "mediator" else None, "award_level": level,
                                "reason": reason, "nominated_on": day}, actor=actor())
                        except ValidationError as exc:
                            show_errors(exc)
                        else:
                            flash(f"Đã lập đề nghị khen thưởng cho {options[who].split(' — ')[0]}.", "nominate")
                            st.session_state["nominate_generation"] = generation + 1
                            st.rerun()
                show_flash("nominate")
        with right:
            if not may("commendation.decide"):
                st.caption("Quyết định khen thưởng do lãnh đạo UBND xã ghi.")
            else:
                st.markdown("**Quyết định của lãnh đạo UBND xã**")
                # The one open here stays listed after another user decides it: the save then says so.
                pending = listed[(listed["status"] == "de_nghi") | (listed["id"] == st.session_state.get("decide_open"))]
                if pending.empty:
                    st.caption("Không có đề nghị nào đang chờ quyết định.")
                else:
                    labels = {int(r.id): f"Số {r.id}: {r.name} — {AWARD_LEVELS[r.award_level]}"
                              + ("" if r.status == "de_nghi" else f" ({NOMINATION_STATUS[r.status]})")
                              for r in pending.itertuples()}
                    chosen = st.selectbox("Đề nghị chờ quyết định", list(labels), format_func=labels.get, key="decide_open")
                    edit = Editing(f"decide_{chosen}", "nominations", lambda: commendation.get_nomination(con, chosen))
                    form_id = edit.key
                    with st.form(form_id, enter_to_submit=False):
                        status = st.radio("Quyết định", ["da_duyet", "khong_duyet"], format_func=NOMINATION_STATUS.get,
                                          horizontal=True, key=f"{form_id}_status")
                        d1, d2 = st.columns(2)
                        decided_on = date_field("Ngày quyết định *", default_day(), container=d1, key=f"{form_id}_day")
                        decision_no = d2.text_input("Số quyết định", placeholder="VD: 245/QĐ-UBND", key=f"{form_id}_no")
                        note = st.text_input("Ghi chú (bắt buộc khi không duyệt: lý do)", key=f"{form_id}_note")
                        b1, b2 = st.columns(2)
                        save = b1.form_submit_button("Lưu quyết định", type="primary", icon=":material/gavel:")
                        drop = b2.form_submit_button("Rút đề nghị", icon=":material/undo:")
                    if not (save or drop):
                        edit.show_conflict()
                    else:
                        try:
                            if save:
                                commendation.decide(con, chosen, status, decided_on, actor=actor(), decision_no=decision_no,
                                                    note=note, expected_version=edit.version)
                            else:
                                commendation.withdraw(con, chosen, actor=actor(), expected_version=edit.version)
                        except VersionConflict:
                            edit.conflict()
                        except ValidationError as exc:
                            show_errors(exc)
                        else:
                            edit.saved()
                            st.session_state.pop("decide_open", None)  # decided or withdrawn: off the waiting list
                            flash(f"Đã lưu quyết định «{NOMINATION_STATUS[status]}» cho đề nghị số {chosen}." if save
                                  else f"Đã rút đề nghị số {chosen}.", "decide")
                            st.rerun()
                show_flash("decide")

with tab_self:
    assessed = read(commendation.self_assessments, year, commune)
    if village_id is not None:
        assessed = assessed[assessed["village_id"] == village_id]
    st.caption(f"Ngày UBND xã nhận bản tự đánh giá của từng tổ (hạn: trước {fmt_date(steps['deadline'].iloc[0])}) và "
               "điểm tổ tự chấm, đặt cạnh điểm do phần mềm tính.")
    table(
        assessed.assign(submitted=assessed["submitted_on"].map(fmt_date).replace("", "chưa nộp"),
                        own=assessed["self_score"].map(num),
                        computed=[num(v) + ("" if is_true(g) or is_missing(v) else " (tham khảo)")
                                  for v, g in zip(assessed["score"], assessed["graded"])],
                        note=assessed["note"].fillna("")),
        column_order=["village", "submitted", "own", "computed", "note"],
        column_config={
            "village": st.column_config.TextColumn("Thôn", width=150),
            "submitted": st.column_config.TextColumn("Ngày nộp", width=100),
            "own": st.column_config.TextColumn("Điểm tự chấm", width=100),
            "computed": st.column_config.TextColumn("Điểm tính từ số liệu", width=140,
                                                    help=f"«tham khảo»: {UNGRADED_LABEL.lower()}."),
            "note": st.column_config.TextColumn("Ghi chú", width="large"),
        },
        hide_index=True, width="stretch",
    )
    names = dict(zip(assessed["team_id"].tolist(), assessed["village"]))
    if names and may("commendation"):
        team_id = st.selectbox("Ghi nhận bản tự đánh giá của tổ", list(names), format_func=names.get, key="self_team")
        row = assessed[assessed["team_id"] == team_id].iloc[0]
        stored_id = None if pd.isna(row["id"]) else int(row["id"])
        edit = Editing(f"self_{year}_{team_id}", "self_assessments",
                       lambda: None if stored_id is None else fetch_row(con.cursor(), "self_assessments", stored_id))
        mine = edit.record
        form_id = edit.key
        with st.form(form_id, enter_to_submit=False):
            s1, s2 = st.columns(2)
            submitted_on = date_field("Ngày nhận *", mine.get("submitted_on"), container=s1, key=f"{form_id}_day")
            own = s2.number_input("Điểm tự chấm (không bắt buộc)", min_value=0.0, max_value=100.0, step=0.5, format="%g",
                                  value=None if mine.get("self_score") is None else float(mine["self_score"]),
                                  key=f"{form_id}_score")
            note = st.text_input("Ghi chú", value=mine.get("note") or "", key=f"{form_id}_note")
            submitted = st.form_submit_button("Lưu", type="primary", icon=":material/save:")
        if not submitted:
            edit.show_conflict()
        elif edit.version is None and stored_id is not None:
            edit.conflict()  # recorded by another user since this form opened empty: the write path would overwrite it
        else:
            try:
                commendation.save_self_assessment(
                    con, int(team_id), year, {"submitted_on": submitted_on, "self_score": own, "note": note},
                    actor=actor(), expected_version=edit.version)
            except VersionConflict:
                edit.conflict()
            except ValidationError as exc:
                show_errors(exc)
            else:
                edit.saved()
                flash(f"Đã ghi nhận bản tự đánh giá của tổ {names[team_id]}.", "self")
                st.rerun()
        show_flash("self")

with tab_export:
    approved = read(commendation.approved, year)
    st.caption(f"Các đề nghị đã được duyệt năm {year}, toàn xã, với thành tích lấy từ số liệu — để in cho hội nghị "
               "tổng kết tháng 12.")
    if approved.empty:
        st.info(f"Chưa có tập thể, cá nhân nào được duyệt khen thưởng năm {year}.")
    else:
        for subject, heading in (("team", "Tập thể"), ("mediator", "Cá nhân")):
            part = approved[approved["subject"] == subject]
            st.markdown(f"**{heading} ({len(part)})**")
            st.markdown("\n".join(
                f"{i}. **{md_text(r.achievement.split(': ', 1)[0])}**: {md_text(r.achievement_detail)}. — "
                f"*{AWARD_LEVELS[r.award_level]}*"
                for i, r in enumerate(part.itertuples(), start=1)) or "Không có.")
        commune = places.commune_title(con)
        e1, e2 = st.columns(2)
        with e1:
            download("Tải danh sách (Excel)", lambda: commendation.export_xlsx(con, year, commune),
                     file_name=f"khen-thuong-hoa-giai-{year}.xlsx", icon=":material/table_view:",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="export_xlsx")
        with e2:
            download("Tải danh sách (Word)", lambda: commendation.export_docx(con, year, commune),
                     file_name=f"khen-thuong-hoa-giai-{year}.docx", icon=":material/description:",
                     mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", key="export_docx")
