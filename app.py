"""Router: page config, the global filters (kept in the URL as nam/thon/trinh_chieu), navigation."""
import datetime as dt
import time

import streamlit as st

from db import places, users
from db.cases import results
from db.tools import rollup
from db.core.labels import ALL_COMMUNES, ALL_PROVINCES, ALL_VILLAGES, ROLES
from db.core.text import fold
from db.core.writes import ValidationError
from pages.common import (BASE_CSS, PRESENTATION_CSS, daily_backup, md_text, open_connection, presenting, reader,
                          show_errors, start_logging, unexpected_errors)

ALL = 0  # the "Tất cả các thôn" option (a selectbox shows None as "nothing chosen")

# A session's first run can go through Streamlit's legacy pages/ mode (the folder is CONTRACT.md's) while the
# server's first session has not reached st.navigation yet; a deep link such as /vu-viec then gets an English
# "Page not found" dialog over the right page. Close that dialog if it comes in the session's first seconds.
CLOSE_PAGE_NOT_FOUND = """<script>
(() => {
  const close = () => document.querySelectorAll('[role="dialog"]').forEach(dialog => {
    if (dialog.querySelector('h2')?.textContent === 'Page not found') {
      dialog.querySelector('button[aria-label="Close"]')?.click();
    }
  });
  const watch = new MutationObserver(close);
  watch.observe(document.body, {childList: true, subtree: true});
  close();
  setTimeout(() => watch.disconnect(), 10000);
})();
</script>"""

# "Sao chép liên kết": the browser's address holds the whole view (page, nam, thon, trinh_chieu and the
# page's own filters), so the button copies it as it is at the moment of the click.
COPY_LINK = """<div class="hg-copy-link">
<button type="button" id="hg-copy-link" title="Dán liên kết vào tin nhắn hoặc lưu làm dấu trang: mở lại đúng trang,
năm, thôn và chế độ đang xem.">Sao chép liên kết</button>
<div id="hg-copy-result" role="status"></div>
</div>
<style>
.hg-copy-link button { padding: 0.35rem 0.75rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.2); background: white; color: inherit; font: inherit; }
.hg-copy-link button:hover { border-color: #c62828; color: #c62828; }
#hg-copy-result { font-size: 0.85rem; color: #2e7d32; min-height: 1.2rem; }
</style>
<script>
(() => {
  const button = document.getElementById('hg-copy-link');
  const result = document.getElementById('hg-copy-result');
  if (!button || button.dataset.ready) return;
  button.dataset.ready = '1';
  button.addEventListener('click', async () => {
    const url = window.location.href;
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch (error) {  // no clipboard API on a plain-http address in the commune network: the old way
      const area = document.createElement('textarea');
      area.value = url;
      document.body.appendChild(area);
      area.select();
      copied = document.execCommand('copy');
      area.remove();
    }
    result.textContent = copied ? 'Đã sao chép liên kết.' : 'Không sao chép được: hãy chép địa chỉ trên thanh địa chỉ.';
  });
})();
</script>"""


def _from_url(key: str, allowed, default, *, text: bool = False):
    """A filter's first value in this session: the URL's if it is valid, else the default."""
    raw = st.query_params.get(key)
    try:
        value = raw if text else int(raw) if raw not in (None, "") else None
    except ValueError:
        value = None
    return value if value in allowed else default


