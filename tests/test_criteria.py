"""Tiêu chí and Hồ sơ kiểm chứng: formulas, statuses, framework versions, uploads (db/criteria/__init__.py,
db/criteria/evidence.py, db/criteria/criteria.sql) and the pages.

Small commune (conftest.SMALL_CASES), year 2023, as the views count it:
  Thôn Đông: Đào (carried over from 2022, thành 10/01/2023), Giang thành, Hạnh thành, Khoa không thành,
             Long ngoài phạm vi, Mơ đang hòa giải → in scope 5; thành 3, không thành 1 → 3/4 = 75%.
             Active mediators at 31/12/2023: Hoa (nữ, tổ trưởng), Bình → 2 (< 3: composition fails).
  Thôn Bắc:  Nam thành → in scope 1; 1/1 = 100%. Active: Dũng (tổ trưởng) → 1.
  Commune:   thành 4 / (4 + 1) = 80%; in scope 6; no case has a mediator recorded (register incomplete).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from PIL import Image

from conftest import ACTOR, add_plan, app_connection, edit_key, metric, open_page, team_id
from db import cases, criteria, funding
from db.criteria import evidence
from db.core.writes import ValidationError

YEAR = 2023
# A minimal PDF written by hand (not by the app): header, one empty page, cross-reference table, trailer.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
# A Windows program renamed to .pdf: the «MZ» header of every .exe.
FAKE_PDF = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"


def result(con, code: str, year: int = YEAR, village: int | None = None) -> dict:
    rel = con.execute(
        "SELECT * FROM criteria_result WHERE year = ? AND code = ? AND village_id IS NOT DISTINCT FROM ? "
        "ORDER BY framework_sort LIMIT 1", [year, code, village])
    row = rel.fetchone()
    assert row is not None, (code, year, village)
    return dict(zip([d[0] for d in rel.description], row))


def indicator_id(con, framework: str, code: str) -> int:
    """The id of an indicator's first (seeded) version."""
    return con.execute("SELECT min(id) FROM criteria_indicators WHERE framework_code = ? AND code = ?",
                       [framework, code]).fetchone()[0]


def village(con, name: str) -> int:
    return con.execute("SELECT id FROM villages WHERE name = ?", [name]).fetchone()[0]


def case_of(con, party: str) -> int:
    return con.execute("SELECT case_id FROM case_parties WHERE full_name = ?", [party]).fetchone()[0]


def add_doc(con, kind: str, village_id: int | None = None, year: int = YEAR, content: bytes | None = None,
            name: str = "ho-so.pdf") -> int:
    content = content or MINIMAL_PDF + f"% {kind} {village_id} {year}\n".encode()  # distinct bytes per document
    return evidence.add_document(con, {"year": year, "village_id": village_id, "kind": kind, "doc_no": "1/BC",
                                       "doc_date": "2023-12-20", "note": None}, content, name, actor=ACTOR)


def add_docs(con, *kinds: str) -> None:
    for kind in kinds:
        add_doc(con, kind)


