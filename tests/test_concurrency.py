"""One-per-X rules under simultaneous submits (issue 13, item 6), and two saves of one row at once (item 5).

Every browser session of the app shares one DuckDB connection (st.cache_resource) and runs in its own thread, so
threads on one connection are what two officers clicking «Lưu» at the same moment are. Each test releases its
threads together (a barrier) and checks what the database holds afterwards: exactly one row where the rule says one,
every other submit refused with a Vietnamese message, never DuckDB's English TransactionException.
"""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from conftest import ACTOR, a_case, team_id
from db import cases, funding, trainings
from db.scores import commendation
from db.core.labels import AWARD_LEVELS
from db.core.writes import DuplicateSuspected, ValidationError, VersionConflict

THREADS = 8


def at_once(work, n: int = THREADS) -> list:
    """Run work(i) in n threads released together; each result is the return value or the exception raised."""
    start = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 — the test inspects what each submit got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def split(results: list, refusal=ValidationError) -> tuple[list, list]:
    """(successes, refusals); anything else (an English DuckDB error, a crash) fails the test with its text."""
    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, refusal)]
    assert not unexpected, [f"{type(r).__name__}: {r}" for r in unexpected]
    return ([r for r in results if not isinstance(r, BaseException)],
            [r for r in results if isinstance(r, BaseException)])


def audit_rows(con, table: str) -> int:
    return con.execute("SELECT count(*) FROM audit_log WHERE table_name = ?", [table]).fetchone()[0]


def test_one_case_lands_in_one_fee_request_when_eight_are_filed_at_once(demo_db):
    team, case_ids, day = demo_db.execute(
        """
        SELECT team_id, list(case_id ORDER BY case_id)[1:2], max(concluded_on) FROM fee_case
        WHERE fee_status = 'chua_de_nghi' GROUP BY team_id HAVING count(*) >= 2 ORDER BY team_id LIMIT 1
        """).fetchone()
    payments_before = demo_db.execute("SELECT count(*) FROM payments").fetchone()[0]
    results = at_once(lambda i: funding.file_fee_request(demo_db, team, case_ids, day, actor=ACTOR,
                                                         as_of=day + dt.timedelta(days=1)))
    filed, refused = split(results)
    assert len(filed) == 1 and len(refused) == THREADS - 1
    assert all(f"đã có trong giấy đề nghị số {filed[0]}" in " ".join(r.messages) for r in refused)
    assert demo_db.execute("SELECT count(*) FROM payments").fetchone()[0] == payments_before + 1
    assert demo_db.execute(
        "SELECT count(*) FROM payment_cases WHERE case_id IN (SELECT unnest(?::INTEGER[]))",
        [case_ids]).fetchone()[0] == len(case_ids)


def test_one_nomination_per_team_and_year_when_eight_are_sent_at_once(demo_db):
    team = team_id(demo_db, "Thôn Đông Hòa")
    year = 2023
    demo_db.execute("DELETE FROM nominations WHERE team_id = ? AND year = ?", [team, year])
    results = at_once(lambda i: commendation.nominate(
        demo_db, {"year": year, "team_id": team, "award_level": next(iter(AWARD_LEVELS)),
                  "nominated_on": dt.date(2023, 12, 1), "reason": f"Đề nghị lần {i}"}, actor=ACTOR,
        as_of=dt.date(2023, 12, 31)))
    sent, refused = split(results)
    assert len(sent) == 1 and len(refused) == THREADS - 1
    assert all("chỉ đề nghị một lần mỗi năm" in " ".join(r.messages) for r in refused)
    assert demo_db.execute("SELECT count(*) FROM nominations WHERE team_id = ? AND year = ? AND mediator_id IS NULL",
                           [team, year]).fetchone()[0] == 1


def test_a_training_submitted_twice_at_once_is_saved_once(small_db):
    con, _ = small_db
    before = audit_rows(con, "trainings")
    results = at_once(lambda i: trainings.save_training(
        con, {"title": "Tập huấn Luật Hòa giải ở cơ sở", "held_on": dt.date(2023, 4, 5), "hours": "4"}, actor=ACTOR))
    saved, refused = split(results)
    assert len(saved) == 1 and len(refused) == THREADS - 1
    assert all("Đã có buổi tập huấn" in " ".join(r.messages) for r in refused)
    assert con.execute("SELECT count(*) FROM trainings WHERE held_on = DATE '2023-04-05'").fetchone()[0] == 1
    assert audit_rows(con, "trainings") == before + 1  # one audit row per write, none for a refusal


def test_the_same_case_submitted_at_once_is_saved_once_and_the_others_asked_about_the_duplicate(small_db):
    con, _ = small_db
    team = team_id(con, "Thôn Đông")
    data = a_case(team, parties=[{"full_name": "Trịnh Văn Phúc", "age": 45, "address": "Xóm 2"},
                                 {"full_name": "Lưu Thị Quế", "age": 39, "address": "Xóm 3"}])
    count = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    results = at_once(lambda i: cases.save_case(con, data, actor=ACTOR, as_of=dt.date(2023, 12, 31)))
    saved, refused = split(results, refusal=DuplicateSuspected)
    assert len(saved) == 1 and len(refused) == THREADS - 1
    assert all(f"Có thể trùng vụ việc số {saved[0]}" in " ".join(r.messages) for r in refused)
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == count + 1


def test_two_saves_of_one_row_at_once_one_wins_the_other_is_told_in_vietnamese(small_db):
    con, _ = small_db
    tid = trainings.save_training(con, {"title": "Tập huấn kỹ năng", "held_on": dt.date(2023, 5, 6), "hours": "3"},
                                  actor=ACTOR)
    version = trainings.get_training(con, tid)["version"]
    results = at_once(lambda i: trainings.save_training(
        con, {"title": f"Tập huấn kỹ năng (sửa {i})", "held_on": dt.date(2023, 5, 6), "hours": "3"},
        actor=ACTOR, training_id=tid, expected_version=version))
    saved, refused = split(results, refusal=VersionConflict)
    assert len(saved) == 1 and len(refused) == THREADS - 1
    assert all(str(r).startswith("Hồ sơ vừa được người khác sửa") for r in refused)
    assert trainings.get_training(con, tid)["version"] == version + 1


@pytest.mark.parametrize("writers", [16])
def test_many_writers_on_different_rows_lose_nothing(small_db, writers):
    """16 sessions saving 10 trainings each at the same moment: 160 rows and 160 audit rows, no error."""
    con, _ = small_db
    before = audit_rows(con, "trainings")

    def work(i: int) -> list[int]:
        return [trainings.save_training(con, {"title": f"Buổi {i}-{k}", "held_on": dt.date(2023, 1 + k, 1 + i),
                                              "hours": "2"}, actor=ACTOR) for k in range(10)]

    saved, refused = split(at_once(work, writers))
    assert not refused and len({tid for ids in saved for tid in ids}) == writers * 10
    assert audit_rows(con, "trainings") == before + writers * 10