def _set_place(communes, goto: dict | None) -> dict:
    """The province and commune filters of a file of many communes (a province's roll-up, a national file): kept
    in plain session keys «tinh» (the province's name) and «xa» (the commune id), like «nam» and «thon». A link
    naming only a commune or a village sets the places above it. Returns the communes in the chosen province
    ({id: name}); a commune's own file has one, and no place filter is shown."""
    provinces = sorted(set(communes["province"]), key=fold)
    by_id = communes.set_index("id")
    if "tinh" not in st.session_state:
        st.session_state["tinh"] = _from_url("tinh", provinces, provinces[0] if len(provinces) == 1 else None,
                                             text=True)
    if "xa" not in st.session_state:
        st.session_state["xa"] = _from_url("xa", set(by_id.index.tolist()), ALL)
        if st.session_state["xa"] != ALL:
            st.session_state["tinh"] = by_id.at[st.session_state["xa"], "province"]
    if goto and goto.get("xa") not in (None, -1):
        st.session_state["xa"] = goto["xa"] or ALL
        if goto["xa"]:
            st.session_state["tinh"] = by_id.at[goto["xa"], "province"]
    if st.session_state["tinh"] not in provinces:
        st.session_state["tinh"] = provinces[0] if len(provinces) == 1 else None
    shown = communes if st.session_state["tinh"] is None else communes[communes["province"] == st.session_state["tinh"]]
    names = dict(zip(shown["id"].tolist(), shown["name"]))
    if st.session_state["xa"] not in names:
        st.session_state["xa"] = ALL
    return names


def _keep(key: str, widget_key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]


def _set_filters(con, read, years: list[int]) -> tuple[int, dict]:
    """The filters live in plain session keys ("nam", "thon"); the widgets only mirror them (index from the
    plain key), so a page switch or rerun never resets a filter to a widget default. When a page moves a
    filter (go_to), the widgets get new keys, so the browser shows the new value too. Returns that key
    generation and the villages of the chosen year (merged or dissolved ones only in the years they existed)."""
    if "nam" not in st.session_state:
        st.session_state["nam"] = _from_url("nam", years, read(results.default_year))
    goto = st.session_state.pop("_goto", None)  # a page asked to move the filters (e.g. to show a new case)
    if goto and goto["nam"] in years:
        st.session_state["nam"] = goto["nam"]
    village_table = read(places.villages, st.session_state["nam"])
    communes = read(places.communes)
    if len(communes) > 1:  # a file of many communes: a village is chosen within its commune
        if "thon" not in st.session_state and "xa" not in st.session_state and "xa" not in st.query_params:
            linked = _from_url("thon", set(village_table["id"].tolist()), ALL)
            if linked != ALL:  # a link naming a village opens its commune too
                st.session_state["xa"] = int(village_table.set_index("id").at[linked, "commune_id"])
        if goto and goto["thon"] not in (None, -1) and goto["thon"] in set(village_table["id"].tolist()):
            goto.setdefault("xa", int(village_table.set_index("id").at[goto["thon"], "commune_id"]))
        _set_place(communes, goto)
        village_table = village_table[village_table["commune_id"] == st.session_state["xa"]]
    village_names = dict(zip(village_table["id"].tolist(), village_table["label"]))
    if "thon" not in st.session_state:
        st.session_state["thon"] = _from_url("thon", village_names, ALL)
    if goto:
        if goto["thon"] != -1:
            st.session_state["thon"] = goto["thon"] or ALL
        st.session_state["_filter_generation"] = st.session_state.get("_filter_generation", 0) + 1
    if st.session_state["thon"] not in village_names:
        st.session_state["thon"] = ALL
    return st.session_state.get("_filter_generation", 0), village_names


