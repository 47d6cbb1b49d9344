"""Issue 13: who may see and change what (roles in the navigation and again in the write path), the sign-in
(lockout, idle timeout, the browser's session token, the CLI), the period lock, stale edits kept and explained,
one-per-X rules under concurrent submits.

Real DuckDB files throughout (the demo commune with its four accounts, conftest.ACCOUNTS); several AppTest sessions
on one file stand for several browsers.
"""
from __future__ import annotations


from conftest import app_connection, edit_key, new_app, open_page


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
