"""Vụ việc hòa giải: quick entry, the register list with filters and search, edit, soft delete."""
import datetime as dt

import streamlit as st

from db import cases, places
from db.core import audit
from db.tools import exporting
from db.teams import mediators
from db.cases import register
from db.core.labels import RESULTS
from db.core.writes import DuplicateSuspected, ValidationError, VersionConflict
from pages.common import (CHOOSE_COMMUNE, form_place, reader, place, ROW_HEIGHT, WRAP_ROW_HEIGHT, Editing, actor, connection, date_field, download, filters,
                          flash, fmt_date, go_to, may, md_text, presenting, sees_personal_data, show_errors, show_flash,
                          table, village_name)

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
category_table = register.categories(con)
category_labels = dict(zip(category_table["code"], category_table["label"]))
grounds_table = register.grounds(con)
grounds_labels = dict(zip(grounds_table["code"], grounds_table["label"]))
# A national statistics group (nhóm thống kê) by its set of local codes: a link from the overview asks for a
# group as the list of its local codes, and the "Đang lọc" line then names the group.
national_groups = {frozenset(group["code"]): label
                   for label, group in category_table.groupby("national_label", sort=False) if len(group) > 1}
PARTY_ROWS = 3  # rows of the party inputs on a new case

# The register's filters live in the URL too (STYLE.md, "Every view is a URL"), so a link — e.g. from a
# figure of the overview — opens exactly that list:
#   tim = search text; ket_qua = result codes at 31/12, comma-separated (ket_qua=thanh,khong_thanh);
#   loai = local category codes, comma-separated; thang_nhan / thang_ket_thuc = month 1–12 of the year
#   filter (received / concluded in it); antt=1 = only cases flagged phức tạp, gây mất ANTT;
#   moi_nam=1 = every year, not only the year filter's (a search of the whole register);
#   bo_sung=1 = only imported cases still without their concluded date (the «cần bổ sung» worklist).
# Anything invalid is dropped without a word. URL parameter → widget key:
URL_FILTERS = {"tim": "loc_tim", "ket_qua": "loc_ket_qua", "loai": "loc_loai", "thang_nhan": "loc_thang_nhan",
               "thang_ket_thuc": "loc_thang_ket_thuc", "antt": "loc_antt", "moi_nam": "loc_moi_nam",
               "bo_sung": "loc_bo_sung"}
APPLIED_URL = "_case_filters_url"  # the filter parameters as the widgets last wrote them to the URL
PAGE_ROWS = 50  # rows of the case list sent to the browser at a time (a page, like a register's page)
WHOLE_YEAR = 0  # the month selects' "Cả năm" option (a selectbox shows None as "nothing chosen")
MONTHS = [WHOLE_YEAR, *range(1, 13)]
SEARCH_MAX = 200  # characters of search text taken from a URL