def _presentation_switch() -> None:
    """Entering presentation mode is one click; leaving it is a deliberate step with a warning, so nobody at
    the meeting screen shows the parties' names by a stray click (the sidebar is folded away there too)."""
    if not st.session_state["present"]:
        if st.button("Chế độ trình chiếu", icon=":material/co_present:", key="_present_on",
                     help="Chữ lớn, chỉ xem, ẩn thông tin cá nhân của các bên (tên viết tắt, không địa chỉ, tuổi, "
                          "điện thoại, không nội dung vụ việc), không tải tệp. Dùng khi chiếu trong cuộc họp."):
            st.session_state["present"] = True
            st.rerun()
        return
    st.caption(":material/co_present: Đang trình chiếu: chỉ xem, ẩn thông tin cá nhân của các bên.")
    if not st.session_state.get("_present_leaving"):
        if st.button("Thoát chế độ trình chiếu…", key="_present_off"):
            st.session_state["_present_leaving"] = True
            st.rerun()
        return
    st.warning("Thoát sẽ hiện lại họ tên, tuổi, địa chỉ các bên, nội dung vụ việc và các nút sửa. Chỉ thoát khi "
               "màn hình không còn chiếu cho người khác xem.", icon=":material/warning:")
    leave, stay = st.columns(2)
    if leave.button("Thoát", type="primary", key="_present_off_confirm"):
        st.session_state["present"] = False
        st.session_state.pop("_present_leaving")
        st.rerun()
    if stay.button("Tiếp tục trình chiếu", key="_present_off_cancel"):
        st.session_state.pop("_present_leaving")
        st.rerun()


def _first_administrator(con) -> None:
    """A file without any account: its first account is created here and is the administrator."""
    st.title("Tạo tài khoản quản trị")
    if isinstance(st.context.ip_address, str):  # another machine of the network (the app's own machine gives None)
        st.info("Tệp dữ liệu này chưa có tài khoản nào. Tài khoản quản trị đầu tiên chỉ tạo được trên chính máy chạy "
                "ứng dụng: mở http://localhost:8501 trên máy đó, hoặc chạy lệnh "
                "`python -m db user add TÊN_ĐĂNG_NHẬP --role can_bo_tu_phap`.", icon=":material/lock:")
        return
    st.caption("Lần đầu dùng ứng dụng trên máy này: tạo tài khoản quản trị (thường là công chức Tư pháp – Hộ tịch). "
               "Tài khoản này tạo các tài khoản khác (lãnh đạo, tổ trưởng, màn hình trình chiếu) ở trang «Tài khoản».")
    with st.form("first_admin", enter_to_submit=False):
        login = st.text_input("Tên đăng nhập *", placeholder="VD: tuphap.doanket", key="first_login")
        name = st.text_input("Họ và tên", key="first_name")
        password = st.text_input("Mật khẩu * (ít nhất 8 ký tự)", type="password", key="first_password")
        again = st.text_input("Nhập lại mật khẩu *", type="password", key="first_again")
        created = st.form_submit_button("Tạo tài khoản và đăng nhập", type="primary", icon=":material/person_add:")
    if created:
        try:
            if password != again:
                raise ValidationError("Hai lần nhập mật khẩu không giống nhau.")
            users.add_user(con, {"login": login, "full_name": name, "role": "can_bo_tu_phap"}, password,
                           actor=login or "?")
            _signed_in(con, users.sign_in(con, login, password))
        except ValidationError as exc:
            show_errors(exc)


def _sign_in_form(con) -> None:
    st.title("Đăng nhập")
    st.caption(f"{places.commune_title(con)} · Hòa giải ở cơ sở")
    if note := st.session_state.pop("_signin_note", None):
        st.info(note, icon=":material/schedule:")
    with st.form("sign_in", enter_to_submit=True):
        login = st.text_input("Tên đăng nhập", key="signin_login")
        password = st.text_input("Mật khẩu", type="password", key="signin_password")
        submitted = st.form_submit_button("Đăng nhập", type="primary", icon=":material/login:")
    if submitted:
        try:
            _signed_in(con, users.sign_in(con, login, password))
        except ValidationError as exc:
            show_errors(exc)
    st.caption("Quên mật khẩu: nhờ quản trị viên đặt lại, hoặc trên máy chạy ứng dụng: "
               "`python -m db user passwd TÊN_ĐĂNG_NHẬP`.")


# A browser that signed in keeps a random token in this cookie (db/users/__init__.py «signed-in browsers»): a reload, a
# second tab or a bookmarked meeting link opens without a new sign-in while the session is not idle too long.
SESSION_COOKIE = "hg_phien"


