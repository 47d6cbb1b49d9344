"""python -m db: init, migrate, generate, backup/restore, refusals and the lock message."""
from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

import db
from conftest import ROOT
from db.__main__ import main
from db.core.connection import latest_version

CONTRACT = {
    "communes": {"id", "name", "province"},
    "villages": {"id", "commune_id", "name"},
    "teams": {"id", "village_id", "name"},
    "mediators": {"id", "team_id", "full_name", "gender", "birth_year", "ethnic_minority", "is_leader",
                  "joined_on", "left_on"},
    "cases": {"id", "team_id", "received_on", "category", "summary", "result", "concluded_on",
              "security_incident", "version"},
    "case_parties": {"case_id", "full_name", "age", "address"},
    "case_mediators": {"case_id", "mediator_id"},
    "trainings": {"id", "held_on", "title"},
    "training_attendance": {"training_id", "mediator_id"},
    "audit_log": {"id", "at", "actor", "action", "table_name", "row_id", "before", "after"},
}


def test_init_creates_contract_tables_and_refuses_an_existing_file(tmp_path, capsys):
    path = tmp_path / "moi" / "hoagiai.duckdb"
    assert main(["init", "--db", str(path)]) == 0
    con = duckdb.connect(str(path), read_only=True)
    for table, columns in CONTRACT.items():
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
        assert columns <= have, (table, columns - have)
    assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == latest_version()
    cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    con.close()
    assert main(["init", "--db", str(path)]) == 2
    assert "đã tồn tại" in capsys.readouterr().err
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == cases  # untouched
    con.close()


def test_init_empty_has_reference_lists_but_no_commune(tmp_path):
    path = tmp_path / "trong.duckdb"
    assert main(["init", "--empty", "--db", str(path)]) == 0
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT count(*) FROM communes").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM case_categories").fetchone()[0] == 6
    # Every local category rolls up to one of the three national ones.
    assert con.execute("SELECT count(DISTINCT national_code) FROM case_categories").fetchone()[0] == 3
    con.close()


def test_generate_demo_is_deterministic_and_refuses_unknown_scales(tmp_path, capsys):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert main(["generate", "--scale", "demo", "--seed", "7", "--db", str(a)]) == 0
    assert main(["generate", "--scale", "demo", "--seed", "7", "--db", str(b)]) == 0
    query = "SELECT received_on, category, result, summary FROM cases ORDER BY id"
    rows = [duckdb.connect(str(p), read_only=True).execute(query).fetchall() for p in (a, b)]
    assert rows[0] == rows[1] and len(rows[0]) > 100
    capsys.readouterr()
    with pytest.raises(SystemExit) as refused:  # exit status 2, in Vietnamese (not argparse's «invalid choice»)
        main(["generate", "--scale", "thanh-pho", "--db", str(tmp_path / "n.duckdb")])
    assert refused.value.code == 2 and not (tmp_path / "n.duckdb").exists()
    said = capsys.readouterr().err.strip().splitlines()[-1]
    assert said == ("Lỗi: giá trị «thanh-pho» không hợp lệ cho --scale (chọn một trong: demo, district, province, "
                    "national)."), said


def test_migrate_keeps_data(demo_path):
    con = duckdb.connect(str(demo_path))
    con.execute("UPDATE cases SET summary = 'Giữ nguyên' WHERE id = 1")
    con.close()
    assert main(["migrate", "--db", str(demo_path)]) == 0
    con = duckdb.connect(str(demo_path), read_only=True)
    assert con.execute("SELECT summary FROM cases WHERE id = 1").fetchone()[0] == "Giữ nguyên"
    con.close()


def test_backup_and_restore(demo_path, tmp_path):
    assert main(["backup", "--db", str(demo_path), "--out", str(tmp_path / "saoluu")]) == 0
    copy = next((tmp_path / "saoluu").glob("*.duckdb"))
    con = duckdb.connect(str(demo_path))
    con.execute("DELETE FROM case_parties")
    con.close()
    assert main(["restore", str(copy), "--db", str(demo_path)]) == 0
    con = duckdb.connect(str(demo_path), read_only=True)
    assert con.execute("SELECT count(*) FROM case_parties").fetchone()[0] > 0
    con.close()
    not_a_db = tmp_path / "gia.duckdb"
    not_a_db.write_bytes(b"MZ\x90\x00 not a database")
    assert main(["restore", str(not_a_db), "--db", str(demo_path)]) == 2


def test_a_file_held_by_another_process_gives_a_vietnamese_message(demo_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
                               "time.sleep(60)", str(demo_path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(db.DatabaseLocked) as err:
            db.open_database(demo_path)
        assert "đang được một chương trình khác mở" in str(err.value)
        out = subprocess.run([sys.executable, "-m", "db", "migrate", "--db", str(demo_path)],
                             cwd=ROOT, capture_output=True, text=True)
        assert out.returncode == 2
        assert "đang được một chương trình khác mở" in out.stderr and "Traceback" not in out.stderr
    finally:
        holder.kill()
        holder.wait()