def case_form(form_id: str, case: dict | None = None, edit: Editing | None = None) -> None:
    """The entry form for a new case (case None) or an existing one (edit: as it was opened); saves through
    db.cases."""
    case = case or {}
    team_ids = list(team_names)
    default_team = case.get("team_id") or next((t for t, v in team_village.items() if v == village_id), team_ids[0])
    if default_team not in team_names:  # an ended team's old case: still shown, under its own name
        team_names[default_team] = places.get_team(con, default_team)["name"]
        team_ids.append(default_team)
    team_id = st.selectbox("Thôn / tổ hòa giải", team_ids, index=team_ids.index(default_team),
                           format_func=team_names.get,
                           key=f"{form_id}_team")
    active = mediators.active_mediators(con, team_id)
    choices = dict(zip(active["id"], active["full_name"] + active["is_leader"].map({True: " (tổ trưởng)", False: ""})))
    for mid, name in mediators.mediator_names(con, case.get("mediator_ids", [])).items():
        choices.setdefault(mid, f"{name} (đã thôi)")
    parties = case.get("parties", [])

    with st.form(form_id, enter_to_submit=False, border=True):
        c1, c2, c3 = st.columns([1, 2, 2])
        received = date_field("Ngày nhận *", case.get("received_on", dt.date.today()), container=c1,
                              key=f"{form_id}_received")
        grounds = c2.selectbox("Căn cứ hòa giải (Điều 16) *", list(grounds_labels),
                               index=list(grounds_labels).index(case.get("grounds") or "yeu_cau"),
                               format_func=grounds_labels.get, key=f"{form_id}_grounds")
        category = c3.selectbox("Loại vụ việc *", list(category_labels),
                                index=list(category_labels).index(case.get("category") or "dat_dai"),
                                format_func=category_labels.get, key=f"{form_id}_category")
        summary = st.text_area("Nội dung chủ yếu của vụ việc *", value=case.get("summary") or "", height=80,
                               key=f"{form_id}_summary")
        st.markdown("**Các bên** (họ tên, tuổi, địa chỉ; ít nhất một bên)")
        party_inputs = []
        for i in range(max(PARTY_ROWS, len(parties) + 1)):  # every recorded party, plus one blank row
            old = parties[i] if i < len(parties) else {}
            p1, p2, p3 = st.columns([3, 1, 4])
            party_inputs.append({
                "full_name": p1.text_input(f"Họ tên bên {i + 1}", value=old.get("full_name") or "",
                                           key=f"{form_id}_name_{i}"),
                "age": p2.number_input(f"Tuổi bên {i + 1}", value=old.get("age"), step=1, format="%d",
                                     key=f"{form_id}_age_{i}"),
                "address": p3.text_input(f"Địa chỉ bên {i + 1}", value=old.get("address") or "",
                                         key=f"{form_id}_address_{i}"),
            })
        m1, m2 = st.columns([3, 1])
        # No «Select all» (one click assigned the whole team); the chosen names wrap instead of being cut.
        picked = m1.multiselect("Hòa giải viên được phân công", list(choices), default=case.get("mediator_ids", []),
                                format_func=choices.get, placeholder="Chọn hòa giải viên của tổ",
                                select_all=False, wrap=True, key=f"{form_id}_mediators")
        assigned = date_field("Ngày phân công", case.get("assigned_on"), container=m2, key=f"{form_id}_assigned",
                              help="Ngày tổ trưởng phân công hòa giải viên; hòa giải viên bắt đầu hòa giải chậm nhất 3 ngày "
                              "sau khi được phân công (Luật Hòa giải ở cơ sở, Điều 20 khoản 2).")
        r1, r2 = st.columns([3, 1])
        result = r1.selectbox("Kết quả *", list(RESULTS), index=list(RESULTS).index(case.get("result") or "dang_hoa_giai"),
                              format_func=RESULTS.get, key=f"{form_id}_result")
        concluded = date_field("Ngày kết thúc", case.get("concluded_on"), container=r2, key=f"{form_id}_concluded",
                               help="Bắt buộc khi đã có kết quả; để trống khi đang hòa giải.")
        if case.get("concluded_on_missing"):
            st.caption(":material/edit_calendar: Nhập từ sổ giấy không có ngày kết thúc: ghi ngày kết thúc khi biết "
                       "(để trống thì vụ việc vẫn tính là kết thúc trong năm nhận).")
        agreement = st.text_area("Thỏa thuận của các bên (hoặc yêu cầu của từng bên)",
                                 value=case.get("agreement") or "", height=68,
                                 key=f"{form_id}_agreement")
        f1, f2 = st.columns(2)
        f3, f4 = st.columns([1, 3])
        written = f1.checkbox("Có văn bản hòa giải thành", value=bool(case.get("written_record")),
                              key=f"{form_id}_written")
        incident = f2.checkbox("Vụ việc phức tạp, gây mất ANTT", value=bool(case.get("security_incident")),
                               key=f"{form_id}_incident")
        incident_on = date_field("Ngày xảy ra mất ANTT", case.get("incident_on"), container=f3,
                                 key=f"{form_id}_incident_on",
                                 help="Tính một lần, vào năm xảy ra; để trống thì lấy ngày nhận vụ việc. Chỉ nhập khi đã "
                                 "đánh dấu vụ việc phức tạp, gây mất ANTT.")
        note = f4.text_input("Ghi chú", value=case.get("note") or "", key=f"{form_id}_note")
        confirm = False
        if duplicates := st.session_state.get(f"{form_id}_dup"):
            st.warning("\n".join(duplicates), icon=":material/content_copy:")
            confirm = st.checkbox("Tôi đã kiểm tra: đây không phải vụ việc trùng, vẫn lưu.", key=f"{form_id}_confirm")
        submitted = st.form_submit_button("Lưu vụ việc", type="primary", icon=":material/save:",
                                          key=f"{form_id}_save")

    show_flash(form_id.rsplit("_", 1)[0] if case else "new_case")
    if not submitted:
        if edit:
            edit.show_conflict()
        return
    data = {
        "team_id": team_id, "received_on": received, "grounds": grounds, "category": category,
        "summary": summary, "parties": party_inputs, "mediator_ids": picked, "assigned_on": assigned,
        "result": result, "concluded_on": concluded, "agreement": agreement, "written_record": written,
        "security_incident": incident, "incident_on": incident_on, "note": note,
        # An imported case still without its concluded date keeps that state until a date is typed.
        "concluded_on_missing": bool(case.get("concluded_on_missing")),
    }
    try:
        saved_id = cases.save_case(con, data, actor=actor(), case_id=case.get("id"),
                                   expected_version=case.get("version"), confirm_duplicate=confirm)
    except DuplicateSuspected as exc:
        # Show the warning and the confirmation box inside the form; what was typed stays (stable keys).
        st.session_state[f"{form_id}_dup"] = [*exc.messages, "Nếu không phải trùng, đánh dấu ô xác nhận rồi bấm Lưu lần nữa."]
        st.rerun()
    except VersionConflict as exc:
        if edit is None:
            show_errors(exc)
        else:  # another user saved this case first: what was typed stays, what changed is shown
            edit.conflict()
        return
    except ValidationError as exc:
        show_errors(exc)
        return
    st.session_state.pop(f"{form_id}_dup", None)
    if edit:
        edit.saved()
    received = cases.get_case(con, saved_id)["received_on"]  # the saved date, exactly as typed
    new_village = places.get_team(con, team_id)["village_id"]
    moved = received.year != year or (village_id is not None and village_id != new_village)
    flash(f"Đã lưu vụ việc số {saved_id} (nhận ngày {fmt_date(received)}, {team_names[team_id]})."
          + (f" Bộ lọc đã chuyển sang năm {received.year} để thấy vụ việc này." if moved else ""),
          f"edit_case_{saved_id}" if case else "new_case")
    st.session_state["open_case"] = saved_id if case else None
    if moved:
        go_to(received.year, None if village_id is None else new_village)
    st.session_state["form_generation"] = st.session_state.get("form_generation", 0) + 1
    st.rerun()


