"""Rates under Thông tư 56/2023/TT-BTC (issue 14, item 7): national maxima and the province's applied rates, dated,
the fee keyed by the case's result and taken on its concluded date, team support month by month, a provincial rate
above the maximum flagged, and a fee paid for a case deleted since reported as its own finding.

Every expected figure is computed by hand from the law's numbers (DOMAIN.md «Updated legal facts»):
  before 06/10/2023 (TTLT 100/2014): fee at most 200.000 đ per case whatever the result; support 100.000 đ/tổ/tháng;
  from 06/10/2023 (TT 56/2023):       fee at most 400.000 đ hòa giải thành, 300.000 đ không thành;
                                      support 150.000 đ/tổ/tháng.
The small commune below has one team (Thôn Nam) and these concluded cases:
  Ba   thành        05/10/2023  (the last day of TTLT 100)
  Bốn  không thành  05/10/2023
  Năm  thành        06/10/2023  (the first day of TT 56)
  Sáu  không thành  06/10/2023
  Bảy  thành        01/03/2024
  Tám  đang hòa giải (earns nothing), Chín ngoài phạm vi 10/10/2023 (earns nothing).
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

import db
from conftest import ACTOR, metric, open_page, small_case
from db import cases, funding
from db.core.connection import migration_files
from db.tools.seed import load_commune, load_reference
from db.core.writes import ValidationError

COMMUNE = {
    "commune": {"name": "Xã Mức Chi", "district": None, "province": "Tỉnh Hải Dương"},
    "villages": [
        {"key": "n", "name": "Thôn Nam", "ethnic_area": False, "team": {"name": "Tổ hòa giải thôn Nam"},
         "mediators": [
             {"key": "n1", "full_name": "Đinh Thị Lan", "gender": "nu", "birth_year": 1970, "is_leader": True,
              "joined_on": "2018-01-01"},
             {"key": "n2", "full_name": "Hà Văn Minh", "gender": "nam", "birth_year": 1966, "joined_on": "2018-01-01"},
             {"key": "n3", "full_name": "Kim Văn Phúc", "gender": "nam", "birth_year": 1968, "joined_on": "2018-01-01"},
         ]},
    ],
    "trainings": [],
}
CASES = [
    small_case("n", "2023-09-20", "thanh", "2023-10-05", "Ba"),
    small_case("n", "2023-09-21", "khong_thanh", "2023-10-05", "Bốn"),
    small_case("n", "2023-09-22", "thanh", "2023-10-06", "Năm"),
    small_case("n", "2023-09-23", "khong_thanh", "2023-10-06", "Sáu"),
    small_case("n", "2024-02-01", "thanh", "2024-03-01", "Bảy"),
    small_case("n", "2024-02-02", "dang_hoa_giai", None, "Tám"),
    small_case("n", "2023-10-01", "ngoai_pham_vi", "2023-10-10", "Chín"),
]
for row in CASES:
    row["written_record"] = row["result"] == "thanh"


@pytest.fixture()
def commune(empty_db):
    """The commune above on the seeded rates (Hải Dương's applied rates within the national maxima)."""
    load_commune(empty_db, COMMUNE, CASES)
    return empty_db


@pytest.fixture()
def maxima_only(commune):
    """The same commune in a province without a resolution of its own: only the national maxima (DOMAIN.md: «without
    a provincial resolution the maxima apply»). The test builds its own rate table: the applied rows are removed."""
    commune.execute("DELETE FROM rates WHERE level = 'ap_dung'")
    return commune


def case_id(con, name: str) -> int:
    return con.execute("SELECT case_id FROM case_parties WHERE full_name = ? AND position = 1", [name]).fetchone()[0]


def team(con) -> int:
    return con.execute("SELECT id FROM teams").fetchone()[0]


def fees(con) -> dict[str, int]:
    """fee_case.estimated_fee by party name."""
    return dict(con.execute(
        "SELECT p.full_name, f.estimated_fee FROM fee_case f JOIN case_parties p ON p.case_id = f.case_id "
        "AND p.position = 1").fetchall())


# --- the fee, by result and by the case's concluded date --------------------------------------------------------

def test_fees_before_and_after_06_10_2023_at_the_national_maxima(maxima_only):
    con = maxima_only
    # 05/10/2023: TTLT 100/2014, one rate whatever the result; 06/10/2023: TT 56/2023, by result.
    assert fees(con) == {"Ba": 200_000, "Bốn": 200_000, "Năm": 400_000, "Sáu": 300_000, "Bảy": 400_000}
    # The request date does not choose the rate: one request in April 2024 pays every case at its own date's rate.
    names = ["Ba", "Bốn", "Năm", "Sáu", "Bảy"]
    pid = funding.file_fee_request(con, team(con), [case_id(con, n) for n in names], "2024-04-01", actor=ACTOR)
    row = con.execute("SELECT computed_amount, amount, rate_id FROM payments WHERE id = ?", [pid]).fetchone()
    assert row[:2] == (1_500_000, 1_500_000)  # 200 + 200 + 400 + 300 + 400 thousand
    assert row[2] is None  # three rates are used: each case keeps its own
    filed = dict(con.execute(
        "SELECT p.full_name, pc.fee FROM payment_cases pc JOIN case_parties p ON p.case_id = pc.case_id "
        "AND p.position = 1 WHERE pc.payment_id = ?", [pid]).fetchall())
    assert filed == {"Ba": 200_000, "Bốn": 200_000, "Năm": 400_000, "Sáu": 300_000, "Bảy": 400_000}
    pay = funding.payment(con, pid)
    assert (pay["due_amount"], pay["above_rate"], pay["paid_deleted"], pay["paid_ineligible"]) == (1_500_000, 0, 0, 0)
    # Per reporting year (the year concluded): 2023 earns 1.100.000 đ, 2024 earns 400.000 đ.
    per_year = dict(con.execute("SELECT year, fee_unpaid_estimate FROM funding_team_year WHERE year IN (2023, 2024)"
                                ).fetchall())
    assert per_year == {2023: 1_100_000, 2024: 400_000}


def test_fees_with_the_provinces_rates(commune):
    """Hải Dương's NQ 96/2014 rate (200.000 đ, within both maxima) stays in force until 31/12/2023; from 2024 the
    province's TT 56 rates (seeded, cần xác minh): a case concluded 06/10/2023 still earns 200.000 đ."""
    con = commune
    assert fees(con) == {"Ba": 200_000, "Bốn": 200_000, "Năm": 200_000, "Sáu": 200_000, "Bảy": 400_000}
    rate = funding.rate_on(con, "thu_lao", dt.date(2023, 10, 6), "thanh")
    assert (rate["level"], rate["amount"], rate["value"], rate["cap"]["amount"], rate["above_cap"]) == (
        "ap_dung", 200_000, 200_000, 400_000, False)


def test_a_fee_request_asks_at_most_the_sum_of_the_cases_fees(maxima_only):
    con = maxima_only
    two = [case_id(con, "Năm"), case_id(con, "Sáu")]
    with pytest.raises(ValidationError) as err:
        funding.file_fee_request(con, team(con), two, "2023-10-20", actor=ACTOR, amount=800_000)
    assert "cao hơn số tính theo mức chi 700.000 đ" in " ".join(err.value.messages)
    pid = funding.file_fee_request(con, team(con), two, "2023-10-20", actor=ACTOR)
    # The signed list spreads 700.000 đ by each case's fee: Năm 400.000 đ and Sáu 300.000 đ, both without a mediator
    # recorded, so the team leader receives both.
    assert funding.signing_list(con, pid)[["full_name", "amount"]].values.tolist() == [["Đinh Thị Lan", 700_000]]


def test_the_signed_list_follows_each_cases_fee(maxima_only, ):
    con = maxima_only
    mediators = dict(con.execute("SELECT full_name, id FROM mediators").fetchall())
    nam, sau = case_id(con, "Năm"), case_id(con, "Sáu")
    for cid, names in ((nam, ["Hà Văn Minh"]), (sau, ["Kim Văn Phúc"])):
        data = cases.get_case(con, cid)
        cases.save_case(con, {**data, "mediator_ids": [mediators[n] for n in names]}, actor=ACTOR, case_id=cid,
                        expected_version=data["version"])
    pid = funding.file_fee_request(con, team(con), [nam, sau], "2023-10-20", actor=ACTOR, amount=350_000,
                                   reduction_reason="Tạm ứng một nửa")
    # 350.000 đ in proportion 4:3 → 200.000 đ for Năm (Minh), 150.000 đ for Sáu (Phúc).
    assert funding.signing_list(con, pid)[["full_name", "amount"]].values.tolist() == [
        ["Hà Văn Minh", 200_000], ["Kim Văn Phúc", 150_000]]


def test_a_case_with_no_rate_on_its_concluded_date_is_refused(maxima_only):
    con = maxima_only
    con.execute("DELETE FROM rates WHERE kind = 'thu_lao' AND valid_from = DATE '2014-09-15'")
    ba = case_id(con, "Ba")
    with pytest.raises(ValidationError) as err:
        funding.file_fee_request(con, team(con), [ba, case_id(con, "Năm")], "2023-10-20", actor=ACTOR)
    assert err.value.messages == [
        f"Chưa có mức thù lao hòa giải viên hiệu lực ngày 05/10/2023 (ngày kết thúc vụ việc số {ba}) "
        "(Cài đặt → Mức chi)."]
    assert con.execute("SELECT count(*) FROM payments").fetchone()[0] == 0


# --- team support, month by month ---------------------------------------------------------------------------

def test_support_in_a_year_straddling_06_10_2023(maxima_only):
    """Each month at the rate in force on its 1st: 01/10/2023 is under TTLT 100, 01/11/2023 under TT 56. So 2023 owes
    10 × 100.000 + 2 × 150.000 = 1.300.000 đ; 2024 owes 12 × 150.000 = 1.800.000 đ."""
    con = maxima_only
    due = dict(con.execute("SELECT year, support_due FROM funding_team_year WHERE year IN (2023, 2024)").fetchall())
    assert due == {2023: 1_300_000, 2024: 1_800_000}
    assert funding.support_due(con, dt.date(2023, 10, 1), dt.date(2023, 10, 1)) == 100_000
    assert funding.support_due(con, dt.date(2023, 11, 1), dt.date(2023, 11, 1)) == 150_000
    pid = funding.file_support_payment(con, team(con), 2023, 7, 12, "2023-12-04", actor=ACTOR)
    assert con.execute("SELECT amount FROM payments WHERE id = ?", [pid]).fetchone()[0] == 4 * 100_000 + 2 * 150_000


def test_support_with_the_provinces_yearly_rate(commune):
    """Hải Dương: 500.000 đ/tổ/năm for all of 2023 (below both maxima), 1.800.000 đ in 2024."""
    con = commune
    due = dict(con.execute("SELECT year, support_due FROM funding_team_year WHERE year IN (2023, 2024)").fetchall())
    assert due == {2023: 500_000, 2024: 1_800_000}


# --- a provincial rate above the national maximum ------------------------------------------------------------

def set_amount(con, kind: str, valid_from: str, amount: int, result: str | None = None) -> int:
    rid, version = con.execute(
        "SELECT id, version FROM rates WHERE kind = ? AND level = 'ap_dung' AND valid_from = ? "
        "AND result IS NOT DISTINCT FROM ?", [kind, valid_from, result]).fetchone()
    funding.save_rate(con, {**funding.get_rate(con, rid), "amount": amount}, actor=ACTOR, rate_id=rid,
                      expected_version=version)
    return rid


def test_a_provincial_rate_above_the_cap_is_flagged_and_capped(commune):
    con = commune
    fee = set_amount(con, "thu_lao", "2024-01-01", 500_000, "thanh")  # above TT 56's 400.000 đ
    support = set_amount(con, "ho_tro", "2024-01-01", 2_400_000)      # 200.000 đ a month, above 150.000 đ
    within = set_amount(con, "thu_lao", "2015-01-01", 200_000)        # equal to TTLT 100's maximum: within it
    frame = funding.rates(con).set_index("id")
    assert bool(frame.loc[fee, "above_cap"]) and bool(frame.loc[support, "above_cap"])
    assert not bool(frame.loc[within, "above_cap"])
    assert not frame[frame["level"] == "toi_da"]["above_cap"].any()
    spans = frame.loc[fee, "cap_periods"]
    assert [(s["period_from"], s["cap_amount"], s["cap_basis"]) for s in spans] == [
        (dt.date(2024, 1, 1), 400_000, "56/2023/TT-BTC")]
    # Every figure uses the maximum: a thành case of 2024 earns 400.000 đ, the 2024 support is 12 × 150.000 đ.
    assert fees(con)["Bảy"] == 400_000
    rate = funding.rate_on(con, "thu_lao", dt.date(2024, 3, 1), "thanh")
    assert (rate["amount"], rate["value"], rate["above_cap"]) == (500_000, 400_000, True)
    assert con.execute("SELECT support_due FROM funding_team_year WHERE year = 2024").fetchone()[0] == 1_800_000
    pid = funding.file_fee_request(con, team(con), [case_id(con, "Bảy")], "2024-03-05", actor=ACTOR)
    assert con.execute("SELECT computed_amount FROM payments WHERE id = ?", [pid]).fetchone()[0] == 400_000


def test_the_rates_page_warns_of_a_rate_above_the_cap_and_shows_both_levels(app):
    at = open_page(app, "pages/rates.py")
    assert not at.exception
    assert not any("vượt mức tối đa" in e.value for e in at.error)
    sides = at.dataframe[0].value
    view = sides.data if hasattr(sides, "data") else sides
    row = view[(view["item"] == "Thù lao – hòa giải thành") & (view["period"] == "06/10/2023 – 31/12/2023")].iloc[0]
    assert (row["cap"], row["applied"], row["used"]) == (
        "400.000 đ/vụ việc/tổ · 56/2023/TT-BTC",
        "200.000 đ/vụ việc/tổ · 96/2014/NQ-HĐND (cần xác minh), Hải Dương",
        "Mức của tỉnh (trong mức tối đa)")
    # The officer raises the province's 2024 fee for a thành case above the maximum: saved, and flagged.
    open_id = next(o for o in at.selectbox(key="rate_open").options if "thành · Áp dụng · 400.000 đ" in o)
    at.selectbox(key="rate_open").select(open_id).run()
    form = next(t.key for t in at.text_input if t.key and t.key.endswith("_amount")).removesuffix("_amount")
    at.text_input(key=f"{form}_amount").input("450.000")
    at = next(b for b in at.button if b.label == "Lưu mức chi").click().run()
    assert any("cao hơn mức tối đa" in s.value for s in at.success), [e.value for e in at.error]
    assert any("Mức áp dụng của tỉnh Hải Dương «Thù lao hòa giải viên – hòa giải thành» 450.000 đ/vụ việc/tổ" in e.value
               and "vượt mức tối đa" in e.value and "400.000 đ/vụ việc/tổ (56/2023/TT-BTC)" in e.value
               for e in at.error), [e.value for e in at.error]


# --- a fee paid for a case deleted since --------------------------------------------------------------------

def test_a_fee_for_a_deleted_case_is_chi_cho_vu_viec_da_xoa_not_chi_vuot_muc(maxima_only):
    con = maxima_only
    names = ["Năm", "Sáu", "Bảy"]  # 400.000 + 300.000 + 400.000
    pid = funding.file_fee_request(con, team(con), [case_id(con, n) for n in names], "2024-03-05", actor=ACTOR)
    funding.approve_payment(con, pid, "2024-03-06", actor=ACTOR)
    funding.pay_payment(con, pid, "2024-03-07", actor=ACTOR)
    cases.delete_case(con, case_id(con, "Sáu"), actor=ACTOR)  # found out to be a duplicate after it was paid
    pay = funding.payment(con, pid)
    assert (pay["amount"], pay["due_amount"], pay["rated_amount"]) == (1_100_000, 800_000, 1_100_000)
    assert (pay["paid_deleted"], pay["deleted_cases"], pay["above_rate"], pay["paid_ineligible"]) == (300_000, 1, 0, 0)
    items = funding.outstanding(con, 2024)
    found = items[items["payment_id"] == pid][["item", "cases", "amount"]].values.tolist()
    assert found == [["chi_vu_viec_da_xoa", 1, 300_000]]
    total = funding.summary(con, 2024)
    assert (total["payments_paid_deleted"], total["paid_deleted"], total["payments_above_rate"],
            total["above_rate"]) == (1, 300_000, 0, 0)
    # KP2 reads above_rate of funding_team_year: a payment for a deleted case is not «chi vượt mức».
    assert con.execute("SELECT above_rate, paid_deleted FROM funding_team_year WHERE year = 2024").fetchone() == (
        0, 300_000)


def test_above_the_rate_and_for_a_deleted_case_are_told_apart(maxima_only):
    """A payment both above the rate (the rate corrected down after it was paid) and paying a deleted case: each
    finding gets its own part, adding up to amount − due."""
    con = maxima_only
    pid = funding.file_fee_request(con, team(con), [case_id(con, "Năm"), case_id(con, "Sáu")], "2023-10-20",
                                   actor=ACTOR)  # 400.000 + 300.000
    cases.delete_case(con, case_id(con, "Sáu"), actor=ACTOR)
    rid, version = con.execute("SELECT id, version FROM rates WHERE kind = 'thu_lao' AND result = 'thanh'").fetchone()
    funding.save_rate(con, {**funding.get_rate(con, rid), "amount": 350_000}, actor=ACTOR, rate_id=rid,
                      expected_version=version)
    pay = funding.payment(con, pid)
    # Now the listed cases earn 350.000 + 300.000 = 650.000 đ: 50.000 đ above the rate; 300.000 đ for Sáu, deleted;
    # 350.000 đ still due for Năm.
    assert (pay["rated_amount"], pay["due_amount"], pay["above_rate"], pay["paid_deleted"]) == (
        650_000, 350_000, 50_000, 300_000)
    items = funding.outstanding(con, 2023)
    assert sorted(items[items["payment_id"] == pid]["item"]) == ["chi_vu_viec_da_xoa", "cho_chi", "vuot_muc"]


def test_the_funding_page_names_the_deleted_case_finding(app):
    at = open_page(app, "pages/funding.py")
    assert any("1 chứng từ chi cho vụ việc đã xóa, tổng 200.000 đ" in e.value for e in at.error)
    assert metric(at, "Chứng từ chi vượt mức") == "0"
    listing = at.dataframe[1].value
    view = listing.data if hasattr(listing, "data") else listing
    assert "Chi cho vụ việc đã xóa" in view["item_label"].tolist()
    assert "Chi vượt mức chi" not in view["item_label"].tolist()


# --- the seeds and an existing database ------------------------------------------------------------------------

def test_seeded_national_maxima(empty_db):
    rows = empty_db.execute(
        "SELECT kind, result, amount, unit, legal_basis, valid_from, valid_to FROM rates WHERE level = 'toi_da' "
        "ORDER BY kind, valid_from, result").fetchall()
    assert rows == [
        ("ho_tro", None, 100_000, "to_thang", "100/2014/TTLT-BTC-BTP", dt.date(2014, 9, 15), dt.date(2023, 10, 5)),
        ("ho_tro", None, 150_000, "to_thang", "56/2023/TT-BTC", dt.date(2023, 10, 6), None),
        ("thu_lao", None, 200_000, "vu_viec", "100/2014/TTLT-BTC-BTP", dt.date(2014, 9, 15), dt.date(2023, 10, 5)),
        ("thu_lao", "khac", 300_000, "vu_viec", "56/2023/TT-BTC", dt.date(2023, 10, 6), None),
        ("thu_lao", "thanh", 400_000, "vu_viec", "56/2023/TT-BTC", dt.date(2023, 10, 6), None),
    ]
    assert empty_db.execute("SELECT count(*) FROM rates WHERE level = 'ap_dung' AND province = 'Hải Dương'"
                            ).fetchone()[0] == 5


def test_an_existing_database_migrates_its_rates_and_payments(tmp_path):
    """A file at schema 10 (before this change) with the old seeded rates and a fee request of two cases at
    200.000 đ: after the upgrade its rates are Hải Dương's applied rates, the seeded NQ 96 fee ends on 31/12/2023,
    the national maxima and the 2024 rates are added, and each listed case keeps the fee it was filed with."""
    path = tmp_path / "cu.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())")
    for version, file in migration_files():
        if version <= 10:
            con.execute(file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, file.stem])
    con.execute("""
        INSERT INTO rates (kind, amount, unit, legal_basis, legal_basis_date, issuer, valid_from, valid_to,
                           needs_verification, note) VALUES
        ('thu_lao', 200000, 'vu_viec', '96/2014/NQ-HĐND', DATE '2014-12-11', 'HĐND tỉnh Hải Dương', DATE '2015-01-01',
         NULL, TRUE, 'cũ'),
        ('ho_tro', 500000, 'to_nam', '96/2014/NQ-HĐND', DATE '2014-12-11', 'HĐND tỉnh Hải Dương', DATE '2015-01-01',
         DATE '2023-12-31', TRUE, 'cũ'),
        ('ho_tro', 1800000, 'to_nam', '(cần xác minh số văn bản)', NULL, 'HĐND tỉnh Hải Dương', DATE '2024-01-01',
         NULL, TRUE, 'cũ')""")
    con.execute("INSERT INTO communes (id, name, province) VALUES (1, 'Xã Cũ', 'Tỉnh Hải Dương')")
    con.execute("INSERT INTO villages (id, commune_id, name) VALUES (1, 1, 'Thôn Cũ')")
    con.execute("INSERT INTO teams (id, village_id, name) VALUES (1, 1, 'Tổ hòa giải thôn Cũ')")
    con.execute("""INSERT INTO cases (id, team_id, received_on, category, summary, result, concluded_on) VALUES
                   (1, 1, DATE '2023-03-01', 'dat_dai', 'Một', 'thanh', DATE '2023-03-10'),
                   (2, 1, DATE '2023-03-02', 'dat_dai', 'Hai', 'khong_thanh', DATE '2023-03-11')""")
    con.execute("""INSERT INTO payments (id, kind, team_id, year, requested_on, rate_id, computed_amount, amount)
                   VALUES (1, 'thu_lao', 1, 2023, DATE '2023-04-03', 1, 400000, 400000)""")
    con.execute("INSERT INTO payment_cases VALUES (1, 1), (1, 2)")
    con.close()

    con = db.open_database(path)
    try:
        rows = con.execute("SELECT kind, level, result, province, amount, valid_from, valid_to FROM rates "
                           "WHERE level = 'ap_dung' ORDER BY kind, valid_from, result").fetchall()
        assert rows == [
            ("ho_tro", "ap_dung", None, "Hải Dương", 500_000, dt.date(2015, 1, 1), dt.date(2023, 12, 31)),
            ("ho_tro", "ap_dung", None, "Hải Dương", 1_800_000, dt.date(2024, 1, 1), None),
            ("thu_lao", "ap_dung", None, "Hải Dương", 200_000, dt.date(2015, 1, 1), dt.date(2023, 12, 31)),
            ("thu_lao", "ap_dung", "khac", "Hải Dương", 300_000, dt.date(2024, 1, 1), None),
            ("thu_lao", "ap_dung", "thanh", "Hải Dương", 400_000, dt.date(2024, 1, 1), None),
        ]
        assert con.execute("SELECT count(*) FROM rates WHERE level = 'toi_da'").fetchone()[0] == 5
        assert con.execute("SELECT case_id, fee, rate_id FROM payment_cases ORDER BY case_id").fetchall() == [
            (1, 200_000, 1), (2, 200_000, 1)]
        pay = funding.payment(con, 1)
        assert (pay["due_amount"], pay["above_rate"], pay["paid_deleted"]) == (400_000, 0, 0)
        assert load_reference(con) == 0  # nothing seeded twice
    finally:
        con.close()
