"""Roll-up across communes (issue 15, item 4; db/tools/rollup.py): several communes' files into one read-only file.

Three inputs built through the write path: two small communes that both have a «Thôn Đông» (one with a merge of two
villages, so a place change with lists of village ids), and a copy of the demo commune (payments, evidence, plans,
nominations, accounts). The roll-up must add the rows up, collide on no id, resolve every reference to the same
commune's rows, and give every commune the same figures as its own file.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

import db
from db.tools import rollup as ru
from db.__main__ import main
from db.core.connection import latest_version, migration_files
from db.tools.seed import load_commune
from db.core.writes import ValidationError
from conftest import ACTOR, PASSWORD, SMALL_CASES, SMALL_COMMUNE, a_case, a_pdf, add_plan, small_case

D = dt.date
SHARED_PDF = a_pdf("Biên bản dùng chung")  # the same uploaded file in two communes: stored once in the roll-up

SECOND_COMMUNE = {
    "commune": {"name": "Xã Bình Minh", "district": None, "province": "Tỉnh Hải Dương"},
    "villages": [
        {"key": "d", "name": "Thôn Đông", "ethnic_area": False,  # the same name as a village of Xã Thử Nghiệm
         "team": {"name": "Tổ hòa giải thôn Đông"},
         "mediators": [
             {"key": "d1", "full_name": "Đinh Thị Lan", "gender": "nu", "birth_year": 1975, "is_leader": True,
              "joined_on": "2019-01-01"},
             {"key": "d2", "full_name": "Cao Văn Minh", "gender": "nam", "birth_year": 1968, "joined_on": "2019-01-01"},
             {"key": "d3", "full_name": "Tạ Văn Sơn", "gender": "nam", "birth_year": 1970, "joined_on": "2019-01-01"},
         ]},
        {"key": "n", "name": "Thôn Nam", "ethnic_area": False, "team": {"name": "Tổ hòa giải thôn Nam"},
         "mediators": [{"key": "n1", "full_name": "Lò Thị Ngân", "gender": "nu", "birth_year": 1980,
                        "is_leader": True, "joined_on": "2019-01-01"}]},
        {"key": "t", "name": "Thôn Tây", "ethnic_area": False, "team": {"name": "Tổ hòa giải thôn Tây"},
         "mediators": [{"key": "t1", "full_name": "Vi Văn Tâm", "gender": "nam", "birth_year": 1977,
                        "is_leader": True, "joined_on": "2019-01-01"}]},
    ],
    "trainings": [{"held_on": "2023-04-10", "title": "Tập huấn kỹ năng hòa giải năm 2023", "hours": 4,
                   "organiser": "Công chức Tư pháp – Hộ tịch", "place": "Hội trường UBND xã",
                   "attendees": ["d1", "d2", "n1"]}],
}
SECOND_CASES = [
    {**small_case("d", "2022-02-01", "thanh", "2022-02-20", "Kiều Văn Ân"), "mediators": ["d1", "d2"]},
    {**small_case("d", "2023-03-01", "khong_thanh", "2023-03-30", "Lạc Thị Bông"), "mediators": ["d2"]},
    small_case("d", "2023-05-01", "thanh", "2023-05-10", "Mạc Văn Chung"),
    small_case("n", "2023-06-01", "thanh", "2023-06-20", "Nông Thị Duyên"),
    small_case("t", "2023-07-01", "ngoai_pham_vi", "2023-07-02", "Ông Văn Đức"),
]


def commune_file(path: Path, commune: dict, cases: list[dict]) -> Path:
    con = db.create_database(path, demo=False)
    load_commune(con, commune, cases)
    add_plan(con, 2023)
    from db.criteria import evidence
    evidence.add_document(con, {"year": 2023, "kind": "so_theo_doi", "doc_no": "1/BC", "doc_date": "2023-12-20"},
                          SHARED_PDF, "bien-ban.pdf", actor=ACTOR)
    if commune is SECOND_COMMUNE:  # Thôn Tây joins Thôn Nam in 2024: villages.successor_id, place_changes' id lists
        from db import places
        nam, tay = (con.execute("SELECT id FROM villages WHERE name = ?", [n]).fetchone()[0]
                    for n in ("Thôn Nam", "Thôn Tây"))
        places.merge_villages(con, [nam, tay], into=nam, on=D(2024, 1, 1), actor=ACTOR)
    con.close()
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory, demo_file):
    """The three inputs and their roll-up (made once: the tests below only read it, or work on a copy)."""
    folder = tmp_path_factory.mktemp("rollup")
    first = commune_file(folder / "thu-nghiem.duckdb", SMALL_COMMUNE, SMALL_CASES)
    second = commune_file(folder / "binh-minh.duckdb", SECOND_COMMUNE, SECOND_CASES)
    third = folder / "doan-ket.duckdb"
    shutil.copy(demo_file, third)
    out = folder / "tong-hop.duckdb"
    result = ru.rollup([first, second, third], out)
    return {"sources": [first, second, third], "out": out, "result": result}


def read(path: Path):
    return duckdb.connect(str(path), read_only=True)


# --- the map of references --------------------------------------------------------------------------------------

def test_every_table_and_reference_column_of_the_schema_is_classified(empty_db):
    assert ru.classify(empty_db) == []
    lists = [set(ru.CARRIED), set(ru.SHARED), set(ru.RULES), ru.NOT_COPIED]
    assert sum(len(x) for x in lists) == len(set().union(*lists)), "a table in two lists"
    # A new reference column nobody mapped is found (its ids would collide in the roll-up) …
    empty_db.execute("ALTER TABLE cases ADD COLUMN reviewer_id INTEGER")
    empty_db.execute("CREATE TABLE case_reviews (id INTEGER, case_id INTEGER)")
    assert ru.classify(empty_db) == ["bảng case_reviews chưa được phân loại",
                                     "cột cases.reviewer_id chưa có trong bản đồ tham chiếu"]


def test_a_schema_the_map_does_not_know_is_refused_before_any_output(tmp_path, small_file, monkeypatch):
    monkeypatch.setitem(ru.CARRIED, "cases", {})  # as if cases.team_id had been added without mapping it
    refused(tmp_path, [small_file], r"cột cases\.team_id chưa có trong bản đồ tham chiếu")


# --- what the roll-up holds -------------------------------------------------------------------------------------

def test_rows_add_up_and_ids_never_collide(built):
    out = read(built["out"])
    for table in list(ru.CARRIED) + ["evidence_files"]:
        total = out.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        parts = []
        for path in built["sources"]:
            with read(path) as src:
                parts.append(src.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        if table == "evidence_files":  # the PDF both small communes uploaded is stored once
            assert total == sum(parts) - 1
        else:
            assert total == sum(parts), table
        assert total > 0 or table in ("team_reviews", "criteria_manual_points"), f"{table}: nothing to test with"
        columns = {r[0] for r in out.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ?",
                                             [table]).fetchall()}
        if "id" in columns:
            assert out.execute(f"SELECT count(DISTINCT id) FROM {table}").fetchone()[0] == total
    # Both «Thôn Đông» are there, each with its own id, commune and team.
    assert out.execute("SELECT c.name FROM villages v JOIN communes c ON c.id = v.commune_id WHERE v.name = 'Thôn Đông' "
                       "ORDER BY c.name").fetchall() == [("Xã Bình Minh",), ("Xã Thử Nghiệm",)]
    # Not carried: accounts (the demo file has four), sessions; the log holds the roll-up's own rows only.
    assert out.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    assert out.execute("SELECT count(*) FROM audit_log WHERE table_name = 'cases'").fetchone()[0] == 0
    out.close()


def test_every_reference_resolves(built):
    out = read(built["out"])
    for table, refs in ru.CARRIED.items():
        for column, target in refs.items():
            if column.endswith("_ids"):
                value = f"unnest({column})"
            else:
                value = column
            dangling = out.execute(
                f"SELECT count(*) FROM (SELECT {value} AS ref FROM {table}) x WHERE ref IS NOT NULL "
                f"AND ref NOT IN (SELECT id FROM {target})").fetchone()[0]
            assert dangling == 0, f"{table}.{column} → {target}"
    assert out.execute("SELECT count(*) FROM payments WHERE rate_id IS NULL").fetchone()[0] == 0
    assert out.execute("SELECT count(*) FROM evidence_documents WHERE sha256 NOT IN "
                       "(SELECT sha256 FROM evidence_files)").fetchone()[0] == 0
    out.close()


CHAINS = {
    # case → team → village → commune, and the case's parties and mediators (the mediator of the same village)
    "cases": """SELECT co.name, v.name, t.name, c.received_on, c.result, c.summary,
                       (SELECT list(full_name ORDER BY position) FROM case_parties p WHERE p.case_id = c.id),
                       (SELECT list(m.full_name || '@' || mv.name ORDER BY m.full_name) FROM case_mediators cm
                        JOIN mediators m ON m.id = cm.mediator_id JOIN teams mt ON mt.id = m.team_id
                        JOIN villages mv ON mv.id = mt.village_id WHERE cm.case_id = c.id)
                FROM cases c JOIN teams t ON t.id = c.team_id JOIN villages v ON v.id = t.village_id
                JOIN communes co ON co.id = v.commune_id""",
    "attendance": """SELECT co.name, tr.title, m.full_name, v.name FROM training_attendance a
                     JOIN trainings tr ON tr.id = a.training_id JOIN communes co ON co.id = tr.commune_id
                     JOIN mediators m ON m.id = a.mediator_id JOIN teams t ON t.id = m.team_id
                     JOIN villages v ON v.id = t.village_id""",
    "payments": """SELECT co.name, t.name, p.kind, p.year, p.amount, r.kind, r.level, r.amount,
                          (SELECT list(c.summary ORDER BY c.summary) FROM payment_cases pc
                           JOIN cases c ON c.id = pc.case_id WHERE pc.payment_id = p.id)
                   FROM payments p JOIN teams t ON t.id = p.team_id JOIN villages v ON v.id = t.village_id
                   JOIN communes co ON co.id = v.commune_id LEFT JOIN rates r ON r.id = p.rate_id""",
    "plans": """SELECT co.name, p.year, g.key, g.value, (SELECT count(*) FROM plan_tasks k WHERE k.plan_id = p.id),
                       (SELECT count(*) FROM task_notes n JOIN plan_tasks k ON k.id = n.task_id WHERE k.plan_id = p.id)
                FROM plans p JOIN communes co ON co.id = p.commune_id JOIN plan_goals g ON g.plan_id = p.id""",
    "evidence": """SELECT co.name, v.name, e.kind, e.year, f.size_bytes FROM evidence_documents e
                   JOIN communes co ON co.id = e.commune_id LEFT JOIN villages v ON v.id = e.village_id
                   JOIN evidence_files f ON f.sha256 = e.sha256""",
    "nominations": """SELECT co.name, t.name, m.full_name, n.year, n.status FROM nominations n
                      JOIN teams t ON t.id = n.team_id JOIN villages v ON v.id = t.village_id
                      JOIN communes co ON co.id = v.commune_id LEFT JOIN mediators m ON m.id = n.mediator_id""",
    "places": """SELECT co.name, pc.kind, pc.effective_on,
                        (SELECT list(v.name ORDER BY v.name) FROM villages v WHERE list_contains(pc.from_village_ids, v.id)),
                        (SELECT list(v.name ORDER BY v.name) FROM villages v WHERE list_contains(pc.to_village_ids, v.id))
                 FROM place_changes pc JOIN communes co ON co.id = pc.commune_id
                 UNION ALL
                 SELECT co.name, 'successor', NULL, [v.name], [s.name] FROM villages v JOIN villages s ON s.id = v.successor_id
                 JOIN communes co ON co.id = v.commune_id""",
}


def frozen(row: tuple) -> tuple:
    return tuple(tuple(v) if isinstance(v, list) else v for v in row)


def rows_of(path: Path, sql: str) -> Counter:
    with read(path) as con:
        return Counter(frozen(row) for row in con.execute(sql).fetchall())


@pytest.mark.parametrize("chain", CHAINS)
def test_references_lead_to_the_rows_of_the_same_commune(built, chain):
    """Every chain of references read in the roll-up gives, commune by commune, what it gives in that commune's file."""
    rolled = rows_of(built["out"], CHAINS[chain])
    expected = sum((rows_of(path, CHAINS[chain]) for path in built["sources"]), Counter())
    assert rolled == expected
    assert rolled, f"{chain}: no rows to compare"