st.title("Vụ việc hòa giải")
st.caption(f"Sổ theo dõi hoạt động hòa giải ở cơ sở · năm {year} · {village_name(con, village_id)}")
show_flash()

def _codes(raw: str | None, allowed) -> list[str]:
    """Comma-separated codes from the URL, unknown ones and repeats dropped, in the URL's order."""
    picked = (code.strip() for code in (raw or "").split(","))
    return list(dict.fromkeys(code for code in picked if code in allowed))


def _month(raw: str | None) -> int:
    try:
        month = int(raw or "")
    except ValueError:
        return WHOLE_YEAR
    return month if month in MONTHS else WHOLE_YEAR


def _filters_from_url() -> dict:
    """Each filter widget's value as the URL gives it (widget key → value); invalid parts give no filter."""
    url = st.query_params
    return {
        "loc_tim": (url.get("tim") or "").strip()[:SEARCH_MAX],
        "loc_ket_qua": _codes(url.get("ket_qua"), RESULTS),
        "loc_loai": _codes(url.get("loai"), category_labels),
        "loc_thang_nhan": _month(url.get("thang_nhan")),
        "loc_thang_ket_thuc": _month(url.get("thang_ket_thuc")),
        "loc_antt": url.get("antt") == "1",
        "loc_moi_nam": url.get("moi_nam") == "1",
        "loc_bo_sung": url.get("bo_sung") == "1",
    }


