"""Chuẩn tiếp cận pháp luật as the texts say (issue 14, item 8): db/criteria/criteria.sql (criteria_result,
criteria_criterion_year, criteria_standard_year), db/criteria/__init__.py, migration 012 and the Tiêu chí page.

Quyết định 25/2021/QĐ-TTg (years 2021–2024): mediation is Tiêu chí 3, Chỉ tiêu 1 (a: cases handled per the rules,
b: cases mediated successfully) and Chỉ tiêu 2 (a: budget document, b: teams paid at the rate); Chỉ tiêu 3 (legal aid)
is entered by hand. Seeded points (cần xác minh, TT 09/2021 Phụ lục I): 3.1.a 3, 3.1.b 3, 3.2.a 2, 3.2.b 2, 3.3 2 →
Tiêu chí 3 out of 12, half = 6. The commune passes with ≥ 80/100 and ≥ 50 % of every tiêu chí.
Quyết định 27/2025/QĐ-TTg (years 2025 on): indicators pass or fail against a level, without points.

The small commune (conftest.SMALL_CASES), 2023, whole commune:
  3.1.a: no case has a mediator recorded → 0/6 in scope → 3 × 0 = 0;
  3.1.b: thành 4, không thành 1 → 0,8 against 0,9 → 3 × 0,8 / 0,9 = 2,67;
  3.2.a: a budget with a document, in the commune budget → 2;
  3.2.b: Đông's support paid, Bắc's not → 1/2 → 2 × 0,5 = 1;
  Chỉ tiêu 1–2 = 5,67 of 10 (with every evidence document uploaded).
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from conftest import ACTOR, a_pdf, metric, open_page, team_id
from db import cases, criteria, funding
from db.criteria import evidence
from db.core import locks
from db.core.writes import ValidationError

YEAR = 2023
AS_OF = dt.date(2026, 3, 1)
EVERY_KIND = ("so_theo_doi", "bao_cao_to_truong", "van_ban_hoa_giai_thanh", "bao_cao_ubnd_xa", "du_toan", "ho_so_chi",
              "danh_sach_ky_nhan")


def result(con, code: str, year: int = YEAR) -> dict:
    rel = con.execute("SELECT * FROM criteria_result WHERE year = ? AND code = ? AND village_id IS NULL "
                      "ORDER BY framework_sort LIMIT 1", [year, code])
    row = rel.fetchone()
    assert row is not None, (code, year)
    return dict(zip([d[0] for d in rel.description], row))


def criterion(con, number: int, year: int = YEAR) -> dict:
    return next(c for c in criteria.standard(con, year)["criteria"] if c["criterion_no"] == number)


def indicator_id(con, framework: str, code: str) -> int:
    return con.execute("SELECT max(id) FROM criteria_indicators WHERE framework_code = ? AND code = ?",
                       [framework, code]).fetchone()[0]


def add_every_document(con, year: int = YEAR) -> None:
    for kind in EVERY_KIND:
        evidence.add_document(con, {"year": year, "village_id": None, "kind": kind, "doc_no": "1/BC",
                                    "doc_date": f"{year}-03-20", "note": None}, a_pdf(f"{kind} {year}"),
                              "ho-so.pdf", actor=ACTOR)


@pytest.fixture()
def scored_2023(small_db):
    """The small commune with every 2023 document, a budget in the commune's budget, Đông's support paid."""
    con, ids = small_db
    add_every_document(con)
    funding.save_budget(con, YEAR, {"amount": 5_000_000, "document_no": "Nghị quyết số 5/NQ-HĐND",
                                    "document_date": "2022-12-20", "in_commune_budget": True}, actor=ACTOR)
    payment = funding.file_support_payment(con, team_id(con, "Thôn Đông"), YEAR, 1, 12, "2023-12-01", actor=ACTOR)
    funding.approve_payment(con, payment, "2023-12-02", actor=ACTOR)
    funding.pay_payment(con, payment, "2023-12-04", actor=ACTOR)
    return con


def max_id(con, number: int) -> int:
    return con.execute("SELECT id FROM criteria_criteria WHERE framework_code = 'qd25_2021' AND criterion_no = ?",
                       [number]).fetchone()[0]


def set_other_maxima(con, value: float = 22) -> None:
    for number in (1, 2, 4, 5):
        criteria.save_criterion(con, max_id(con, number), {"max_points": value, "needs_verification": True},
                                actor=ACTOR, expected_version=1)


def enter(con, number: int, points, code: str | None = None, year: int = YEAR) -> None:
    found = con.execute("SELECT version FROM criteria_manual_points WHERE year = ? AND criterion_no = ? AND "
                        "indicator_code = ?", [year, number, code or ""]).fetchone()
    criteria.save_manual_points(con, year, number, {"points": points}, actor=ACTOR, indicator_code=code,
                                expected_version=found[0] if found else None)


# --- the structure the texts give -----------------------------------------------------------------------------------

def test_qd25_mediation_indicators_are_tieu_chi_3_chi_tieu_1_and_2(empty_db):
    rows = empty_db.execute(
        "SELECT code, criterion_no, indicator_no, part, formula, points_rule, max_points, needs_verification "
        "FROM criteria_indicators WHERE framework_code = 'qd25_2021' ORDER BY sort_order").fetchall()
    assert rows == [
        ("3.1.a", 3, 1, "a", "register_complete", "proportional", 3, True),
        ("3.1.b", 3, 1, "b", "official_rate", "proportional", 3, True),
        ("3.2.a", 3, 2, "a", "budget_document", "all_or_nothing", 2, True),
        ("3.2.b", 3, 2, "b", "support_at_rate", "proportional", 2, True),
        ("3.3", 3, 3, None, "manual", "manual", 2, True),
    ]
    notes = [n for (n,) in empty_db.execute(
        "SELECT note FROM criteria_indicators WHERE framework_code = 'qd25_2021'").fetchall()]
    assert all("cần xác minh (TT 09/2021 Phụ lục I)" in n for n in notes)
    fw = empty_db.execute("SELECT assessment, total_points, pass_points, criterion_min_share, valid_to FROM "
                          "criteria_frameworks WHERE code = 'qd25_2021'").fetchone()
    assert fw == ("points", 100, 80, 0.5, dt.date(2024, 12, 31))
    assert empty_db.execute("SELECT assessment, valid_from FROM criteria_frameworks WHERE code = 'qd27_2025'"
                            ).fetchone() == ("level", dt.date(2025, 1, 1))
    # QĐ 27/2025: every indicator passes or fails against a level, none scored, all marked cần xác minh.
    level = empty_db.execute("SELECT DISTINCT points_rule, max_points IS NULL, needs_verification FROM "
                             "criteria_indicators WHERE framework_code = 'qd27_2025'").fetchall()
    assert level == [("level", True, True)]
    assert [n for (n,) in empty_db.execute("SELECT criterion_no FROM criteria_criteria WHERE framework_code = "
                                           "'qd25_2021' ORDER BY 1").fetchall()] == [1, 2, 3, 4, 5]


def test_years_up_to_2024_use_qd25_and_later_years_qd27(small_db):
    con, _ = small_db
    assert criteria.framework_for_year(con, 2024)["assessment"] == "points"
    assert criteria.framework_for_year(con, 2025)["framework_code"] == "qd27_2025"
    assert criteria.standard(con, 2024) is not None and criteria.standard(con, 2025) is None


# --- QĐ 25/2021: points of Tiêu chí 3, Chỉ tiêu 1–2, by hand ---------------------------------------------------------

def test_points_of_chi_tieu_1_and_2_by_hand(scored_2023):
    con = scored_2023
    points = {code: result(con, code)["points"] for code in ("3.1.a", "3.1.b", "3.2.a", "3.2.b")}
    assert points == {"3.1.a": 0, "3.1.b": pytest.approx(2.67), "3.2.a": 2, "3.2.b": pytest.approx(1)}
    tc3 = criterion(con, 3)
    assert (tc3["measured_points"], tc3["measured_max"]) == (pytest.approx(5.67), 10)
    # Chỉ tiêu 3 unknown: Tiêu chí 3 is 5,67 … 7,67 of 12; half = 6 is neither sure nor impossible.
    assert (tc3["max_points"], tc3["points"], tc3["half"]) == (12, None, 6)
    assert (tc3["points_low"], tc3["points_high"]) == (pytest.approx(5.67), pytest.approx(7.67))
    assert tc3["half_met"] is None
    assert result(con, "3.3")["status"] == "chua_nhap"
    summary = next(f for f in criteria.summary(con, YEAR)["frameworks"] if f["framework_code"] == "qd25_2021")
    assert (summary["points"], summary["max_points"], summary["indicators"]) == (pytest.approx(5.67), 10, 4)


def test_half_of_tieu_chi_3_needs_chi_tieu_3(scored_2023):
    con = scored_2023
    enter(con, 3, 0.25, "3.3")
    tc3 = criterion(con, 3)
    assert (tc3["points"], tc3["half_met"]) == (pytest.approx(5.92), False)  # 5,92 < 6
    assert criteria.half_text(tc3) == "Chưa đạt (dưới 6/12 điểm)"
    enter(con, 3, 0.5, "3.3")
    tc3 = criterion(con, 3)
    assert (tc3["points"], tc3["half_met"]) == (pytest.approx(6.17), True)
    assert result(con, "3.3")["points"] == 0.5 and result(con, "3.3")["status"] == "chua_dat"  # not full points
    enter(con, 3, None, "3.3")  # back to «chưa biết»
    assert criterion(con, 3)["half_met"] is None
    # Without the evidence of Chỉ tiêu 2 (b) its points are 0: 4,67 + 2 (Chỉ tiêu 3 at most) = 6,67 ≥ 6 still possible.
    doc = con.execute("SELECT id, version FROM evidence_documents WHERE kind = 'danh_sach_ky_nhan'").fetchone()
    evidence.delete_document(con, doc[0], actor=ACTOR, expected_version=doc[1])
    assert result(con, "3.2.b")["points"] == 0
    assert criterion(con, 3)["points_high"] == pytest.approx(6.67)


def test_total_of_80_and_half_of_every_criterion(scored_2023):
    con = scored_2023
    enter(con, 3, 0.5, "3.3")  # Tiêu chí 3 = 6,17 of 12
    standard = criteria.standard(con, YEAR)
    assert (standard["criteria_without_max"], standard["status"]) == (4, "chua_xac_dinh")
    set_other_maxima(con)  # 4 × 22 + 12 = 100
    for number, points in ((1, 20), (2, 20), (4, 20)):
        enter(con, number, points)
    standard = criteria.standard(con, YEAR)
    # Tiêu chí 5 unknown: total 66,17 … 88,17 — not decided.
    assert (standard["max_configured"], standard["total_low"], standard["total_high"]) == (
        100, pytest.approx(66.17), pytest.approx(88.17))
    assert standard["status"] == "chua_xac_dinh"
    enter(con, 5, 14)  # 80,17 ≥ 80, every criterion ≥ half (Tiêu chí 5: 14 ≥ 11)
    standard = criteria.standard(con, YEAR)
    assert (standard["total_low"], standard["criteria_below_half"], standard["status"]) == (
        pytest.approx(80.17), 0, "dat")
    enter(con, 5, 13.5)  # 79,67 < 80 although every criterion ≥ half
    standard = criteria.standard(con, YEAR)
    assert (standard["criteria_below_half"], standard["status"]) == (0, "chua_dat")
    enter(con, 5, 14)
    enter(con, 1, 22)
    enter(con, 2, 22)  # 84,17 in total, but Tiêu chí 3 below half fails the commune
    enter(con, 3, 0.25, "3.3")
    standard = criteria.standard(con, YEAR)
    assert (standard["total_low"], standard["criteria_below_half"], standard["status"]) == (
        pytest.approx(83.92), 1, "chua_dat")


def test_manual_points_are_refused_where_they_do_not_belong(scored_2023):
    con = scored_2023
    with pytest.raises(ValidationError, match="vượt điểm tối đa"):
        enter(con, 3, 2.5, "3.3")
    with pytest.raises(ValidationError, match="được tính từ các chỉ tiêu"):
        enter(con, 3, 5)
    with pytest.raises(ValidationError, match="không chấm điểm nên không nhập điểm"):
        enter(con, 1, 5, year=2026)
    with pytest.raises(ValidationError, match="Tiêu chí 9"):
        enter(con, 9, 5)
    with pytest.raises(ValidationError, match="tổng điểm tối đa các chỉ tiêu"):
        criteria.save_criterion(con, max_id(con, 3), {"max_points": 15, "needs_verification": True}, actor=ACTOR,
                                expected_version=1)
    set_other_maxima(con, 20)
    with pytest.raises(ValidationError, match="vượt điểm tối đa"):
        enter(con, 1, 21)
    locks.lock_year(con, YEAR, "Đã gửi báo cáo", actor=ACTOR)
    with pytest.raises(ValidationError, match="khóa số liệu"):
        enter(con, 1, 10)
    assert con.execute("SELECT count(*) FROM criteria_manual_points").fetchone()[0] == 0


# --- editing points through the write path ----------------------------------------------------------------------------

def test_unconfirmed_points_are_corrected_for_the_years_they_apply_to(scored_2023):
    con = scored_2023
    hg = indicator_id(con, "qd25_2021", "3.1.b")
    # A new version cannot reach the past years of QĐ 25/2021 …
    with pytest.raises(ValidationError, match="hết hiệu lực"):
        criteria.save_indicator(con, {**criteria.get_indicator(con, hg), "max_points": 4}, actor=ACTOR,
                                indicator_id=hg, as_of=AS_OF)
    # … a correction of points marked «cần xác minh» can, in place and audited.
    criteria.correct_points(con, hg, {"max_points": 4, "needs_verification": True}, actor=ACTOR, expected_version=1)
    row = result(con, "3.1.b")
    assert (row["indicator_id"], row["max_points"], row["points"]) == (hg, 4, pytest.approx(3.56))  # 4 × 0,8 / 0,9
    assert criterion(con, 3)["max_points"] == 13
    assert result(con, "3.1.b", 2022)["max_points"] == 4
    action = con.execute("SELECT action FROM audit_log WHERE table_name = 'criteria_indicators' AND row_id = ? "
                         "ORDER BY id DESC LIMIT 1", [hg]).fetchone()[0]
    assert action == "correct_points"
    # Once checked against the text (mark removed), the points only change by a new version.
    criteria.correct_points(con, hg, {"max_points": 4, "needs_verification": False}, actor=ACTOR, expected_version=2)
    assert not result(con, "3.1.b")["needs_verification"]
    with pytest.raises(ValidationError, match="đã được xác minh"):
        criteria.correct_points(con, hg, {"max_points": 5, "needs_verification": False}, actor=ACTOR,
                                expected_version=3)
    level = indicator_id(con, "qd27_2025", "HG2")
    with pytest.raises(ValidationError, match="không chấm điểm"):
        criteria.correct_points(con, level, {"max_points": 5, "needs_verification": True}, actor=ACTOR,
                                expected_version=1)
    kp = indicator_id(con, "qd25_2021", "3.2.a")
    locks.lock_year(con, 2022, "Đã gửi báo cáo", actor=ACTOR)
    with pytest.raises(ValidationError, match="khóa số liệu"):
        criteria.correct_points(con, kp, {"max_points": 1, "needs_verification": True}, actor=ACTOR,
                                expected_version=1)
    assert result(con, "3.2.a")["max_points"] == 2


# --- QĐ 27/2025: pass or fail against a level ----------------------------------------------------------------------

def new_case(con, result_: str, received: str, concluded: str | None = None) -> None:
    cases.save_case(con, {
        "team_id": team_id(con, "Thôn Bắc"), "received_on": received, "grounds": "yeu_cau", "category": "dat_dai",
        "summary": "Tranh chấp ranh giới", "result": result_, "concluded_on": concluded,
        "parties": [{"full_name": "Trịnh Văn Phúc", "age": 45, "address": "Xóm 2"}], "mediator_ids": [],
    }, actor=ACTOR, confirm_duplicate=True)


def test_a_2026_level_indicator_passes_and_fails(small_db):
    con, _ = small_db
    add_every_document(con, 2026)
    for outcome in ("thanh", "thanh", "khong_thanh"):
        new_case(con, outcome, "2026-02-01", "2026-02-20")
    hg2 = result(con, "HG2", 2026)  # 2/3 = 66,7 % against the placeholder level 80 %
    assert (hg2["framework_code"], hg2["points_rule"], hg2["compare"], hg2["target"]) == ("qd27_2025", "level", "ge",
                                                                                         0.8)
    assert (hg2["num"], hg2["den"], hg2["status"], hg2["points"], hg2["max_points"]) == (2, 3, "chua_dat", None, None)
    assert criteria.points_text(_row(hg2)) == "Đạt / không đạt theo mức"
    new_case(con, "thanh", "2026-03-01", "2026-03-10")
    new_case(con, "thanh", "2026-03-02", "2026-03-12")  # 4/5 = 80 %: the level is reached
    assert (result(con, "HG2", 2026)["value"], result(con, "HG2", 2026)["status"]) == (pytest.approx(0.8), "dat")
    # A yes/no level: the budget line.
    assert result(con, "KP1", 2026)["status"] == "chua_dat"
    funding.save_budget(con, 2026, {"amount": 5_000_000, "document_no": "Nghị quyết số 9/NQ-HĐND",
                                    "document_date": "2025-12-20", "in_commune_budget": True}, actor=ACTOR)
    assert result(con, "KP1", 2026)["status"] == "dat"
    # A level to stay under (≤): no security incident, added through the write path.
    new_id = criteria.save_indicator(con, {
        "framework_code": "qd27_2025", "code": "AN1", "wording": "Không có vụ việc phức tạp gây mất ANTT",
        "formula": "security_incidents", "target": 0, "points_rule": "level", "comparison": "le",
        "needs_verification": True}, actor=ACTOR, as_of=AS_OF)
    an1 = result(con, "AN1", 2026)
    assert (an1["indicator_id"], an1["compare"], an1["status"], an1["points"]) == (new_id, "le", "dat", None)
    assert criteria.target_text(_row(an1)) == "Không có"
    data = cases.get_case(con, con.execute("SELECT max(id) FROM cases").fetchone()[0])
    data["security_incident"] = True
    cases.save_case(con, data, actor=ACTOR, case_id=data["id"], expected_version=data["version"])
    assert result(con, "AN1", 2026)["status"] == "chua_dat"


def test_a_level_is_changed_from_this_year_on_and_never_scored(small_db):
    con, _ = small_db
    old = indicator_id(con, "qd27_2025", "HG2")
    data = {**criteria.get_indicator(con, old), "target": 0.7}
    data["evidence_kinds"] = data["evidence_kinds"].split(";")
    new = criteria.save_indicator(con, data, actor=ACTOR, indicator_id=old, effective_year=2026, expected_version=1,
                                  as_of=AS_OF)
    assert (result(con, "HG2", 2025)["target"], result(con, "HG2", 2026)["target"]) == (0.8, 0.7)
    kept = criteria.get_indicator(con, new)
    assert (kept["points_rule"], kept["comparison"], kept["max_points"]) == ("level", "ge", None)
    with pytest.raises(ValidationError, match="Cách so với mức"):
        criteria.save_indicator(con, {**data, "comparison": "lon_hon"}, actor=ACTOR, indicator_id=new,
                                effective_year=2026, expected_version=kept["version"], as_of=AS_OF)
    # Points given to a level are dropped: a level is passed or failed.
    criteria.save_indicator(con, {**data, "target": 0.75, "max_points": 4}, actor=ACTOR, indicator_id=new,
                            effective_year=2026, expected_version=kept["version"], as_of=AS_OF)
    assert criteria.get_indicator(con, new)["max_points"] is None


def _row(d: dict):
    from types import SimpleNamespace
    return SimpleNamespace(**d)


# --- an existing file gets the new structure -------------------------------------------------------------------------

OLD_FRAMEWORKS = [
    ("qd25_2021", "chuan_tiep_can", "Chuẩn tiếp cận pháp luật theo Quyết định số 25/2021/QĐ-TTg", "QĐ 25/2021/QĐ-TTg",
     "2021-01-01", "2024-12-31", False, 1,
     "Quyết định số 25/2021/QĐ-TTg của Thủ tướng Chính phủ; Thông tư số 09/2021/TT-BTP"),
    ("qd27_2025", "chuan_tiep_can", "Chuẩn tiếp cận pháp luật theo Quyết định số 27/2025/QĐ-TTg", "QĐ 27/2025/QĐ-TTg",
     "2025-01-01", None, True, 2, "Quyết định số 27/2025/QĐ-TTg của Thủ tướng Chính phủ (cần xác minh văn bản hướng dẫn)"),
    ("kh_2023_doan_ket", "ke_hoach", "Mục tiêu của Kế hoạch", "Kế hoạch của UBND xã", "2023-01-01", None, False, 3,
     None),
]
# The indicators as seeded before migration 012 (framework, code, order, formula, kind, target, target key, points,
# rule, evidence kinds, valid from, valid to).
OLD_INDICATORS = [
    ("qd25_2021", "HG1", 1, "register_complete", "ratio", 1, None, 3, "proportional", "so_theo_doi;bao_cao_to_truong",
     "2021-01-01", "2024-12-31"),
    ("qd25_2021", "HG2", 2, "official_rate", "ratio", None, "success_rate_min", 3, "proportional",
     "van_ban_hoa_giai_thanh;bao_cao_ubnd_xa", "2021-01-01", "2024-12-31"),
    ("qd25_2021", "KP1", 3, "budget_document", "yes_no", 1, None, 2, "all_or_nothing", "du_toan", "2021-01-01",
     "2024-12-31"),
    ("qd25_2021", "KP2", 4, "support_at_rate", "ratio", 1, None, 1, "proportional", "ho_so_chi", "2021-01-01",
     "2024-12-31"),
    ("qd25_2021", "KP3", 5, "evidence_present", "document", 1, None, 1, "all_or_nothing", "danh_sach_ky_nhan",
     "2021-01-01", "2024-12-31"),
    ("qd27_2025", "HG1", 1, "register_complete", "ratio", 1, None, None, "none", "so_theo_doi;bao_cao_to_truong",
     "2025-01-01", None),
    ("qd27_2025", "HG2", 2, "official_rate", "ratio", None, "success_rate_min", None, "none",
     "van_ban_hoa_giai_thanh;bao_cao_ubnd_xa", "2025-01-01", None),
]
COMPARED = ("framework_code, code, sort_order, group_name, wording, kind, formula, target, target_key, max_points, "
            "points_rule, evidence_kinds, needs_verification, source, note, valid_from, valid_to, criterion_no, "
            "indicator_no, part, comparison")


def test_an_upgraded_file_ends_with_the_structure_of_a_new_one(tmp_path, empty_db):
    from db.core.connection import migrate, migration_files
    from db.tools.seed import load_reference

    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())")
    for version, file in migration_files():
        if version < 12:
            con.execute(file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, file.stem])
    for row in OLD_FRAMEWORKS:
        con.execute("INSERT INTO criteria_frameworks (code, family, name, short_name, valid_from, valid_to, "
                    "needs_verification, sort_order, legal_basis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", list(row))
    for row in OLD_INDICATORS:
        con.execute("INSERT INTO criteria_indicators (framework_code, code, sort_order, formula, kind, target, "
                    "target_key, max_points, points_rule, evidence_kinds, valid_from, valid_to, wording, "
                    "needs_verification) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'cũ', TRUE)", list(row))
    for kind, label, per_village, order in (("so_theo_doi", "Sổ theo dõi", True, 1), ("danh_sach_ky_nhan", "Danh sách",
                                                                                       False, 7)):
        con.execute("INSERT INTO evidence_kinds VALUES (?, ?, ?, ?, NULL)", [kind, label, per_village, order])
    # The file's commune: its figures, and the evidence and training below (migration 014), are the commune's.
    con.execute("INSERT INTO communes (name, province) VALUES ('Xã Đoàn Kết', 'Tỉnh Hải Dương')")
    # A signed list uploaded for 2023 before the upgrade (the evidence of KP3 then).
    con.execute("INSERT INTO evidence_files VALUES ('abc', 'x'::BLOB, 1)")
    con.execute("INSERT INTO evidence_documents (year, kind, file_name, file_type, mime_type, size_bytes, sha256) "
                "VALUES (2023, 'danh_sach_ky_nhan', 'ds.pdf', 'pdf', 'application/pdf', 1, 'abc')")
    con.execute("INSERT INTO trainings (held_on, title) VALUES ('2023-05-10', 'Tập huấn')")  # 2023 is a report year
    migrate(con, backup_first=False)
    load_reference(con)
    upgraded = con.execute(f"SELECT {COMPARED} FROM criteria_indicators ORDER BY framework_code, code").fetchall()
    fresh = empty_db.execute(f"SELECT {COMPARED} FROM criteria_indicators ORDER BY framework_code, code").fetchall()
    assert upgraded == fresh
    for table, columns in (("criteria_frameworks", "code, family, valid_from, valid_to, assessment, total_points, "
                                                   "pass_points, criterion_min_share, pass_rule, note, legal_basis"),
                           ("criteria_criteria", "framework_code, criterion_no, name, max_points, needs_verification")):
        where = "WHERE family = 'chuan_tiep_can'" if table == "criteria_frameworks" else ""
        assert con.execute(f"SELECT {columns} FROM {table} {where} ORDER BY 1, 2").fetchall() == \
            empty_db.execute(f"SELECT {columns} FROM {table} {where} ORDER BY 1, 2").fetchall(), table
    # The renamed indicators kept their ids; the signed list now counts as evidence of 3.2.b.
    kp2 = con.execute("SELECT evidence_required, evidence_missing FROM criteria_result WHERE year = 2023 AND "
                      "code = '3.2.b' AND village_id IS NULL").fetchone()
    assert "danh_sach_ky_nhan" in kp2[0] and "danh_sach_ky_nhan" not in kp2[1]
    renamed = con.execute("SELECT \"before\"->>'code', \"after\"->>'code' FROM audit_log WHERE action = 'migrate' "
                          "ORDER BY row_id").fetchall()
    assert renamed == [("HG1", "3.1.a"), ("HG2", "3.1.b"), ("KP1", "3.2.a"), ("KP2", "3.2.b"), ("KP3", None)]
    con.close()


# --- the page -------------------------------------------------------------------------------------------------------

def test_criteria_page_shows_tieu_chi_3_and_what_it_computes(app):
    at = open_page(app, "pages/criteria.py", nam=YEAR)
    texts = [m.value for m in at.markdown]
    assert any(t.startswith("#### Tiêu chí 3. Hòa giải ở cơ sở, trợ giúp pháp lý") for t in texts)
    assert any(t.startswith("##### Chỉ tiêu 1.") for t in texts) and any(t.startswith("##### Chỉ tiêu 2.")
                                                                          for t in texts)
    assert any("cần xác minh" in t for t in texts)
    info = " ".join(i.value for i in at.info)
    assert "Chỉ tiêu 1 và Chỉ tiêu 2" in info and "80/100" in info and "50%" in info
    assert metric(at, "Điểm Tiêu chí 3, Chỉ tiêu 1–2") == "6,25 / 10"  # 3.2.b: 5/8 teams without a wrong payment
    assert metric(at, "Kết quả chuẩn (theo số liệu ứng dụng)") == "Chưa xác định"
    assert not at.exception
    # Chỉ tiêu 3 entered by hand: Tiêu chí 3 becomes 6,5 + 1 = 7,5 of 12 ≥ 6.
    form = f"criteria_manual_{YEAR}"
    at.number_input(key=f"{form}_3.3").set_value(1.0)
    at = at.button(key=f"{form}_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert metric(at, "Tiêu chí 3: ≥ 50% của tiêu chí") == "Đạt"
    assert any("Đạt (≥ 6/12 điểm)" in str(v) for v in at.dataframe[0].value.to_numpy().ravel())


def test_criteria_page_in_2026_judges_against_levels(app):
    at = open_page(app, "pages/criteria.py", nam=2026)
    assert metric(at, "Chuẩn tiếp cận pháp luật") == "Theo mức"
    assert any("cần xác minh" in w.value and "không chấm điểm" in w.value for w in at.warning)
    assert "Đạt / không đạt theo mức" in [m.value for m in at.markdown]
    assert not at.exception