def zip_bytes(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buffer.getvalue()


def ole_bytes(stream: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 64


# --- configuration ------------------------------------------------------------------------------------------

def test_formula_list_in_python_matches_the_sql(empty_db):
    rows = dict(empty_db.execute("SELECT code, kind FROM criteria_formula").fetchall())
    assert rows == criteria.FORMULAS
    assert {r[0] for r in empty_db.execute("SELECT formula FROM criteria_indicators").fetchall()} <= set(rows)


def test_frameworks_by_year(small_db):
    con, _ = small_db
    assert criteria.framework_for_year(con, 2022)["framework_code"] == "qd25_2021"
    assert criteria.framework_for_year(con, 2023)["framework_code"] == "qd25_2021"
    assert criteria.framework_for_year(con, 2024)["framework_code"] == "qd25_2021"
    assert criteria.framework_for_year(con, 2025)["framework_code"] == "qd27_2025"
    assert criteria.framework_for_year(con, 2025)["framework_needs_verification"]
    # The plan's own targets only from the plan's year.
    assert criteria.framework_for_year(con, 2022, "ke_hoach") is None
    assert criteria.framework_for_year(con, 2023, "ke_hoach")["framework_code"] == "kh_2023_doan_ket"
    in_2023 = con.execute("SELECT DISTINCT framework_code FROM criteria_result WHERE year = 2023 ORDER BY 1").fetchall()
    assert in_2023 == [("kh_2023_doan_ket",), ("qd25_2021",)]
    # QĐ 27/2025's mediation indicator is a placeholder: marked cần xác minh, judged against a level, not scored.
    hg2 = result(con, "HG2", 2025)
    assert hg2["framework_code"] == "qd27_2025" and hg2["needs_verification"] and hg2["points"] is None
    assert hg2["points_rule"] == "level"  # pass or fail against a level, never points
    assert result(con, "3.1.b", 2023)["max_points"] == 3


def test_seeded_points_not_in_an_official_text_are_marked(empty_db):
    rows = empty_db.execute(
        "SELECT code, needs_verification FROM criteria_indicators WHERE max_points IS NOT NULL").fetchall()
    assert rows and all(verify for _, verify in rows)


# --- each formula by hand ---------------------------------------------------------------------------------

def test_register_complete_by_hand(small_db):
    con, ids = small_db
    dong, bac = village(con, "Thôn Đông"), village(con, "Thôn Bắc")
    # Nothing has a mediator recorded: 0 of 5 (Đông), 0 of 1 (Bắc), 0 of 6 (commune). Long (ngoài phạm vi) not counted.
    assert (result(con, "3.1.a", village=dong)["num"], result(con, "3.1.a", village=dong)["den"]) == (0, 5)
    assert (result(con, "3.1.a")["num"], result(con, "3.1.a")["den"]) == (0, 6)
    missing = dict(con.execute("SELECT case_id, missing FROM case_register_check WHERE year = 2023").fetchall())
    assert missing[case_of(con, "Hoàng Văn Giang")] == ["hoa_giai_vien", "thoa_thuan"]
    assert missing[case_of(con, "Lý Thị Mơ")] == ["hoa_giai_vien"]  # still open: no agreement expected yet
    # Giang: mediator and agreement recorded → complete; Mơ: a mediator → complete; Khoa: a mediator only.
    for party, mediator, agreement in (("Hoàng Văn Giang", "a1", "Hai bên thống nhất cắm mốc"),
                                       ("Lý Thị Mơ", "a2", None), ("Đặng Văn Khoa", "a1", None)):
        data = cases.get_case(con, case_of(con, party))
        data.update(mediator_ids=[ids[mediator]], agreement=agreement or data["agreement"])
        cases.save_case(con, data, actor=ACTOR, case_id=data["id"], expected_version=data["version"])
    hg1 = result(con, "3.1.a", village=dong)
    assert (hg1["num"], hg1["den"]) == (2, 5) and hg1["value"] == pytest.approx(0.4)
    assert (result(con, "3.1.a")["num"], result(con, "3.1.a")["den"]) == (2, 6)
    assert result(con, "3.1.a", village=bac)["value"] == 0
    khoa = criteria.rows_behind(con, "register_complete", YEAR, dong)
    assert khoa.loc[khoa["Số vụ việc"] == case_of(con, "Đặng Văn Khoa"), "Còn thiếu"].item() == \
        "thỏa thuận / yêu cầu của các bên"


def test_official_rate_trained_composition_and_incidents_by_hand(small_db):
    con, ids = small_db
    add_plan(con, 2023)  # the plan's targets (KH1–KH4) are the 2023 plan's: a year is judged by its own plan
    dong, bac = village(con, "Thôn Đông"), village(con, "Thôn Bắc")
    hg2 = result(con, "3.1.b")
    assert (hg2["num"], hg2["den"], hg2["target"]) == (4, 5, 0.9) and hg2["value"] == pytest.approx(0.8)
    assert hg2["computed_status"] == "chua_dat"
    assert result(con, "3.1.b", village=dong)["value"] == pytest.approx(0.75)
    assert result(con, "KH1", village=bac)["computed_status"] == "dat"  # 1/1 ≥ 90%
    kh2 = result(con, "KH2")
    assert (kh2["num"], kh2["den"], kh2["status"]) == (0, 3, "chua_dat")  # nobody trained yet
    training = con.execute(
        "INSERT INTO trainings (held_on, title) VALUES ('2023-05-10', 'Tập huấn') RETURNING id").fetchone()[0]
    for key in ("a1", "a2", "b1"):
        con.execute("INSERT INTO training_attendance VALUES (?, ?)", [training, ids[key]])
    assert (result(con, "KH2")["num"], result(con, "KH2")["status"]) == (3, "dat")
    kh3 = result(con, "KH3")
    assert (kh3["num"], kh3["den"], kh3["status"]) == (0, 2, "chua_dat")  # Đông has 2 active, Bắc 1
    kh4 = result(con, "KH4")
    assert (kh4["value"], kh4["target"], kh4["status"]) == (0, 0, "dat")
    data = cases.get_case(con, case_of(con, "Ngô Văn Nam"))
    data["security_incident"] = True
    cases.save_case(con, data, actor=ACTOR, case_id=data["id"], expected_version=data["version"])
    assert (result(con, "KH4")["value"], result(con, "KH4")["status"]) == (1, "chua_dat")
    assert result(con, "KH4", village=dong)["status"] == "dat"


def test_budget_and_support_by_hand(small_db):
    con, _ = small_db
    assert (result(con, "3.2.a")["value"], result(con, "3.2.a")["computed_status"]) == (0, "chua_dat")
    funding.save_budget(con, YEAR, {"amount": 5_000_000, "document_no": "Nghị quyết số 5/NQ-HĐND",
                                    "document_date": "2022-12-20", "in_commune_budget": False}, actor=ACTOR)
    assert result(con, "3.2.a")["value"] == 0  # not a line of the commune's budget
    assert "chưa nằm trong dự toán ngân sách xã" in criteria.results(con, YEAR).set_index("code").loc["3.2.a", "reason"]
    version = funding.budget(con, YEAR)["version"]
    funding.save_budget(con, YEAR, {"amount": 5_000_000, "document_no": "Nghị quyết số 5/NQ-HĐND",
                                    "document_date": "2022-12-20", "in_commune_budget": True}, actor=ACTOR,
                        expected_version=version)
    assert (result(con, "3.2.a")["value"], result(con, "3.2.a")["computed_status"]) == (1, "dat")
    # Support due 500.000 đ per team for 2023 (seeded rate); nothing paid: 0/2, both short.
    kp2 = result(con, "3.2.b")
    assert (kp2["num"], kp2["den"], kp2["teams_short"], kp2["teams_above"]) == (0, 2, 2, 0)
    dong_team = team_id(con, "Thôn Đông")
    payment = funding.file_support_payment(con, dong_team, YEAR, 1, 12, "2023-12-01", actor=ACTOR)
    funding.approve_payment(con, payment, "2023-12-02", actor=ACTOR)
    assert result(con, "3.2.b")["num"] == 0  # approved is not paid
    funding.pay_payment(con, payment, "2023-12-04", actor=ACTOR)
    kp2 = result(con, "3.2.b")
    assert (kp2["num"], kp2["den"], kp2["teams_short"]) == (1, 2, 1) and kp2["value"] == pytest.approx(0.5)
    assert result(con, "3.2.b", village=village(con, "Thôn Đông"))["value"] == 1
    row = criteria.results(con, YEAR).set_index("code").loc["3.2.b"]
    assert row["reason"] == "1/2 tổ chưa được chi hỗ trợ đủ mức."
    # Proportional points, once the evidence is there (the payment records and the signed list): 2 × 0,5 / 1.
    add_docs(con, "ho_so_chi")
    assert result(con, "3.2.b")["status"] == "thieu_ho_so"
    add_docs(con, "danh_sach_ky_nhan")
    assert result(con, "3.2.b")["points"] == pytest.approx(1)


def test_points_follow_the_rule(small_db):
    con, _ = small_db
    add_docs(con, "van_ban_hoa_giai_thanh", "bao_cao_ubnd_xa")
    hg2 = result(con, "3.1.b")  # proportional: 3 × 0,8 / 0,9 = 2,67
    assert (hg2["status"], hg2["points"]) == ("chua_dat", pytest.approx(2.67))
    kp1 = result(con, "3.2.a")  # yes/no indicator, all or nothing
    assert (kp1["status"], kp1["points"]) == ("thieu_ho_so", 0)
    add_docs(con, "du_toan")
    assert (result(con, "3.2.a")["status"], result(con, "3.2.a")["points"]) == ("chua_dat", 0)
    funding.save_budget(con, YEAR, {"amount": 5_000_000, "document_no": "Nghị quyết số 5/NQ-HĐND",
                                    "document_date": "2022-12-20", "in_commune_budget": True}, actor=ACTOR)
    assert (result(con, "3.2.a")["status"], result(con, "3.2.a")["points"]) == ("dat", 2)


# --- statuses change with documents and data ------------------------------------------------------------------

def test_missing_evidence_shows_thieu_ho_so_until_uploaded(small_db):
    con, _ = small_db
    dong, bac = village(con, "Thôn Đông"), village(con, "Thôn Bắc")
    before = result(con, "3.1.b")
    assert (before["status"], before["computed_status"], before["points"]) == ("thieu_ho_so", "chua_dat", 0)
    assert before["evidence_missing"] == ["van_ban_hoa_giai_thanh", "bao_cao_ubnd_xa"]
    add_doc(con, "van_ban_hoa_giai_thanh")
    assert result(con, "3.1.b")["evidence_missing"] == ["bao_cao_ubnd_xa"]
    doc = add_doc(con, "bao_cao_ubnd_xa")
    assert result(con, "3.1.b")["status"] == "chua_dat"
    assert result(con, "3.1.b", village=bac)["status"] == "dat"  # a commune document counts for every village
    # Per-village kinds: Sổ theo dõi of Đông only → Đông has it, the commune still lacks Bắc's.
    add_doc(con, "so_theo_doi", dong)
    add_doc(con, "bao_cao_to_truong")
    assert result(con, "3.1.a", village=dong)["evidence_missing"] == []
    assert result(con, "3.1.a", village=bac)["evidence_missing"] == ["so_theo_doi"]
    lacking = evidence.requirements(con, YEAR).set_index("kind").loc["so_theo_doi"]
    assert (bool(lacking["present"]), list(lacking["missing_villages"])) == (False, ["Thôn Bắc"])
    add_doc(con, "so_theo_doi", bac)
    assert result(con, "3.1.a")["evidence_missing"] == []
    # Removing a document brings «Thiếu hồ sơ» back; another year's documents never count.
    evidence.delete_document(con, doc, actor=ACTOR, expected_version=1)
    assert result(con, "3.1.b")["status"] == "thieu_ho_so"
    add_doc(con, "bao_cao_ubnd_xa", year=2022)
    assert result(con, "3.1.b")["status"] == "thieu_ho_so"


def test_status_follows_the_data(small_db):
    con, _ = small_db
    bac = village(con, "Thôn Bắc")
    add_docs(con, "van_ban_hoa_giai_thanh", "bao_cao_ubnd_xa")
    assert result(con, "3.1.b", village=bac)["status"] == "dat"  # 1/1
    cases.save_case(con, {
        "team_id": team_id(con, "Thôn Bắc"), "received_on": "2023-07-01", "grounds": "yeu_cau", "category": "dat_dai",
        "summary": "Tranh chấp lối đi", "result": "khong_thanh", "concluded_on": "2023-07-20",
        "parties": [{"full_name": "Trịnh Văn Phúc", "age": 45, "address": "Xóm 2"}], "mediator_ids": [],
    }, actor=ACTOR)
    after = result(con, "3.1.b", village=bac)
    assert (after["num"], after["den"], after["status"]) == (1, 2, "chua_dat")


def test_no_concluded_case_is_not_applicable(small_db):
    con, _ = small_db
    add_docs(con, "van_ban_hoa_giai_thanh", "bao_cao_ubnd_xa")
    hg2 = result(con, "3.1.b", 2024)  # only Mơ (open) carries over into 2024
    assert (hg2["den"], hg2["value"], hg2["status"], hg2["points"]) == (0, None, "thieu_ho_so", None)
    add_doc(con, "van_ban_hoa_giai_thanh", year=2024)
    add_doc(con, "bao_cao_ubnd_xa", year=2024)
    assert result(con, "3.1.b", 2024)["status"] == "khong_ap_dung"


# --- versions: editing never rewrites past years -----------------------------------------------------------------

def test_editing_an_indicator_makes_a_new_version_from_this_year(small_db):
    con, _ = small_db
    as_of = dt.date(2026, 3, 1)
    old = con.execute("SELECT * FROM criteria_indicators WHERE framework_code = 'qd27_2025' AND code = 'HG2'").df()
    old_id, old_version = int(old["id"][0]), int(old["version"][0])
    before_2025 = result(con, "HG2", 2025)
    data = {**criteria.get_indicator(con, old_id), "target": 0.5, "target_key": None, "max_points": 4,
            "points_rule": "all_or_nothing", "needs_verification": False}
    data["evidence_kinds"] = data["evidence_kinds"].split(";")
    with pytest.raises(ValidationError, match="đã qua"):
        criteria.save_indicator(con, data, actor=ACTOR, indicator_id=old_id, effective_year=2025,
                                expected_version=old_version, as_of=as_of)
    new_id = criteria.save_indicator(con, data, actor=ACTOR, indicator_id=old_id, effective_year=2026,
                                     expected_version=old_version, as_of=as_of)
    assert new_id != old_id
    assert con.execute("SELECT valid_to FROM criteria_indicators WHERE id = ?", [old_id]).fetchone()[0] == \
        dt.date(2025, 12, 31)
    assert con.execute("SELECT valid_from, valid_to FROM criteria_indicators WHERE id = ?", [new_id]).fetchone() == \
        (dt.date(2026, 1, 1), None)
    after_2025 = result(con, "HG2", 2025)
    assert {k: after_2025[k] for k in ("indicator_id", "target", "max_points", "points")} == \
        {k: before_2025[k] for k in ("indicator_id", "target", "max_points", "points")}
    in_2026 = result(con, "HG2", 2026)
    assert (in_2026["indicator_id"], in_2026["target"], in_2026["max_points"]) == (new_id, 0.5, 4)
    # The 2026 version is not used by a finished year: a second edit corrects it in place.
    version = criteria.get_indicator(con, new_id)["version"]
    same = criteria.save_indicator(con, {**data, "max_points": 5}, actor=ACTOR, indicator_id=new_id,
                                   effective_year=2026, expected_version=version, as_of=as_of)
    assert same == new_id and criteria.get_indicator(con, new_id)["max_points"] == 5
    with pytest.raises(ValidationError, match="Không có thay đổi"):
        criteria.save_indicator(con, {**data, "max_points": 5}, actor=ACTOR, indicator_id=new_id,
                                effective_year=2026, expected_version=version + 1, as_of=as_of)
    actions = [r[0] for r in con.execute(
        "SELECT action FROM audit_log WHERE table_name = 'criteria_indicators' AND actor = ? ORDER BY id",
        [ACTOR]).fetchall()]
    assert actions == ["close_version", "insert", "update"]


def test_an_expired_framework_and_bad_indicators_are_refused(small_db):
    con, _ = small_db
    as_of = dt.date(2026, 3, 1)
    qd25 = indicator_id(con, "qd25_2021", "3.1.b")
    data = {**criteria.get_indicator(con, qd25), "max_points": 5}
    with pytest.raises(ValidationError, match="hết hiệu lực"):
        criteria.save_indicator(con, data, actor=ACTOR, indicator_id=qd25, as_of=as_of)
    base = {"framework_code": "qd27_2025", "code": "HG3", "wording": "Chỉ tiêu thử", "formula": "official_rate",
            "target": 0.8, "points_rule": "none"}
    for change, message in (({"formula": "tu_nghi_ra"}, "không có trong các cách tính"),
                            ({"target": 1.5}, r"Mục tiêu \(tỷ lệ\) phải từ 0 đến 1"),
                            ({"target": None}, "Chưa nhập mục tiêu"),
                            ({"points_rule": "proportional"}, "Chưa nhập điểm tối đa"),
                            ({"formula": "security_incidents", "target": 0, "points_rule": "proportional",
                              "max_points": 2}, "chỉ dùng cho chỉ tiêu tỷ lệ"),
                            ({"evidence_kinds": ["khong_co"]}, "khong_co"),
                            ({"code": "HG1"}, "đã có trong khung")):
        with pytest.raises(ValidationError, match=message):
            criteria.save_indicator(con, {**base, **change}, actor=ACTOR, as_of=as_of)
    new_id = criteria.save_indicator(con, base, actor=ACTOR, as_of=as_of)
    assert result(con, "HG3", 2026)["indicator_id"] == new_id
    assert con.execute("SELECT count(*) FROM criteria_result WHERE code = 'HG3' AND year = 2025").fetchone()[0] == 0


def test_seeding_again_never_overwrites_an_edited_indicator(small_db):
    from db.tools.seed import load_reference

    con, _ = small_db
    old_id = indicator_id(con, "qd27_2025", "HG1")
    data = {**criteria.get_indicator(con, old_id), "target": 0.95}
    criteria.save_indicator(con, data, actor=ACTOR, indicator_id=old_id, as_of=dt.date(2026, 3, 1))
    count = con.execute("SELECT count(*) FROM criteria_indicators").fetchone()[0]
    load_reference(con)
    assert con.execute("SELECT count(*) FROM criteria_indicators").fetchone()[0] == count


# --- uploads ---------------------------------------------------------------------------------------------------

def test_a_renamed_executable_is_refused_and_a_real_pdf_accepted(small_db):
    con, _ = small_db
    docs = con.execute("SELECT count(*) FROM evidence_documents").fetchone()[0]
    audits = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(ValidationError, match="chương trình chạy được"):
        add_doc(con, "bao_cao_ubnd_xa", content=FAKE_PDF, name="bao-cao.pdf")
    assert con.execute("SELECT count(*) FROM evidence_documents").fetchone()[0] == docs
    assert con.execute("SELECT count(*) FROM evidence_files").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audits
    doc_id = add_doc(con, "bao_cao_ubnd_xa", content=MINIMAL_PDF, name="Báo cáo UBND.pdf")
    row = evidence.get_document(con, doc_id)
    assert (row["file_type"], row["mime_type"], row["size_bytes"], row["sha256"]) == (
        "pdf", "application/pdf", len(MINIMAL_PDF), hashlib.sha256(MINIMAL_PDF).hexdigest())
    assert evidence.file_content(con, doc_id) == (MINIMAL_PDF, "Báo cáo UBND.pdf", "application/pdf")
    audit = con.execute("SELECT \"after\" FROM audit_log WHERE table_name = 'evidence_documents' AND row_id = ?",
                        [doc_id]).fetchone()[0]
    assert row["sha256"] in audit and "%PDF" not in audit  # the audit keeps the hash, never the bytes
    with pytest.raises(ValidationError, match="đã có trong hồ sơ số"):
        add_doc(con, "bao_cao_ubnd_xa", content=MINIMAL_PDF)


@pytest.mark.parametrize("content, expected", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "png"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpeg"),
    (None, "docx"), (None, "xlsx"), (None, "doc"), (None, "xls"),
])
def test_file_types_are_recognised_by_content(content, expected):
    content = content or {
        "docx": zip_bytes(["[Content_Types].xml", "word/document.xml"]),
        "xlsx": zip_bytes(["[Content_Types].xml", "xl/workbook.xml"]),
        "doc": ole_bytes("WordDocument"), "xls": ole_bytes("Workbook"),
    }[expected]
    assert evidence.detect_file_type(content)[0] == expected


@pytest.mark.parametrize("content, why", [
    (FAKE_PDF, "chương trình chạy được"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 20, "chương trình chạy được"),
    (b"Just some text pretending to be a PDF", "không phải PDF"),
    (zip_bytes(["readme.txt"]), r"tệp nén \(ZIP\)"),
    (zip_bytes(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"]), "macro"),
    (ole_bytes("WordDocument") + "_VBA_PROJECT".encode("utf-16-le"), "macro"),
    (ole_bytes("PowerPoint Document"), "không phải Word hay Excel"),
    (b"PK\x03\x04 broken", "hỏng"),
])
def test_other_content_is_refused_whatever_its_name(small_db, content, why):
    con, _ = small_db
    with pytest.raises(ValidationError, match=why):
        add_doc(con, "ho_so_chi", content=content, name="ho-so.pdf")


def test_size_limit_and_empty_file(small_db):
    con, _ = small_db
    with pytest.raises(ValidationError, match="vượt giới hạn 10 MB"):
        add_doc(con, "ho_so_chi", content=b"%PDF-1.4\n" + b"0" * evidence.MAX_FILE_BYTES)
    with pytest.raises(ValidationError, match="rỗng"):
        evidence.add_document(con, {"year": YEAR, "kind": "ho_so_chi"}, b"", "x.pdf", actor=ACTOR)
    with pytest.raises(ValidationError, match="Chưa chọn tệp"):
        evidence.add_document(con, {"year": YEAR, "kind": "ho_so_chi"}, None, None, actor=ACTOR)
    padding = evidence.MAX_FILE_BYTES - len(MINIMAL_PDF) - 2  # a comment line after the header (pypdf, reading it,
    at_limit = MINIMAL_PDF[:9] + b"%" + b"0" * padding + b"\n" + MINIMAL_PDF[9:]  # finds the moved objects again)
    assert len(at_limit) == evidence.MAX_FILE_BYTES
    assert add_doc(con, "ho_so_chi", content=at_limit)


def test_names_are_sanitised_and_get_the_detected_extension():
    assert evidence.safe_file_name("..\\..\\Windows\\báo cáo\u202egpj.pdf", "pdf") == "báo cáogpj.pdf"
    assert evidence.safe_file_name("C:/tmp/Ảnh chụp.PNG", "jpeg") == "Ảnh chụp.jpg"
    assert evidence.safe_file_name("a<b>:c|d?.docx", "docx") == "a b c d.docx"
    assert evidence.safe_file_name("CON.pdf", "pdf") == "tai-lieu-CON.pdf"
    assert evidence.safe_file_name("", "xlsx") == "tai-lieu.xlsx"
    assert evidence.safe_file_name("x" * 300 + ".pdf", "pdf") == "x" * 100 + ".pdf"


def test_bad_document_details_are_refused(small_db):
    con, _ = small_db
    for change, message in (({"kind": None}, "Chưa nhập loại hồ sơ"), ({"kind": "khong_co"}, "không có trong danh mục"),
                            ({"village_id": 999}, "Thôn số 999 không tồn tại"),
                            ({"doc_date": dt.date.today() + dt.timedelta(days=30)}, "ở tương lai"),
                            ({"year": 1990}, "Năm phải từ 2000")):
        data = {"year": YEAR, "village_id": None, "kind": "ho_so_chi", **change}
        with pytest.raises(ValidationError, match=message):
            evidence.add_document(con, data, MINIMAL_PDF, "a.pdf", actor=ACTOR)


def test_replacing_a_file_keeps_the_old_bytes(small_db):
    con, _ = small_db
    doc_id = add_doc(con, "ho_so_chi", content=MINIMAL_PDF)
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(image, "PNG")
    png = image.getvalue()
    evidence.update_document(con, doc_id, {"year": YEAR, "kind": "ho_so_chi", "doc_no": "2/BC"}, actor=ACTOR,
                             expected_version=1, content=png, file_name="chụp.png")
    assert evidence.file_content(con, doc_id) == (png, "chụp.png", "image/png")
    assert con.execute("SELECT count(*) FROM evidence_files").fetchone()[0] == 2
    with pytest.raises(ValidationError, match="vừa được người khác sửa"):
        evidence.update_document(con, doc_id, {"year": YEAR, "kind": "ho_so_chi"}, actor=ACTOR, expected_version=1)


# --- the demo year against an independent calculation ----------------------------------------------------------

INDEPENDENT_2023 = """
WITH counted AS (   -- cases counted in 2023: received in 2023, or earlier and not concluded before 2023
    SELECT c.*, t.village_id,
           CASE WHEN c.result <> 'dang_hoa_giai' AND c.concluded_on <= DATE '2023-12-31' THEN c.result
                ELSE 'dang_hoa_giai' END AS r
    FROM cases c JOIN teams t ON t.id = c.team_id
    WHERE c.deleted_at IS NULL AND c.received_on <= DATE '2023-12-31'
      AND (c.received_on >= DATE '2023-01-01' OR c.concluded_on IS NULL OR c.concluded_on >= DATE '2023-01-01')
), active AS (
    SELECT m.*, t.village_id, EXISTS (
               SELECT 1 FROM training_attendance a JOIN trainings tr ON tr.id = a.training_id
               WHERE a.mediator_id = m.id AND tr.status = 'da_to_chuc' AND year(tr.held_on) = 2023) AS trained
    FROM mediators m JOIN teams t ON t.id = m.team_id
    WHERE coalesce(m.joined_on, DATE '1900-01-01') <= DATE '2023-12-31'
      AND (m.left_on IS NULL OR m.left_on > DATE '2023-12-31')
), team_ok AS (
    SELECT t.id, count(a.id) >= 3 AND count(a.id) FILTER (WHERE a.gender = 'nu') >= 1
                 AND count(a.id) FILTER (WHERE a.is_leader) >= 1
                 AND (NOT any_value(v.ethnic_area) OR count(a.id) FILTER (WHERE a.ethnic_minority) >= 1) AS ok
    FROM teams t JOIN villages v ON v.id = t.village_id LEFT JOIN active a ON a.team_id = t.id GROUP BY t.id
), support_rate AS (   -- the one team-support rate covering all of 2023 (the province's), per team and year
    SELECT CASE unit WHEN 'to_nam' THEN amount ELSE amount * 12 END AS due FROM rates
    WHERE kind = 'ho_tro' AND level = 'ap_dung' AND valid_from <= DATE '2023-01-01'
      AND coalesce(valid_to, DATE '9999-12-31') >= DATE '2023-12-31'
), fee AS (            -- each concluded case's fee: the province's rate on its concluded date, else the national one
    SELECT c.id, coalesce(
        (SELECT r.amount FROM rates r WHERE r.kind = 'thu_lao' AND r.level = 'ap_dung'
            AND (r.result IS NULL OR r.result = CASE c.result WHEN 'thanh' THEN 'thanh' ELSE 'khac' END)
            AND r.valid_from <= c.concluded_on AND coalesce(r.valid_to, DATE '9999-12-31') >= c.concluded_on),
        (SELECT r.amount FROM rates r WHERE r.kind = 'thu_lao' AND r.level = 'toi_da'
            AND (r.result IS NULL OR r.result = CASE c.result WHEN 'thanh' THEN 'thanh' ELSE 'khac' END)
            AND r.valid_from <= c.concluded_on AND coalesce(r.valid_to, DATE '9999-12-31') >= c.concluded_on)) AS fee
    FROM cases c WHERE c.result IN ('thanh', 'khong_thanh')
), above AS (          -- payments of 2023 that are wrong: for a case deleted or not eligible, or above the rate
    SELECT p.team_id FROM payments p
    WHERE p.year = 2023 AND p.status <> 'huy' AND (
        EXISTS (SELECT 1 FROM payment_cases pc JOIN cases c ON c.id = pc.case_id
                WHERE pc.payment_id = p.id AND (c.deleted_at IS NOT NULL OR c.team_id <> p.team_id
                      OR c.result NOT IN ('thanh', 'khong_thanh') OR c.concluded_on > p.requested_on))
        OR p.amount > CASE
            WHEN p.kind = 'thu_lao' THEN (SELECT sum(f.fee) FROM payment_cases pc JOIN fee f ON f.id = pc.case_id
                                          WHERE pc.payment_id = p.id)
            ELSE (SELECT due FROM support_rate) * (month(p.period_to) - month(p.period_from) + 1) / 12 END)
), support AS (
    SELECT t.id, coalesce(sum(p.amount) FILTER (WHERE p.kind = 'ho_tro' AND p.status = 'da_chi'), 0)
                     >= (SELECT due FROM support_rate)
                 AND t.id NOT IN (SELECT team_id FROM above) AS ok
    FROM teams t LEFT JOIN payments p ON p.team_id = t.id AND p.year = 2023 GROUP BY t.id
)
SELECT
    (SELECT count(*) FILTER (WHERE r = 'thanh') FROM counted) AS thanh,
    (SELECT count(*) FILTER (WHERE r IN ('thanh', 'khong_thanh')) FROM counted) AS concluded,
    (SELECT count(*) FILTER (WHERE r <> 'ngoai_pham_vi') FROM counted) AS in_scope,
    (SELECT count(*) FROM counted c WHERE r <> 'ngoai_pham_vi'
        AND EXISTS (SELECT 1 FROM case_mediators m WHERE m.case_id = c.id)
        AND EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = c.id
                        AND (p.age IS NULL OR coalesce(trim(p.address), '') = ''))
        AND (r NOT IN ('thanh', 'khong_thanh') OR coalesce(trim(c.agreement), '') <> '')) AS recorded,
    (SELECT count(*) FILTER (WHERE security_incident) FROM counted) AS incidents,
    (SELECT count(*) FILTER (WHERE trained) FROM active) AS trained,
    (SELECT count(*) FROM active) AS active,
    (SELECT count(*) FILTER (WHERE ok) FROM team_ok) AS teams_ok,
    (SELECT count(*) FROM teams) AS teams,
    (SELECT count(*) FILTER (WHERE ok) FROM support) AS teams_paid_at_rate,
    (SELECT count(*) FROM budgets WHERE year = 2023 AND coalesce(trim(document_no), '') <> ''
                                  AND in_commune_budget) AS budget_ok,
    (SELECT count(*) FROM evidence_documents WHERE year = 2023 AND kind = 'bao_cao_ubnd_xa'
                                              AND deleted_at IS NULL) AS commune_reports
"""


def test_demo_2023_indicators_agree_with_an_independent_calculation(demo_db):
    con = demo_db
    rel = con.execute(INDEPENDENT_2023)
    ind = dict(zip([d[0] for d in rel.description], rel.fetchone()))
    view = {code: result(con, code) for code in ("3.1.a", "3.1.b", "3.2.a", "3.2.b", "KH1", "KH2", "KH3", "KH4")}
    assert (view["3.1.b"]["num"], view["3.1.b"]["den"]) == (ind["thanh"], ind["concluded"])
    assert (view["KH1"]["num"], view["KH1"]["den"]) == (ind["thanh"], ind["concluded"])
    assert (view["3.1.a"]["num"], view["3.1.a"]["den"]) == (ind["recorded"], ind["in_scope"])
    assert view["3.2.a"]["value"] == ind["budget_ok"]
    assert (view["3.2.b"]["num"], view["3.2.b"]["den"]) == (ind["teams_paid_at_rate"], ind["teams"])
    assert (view["KH2"]["num"], view["KH2"]["den"]) == (ind["trained"], ind["active"])
    assert (view["KH3"]["num"], view["KH3"]["den"]) == (ind["teams_ok"], ind["teams"])
    assert view["KH4"]["value"] == ind["incidents"]
    # The demo is realistic, not perfect: below the 90% target, some teams short of support, and one required
    # document (Báo cáo của UBND xã) left missing on purpose, so the page shows «Thiếu hồ sơ».
    assert ind["thanh"] / ind["concluded"] < 0.9 and ind["teams_paid_at_rate"] < ind["teams"]
    assert ind["commune_reports"] == 0
    assert (view["3.1.b"]["status"], view["3.1.b"]["computed_status"]) == ("thieu_ho_so", "chua_dat")
    # The signed list (danh sách ký nhận) is evidence of Chỉ tiêu 2 (b), and the demo has it.
    assert "danh_sach_ky_nhan" in view["3.2.b"]["evidence_required"] and view["3.2.b"]["evidence_missing"] == []
    assert view["3.2.a"]["status"] == "dat"
    # The page's summary adds up the same rows (Chỉ tiêu 3, entered by hand, is not among them).
    total = criteria.summary(con, YEAR)
    assert total["thieu_ho_so"] == 1 and total["indicators"] == 8
    qd25 = next(f for f in total["frameworks"] if f["framework_code"] == "qd25_2021")
    assert qd25["points"] == pytest.approx(sum(view[c]["points"] for c in ("3.1.a", "3.1.b", "3.2.a", "3.2.b")))


def test_demo_files_are_real_pdfs_in_the_database(demo_db):
    rows = demo_db.execute("SELECT d.file_type, f.content, d.sha256 FROM evidence_documents d "
                           "JOIN evidence_files f ON f.sha256 = d.sha256").fetchall()
    assert len(rows) >= 7
    for file_type, content, sha in rows:
        assert file_type == "pdf" and bytes(content).startswith(b"%PDF-") and bytes(content).rstrip().endswith(b"%%EOF")
        assert hashlib.sha256(bytes(content)).hexdigest() == sha


# --- pages ---------------------------------------------------------------------------------------------------------

def test_criteria_page_shows_values_statuses_and_links(app):
    at = open_page(app, "pages/criteria.py", nam=YEAR)
    # 3.2.b: 5 of 8 teams paid at the rate and without a wrong payment (the July payment for a deleted case counts).
    assert metric(at, "Điểm Tiêu chí 3, Chỉ tiêu 1–2") == "6,25 / 10"
    assert metric(at, "Chỉ tiêu đạt") == "2/8"
    assert metric(at, "Thiếu hồ sơ") == "1"
    texts = [m.value for m in at.markdown]
    assert "39/44 vụ việc kết thúc được hòa giải thành (88,6%), dưới mục tiêu 90%." in texts
    assert ("2/8 tổ chưa được chi hỗ trợ đủ mức; 1/8 tổ có khoản chi sai (vượt mức, cho vụ việc đã xóa hoặc không đủ "
            "điều kiện).") in texts
    assert ":orange-badge[Thiếu hồ sơ]" in texts
    assert any(t.startswith("Hồ sơ kiểm chứng — ") and "Báo cáo của UBND xã" in t for t in texts)
    links = at.get("page_link")
    assert any("Tải lên hồ sơ còn thiếu" in link.proto.label for link in links)
    assert any("Mở trang Kinh phí" in link.proto.label for link in links)
    assert any("Danh sách được tính (44 dòng)" == e.label for e in at.expander)
    assert not at.exception


def test_criteria_and_evidence_pages_run_for_every_village_and_year(app, demo_path):
    at = open_page(app, "pages/criteria.py", nam=2021)
    con = app_connection()
    villages = [v for (v,) in con.execute("SELECT id FROM villages").fetchall()]
    for year in (2021, 2025, YEAR):
        for thon in [None, *villages[:3]]:
            at.session_state["nam"], at.session_state["thon"] = year, thon or 0
            for page in ("pages/criteria.py", "pages/evidence.py"):
                at.switch_page(page).run()
                assert not at.exception, (year, thon, page, [e.value for e in at.exception])
    at.session_state["nam"], at.session_state["thon"] = 2025, 0
    at.switch_page("pages/criteria.py").run()
    assert metric(at, "Chuẩn tiếp cận pháp luật") == "Theo mức"  # QĐ 27/2025: levels, no points


def test_uploading_the_missing_document_turns_thieu_ho_so_into_the_computed_status(app):
    at = open_page(app, "pages/evidence.py", nam=YEAR)
    con = app_connection()
    assert metric(at, "Loại hồ sơ các chỉ tiêu cần đã có") == "6/7"
    form = f"evidence_add_{YEAR}_0"
    assert at.selectbox(key=f"{form}_kind").value == "bao_cao_ubnd_xa"  # the missing kind comes first
    # A Windows program renamed .pdf is refused, and nothing is saved.
    at.file_uploader(key=f"{form}_file").set_value(("bao-cao-ubnd.pdf", FAKE_PDF, "application/pdf"))
    at = at.button(key=f"{form}_save").click().run()
    assert any("chương trình chạy được" in e.value for e in at.error), [e.value for e in at.error]
    assert con.execute("SELECT count(*) FROM evidence_documents WHERE kind = 'bao_cao_ubnd_xa'").fetchone()[0] == 0
    # The real report is accepted.
    at.text_input(key=f"{form}_doc_no").set_value("125/BC-UBND")
    at.file_uploader(key=f"{form}_file").set_value(("Báo cáo hòa giải 2023.pdf", MINIMAL_PDF, "application/pdf"))
    at = at.button(key=f"{form}_save").click().run()
    assert not at.exception
    assert any("Đã lưu hồ sơ số" in s.value for s in at.success), [e.value for e in at.error]
    row = con.execute("SELECT year, village_id, doc_no, file_name, file_type FROM evidence_documents "
                      "WHERE kind = 'bao_cao_ubnd_xa'").fetchone()
    assert row == (YEAR, None, "125/BC-UBND", "Báo cáo hòa giải 2023.pdf", "pdf")
    assert metric(at, "Loại hồ sơ các chỉ tiêu cần đã có") == "7/7"
    assert any(b.label.startswith("Tải về") for b in at.get("download_button"))
    at.switch_page("pages/criteria.py").run()
    assert metric(at, "Thiếu hồ sơ") == "0"
    assert ":red-badge[Chưa đạt]" in [m.value for m in at.markdown]
    assert result(con, "3.1.b")["status"] == "chua_dat"
    assert metric(at, "Điểm Tiêu chí 3, Chỉ tiêu 1–2") == "9,2 / 10"  # 3 + 3 × 0,886 / 0,9 + 2 + 2 × 5/8


def test_editing_an_indicator_through_the_page_keeps_past_years(app):
    at = open_page(app, "pages/criteria.py", nam=2025)
    con = app_connection()
    old_id = indicator_id(con, "qd27_2025", "HG2")
    before = result(con, "HG2", 2025)
    at = at.selectbox(key="criteria_edit_pick").set_value(old_id).run()
    form = edit_key(at, f"indicator_{old_id}")
    at.selectbox(key=f"{form}_rule").set_value("all_or_nothing")
    at.number_input(key=f"{form}_points").set_value(4.0)
    at = at.button(key=f"{form}_save").click().run()
    assert not at.exception
    assert any("áp dụng từ năm" in s.value for s in at.success), [e.value for e in at.error]
    this_year = dt.date.today().year
    now = result(con, "HG2", this_year)
    assert now["indicator_id"] != old_id and now["max_points"] == 4
    after = result(con, "HG2", 2025)
    assert (after["indicator_id"], after["max_points"], after["points"]) == (old_id, None, None) == (
        before["indicator_id"], before["max_points"], before["points"])


def test_overview_shows_the_compliance_summary(app):
    at = open_page(app, "pages/overview.py", nam=YEAR)
    assert metric(at, "Chỉ tiêu tiếp cận pháp luật đạt") == "2/8"
    assert any(c.value.startswith("Điểm 6,25/10 · thiếu hồ sơ: 1") for c in at.caption)
    assert any(link.proto.label == "Từng chỉ tiêu" for link in at.get("page_link"))


def test_presentation_mode_is_read_only(app):
    at = open_page(app, "pages/criteria.py", nam=YEAR, trinh_chieu=1)
    assert metric(at, "Thiếu hồ sơ") == "1"
    assert [t.label for t in at.tabs] == ["Từng chỉ tiêu", "Theo thôn"]
    assert not any("Tải lên" in link.proto.label for link in at.get("page_link"))
    assert not at.get("form")
    at.switch_page("pages/evidence.py").run()
    assert not at.exception and not at.file_uploader and not at.get("download_button")
    assert metric(at, "Loại hồ sơ các chỉ tiêu cần đã có") == "6/7"