def _cookie_script(token: str | None) -> str:
    value = f"{token}; max-age=43200" if token else "; max-age=0"  # the server decides how long a token is good
    return f"<script>document.cookie = '{SESSION_COOKIE}={value}; path=/; SameSite=Strict';</script>"


def _signed_in(con, user: users.User) -> None:
    _start_session(user, users.open_session(con, user))
    st.session_state["_cookie"] = st.session_state["_token"]  # written into the browser on the next run
    for key in ("signin_password", "first_password", "first_again"):
        st.session_state.pop(key, None)
    st.rerun()


def _start_session(user: users.User, token: str) -> None:
    st.session_state.update(user=user.session(), _token=token, _last_seen=time.time(), _touched=time.time())
    if user.role == "trinh_chieu":
        st.session_state["present"] = True


def _sign_out(con, note: str | None = None) -> None:
    users.close_session(con, st.session_state.get("_token"))
    for key in ("user", "_user_checked", "_last_seen", "_token", "nam", "tinh", "xa", "thon", "present"):
        st.session_state.pop(key, None)
    st.session_state["_cookie"] = None  # the browser forgets the token too
    if note:
        st.session_state["_signin_note"] = note


def _sign_in_gate(con) -> users.User:
    """The signed-in user, checked on every run (the account still exists, is active, has that role and village);
    else the first-run step or the sign-in form, and nothing else of the app. A reload keeps the sign-in through
    the browser's cookie; an idle session signs out."""
    if "_cookie" in st.session_state:
        st.html(_cookie_script(st.session_state.pop("_cookie")), unsafe_allow_javascript=True)
    user = users.current(con, st.session_state.get("user"))
    token = st.context.cookies.get(SESSION_COOKIE)
    if user is None and isinstance(token, str) and token:  # (a test harness without a browser has no real cookie)
        if (user := users.resume_session(con, token)) is not None:
            _start_session(user, token)
    minutes = int(users.settings(con)["session_minutes"])
    last_seen = st.session_state.get("_last_seen")
    if user and last_seen is not None and time.time() - last_seen > minutes * 60:
        _sign_out(con, f"Phiên làm việc đã kết thúc sau {minutes} phút không thao tác: hãy đăng nhập lại.")
        user = None
    if user is None:
        st.session_state.pop("user", None)
        st.session_state.pop("_user_checked", None)
        st.navigation(_closed_pages(), position="hidden")  # a deep link is kept for after the sign-in
        with st.columns([1, 1.3, 1])[1]:  # a narrow form in the middle, on the laptop as on the meeting screen
            if users.has_users(con):
                _sign_in_form(con)
            else:
                _first_administrator(con)
        st.stop()
    now = time.time()
    if now - st.session_state.get("_touched", 0) > 60:  # the token stays good for a reload (once a minute)
        users.touch_session(con, st.session_state.get("_token"))
        st.session_state["_touched"] = now
    st.session_state["_last_seen"] = now
    st.session_state["_user_checked"] = user
    return user


def _account(user: users.User) -> None:
    """Who is signed in, sign out, change one's own password."""
    st.caption(f":material/account_circle: {user.full_name or user.login} · {ROLES[user.role]}"
               + (" · quản trị" if user.is_admin else ""))
    if st.button("Đăng xuất", icon=":material/logout:", key="_sign_out"):
        _sign_out(open_connection(), "Đã đăng xuất.")
        st.rerun()
    if presenting():  # not on the meeting screen
        return
    with st.expander("Đổi mật khẩu"):
        with st.form("own_password", enter_to_submit=False, border=False):
            new = st.text_input("Mật khẩu mới (ít nhất 8 ký tự)", type="password", key="own_new")
            again = st.text_input("Nhập lại", type="password", key="own_again")
            changed = st.form_submit_button("Đổi mật khẩu")
        if changed:
            try:
                if new != again:
                    raise ValidationError("Hai lần nhập mật khẩu không giống nhau.")
                users.set_password(open_connection(), user.login, new, actor=user)
                st.success("Đã đổi mật khẩu.", icon=":material/check_circle:")
            except ValidationError as exc:
                show_errors(exc)


