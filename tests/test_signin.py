"""Issue 13, items 1 and 4: the sign-in (Argon2id hashes, lockout, the browser's session token, idle timeout, sign-out,
the CLI for the administrator at the PC) and the period lock (a locked year refuses edits of its cases, payments and
reviews with a message naming the lock; a carried-over case may still be concluded; unlocking needs a role and a
reason and is logged).

Real DuckDB files (the demo commune with conftest.ACCOUNTS), real AppTest runs of app.py, the real CLI in a
subprocess.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import db
from conftest import ACTOR, PASSWORD, ROOT, a_case, app_connection, new_app, open_page, session_of, team_id
from db import cases, funding, users
from db.core import locks
from db.teams import reviews
from db.core.writes import ValidationError


def as_user(con, login: str) -> users.User:
    return users.current(con, session_of(con, login))


# --- passwords and the lockout ---------------------------------------------------------------------------------

def test_passwords_are_stored_as_argon2id_hashes_only(demo_db):
    stored = demo_db.execute("SELECT password_hash FROM users WHERE login = 'tuphap'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert users.sign_in(demo_db, "TuPhap", PASSWORD).login == "tuphap"  # the login is not case-sensitive


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(demo_db):
    now = dt.datetime(2026, 12, 3, 9, 0)
    for attempt in range(1, 5):
        with pytest.raises(ValidationError, match="Sai tên đăng nhập hoặc mật khẩu"):
            users.sign_in(demo_db, "lanhdao", f"sai {attempt}", now=now)
    with pytest.raises(ValidationError, match="tài khoản tạm khóa 15 phút"):
        users.sign_in(demo_db, "lanhdao", "sai 5", now=now)
    with pytest.raises(ValidationError, match="thử lại sau 15 phút"):  # even the right password, while locked
        users.sign_in(demo_db, "lanhdao", PASSWORD, now=now)
    with pytest.raises(ValidationError, match="thử lại sau 1 phút"):
        users.sign_in(demo_db, "lanhdao", PASSWORD, now=now + dt.timedelta(minutes=14, seconds=30))
    assert users.sign_in(demo_db, "lanhdao", PASSWORD, now=now + dt.timedelta(minutes=15, seconds=1)).role == "lanh_dao"
    failures = demo_db.execute("SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed' AND actor = 'lanhdao'")
    assert failures.fetchone()[0] == 5  # every failed attempt is in the log, signed with the login tried


def test_an_unknown_login_and_a_wrong_password_get_the_same_answer(demo_db):
    with pytest.raises(ValidationError) as unknown:
        users.sign_in(demo_db, "khongco", PASSWORD)
    with pytest.raises(ValidationError) as wrong:
        users.sign_in(demo_db, "tuphap", "khong dung")
    assert unknown.value.messages == wrong.value.messages  # the form does not tell which logins exist


# --- the browser's session token -------------------------------------------------------------------------------

def test_a_session_token_resumes_until_idle_signed_out_or_the_password_changes(demo_db, demo_path):
    user = as_user(demo_db, "lanhdao")
    token = users.open_session(demo_db, user)
    assert users.resume_session(demo_db, token).login == "lanhdao"
    assert users.resume_session(demo_db, token + "x") is None and users.resume_session(demo_db, "") is None
    demo_db.execute("CHECKPOINT")
    assert token.encode() not in demo_path.read_bytes()  # only its SHA-256 is stored

    later = dt.datetime.now() + dt.timedelta(minutes=int(users.settings(demo_db)["session_minutes"]) + 1)
    assert users.resume_session(demo_db, token, now=later) is None  # idle too long

    token = users.open_session(demo_db, user)
    users.close_session(demo_db, token)
    assert users.resume_session(demo_db, token) is None  # signed out: the token is dead, whoever copied it

    token = users.open_session(demo_db, user)
    users.set_password(demo_db, "lanhdao", "mat khau moi 2026", actor=ACTOR)
    assert users.resume_session(demo_db, token) is None  # a new password ends every open session


def test_an_account_changed_or_closed_meanwhile_is_signed_out_on_the_next_click(app):
    at = new_app("lanhdao").run()
    assert at.session_state["user"]["login"] == "lanhdao"
    con = app_connection()
    row = con.execute("SELECT id, version, full_name FROM users WHERE login = 'lanhdao'").fetchone()
    users.update_user(con, row[0], {"role": "lanh_dao", "full_name": row[2], "active": False},
                      actor=as_user(con, "tuphap"), expected_version=row[1])
    at.run()
    assert at.title[0].value == "Đăng nhập" and "user" not in at.session_state


# --- the sign-in form and the idle timeout in the app (signing out: tests/test_browser.py, for every role) ------

@pytest.fixture()
def signed_out(demo_path, monkeypatch):
    """The app on the demo file in a browser that has not signed in."""
    monkeypatch.setenv("HOAGIAI_DB", str(demo_path))
    st.cache_resource.clear()
    yield AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    st.cache_resource.clear()


def sign_in_with(at: AppTest, login: str, password: str) -> AppTest:
    at.text_input(key="signin_login").input(login)
    at.text_input(key="signin_password").input(password)
    return next(b for b in at.button if b.label == "Đăng nhập").click().run()


def test_the_sign_in_form_refuses_a_wrong_password_then_opens_the_app(signed_out):
    at = signed_out.run()
    assert at.title[0].value == "Đăng nhập" and not at.tabs and len(at.title) == 1  # nothing of the app before
    at = sign_in_with(at, "tuphap", "khong dung")
    assert [e.value for e in at.error] and "Sai tên đăng nhập hoặc mật khẩu" in at.error[0].value
    assert "user" not in at.session_state
    at = sign_in_with(at, "tuphap", PASSWORD)
    assert not at.exception and at.session_state["user"]["login"] == "tuphap"
    assert at.title[0].value == "Tổng quan công tác hòa giải ở cơ sở"
    con = app_connection()
    assert con.execute("SELECT count(*) FROM sessions WHERE login = 'tuphap'").fetchone()[0] == 1


def test_an_idle_session_signs_out_and_says_why(signed_out):
    at = sign_in_with(signed_out.run(), "tuphap", PASSWORD)
    minutes = int(users.settings(app_connection())["session_minutes"])
    at.session_state["_last_seen"] = time.time() - minutes * 60 - 5
    at.run()
    assert at.title[0].value == "Đăng nhập" and "user" not in at.session_state
    assert any(f"sau {minutes} phút không thao tác" in i.value for i in at.info)


# --- the CLI, for the administrator at the PC -------------------------------------------------------------------

def cli(*args: str, password: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "db", *args], cwd=ROOT, input=password, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_the_cli_adds_an_account_and_sets_a_password(demo_path):
    added = cli("user", "add", "PhoChuTich", "--role", "lanh_dao", "--name", "Trần Văn Bình", "--db", str(demo_path),
                password="mat khau cua lanh dao\n")
    assert added.returncode == 0, added.stderr
    assert "Đã tạo tài khoản «phochutich»" in added.stdout
    short = cli("user", "passwd", "phochutich", "--db", str(demo_path), password="ngan\n")
    assert short.returncode != 0 and "ít nhất 8 ký tự" in short.stderr + short.stdout
    changed = cli("user", "passwd", "phochutich", "--db", str(demo_path), password="mat khau moi 2026\n")
    assert changed.returncode == 0, changed.stderr
    con = db.connect(demo_path)
    try:
        with pytest.raises(ValidationError):
            users.sign_in(con, "phochutich", "mat khau cua lanh dao")
        user = users.sign_in(con, "phochutich", "mat khau moi 2026")
        assert (user.role, user.full_name) == ("lanh_dao", "Trần Văn Bình")
    finally:
        con.close()


# --- the period lock ----------------------------------------------------------------------------------------------

def test_a_locked_year_refuses_its_cases_payments_and_reviews_naming_the_lock(demo_db):
    officer = as_user(demo_db, "tuphap")
    locks.lock_year(demo_db, 2023, "Đã gửi báo cáo năm 2023 (số 12/BC-UBND)", actor=officer)
    case_id, version = demo_db.execute(
        "SELECT id, version FROM cases WHERE year(received_on) = 2023 AND result = 'thanh' AND deleted_at IS NULL "
        "LIMIT 1").fetchone()
    data = cases.get_case(demo_db, case_id)
    data["summary"] = "Sửa sau khi đã gửi báo cáo"
    with pytest.raises(ValidationError, match=r"Năm 2023 đã khóa số liệu .*Đã gửi báo cáo năm 2023"):
        cases.save_case(demo_db, data, actor=officer, case_id=case_id, expected_version=version)
    with pytest.raises(ValidationError, match="Năm 2023 đã khóa số liệu"):
        cases.save_case(demo_db, a_case(team_id(demo_db, "Thôn Đông Hòa")), actor=officer)  # a new 2023 case too
    with pytest.raises(ValidationError, match="Năm 2023 đã khóa số liệu"):
        cases.delete_case(demo_db, case_id, actor=officer, expected_version=version)
    payment = demo_db.execute("SELECT id, version FROM payments WHERE year = 2023 AND status = 'de_nghi'").fetchone()
    if payment:
        with pytest.raises(ValidationError, match="Năm 2023 đã khóa số liệu"):
            funding.set_status(demo_db, payment[0], "da_duyet", dt.date(2023, 12, 30), actor=officer,
                               expected_version=payment[1])
    with pytest.raises(ValidationError, match="Năm 2023 đã khóa số liệu"):
        funding.save_budget(demo_db, 2023, {"amount": 1_000_000}, actor=officer,
                            expected_version=(funding.budget(demo_db, 2023) or {}).get("version"))
    team = team_id(demo_db, "Thôn Đông Hòa")
    with pytest.raises(ValidationError, match="Năm 2023 đã khóa số liệu"):
        reviews.save_review(demo_db, team, 2023, {"status": "da_ra_soat", "assessment": "Tổ hoạt động tốt"},
                            actor=officer, expected_version=(reviews.get_review(demo_db, team, 2023) or {}).get("version"))
    assert cases.get_case(demo_db, case_id)["summary"] != "Sửa sau khi đã gửi báo cáo"
    # Another year stays open.
    assert cases.save_case(demo_db, a_case(team, received_on=dt.date(2024, 3, 1), assigned_on=dt.date(2024, 3, 2)),
                           actor=officer)


def test_a_case_carried_over_from_a_locked_year_may_still_be_concluded_in_an_open_year(demo_db):
    officer = as_user(demo_db, "tuphap")
    team = team_id(demo_db, "Thôn Đông Hòa")
    case_id = cases.save_case(demo_db, a_case(team, received_on=dt.date(2023, 12, 20), assigned_on=dt.date(2023, 12, 21)),
                              actor=officer)
    locks.lock_year(demo_db, 2023, "Đã gửi báo cáo năm 2023", actor=officer)
    data = cases.get_case(demo_db, case_id)
    version = data["version"]
    data.update(result="thanh", concluded_on=dt.date(2024, 1, 15), agreement="Hai bên thống nhất lối đi chung")
    cases.save_case(demo_db, data, actor=officer, case_id=case_id, expected_version=version,
                    as_of=dt.date(2024, 2, 1))
    assert cases.get_case(demo_db, case_id)["result"] == "thanh"
    data = cases.get_case(demo_db, case_id)
    data.update(category="dat_dai")  # but what 2023 showed of it may not change
    with pytest.raises(ValidationError, match="Năm 2023 đã khóa số liệu"):
        cases.save_case(demo_db, data, actor=officer, case_id=case_id, expected_version=data["version"],
                        as_of=dt.date(2024, 2, 1))


def test_unlocking_needs_an_allowed_role_and_a_reason_and_is_logged(demo_db):
    locks.lock_year(demo_db, 2022, "Đã gửi báo cáo năm 2022", actor=as_user(demo_db, "tuphap"))
    for login in ("totruong", "trinhchieu"):
        with pytest.raises(ValidationError):
            locks.unlock_year(demo_db, 2022, "Sửa số liệu", actor=as_user(demo_db, login))
    with pytest.raises(ValidationError, match="Cần ghi lý do mở khóa"):
        locks.unlock_year(demo_db, 2022, "  ", actor=as_user(demo_db, "lanhdao"))
    assert 2022 in locks.locked_years(demo_db.cursor())
    locks.unlock_year(demo_db, 2022, "Sửa theo yêu cầu của Phòng Tư pháp", actor=as_user(demo_db, "lanhdao"))
    assert 2022 not in locks.locked_years(demo_db.cursor())
    logged = demo_db.execute("SELECT actor, after FROM audit_log WHERE action = 'unlock' AND table_name = 'period_locks'")
    actor, after = logged.fetchone()
    assert actor == "lanhdao" and "Sửa theo yêu cầu của Phòng Tư pháp" in after


def test_the_lock_page_shows_the_lock_and_a_locked_case_form_says_so(app):
    con = app_connection()
    locks.lock_year(con, 2023, "Đã gửi báo cáo năm 2023", actor=as_user(con, "tuphap"))
    at = open_page(new_app("tuphap"), "pages/locks.py", nam=2023)
    assert not at.exception
    assert any("Đã gửi báo cáo năm 2023" in frame.value.to_csv() for frame in at.dataframe)
