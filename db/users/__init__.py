"""Who may see and change what: the app's own accounts (offline, no outside identity provider), their roles, and the
permission check every write function makes again, whatever the page did (issue 13).

Passwords are hashed with Argon2id by argon2-cffi, the maintained reference binding (its PasswordHasher defaults
follow RFC 9106); the database never holds a password. After MAX_FAILURES wrong passwords in a row an account waits
LOCK_MINUTES. A signed-in user is a User (CONTRACT.md: st.session_state["user"] = {login, role, village_id}); the
write path takes it as `actor` and the audit log records its login. A plain string actor is the machine itself —
the administrator at the PC through `python -m db`, the seeds, the tests — and is not checked.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from db.core.labels import ROLES
from db.core.text import clean, shown
from db.core.writes import (
    ValidationError, as_mapping, audit, check_text_fields, fetch_row, form_values, insert_row, parse_flag, record_id,
    record_version, transaction, update_row,
)

MAX_FAILURES = 5
LOCK_MINUTES = 15
SESSION_MINUTES = 30        # default idle time before a session signs out (setting «session_minutes»)
MIN_PASSWORD = 8
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    login: str
    role: str
    village_id: int | None = None
    is_admin: bool = False
    full_name: str | None = None

    def __str__(self) -> str:  # what the audit log and «người thực hiện» columns record
        return self.login

    def session(self) -> dict:
        """The signed-in session's value (CONTRACT.md)."""
        return {"login": self.login, "role": self.role, "village_id": self.village_id}


# --- what each role may do ---------------------------------------------------------------------------------
# Permission → roles. The officer (cán bộ tư pháp) edits everything of the commune; leadership views, approves
# nominations and payments; a tổ trưởng / trưởng thôn views their own village and, when the commune allows it
# (setting «to_truong_nhap_vu_viec»), enters their team's cases; the meeting screen changes nothing.
PERMISSIONS: dict[str, set[str]] = {
    "cases": {"can_bo_tu_phap", "to_truong"},
    "organisation": {"can_bo_tu_phap"},          # mediators, trainings, team reviews
    "funding": {"can_bo_tu_phap"},               # budgets, fee and support requests, reductions, cancellations
    "funding.approve": {"can_bo_tu_phap", "lanh_dao"},  # approve and pay
    "commendation": {"can_bo_tu_phap"},          # nominations, self-assessments
    "commendation.decide": {"can_bo_tu_phap", "lanh_dao"},
    "plan": {"can_bo_tu_phap"},
    "evidence": {"can_bo_tu_phap"},
    "settings": {"can_bo_tu_phap"},              # rates, criteria, score model, commune settings
    "setup": {"can_bo_tu_phap"},                 # commune, villages, teams, import, leaving the demo
    "lock": {"can_bo_tu_phap"},                  # lock a sent year
    "unlock": {"lanh_dao"},                      # unlock it again (administrators too), with a reason
}
# Permissions that only the administrator has, whatever the role.
ADMIN_ONLY = {"users", "backup", "restore"}
# Who sees the parties' names, ages, addresses and the mediators' phone numbers (the rest get them masked, or
# not at all): the officer; a tổ trưởng for their own village when the commune lets them enter cases.
PERSONAL_DATA = {"can_bo_tu_phap"}


def allowed(user, permission: str, *, village_id: int | None = None, settings: dict | None = None) -> bool:
    """May this user do this? A plain string actor (the machine: CLI, seeds, tests) may do everything."""
    if not isinstance(user, User):
        return True
    if permission in ADMIN_ONLY or (permission == "unlock" and user.is_admin):
        return user.is_admin
    if user.role not in PERMISSIONS.get(permission, set()):
        return False
    if user.role == "to_truong":
        if permission == "cases" and (settings or {}).get("to_truong_nhap_vu_viec") != "co":
            return False
        return village_id is not None and village_id == user.village_id
    return True


def authorize(con, actor, permission: str, *, village_id: int | None = None) -> None:
    """The write path's own check: refused in Vietnamese, whatever the page showed."""
    refuse_on_rollup(con, permission)
    if not isinstance(actor, User):
        return
    if not allowed(actor, permission, village_id=village_id, settings=settings(con)):
        role = ROLES.get(actor.role, actor.role)
        where = " của thôn khác" if actor.role == "to_truong" and village_id not in (None, actor.village_id) else ""
        raise ValidationError(f"Tài khoản «{actor.login}» ({role}) không được làm việc này{where}. Chưa có gì được lưu.")


# A roll-up file (`python -m db rollup`, db/tools/rollup.py) holds this setting: its sources and date.
ROLLUP_SETTING = "tong_hop"