# Figures per village, team or mediator, keyed by names (ids differ, and are left out with every *_id column): the
# roll-up's views read the commune's own rows. Left out of team_score: rank (in a roll-up, among every team of the
# province), and the previous year's score: a roll-up's years start at the earliest commune's first data (report_years
# is one range per file), so a team gets a «previous year» its own file does not report.
VIEWS = {
    "village_results": ("SELECT co.name, v.name, {columns} FROM village_results s JOIN villages v ON v.id = s.village_id "
                        "JOIN communes co ON co.id = v.commune_id", ()),
    "team_score": ("SELECT co.name, t.name, {columns} FROM team_score s JOIN teams t ON t.id = s.team_id "
                   "JOIN villages v ON v.id = t.village_id JOIN communes co ON co.id = v.commune_id",
                   ("rank", "previous_score", "previous_graded", "change")),
    "team_year": ("SELECT co.name, t.name, {columns} FROM team_year s JOIN teams t ON t.id = s.team_id "
                  "JOIN villages v ON v.id = t.village_id JOIN communes co ON co.id = v.commune_id", ()),
    "mediator_year": ("SELECT co.name, m.full_name, {columns} FROM mediator_year s "
                      "JOIN mediators m ON m.id = s.mediator_id JOIN teams t ON t.id = s.team_id "
                      "JOIN villages v ON v.id = t.village_id JOIN communes co ON co.id = v.commune_id", ()),
    "funding_team_year": ("SELECT co.name, t.name, {columns} FROM funding_team_year s JOIN teams t ON t.id = s.team_id "
                          "JOIN villages v ON v.id = t.village_id JOIN communes co ON co.id = v.commune_id", ()),
}