def _url_filters_now() -> str:
    """The filter parameters the URL holds now, as one comparable string."""
    return "&".join(f"{name}={value}" for name in URL_FILTERS for value in st.query_params.get_all(name))


def _sync_url() -> None:
    """Write the widgets' values to the URL (no parameter for an empty filter) and remember what was written."""
    state = st.session_state
    wanted = {
        "tim": state["loc_tim"].strip(),
        "ket_qua": ",".join(state["loc_ket_qua"]),
        "loai": ",".join(state["loc_loai"]),
        "thang_nhan": str(state["loc_thang_nhan"] or ""),
        "thang_ket_thuc": str(state["loc_thang_ket_thuc"] or ""),
        "antt": "1" if state["loc_antt"] else "",
        "moi_nam": "1" if state["loc_moi_nam"] else "",
        "bo_sung": "1" if state["loc_bo_sung"] else "",
    }
    for name, value in wanted.items():
        if not value:
            st.query_params.pop(name, None)
        elif st.query_params.get_all(name) != [value]:
            st.query_params[name] = value
    state[APPLIED_URL] = _url_filters_now()


def _applied_filters(months_of: int) -> str:
    """The "Đang lọc: …" line naming every active filter, or "" when none is."""
    state = st.session_state
    parts = []
    if search := state["loc_tim"].strip():
        parts.append(f"Tìm: «{md_text(search)}»" + (" trong tất cả các năm" if state["loc_moi_nam"] else ""))
    if state["loc_ket_qua"]:
        parts.append("Kết quả: " + ", ".join(RESULTS[code] for code in state["loc_ket_qua"]))
    if picked := state["loc_loai"]:
        group = national_groups.get(frozenset(picked))
        parts.append(f"Loại vụ việc: nhóm «{group}»" if group
                     else "Loại vụ việc: " + ", ".join(category_labels[code] for code in picked))
    if month := state["loc_thang_nhan"]:
        parts.append(f"Tháng nhận: {month}/{months_of}")
    if month := state["loc_thang_ket_thuc"]:
        parts.append(f"Tháng kết thúc: {month}/{months_of}")
    if state["loc_antt"]:
        parts.append("Chỉ vụ việc phức tạp, gây mất ANTT")
    if state["loc_bo_sung"]:
        parts.append("Chỉ vụ việc cần bổ sung ngày kết thúc")
    return "Đang lọc: " + " · ".join(parts) if parts else ""


