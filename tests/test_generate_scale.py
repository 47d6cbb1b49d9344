"""`python -m db generate --scale district|province|national` (db/tools/synth.py, db/tools/synth.sql): the district scale, made in a
temporary folder, has the sizes DOMAIN.md «Scale» names, is the same for the same seed and other for another, keeps
the rules of the data (dates, teams, parties, budgets, fees at the rates, NFC text) and opens in the app's views."""
from __future__ import annotations

import datetime as dt
import unicodedata

import duckdb
import pytest

from db import connect
from db.tools import synth
from db.__main__ import main

SEED = 2023
YEARS = synth.UNTIL.year - synth.FIRST_YEAR + 1


def digests(path) -> dict[str, str]:
    """A digest of every generated table's rows (in a total order), to compare two files."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT md5(coalesce(string_agg(CAST(r AS VARCHAR), chr(10) "
                               f"ORDER BY CAST(r AS VARCHAR)), '')) FROM {t} r").fetchone()[0] for t in synth.TABLES}
    finally:
        con.close()


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """The district scale made by the command line, as a user runs it; (path, its printed line)."""
    path = tmp_path_factory.mktemp("synth") / "district.duckdb"
    result = synth.generate(path, "district", SEED)
    return path, synth.summary(path, "district", SEED, result)


@pytest.fixture()
def con(district):
    con = duckdb.connect(str(district[0]), read_only=True)
    yield con
    con.close()


def one(con, sql: str, params=None):
    return con.execute(sql, params or []).fetchone()[0]


def test_sizes_are_those_of_a_district(con, district):
    communes = one(con, "SELECT count(*) FROM communes")
    villages = one(con, "SELECT count(*) FROM villages")
    cases = one(con, "SELECT count(*) FROM cases")
    assert 10 <= communes <= 15
    assert 12 * communes <= villages <= 46 * communes
    assert one(con, "SELECT count(*) FROM teams") == villages
    # 5–8 seats a team, held before the records began; at the end every live team has at least 4 active members
    per_team = con.execute("""
        SELECT min(n), max(n), avg(n), min(active) FROM (
            SELECT t.id, count(*) FILTER (WHERE m.joined_on < DATE '2017-01-01') AS n,
                   count(*) FILTER (WHERE m.left_on IS NULL) + CASE WHEN t.valid_to IS NULL THEN 0 ELSE 99 END AS active
            FROM teams t JOIN mediators m ON m.team_id = t.id GROUP BY t.id, t.valid_to)""").fetchone()
    assert 5 <= per_team[0] and per_team[1] <= 8 and 6 <= per_team[2] <= 7 and per_team[3] >= 4
    # about two cases a village and year (DOMAIN.md: tens to a few hundred a commune a year)
    assert 1.2 <= cases / villages / YEARS <= 3.0
    assert one(con, "SELECT count(*) FROM budgets") == communes * YEARS
    assert one(con, "SELECT count(*) FROM plans") == communes * YEARS
    assert one(con, "SELECT count(*) FROM plan_goals") == communes * YEARS * 6
    assert 2 * communes * YEARS <= one(con, "SELECT count(*) FROM trainings") <= 3 * communes * YEARS
    assert one(con, "SELECT count(*) FROM training_attendance") > 0
    assert one(con, "SELECT count(*) FROM payment_cases") > 0
    assert one(con, "SELECT bool_and(is_demo) FROM communes")  # fictional
    assert f"{communes} xã" in district[1] and "vụ việc" in district[1]


def test_mix_of_results_people_and_places(con):
    shares = dict(con.execute("SELECT result, count(*) / sum(count(*)) OVER () FROM cases GROUP BY result").fetchall())
    assert 0.75 <= shares["thanh"] / (shares["thanh"] + shares["khong_thanh"]) <= 0.95
    assert 0.02 <= shares["ngoai_pham_vi"] <= 0.07
    assert 0 < shares["dang_hoa_giai"] < 0.02
    # open cases only at the end, received in the last weeks
    first_open = one(con, "SELECT min(received_on) FROM cases WHERE result = 'dang_hoa_giai'")
    assert first_open >= synth.UNTIL - dt.timedelta(50)
    assert one(con, "SELECT count(DISTINCT category) FROM cases") == 6
    women = one(con, "SELECT avg((gender = 'nu')::INTEGER) FROM mediators")
    assert 0.28 <= women <= 0.42
    # names repeat across communes, never within one
    assert one(con, "SELECT count(*) FROM (SELECT name FROM villages GROUP BY name HAVING count(*) > 1)") > 0
    assert one(con, "SELECT count(*) FROM (SELECT commune_id, name FROM villages GROUP BY ALL "
                    "HAVING count(*) > 1)") == 0
    assert one(con, "SELECT count(*) FROM villages WHERE successor_id IS NOT NULL") == \
        one(con, "SELECT sum(len(from_village_ids)) FROM place_changes")


def test_dates_are_consistent(con):
    assert one(con, "SELECT count(*) FROM cases WHERE concluded_on < received_on") == 0
    assert one(con, "SELECT count(*) FROM cases WHERE assigned_on < received_on "
                    "OR assigned_on > coalesce(concluded_on, DATE '9999-12-31')") == 0
    assert one(con, "SELECT max(concluded_on) FROM cases") <= synth.UNTIL
    assert one(con, "SELECT count(*) FROM cases WHERE (result = 'dang_hoa_giai') <> (concluded_on IS NULL)") == 0
    assert one(con, "SELECT count(*) FROM mediators WHERE left_on <= joined_on") == 0
    # a merged village's team takes no case after its end
    assert one(con, "SELECT count(*) FROM cases c JOIN teams t ON t.id = c.team_id "
                    "WHERE c.concluded_on > t.valid_to OR c.received_on > t.valid_to") == 0
    assert one(con, "SELECT count(*) FROM trainings WHERE status = 'da_to_chuc' AND held_on > ?", [synth.UNTIL]) == 0
    assert one(con, "SELECT count(*) FROM payments WHERE paid_on > ? OR requested_on > ?",
               [synth.UNTIL, synth.UNTIL]) == 0


def test_case_mediators_are_active_members_of_the_case_team(con):
    assert one(con, """
        SELECT count(*) FROM case_mediators cm JOIN cases c ON c.id = cm.case_id
        JOIN mediators m ON m.id = cm.mediator_id
        WHERE m.team_id <> c.team_id OR m.joined_on > c.received_on OR m.left_on <= c.received_on""") == 0
    low, high = con.execute("SELECT min(n), max(n) FROM (SELECT count(cm.mediator_id) AS n FROM cases c "
                            "LEFT JOIN case_mediators cm ON cm.case_id = c.id GROUP BY c.id)").fetchone()
    assert (low, high) == (1, 3)
    # trainings are attended by members of the commune active that day
    assert one(con, """
        SELECT count(*) FROM training_attendance a JOIN trainings t ON t.id = a.training_id
        JOIN mediators m ON m.id = a.mediator_id JOIN teams tm ON tm.id = m.team_id
        JOIN villages v ON v.id = tm.village_id
        WHERE v.commune_id <> t.commune_id OR m.joined_on > t.held_on OR m.left_on <= t.held_on""") == 0
    # exactly one tổ trưởng in every live team, none left in an ended one
    assert one(con, "SELECT count(*) FROM teams t WHERE (SELECT count(*) FROM mediators m WHERE m.team_id = t.id "
                    "AND m.is_leader AND m.left_on IS NULL) <> CASE WHEN t.valid_to IS NULL THEN 1 ELSE 0 END") == 0


def test_parties_budgets_and_fees(con):
    low, high = con.execute("SELECT min(n), max(n) FROM (SELECT count(p.id) AS n FROM cases c "
                            "LEFT JOIN case_parties p ON p.case_id = c.id GROUP BY c.id)").fetchone()
    assert (low, high) == (2, 3)
    assert one(con, "SELECT count(*) FROM (SELECT case_id, full_name FROM case_parties GROUP BY ALL "
                    "HAVING count(*) > 1)") == 0
    assert one(con, "SELECT count(*) FROM (SELECT commune_id, year FROM budgets GROUP BY ALL HAVING count(*) > 1)") == 0
    # every fee at the rate of the case's result on its concluded date, every support payment at the due amount
    # (the app's own checks, db/funding/funding.sql); each case paid once
    assert one(con, "SELECT count(*) FROM payment_check WHERE above_rate > 0 OR paid_deleted > 0 "
                    "OR paid_ineligible > 0 OR amount <> due_amount") == 0
    assert one(con, "SELECT count(*) FROM (SELECT case_id FROM payment_cases GROUP BY case_id "
                    "HAVING count(*) > 1)") == 0
    unpaid = one(con, "SELECT count(*) FROM fee_case WHERE fee_status = 'chua_de_nghi' AND year < ?",
                 [synth.UNTIL.year])
    assert 0 < unpaid < one(con, "SELECT count(*) FROM fee_case") * 0.3  # some never requested


def test_text_is_nfc(con):
    for table, column in (("communes", "name"), ("communes", "province"), ("villages", "name"), ("teams", "name"),
                          ("mediators", "full_name"), ("mediators", "organisation"), ("cases", "summary"),
                          ("cases", "agreement"), ("cases", "note"), ("case_parties", "full_name"),
                          ("case_parties", "address"), ("trainings", "title"), ("trainings", "organiser"),
                          ("plans", "title"), ("plan_tasks", "content"), ("budgets", "document_no")):
        assert one(con, f"SELECT count(*) FROM {table} WHERE {column} <> nfc_normalize({column})") == 0, (table, column)
        sample = [r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL "
                                            "ORDER BY 1 LIMIT 200").fetchall()]
        assert sample and all(unicodedata.is_normalized("NFC", text) for text in sample), (table, column)


def test_metric_views_run(con):
    villages = one(con, "SELECT count(*) FROM villages")
    assert one(con, "SELECT count(*) FROM village_results") >= villages * (YEARS - 2)
    scores = con.execute("SELECT count(*), min(score), max(score) FROM team_score").fetchone()
    assert scores[0] > 0 and 0 <= scores[1] <= scores[2] <= 100
    assert one(con, "SELECT count(*) FROM funding_year") > 0
    assert one(con, "SELECT count(*) FROM team_year WHERE year = 2025") > 0
    assert one(con, "SELECT count(*) FROM case_register_check WHERE NOT complete") > 0  # some ages not recorded
    rate = one(con, "SELECT sum(thanh) / sum(thanh + khong_thanh) FROM village_results WHERE year = 2024")
    assert 0.75 <= rate <= 0.95


def test_the_app_writes_after_the_generated_ids(district, tmp_path):
    """The sequences are past the ids given in SQL: the write path adds a case (and its parties) after them."""
    from db.cases import save_case

    path = tmp_path / "copy.duckdb"
    path.write_bytes(district[0].read_bytes())
    con = connect(path)
    try:
        for table in synth.WITH_IDS:
            assert one(con, f"SELECT nextval('seq_{table}') > (SELECT max(id) FROM {table})"), table
        team, member = con.execute("SELECT team_id, id FROM mediators WHERE left_on IS NULL "
                                   "ORDER BY id LIMIT 1").fetchone()
        before = one(con, "SELECT max(id) FROM cases")
        case_id = save_case(con, {
            "team_id": team, "received_on": "2026-11-20", "grounds": "yeu_cau", "category": "lang_gieng",
            "summary": "Mâu thuẫn về lối đi chung", "result": "dang_hoa_giai", "mediator_ids": [member],
            "parties": [{"full_name": "Nguyễn Văn Thử", "age": 40, "address": "Xóm 1"},
                        {"full_name": "Trần Thị Nghiệm", "age": 38, "address": "Xóm 1"}]},
            actor="kiểm thử", confirm_duplicate=True, as_of=dt.date(2026, 12, 3))
        assert case_id > before
    finally:
        con.close()


def test_same_seed_same_rows_other_seed_other_rows(district, tmp_path, capsys):
    again = tmp_path / "again.duckdb"
    assert main(["generate", "--scale", "district", "--seed", str(SEED), "--db", str(again)]) == 0
    assert "quy mô district, seed 2023" in capsys.readouterr().out
    first = digests(district[0])
    assert digests(again) == first
    # an existing file is refused without --force (the data in it would be lost)
    assert main(["generate", "--scale", "district", "--seed", "7", "--db", str(again)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["generate", "--scale", "district", "--seed", "7", "--db", str(again), "--force"]) == 0
    other = digests(again)
    assert other["cases"] != first["cases"] and other["mediators"] != first["mediators"]