def refuse_on_rollup(con, permission: str) -> None:
    """A roll-up file is for viewing: every data write is refused, whoever asks (the command line and seeds too), since
    its rows are copies that the next roll-up replaces; accounts (permission «users») still work, so that the province
    creates its own. Every write function of the app calls authorize(), which calls this."""
    if permission != "users" and con.cursor().execute(
            "SELECT 1 FROM settings WHERE key = ?", [ROLLUP_SETTING]).fetchone():
        raise ValidationError("Tệp tổng hợp chỉ để xem: số liệu ở đây được tổng hợp từ tệp của các xã; hãy sửa trên "
                              "tệp của xã rồi tổng hợp lại (python -m db rollup). Chưa có gì được lưu.")


def sees_personal_data(user, village_id: int | None = None, con=None) -> bool:
    """May the browser receive the parties' names, ages, addresses and mediators' phones for this village?"""
    if not isinstance(user, User):
        return True
    if user.role in PERSONAL_DATA:
        return True
    return (user.role == "to_truong" and village_id is not None and village_id == user.village_id
            and con is not None and settings(con).get("to_truong_nhap_vu_viec") == "co")


# --- commune settings -------------------------------------------------------------------------------------
SETTINGS = {
    "to_truong_nhap_vu_viec": ("Tổ trưởng / trưởng thôn được nhập vụ việc của tổ mình", {"co": "Có", "khong": "Không"},
                               "khong"),
    "session_minutes": ("Tự đăng xuất sau (phút không thao tác)", None, str(SESSION_MINUTES)),
}


def settings(con) -> dict[str, str]:
    stored = dict(con.cursor().execute("SELECT key, value FROM settings").fetchall())
    return {key: stored.get(key, default) for key, (_, _, default) in SETTINGS.items()}


def save_setting(con, key: str, value: str, *, actor) -> None:
    if key not in SETTINGS:
        raise ValidationError(f"Không có thiết lập «{key}».")
    label, choices, _ = SETTINGS[key]
    value = clean(value) or ""
    if choices is not None and value not in choices:
        raise ValidationError(f"{label}: giá trị «{value[:30]}» không hợp lệ.")
    if key == "session_minutes" and not (value.isdigit() and 5 <= int(value) <= 480):
        raise ValidationError(f"{label}: từ 5 đến 480 phút.")
    authorize(con, actor, "settings")
    with transaction(con) as cur:
        old = cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        if old is None:
            cur.execute("INSERT INTO settings (key, value) VALUES (?, ?)", [key, value])
        else:
            cur.execute("UPDATE settings SET value = ?, version = version + 1 WHERE key = ?", [value, key])
        audit(cur, actor, "update" if old else "insert", "settings", None,
              {"key": key, "value": old[0]} if old else None, {"key": key, "value": value})


# --- accounts ------------------------------------------------------------------------------------------------