def case_list(mask: bool):
    """The filtered register with counts and the CSV; returns (listing, table selection)."""
    # The URL sets the filters on a fresh visit (the widget keys are dropped when another page is shown) and
    # whenever it no longer holds what the widgets last wrote: a link into this page with other filters.
    if (any(key not in st.session_state for key in URL_FILTERS.values())
            or _url_filters_now() != st.session_state.get(APPLIED_URL)):
        st.session_state.update(_filters_from_url())
    # Two rows, so the chips of the multiselects and the sort order are not cut on a 1366-pixel screen.
    f1, f2, f3 = st.columns(3)
    search = f1.text_input("Tìm kiếm", key="loc_tim",
                           placeholder=("Số vụ việc, thôn, hòa giải viên, loại vụ việc (không cần gõ dấu)" if mask else
                                        "Tên các bên, nội dung, địa chỉ… (không cần gõ dấu)"))
    picked_results = f2.multiselect("Kết quả (tính đến 31/12)", list(RESULTS), format_func=RESULTS.get,
                                    placeholder="Tất cả", select_all=False, key="loc_ket_qua")
    picked_categories = f3.multiselect("Loại vụ việc", list(category_labels), format_func=category_labels.get,
                                       placeholder="Tất cả", select_all=False, key="loc_loai")
    m1, m2, m3, m4 = st.columns([1.5, 1.5, 3, 3], vertical_alignment="bottom")
    every_year = st.session_state["loc_moi_nam"]
    received_month = m1.selectbox(
        "Tháng nhận", MONTHS, format_func=lambda m: f"Tháng {m}" if m else "Cả năm", key="loc_thang_nhan",
        disabled=every_year,
        help=f"Vụ việc nhận trong tháng này của năm {year} (không gồm vụ việc kỳ trước chuyển sang).")
    concluded_month = m2.selectbox(
        "Tháng kết thúc", MONTHS, format_func=lambda m: f"Tháng {m}" if m else "Cả năm", key="loc_thang_ket_thuc",
        disabled=every_year,
        help=f"Vụ việc đã kết thúc (thành, không thành hoặc ngoài phạm vi) trong tháng này của năm {year}.")
    with m3:
        every_year = st.checkbox("Tìm trong tất cả các năm", key="loc_moi_nam",
                                 help=f"Mọi vụ việc của sổ, không chỉ năm {year}; kết quả là kết quả hiện nay.")
        incident_only = st.checkbox("Chỉ vụ việc phức tạp, gây mất ANTT", key="loc_antt")
        missing = register.missing_concluded_count(con, village_id)
        to_complete = st.checkbox(f"Chỉ vụ việc cần bổ sung ngày kết thúc ({missing})", key="loc_bo_sung",
                                  disabled=not missing and not st.session_state["loc_bo_sung"],
                                  help="Vụ việc nhập từ sổ giấy đã kết thúc nhưng sổ không ghi ngày kết thúc: mở từng "
                                       "vụ việc và ghi ngày khi biết.")
    sort = m4.selectbox("Sắp xếp", list(register.SORTS))
    _sync_url()
    listing = read(register.list_cases, year=None if every_year else year, village_id=where,
                                  results=picked_results, categories=picked_categories, search=search,
                                  received_month=None if every_year else received_month or None,
                                  concluded_month=None if every_year else concluded_month or None,
                                  security_incident=True if incident_only else None,
                                  missing_concluded=True if to_complete else None, sort=sort, mask=mask)
    if applied := _applied_filters(year):
        st.caption(applied)
    counts = listing["result_in_year"].value_counts()
    st.markdown(
        f"**{len(listing)} vụ việc** · " + " · ".join(f"{RESULTS[r]}: {counts.get(r, 0)}" for r in RESULTS)
        + (f" · trong đó {int(listing['carried_over'].sum())} vụ việc kỳ trước chuyển sang"
           if listing["carried_over"].any() else ""),
        help=("Tất cả các năm: kết quả hiện nay của từng vụ việc." if every_year else
              f"Kết quả tính đến 31/12/{year}, như trong báo cáo năm. Vụ việc kết thúc sau ngày đó "
              "được tính là đang hòa giải trong năm này."),
    )
    shown = _page_of(listing)
    view = shown.assign(
        received=[f"{fmt_date(day)} (kỳ trước)" if carried else fmt_date(day)
                  for day, carried in zip(shown["received_on"], shown["carried_over"])],
        concluded=shown["concluded_on"].map(fmt_date),
        result_label=[RESULTS[now] if now == then else f"{RESULTS[now]} (31/12/{year}: {RESULTS[then].lower()})"
                      for now, then in zip(shown["result"], shown["result_in_year"])],
        incident=shown["security_incident"].map({True: "Có", False: ""}),
    )
    if listing.empty:
        st.info("Không có vụ việc nào khớp bộ lọc.", icon=":material/search_off:")
    selection = table(
        view,
        # No free text on the meeting screen: officers write the parties' names into the summary.
        column_order=["id", "received", "village", "parties", "result_label", "concluded", "category",
                      *([] if mask else ["summary"]), "mediators", "incident"],
        column_config={
            "id": st.column_config.NumberColumn("Số", width=50, format="%d"),
            "received": st.column_config.TextColumn("Ngày nhận", width=150,
                                                    help="«kỳ trước»: vụ việc năm trước chuyển sang"),
            "village": st.column_config.TextColumn("Thôn", width=130),
            "parties": st.column_config.TextColumn("Các bên", width=150 if mask else 230),  # initials are short
            "result_label": st.column_config.TextColumn("Kết quả", width=170),
            "concluded": st.column_config.TextColumn("Ngày kết thúc", width=110),
            "category": st.column_config.TextColumn("Loại vụ việc", width=190),
            "summary": st.column_config.TextColumn("Nội dung", width=360),
            "mediators": st.column_config.TextColumn("Hòa giải viên", width=220),
            "incident": st.column_config.TextColumn("Mất ANTT", width=80),
        },
        max_rows=12, row_height=WRAP_ROW_HEIGHT if mask else ROW_HEIGHT,  # the meeting screen wraps long cells
        # A selection is a row position: keyed by the rows shown, it is dropped when a filter changes the list,
        # so it can never open another case (or point past the end of a shorter list).
        **({} if mask else {"on_select": "rerun", "selection_mode": "single-row",
                            "key": f"case_table_{hash(tuple(shown['id'].tolist())) & 0xFFFFFFFF:x}"}),
    )
    stem = f"so-theo-doi-hoa-giai-{'tat-ca-cac-nam' if every_year else year}"
    export_year = None if every_year else year  # the export's «Kết quả» is the list's (at 31/12 of the year)
    title = (f"Sổ theo dõi hoạt động hòa giải ở cơ sở — {'tất cả các năm' if every_year else f'năm {year}'} — "
             f"{village_name(con, village_id)}" + (" — theo bộ lọc đang xem" if _applied_filters(year) else ""))
    exported = lambda: register.export_frame(listing, export_year)  # noqa: E731 — built only when downloaded
    d1, d2 = st.columns(2)
    with d1:
        download("Tải danh sách (Excel)", lambda: exporting.frame_workbook(exported(), "Sổ theo dõi", title),
                 file_name=f"{stem}.xlsx", icon=":material/table_view:",
                 mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with d2:
        download("Tải danh sách (CSV)", lambda: exported().to_csv(index=False).encode("utf-8-sig"),
                 file_name=f"{stem}.csv", mime="text/csv", icon=":material/download:")
    return listing, shown, selection


def _page_of(listing):
    """One page of the list (PAGE_ROWS rows): only that page goes to the browser, however long the list (a province's
    year holds thousands of cases). The page number starts again at 1 when the filters change the list."""
    pages = max(1, -(-len(listing) // PAGE_ROWS))
    if pages == 1:
        return listing
    key = f"case_page_{hash(tuple(listing['id'].tolist())) & 0xFFFFFFFF:x}"
    left, _ = st.columns([1, 3])
    number = left.number_input(f"Trang (trên {pages}, mỗi trang {PAGE_ROWS} vụ việc)", min_value=1, max_value=pages,
                               value=1, step=1, key=key)
    return listing.iloc[(number - 1) * PAGE_ROWS:number * PAGE_ROWS]


def case_editor(listing, shown, selection) -> None:
    """Open one case of the list (row click or picker) to edit, close or delete it. The picker lists the page shown
    (and the case already open), never every case of the year."""
    ids = shown["id"].tolist()
    rows = selection.selection.rows if selection else []
    if rows and rows[0] < len(ids):
        st.session_state["open_case"] = ids[rows[0]]
    current = st.session_state.get("open_case")
    if current is not None and current not in ids and current in set(listing["id"].tolist()):
        ids = [current, *ids]
    picked = listing[listing["id"].isin(ids)]
    labels = {row.id: f"{fmt_date(row.received_on)} · {row.parties or ''}" for row in picked.itertuples()}
    open_id = st.selectbox("Mở vụ việc để sửa hoặc kết thúc", [None, *ids],
                           index=([None, *ids].index(current) if current in ids else 0),
                           format_func=lambda i: "— Chọn vụ việc —" if i is None else f"Số {i} · {labels[i]}")
    st.session_state["open_case"] = open_id
    show_flash("case_editor")
    if open_id is None:
        return
    edit = Editing(f"edit_case_{open_id}", "cases", lambda: cases.get_case(con, open_id))
    case = edit.record
    st.subheader(f"Vụ việc số {open_id}")
    st.caption(f"Phiên bản {case['version']} · cập nhật lần cuối {case['updated_at']:%d/%m/%Y %H:%M}")
    case_form(edit.key, case, edit)
    if st.button("Xóa vụ việc này", icon=":material/delete:", key=f"delete_{open_id}"):
        try:
            cases.delete_case(con, open_id, actor=actor(), expected_version=case["version"])
        except ValidationError as exc:
            show_errors(exc)
        else:
            flash(f"Đã xóa vụ việc số {open_id}. Có thể khôi phục ở thẻ «Vụ việc đã xóa».", "case_editor")
            st.session_state["open_case"] = None
            st.rerun()
    history_expander("cases", open_id)


def history_expander(table: str, row_id: int) -> None:
    """«Lịch sử thay đổi» of one record, newest first, each change field by field (db/core/audit.py)."""
    def text(value: str) -> str:
        return md_text(" ".join(value.split())) if value.strip() else "*(trống)*"
    with st.expander("Lịch sử thay đổi", icon=":material/history:"):
        history = audit.record_history(con, table, row_id, limit=20)
        for entry in history.entries:
            st.markdown(f"**{entry.when}** · {md_text(entry.actor)} · {entry.action_label}")
            if entry.changes:
                st.markdown("\n".join(f"- {md_text(c.label)}: {text(c.old)} → {text(c.new)}" for c in entry.changes))
        if history.total > len(history.entries):
            st.caption(f"Đang hiện {len(history.entries)}/{history.total} mục gần nhất; xem đủ ở Cài đặt → "
                       f"Nhật ký thay đổi (bảng Vụ việc, số {row_id}).")


if not may("cases", village_id):  # read-only: the meeting screen, leadership, a tổ trưởng not allowed to enter
    masked = not sees_personal_data(village_id)
    st.caption(("Chế độ trình chiếu: chỉ xem" if presenting() else "Chỉ xem") + (
        "; tên các bên viết tắt, không hiện tuổi, địa chỉ và nội dung vụ việc." if masked else "."))
    case_list(mask=masked)
    st.stop()

if entry is not None and not team_names:  # an empty database (python -m db init --empty): cases need a village's team first
    st.info("Chưa có tổ hòa giải nào nên chưa nhập được vụ việc. Cần có danh sách thôn và tổ hòa giải của xã "
            "trước.", icon=":material/info:")
    st.stop()

# Keyed tabs: after a save the page stays on the tab the user was working in.
tab_list, tab_new, tab_deleted = st.tabs(["Danh sách vụ việc", "Nhập vụ việc mới", "Vụ việc đã xóa"],
                                         key="case_tab", on_change="rerun")

with tab_new:
    st.caption("Các ô có dấu * là bắt buộc. Dùng phím Tab để chuyển ô; ngày nhập theo dạng dd/mm/yyyy.")
    if entry is None:
        st.info(CHOOSE_COMMUNE, icon=":material/info:")
    else:
        case_form(f"new_case_{st.session_state.get('form_generation', 0)}")

with tab_list:
    case_editor(*case_list(mask=False))

with tab_deleted:
    deleted = read(register.list_cases, year=year, village_id=where, deleted=True)
    show_flash("deleted")
    if deleted.empty:
        st.info(f"Không có vụ việc nào bị xóa trong năm {year}.")
    for row in deleted.itertuples():
        c1, c2 = st.columns([5, 1])
        c1.markdown(f"**Số {row.id}** · {fmt_date(row.received_on)} · {md_text(row.village)} · "
                    f"{md_text(row.parties)} — {md_text(row.summary)}")
        if c2.button("Khôi phục", key=f"restore_{row.id}", icon=":material/restore_from_trash:"):
            try:
                cases.restore_case(con, row.id, actor=actor(), expected_version=row.version)
            except ValidationError as exc:
                show_errors(exc)
            else:
                flash(f"Đã khôi phục vụ việc số {row.id}.", "deleted")
                st.rerun()
