"""Tài khoản: the app's accounts and roles (administrators only), and the commune settings that decide what a role
may do. Passwords are set here or on the machine with `python -m db user passwd`; never shown, never stored."""
import pandas as pd
import streamlit as st

from db import places, users
from db.core.labels import ROLES
from db.core.writes import ValidationError, VersionConflict, fetch_row
from pages.common import (Editing, actor, connection, current_user, flash, fmt_date, is_missing, show_errors, show_flash,
                          table)

con = connection()
if not current_user().is_admin:  # the page is only in an administrator's navigation; the write path checks again
    st.error("Chỉ quản trị viên quản lý tài khoản.", icon=":material/lock:")
    st.stop()
accounts = users.users(con)
villages = places.villages(con)
village_names = dict(zip(villages["id"].astype(int).tolist(), villages["label"]))


def account(user_id: int) -> dict | None:
    """The stored account as the edit form opens it, without its password hash (never kept in the session)."""
    row = fetch_row(con.cursor(), "users", user_id)
    return None if row is None else {k: v for k, v in row.items() if k != "password_hash"}


def saved(message: str, where: str) -> None:
    flash(message, where)
    st.session_state["users_generation"] = st.session_state.get("users_generation", 0) + 1
    st.rerun()


generation = st.session_state.get("users_generation", 0)
st.title("Tài khoản")
st.caption("Mỗi người dùng một tài khoản riêng; nhật ký thay đổi ghi đúng người đã sửa. Vai trò quyết định trang nào "
           "hiện ra và việc gì được làm: cán bộ tư pháp sửa mọi số liệu của xã; lãnh đạo xem, duyệt chi và quyết định "
           "khen thưởng; tổ trưởng / trưởng thôn xem thôn mình (nhập vụ việc của tổ nếu xã cho phép); màn hình trình "
           "chiếu chỉ xem, ẩn thông tin cá nhân, không tải tệp.")
show_flash()

table(accounts.assign(
    role_label=accounts["role"].map(ROLES),
    village_label=accounts["village"].fillna(""),
    admin=accounts["is_admin"].map({True: "Có", False: ""}),
    state=[("Đang dùng" if active else "Đã khóa") + (f", tạm khóa đến {locked:%H:%M %d/%m}" if not is_missing(locked)
                                                      and locked > pd.Timestamp.now() else "")
           for active, locked in zip(accounts["active"], accounts["locked_until"])],
    last=accounts["last_login"].map(lambda t: "" if is_missing(t) else f"{t:%H:%M} {fmt_date(t)}"),
), column_order=["login", "full_name", "role_label", "village_label", "admin", "state", "last"],
    column_config={"login": st.column_config.TextColumn("Tên đăng nhập", width=150),
                   "full_name": st.column_config.TextColumn("Họ và tên", width=180),
                   "role_label": st.column_config.TextColumn("Vai trò", width=170),
                   "village_label": st.column_config.TextColumn("Thôn", width=130),
                   "admin": st.column_config.TextColumn("Quản trị", width=80),
                   "state": st.column_config.TextColumn("Trạng thái", width=180),
                   "last": st.column_config.TextColumn("Đăng nhập gần nhất", width=150)}, max_rows=12)

tab_new, tab_edit, tab_settings = st.tabs(["Thêm tài khoản", "Sửa, khóa, đặt lại mật khẩu", "Quyền của các vai trò"],
                                          key="users_tab", on_change="rerun")
role_codes = list(ROLES)
with tab_new:
    form_id = f"user_new_{generation}"
    with st.form(form_id, enter_to_submit=False):
        a1, a2, a3 = st.columns(3)
        login = a1.text_input("Tên đăng nhập *", placeholder="VD: lanhdao.doanket", key=f"{form_id}_login")
        name = a2.text_input("Họ và tên", key=f"{form_id}_name")
        role = a3.selectbox("Vai trò *", role_codes, format_func=ROLES.get, key=f"{form_id}_role")
        b1, b2, b3 = st.columns(3)
        village = b1.selectbox("Thôn (tổ trưởng / trưởng thôn)", [None, *village_names], key=f"{form_id}_village",
                               format_func=lambda v: "—" if v is None else village_names[v])
        password = b2.text_input("Mật khẩu ban đầu * (ít nhất 8 ký tự)", type="password", key=f"{form_id}_password")
        admin = b3.checkbox("Quản trị (quản lý tài khoản, sao lưu, khôi phục)", key=f"{form_id}_admin")
        adding = st.form_submit_button("Thêm tài khoản", type="primary", icon=":material/person_add:")
    if adding:
        try:
            users.add_user(con, {"login": login, "full_name": name, "role": role, "village_id": village,
                                 "is_admin": admin}, password, actor=actor())
        except ValidationError as exc:
            show_errors(exc)
        else:
            saved(f"Đã thêm tài khoản «{login.strip().lower()}» ({ROLES[role]}). Báo mật khẩu ban đầu cho người dùng "
                  "và nhắc đổi mật khẩu sau lần đăng nhập đầu.", "new")
    show_flash("new")