def _sidebar(con, read, user: users.User, years: list[int], village_names: dict, generation: int) -> None:
    communes = read(places.communes)
    provinces = communes["province"].nunique() if len(communes) > 1 else 0
    st.markdown(f"**{md_text(places.commune_title(con))}**" if not provinces else  # a file of many communes
                f"**{md_text(communes['province'].iloc[0]) if provinces == 1 else f'{provinces} tỉnh, thành phố'}"
                f" · {len(communes):,} xã**".replace(",", "."))
    if places.has_demo_data(con):
        st.caption(":material/info: Dữ liệu minh họa, hư cấu — không phải người thật.")
    if (made := read(rollup.rollup_info)) is not None:
        st.caption(f":material/lock: Tệp tổng hợp từ {len(made.get('sources', []))} tệp của xã — chỉ để xem; "
                   "sửa trên tệp của xã rồi tổng hợp lại.")
    st.selectbox("Năm", years, index=years.index(st.session_state["nam"]), key=f"_nam_{generation}",
                 on_change=_keep, args=("nam", f"_nam_{generation}"),
                 help="Năm báo cáo, tính theo ngày nhận vụ việc.")
    latest = read(results.default_year)
    if st.session_state["nam"] == latest < dt.date.today().year:
        st.caption(f"Năm {latest} là năm gần nhất có vụ việc; năm {dt.date.today().year} chưa có vụ việc nào.")
    if user.role == "to_truong":  # their own village only
        st.caption(f"Thôn: **{md_text(village_names.get(user.village_id, 'thôn của tài khoản'))}**")
    else:
        if len(communes) > 1:
            _place_filters(communes, generation)
        if len(communes) <= 1 or st.session_state["xa"] != ALL:
            thon_options = [ALL, *village_names]
            st.selectbox("Thôn", thon_options, index=thon_options.index(st.session_state["thon"]),
                         key=f"_thon_{generation}", on_change=_keep, args=("thon", f"_thon_{generation}"),
                         format_func=lambda v: village_names.get(v, ALL_VILLAGES))
    if user.role != "trinh_chieu":
        _presentation_switch()
    st.html(COPY_LINK, unsafe_allow_javascript=True)
    st.divider()
    _account(user)


def _pick_place(key: str, widget_key: str, below: tuple[str, ...]) -> None:
    """A province or commune chosen: the places below it go back to «all»."""
    st.session_state[key] = st.session_state[widget_key]
    for lower in below:
        st.session_state[lower] = ALL if lower != "tinh" else None


def _place_filters(communes, generation: int) -> None:
    """Province, then commune (a select box searches as one types; it lists only the chosen province's communes, a
    few hundred at most, never the country's 3,300)."""
    provinces = sorted(set(communes["province"]), key=fold)
    if len(provinces) > 1:
        options = [None, *provinces]
        st.selectbox("Tỉnh, thành phố", options, index=options.index(st.session_state["tinh"]),
                     key=f"_tinh_{generation}", on_change=_pick_place, args=("tinh", f"_tinh_{generation}", ("xa", "thon")),
                     format_func=lambda v: ALL_PROVINCES if v is None else v)
    if st.session_state["tinh"] is None:
        st.caption("Chọn tỉnh để chọn xã.")
        return
    shown = communes[communes["province"] == st.session_state["tinh"]]
    names = dict(zip(shown["id"].tolist(), shown["name"]))
    options = [ALL, *sorted(names, key=lambda c: fold(names[c]))]
    st.selectbox("Xã, phường", options, index=options.index(st.session_state["xa"]), key=f"_xa_{generation}",
                 on_change=_pick_place, args=("xa", f"_xa_{generation}", ("thon",)),
                 format_func=lambda v: names.get(v, ALL_COMMUNES),
                 help="Gõ vài chữ của tên xã để tìm.")


