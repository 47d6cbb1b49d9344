"""Kinh phí: rates, budget, fee requests and support payments (db/funding/__init__.py, db/funding/funding.sql), and the pages.

Small commune (conftest.SMALL_CASES), Hải Dương's applied fee rate 200.000 đ/vụ việc/tổ and support 500.000 đ/tổ/năm
until 31/12/2023, within the national maxima (seeds/reference/rates.csv; the rates of Thông tư 56/2023/TT-BTC are
tested in test_rates_tt56.py). Every case below concluded before 06/10/2023, so each earns 200.000 đ whatever its
result. Cases that earn a fee (thành or không thành, by concluded date):
  Thôn Đông: An 20/03/2022 thành, Đào 10/01/2023 thành, Giang 15/02/2023 thành, Hạnh 15/03/2023 thành,
             Khoa 30/04/2023 không thành → 5 cases; Long (ngoài phạm vi) and Mơ (đang) earn nothing.
  Thôn Bắc:  Em 30/05/2022 không thành, Nam 20/06/2023 thành → 2 cases.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from conftest import ACTOR, app_connection, edit_key, metric, open_page, team_id, typed
from db import cases, funding
from db.tools.seed import load_reference
from db.core.writes import ValidationError, VersionConflict

YEAR_END = dt.date(2023, 12, 31)


def case_id(con, name: str) -> int:
    return con.execute("SELECT case_id FROM case_parties WHERE full_name = ? AND position = 1", [name]).fetchone()[0]


def ids(con, *names: str) -> list[int]:
    return [case_id(con, n) for n in names]


def refused(con, call, *fragments: str) -> list[str]:
    """call() raises ValidationError with every fragment, and nothing is written."""
    before = (con.execute("SELECT * FROM payments ORDER BY id").fetchall(),
              con.execute("SELECT * FROM payment_cases ORDER BY ALL").fetchall(),
              con.execute("SELECT * FROM rates ORDER BY id").fetchall(),
              con.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    with pytest.raises(ValidationError) as err:
        call()
    text = " ".join(err.value.messages)
    for fragment in fragments:
        assert fragment in text, err.value.messages
    after = (con.execute("SELECT * FROM payments ORDER BY id").fetchall(),
             con.execute("SELECT * FROM payment_cases ORDER BY ALL").fetchall(),
             con.execute("SELECT * FROM rates ORDER BY id").fetchall(),
             con.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    assert after == before
    return err.value.messages


def rate_id(con, kind: str, valid_from: str, level: str = "ap_dung") -> tuple[int, int]:
    return con.execute("SELECT id, version FROM rates WHERE kind = ? AND valid_from = ? AND level = ? "
                       "ORDER BY result NULLS FIRST LIMIT 1", [kind, valid_from, level]).fetchone()


def close_fee_rate_and_add(con, amount: int, start: str = "2025-01-01") -> None:
    """End the province's seeded fee rates of 2024 (thành, không thành) the day before `start` and add one applied
    rate for any result from `start`."""
    for rid, version in con.execute("SELECT id, version FROM rates WHERE kind = 'thu_lao' AND level = 'ap_dung' "
                                    "AND valid_from = DATE '2024-01-01'").fetchall():
        old = funding.get_rate(con, rid)
        funding.save_rate(con, {**old, "valid_to": dt.date.fromisoformat(start) - dt.timedelta(days=1)}, actor=ACTOR,
                          rate_id=rid, expected_version=version)
    funding.save_rate(con, {"kind": "thu_lao", "amount": amount, "unit": "vu_viec", "legal_basis": "01/2025/NQ-HĐND",
                            "province": "Hải Dương", "valid_from": start}, actor=ACTOR)


def team_year(con, team: int, year: int) -> dict:
    frame = funding.team_checks(con, year)
    return frame[frame["team_id"] == team].iloc[0].to_dict()


# --- rates ---------------------------------------------------------------------------------------------------

def test_seeded_rates_are_marked_for_verification(empty_db):
    con = empty_db
    rows = con.execute("SELECT kind, amount, unit, valid_from, valid_to, needs_verification FROM rates "
                       "WHERE level = 'ap_dung' ORDER BY kind, valid_from, result").fetchall()
    assert rows == [
        ("ho_tro", 500_000, "to_nam", dt.date(2015, 1, 1), dt.date(2023, 12, 31), True),
        ("ho_tro", 1_800_000, "to_nam", dt.date(2024, 1, 1), None, True),
        ("thu_lao", 200_000, "vu_viec", dt.date(2015, 1, 1), dt.date(2023, 12, 31), True),
        ("thu_lao", 300_000, "vu_viec", dt.date(2024, 1, 1), None, True),  # khac
        ("thu_lao", 400_000, "vu_viec", dt.date(2024, 1, 1), None, True),  # thanh
    ]
    assert funding.rate_on(con, "ho_tro", YEAR_END)["amount"] == 500_000
    assert funding.rate_on(con, "ho_tro", dt.date(2024, 1, 1))["amount"] == 1_800_000
    # Before the province's resolution the national maximum of TTLT 100/2014 applies; before that, nothing.
    assert funding.rate_on(con, "thu_lao", dt.date(2014, 12, 31))["level"] == "toi_da"
    assert funding.rate_on(con, "thu_lao", dt.date(2014, 9, 14)) is None


def test_overlapping_validity_is_refused_and_a_closed_rate_makes_room(empty_db):
    con = empty_db
    new = {"kind": "thu_lao", "amount": 250_000, "unit": "vu_viec", "legal_basis": "01/2025/NQ-HĐND",
           "valid_from": "01/01/2025"}
    # One applied rate for any result overlaps both of the province's 2024 rates (thành and không thành).
    refused(con, lambda: funding.save_rate(con, new, actor=ACTOR),
            "Đã có mức «Thù lao hòa giải viên – hòa giải thành · mức áp dụng (tỉnh)» hiệu lực từ 01/01/2024 không "
            "thời hạn", "«Thù lao hòa giải viên – hòa giải không thành · mức áp dụng (tỉnh)»")
    refused(con, lambda: funding.save_rate(con, {**new, "kind": "ho_tro", "unit": "to_nam", "valid_from": "2023-06-01",
                                                 "valid_to": "2024-05-31"}, actor=ACTOR),
            "hiệu lực từ 01/01/2015 đến 31/12/2023", "hiệu lực từ 01/01/2024 không thời hạn")
    close_fee_rate_and_add(con, 250_000)
    assert funding.rate_on(con, "thu_lao", YEAR_END)["amount"] == 200_000
    assert funding.rate_on(con, "thu_lao", dt.date(2024, 12, 31), "thanh")["amount"] == 400_000
    assert funding.rate_on(con, "thu_lao", dt.date(2025, 1, 1), "thanh")["amount"] == 250_000
    # Editing a rate must not collide with itself, only with the others.
    rid, version = rate_id(con, "thu_lao", "2025-01-01")
    funding.save_rate(con, {**new, "amount": 240_000, "valid_from": "2025-01-01"}, actor=ACTOR, rate_id=rid,
                      expected_version=version)
    with pytest.raises(VersionConflict):
        funding.save_rate(con, {**new, "amount": 230_000}, actor=ACTOR, rate_id=rid, expected_version=version)


@pytest.mark.parametrize("change, message", [
    ({"unit": "to_nam"}, "Thù lao hòa giải viên tính theo đ/vụ việc/tổ"),
    ({"amount": "1,5"}, "có phần lẻ"),
    ({"amount": 1.5}, "số đồng nguyên"),
    ({"amount": 0}, "lớn hơn 0"),
    ({"amount": None}, "Chưa nhập mức chi"),
    ({"valid_to": "2024-12-31", "valid_from": "2025-01-01"}, "trước ngày bắt đầu"),
    ({"legal_basis": " "}, "Chưa nhập căn cứ"),
    ({"kind": "an_trua"}, "không hợp lệ"),
    ({"level": "quoc_gia"}, "Cấp mức chi «quoc_gia» không hợp lệ"),
    ({"result": "thanh_cong"}, "Kết quả vụ việc «thanh_cong» không hợp lệ"),
    ({"kind": "ho_tro", "unit": "to_thang", "result": "thanh"}, "Chỉ thù lao hòa giải viên tính theo kết quả"),
    ({"level": "toi_da", "province": "Hải Dương"}, "Mức tối đa do trung ương quy định"),
    ({"result": ["thanh"]}, "Kết quả vụ việc «['thanh']» không phải là chữ"),
])
def test_bad_rates_are_refused(empty_db, change, message):
    con = empty_db
    data = {"kind": "thu_lao", "amount": 100_000, "unit": "vu_viec", "legal_basis": "Số 1",
            "valid_from": "2030-01-01", **change}
    refused(con, lambda: funding.save_rate(con, data, actor=ACTOR), message)


def test_money_text_is_whole_dong():
    errors: list[str] = []
    assert funding.parse_money("1.234.000 đ", "x", errors) == 1_234_000
    assert funding.parse_money("1 500 000", "x", errors) == 1_500_000
    assert funding.parse_money(2_000_000.0, "x", errors) == 2_000_000
    assert errors == []
    assert funding.parse_money("-5", "x", errors) is None and "không được âm" in errors[-1]


def test_a_moved_seeded_rate_is_not_seeded_again(empty_db):
    con = empty_db
    rid, version = rate_id(con, "ho_tro", "2024-01-01")
    funding.save_rate(con, {**funding.get_rate(con, rid), "valid_from": dt.date(2024, 3, 1)}, actor=ACTOR,
                      rate_id=rid, expected_version=version)
    assert load_reference(con) == 0
    assert con.execute("SELECT count(*) FROM rates WHERE kind = 'ho_tro' AND level = 'ap_dung'").fetchone()[0] == 2


# --- fee requests ----------------------------------------------------------------------------------------------

def test_payable_cases_and_fee_amounts_by_hand(small_db):
    con, _ = small_db
    east, north = team_id(con, "Thôn Đông"), team_id(con, "Thôn Bắc")
    payable = funding.payable_cases(con, east, YEAR_END)
    assert payable["case_id"].tolist() == ids(con, "Nguyễn Văn An", "Đỗ Thị Đào", "Hoàng Văn Giang",
                                              "Bùi Thị Hạnh", "Đặng Văn Khoa")
    # On 31/03/2023 Khoa's case (concluded 30/04) is not yet payable.
    assert len(funding.payable_cases(con, east, dt.date(2023, 3, 31))) == 4
    pid = funding.file_fee_request(con, east, payable["case_id"].tolist(), YEAR_END, actor=ACTOR)
    row = con.execute("SELECT kind, year, computed_amount, amount, status, rate_id IS NOT NULL FROM payments "
                      "WHERE id = ?", [pid]).fetchone()
    assert row == ("thu_lao", 2023, 5 * 200_000, 1_000_000, "de_nghi", True)
    assert funding.payable_cases(con, east, YEAR_END).empty
    pid_b = funding.file_fee_request(con, north, ids(con, "Vũ Văn Em", "Ngô Văn Nam"), "30/06/2023", actor=ACTOR)
    assert con.execute("SELECT amount FROM payments WHERE id = ?", [pid_b]).fetchone()[0] == 400_000
    # Per year: Thôn Đông concluded 4 cases in 2023 (Đào, Giang, Hạnh, Khoa) and 1 in 2022 (An), all requested.
    y2023, y2022 = team_year(con, east, 2023), team_year(con, east, 2022)
    assert (y2023["concluded_cases"], y2023["cases_pending"], y2023["cases_not_requested"], y2023["unpaid_cases"],
            y2023["fee_pending"], y2023["fee_paid"]) == (4, 4, 0, 4, 1_000_000, 0)
    assert (y2022["concluded_cases"], y2022["cases_pending"], y2022["fee_pending"]) == (1, 1, 0)  # charged to 2023


def test_out_of_scope_in_progress_foreign_and_later_cases_are_refused(small_db):
    con, _ = small_db
    east = team_id(con, "Thôn Đông")
    refused(con, lambda: funding.file_fee_request(con, east, ids(con, "Mai Văn Long"), YEAR_END, actor=ACTOR),
            "«Ngoài phạm vi (đã chuyển)»: chỉ chi thù lao cho vụ việc đã kết thúc")
    refused(con, lambda: funding.file_fee_request(con, east, ids(con, "Lý Thị Mơ"), YEAR_END, actor=ACTOR),
            "«Đang hòa giải»")
    refused(con, lambda: funding.file_fee_request(con, east, ids(con, "Ngô Văn Nam"), YEAR_END, actor=ACTOR),
            "không thuộc Tổ hòa giải thôn Đông")
    refused(con, lambda: funding.file_fee_request(con, east, ids(con, "Đặng Văn Khoa"), "2023-04-01", actor=ACTOR),
            "kết thúc ngày 30/04/2023, sau ngày đề nghị 01/04/2023")
    refused(con, lambda: funding.file_fee_request(con, east, [], YEAR_END, actor=ACTOR), "Chưa chọn vụ việc")
    # The fee's rate is that of the concluded date (a missing one: test_rates_tt56.py), so an early request date
    # is refused for the case's date, not for want of a rate.
    refused(con, lambda: funding.file_fee_request(con, east, ids(con, "Hoàng Văn Giang"), "2014-06-01", actor=ACTOR),
            "kết thúc ngày 15/02/2023, sau ngày đề nghị 01/06/2014")
    refused(con, lambda: funding.file_fee_request(con, east, ids(con, "Hoàng Văn Giang"),
                                                  dt.date.today() + dt.timedelta(days=1), actor=ACTOR), "ở tương lai")
    # A deleted case is not payable either.
    giang = case_id(con, "Hoàng Văn Giang")
    cases.delete_case(con, giang, actor=ACTOR)
    refused(con, lambda: funding.file_fee_request(con, east, [giang], YEAR_END, actor=ACTOR), "đã bị xóa")


def test_a_case_is_paid_once_and_a_cancelled_request_frees_it(small_db):
    con, _ = small_db
    east = team_id(con, "Thôn Đông")
    giang = case_id(con, "Hoàng Văn Giang")
    first = funding.file_fee_request(con, east, [giang], "2023-03-01", actor=ACTOR)
    refused(con, lambda: funding.file_fee_request(con, east, [giang, case_id(con, "Bùi Thị Hạnh")], YEAR_END,
                                                  actor=ACTOR),
            f"đã có trong giấy đề nghị số {first}", "chỉ được chi thù lao một lần")
    refused(con, lambda: funding.cancel_payment(con, first, "2023-03-02", "", actor=ACTOR), "Cần ghi lý do hủy")
    funding.cancel_payment(con, first, "2023-03-02", "Lập nhầm ngày", actor=ACTOR)
    assert giang in funding.payable_cases(con, east, YEAR_END)["case_id"].tolist()
    second = funding.file_fee_request(con, east, [giang], YEAR_END, actor=ACTOR)
    funding.approve_payment(con, second, YEAR_END, actor=ACTOR)
    funding.pay_payment(con, second, YEAR_END, actor=ACTOR)
    assert team_year(con, east, 2023)["cases_paid"] == 1
    refused(con, lambda: funding.cancel_payment(con, second, YEAR_END, "Thử", actor=ACTOR), "đã chi: không thể")
    refused(con, lambda: funding.file_fee_request(con, east, [giang], YEAR_END, actor=ACTOR),
            f"đã có trong giấy đề nghị số {second}")


def test_the_amount_only_goes_down_and_needs_a_reason(small_db):
    con, _ = small_db
    east = team_id(con, "Thôn Đông")
    two = ids(con, "Hoàng Văn Giang", "Bùi Thị Hạnh")
    refused(con, lambda: funding.file_fee_request(con, east, two, YEAR_END, actor=ACTOR, amount=500_000),
            "cao hơn số tính theo mức chi 400.000 đ")
    refused(con, lambda: funding.file_fee_request(con, east, two, YEAR_END, actor=ACTOR, amount="300.000"),
            "cần ghi lý do giảm")
    pid = funding.file_fee_request(con, east, two, YEAR_END, actor=ACTOR, amount="300.000",
                                   reduction_reason="Một vụ việc có tổ khác cùng hòa giải")
    assert con.execute("SELECT computed_amount, amount, reduction_reason FROM payments WHERE id = ?", [pid]).fetchone() \
        == (400_000, 300_000, "Một vụ việc có tổ khác cùng hòa giải")
    refused(con, lambda: funding.reduce_payment(con, pid, 350_000, "Tăng lại", actor=ACTOR), "chỉ được điều chỉnh giảm")
    refused(con, lambda: funding.reduce_payment(con, pid, 250_000, " ", actor=ACTOR), "Cần ghi lý do giảm")
    funding.reduce_payment(con, pid, 250_000, "Trừ tạm ứng", actor=ACTOR, expected_version=1)
    assert con.execute("SELECT amount, version FROM payments WHERE id = ?", [pid]).fetchone() == (250_000, 2)
    funding.approve_payment(con, pid, YEAR_END, actor=ACTOR)
    refused(con, lambda: funding.reduce_payment(con, pid, 200_000, "Sau duyệt", actor=ACTOR), "chỉ sửa số tiền khi")
    # A lowered payment is not "above the rate".
    assert funding.payment(con, pid)["above_rate"] == 0


def test_status_moves_one_step_at_a_time_with_dates(small_db):
    con, _ = small_db
    east = team_id(con, "Thôn Đông")
    pid = funding.file_fee_request(con, east, ids(con, "Hoàng Văn Giang"), "2023-03-01", actor=ACTOR)
    refused(con, lambda: funding.pay_payment(con, pid, "2023-03-02", actor=ACTOR),
            "bước tiếp theo là «Đã duyệt», không chuyển sang «Đã chi»")
    refused(con, lambda: funding.approve_payment(con, pid, "2023-02-28", actor=ACTOR), "trước ngày đề nghị 01/03/2023")
    funding.approve_payment(con, pid, "2023-03-02", actor=ACTOR, expected_version=1)
    with pytest.raises(VersionConflict):
        funding.pay_payment(con, pid, "2023-03-03", actor=ACTOR, expected_version=1)
    refused(con, lambda: funding.set_status(con, pid, "de_nghi", "2023-03-03", actor=ACTOR), "bước tiếp theo là «Đã chi»")
    refused(con, lambda: funding.pay_payment(con, pid, "2023-03-01", actor=ACTOR), "trước ngày duyệt 02/03/2023")
    funding.pay_payment(con, pid, "2023-03-03", actor=ACTOR, expected_version=2)
    pay = funding.payment(con, pid)
    assert (pay["status"], pay["approved_on"], pay["paid_on"]) == ("da_chi", dt.date(2023, 3, 2), dt.date(2023, 3, 3))
    # Deadlines: 01/03/2023 was a Wednesday → 5 working days later is Wednesday 08/03; paid on time.
    # The team pays its mediators within 3 working days of 03/03 (Friday) → Wednesday 08/03.
    assert (pay["pay_deadline"], pay["late"], pay["payout_deadline"]) == (dt.date(2023, 3, 8), False, dt.date(2023, 3, 8))
    actions = [r[0] for r in con.execute(
        "SELECT action FROM audit_log WHERE table_name = 'payments' AND row_id = ? ORDER BY id", [pid]).fetchall()]
    assert actions == ["insert", "da_duyet", "da_chi"]


def test_a_request_left_unpaid_past_five_working_days_is_late(small_db):
    con, _ = small_db
    east = team_id(con, "Thôn Đông")
    pid = funding.file_fee_request(con, east, ids(con, "Hoàng Văn Giang"), "2023-12-29", actor=ACTOR)  # a Friday
    pay = funding.payment(con, pid)
    assert pay["pay_deadline"] == dt.date(2024, 1, 8)  # Sat/Sun and 01/01 (New Year's Day) skipped
    assert pay["late"]  # still unpaid today
    outstanding = funding.outstanding(con, 2023)
    row = outstanding[outstanding["item"] == "cho_chi"].iloc[0]
    assert (row["payment_id"], row["amount"], bool(row["late"])) == (pid, 200_000, True)


def test_approval_refuses_cases_no_longer_payable(small_db):
    con, _ = small_db
    east = team_id(con, "Thôn Đông")
    giang, hanh = ids(con, "Hoàng Văn Giang", "Bùi Thị Hạnh")
    pid = funding.file_fee_request(con, east, [giang, hanh], YEAR_END, actor=ACTOR)
    cases.delete_case(con, hanh, actor=ACTOR)
    refused(con, lambda: funding.approve_payment(con, pid, YEAR_END, actor=ACTOR),
            f"Vụ việc số {hanh} không còn đủ điều kiện")
    # The check shows the request paying for a deleted case — its own finding, not «chi vượt mức» — until cancelled.
    pay = funding.payment(con, pid)
    assert (pay["paid_deleted"], pay["above_rate"], pay["deleted_cases"]) == (200_000, 0, 1)
    funding.cancel_payment(con, pid, YEAR_END, "Vụ việc đã xóa", actor=ACTOR)
    assert funding.payment(con, pid)["paid_deleted"] == 0


# --- support, budget, signed list -------------------------------------------------------------------------------

def test_support_due_paid_and_overlapping_periods(small_db):
    con, _ = small_db
    east, north = team_id(con, "Thôn Đông"), team_id(con, "Thôn Bắc")
    full = funding.file_support_payment(con, east, 2023, 1, 12, "2023-12-04", actor=ACTOR)
    assert con.execute("SELECT period_from, period_to, amount FROM payments WHERE id = ?", [full]).fetchone() == (
        dt.date(2023, 1, 1), dt.date(2023, 12, 31), 500_000)
    refused(con, lambda: funding.file_support_payment(con, east, 2023, 7, 12, "2023-12-05", actor=ACTOR),
            f"đã có chứng từ hỗ trợ số {full}", "mỗi tháng chỉ chi hỗ trợ một lần")
    refused(con, lambda: funding.file_support_payment(con, north, 2023, 9, 3, "2023-12-05", actor=ACTOR),
            "Đến tháng 3 trước từ tháng 9")
    half = funding.file_support_payment(con, north, 2023, 1, 6, "2023-07-03", actor=ACTOR)
    five = funding.file_support_payment(con, north, 2023, 8, 12, "2023-12-04", actor=ACTOR)
    amounts = dict(con.execute("SELECT id, amount FROM payments WHERE id IN (?, ?)", [half, five]).fetchall())
    assert amounts == {half: 250_000, five: 208_333}  # 500.000 × 6/12; 500.000 × 5/12 rounded to the đồng
    for pid in (full, half):
        funding.approve_payment(con, pid, "2023-12-06", actor=ACTOR)
        funding.pay_payment(con, pid, "2023-12-08", actor=ACTOR)
    e, n = team_year(con, east, 2023), team_year(con, north, 2023)
    assert (e["support_due"], e["support_paid"], e["support_outstanding"]) == (500_000, 500_000, 0)
    assert (n["support_due"], n["support_paid"], n["support_pending"], n["support_outstanding"],
            n["support_not_requested"]) == (500_000, 250_000, 208_333, 250_000, 41_667)  # July never requested
    assert team_year(con, east, 2024)["support_due"] == 1_800_000  # the 2024 rate


def test_budget_against_paid(small_db):
    con, _ = small_db
    east = team_id(con, "Thôn Đông")
    refused(con, lambda: funding.save_budget(con, 2023, {"amount": -1}, actor=ACTOR), "không được âm")
    funding.save_budget(con, 2023, {"amount": "1.200.000", "document_no": "Nghị quyết số 19/NQ-HĐND",
                                    "document_date": "20/12/2022", "in_commune_budget": True}, actor=ACTOR)
    fee = funding.file_fee_request(con, east, ids(con, "Hoàng Văn Giang", "Bùi Thị Hạnh", "Đặng Văn Khoa"),
                                   YEAR_END, actor=ACTOR)
    support = funding.file_support_payment(con, east, 2023, 1, 12, "2023-12-04", actor=ACTOR)
    funding.approve_payment(con, support, "2023-12-05", actor=ACTOR)
    funding.pay_payment(con, support, "2023-12-06", actor=ACTOR)
    total = funding.summary(con, 2023)
    assert (total["budget"], total["paid"], total["pending"], total["over_budget"]) == (1_200_000, 500_000, 600_000, False)
    assert total["paid_share"] == pytest.approx(500_000 / 1_200_000)
    funding.approve_payment(con, fee, YEAR_END, actor=ACTOR)
    funding.pay_payment(con, fee, YEAR_END, actor=ACTOR)
    funding.save_budget(con, 2023, {"amount": 1_000_000, "in_commune_budget": True}, actor=ACTOR, expected_version=1)
    total = funding.summary(con, 2023)
    assert (total["budget"], total["paid"], total["over_budget"]) == (1_000_000, 1_100_000, True)
    assert con.execute("SELECT remaining FROM funding_year WHERE year = 2023").fetchone()[0] == -100_000
    with pytest.raises(VersionConflict):
        funding.save_budget(con, 2023, {"amount": 900_000}, actor=ACTOR, expected_version=1)


def test_a_rate_dated_next_year_does_not_change_this_years_amounts(small_db):
    con, _ = small_db
    east, north = team_id(con, "Thôn Đông"), team_id(con, "Thôn Bắc")
    pid = funding.file_fee_request(con, east, ids(con, "Hoàng Văn Giang", "Bùi Thị Hạnh"), YEAR_END, actor=ACTOR)
    before = (funding.team_checks(con, 2023).to_dict("records"), funding.payment(con, pid), funding.summary(con, 2023))
    close_fee_rate_and_add(con, 300_000)
    after = (funding.team_checks(con, 2023).to_dict("records"), funding.payment(con, pid), funding.summary(con, 2023))
    assert after[0] == before[0]
    assert after[2] == before[2]
    assert {k: v for k, v in after[1].items() if k != "version"} == {k: v for k, v in before[1].items() if k != "version"}
    assert after[1]["due_amount"] == 400_000 and after[1]["above_rate"] == 0
    # A request dated in 2025 for a case concluded in 2023 pays the case's own rate (its concluded date), not the
    # rate of the request date.
    new = funding.file_fee_request(con, north, ids(con, "Ngô Văn Nam"), "2025-01-05", actor=ACTOR)
    assert funding.payment(con, new)["amount"] == 200_000


def test_a_rate_corrected_downward_shows_payments_above_it(small_db):
    con, _ = small_db
    east = team_id(con, "Thôn Đông")
    pid = funding.file_fee_request(con, east, ids(con, "Hoàng Văn Giang", "Bùi Thị Hạnh"), YEAR_END, actor=ACTOR)
    rid, version = rate_id(con, "thu_lao", "2015-01-01")
    funding.save_rate(con, {**funding.get_rate(con, rid), "amount": 150_000, "needs_verification": False},
                      actor=ACTOR, rate_id=rid, expected_version=version)
    pay = funding.payment(con, pid)
    assert (pay["amount"], pay["due_amount"], pay["above_rate"]) == (400_000, 300_000, 100_000)
    assert team_year(con, east, 2023)["payments_above_rate"] == 1


def test_signed_list_adds_up_and_exports_for_excel(small_db):
    con, ids_ = small_db
    east = team_id(con, "Thôn Đông")
    # Give one case two mediators and one case none: 3 cases share 500.000 → 166.667 + 166.667 + 166.666.
    giang = case_id(con, "Hoàng Văn Giang")
    data = cases.get_case(con, giang)
    cases.save_case(con, {**data, "mediator_ids": [ids_["a1"], ids_["a2"]]}, actor=ACTOR, case_id=giang,
                    expected_version=data["version"])
    pid = funding.file_fee_request(con, east, ids(con, "Hoàng Văn Giang", "Bùi Thị Hạnh", "Đặng Văn Khoa"), YEAR_END,
                                   actor=ACTOR, amount=500_000, reduction_reason="Thử chia lẻ")
    lines = funding.signing_list(con, pid)
    # Giang 166.667 → Hoa 83.334 + Bình 83.333 (the odd đồng to the first name); Hạnh 166.667 and Khoa 166.666
    # have no mediator recorded → the leader, Lê Thị Hoa.
    assert lines[["full_name", "amount"]].values.tolist() == [["Lê Thị Hoa", 83_334 + 166_667 + 166_666],
                                                               ["Trần Văn Bình", 83_333]]
    assert int(lines["amount"].sum()) == 500_000
    data = funding.signing_csv(con, pid)
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["STT", "Họ và tên", "Tổ hòa giải", "Số tiền (đồng)", "Ký nhận"]
    assert rows[1] == ["1", "Lê Thị Hoa", "Tổ hòa giải thôn Đông", "416667", ""]
    assert rows[-1] == ["", "Tổng cộng", "", "500000", ""]
    support = funding.file_support_payment(con, east, 2023, 1, 12, "2023-12-04", actor=ACTOR)
    assert funding.signing_list(con, support)[["full_name", "amount"]].values.tolist() == [
        ["Lê Thị Hoa (nhận cho tổ)", 500_000]]


# --- the demo and its checks against an independent calculation --------------------------------------------------

def test_demo_checks_agree_with_an_independent_calculation(demo_db):
    con = demo_db
    independent = {r[0]: r[1:] for r in con.execute(
        """
        WITH fee_cases AS (
            SELECT c.id, c.team_id FROM cases c
            WHERE c.deleted_at IS NULL AND c.result IN ('thanh', 'khong_thanh') AND year(c.concluded_on) = 2023
        ), paid_cases AS (
            SELECT DISTINCT pc.case_id FROM payment_cases pc JOIN payments p ON p.id = pc.payment_id
            WHERE p.status = 'da_chi' AND p.kind = 'thu_lao'
        )
        SELECT t.id,
               (SELECT count(*) FROM fee_cases f WHERE f.team_id = t.id),
               (SELECT count(*) FROM fee_cases f WHERE f.team_id = t.id AND f.id NOT IN (SELECT case_id FROM paid_cases)),
               (SELECT coalesce(sum(amount), 0) FROM payments p
                WHERE p.team_id = t.id AND p.kind = 'ho_tro' AND p.status = 'da_chi' AND year(p.period_from) = 2023),
               (SELECT coalesce(sum(amount), 0) FROM payments p
                WHERE p.team_id = t.id AND p.kind = 'thu_lao' AND p.status = 'da_chi' AND year(p.requested_on) = 2023)
        FROM teams t
        """).fetchall()}
    checks = funding.team_checks(con, 2023)
    for row in checks.itertuples():
        concluded, unpaid, support_paid, fee_paid = independent[row.team_id]
        assert (row.concluded_cases, row.unpaid_cases, row.support_paid, row.fee_paid) == (
            concluded, unpaid, support_paid, fee_paid), row.village
        assert row.support_due == 500_000  # 500.000 đ/tổ/năm in 2023
    total = funding.summary(con, 2023)
    paid = con.execute("SELECT sum(amount) FROM payments WHERE status = 'da_chi' AND year = 2023").fetchone()[0]
    assert total["paid"] == paid == 9_900_000
    assert total["budget"] == 15_000_000
    assert (total["unpaid_cases"], total["concluded_cases"]) == (12, 44)
    assert total["teams_support_paid"] == 6  # Hòa Bình not requested, Đông Hòa approved but unpaid
    # Exactly one payment paid for a case deleted since: the July 2023 request that paid a duplicate case. That is
    # «chi cho vụ việc đã xóa», not «chi vượt mức»: every 2023 case concluded before 06/10/2023 at 200.000 đ, and no
    # payment is above 200.000 đ × its listed cases.
    deleted = con.execute(
        """
        SELECT p.id, p.amount - 200000 * count(c.id) FILTER (WHERE c.deleted_at IS NULL)
        FROM payments p JOIN payment_cases pc ON pc.payment_id = p.id JOIN cases c ON c.id = pc.case_id
        WHERE p.kind = 'thu_lao' AND p.status <> 'huy' GROUP BY p.id, p.amount
        HAVING p.amount > 200000 * count(c.id) FILTER (WHERE c.deleted_at IS NULL)
        """).fetchall()
    assert len(deleted) == 1 and deleted[0][1] == 200_000
    assert con.execute("SELECT count(*) FROM payments p WHERE kind = 'thu_lao' AND status <> 'huy' AND amount > "
                       "200000 * (SELECT count(*) FROM payment_cases pc WHERE pc.payment_id = p.id)").fetchone()[0] == 0
    assert (total["payments_paid_deleted"], total["paid_deleted"]) == (1, 200_000)
    assert (total["payments_above_rate"], total["above_rate"]) == (0, 0)
    # Most teams are paid their support every year; 2021 had no budget line of its own.
    for year in (2021, 2022):
        assert funding.summary(con, year)["teams_support_paid"] == 8
    assert funding.budget(con, 2021)["in_commune_budget"] is False


# --- pages ---------------------------------------------------------------------------------------------------

def test_funding_page_shows_the_checks(app):
    at = open_page(app, "pages/funding.py")
    assert metric(at, "Dự toán năm 2023 (toàn xã)") == "15.000.000 đ"
    assert metric(at, "Đã chi") == "9.900.000 đ"
    assert metric(at, "Vụ việc chưa chi thù lao") == "12/44"
    assert metric(at, "Tổ đã nhận đủ hỗ trợ năm 2023") == "6/8"
    assert any("1 chứng từ chi cho vụ việc đã xóa, tổng 200.000 đ" in e.value for e in at.error)
    assert not any("chi vượt mức" in e.value for e in at.error)
    assert metric(at, "Chứng từ chi vượt mức") == "0"
    assert any("không tính thứ Bảy, Chủ nhật, ngày nghỉ lễ, Tết" in w.value for w in at.warning)


def test_filing_and_approving_a_fee_request_through_the_page(app):
    at = open_page(app, "pages/funding.py")
    con = app_connection()
    team = con.execute("SELECT t.id FROM teams t JOIN villages v ON v.id = t.village_id "
                       "WHERE v.name = 'Thôn An Lạc'").fetchone()[0]
    at.selectbox(key="fee_team").set_value(team).run()
    payable = funding.payable_cases(con, team, YEAR_END)["case_id"].tolist()
    assert len(payable) == 1
    assert any(m.value == "**1 vụ việc × 200.000 đ = 200.000 đ**" for m in at.markdown)
    at = at.button(key="fee_file").click().run()
    assert not at.exception
    assert any("Đã lập giấy đề nghị số" in s.value for s in at.success), [e.value for e in at.error]
    pid = con.execute("SELECT max(id) FROM payments").fetchone()[0]
    assert con.execute("SELECT team_id, amount, status, requested_on FROM payments WHERE id = ?", [pid]).fetchone() == (
        team, 200_000, "de_nghi", YEAR_END)
    assert at.selectbox(key="fee_team").value == team
    assert any("không còn vụ việc đã kết thúc nào chưa đề nghị" in i.value for i in at.info)
    # The new request is open under «Chứng từ»: approve, then record the payment.
    at = at.button(key=f"{edit_key(at, f'pay_{pid}')}_da_duyet").click().run()
    assert any(f"Chứng từ số {pid}: đã duyệt" in s.value for s in at.success), [e.value for e in at.error]
    at = at.button(key=f"{edit_key(at, f'pay_{pid}')}_da_chi").click().run()
    assert con.execute("SELECT status, approved_on, paid_on FROM payments WHERE id = ?", [pid]).fetchone() == (
        "da_chi", YEAR_END, YEAR_END)
    assert metric(at, "Đã chi") == "10.100.000 đ"


def test_a_case_concluded_through_the_app_becomes_payable_at_the_valid_rate(app):
    at = open_page(app, "pages/cases.py")
    con = app_connection()
    cid, version, team = con.execute("SELECT id, version, team_id FROM cases WHERE result = 'dang_hoa_giai' "
                                     "AND year(received_on) = 2023 ORDER BY id LIMIT 1").fetchone()
    opener = next(w for w in at.selectbox if w.label == "Mở vụ việc để sửa hoặc kết thúc")
    at = opener.set_value(cid).run()
    form = edit_key(at, f"edit_case_{cid}")
    at.selectbox(key=f"{form}_result").set_value("khong_thanh")
    at.text_input(key=f"{form}_concluded").input(typed(dt.date(2023, 12, 29)))
    at = at.button(key=f"{form}_save").click().run()
    assert any(f"Đã lưu vụ việc số {cid}" in s.value for s in at.success), [e.value for e in at.error]
    at.switch_page("pages/funding.py").run()
    at = at.selectbox(key="fee_team").set_value(team).run()
    labels = [c.label for c in at.checkbox]
    assert any(label.startswith(f"Số {cid} · kết thúc 29/12/2023 · Hòa giải không thành") for label in labels), labels
    at = at.button(key="fee_file").click().run()
    pid = con.execute("SELECT max(payment_id) FROM payment_cases WHERE case_id = ?", [cid]).fetchone()[0]
    assert pid is not None
    n = con.execute("SELECT count(*) FROM payment_cases WHERE payment_id = ?", [pid]).fetchone()[0]
    assert con.execute("SELECT amount FROM payments WHERE id = ?", [pid]).fetchone()[0] == 200_000 * n
    # Filing it again is impossible: it is no longer offered, and the write path refuses it.
    with pytest.raises(ValidationError):
        funding.file_fee_request(con, team, [cid], YEAR_END, actor=ACTOR)


def test_a_refused_request_shows_why(app):
    at = open_page(app, "pages/funding.py")
    con = app_connection()
    team = at.selectbox(key="fee_team").value
    boxes = [c for c in at.checkbox if c.key and c.key.startswith("fee_case_")]
    assert boxes
    at.checkbox(key="fee_reduce").check().run()
    at.text_input(key="fee_amount").input("1.000").run()
    count = con.execute("SELECT count(*) FROM payments").fetchone()[0]
    at = at.button(key="fee_file").click().run()
    assert any("cần ghi lý do giảm" in e.value for e in at.error), [e.value for e in at.error]
    assert con.execute("SELECT count(*) FROM payments").fetchone()[0] == count
    assert at.selectbox(key="fee_team").value == team


def test_funding_and_rates_pages_run_for_every_village(app, demo_path):
    import db
    con = db.connect(demo_path)
    villages = [r[0] for r in con.execute("SELECT id FROM villages").fetchall()]
    con.close()
    for page in ("pages/funding.py", "pages/rates.py"):
        for village in [0, *villages]:
            app.session_state["thon"] = village
            app.run()
            app.switch_page(page).run()
            assert not app.exception, (page, village, [e.value for e in app.exception])


def test_rates_page_adds_a_rate_and_refuses_an_overlap(app):
    at = open_page(app, "pages/rates.py")
    assert any("7 mức chi đang là giá trị mặc định" in w.value for w in at.warning)
    form = "new_rate_0"
    at.selectbox(key=f"{form}_kind").set_value("thu_lao").run()
    at.text_input(key=f"{form}_amount").input("250.000")
    at.text_input(key=f"{form}_legal_basis").input("01/2024/NQ-HĐND")
    at.text_input(key=f"{form}_valid_from").input(typed(dt.date(2024, 1, 1)))
    at = next(b for b in at.button if b.label == "Lưu mức chi").click().run()
    assert any("Đã có mức «Thù lao hòa giải viên – hòa giải thành · mức áp dụng (tỉnh)» hiệu lực từ 01/01/2024"
               in e.value for e in at.error), [e.value for e in at.error]
    at.selectbox(key=f"{form}_kind").set_value("khen_thuong").run()
    at.text_input(key=f"{form}_amount").input("300.000")
    at.text_input(key=f"{form}_legal_basis").input("Luật Thi đua, khen thưởng 2022")
    at.text_input(key=f"{form}_valid_from").input(typed(dt.date(2024, 1, 1)))
    at.selectbox(key=f"{form}_unit").set_value("tap_the")
    at = next(b for b in at.button if b.label == "Lưu mức chi").click().run()
    assert any("Đã lưu mức chi «Khen thưởng»" in s.value for s in at.success), [e.value for e in at.error]


def test_overview_shows_budget_and_unpaid_cases(app):
    at = open_page(app, "pages/overview.py")
    assert metric(at, "Kinh phí đã chi / dự toán") == "66,0%"
    assert any(c.value.startswith("9.900.000 đ / 15.000.000 đ · 12 vụ việc chưa chi thù lao") for c in at.caption)


def test_support_and_budget_through_the_page(app):
    at = open_page(app, "pages/funding.py")
    con = app_connection()
    hoa_binh = con.execute("SELECT t.id FROM teams t JOIN villages v ON v.id = t.village_id "
                           "WHERE v.name = 'Thôn Hòa Bình'").fetchone()[0]
    assert at.selectbox(key="support_team").value == hoa_binh  # the team with no 2023 support yet comes first
    assert any("Phải chi cho kỳ này: **500.000 đ**" in m.value for m in at.markdown)
    at = at.button(key="support_file").click().run()
    assert any("Đã lập chứng từ hỗ trợ hoạt động số" in s.value for s in at.success), [e.value for e in at.error]
    assert con.execute("SELECT amount, period_from, period_to, status FROM payments WHERE team_id = ? AND kind = 'ho_tro' "
                       "AND year = 2023", [hoa_binh]).fetchone() == (500_000, dt.date(2023, 1, 1), YEAR_END, "de_nghi")
    # Filing the same months again is refused with the reason.
    at.selectbox(key="support_team").set_value(hoa_binh).run()
    at = at.button(key="support_file").click().run()
    assert any("mỗi tháng chỉ chi hỗ trợ một lần" in e.value for e in at.error)
    at.text_input(key=f"{edit_key(at, 'budget_2023')}_amount").input("16.000.000")
    at = next(b for b in at.button if b.label == "Lưu dự toán").click().run()
    assert any("Đã lưu dự toán năm 2023" in s.value for s in at.success), [e.value for e in at.error]
    assert metric(at, "Dự toán năm 2023 (toàn xã)") == "16.000.000 đ"


def test_deadlines_in_working_days_skip_tet_and_the_moved_days_off(small_db):
    """Vietnam's calendar from the holidays library (db/core/workdays.py): a request on Friday 24/01/2025, before Tết
    (27/01–31/01 and Saturday 01/02 off), is due on Friday 07/02 — not on 31/01 as Monday–Friday alone gives. In 2024
    the Government moved a day off: Monday 29/04 was off and Saturday 04/05 a working day."""
    con, _ = small_db
    due = lambda day, n: con.execute("SELECT add_working_days(?::DATE, ?)", [day, n]).fetchone()[0]  # noqa: E731
    assert due("2025-01-24", 5) == dt.date(2025, 2, 7)
    assert due("2025-01-24", 1) == dt.date(2025, 2, 3)
    assert due("2024-04-26", 1) == dt.date(2024, 5, 2)  # 29/04 moved day off, 30/04 and 01/05 holidays
    assert due("2024-05-03", 1) == dt.date(2024, 5, 4)  # the Saturday made a working day
    assert due("2023-03-01", 5) == dt.date(2023, 3, 8)  # an ordinary week
    holiday = con.execute("SELECT holiday FROM work_calendar WHERE day = DATE '2025-01-29'").fetchone()[0]
    assert holiday == "Tết Nguyên Đán"