def view_rows(path: Path, view: str) -> set:
    sql, left_out = VIEWS[view]
    con = db.connect(path, read_only=True)
    try:
        names = [d[0] for d in con.execute(f"SELECT * FROM {view} LIMIT 0").description]
        columns = ", ".join(f's."{n}"' for n in names if not n.endswith("_id") and n not in left_out)
        return {frozen(row) for row in con.execute(sql.format(columns=columns)).fetchall()}
    finally:
        con.close()


@pytest.mark.parametrize("view", VIEWS)
def test_each_commune_keeps_its_figures_in_the_roll_up(built, view):
    rolled = view_rows(built["out"], view)
    for path in built["sources"]:
        own = view_rows(path, view)
        assert own, f"{view}: no rows in {path.name}"
        missing = own - rolled
        assert not missing, f"{path.name}: {sorted(missing, key=str)[:3]}"
    if view == "village_results":
        # The roll-up's years start at the earliest commune's first data: a commune's earlier years are empty.
        extra = rolled - set().union(*(view_rows(p, view) for p in built["sources"]))
        assert extra and all(row[3] == 0 for row in extra)  # (commune, village, year, received, …)


def test_the_roll_up_records_its_sources_and_the_rules_it_used(built):
    con = db.connect(built["out"], read_only=True)
    info = ru.rollup_info(con)
    con.close()
    assert [s["communes"] for s in info["sources"]] == [["Xã Thử Nghiệm (Tỉnh Hải Dương)"],
                                                        ["Xã Bình Minh (Tỉnh Hải Dương)"],
                                                        ["Xã Đoàn Kết (Tỉnh Hải Dương)"]]
    assert [s["cases"] for s in info["sources"]] == [9, 5, 142]  # the demo has one deleted case
    assert info["schema_version"] == latest_version() and info["created_at"].startswith(str(D.today()))
    lines = ru.summary(built["result"])
    assert lines[0].startswith("Đã tổng hợp 3 tệp") and "3 xã" in lines[0] and "156 vụ việc" in lines[0]
    assert any("không được mang sang" in line for line in lines)