with tab_edit:
    ids = dict(zip(accounts["id"].astype(int).tolist(), accounts["login"]))
    chosen = st.selectbox("Tài khoản", list(ids), format_func=ids.get, key="users_open")
    row = accounts[accounts["id"] == chosen].iloc[0]
    edit = Editing(f"user_{chosen}", "users", lambda: account(chosen))
    mine = edit.record
    form_id = edit.key
    with st.form(form_id, enter_to_submit=False):
        e1, e2, e3 = st.columns(3)
        name = e1.text_input("Họ và tên", value=mine.get("full_name") or "", key=f"{form_id}_name")
        role = e2.selectbox("Vai trò", role_codes, index=role_codes.index(mine.get("role") or row["role"]),
                            format_func=ROLES.get, key=f"{form_id}_role")
        options = [None, *village_names]
        village = e3.selectbox("Thôn", options, format_func=lambda v: "—" if v is None else village_names[v],
                               index=options.index(mine["village_id"]) if mine.get("village_id") in options else 0,
                               key=f"{form_id}_village")
        f1, f2 = st.columns(2)
        admin = f1.checkbox("Quản trị", value=bool(mine.get("is_admin")), key=f"{form_id}_admin")
        active = f2.checkbox("Đang dùng (bỏ chọn để khóa tài khoản)", value=bool(mine.get("active")),
                             key=f"{form_id}_active")
        saving = st.form_submit_button("Lưu tài khoản", icon=":material/save:")
    if not saving:
        edit.show_conflict()
    else:
        try:
            users.update_user(con, chosen, {"full_name": name, "role": role, "village_id": village, "is_admin": admin,
                                            "active": active}, actor=actor(), expected_version=edit.version)
        except VersionConflict:
            edit.conflict()
        except ValidationError as exc:
            show_errors(exc)
        else:
            edit.saved()
            saved(f"Đã lưu tài khoản «{row['login']}».", "edit")
    form_id = f"user_password_{chosen}_{generation}"
    with st.form(form_id, enter_to_submit=False):
        new = st.text_input(f"Mật khẩu mới cho «{row['login']}» (ít nhất 8 ký tự)", type="password",
                            key=f"{form_id}_password")
        resetting = st.form_submit_button("Đặt lại mật khẩu", icon=":material/password:")
    if resetting:
        try:
            users.set_password(con, row["login"], new, actor=actor())
        except ValidationError as exc:
            show_errors(exc)
        else:
            edit.saved()  # the account's version moved: the form above reads it again
            saved(f"Đã đặt lại mật khẩu của «{row['login']}» (tài khoản được mở khóa nếu đang tạm khóa).", "edit")
    show_flash("edit")

with tab_settings:
    current = users.settings(con)
    form_id = f"settings_{generation}"
    with st.form(form_id, enter_to_submit=False):
        label, choices, _ = users.SETTINGS["to_truong_nhap_vu_viec"]
        entry = st.radio(label, list(choices), format_func=choices.get, horizontal=True,
                         index=list(choices).index(current["to_truong_nhap_vu_viec"]), key=f"{form_id}_entry",
                         help="Có: tổ trưởng / trưởng thôn nhập, sửa vụ việc của tổ mình và xem họ tên các bên của thôn "
                              "mình. Không: chỉ xem số liệu của thôn, không thấy thông tin cá nhân của các bên.")
        minutes = st.number_input(users.SETTINGS["session_minutes"][0], min_value=5, max_value=480, step=5,
                                  value=int(current["session_minutes"]), key=f"{form_id}_minutes")
        saving = st.form_submit_button("Lưu", icon=":material/save:")
    if saving:
        try:
            users.save_setting(con, "to_truong_nhap_vu_viec", entry, actor=actor())
            users.save_setting(con, "session_minutes", str(int(minutes)), actor=actor())
        except ValidationError as exc:
            show_errors(exc)
        else:
            saved("Đã lưu quyền của các vai trò.", "settings")
    show_flash("settings")