def _keep_view_in_url() -> None:
    """Keep the view in the URL so a link reproduces it (CONTRACT.md: nam, thon = village id, trinh_chieu)."""
    st.query_params["nam"] = str(st.session_state["nam"])
    for key in ("tinh", "xa"):  # a file of many communes only
        if st.session_state.get(key) in (None, ALL):
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = str(st.session_state[key])
    if st.session_state["thon"] == ALL:
        st.query_params.pop("thon", None)
    else:
        st.query_params["thon"] = str(st.session_state["thon"])
    if st.session_state["present"]:
        st.query_params["trinh_chieu"] = "1"
    else:
        st.query_params.pop("trinh_chieu", None)


# The pages and who sees them: each role gets only its pages in st.navigation (the write path checks again).
OFFICER, LEADER, VILLAGE, SCREEN = "can_bo_tu_phap", "lanh_dao", "to_truong", "trinh_chieu"
EVERYONE = {OFFICER, LEADER, VILLAGE, SCREEN}
COMMUNE_WIDE = {OFFICER, LEADER, SCREEN}
ADMIN = "quản trị"  # administrators only, whatever the role
PAGES = [  # section, file, title, icon, url, roles
    ("", "overview", "Tổng quan", "dashboard", "tong-quan", EVERYONE),
    ("Hồ sơ hòa giải", "cases", "Vụ việc hòa giải", "menu_book", "vu-viec", EVERYONE),
    ("Kế hoạch", "plan", "Kế hoạch", "event_note", "ke-hoach", COMMUNE_WIDE),
    ("Tổ chức", "teams", "Tổ hòa giải", "groups", "to-hoa-giai", EVERYONE),
    ("Tổ chức", "mediators", "Hòa giải viên", "person", "hoa-giai-vien", EVERYONE),
    ("Tổ chức", "trainings", "Tập huấn", "school", "tap-huan", EVERYONE),
    ("Kinh phí", "funding", "Kinh phí", "payments", "kinh-phi", COMMUNE_WIDE),
    ("Chuẩn tiếp cận pháp luật", "criteria", "Tiêu chí", "fact_check", "tieu-chi", COMMUNE_WIDE),
    ("Chuẩn tiếp cận pháp luật", "evidence", "Hồ sơ kiểm chứng", "folder_open", "ho-so-kiem-chung", COMMUNE_WIDE),
    ("Đánh giá, khen thưởng", "quality", "Chất lượng tổ", "leaderboard", "chat-luong-to", EVERYONE),
    ("Đánh giá, khen thưởng", "commendation", "Khen thưởng", "military_tech", "khen-thuong", COMMUNE_WIDE),
    ("Cài đặt", "setup", "Thiết lập xã", "location_city", "thiet-lap-xa", {OFFICER}),
    ("Cài đặt", "importing", "Nhập dữ liệu", "upload_file", "nhap-du-lieu", {OFFICER}),
    ("Cài đặt", "locks", "Khóa số liệu", "lock", "khoa-so-lieu", {OFFICER, LEADER}),
    ("Cài đặt", "rates", "Mức chi", "price_change", "muc-chi", {OFFICER}),
    ("Cài đặt", "score_settings", "Mô hình chấm điểm", "tune", "mo-hinh-cham-diem", {OFFICER}),
    ("Cài đặt", "audit", "Nhật ký thay đổi", "history", "nhat-ky", {OFFICER}),  # it holds personal data
    ("Cài đặt", "users", "Tài khoản", "manage_accounts", "tai-khoan", {ADMIN}),
    ("Cài đặt", "backups", "Sao lưu, khôi phục", "backup", "sao-luu", {ADMIN}),
]


