"""The case register's filters: the SQL filters of db.cases.register.list_cases and their URL parameters
(ket_qua, loai, thang_nhan, thang_ket_thuc, antt, tim), so a link reproduces a filtered list."""
from __future__ import annotations

import re

import pytest

from conftest import SMALL_COMMUNE, app_connection, open_page, small_case
from db.cases import register
from db.tools.seed import load_commune

# Cases around the year boundary, by the party's name (the case's summary is "Tranh chấp của <name>").
FILTER_CASES = [
    # received 12/2022, still open at 31/12/2022: carried over into 2023, concluded 10/05/2023
    small_case("a", "2022-12-20", "thanh", "2023-05-10", "An"),
    small_case("a", "2023-05-03", "thanh", "2023-05-20", "Bình", security_incident=True),
    small_case("b", "2023-05-15", "khong_thanh", "2023-06-02", "Chi"),
    small_case("a", "2023-05-25", "dang_hoa_giai", None, "Dũng"),
    # received 11/2023, concluded in January of the NEXT year: carried over into 2024
    small_case("b", "2023-11-20", "thanh", "2024-01-15", "Em", security_incident=True),
    small_case("a", "2023-01-10", "ngoai_pham_vi", "2023-01-12", "Giang"),
    # received in May, but of 2022, and over in 2022: never in 2023's list
    small_case("a", "2022-05-10", "thanh", "2022-05-20", "Hà", security_incident=True),
]


@pytest.fixture()
def filter_db(empty_db):
    load_commune(empty_db, SMALL_COMMUNE, FILTER_CASES)
    ids = dict(empty_db.execute(
        "SELECT replace(summary, 'Tranh chấp của ', ''), id FROM cases").fetchall())
    return empty_db, ids


def listed(con, ids, **filters) -> set[str]:
    names = {case_id: name for name, case_id in ids.items()}
    return {names[i] for i in register.list_cases(con, **filters)["id"]}


def test_received_month_keeps_only_cases_received_that_month_of_the_year(filter_db):
    con, ids = filter_db
    assert listed(con, ids, year=2023) == {"An", "Bình", "Chi", "Dũng", "Em", "Giang"}
    assert listed(con, ids, year=2023, received_month=5) == {"Bình", "Chi", "Dũng"}  # not Hà (May 2022)
    assert listed(con, ids, year=2023, received_month=12) == set()  # An is carried over, not received in 2023
    assert listed(con, ids, year=2022, received_month=12) == {"An"}
    assert listed(con, ids, year=2023, received_month=5, results=["thanh"]) == {"Bình"}


def test_concluded_month_keeps_only_cases_concluded_that_month_of_the_year(filter_db):
    con, ids = filter_db
    assert listed(con, ids, year=2023, concluded_month=5) == {"An", "Bình"}  # not Chi (June), not Dũng (open)
    assert listed(con, ids, year=2023, concluded_month=1) == {"Giang"}  # not Em: January 2024
    assert listed(con, ids, year=2024, concluded_month=1) == {"Em"}
    assert listed(con, ids, year=2023, concluded_month=6) == {"Chi"}
    assert listed(con, ids, year=2023, concluded_month=12) == set()


def test_security_incident_filter(filter_db):
    con, ids = filter_db
    assert listed(con, ids, year=2023, security_incident=True) == {"Bình", "Em"}
    assert listed(con, ids, year=2022, security_incident=True) == {"Hà"}
    assert listed(con, ids, year=2023, security_incident=False) == {"An", "Chi", "Dũng", "Giang"}
    assert listed(con, ids, year=2023, security_incident=True, received_month=11) == {"Em"}


# --- the page, through the URL ----------------------------------------------------------------------

def shown_count(at) -> int:
    line = next(m.value for m in at.markdown if re.match(r"\*\*\d+ vụ việc\*\*", m.value))
    return int(re.match(r"\*\*(\d+) vụ việc\*\*", line).group(1))


