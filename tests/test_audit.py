"""Nhật ký thay đổi (issue 13, item 3): the log read field by field from → to, narrowed and paged in SQL; deleted
rows brought back from it through the write path (or refused in Vietnamese); the log only ever grows, and an
edit made outside the app shows in its fingerprint; the page through AppTest."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import db
from conftest import ACTOR, ROOT, SMALL_CASES, app_connection, page_bytes, team_id
from db import cases
from db.core import audit
from db.scores import commendation
from db.criteria import evidence
from db.core.audit import Change
from db.core.writes import ValidationError
from pages.common import fmt_int, md_text

TODAY = dt.date.today()


def case_id_of(con, party: str) -> int:
    return con.execute("SELECT case_id FROM case_parties WHERE full_name = ?", [party]).fetchone()[0]


def edit(con, case_id: int, actor: str, **changes) -> None:
    case = cases.get_case(con, case_id)
    cases.save_case(con, {**case, **changes}, actor=actor, case_id=case_id, expected_version=case["version"])


def log_size(con) -> int:
    return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]


# --- field by field -----------------------------------------------------------------------------------------------

def test_a_case_edited_twice_shows_exactly_the_changed_fields_from_and_to(small_db):
    con, people = small_db
    case_id = case_id_of(con, "Nguyễn Văn An")
    first = cases.get_case(con, case_id)
    edit(con, case_id, "an", summary="Tranh chấp ranh giới đất",
         parties=[first["parties"][0], {**first["parties"][1], "age": 51},
                  {"full_name": "Lò Văn Sáu", "age": 30, "address": "Xóm 3"}])
    second = cases.get_case(con, case_id)
    edit(con, case_id, "bình", concluded_on=dt.date(2022, 3, 25),
         parties=[{**second["parties"][0], "full_name": "Nguyễn Văn Ân"}, *second["parties"][1:]],
         mediator_ids=[people["a1"], people["a2"]])

    history = audit.record_history(con, "cases", case_id)
    assert history.total == 3
    assert [(e.actor, e.action, e.action_label) for e in history.entries] == [
        ("bình", "update", "Sửa"), ("an", "update", "Sửa"), ("seed", "insert", "Thêm mới")]
    newest, older = history.entries[0], history.entries[1]
    assert newest.title == f"Vụ việc số {case_id}" and newest.table_label == "Vụ việc"
    # version and updated_at changed too, but are bookkeeping, not a change anyone made
    assert older.changes == [
        Change("Nội dung", "Tranh chấp của Nguyễn Văn An", "Tranh chấp ranh giới đất"),
        Change("Bên thứ 2 – Tuổi", "50", "51"),
        Change("Bên thứ 3", "", "Lò Văn Sáu, 30 tuổi, Xóm 3"),
    ]
    assert newest.changes == [
        Change("Ngày kết thúc", "20/03/2022", "25/03/2022"),
        Change("Bên thứ 1 – Họ và tên", "Nguyễn Văn An", "Nguyễn Văn Ân"),
        Change("Hòa giải viên được phân công", "",
               f"Lê Thị Hoa (số {people['a1']}), Trần Văn Bình (số {people['a2']})"),
    ]
    # the insert lists what the case was created with, the empty fields left out
    created = {c.label: c for c in history.entries[2].changes}
    assert created["Kết quả"] == Change("Kết quả", "", "Hòa giải thành")
    assert created["Ngày nhận"].new == "01/03/2022" and "Ngày phân công" not in created


def test_changes_reads_json_text_codes_and_removed_parties():
    before = ('{"result": "dang_hoa_giai", "concluded_on": null, "security_incident": false, "version": 3,'
              ' "note": "giữ nguyên", "parties": [{"full_name": "A", "age": 40, "address": "Xóm 1"},'
              ' {"full_name": "B", "age": null, "address": null}], "mediator_ids": [7]}')
    after = {"result": "thanh", "concluded_on": "2023-05-02", "security_incident": True, "version": 4,
             "note": "giữ nguyên", "parties": [{"full_name": "A", "age": 40, "address": "Xóm 2"}], "mediator_ids": [7],
             "updated_at": "2023-05-02 10:07:31.5"}
    assert audit.changes(before, after, table="cases") == [
        Change("Kết quả", "Đang hòa giải", "Hòa giải thành"),
        Change("Ngày kết thúc", "", "02/05/2023"),
        Change("Phức tạp, mất ANTT", "Không", "Có"),
        Change("Bên thứ 1 – Địa chỉ", "Xóm 1", "Xóm 2"),
        Change("Bên thứ 2", "B", ""),
    ]
    assert audit.changes(after, after) == []
    # a delete: every field goes to empty; a password hash is never shown
    assert audit.changes({"login": "x", "password_hash": "$argon2id$…"}, None, table="users") == [
        Change("Tên đăng nhập", "x", ""), Change("Mật khẩu (đã mã hóa)", "(ẩn)", "")]
    # an import and the removal of the demo data: their summaries in words
    assert audit.changes(None, {"file": "so.xlsx", "kind": "cases", "counts": {"them_moi": 3, "loi": 0},
                                "sheets": ["Thôn Đông"]}, table="cases") == [
        Change("Loại", "", "Vụ việc"), Change("Tệp", "", "so.xlsx"),
        Change("Kết quả nhập", "", "Thêm mới: 3, Lỗi: 0"), Change("Trang tính", "", "Thôn Đông")]
    assert audit.changes(None, {"cases": 143, "mediators": 50}, table="communes") == [
        Change("Vụ việc", "", "143"), Change("Hòa giải viên", "", "50")]


# --- filters and pages ----------------------------------------------------------------------------------------------

def test_filters_by_table_record_person_action_and_dates_narrow_in_sql(small_db):
    con, _ = small_db
    seeded = log_size(con)
    # The seed's entries as if written on 15/01/2024 near midnight (test set-up: an older log to filter on dates).
    con.execute("UPDATE audit_log SET \"at\" = TIMESTAMP '2024-01-15 23:59:00'")
    an, hanh = case_id_of(con, "Nguyễn Văn An"), case_id_of(con, "Bùi Thị Hạnh")
    edit(con, an, "an", summary="Sửa lần một")
    edit(con, an, "bình", summary="Sửa lần hai")
    edit(con, hanh, "an", note="Đã gọi điện")
    cases.delete_case(con, hanh, actor="bình")

    def ids(**filters) -> list[int]:
        page = audit.entries(con, **filters)
        assert page.total == len(page.entries)
        return [e.row_id for e in page.entries]

    case_entries = ids(table="cases", limit=500)
    assert len(case_entries) == len(SMALL_CASES) + 4
    assert set(case_entries) == {r for r, in con.execute("SELECT id FROM cases").fetchall()}
    assert ids(table="cases", row_id=an) == [an, an, an]
    assert ids(actor="an") == [hanh, an]
    assert ids(actor="bình") == [hanh, an]
    assert ids(actor="bình", action="delete") == [hanh]
    assert ids(table="cases", row_id=hanh, action="update") == [hanh]
    # dates: both ends included, the whole of the last day
    old = dt.date(2024, 1, 15)
    assert audit.entries(con, date_to=old).total == seeded
    assert audit.entries(con, date_from=old, date_to=old).total == seeded
    assert audit.entries(con, date_to=old - dt.timedelta(days=1)).total == 0
    assert ids(date_from=old + dt.timedelta(days=1)) == [hanh, hanh, an, an]
    assert ids(date_from=TODAY, date_to=TODAY, actor="an") == [hanh, an]
    labels = audit.choices(con)
    assert labels["tables"]["cases"] == "Vụ việc" and labels["actions"]["delete"] == "Xóa"
    assert list(labels["actors"])[:2] == ["bình", "an"]  # the most recent first


def test_pages_of_fifty_newest_first_cover_the_log_once(demo_db):
    total = log_size(demo_db)
    assert total > 800
    seen = []
    first = audit.entries(demo_db)
    assert (first.total, first.page, first.pages, len(first.entries)) == (total, 1, -(-total // 50), 50)
    for offset in range(0, total, audit.PAGE_SIZE):
        page = audit.entries(demo_db, offset=offset)
        assert page.total == total and page.page == offset // 50 + 1
        seen += [e.id for e in page.entries]
    assert seen == [i for i, in demo_db.execute("SELECT id FROM audit_log ORDER BY id DESC").fetchall()]
    assert len(audit.entries(demo_db, offset=total - 7).entries) == 7
    assert audit.entries(demo_db, offset=total).entries == []


# --- restoring --------------------------------------------------------------------------------------------------------

def test_a_soft_deleted_case_comes_back_from_the_log_through_the_write_path(small_db):
    con, _ = small_db
    case_id = case_id_of(con, "Đặng Văn Khoa")
    assert audit.restorable(con).total == 0
    cases.delete_case(con, case_id, actor="an")
    deleted = audit.restorable(con)
    assert deleted.total == 1
    entry = deleted.entries[0]
    assert (entry.table, entry.row_id, entry.action, entry.restorable) == ("cases", case_id, "delete", True)
    assert "Đặng Văn Khoa" in entry.detail and "01/04/2023" in entry.detail
    assert audit.entries(con, table="cases", row_id=case_id).entries[0].restorable

    message = audit.restore(con, entry.id, actor="bình")
    assert message == f"Đã khôi phục vụ việc số {case_id}."
    case = cases.get_case(con, case_id)
    assert case["deleted_at"] is None and case["version"] == 3
    latest = audit.record_history(con, "cases", case_id).entries[0]
    assert (latest.actor, latest.action, latest.action_label) == ("bình", "restore", "Khôi phục")
    assert [c.label for c in latest.changes] == ["Đã xóa lúc"] and latest.changes[0].new == ""
    assert audit.restorable(con).total == 0
    assert not audit.entries(con, table="cases", row_id=case_id, action="delete").entries[0].restorable
    with pytest.raises(ValidationError, match="đang có trong sổ"):
        audit.restore(con, entry.id, actor="bình")


def nomination(team: int, reason: str) -> dict:
    return {"year": 2023, "team_id": team, "award_level": "giay_khen_xa", "reason": reason,
            "nominated_on": dt.date(2023, 12, 1)}


def test_a_withdrawn_nomination_is_recorded_again_from_its_snapshot(small_db):
    con, _ = small_db
    team = team_id(con, "Thôn Đông")
    old_id = commendation.nominate(con, nomination(team, "Tổ tích cực"), actor="an")
    commendation.withdraw(con, old_id, actor="an")
    assert commendation.get_nomination(con, old_id) is None
    (entry,) = audit.restorable(con).entries
    assert (entry.table, entry.row_id) == ("nominations", old_id)
    assert entry.detail.startswith("năm 2023 · Tổ hòa giải thôn Đông")

    message = audit.restore(con, entry.id, actor="bình")
    new_id = con.execute("SELECT id FROM nominations WHERE year = 2023 AND team_id = ?", [team]).fetchone()[0]
    assert new_id != old_id and message.endswith(f"nay là đề nghị số {new_id}.")
    again = commendation.get_nomination(con, new_id)
    assert (again["award_level"], again["reason"], again["nominated_on"], again["status"]) == (
        "giay_khen_xa", "Tổ tích cực", dt.date(2023, 12, 1), "de_nghi")
    latest = audit.entries(con, table="nominations", limit=1).entries[0]
    assert (latest.actor, latest.action, latest.row_id) == ("bình", "insert", new_id)
    assert audit.restorable(con).total == 0  # the team has its nomination of 2023 again


def test_a_restore_the_rules_refuse_says_why_and_writes_nothing(small_db):
    con, _ = small_db
    team = team_id(con, "Thôn Đông")
    first = commendation.nominate(con, nomination(team, "Lần đầu"), actor="an")
    commendation.withdraw(con, first, actor="an")
    withdrawn = audit.entries(con, table="nominations", action="delete").entries[0]
    assert withdrawn.restorable
    commendation.nominate(con, nomination(team, "Đề nghị khác"), actor="an")  # one per team and year
    assert not audit.entries(con, table="nominations", action="delete").entries[0].restorable
    size, rows = log_size(con), con.execute("SELECT count(*) FROM nominations").fetchone()[0]
    with pytest.raises(ValidationError, match="đã có đề nghị khen thưởng năm 2023"):
        audit.restore(con, withdrawn.id, actor="bình")
    insert = audit.entries(con, table="cases", action="insert", limit=1).entries[0]
    with pytest.raises(ValidationError, match="không phải một lần xóa khôi phục được"):
        audit.restore(con, insert.id, actor="bình")
    with pytest.raises(ValidationError, match="Không tìm thấy mục nhật ký số 999999"):
        audit.restore(con, 999999, actor="bình")
    assert (log_size(con), con.execute("SELECT count(*) FROM nominations").fetchone()[0]) == (size, rows)


def test_a_deleted_evidence_document_is_listed_only_when_the_write_path_can_restore_it(demo_db):
    doc = demo_db.execute("SELECT id, version FROM evidence_documents WHERE deleted_at IS NULL LIMIT 1").fetchone()
    evidence.delete_document(demo_db, doc[0], actor="an", expected_version=doc[1])
    listed = [(e.table, e.row_id) for e in audit.restorable(demo_db).entries]
    if not hasattr(evidence, "restore_document"):
        assert ("evidence_documents", doc[0]) not in listed
        return
    assert ("evidence_documents", doc[0]) in listed
    entry = next(e for e in audit.restorable(demo_db).entries if e.row_id == doc[0])
    assert audit.restore(demo_db, entry.id, actor="bình") == f"Đã khôi phục hồ sơ kiểm chứng số {doc[0]}."
    assert evidence.get_document(demo_db, doc[0]) is not None


# --- the log only grows --------------------------------------------------------------------------------------------

def test_the_log_only_grows_and_nothing_in_the_app_rewrites_it(small_db):
    con, _ = small_db
    case_id = case_id_of(con, "Mai Văn Long")
    before = audit.fingerprint(con)
    sizes = [log_size(con)]
    cases.delete_case(con, case_id, actor="an")
    sizes.append(log_size(con))
    for read in (lambda: audit.entries(con), lambda: audit.restorable(con), lambda: audit.choices(con),
                 lambda: audit.record_history(con, "cases", case_id), lambda: audit.fingerprint(con)):
        read()
        sizes.append(log_size(con))
    audit.restore(con, audit.restorable(con).entries[0].id, actor="an")
    sizes.append(log_size(con))
    with pytest.raises(ValidationError):
        audit.restore(con, audit.entries(con, action="delete").entries[0].id, actor="an")
    sizes.append(log_size(con))
    assert sizes == sorted(sizes) and sizes[-1] == sizes[0] + 2
    assert audit.check_fingerprint(con, before.last_id, before.code)  # the earlier entries are untouched
    # No code of the app writes the log but the write path's append (db/core/writes.py audit()) and one migration's append
    # of the indicator codes it renamed (012): only appends, nothing updates or deletes an entry.
    writes = re.compile(r"\b(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|TRUNCATE\s+audit_log|DROP\s+TABLE\s+"
                        r"(IF\s+EXISTS\s+)?audit_log|INSERT\s+INTO\s+audit_log)", re.IGNORECASE)
    code = [ROOT / "app.py", *(ROOT / "db").rglob("*.py"), *(ROOT / "db").rglob("*.sql"),
            *(ROOT / "pages").rglob("*.py")]
    found = {path.relative_to(ROOT).as_posix(): writes.findall(path.read_text(encoding="utf-8")) for path in code}
    assert {path: hits for path, hits in found.items() if hits} == {
        "db/core/writes.py": [("INSERT INTO audit_log", "")], "db/core/migrations/012_legal_access.sql": [("INSERT INTO audit_log", "")]}


def test_the_fingerprint_shows_an_edit_made_outside_the_app(small_db):
    con, _ = small_db
    noted = audit.fingerprint(con)
    assert noted.last_id == con.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    assert noted.count == log_size(con) and re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", noted.code)
    edit(con, case_id_of(con, "Ngô Văn Nam"), "an", note="Một thay đổi bình thường")
    assert audit.check_fingerprint(con, noted.last_id, noted.code.lower().replace("-", " "))  # later entries: fine
    assert audit.fingerprint(con).code != noted.code
    # Someone opens the file with another program and rewrites who made an old change.
    con.execute("UPDATE audit_log SET actor = 'người khác' WHERE id = ?", [noted.last_id - 3])
    assert not audit.check_fingerprint(con, noted.last_id, noted.code)


# --- the page -----------------------------------------------------------------------------------------------------

@pytest.fixture()
def audit_page(demo_path, monkeypatch):
    """The page on its own (before it is in app.py's navigation), with the session keys app.py sets for a
    signed-in officer."""
    from db import users
    con = db.connect(demo_path)
    sessions = {}
    for login, role in (("tuphap.thu", "can_bo_tu_phap"), ("lanhdao.thu", "lanh_dao")):
        users.add_user(con, {"login": login, "role": role}, "mat-khau-thu-1", actor=ACTOR)
        session = {"login": login, "role": role, "village_id": None}
        sessions[role] = session, users.current(con, session)
    con.close()
    monkeypatch.setenv("HOAGIAI_DB", str(demo_path))
    st.cache_resource.clear()
    st.cache_data.clear()

    def opened(present: bool = False, role: str = "can_bo_tu_phap", **params) -> AppTest:
        at = AppTest.from_file(str(ROOT / "pages" / "audit.py"), default_timeout=60)
        at.session_state["nam"], at.session_state["thon"], at.session_state["present"] = 2023, 0, present
        at.session_state["user"], at.session_state["_user_checked"] = sessions[role]
        for key, value in params.items():
            at.query_params[key] = str(value)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    yield opened
    st.cache_resource.clear()


def test_the_page_shows_each_change_from_and_to_and_restores_a_deleted_case(audit_page, demo_path):
    con = db.connect(demo_path)
    case_id = case_id_of(con, "Trần Xuân Việt")
    old_summary = cases.get_case(con, case_id)["summary"]
    edit(con, case_id, "an", summary="Tranh chấp *bờ* ruộng [xem](http://x.vn)")
    deleted = con.execute("SELECT id FROM cases WHERE deleted_at IS NOT NULL").fetchone()[0]
    con.close()

    at = audit_page(bang="cases", so=case_id)
    assert at.selectbox(key="nk_bang").value == "cases" and at.text_input(key="nk_so").value == str(case_id)
    assert at.markdown[0].value.startswith("**2 mục**")
    assert at.expander[0].label.endswith(f"· an · Vụ việc số {case_id} · Sửa")
    # user text shown as typed: the markdown characters escaped, never a link or emphasis
    assert at.markdown[1].value == (f"- **Nội dung**: {md_text(old_summary)} → "
                                    "Tranh chấp \\*bờ\\* ruộng \\[xem\\](http\\://x.vn)")

    at = audit_page()
    con = app_connection()
    assert at.markdown[0].value.startswith(f"**{fmt_int(log_size(con))} mục** · đang xem 1–50")
    at.button(key="nk_next").click().run()
    assert "đang xem 51–100" in at.markdown[0].value and at.query_params["trang"] == "2"

    entry = audit.restorable(con).entries[0]
    assert entry.row_id == deleted
    at.button(key=f"audit_restore_{entry.id}").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [f"Đã khôi phục vụ việc số {deleted}."]
    assert cases.get_case(con, deleted)["deleted_at"] is None
    assert con.execute("SELECT actor, action, row_id FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() == (
        "tuphap.thu", "restore", deleted)


def test_presentation_mode_shows_no_personal_data(audit_page, demo_path):
    con = db.connect(demo_path)
    names = [n for n, in con.execute("SELECT full_name FROM case_parties WHERE case_id IN "
                                      "((SELECT max(id) FROM cases WHERE deleted_at IS NULL), "
                                      "(SELECT id FROM cases WHERE deleted_at IS NOT NULL))"
                                      ).fetchall()]
    con.close()
    assert len(names) >= 3
    shown = page_bytes(audit_page(bang="cases"))
    assert all(name.encode() in shown for name in names)  # the check can fail: outside it, the log shows names
    at = audit_page(present=True, bang="cases")
    assert not any(name.encode() in page_bytes(at) for name in names)
    assert not at.expander and not at.button
    assert "Chế độ trình chiếu" in at.info[0].value
    at = audit_page(role="lanh_dao", bang="cases")  # leadership sees no parties' data anywhere (issue 13, item 2)
    assert not any(name.encode() in page_bytes(at) for name in names)
    assert not at.expander and "chỉ cán bộ tư pháp" in at.info[0].value