def test_a_communes_own_rules_are_named_and_not_carried(tmp_path, demo_path):
    """Rules are one set per file: the roll-up keeps the app's; a commune's edits are named in the summary, and its
    payments point to the roll-up's rate of the same kind (matched by content, else the one in force that day)."""
    with duckdb.connect(str(demo_path)) as con:
        rate = con.execute("SELECT id FROM rates WHERE kind = 'thu_lao' AND level = 'ap_dung' AND result IS NULL"
                           ).fetchone()[0]
        paid = con.execute("SELECT count(*) FROM payments WHERE rate_id = ?", [rate]).fetchone()[0]
        assert paid > 0
        con.execute("UPDATE rates SET amount = 250000, valid_from = DATE '2016-01-01' WHERE id = ?", [rate])
        con.execute("UPDATE score_params SET value = value + 1 WHERE code = (SELECT min(code) FROM score_params)")
    out = tmp_path / "tong-hop.duckdb"
    result = ru.rollup([demo_path], out)
    assert result.sources[0].rule_differences == ["mức chi", "mô hình chấm điểm"]
    assert "hoagiai.duckdb (Xã Đoàn Kết (Tỉnh Hải Dương)) có quy định khác mặc định, không mang sang: mức chi, mô hình " \
           "chấm điểm." in "\n".join(ru.summary(result))
    with read(out) as con:
        ours = con.execute("SELECT id FROM rates WHERE kind = 'thu_lao' AND level = 'ap_dung' AND result IS NULL "
                           "AND valid_from = DATE '2015-01-01' AND amount = 200000").fetchone()[0]
        assert con.execute("SELECT count(*) FROM payments WHERE rate_id = ?", [ours]).fetchone()[0] == paid
        assert con.execute("SELECT count(*) FROM rates WHERE amount = 250000").fetchone()[0] == 0


