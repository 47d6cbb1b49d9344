"""Router: page config, the global filters (kept in the URL as nam/thon/trinh_chieu), navigation."""
import streamlit as st

from db import places, results
from db.labels import ALL_VILLAGES
from pages.common import PRESENTATION_CSS, connection

if "present" not in st.session_state:  # presentation mode: from the URL (a bookmarked meeting link)
    st.session_state["present"] = st.query_params.get("trinh_chieu") == "1"
st.set_page_config(page_title="Hòa giải ở cơ sở", page_icon="🤝", layout="wide",
                   initial_sidebar_state="collapsed" if st.session_state["present"] else "auto")

# Less empty space above the title: the officer's laptop has 768 pixels of height.
st.html("<style>[data-testid='stMainBlockContainer']{padding-top:2.5rem}</style>")
if st.session_state["present"]:
    st.html(PRESENTATION_CSS)

con = connection()
village_table = places.villages(con)
village_names = dict(zip(village_table["id"].tolist(), village_table["name"]))
ALL = 0  # the "Tất cả các thôn" option (a selectbox shows None as "nothing chosen")
years = sorted(set(results.case_years_for_filter(con)), reverse=True)


def _from_url(key: str, allowed, default):
    """A filter's first value in this session: the URL's if it is valid, else the default."""
    raw = st.query_params.get(key)
    try:
        value = int(raw) if raw not in (None, "") else None
    except ValueError:
        value = None
    return value if value in allowed else default


# The filters live in plain session keys ("nam", "thon"); the widgets only mirror them (index from the
# plain key), so a page switch or rerun never resets a filter to a widget default. When a page moves a
# filter (go_to), the widgets get new keys, so the browser shows the new value too.
if "nam" not in st.session_state:
    st.session_state["nam"] = _from_url("nam", years, results.default_year(con))
if "thon" not in st.session_state:
    st.session_state["thon"] = _from_url("thon", village_names, ALL)
goto = st.session_state.pop("_goto", None)  # a page asked to move the filters (e.g. to show a new case)
if goto:
    if goto["nam"] in years:
        st.session_state["nam"] = goto["nam"]
    if goto["thon"] != -1:
        st.session_state["thon"] = goto["thon"] or ALL
    st.session_state["_filter_generation"] = st.session_state.get("_filter_generation", 0) + 1
if st.session_state["thon"] not in village_names:
    st.session_state["thon"] = ALL
generation = st.session_state.get("_filter_generation", 0)


def _keep(key: str, widget_key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]


with st.sidebar:
    st.markdown(f"**{places.commune_title(con)}**")
    if places.has_demo_data(con):
        st.caption(":material/info: Dữ liệu minh họa, hư cấu — không phải người thật.")
    st.selectbox("Năm", years, index=years.index(st.session_state["nam"]), key=f"_nam_{generation}",
                 on_change=_keep, args=("nam", f"_nam_{generation}"),
                 help="Năm báo cáo, tính theo ngày nhận vụ việc.")
    thon_options = [ALL, *village_names]
    st.selectbox("Thôn", thon_options, index=thon_options.index(st.session_state["thon"]),
                 key=f"_thon_{generation}", on_change=_keep, args=("thon", f"_thon_{generation}"),
                 format_func=lambda v: village_names.get(v, ALL_VILLAGES))
    st.toggle("Chế độ trình chiếu", value=st.session_state["present"], key=f"_present_{generation}",
              on_change=_keep, args=("present", f"_present_{generation}"),
              help="Chữ lớn, chỉ xem, ẩn thông tin cá nhân của các bên (tên viết tắt, không địa chỉ, tuổi, "
                   "điện thoại). Dùng khi chiếu trong cuộc họp.")

# Keep the view in the URL so a link reproduces it (CONTRACT.md: nam, thon = village id, trinh_chieu).
st.query_params["nam"] = str(st.session_state["nam"])
if st.session_state["thon"] == ALL:
    st.query_params.pop("thon", None)
else:
    st.query_params["thon"] = str(st.session_state["thon"])
if st.session_state["present"]:
    st.query_params["trinh_chieu"] = "1"
else:
    st.query_params.pop("trinh_chieu", None)

page = st.navigation({
    "": [
        st.Page("pages/overview.py", title="Tổng quan", icon=":material/dashboard:", url_path="tong-quan",
                default=True),
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
        st.Page("pages/rates.py", title="Mức chi", icon=":material/price_change:", url_path="muc-chi"),
        st.Page("pages/score_settings.py", title="Mô hình chấm điểm", icon=":material/tune:",
                url_path="mo-hinh-cham-diem"),
    ],
}, position="top")  # pages in the top bar, by section; the sidebar keeps the filters in view
page.run()