def filter_caption(at) -> str:
    return next((c.value for c in at.caption if c.value.startswith("Đang lọc:")), "")


# Independent counts straight from the cases table (not through list_cases or the case_year view).
IN_2023 = """deleted_at IS NULL AND received_on <= DATE '2023-12-31'
             AND (received_on >= DATE '2023-01-01' OR result = 'dang_hoa_giai' OR concluded_on >= DATE '2023-01-01')"""


def count(con, where: str, params=()) -> int:
    return con.execute(f"SELECT count(*) FROM cases WHERE {where}", list(params)).fetchone()[0]


def civil_codes(con) -> list[str]:
    """The local codes of the national group «Tranh chấp dân sự, hôn nhân và gia đình»."""
    return [r[0] for r in con.execute(
        "SELECT code FROM case_categories WHERE national_code = 'dan_su_hngd' ORDER BY sort_order").fetchall()]


def test_a_link_with_result_and_category_shows_that_list(app):
    at = open_page(app, "pages/overview.py")
    codes = civil_codes(app_connection())
    at.query_params.update({"ket_qua": "thanh", "loai": ",".join(codes), "nam": "2023"})
    at.switch_page("pages/cases.py").run()
    assert not at.exception
    con = app_connection()
    # Hòa giải thành at 31/12/2023: concluded thành during 2023 (whenever received).
    expected = count(con, "deleted_at IS NULL AND result = 'thanh' AND concluded_on BETWEEN DATE '2023-01-01' "
                          "AND DATE '2023-12-31' AND category IN (SELECT unnest(?))", [codes])
    assert 0 < expected < count(con, IN_2023)
    assert shown_count(at) == expected
    assert at.multiselect(key="loc_ket_qua").value == ["thanh"]
    assert filter_caption(at) == ("Đang lọc: Kết quả: Hòa giải thành · "
                                  "Loại vụ việc: nhóm «Tranh chấp dân sự, hôn nhân và gia đình»")
    assert at.query_params["ket_qua"] == "thanh"  # the URL keeps the view
    # Clearing a filter takes its parameter out of the URL.
    at = at.multiselect(key="loc_ket_qua").set_value([]).run()
    assert "ket_qua" not in at.query_params
    assert at.query_params["loai"] == ",".join(codes)
    assert shown_count(at) == count(con, f"{IN_2023} AND category IN (SELECT unnest(?))", [codes])


def test_months_from_the_url(app):
    at = open_page(app, "pages/cases.py", nam=2023, thang_nhan=5, thang_ket_thuc="07")
    con = app_connection()
    expected = count(con, "deleted_at IS NULL AND received_on BETWEEN DATE '2023-05-01' AND DATE '2023-05-31' "
                          "AND result <> 'dang_hoa_giai' AND concluded_on BETWEEN DATE '2023-07-01' "
                          "AND DATE '2023-07-31'")
    assert shown_count(at) == expected
    assert filter_caption(at) == "Đang lọc: Tháng nhận: 5/2023 · Tháng kết thúc: 7/2023"
    assert at.query_params["thang_ket_thuc"] == "7"  # written back in its plain form
    at = at.selectbox(key="loc_thang_ket_thuc").set_value(0).run()  # "Cả năm"
    assert "thang_ket_thuc" not in at.query_params
    may = count(con, "deleted_at IS NULL AND received_on BETWEEN DATE '2023-05-01' AND DATE '2023-05-31'")
    assert may > expected
    assert shown_count(at) == may


@pytest.mark.parametrize("bad", [{"thang_nhan": "13"}, {"ket_qua": "bogus"}, {"thang_ket_thuc": "abc"},
                                 {"antt": "yes"}, {"loai": ",,"}, {"thang_nhan": "-1", "ket_qua": "thanh;drop"}])
def test_invalid_parameters_give_the_unfiltered_list(app, bad):
    at = open_page(app, "pages/cases.py", nam=2023, **bad)
    assert shown_count(at) == count(app_connection(), IN_2023)
    assert filter_caption(at) == ""
    assert not set(bad) & set(at.query_params)  # the URL is cleaned of what was not applied