# --- read-only ---------------------------------------------------------------------------------------------------

def test_data_writes_are_refused_on_a_roll_up_but_accounts_work(built, tmp_path):
    from db import cases, places, plan, users
    path = tmp_path / "tong-hop.duckdb"
    shutil.copy(built["out"], path)
    con = db.open_database(path)  # as the app opens it: migrate and reference rows pass
    team = con.execute("SELECT min(id) FROM teams").fetchone()[0]
    counts = con.execute("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM villages), "
                         "(SELECT count(*) FROM plans)").fetchone()
    refused = "Tệp tổng hợp chỉ để xem"
    with pytest.raises(ValidationError, match=refused):
        cases.save_case(con, a_case(team), actor=ACTOR)
    with pytest.raises(ValidationError, match=refused):
        places.add_village(con, {"name": "Thôn Mới", "commune_id": 1}, actor=ACTOR)
    with pytest.raises(ValidationError, match=refused):
        plan.save_plan(con, 2025, {"title": "Kế hoạch 2025"}, actor=ACTOR, commune_id=1)
    with pytest.raises(ValidationError, match=refused):
        users.save_setting(con, "session_minutes", "60", actor=ACTOR)
    assert con.execute("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM villages), "
                       "(SELECT count(*) FROM plans)").fetchone() == counts
    # The province makes its accounts, signs in, and its administrator manages them.
    users.add_user(con, {"login": "sotuphap", "role": "lanh_dao"}, PASSWORD, actor="dòng lệnh")
    admin = users.sign_in(con, "sotuphap", PASSWORD)
    users.add_user(con, {"login": "chuyenvien", "role": "can_bo_tu_phap"}, PASSWORD, actor=admin)
    officer = users.sign_in(con, "chuyenvien", PASSWORD)
    with pytest.raises(ValidationError, match=refused):
        places.add_village(con, {"name": "Thôn Mới", "commune_id": 1}, actor=officer)
    con.close()


def test_a_commune_file_is_not_read_only(small_db):
    from db import places
    con, _ = small_db
    places.add_village(con, {"name": "Thôn Mới", "commune_id": 1}, actor=ACTOR)  # no «tong_hop» setting: writes as usual


# --- bad input ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> Path:
    return commune_file(tmp_path_factory.mktemp("small") / "thu-nghiem.duckdb", SMALL_COMMUNE, SMALL_CASES)