def _pages(user: users.User, has_commune: bool) -> dict:
    """The signed-in user's pages by section, in the top bar (the sidebar keeps the filters in view). A file without
    a commune yet (python -m db init --empty, or just after leaving the demo) opens on «Thiết lập xã»."""
    sections: dict[str, list] = {}
    start = "overview" if has_commune or user.role != OFFICER else "setup"
    mine = [page for page in PAGES if user.role in page[5] or (ADMIN in page[5] and user.is_admin)]
    st.session_state["_pages"] = {f"pages/{name}.py" for _, name, *_ in mine}  # pages.common.page_link asks it
    for section, name, title, icon, url, roles in mine:
        sections.setdefault(section, []).append(
            st.Page(f"pages/{name}.py", title=title, icon=f":material/{icon}:", url_path=url, default=name == start))
    for section, name, title, icon, url, roles in PAGES:  # a link to a page of another role: said in Vietnamese
        if (section, name, title, icon, url, roles) not in mine:
            sections.setdefault(section, []).append(
                st.Page(_not_for_this_account(title), title=title, url_path=url, visibility="hidden"))
    return sections


def _not_for_this_account(title: str):
    def page() -> None:
        st.title(title)
        st.info(f"Trang «{title}» không dành cho tài khoản này. Chọn một trang khác ở thanh trên cùng.",
                icon=":material/block:")
    return page


def _closed_pages() -> list:
    """Before the sign-in: every page's address, none of its content. The address the browser asked for (a bookmark,
    a meeting link) is then known to st.navigation — no English «Page not found» — and stays in the address bar,
    so the same view opens once the user has signed in. The bare address opens a page of its own, so after the
    sign-in it opens the account's start page (the setup of an empty file for the officer)."""
    return [st.Page(lambda: None, title="Đăng nhập", url_path="dang-nhap", default=True)] + [
        st.Page(lambda: None, title=title, url_path=url, visibility="hidden") for _, _, title, _, url, _ in PAGES]


if "present" not in st.session_state:  # presentation mode: from the URL (a bookmarked meeting link)
    st.session_state["present"] = st.query_params.get("trinh_chieu") == "1"
st.set_page_config(page_title="Hòa giải ở cơ sở", page_icon="🤝", layout="wide",
                   initial_sidebar_state="collapsed" if st.session_state["present"] else "auto")
st.html(BASE_CSS)
large_type = st.session_state["present"]
if large_type:
    st.html(PRESENTATION_CSS)
start_logging()
st.session_state["_run_no"] = st.session_state.get("_run_no", 0) + 1  # pages.common.table numbers its tables per run

if "_session_started" not in st.session_state:
    st.session_state["_session_started"] = True
    st.html(CLOSE_PAGE_NOT_FOUND, unsafe_allow_javascript=True)
with unexpected_errors():  # any error below: one Vietnamese message, logged; never Streamlit's English box
    con = open_connection()
    user = _sign_in_gate(con)
    daily_backup(con)  # once a day, on the first use; a failure is said once and retried later
    if presenting() and not large_type:
        st.html(PRESENTATION_CSS)  # the meeting-screen account (also when its browser came back through the cookie)
    years = sorted(set(reader(con)(results.case_years_for_filter)), reverse=True)
    read = reader(con)
    generation, village_names = _set_filters(con, read, years)
    if user.role == "to_truong":
        st.session_state["thon"] = user.village_id  # the filter of a tổ trưởng is their own village
    with st.sidebar:
        _sidebar(con, read, user, years, village_names, generation)
    _keep_view_in_url()

    page = st.navigation(_pages(user, has_commune=not places.communes(con).empty), position="top")
    # pages.common.Editing: a form keeps the record as opened while the user stays on its page; opening the page
    # again (from another page) reads the records afresh.
    visit = st.session_state.setdefault("_visit", {"page": None, "n": 0})
    if visit["page"] != page.url_path:
        visit["page"], visit["n"] = page.url_path, visit["n"] + 1
    page.run()