def _check_password(password: str | None, errors: list[str]) -> None:
    if password is not None and not isinstance(password, str):
        errors.append("Mật khẩu không hợp lệ.")
    elif not password or len(password) < MIN_PASSWORD:
        errors.append(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
    elif len(password) > 200:
        errors.append("Mật khẩu dài quá 200 ký tự.")
    elif password.strip() != password:
        errors.append("Mật khẩu không được bắt đầu hay kết thúc bằng khoảng trắng.")


def _check_login(login: str | None, errors: list[str]) -> str | None:
    login = (clean(login) if isinstance(login, str) else "").lower()
    if not login:
        errors.append("Chưa nhập tên đăng nhập.")
    elif len(login) > 40 or not all(ch.isalnum() or ch in "._-" for ch in login) or not login.isascii():
        errors.append("Tên đăng nhập chỉ gồm chữ không dấu, số và . _ - (tối đa 40 ký tự), ví dụ «tuphap.doanket».")
    return login or None


def has_users(con) -> bool:
    return bool(con.cursor().execute("SELECT count(*) FROM users").fetchone()[0])


def _role_and_village(data: dict, errors: list[str]) -> tuple[str | None, int | None]:
    """The account's role, and the village of a tổ trưởng (None for the other roles)."""
    role = data.get("role")
    if role not in ROLES:
        errors.append("Chưa chọn vai trò." if not role else f"Vai trò «{shown(role)}» không hợp lệ.")
    if role != "to_truong":
        return role, None
    if data.get("village_id") is None:
        errors.append("Tổ trưởng / trưởng thôn cần chọn thôn của mình.")
        return role, None
    try:
        return role, record_id(data["village_id"], "thôn")
    except ValidationError as refusal:
        errors.extend(refusal.messages)
        return role, None


def add_user(con, data: dict, password: str | None, *, actor) -> int:
    """A new account: login, full name, role, the tổ trưởng's village, administrator or not. The first account of
    a file is created by the first-run step and is always an administrator."""
    errors: list[str] = []
    data = form_values(as_mapping(data, "tài khoản"))
    check_text_fields(data, {"login": "Tên đăng nhập", "full_name": "Họ và tên", "role": "Vai trò"}, errors)
    login = _check_login(data.get("login"), errors)
    role, village_id = _role_and_village(data, errors)
    is_admin = parse_flag(data.get("is_admin"), "Quyền quản trị", errors)
    _check_password(password, errors)
    if errors:
        raise ValidationError(errors)
    with transaction(con) as cur:
        first = not cur.execute("SELECT count(*) FROM users").fetchone()[0]
        if not first:
            authorize(con, actor, "users")
        if cur.execute("SELECT 1 FROM users WHERE login = ?", [login]).fetchone():
            raise ValidationError(f"Đã có tài khoản «{login}».")
        if village_id is not None and not cur.execute("SELECT 1 FROM villages WHERE id = ?", [village_id]).fetchone():
            raise ValidationError(f"Thôn số {village_id} không tồn tại.")
        values = {"login": login, "full_name": clean(data.get("full_name")), "role": role, "village_id": village_id,
                  "is_admin": first or bool(is_admin), "password_hash": _hasher.hash(password)}
        return insert_row(cur, "users", values, actor if not first else login)


def update_user(con, user_id: int, data: dict, *, actor, expected_version: int | None = None) -> None:
    """Change an account's name, role, village, administrator flag or active state (never its login)."""
    errors: list[str] = []
    user_id, expected_version = record_id(user_id, "tài khoản"), record_version(expected_version)
    data = form_values(as_mapping(data, "tài khoản"))
    check_text_fields(data, {"full_name": "Họ và tên", "role": "Vai trò"}, errors)
    role, village_id = _role_and_village(data, errors)
    admin = parse_flag(data.get("is_admin"), "Quyền quản trị", errors)
    active = True if data.get("active") is None else parse_flag(data["active"], "Đang hoạt động", errors)
    if errors:
        raise ValidationError(errors)
    authorize(con, actor, "users")
    with transaction(con) as cur:
        current = fetch_row(cur, "users", user_id)
        if current is None:
            raise ValidationError(f"Không tìm thấy tài khoản số {user_id}.")
        if current["is_admin"] and (not admin or not active) and cur.execute(
                "SELECT count(*) FROM users WHERE is_admin AND active AND id <> ?", [user_id]).fetchone()[0] == 0:
            raise ValidationError("Đây là tài khoản quản trị duy nhất: tạo hoặc cấp quyền quản trị cho tài khoản khác "
                                  "trước.")
        values = {"full_name": clean(data.get("full_name")), "role": role, "village_id": village_id,
                  "is_admin": admin, "active": active}
        update_row(cur, "users", user_id, values, actor, expected_version, "Tài khoản")


def set_password(con, login: str, password: str | None, *, actor) -> None:
    """A new password (the administrator for anyone, a user for themself); clears a lockout."""
    errors: list[str] = []
    _check_password(password, errors)
    if errors:
        raise ValidationError(errors)
    login = (clean(login) if isinstance(login, str) else "").lower()
    with transaction(con) as cur:
        row = cur.execute("SELECT id, version FROM users WHERE login = ?", [login]).fetchone()
        if row is None:
            raise ValidationError(f"Không có tài khoản «{shown(login)}».")
        if not (isinstance(actor, User) and actor.login == login):
            authorize(con, actor, "users")
        update_row(cur, "users", row[0], {"password_hash": _hasher.hash(password), "failed_attempts": 0,
                                          "locked_until": None}, actor, None, "Tài khoản", action="password")
        cur.execute("DELETE FROM sessions WHERE login = ?", [login])  # signed out everywhere else


def sign_in(con, login: str, password: str, *, now: dt.datetime | None = None) -> User:
    """The user for a correct login and password; else a Vietnamese refusal that does not say which was wrong.
    Every attempt is written (and committed before a refusal): failures count towards the lockout, and the audit log
    keeps them."""
    now = now or dt.datetime.now()
    login = (clean(login) or "").lower()[:60]
    refusal = None
    with transaction(con) as cur:
        found = cur.execute("SELECT id FROM users WHERE login = ?", [login]).fetchone()
        row = fetch_row(cur, "users", found[0]) if found else None
        if row is None or not row["active"]:
            audit(cur, login or "?", "sign_in_failed", "users", None, None, {"login": login})
            refusal = "Sai tên đăng nhập hoặc mật khẩu."
        elif row["locked_until"] and row["locked_until"] > now:
            wait = math.ceil((row["locked_until"] - now).total_seconds() / 60)  # 15 at the start, 1 in the last
            refusal = (f"Tài khoản tạm khóa vì nhập sai mật khẩu {MAX_FAILURES} lần: thử lại sau {wait} phút, hoặc "
                       "nhờ quản trị viên đặt lại mật khẩu.")
        elif not _matches(row["password_hash"], password):
            failures = row["failed_attempts"] + 1
            locked = now + dt.timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
            update_row(cur, "users", row["id"], {"failed_attempts": 0 if locked else failures, "locked_until": locked},
                       login, None, "Tài khoản", action="sign_in_failed")
            refusal = (f"Sai mật khẩu {MAX_FAILURES} lần liên tiếp: tài khoản tạm khóa {LOCK_MINUTES} phút." if locked
                       else "Sai tên đăng nhập hoặc mật khẩu.")
        else:
            update_row(cur, "users", row["id"], {"failed_attempts": 0, "locked_until": None, "last_login": now},
                       login, None, "Tài khoản", action="sign_in")
    if refusal:
        raise ValidationError(refusal)
    return _user(row)


def _matches(password_hash: str, password: str | None) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def _user(row: dict) -> User:
    return User(login=row["login"], role=row["role"], village_id=row["village_id"], is_admin=bool(row["is_admin"]),
                full_name=row["full_name"])


def current(con, session: dict | None) -> User | None:
    """The signed-in session's user if the account still exists, is active and has that role and village (checked
    on every run: an account changed or closed meanwhile signs out)."""
    if not session or not isinstance(session, dict):
        return None
    rel = con.cursor().execute("SELECT * FROM users WHERE login = ?", [session.get("login")])
    found = rel.fetchone()
    if found is None:
        return None
    row = dict(zip([d[0] for d in rel.description], found))
    if not row["active"] or row["role"] != session.get("role") or row["village_id"] != session.get("village_id"):
        return None
    return _user(row)


# --- signed-in browsers ----------------------------------------------------------------------------------------
# Streamlit forgets a browser's session on a reload; the browser keeps a random token in a cookie and the database
# its SHA-256 (a copied database opens no session). A token is good while its session has not been idle longer than
# the setting «session_minutes» and its account is still active with the same role and village.

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(con, user: User) -> str:
    """A new token for a browser that has just signed in."""
    token = secrets.token_urlsafe(32)
    with transaction(con) as cur:
        cur.execute("INSERT INTO sessions (token_hash, login) VALUES (?, ?)", [_digest(token), user.login])
    return token


def resume_session(con, token: str | None, *, now: dt.datetime | None = None) -> User | None:
    """The user of a token from a cookie, if that session is still good (and it counts as activity)."""
    if not token or len(token) > 100:
        return None
    now = now or dt.datetime.now()
    minutes = int(settings(con)["session_minutes"])
    with transaction(con) as cur:
        cur.execute("DELETE FROM sessions WHERE last_seen < ?", [now - dt.timedelta(minutes=minutes)])
        found = cur.execute("SELECT u.login, u.role, u.village_id FROM sessions s JOIN users u ON u.login = s.login "
                            "WHERE s.token_hash = ? AND u.active", [_digest(token)]).fetchone()
        if found is not None:
            cur.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", [now, _digest(token)])
    return current(con, dict(zip(("login", "role", "village_id"), found))) if found else None


def touch_session(con, token: str | None) -> None:
    """Activity in an open browser keeps its token good for a reload."""
    if token:
        with transaction(con) as cur:
            cur.execute("UPDATE sessions SET last_seen = current_localtimestamp() WHERE token_hash = ?",
                        [_digest(token)])


def close_session(con, token: str | None) -> None:
    """Sign out: the token stops working, whoever holds a copy."""
    if token:
        with transaction(con) as cur:
            cur.execute("DELETE FROM sessions WHERE token_hash = ?", [_digest(token)])


def users(con) -> pd.DataFrame:
    return con.cursor().execute(
        "SELECT u.id, u.login, u.full_name, u.role, u.village_id, v.name AS village, u.is_admin, u.active, "
        "u.last_login, u.locked_until, u.version FROM users u LEFT JOIN villages v ON v.id = u.village_id "
        "ORDER BY u.active DESC, u.login").df()
