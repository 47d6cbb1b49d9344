"""Issue 13: who may see and change what (roles in the navigation and again in the write path), the sign-in
(lockout, idle timeout, the browser's session token, the CLI), the period lock, stale edits kept and explained,
one-per-X rules under concurrent submits.

Real DuckDB files throughout (the demo commune with its four accounts, conftest.ACCOUNTS); several AppTest sessions
on one file stand for several browsers.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import pytest

from conftest import (ACTOR, a_case, a_pdf, app_connection, edit_key, new_app, open_page, page_bytes, session_of,
                      team_id)
from db import cases, funding, places, plan, trainings, users
from db.scores import commendation
from db.criteria import evidence
from db.core import locks
from db.tools.importing import Options, read_file, run_import
from db.core.writes import ValidationError


# --- 5. stale edits are never dropped silently -------------------------------------------------------------------

def open_case_form(at, case_id: int):
    at = open_page(at, "pages/cases.py", nam=2023)
    opener = next(w for w in at.selectbox if w.label == "Mở vụ việc để sửa hoặc kết thúc")
    return opener.set_value(case_id).run()


def test_a_stale_edit_keeps_what_was_typed_shows_what_changed_and_can_overwrite(app):
    """Two officers open one case; the second saves first. The first one's save is refused with «Hồ sơ vừa được
    người khác sửa…», their text stays in the form, the other's change is listed field by field; «Giữ nội dung của
    tôi» then «Lưu» writes theirs over it — nothing is lost without a word."""
    con = app_connection()
    case_id, version = con.execute("SELECT id, version FROM cases WHERE year(received_on) = 2023 "
                                   "AND result = 'dang_hoa_giai' ORDER BY id LIMIT 1").fetchone()
    first = open_case_form(app, case_id)
    second = open_case_form(new_app(), case_id)

    theirs = edit_key(second, f"edit_case_{case_id}")
    second.text_area(key=f"{theirs}_summary").input("Tranh chấp ranh giới đất vườn (người thứ hai sửa)")
    second = second.button(key=f"{theirs}_save").click().run()
    assert any(f"Đã lưu vụ việc số {case_id}" in s.value for s in second.success)

    mine = edit_key(first, f"edit_case_{case_id}")
    first.text_input(key=f"{mine}_note").input("Ghi chú của người thứ nhất")
    first = first.button(key=f"{mine}_save").click().run()
    assert not first.exception
    assert any(w.value.startswith("Hồ sơ vừa được người khác sửa") for w in first.warning), [e.value for e in first.error]
    assert first.text_input(key=f"{mine}_note").value == "Ghi chú của người thứ nhất"  # what was typed stays
    changed = first.dataframe[-1].value
    row = changed[changed["Mục"] == "Nội dung"].iloc[0]
    assert row["Bây giờ"] == "Tranh chấp ranh giới đất vườn (người thứ hai sửa)"
    assert con.execute("SELECT note, version FROM cases WHERE id = ?", [case_id]).fetchone()[1] == version + 1

    # The notice stays on the next run (e.g. after another click) until the user chooses.
    first = first.run()
    assert any(w.value.startswith("Hồ sơ vừa được người khác sửa") for w in first.warning)
    first = next(b for b in first.button if b.label.startswith("Giữ nội dung của tôi")).click().run()
    assert first.text_input(key=f"{mine}_note").value == "Ghi chú của người thứ nhất"
    first = first.button(key=f"{mine}_save").click().run()
    assert any(f"Đã lưu vụ việc số {case_id}" in s.value for s in first.success), [e.value for e in first.error]
    note, summary, saved = con.execute("SELECT note, summary, version FROM cases WHERE id = ?", [case_id]).fetchone()
    assert (note, saved) == ("Ghi chú của người thứ nhất", version + 2)
    assert summary != "Tranh chấp ranh giới đất vườn (người thứ hai sửa)"  # overwritten, as the user chose
    actors = [r[0] for r in con.execute("SELECT actor FROM audit_log WHERE table_name = 'cases' AND row_id = ? "
                                        "AND action = 'update' ORDER BY id", [case_id]).fetchall()]
    assert actors[-2:] == ["tuphap", "tuphap"]


def test_load_the_new_version_drops_the_typing_and_shows_the_saved_record(app):
    con = app_connection()
    case_id = con.execute("SELECT id FROM cases WHERE year(received_on) = 2023 AND result = 'dang_hoa_giai' "
                          "ORDER BY id DESC LIMIT 1").fetchone()[0]
    first = open_case_form(app, case_id)
    second = open_case_form(new_app(), case_id)
    theirs = edit_key(second, f"edit_case_{case_id}")
    second.text_input(key=f"{theirs}_note").input("Sửa bởi phiên thứ hai")
    second.button(key=f"{theirs}_save").click().run()

    mine = edit_key(first, f"edit_case_{case_id}")
    first.text_input(key=f"{mine}_note").input("Sửa bởi phiên thứ nhất")
    first = first.button(key=f"{mine}_save").click().run()
    first = next(b for b in first.button if b.label.startswith("Tải bản mới")).click().run()
    fresh = edit_key(first, f"edit_case_{case_id}")
    assert fresh != mine
    assert first.text_input(key=f"{fresh}_note").value == "Sửa bởi phiên thứ hai"
    assert not [w for w in first.warning if w.value.startswith("Hồ sơ vừa được người khác sửa")]


def test_a_form_reopened_later_shows_the_record_as_it_is_now(app):
    """The snapshot lives only while its form is on screen: go to another page and back, and another user's save is
    there (no conflict for a form the user had left)."""
    con = app_connection()
    case_id = con.execute("SELECT max(id) FROM cases WHERE year(received_on) = 2023 AND deleted_at IS NULL").fetchone()[0]
    first = open_case_form(app, case_id)
    before = edit_key(first, f"edit_case_{case_id}")
    con.execute("UPDATE cases SET note = 'Sửa ở nơi khác', version = version + 1 WHERE id = ?", [case_id])
    first.switch_page("pages/overview.py").run()
    first = first.switch_page("pages/cases.py").run()
    assert first.session_state["open_case"] == case_id
    now = edit_key(first, f"edit_case_{case_id}")
    assert now != before and first.text_input(key=f"{now}_note").value == "Sửa ở nơi khác"


# --- 1. roles: the navigation, and again the write path -------------------------------------------------------

ALL_PAGES = {"overview", "cases", "plan", "teams", "mediators", "trainings", "funding", "criteria", "evidence",
             "quality", "commendation", "setup", "importing", "locks", "rates", "score_settings", "audit", "users",
             "backups"}
COMMUNE_VIEW = {"overview", "cases", "plan", "teams", "mediators", "trainings", "funding", "criteria", "evidence",
                "quality", "commendation"}
PAGES_OF = {
    "tuphap": ALL_PAGES,  # the officer, also the administrator of the demo file
    "lanhdao": COMMUNE_VIEW | {"locks"},
    "totruong": {"overview", "cases", "teams", "mediators", "trainings", "quality"},
    "trinhchieu": COMMUNE_VIEW,
}


def navigation(at) -> set[str]:
    """The pages st.navigation received on the last run (their files; a page of another role is only a stand-in
    that says so, without a file)."""
    return {Path(info["script_path"]).stem for info in at._registered_pages.values() if info.get("script_path")}


@pytest.mark.parametrize("login", sorted(PAGES_OF))
def test_each_role_gets_its_pages_and_each_runs_cleanly(app, login):
    at = new_app(login).run()
    assert navigation(at) == PAGES_OF[login]
    for page in sorted(PAGES_OF[login]):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (login, page, [e.value for e in at.exception])
        assert not [e.value for e in at.error if "ngoài dự kiến" in e.value], (login, page)
    for page in sorted(ALL_PAGES - PAGES_OF[login]):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{page}.py")


def as_user(con, login: str) -> users.User:
    return users.current(con, session_of(con, login))


def writes(con) -> dict[str, Callable]:
    """One real write per permission, as each page makes it (valid data: only the role decides)."""
    own, other = team_id(con, "Thôn Đông Hòa"), team_id(con, "Thôn An Lạc")
    pending_payment = con.execute("SELECT id, version FROM payments WHERE status = 'de_nghi' LIMIT 1").fetchone()
    pending_nomination = con.execute("SELECT id, version FROM nominations WHERE status = 'de_nghi' LIMIT 1").fetchone()
    commune = con.execute("SELECT id FROM communes").fetchone()[0]

    locks.lock_year(con, 2021, "Đã gửi báo cáo năm 2021", actor=ACTOR)  # for «unlock»
    register = ("STT,Ngày nhận,Tên các bên,Nội dung,Kết quả\n"
                "1,05/03/2024,Trịnh Văn Phúc,Tranh chấp lối đi,Đang hòa giải\n").encode()  # a one-row register

    return {
        "cases of their village": lambda u: cases.save_case(con, a_case(own), actor=u),
        "cases of another village": lambda u: cases.save_case(con, a_case(other), actor=u),
        "organisation": lambda u: trainings.save_training(
            con, {"held_on": dt.date(2023, 1, 3), "title": f"Tập huấn của {u}", "status": "da_to_chuc"}, actor=u),
        "funding": lambda u: funding.save_budget(con, 2025, {"amount": 5_000_000, "document_no": "5/NQ-HĐND",
                                                             "document_date": "20/12/2024"}, actor=u),
        "funding.approve": lambda u: funding.set_status(con, pending_payment[0], "da_duyet", dt.date(2023, 12, 30),
                                                        actor=u, expected_version=pending_payment[1]),
        "commendation": lambda u: commendation.save_self_assessment(con, own, 2023, {"submitted_on": "05/12/2023"},
                                                                    actor=u),
        "commendation.decide": lambda u: commendation.decide(con, pending_nomination[0], "da_duyet",
                                                             dt.date(2023, 12, 30), decision_no="9/QĐ-UBND", actor=u,
                                                             expected_version=pending_nomination[1]),
        "plan": lambda u: plan.save_plan(con, 2025, {"title": "Kế hoạch 2025"}, actor=u),
        "evidence": lambda u: evidence.add_document(con, {"year": 2023, "kind": "bao_cao_ubnd_xa", "doc_no": str(u)},
                                                    a_pdf(str(u)), "bc.pdf", actor=u),
        "settings": lambda u: users.save_setting(con, "session_minutes", "45", actor=u),
        "setup": lambda u: places.add_village(con, {"commune_id": commune, "name": f"Thôn Mới {u}", "kind": "thon"},
                                              None, actor=u),
        "lock": lambda u: locks.lock_year(con, 2022, "Đã gửi báo cáo năm 2022", actor=u),
        "unlock": lambda u: locks.unlock_year(con, 2021, "Sửa theo yêu cầu của Phòng Tư pháp", actor=u),
        "users": lambda u: users.add_user(con, {"login": f"moi.{u}", "role": "lanh_dao"}, "matkhau123", actor=u),
        "import": lambda u: run_import(con, (book := read_file(register, "so.csv", "cases", con)), "cases",
                                       {s.name: s.mapping for s in book.sheets}, Options(team_id=own), actor=u,
                                       dry_run=False),
    }


EVERY_WRITE = {"cases of their village", "cases of another village", "organisation", "funding", "funding.approve",
               "commendation", "commendation.decide", "plan", "evidence", "settings", "setup", "lock", "unlock", "users",
               "import"}
ALLOWED = {
    "tuphap": EVERY_WRITE,  # the officer, administrator of the demo file
    "lanhdao": {"funding.approve", "commendation.decide", "unlock"},
    "totruong": set(),  # until the commune lets tổ trưởng enter their team's cases (next test)
    "trinhchieu": set(),
}


@pytest.mark.parametrize("login", sorted(ALLOWED))
def test_the_write_path_refuses_what_a_role_may_not_do_whatever_the_page_showed(demo_db, login):
    """Every write function called directly with the signed-in user: refused in Vietnamese (nothing written, no
    audit row) unless the role may make it."""
    con = demo_db
    user = as_user(con, login)
    for name, write in writes(con).items():
        before = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        if name in ALLOWED[login]:
            write(user)
            assert con.execute("SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0] == login
        else:
            with pytest.raises(ValidationError, match=f"Tài khoản «{login}» .* không được làm việc này"):
                write(user)
            assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before, name


def test_a_village_head_enters_cases_of_their_own_team_only_when_the_commune_allows(demo_db):
    con = demo_db
    head = as_user(con, "totruong")
    own, other = team_id(con, "Thôn Đông Hòa"), team_id(con, "Thôn An Lạc")
    with pytest.raises(ValidationError, match="không được làm việc này"):
        cases.save_case(con, a_case(own), actor=head)
    users.save_setting(con, "to_truong_nhap_vu_viec", "co", actor=as_user(con, "tuphap"))
    case_id = cases.save_case(con, a_case(own), actor=head)
    with pytest.raises(ValidationError, match="không được làm việc này của thôn khác"):
        cases.save_case(con, a_case(other), actor=head)
    with pytest.raises(ValidationError, match="của thôn khác"):  # nor move their case to another village
        cases.save_case(con, a_case(other), actor=head, case_id=case_id)
    assert con.execute("SELECT team_id FROM cases WHERE id = ?", [case_id]).fetchone()[0] == own
    with pytest.raises(ValidationError, match="không được làm việc này"):  # and nothing else of the commune
        users.save_setting(con, "to_truong_nhap_vu_viec", "khong", actor=head)


# --- 2. personal data only where needed ------------------------------------------------------------------------

def personal_data(con) -> list[bytes]:
    """What may not reach a browser outside the officer's role: every party's name and address, every mediator's
    phone number (as stored)."""
    rows = con.execute("SELECT full_name FROM case_parties UNION SELECT address FROM case_parties "
                       "WHERE length(address) > 12 UNION SELECT phone FROM mediators WHERE phone IS NOT NULL").fetchall()
    return [r[0].encode() for r in rows if r[0]]


@pytest.mark.parametrize("login", ["lanhdao", "totruong", "trinhchieu"])
def test_no_party_name_address_or_phone_is_sent_to_a_role_that_may_not_see_them(app, login):
    """Not hidden in the browser: absent from everything the page sends (hidden columns, help texts, table data),
    on every page of the role — for the officer, the same pages do carry them (the check can fail)."""
    con = app_connection()
    secrets = personal_data(con)
    assert len(secrets) > 100
    officer = new_app("tuphap").run()
    seen = b""
    for page in ("cases", "mediators"):
        officer.switch_page(f"pages/{page}.py").run()
        seen += page_bytes(officer)
    assert sum(s in seen for s in secrets) > 40  # the officer's pages show them
    at = new_app(login)
    at.query_params["nam"] = "2023"
    at.run()
    for page in sorted(PAGES_OF[login]):
        at.switch_page(f"pages/{page}.py").run()
        sent = page_bytes(at)
        leaked = [s.decode() for s in secrets if s in sent]
        assert not leaked, (login, page, leaked[:5])


def test_search_by_a_party_name_is_not_offered_to_leadership(app):
    con = app_connection()
    name, case_id = con.execute("SELECT p.full_name, c.id FROM case_parties p JOIN cases c ON c.id = p.case_id "
                                "WHERE year(c.received_on) = 2023 LIMIT 1").fetchone()
    officer = open_page(new_app("tuphap"), "pages/cases.py", nam=2023, tim=name)
    assert officer.markdown[0].value.startswith("**1 vụ việc**") or f"Số {case_id}" in str(page_bytes(officer))
    leader = open_page(new_app("lanhdao"), "pages/cases.py", nam=2023, tim=name)
    field = next(w for w in leader.text_input if w.label == "Tìm kiếm")
    assert "Tên các bên" not in (field.placeholder or "")
    assert next(m.value for m in leader.markdown if "vụ việc**" in m.value).startswith("**0 vụ việc**")


# --- 9. user text is shown as typed, never as Markdown, LaTeX, colour or a link --------------------------------

PAYLOAD = "**Đậm** :red[Đỏ] $x^2$ [Bấm](http://x.vn) <b>in</b> ~~gạch~~"
FORMATTED = ["**Đậm**", ":red[Đỏ]", "$x^2$", "[Bấm](", "<b>in", "~~gạch~~"]  # what would format if sent unescaped


def rendered_texts(at) -> list[str]:
    """Every string the browser renders as Markdown: element bodies (markdown, captions, titles, alerts), labels and
    help texts of widgets, expanders, tabs and metrics, and radio options."""
    found, todo = [], [at._tree]
    while todo:
        node = todo.pop()
        if getattr(node, "proto", None) is not None:
            messages = [node.proto]
            while messages:
                message = messages.pop()
                for field, value in message.ListFields():
                    if field.message_type is not None:
                        messages.extend(value if field.is_repeated else [value])
                    elif field.name in ("body", "label", "help") and isinstance(value, str):
                        found.append(value)
                    elif field.name == "options" and message.DESCRIPTOR.name == "Radio":
                        found.extend(value)
        children = getattr(node, "children", None) or {}
        todo.extend(children.values() if isinstance(children, dict) else children)
    return found


def test_typed_markdown_html_and_latex_are_shown_verbatim_on_every_page(app):
    """The hostile text in the names and notes people type (commune, village, team, mediator, case, training,
    payment, budget, nomination, plan, evidence): on every page of the officer and of leadership, wherever it is
    rendered it is escaped — and it is rendered (the check can fail)."""
    con = app_connection()
    for sql in ["UPDATE communes SET name = name || ' ' || $p", "UPDATE villages SET name = name || ' ' || $p",
                "UPDATE teams SET name = name || ' ' || $p", "UPDATE mediators SET full_name = full_name || ' ' || $p",
                "UPDATE cases SET summary = $p, note = $p, agreement = $p", "UPDATE trainings SET title = $p",
                "UPDATE payments SET note = $p, reduction_reason = $p, cancel_reason = $p",
                "UPDATE budgets SET note = $p, document_no = $p", "UPDATE nominations SET reason = $p, decision_note = $p",
                "UPDATE plans SET title = $p, signer = $p", "UPDATE evidence_documents SET note = $p, doc_no = $p"]:
        con.execute(sql, {"p": PAYLOAD})
    shown, raw = 0, []
    for login in ("tuphap", "lanhdao"):
        at = new_app(login)
        at.query_params["nam"] = "2023"
        at.run()
        for page in sorted(PAGES_OF[login]):
            at.switch_page(f"pages/{page}.py").run()
            assert not at.exception, (login, page)
            texts = rendered_texts(at)
            raw += [(login, page, next(t[max(0, t.find(f) - 60):t.find(f) + 20] for f in FORMATTED if f in t))
                    for t in texts if any(f in t for f in FORMATTED)]
            shown += sum("Đậm" in t for t in texts)
    assert not raw, "\n".join(map(str, raw))
    assert shown > 20  # the names are on the pages, escaped