def refused(tmp_path: Path, inputs: list, match: str, out: Path | None = None, **kwargs) -> None:
    out = out or tmp_path / "ket-qua" / "tong-hop.duckdb"
    before = set(out.parent.iterdir()) if out.parent.exists() else set()
    with pytest.raises(ru.RollupError, match=match) as caught:
        ru.rollup(inputs, out, **kwargs)
    assert "\n" not in str(caught.value)
    after = set(out.parent.iterdir()) if out.parent.exists() else set()
    assert after == before, "a refusal leaves nothing behind"


def test_bad_inputs_are_refused_in_one_vietnamese_line(tmp_path, small_file):
    refused(tmp_path, [small_file, tmp_path / "khong-co.duckdb"], r"không có tệp .*khong-co\.duckdb")
    (tmp_path / "rong.duckdb").write_bytes(b"")
    refused(tmp_path, [tmp_path / "rong.duckdb"], "rỗng")
    (tmp_path / "so.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 100)
    refused(tmp_path, [small_file, tmp_path / "so.xlsx"], "không phải tệp dữ liệu DuckDB.*tệp Excel")
    refused(tmp_path, [tmp_path], "không phải một tệp")
    other = tmp_path / "khac.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (a INTEGER)").close()
    refused(tmp_path, [other], "không phải dữ liệu của ứng dụng hòa giải")
    newer = tmp_path / "moi-hon.duckdb"
    shutil.copy(small_file, newer)
    with duckdb.connect(str(newer)) as con:
        con.execute("INSERT INTO schema_version (version, name) VALUES (999, 'tuong_lai')")
    refused(tmp_path, [newer], "phiên bản lược đồ 999, mới hơn")
    empty = tmp_path / "trong.duckdb"
    db.create_database(empty, demo=False).close()
    refused(tmp_path, [empty], "chưa có xã nào")
    refused(tmp_path, [], "chưa nêu tệp nào")


def test_the_same_commune_twice_is_refused(tmp_path, small_file):
    refused(tmp_path, [small_file, small_file], "được nêu hai lần")
    copy = tmp_path / "ban-sao.duckdb"
    shutil.copy(small_file, copy)
    refused(tmp_path, [small_file, copy], r"xã «Xã Thử Nghiệm \(Tỉnh Hải Dương\)» có trong cả .* và .*ban-sao")
    # Typed differently (spaces, case) it is still the same commune …
    with duckdb.connect(str(copy)) as con:
        con.execute("UPDATE communes SET name = '  xã thử  nghiệm '")
    refused(tmp_path, [small_file, copy], "mỗi xã chỉ tổng hợp một lần")
    # … but two communes of one name in different districts (before 2025) are two communes.
    with duckdb.connect(str(copy)) as con:
        con.execute("UPDATE communes SET name = 'Xã Thử Nghiệm', district = 'Huyện A'")
    with duckdb.connect(str(small_file)) as con:
        assert con.execute("SELECT district FROM communes").fetchone()[0] is None
    refused(tmp_path, [small_file, copy], "mỗi xã chỉ tổng hợp một lần")  # one district unknown: maybe the same
    other_district = tmp_path / "huyen-b.duckdb"
    shutil.copy(copy, other_district)
    with duckdb.connect(str(other_district)) as con:
        con.execute("UPDATE communes SET district = 'Huyện B'")
    result = ru.rollup([copy, other_district], tmp_path / "hai-huyen.duckdb")
    assert result.totals["communes"] == 2


def test_an_existing_output_needs_force_and_is_replaced_whole(tmp_path, small_file):
    out = tmp_path / "tong-hop.duckdb"
    out.write_bytes(b"tep cu")
    refused(tmp_path, [small_file], "đã tồn tại; thêm --force", out=out)
    assert out.read_bytes() == b"tep cu"
    refused(tmp_path, [small_file], "trùng với tệp nguồn", out=small_file, force=True)
    result = ru.rollup([small_file], out, force=True)
    assert result.totals["cases"] == 9
    with read(out) as con:
        assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tong-hop.duckdb"]