def test_an_unknown_code_beside_a_known_one_is_dropped(app):
    at = open_page(app, "pages/cases.py", nam=2023, ket_qua="bogus,thanh,thanh")
    assert at.multiselect(key="loc_ket_qua").value == ["thanh"]
    assert at.query_params["ket_qua"] == "thanh"
    assert shown_count(at) == count(app_connection(), "deleted_at IS NULL AND result = 'thanh' AND concluded_on "
                                                      "BETWEEN DATE '2023-01-01' AND DATE '2023-12-31'")


def test_antt_lists_only_flagged_cases(app):
    at = open_page(app, "pages/cases.py", nam=2022, antt=1)
    expected = count(app_connection(), IN_2023.replace("2023", "2022") + " AND security_incident")
    assert expected > 0
    assert shown_count(at) == expected
    assert set(at.dataframe[0].value["incident"]) == {"Có"}
    assert filter_caption(at) == "Đang lọc: Chỉ vụ việc phức tạp, gây mất ANTT"


def test_search_text_from_the_url(app):
    con = app_connection()
    name = con.execute("SELECT full_name FROM case_parties p JOIN cases c ON c.id = p.case_id "
                       "WHERE c.deleted_at IS NULL AND year(c.received_on) = 2023 ORDER BY c.id LIMIT 1").fetchone()[0]
    at = open_page(app, "pages/cases.py", nam=2023, tim=name)
    assert shown_count(at) >= 1
    assert all(name in parties for parties in at.dataframe[0].value["parties"])
    assert filter_caption(at) == f"Đang lọc: Tìm: «{name}»"


def test_presentation_mode_keeps_the_filters(app):
    at = open_page(app, "pages/cases.py", nam=2023, ket_qua="khong_thanh", trinh_chieu=1)
    con = app_connection()
    assert shown_count(at) == count(con, "deleted_at IS NULL AND result = 'khong_thanh' AND concluded_on "
                                         "BETWEEN DATE '2023-01-01' AND DATE '2023-12-31'")
    table = at.dataframe[0].value
    assert all(part.strip().endswith(".") for part in table["parties"].iloc[0].split(";"))  # still masked
    assert filter_caption(at) == "Đang lọc: Kết quả: Hòa giải không thành"


def test_a_second_link_in_the_same_session_shows_its_own_filters(app):
    """Widget state must not outlive the link: a new link (other params) re-reads the URL."""
    at = open_page(app, "pages/cases.py", nam=2023, ket_qua="thanh", thang_nhan=5)
    assert filter_caption(at) == "Đang lọc: Kết quả: Hòa giải thành · Tháng nhận: 5/2023"
    # To the overview through the menu (the browser drops the page's own parameters) ...
    at.switch_page("pages/overview.py")
    for name in ("ket_qua", "thang_nhan"):
        at.query_params.pop(name, None)
    at.run()
    # ... then a link from the overview into the list with other filters.
    at.query_params.update({"ket_qua": "khong_thanh", "antt": "1"})
    at.switch_page("pages/cases.py").run()
    assert not at.exception
    assert filter_caption(at) == "Đang lọc: Kết quả: Hòa giải không thành · Chỉ vụ việc phức tạp, gây mất ANTT"
    assert at.selectbox(key="loc_thang_nhan").value == 0
    # A link to this same page while it is shown (the widgets' state still exists) wins over that state too.
    at.query_params.clear()
    at.query_params.update({"nam": "2023", "thang_ket_thuc": "3"})
    at.run()
    assert filter_caption(at) == "Đang lọc: Tháng kết thúc: 3/2023"
    # And back through the menu without parameters: no filter at all.
    at.switch_page("pages/overview.py")
    at.query_params.pop("thang_ket_thuc")
    at.run()
    at.switch_page("pages/cases.py").run()
    assert filter_caption(at) == ""
    assert shown_count(at) == count(app_connection(), IN_2023)
