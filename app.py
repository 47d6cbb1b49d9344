"""Router: page config, the global filters (kept in the URL as nam/thon/trinh_chieu), navigation."""
import datetime as dt

import streamlit as st

from db import places, results
from db.labels import ALL_VILLAGES
from pages.common import BASE_CSS, PRESENTATION_CSS, connection, start_logging, unexpected_errors

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


def _from_url(key: str, allowed, default):
    """A filter's first value in this session: the URL's if it is valid, else the default."""
    raw = st.query_params.get(key)
    try:
        value = int(raw) if raw not in (None, "") else None
    except ValueError:
        value = None
    return value if value in allowed else default


def _keep(key: str, widget_key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]


def _set_filters(con, years: list[int]) -> tuple[int, dict]:
    """The filters live in plain session keys ("nam", "thon"); the widgets only mirror them (index from the
    plain key), so a page switch or rerun never resets a filter to a widget default. When a page moves a
    filter (go_to), the widgets get new keys, so the browser shows the new value too. Returns that key
    generation and the villages of the chosen year (merged or dissolved ones only in the years they existed)."""
    if "nam" not in st.session_state:
        st.session_state["nam"] = _from_url("nam", years, results.default_year(con))
    goto = st.session_state.pop("_goto", None)  # a page asked to move the filters (e.g. to show a new case)
    if goto and goto["nam"] in years:
        st.session_state["nam"] = goto["nam"]
    village_table = places.villages(con, year=st.session_state["nam"])
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


def _sidebar(con, years: list[int], village_names: dict, generation: int) -> None:
    if "_session_started" not in st.session_state:
        st.session_state["_session_started"] = True
        st.html(CLOSE_PAGE_NOT_FOUND, unsafe_allow_javascript=True)
    st.markdown(f"**{places.commune_title(con)}**")
    if places.has_demo_data(con):
        st.caption(":material/info: Dữ liệu minh họa, hư cấu — không phải người thật.")
    st.selectbox("Năm", years, index=years.index(st.session_state["nam"]), key=f"_nam_{generation}",
                 on_change=_keep, args=("nam", f"_nam_{generation}"),
                 help="Năm báo cáo, tính theo ngày nhận vụ việc.")
    latest = results.default_year(con)
    if st.session_state["nam"] == latest < dt.date.today().year:
        st.caption(f"Năm {latest} là năm gần nhất có vụ việc; năm {dt.date.today().year} chưa có vụ việc nào.")
    thon_options = [ALL, *village_names]
    st.selectbox("Thôn", thon_options, index=thon_options.index(st.session_state["thon"]),
                 key=f"_thon_{generation}", on_change=_keep, args=("thon", f"_thon_{generation}"),
                 format_func=lambda v: village_names.get(v, ALL_VILLAGES))
    _presentation_switch()
    st.html(COPY_LINK, unsafe_allow_javascript=True)


def _keep_view_in_url() -> None:
    """Keep the view in the URL so a link reproduces it (CONTRACT.md: nam, thon = village id, trinh_chieu)."""
    st.query_params["nam"] = str(st.session_state["nam"])
    if st.session_state["thon"] == ALL:
        st.query_params.pop("thon", None)
    else:
        st.query_params["thon"] = str(st.session_state["thon"])
    if st.session_state["present"]:
        st.query_params["trinh_chieu"] = "1"
    else:
        st.query_params.pop("trinh_chieu", None)


def _pages(has_commune: bool) -> dict:
    """The pages by section, in the top bar (the sidebar keeps the filters in view). A file without a commune yet
    (python -m db init --empty, or just after leaving the demo) opens on «Thiết lập xã»."""
    return {
        "": [
            st.Page("pages/overview.py", title="Tổng quan", icon=":material/dashboard:", url_path="tong-quan",
                    default=has_commune),
        ],
        "Hồ sơ hòa giải": [
            st.Page("pages/cases.py", title="Vụ việc hòa giải", icon=":material/menu_book:", url_path="vu-viec"),
        ],
        "Kế hoạch": [
            st.Page("pages/plan.py", title="Kế hoạch", icon=":material/event_note:", url_path="ke-hoach"),
        ],
        "Tổ chức": [
            st.Page("pages/teams.py", title="Tổ hòa giải", icon=":material/groups:", url_path="to-hoa-giai"),
            st.Page("pages/mediators.py", title="Hòa giải viên", icon=":material/person:", url_path="hoa-giai-vien"),
            st.Page("pages/trainings.py", title="Tập huấn", icon=":material/school:", url_path="tap-huan"),
        ],
        "Kinh phí": [
            st.Page("pages/funding.py", title="Kinh phí", icon=":material/payments:", url_path="kinh-phi"),
        ],
        "Chuẩn tiếp cận pháp luật": [
            st.Page("pages/criteria.py", title="Tiêu chí", icon=":material/fact_check:", url_path="tieu-chi"),
            st.Page("pages/evidence.py", title="Hồ sơ kiểm chứng", icon=":material/folder_open:",
                    url_path="ho-so-kiem-chung"),
        ],
        "Đánh giá, khen thưởng": [
            st.Page("pages/quality.py", title="Chất lượng tổ", icon=":material/leaderboard:", url_path="chat-luong-to"),
            st.Page("pages/commendation.py", title="Khen thưởng", icon=":material/military_tech:", url_path="khen-thuong"),
        ],
        "Cài đặt": [
            st.Page("pages/setup.py", title="Thiết lập xã", icon=":material/location_city:", url_path="thiet-lap-xa",
                    default=not has_commune),
            st.Page("pages/importing.py", title="Nhập dữ liệu", icon=":material/upload_file:", url_path="nhap-du-lieu"),
            st.Page("pages/rates.py", title="Mức chi", icon=":material/price_change:", url_path="muc-chi"),
            st.Page("pages/score_settings.py", title="Mô hình chấm điểm", icon=":material/tune:",
                    url_path="mo-hinh-cham-diem"),
        ],
    }


if "present" not in st.session_state:  # presentation mode: from the URL (a bookmarked meeting link)
    st.session_state["present"] = st.query_params.get("trinh_chieu") == "1"
st.set_page_config(page_title="Hòa giải ở cơ sở", page_icon="🤝", layout="wide",
                   initial_sidebar_state="collapsed" if st.session_state["present"] else "auto")
st.html(BASE_CSS)
if st.session_state["present"]:
    st.html(PRESENTATION_CSS)
start_logging()

with unexpected_errors():  # any error below: one Vietnamese message, logged; never Streamlit's English box
    con = connection()
    years = sorted(set(results.case_years_for_filter(con)), reverse=True)
    generation, village_names = _set_filters(con, years)
    with st.sidebar:
        _sidebar(con, years, village_names, generation)
    _keep_view_in_url()

    page = st.navigation(_pages(has_commune=not places.communes(con).empty), position="top")
    page.run()