def test_an_input_held_by_another_program_is_named(tmp_path, small_file):
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('mo', flush=True); time.sleep(60)", str(small_file)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "mo"
        refused(tmp_path, [small_file], "đang được một chương trình khác mở.*python -m db backup")
    finally:
        holder.kill()
        holder.wait()


def test_an_input_of_an_older_schema_is_migrated_on_a_copy(tmp_path):
    """A commune still on schema version 13 sends its file: rolled up at the current version, the file untouched."""
    old = tmp_path / "cu.duckdb"
    con = duckdb.connect(str(old))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())")
    for version, file in migration_files():
        if version <= 13:
            con.execute(file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, file.stem])
    con.execute("INSERT INTO communes (name, province) VALUES ('Xã Cũ', 'Tỉnh Hải Dương')")
    con.execute("INSERT INTO villages (commune_id, name) VALUES (1, 'Thôn Đông')")
    con.execute("INSERT INTO teams (village_id, name) VALUES (1, 'Tổ hòa giải thôn Đông')")
    con.execute("INSERT INTO plans (year, title) VALUES (2023, 'Kế hoạch 2023')")  # one per year before 014
    con.execute("INSERT INTO cases (team_id, received_on, grounds, category, summary, result, concluded_on) "
                "VALUES (1, DATE '2023-03-01', 'yeu_cau', 'dat_dai', 'Tranh chấp lối đi', 'thanh', DATE '2023-03-10')")
    con.close()
    stamp = old.stat().st_mtime_ns, old.read_bytes()
    result = ru.rollup([old], tmp_path / "tong-hop.duckdb")
    assert (old.stat().st_mtime_ns, old.read_bytes()) == stamp
    assert "đã nâng cấp từ phiên bản 13 trên bản chép tạm" in "\n".join(ru.summary(result))
    with read(tmp_path / "tong-hop.duckdb") as out:
        assert out.execute("SELECT commune_id, year FROM plans").fetchall() == [(1, 2023)]  # 014 gave it its commune
        assert out.execute("SELECT max(version) FROM schema_version").fetchone()[0] == latest_version()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cu.duckdb", "tong-hop.duckdb"]


def test_a_roll_up_rolls_up_again(built, tmp_path, small_file):
    """District files into a province file: a roll-up is an input like any other, its communes checked one by one."""
    refused(tmp_path, [built["out"], small_file], "Xã Thử Nghiệm.*có trong cả")
    other = commune_file(tmp_path / "khac.duckdb", {**SMALL_COMMUNE, "commune": {
        **SMALL_COMMUNE["commune"], "name": "Xã Hòa Bình"}}, SMALL_CASES)
    result = ru.rollup([built["out"], other], tmp_path / "tinh.duckdb")
    assert result.totals["communes"] == 4 and result.totals["cases"] == 157 + 9


# --- command line --------------------------------------------------------------------------------------------------

def test_command_line(tmp_path, small_file, capsys):
    other = tmp_path / "binh-minh.duckdb"
    commune_file(other, SECOND_COMMUNE, SECOND_CASES)
    out = tmp_path / "tong-hop.duckdb"
    assert main(["rollup", "--out", str(out), str(small_file), str(other)]) == 0
    printed = capsys.readouterr().out
    assert "Đã tổng hợp 2 tệp" in printed and "Xã Bình Minh (Tỉnh Hải Dương) — 3 thôn, 5 vụ việc" in printed
    assert main(["rollup", "--out", str(out), str(small_file)]) != 0
    error = capsys.readouterr().err
    assert error.startswith("Lỗi: tệp") and "--force" in error and error.count("\n") == 1
    # The province's account on the roll-up, from the command line (password on standard input).
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run([sys.executable, "-m", "db", "user", "add", "sotuphap", "--role", "lanh_dao", "--db", str(out)],
                          input=PASSWORD + "\n", capture_output=True, text=True, env=env,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    with read(out) as con:
        assert con.execute("SELECT login FROM users").fetchall() == [("sotuphap",)]
        assert json.loads(con.execute("SELECT value FROM settings WHERE key = 'tong_hop'").fetchone()[0])["sources"]
