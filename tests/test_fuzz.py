"""Bad input everywhere (issue 13, item 9): every write function of db/, given any input, either refuses it with
short Vietnamese messages and writes nothing, or saves a valid row. It never raises anything else.

Hypothesis varies a valid call: up to three fields get a bad value (wrong types, None, NaN, huge or negative
numbers, floats for ints, strings for ids, odd dates, year 1 or 9999, lists and dicts, invisible characters,
injection strings, long texts) or are left out, and unknown keys are added. After each call:
- a ValidationError: every message is short, and no table nor the audit log changed;
- a success: every row the audit log names is read back and checked (dates 1945–2100, texts within their limits
  and without control or bidi characters, codes from their lists, ids of rows that exist, finite numbers).
The actor is the plain string ACTOR (allowed everything): this tests validation, not permissions.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import unicodedata
from decimal import Decimal
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

import db
from conftest import ACTOR, SMALL_CASES, SMALL_COMMUNE, a_case, add_accounts, team_id
from db import cases, criteria, funding, places, plan, scores, trainings, users
from db.core import audit, labels, locks
from db.criteria import evidence
from db.scores import commendation
from db.teams import mediators, reviews
from db.tools.seed import load_commune
from db.core.text import visible
from db.core.writes import DATE_MAX, DATE_MIN, MESSAGE_LIMIT, TEXT_LIMIT, TEXT_LIMITS, UNCHECKED_TEXT, ValidationError

CI = bool(os.environ.get("CI"))


def fuzz(examples: int):
    """A hypothesis test drawing its values inside (st.data()), sharing the test's database between examples."""
    def wrap(test):
        # No shrinking: the examples share one database, so a replayed example meets other rows (Hypothesis would
        # call that flaky); the first failing example is reported as it was.
        return settings(max_examples=examples, deadline=None, database=None, derandomize=CI,
                        phases=(Phase.explicit, Phase.generate), report_multiple_bugs=False,
                        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                               HealthCheck.data_too_large])(given(data=st.data())(test))
    return wrap


# --- the bad values -------------------------------------------------------------------------------------------

INJECTIONS = ["'; DROP TABLE cases; --", "Robert'); DELETE FROM mediators; --", "<script>alert(1)</script>",
              "**bold**", "$x$", "[a](http://x)", "{0}", "%s%n", "\\", "=1+1", "NULL", "None", "nan"]
INVISIBLE = ["\u202e", "\u200b", "\x00", "\ufeff", "\u2066", "\x1b[31m", "\r", "\u00ad", "\u200d", "\x7f"]
LONG = ["Đ" * 5000, "x" * 301, "a" * 4001, "y" * 20_000, "tên " * 30]
ODD_DATES = ["31/02/2023", "29/02/2023", "1/1/1", "01/01/0001", "01/01/9999", "9999-12-31", "0001-01-01",
             "2023-13-01", "00/00/0000", "12/0", "07.06.2023", " 07 / 06 / 2023 ", "2023/06/07", "07/06/23",
             "07/06/2023 10:00", "2023-06-07T10:00:00", "31/12/1944", "01/01/2101", "1/13/2023", "٠٧/٠٦/٢٠٢٣"]

texts = st.one_of(
    st.text(max_size=25),
    st.sampled_from(INJECTIONS + INVISIBLE + LONG),
    st.builds(lambda mark, name, end: mark + name + end, st.sampled_from(INVISIBLE),
              st.text(alphabet="Nguyễn Văn Đức Thị", min_size=1, max_size=12), st.sampled_from(["", *INVISIBLE])),
)
dates = st.one_of(st.dates(), st.datetimes(), st.sampled_from(ODD_DATES),
                  st.sampled_from([pd.Timestamp("2023-06-07"), np.datetime64("2023-06-07"), dt.date(1, 1, 1),
                                   dt.date(9999, 12, 31), dt.time(10, 0), dt.timedelta(days=3)]))
numbers = st.one_of(
    st.integers(), st.integers(min_value=-2 ** 80, max_value=2 ** 80), st.floats(), st.decimals(allow_nan=False),
    st.sampled_from([2 ** 31, 2 ** 31 - 1, -2 ** 31 - 1, 2 ** 63, 10 ** 30, float("inf"), float("-inf"), -0.0, 1e308,
                     "1e400", "1.234.000", "1,5", "٣", "²", "0x10", " 12 ", "-5", "NaN", "inf", "1_000", "10" * 3000,
                     np.int64(7), np.float64(2.5), np.float64("nan"), Decimal("NaN"), Decimal("Infinity")]),
)
containers = st.one_of(
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.tuples(st.integers()), st.frozensets(st.integers(), max_size=2), st.binary(max_size=8),
    st.sampled_from([[], {}, (), ["a", None], [[1]], {"full_name": "A"}, b"\x00\xff", object()]),
)
missing = st.sampled_from([None, float("nan"), pd.NA, pd.NaT, "", "   ", "\u200b"])
BAD = st.one_of(missing, st.booleans(), numbers, texts, dates, containers)

BAD_IDS = st.one_of(
    st.integers(min_value=-2 ** 70, max_value=2 ** 70),
    st.sampled_from([0, -1, 2 ** 31, 2 ** 31 - 1, 2 ** 63, "abc", "1", " 1 ", "", "; DROP TABLE cases; --", 1.0, 1.5,
                     True, False, [1], (1,), {"id": 1}, b"1", float("nan"), float("inf"), None, Decimal("1"), pd.NA,
                     np.int64(1), "x" * 20_000, "1" * 5000]),
)
EXTRA = st.dictionaries(st.sampled_from(["id", "version", "deleted_at", "is_demo", "password_hash", "created_at",
                                         "'; DROP TABLE cases; --", "$x$", ""]), BAD, max_size=2)


def one_of_rows(con, sql: str, params=()) -> st.SearchStrategy:
    """An id of a row that exists now (drawn at the time of the call), or a bad one. The strategy's shape never
    depends on the rows (examples share the database, and Hypothesis wants the same draws in every example): a
    position, mapped to an existing id (-1 when there is none)."""
    existing = [r[0] for r in con.execute(sql, list(params)).fetchall()]
    return st.one_of(st.integers(0, 10 ** 6).map(lambda i: existing[i % len(existing)] if existing else -1), BAD_IDS)


def hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def vary(data, valid: dict, bad: st.SearchStrategy = BAD) -> dict:
    """The valid dict with up to three fields given a bad value or left out, and maybe unknown keys added."""
    out = dict(valid)
    for key in data.draw(st.lists(st.sampled_from(sorted(valid)), max_size=3, unique=True), label="changed"):
        if data.draw(st.integers(0, 5), label=f"drop {key}?") == 0:
            del out[key]
        else:
            out[key] = data.draw(bad, label=key)
    out.update(data.draw(EXTRA, label="extra keys"))
    return out


def maybe(data, valid, bad: st.SearchStrategy = BAD, label: str = "value"):
    """The valid value, or (about half the time) a bad one."""
    return data.draw(st.one_of(st.just(valid), bad), label=label)


# --- the checks after each call ---------------------------------------------------------------------------------

def counts(con) -> dict[str, int]:
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    return dict(con.execute(sql).fetchall())


def last_audit(con) -> int:
    return con.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]


REFUSED = object()


def attempt(con, call, *, writes_on_refusal: bool = False):
    """Run one write: a refusal leaves everything as it was and says so briefly; a success leaves valid rows."""
    before, last = counts(con), last_audit(con)
    try:
        result = call()
    except ValidationError as refusal:
        assert refusal.messages, "a refusal without a message"
        for message in refusal.messages:
            assert isinstance(message, str) and 0 < len(message) <= MESSAGE_LIMIT + 1, message[:500]
        if not writes_on_refusal:
            assert counts(con) == before, f"refused ({refusal.messages}) but the database changed"
        return REFUSED
    check_written(con, last)
    return result


ENUMS = {
    ("cases", "result"): set(labels.RESULTS), ("mediators", "gender"): set(labels.GENDERS),
    ("mediators", "leave_reason"): {*labels.LEAVE_REASONS, *labels.TEAM_END_REASONS, None},
    ("trainings", "status"): set(labels.TRAINING_STATUS), ("team_reviews", "status"): set(labels.REVIEW_STATUS),
    ("rates", "kind"): set(labels.RATE_KINDS), ("rates", "unit"): set(labels.RATE_UNITS),
    ("payments", "kind"): set(labels.PAYMENT_KINDS), ("payments", "status"): set(labels.PAYMENT_STATUS),
    ("nominations", "award_level"): set(labels.AWARD_LEVELS),
    ("nominations", "status"): set(labels.NOMINATION_STATUS), ("plan_tasks", "status"): set(labels.PLAN_TASK_STATUS),
    ("villages", "kind"): set(labels.VILLAGE_KINDS), ("communes", "kind"): set(labels.COMMUNE_KINDS),
    ("place_changes", "kind"): set(labels.PLACE_CHANGES), ("users", "role"): set(labels.ROLES),
    ("criteria_indicators", "formula"): set(criteria.FORMULAS),
    ("criteria_indicators", "points_rule"): set(labels.POINTS_RULES),
    ("criteria_indicators", "comparison"): {*labels.COMPARISONS, None},
    ("evidence_documents", "file_type"): set(evidence.MIME_TYPES),
}
# Codes kept in a table: (table, column) → (lookup table, its key column).
CODE_TABLES = {
    ("cases", "grounds"): ("case_grounds", "code"), ("cases", "category"): ("case_categories", "code"),
    ("evidence_documents", "kind"): ("evidence_kinds", "code"),
    ("criteria_indicators", "framework_code"): ("criteria_frameworks", "code"),
    ("criteria_manual_points", "framework_code"): ("criteria_frameworks", "code"),
}
FOREIGN_KEYS = {"team_id": "teams", "village_id": "villages", "mediator_id": "mediators", "case_id": "cases",
                "commune_id": "communes", "plan_id": "plans", "task_id": "plan_tasks", "training_id": "trainings",
                "rate_id": "rates", "payment_id": "payments", "successor_id": "villages"}
NOT_TEXT = {"before", "after"}  # the audit log's JSON


def check_written(con, since: int) -> None:
    """Every row named by the audit entries after `since` is valid."""
    entries = con.execute("SELECT table_name, row_id FROM audit_log WHERE id > ? ORDER BY id", [since]).fetchall()
    for table, row_id in entries:
        if row_id is None or table in ("settings",):
            continue
        if table == "training_attendance":
            check_links(con, "training_attendance", "training_id", row_id)
            continue
        if table == "payment_cases":
            check_links(con, "payment_cases", "payment_id", row_id)
            continue
        rel = con.execute(f"SELECT * FROM {table} WHERE id = ?", [row_id])
        found = rel.fetchone()
        if found is None:
            continue  # deleted by this write (a withdrawn nomination)
        check_row(con, table, dict(zip([d[0] for d in rel.description], found)))
        if table == "cases":
            check_links(con, "case_parties", "case_id", row_id)
            check_links(con, "case_mediators", "case_id", row_id)


def check_links(con, table: str, key: str, value: int) -> None:
    rel = con.execute(f"SELECT * FROM {table} WHERE {key} = ?", [value])
    for found in rel.fetchall():
        check_row(con, table, dict(zip([d[0] for d in rel.description], found)))


def check_row(con, table: str, row: dict) -> None:
    where = f"{table} {row.get('id')}"
    for column, value in row.items():
        if isinstance(value, str) and column not in UNCHECKED_TEXT | NOT_TEXT:
            assert len(value) <= TEXT_LIMITS.get(column, TEXT_LIMIT), (where, column, len(value))
            assert visible(value) == value, (where, column, value[:80])
            assert unicodedata.is_normalized("NFC", value), (where, column, value[:80])
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            assert DATE_MIN <= value <= DATE_MAX, (where, column, value)
        if isinstance(value, (float, Decimal)):
            assert math.isfinite(value), (where, column, value)
        if (table, column) in ENUMS:
            assert value in ENUMS[(table, column)], (where, column, value)
        if (table, column) in CODE_TABLES and value is not None:
            lookup, key = CODE_TABLES[(table, column)]
            assert con.execute(f"SELECT 1 FROM {lookup} WHERE {key} = ?", [value]).fetchone(), (where, column, value)
        if column in FOREIGN_KEYS and value is not None:
            assert con.execute(f"SELECT 1 FROM {FOREIGN_KEYS[column]} WHERE id = ?", [value]).fetchone(), \
                (where, column, value)
    if table in ("cases", "case_parties", "mediators", "villages", "teams", "users"):
        for column in ("full_name", "name"):
            if row.get(column) is not None:
                assert row[column] and row[column] == row[column].strip(), (where, column, row[column])


# --- the database: the small commune with a little of everything, shared by the module ---------------------------

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def build(con) -> SimpleNamespace:
    """The small commune (tests/conftest.py) with a training, a plan, a nomination, a fee request, a document and the
    test accounts, all through the write path."""
    people = load_commune(con, SMALL_COMMUNE, SMALL_CASES)
    dong, bac = team_id(con, "Thôn Đông"), team_id(con, "Thôn Bắc")
    training = trainings.save_training(con, {"held_on": dt.date(2023, 3, 3), "title": "Tập huấn 2023",
                                             "status": "da_to_chuc"}, actor=ACTOR)
    trainings.add_attendance(con, training, [people["a1"]], actor=ACTOR)
    plan_id = plan.save_plan(con, 2023, {"title": "Kế hoạch 2023"}, actor=ACTOR)
    task = plan.save_task(con, plan_id, {"code": "II.1", "content": "Rà soát", "lead": "Tư pháp",
                                         "deadline": dt.date(2023, 6, 30)}, actor=ACTOR)
    commendation.nominate(con, {"year": 2023, "team_id": dong, "award_level": "giay_khen_xa", "reason": "Thử",
                                "nominated_on": dt.date(2023, 11, 20)}, actor=ACTOR)
    giang = con.execute("SELECT case_id FROM case_parties WHERE full_name = 'Hoàng Văn Giang'").fetchone()[0]
    funding.file_fee_request(con, dong, [giang], dt.date(2023, 3, 1), actor=ACTOR)
    evidence.add_document(con, {"year": 2023, "kind": "ho_so_chi", "doc_no": "1/BC"}, MINIMAL_PDF, "a.pdf",
                          actor=ACTOR)
    add_accounts(con)
    return SimpleNamespace(con=con, people=people, dong=dong, bac=bac, training=training, plan=plan_id, task=task)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    con = db.create_database(tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb", demo=False)
    yield build(con)
    con.close()


@pytest.fixture()
def fresh(small_db):
    """A database of one test's own (for writes that end villages, lock years, …)."""
    con, people = small_db
    return SimpleNamespace(con=con, people=people, dong=team_id(con, "Thôn Đông"), bac=team_id(con, "Thôn Bắc"))


VERSIONS = st.one_of(st.none(), st.integers(1, 3), BAD_IDS)
TEAMS = "SELECT id FROM teams"
MEDIATORS = "SELECT id FROM mediators"


# --- cases --------------------------------------------------------------------------------------------------------

PARTY = st.fixed_dictionaries({}, optional={"full_name": st.one_of(texts, BAD), "age": st.one_of(st.integers(-5, 200),
                                                                                                    BAD),
                                            "address": st.one_of(texts, BAD)})
PARTIES = st.one_of(BAD, st.lists(st.one_of(PARTY, BAD), max_size=3))


@fuzz(90)
def test_save_case(world, data):
    con = world.con
    valid = {**a_case(world.dong, received_on=dt.date(2023, 7, 1), assigned_on=None), "agreement": None, "note": None,
             "written_record": False, "security_incident": False}
    case = vary(data, valid)
    if data.draw(st.booleans(), label="bad parties?"):
        case["parties"] = data.draw(PARTIES, label="parties")
    if data.draw(st.booleans(), label="bad mediators?"):
        case["mediator_ids"] = data.draw(st.one_of(BAD, st.lists(one_of_rows(con, MEDIATORS), max_size=3)),
                                         label="mediator_ids")
    case_id = data.draw(st.one_of(st.none(), one_of_rows(con, "SELECT id FROM cases")), label="case_id")
    version = data.draw(VERSIONS, label="expected_version")
    confirm = data.draw(st.one_of(st.booleans(), BAD), label="confirm_duplicate")
    attempt(con, lambda: cases.save_case(con, case, actor=ACTOR, case_id=case_id, expected_version=version,
                                         confirm_duplicate=confirm))


@fuzz(50)
def test_delete_and_restore_case(world, data):
    con = world.con
    case_id = data.draw(one_of_rows(con, "SELECT id FROM cases"), label="case_id")
    version = data.draw(VERSIONS, label="expected_version")
    write = data.draw(st.sampled_from([cases.delete_case, cases.restore_case]), label="write")
    attempt(con, lambda: write(con, case_id, actor=ACTOR, expected_version=version))


@fuzz(30)
def test_restore_from_the_audit_log(world, data):
    con = world.con
    entry = data.draw(one_of_rows(con, "SELECT id FROM audit_log WHERE action = 'delete'"), label="audit_id")
    attempt(con, lambda: audit.restore(con, entry, actor=ACTOR))


# --- mediators ----------------------------------------------------------------------------------------------------

@fuzz(80)
def test_save_mediator(world, data):
    con = world.con
    valid = {"team_id": world.dong, "full_name": "Người Mới", "gender": "nu", "joined_on": dt.date(2023, 1, 1),
             "birth_year": 1980, "ethnic_minority": False, "is_leader": False, "phone": "0912 345 678",
             "organisation": "Hội Phụ nữ", "role": "Chi hội trưởng", "left_on": None, "leave_reason": None,
             "leave_decision_no": None}
    person = vary(data, valid)
    mediator_id = data.draw(st.one_of(st.none(), one_of_rows(con, MEDIATORS)), label="mediator_id")
    if mediator_id is not None:  # an edit sends the details it shows
        person = {k: v for k, v in person.items() if k in mediators.DETAIL_FIELDS or k not in valid}
    version = data.draw(VERSIONS, label="expected_version")
    attempt(con, lambda: mediators.save_mediator(con, person, actor=ACTOR, mediator_id=mediator_id,
                                                 expected_version=version))


@fuzz(50)
def test_record_leaving(world, data):
    con = world.con
    mediator_id = data.draw(one_of_rows(con, "SELECT id FROM mediators WHERE NOT is_leader"), label="mediator_id")
    left_on = maybe(data, dt.date(2023, 12, 31), label="left_on")
    reason = maybe(data, "tu_nguyen", label="reason")
    decision = maybe(data, "12/QĐ-UBND", label="decision_no")
    version = data.draw(VERSIONS, label="expected_version")
    attempt(con, lambda: mediators.record_leaving(con, mediator_id, left_on=left_on, reason=reason,
                                                  decision_no=decision, actor=ACTOR, expected_version=version))


@fuzz(40)
def test_set_leader(world, data):
    con = world.con
    team = data.draw(one_of_rows(con, TEAMS), label="team_id")
    mediator_id = data.draw(one_of_rows(con, MEDIATORS), label="mediator_id")
    attempt(con, lambda: mediators.set_leader(con, team, mediator_id, actor=ACTOR))


# --- trainings ----------------------------------------------------------------------------------------------------

@fuzz(70)
def test_save_training(world, data):
    con = world.con
    valid = {"held_on": dt.date(2023, 5, 5), "title": "Tập huấn kỹ năng", "organiser": "Phòng Tư pháp",
             "cooperating": "Hội Nông dân", "hours": "4,5", "place": "Nhà văn hóa", "status": "da_to_chuc"}
    session = vary(data, valid)
    training_id = data.draw(st.one_of(st.none(), one_of_rows(con, "SELECT id FROM trainings")), label="training_id")
    version = data.draw(VERSIONS, label="expected_version")
    attempt(con, lambda: trainings.save_training(con, session, actor=ACTOR, training_id=training_id,
                                                 expected_version=version))


@fuzz(70)
def test_attendance(world, data):
    con = world.con
    training_id = data.draw(one_of_rows(con, "SELECT id FROM trainings"), label="training_id")
    people = st.one_of(BAD, st.lists(one_of_rows(con, MEDIATORS), max_size=3))
    add, remove = data.draw(people, label="add"), data.draw(people, label="remove")
    write = data.draw(st.sampled_from(["add", "remove", "update"]), label="write")
    attempt(con, {
        "add": lambda: trainings.add_attendance(con, training_id, add, actor=ACTOR),
        "remove": lambda: trainings.remove_attendance(con, training_id, remove, actor=ACTOR),
        "update": lambda: trainings.update_attendance(con, training_id, add=add, remove=remove, actor=ACTOR),
    }[write])


# --- funding ------------------------------------------------------------------------------------------------------

@fuzz(70)
def test_save_rate(world, data):
    con = world.con
    valid = {"kind": "khac", "amount": "1.000", "unit": "lan", "legal_basis": "Nghị quyết 1/2024",
             "legal_basis_date": dt.date(2024, 1, 1), "issuer": "HĐND tỉnh", "valid_from": dt.date(2024, 1, 1),
             "valid_to": None, "needs_verification": False, "note": None}
    rate = vary(data, valid)
    rate_id = data.draw(st.one_of(st.none(), one_of_rows(con, "SELECT id FROM rates")), label="rate_id")
    version = data.draw(VERSIONS, label="expected_version")
    attempt(con, lambda: funding.save_rate(con, rate, actor=ACTOR, rate_id=rate_id, expected_version=version))


@fuzz(60)
def test_save_budget(world, data):
    con = world.con
    year = maybe(data, 2024, label="year")
    valid = {"amount": 5_000_000, "document_no": "12/QĐ-UBND", "document_date": dt.date(2024, 1, 5),
             "in_commune_budget": True, "note": None}
    line = vary(data, valid)
    version = data.draw(VERSIONS, label="expected_version")
    attempt(con, lambda: funding.save_budget(con, year, line, actor=ACTOR, expected_version=version))


@fuzz(70)
def test_file_fee_request(world, data):
    con = world.con
    team = maybe(data, world.dong, one_of_rows(con, TEAMS), label="team_id")
    case_ids = data.draw(st.one_of(BAD, st.lists(one_of_rows(con, "SELECT id FROM cases"), max_size=3)),
                         label="case_ids")
    requested = maybe(data, dt.date(2024, 1, 10), label="requested_on")
    amount = data.draw(st.one_of(st.none(), st.integers(0, 10 ** 7), BAD), label="amount")
    reason, note = maybe(data, None, label="reduction_reason"), maybe(data, None, label="note")
    attempt(con, lambda: funding.file_fee_request(con, team, case_ids, requested, actor=ACTOR, amount=amount,
                                                  reduction_reason=reason, note=note))


@fuzz(70)
def test_file_support_payment(world, data):
    con = world.con
    team = maybe(data, world.bac, one_of_rows(con, TEAMS), label="team_id")
    year, month_from, month_to = maybe(data, 2024, label="year"), maybe(data, 1, label="from"), maybe(data, 2, label="to")
    requested = maybe(data, dt.date(2024, 3, 1), label="requested_on")
    amount = data.draw(st.one_of(st.none(), st.integers(0, 10 ** 7), BAD), label="amount")
    reason, note = maybe(data, "Giảm", label="reduction_reason"), maybe(data, None, label="note")
    attempt(con, lambda: funding.file_support_payment(con, team, year, month_from, month_to, requested, actor=ACTOR,
                                                      amount=amount, reduction_reason=reason, note=note))


@fuzz(70)
def test_payment_steps(world, data):
    con = world.con
    payment_id = data.draw(one_of_rows(con, "SELECT id FROM payments"), label="payment_id")
    version = data.draw(VERSIONS, label="expected_version")
    day = maybe(data, dt.date(2024, 6, 1), label="on_date")
    reason = maybe(data, "Nhầm số liệu", label="reason")
    step = data.draw(st.sampled_from(["reduce", "da_duyet", "da_chi", "huy", "bad", "cancel"]), label="step")
    if step == "reduce":
        amount = data.draw(st.one_of(st.integers(0, 10 ** 6), BAD), label="amount")
        call = lambda: funding.reduce_payment(con, payment_id, amount, reason, actor=ACTOR,  # noqa: E731
                                              expected_version=version)
    elif step == "cancel":
        call = lambda: funding.cancel_payment(con, payment_id, day, reason, actor=ACTOR,  # noqa: E731
                                              expected_version=version)
    else:
        status = data.draw(BAD, label="status") if step == "bad" else step
        call = lambda: funding.set_status(con, payment_id, status, day, actor=ACTOR,  # noqa: E731
                                          expected_version=version, reason=reason)
    attempt(con, call)


# --- commendation -------------------------------------------------------------------------------------------------

@fuzz(70)
def test_nominate(world, data):
    con = world.con
    valid = {"year": 2023, "team_id": world.bac, "mediator_id": None, "award_level": "giay_khen_xa",
             "reason": "Tổ tích cực", "nominated_on": dt.date(2023, 11, 25)}
    nomination = vary(data, valid)
    if data.draw(st.booleans(), label="a mediator?"):
        nomination["mediator_id"] = data.draw(one_of_rows(con, MEDIATORS), label="mediator_id")
    attempt(con, lambda: commendation.nominate(con, nomination, actor=ACTOR))


@fuzz(60)
def test_decide_and_withdraw(world, data):
    con = world.con
    nomination_id = data.draw(one_of_rows(con, "SELECT id FROM nominations"), label="nomination_id")
    version = data.draw(VERSIONS, label="expected_version")
    if data.draw(st.booleans(), label="withdraw?"):
        attempt(con, lambda: commendation.withdraw(con, nomination_id, actor=ACTOR, expected_version=version))
        return
    status = maybe(data, "khong_duyet", label="status")
    day = maybe(data, dt.date(2023, 12, 10), label="decided_on")
    decision, note = maybe(data, "99/QĐ-UBND", label="decision_no"), maybe(data, "Chưa đủ", label="note")
    attempt(con, lambda: commendation.decide(con, nomination_id, status, day, actor=ACTOR, decision_no=decision,
                                             note=note, expected_version=version))


@fuzz(60)
def test_save_self_assessment(world, data):
    con = world.con
    team = maybe(data, world.dong, one_of_rows(con, TEAMS), label="team_id")
    year = maybe(data, 2023, label="year")
    valid = {"submitted_on": dt.date(2023, 11, 10), "self_score": "85,5", "note": "Tự chấm"}
    assessment = vary(data, valid)
    version = data.draw(VERSIONS, label="expected_version")
    attempt(con, lambda: commendation.save_self_assessment(con, team, year, assessment, actor=ACTOR,
                                                           expected_version=version))


# --- criteria and evidence ----------------------------------------------------------------------------------------

@fuzz(60)
def test_save_indicator(world, data):
    con = world.con
    valid = {"framework_code": "kh_2023_doan_ket", "code": data.draw(st.sampled_from(["X1", "X2", "X3"])),
             "sort_order": 9, "group_name": "Khác", "wording": "Tỷ lệ hòa giải thành", "formula": "official_rate",
             "target": "0,9", "target_key": None, "max_points": 5, "points_rule": "all_or_nothing",
             "evidence_kinds": ["bao_cao_ubnd_xa"], "needs_verification": False, "source": "Kế hoạch", "note": None}
    indicator = vary(data, valid)
    indicator_id = data.draw(st.one_of(st.none(), one_of_rows(con, "SELECT id FROM criteria_indicators")),
                             label="indicator_id")
    year = data.draw(st.one_of(st.none(), st.just(2027), BAD), label="effective_year")
    version = data.draw(VERSIONS, label="expected_version")
    attempt(con, lambda: criteria.save_indicator(con, indicator, actor=ACTOR, indicator_id=indicator_id,
                                                 effective_year=year, expected_version=version))


@fuzz(40)
def test_save_manual_points(world, data):
    con = world.con
    year = data.draw(st.one_of(st.sampled_from([2023, 2024, 2026]), BAD), label="year")
    number = data.draw(st.one_of(st.sampled_from([1, 3, 5]), BAD), label="criterion_no")
    code = data.draw(st.one_of(st.none(), st.just("3.3"), BAD), label="indicator_code")
    entry = vary(data, {"points": "1,5", "note": "Theo kết quả thẩm định"})
    version = data.draw(VERSIONS, label="expected_version")
    attempt(con, lambda: criteria.save_manual_points(con, year, number, entry, actor=ACTOR, indicator_code=code,
                                                     expected_version=version))


@fuzz(30)
def test_correct_points_and_criterion(world, data):
    con = world.con
    indicator_id = data.draw(one_of_rows(con, "SELECT id FROM criteria_indicators"), label="indicator_id")
    change = vary(data, {"max_points": 2.5, "needs_verification": True, "note": "Đối chiếu"})
    version = data.draw(VERSIONS, label="expected_version")
    attempt(con, lambda: criteria.correct_points(con, indicator_id, change, actor=ACTOR, expected_version=version))
    criterion_id = data.draw(one_of_rows(con, "SELECT id FROM criteria_criteria"), label="criterion_id")
    change = vary(data, {"max_points": 20, "needs_verification": True, "name": None})
    version = data.draw(VERSIONS, label="criterion_version")
    attempt(con, lambda: criteria.save_criterion(con, criterion_id, change, actor=ACTOR, expected_version=version))


CONTENTS = st.one_of(
    st.builds(lambda tail: MINIMAL_PDF + b"% " + tail + b"\n", st.binary(max_size=12)),
    st.binary(max_size=64),
    st.sampled_from([b"", b"%PDF-", b"%PDF-1.7\n/JavaScript", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff",
                     b"PK\x03\x04garbage", evidence.OLE_MAGIC + "WordDocument".encode("utf-16-le"), b"MZ\x90",
                     bytearray(MINIMAL_PDF), memoryview(MINIMAL_PDF)]),
    BAD,
)


@fuzz(60)
def test_add_and_update_document(world, data):
    con = world.con
    valid = {"year": 2023, "village_id": None, "kind": "bao_cao_ubnd_xa", "doc_no": "5/BC-UBND",
             "doc_date": dt.date(2023, 12, 20), "note": None}
    document = vary(data, valid)
    content = data.draw(CONTENTS, label="content")
    name = data.draw(st.one_of(st.just("báo cáo.pdf"), texts, BAD), label="file_name")
    if data.draw(st.booleans(), label="update?"):
        doc_id = data.draw(one_of_rows(con, "SELECT id FROM evidence_documents"), label="doc_id")
        version = data.draw(VERSIONS, label="expected_version")
        content = data.draw(st.one_of(st.none(), st.just(content)), label="new content")
        attempt(con, lambda: evidence.update_document(con, doc_id, document, actor=ACTOR, expected_version=version,
                                                      content=content, file_name=name))
    else:
        attempt(con, lambda: evidence.add_document(con, document, content, name, actor=ACTOR))


@fuzz(40)
def test_delete_and_restore_document(world, data):
    con = world.con
    doc_id = data.draw(one_of_rows(con, "SELECT id FROM evidence_documents"), label="doc_id")
    version = data.draw(VERSIONS, label="expected_version")
    write = data.draw(st.sampled_from([evidence.delete_document, evidence.restore_document]), label="write")
    attempt(con, lambda: write(con, doc_id, actor=ACTOR, expected_version=version))


# --- plan ---------------------------------------------------------------------------------------------------------

@fuzz(50)
def test_save_plan(world, data):
    con = world.con
    year = maybe(data, data.draw(st.integers(2024, 2030), label="a year"), label="year")
    valid = {"number": "15/KH-UBND", "title": "Kế hoạch công tác hòa giải", "issued_on": dt.date(2024, 1, 15),
             "signer": "Nguyễn Văn A"}
    header = vary(data, valid)
    version = data.draw(VERSIONS, label="expected_version")
    attempt(con, lambda: plan.save_plan(con, year, header, actor=ACTOR, expected_version=version))


@fuzz(60)
def test_save_task(world, data):
    con = world.con
    plan_id = maybe(data, world.plan, one_of_rows(con, "SELECT id FROM plans"), label="plan_id")
    valid = {"code": data.draw(st.sampled_from(["II.2", "II.3", "III.1"])), "title": "Tập huấn",
             "content": "Tổ chức tập huấn", "lead": "Tư pháp", "partners": "Mặt trận", "deadline": dt.date(2023, 9, 30),
             "status": "dang_thuc_hien", "completion_note": None, "evidence_ref": None}
    task = vary(data, valid)
    task_id = data.draw(st.one_of(st.none(), one_of_rows(con, "SELECT id FROM plan_tasks")), label="task_id")
    version = data.draw(VERSIONS, label="expected_version")
    attempt(con, lambda: plan.save_task(con, plan_id, task, actor=ACTOR, task_id=task_id, expected_version=version))


@fuzz(50)
def test_add_note_and_copy_plan(world, data):
    con = world.con
    if data.draw(st.booleans(), label="copy?"):
        years = st.one_of(st.integers(2020, 2035), BAD)
        source, target = data.draw(years, label="from_year"), data.draw(years, label="to_year")
        attempt(con, lambda: plan.copy_plan_forward(con, source, target, actor=ACTOR))
        return
    task = maybe(data, world.task, one_of_rows(con, "SELECT id FROM plan_tasks"), label="task_id")
    day, note = maybe(data, dt.date(2023, 5, 1), label="noted_on"), maybe(data, "Đã họp", label="note")
    attempt(con, lambda: plan.add_note(con, task, day, note, actor=ACTOR))


# --- places -------------------------------------------------------------------------------------------------------

@fuzz(60)
def test_villages_and_teams(world, data):
    con = world.con
    commune = con.execute("SELECT min(id) FROM communes").fetchone()[0]
    write = data.draw(st.sampled_from(["add_village", "save_village", "save_team", "save_commune"]), label="write")
    version = data.draw(VERSIONS, label="expected_version")
    if write == "add_village":
        village = vary(data, {"commune_id": commune, "name": data.draw(texts, label="name"), "kind": "thon",
                              "ethnic_area": False, "valid_from": dt.date(2024, 1, 1)})
        team = data.draw(st.one_of(st.none(), st.fixed_dictionaries(
            {}, optional={k: BAD for k in ("name", "decision_no", "decision_date", "valid_from")}),
            st.just({"name": "Tổ hòa giải mới", "decision_no": "1/QĐ", "decision_date": dt.date(2024, 1, 1)})),
            label="team")
        attempt(con, lambda: places.add_village(con, village, team, actor=ACTOR))
    elif write == "save_village":
        village = vary(data, {"commune_id": commune, "name": "Thôn Đông", "kind": "thon", "ethnic_area": True})
        village_id = data.draw(st.one_of(st.none(), one_of_rows(con, "SELECT id FROM villages")), label="village_id")
        attempt(con, lambda: places.save_village(con, village, actor=ACTOR, village_id=village_id,
                                                 expected_version=version))
    elif write == "save_team":
        team = vary(data, {"village_id": data.draw(one_of_rows(con, "SELECT id FROM villages")), "name": "Tổ hai",
                           "decision_no": "2/QĐ", "decision_date": dt.date(2024, 2, 1)})
        team_id_ = data.draw(st.one_of(st.none(), one_of_rows(con, TEAMS)), label="team_id")
        attempt(con, lambda: places.save_team(con, team, actor=ACTOR, team_id=team_id_, expected_version=version))
    else:
        commune_data = vary(data, {"name": "Xã Thử Nghiệm", "district": None, "province": "Tỉnh Hải Dương",
                                   "kind": "xa"})
        commune_id = data.draw(st.one_of(st.none(), one_of_rows(con, "SELECT id FROM communes")), label="commune_id")
        attempt(con, lambda: places.save_commune(con, commune_data, actor=ACTOR, commune_id=commune_id,
                                                 expected_version=version))


DECISIONS = st.one_of(st.none(), BAD, st.fixed_dictionaries(
    {}, optional={"decision_no": st.one_of(st.just("5/QĐ-UBND"), BAD), "decision_date": st.one_of(st.just(
        dt.date(2024, 6, 1)), BAD), "note": st.one_of(texts, BAD)}))


@fuzz(40)
def test_end_merge_split_dissolve(fresh, data):
    con = fresh.con
    villages = one_of_rows(con, "SELECT id FROM villages")
    day = maybe(data, dt.date(2024, 7, 1), label="on")
    decision = data.draw(DECISIONS, label="decision")
    write = data.draw(st.sampled_from(["end_team", "merge", "split", "dissolve"]), label="write")
    if write == "end_team":
        team = data.draw(one_of_rows(con, TEAMS), label="team_id")
        number = maybe(data, "3/QĐ", label="decision_no")
        version = data.draw(VERSIONS, label="expected_version")
        call = lambda: places.end_team(con, team, day, decision_no=number, actor=ACTOR,  # noqa: E731
                                       expected_version=version)
    elif write == "merge":
        ids = data.draw(st.one_of(BAD, st.lists(villages, max_size=3)), label="village_ids")
        into = data.draw(st.one_of(st.none(), villages), label="into")
        new_village = data.draw(st.one_of(st.none(), BAD, st.fixed_dictionaries(
            {"name": st.one_of(texts, BAD)}, optional={"kind": BAD, "ethnic_area": BAD})), label="new_village")
        new_team = data.draw(st.one_of(st.none(), BAD, st.fixed_dictionaries({"name": st.one_of(texts, BAD)})),
                             label="new_team")
        call = lambda: places.merge_villages(con, ids, into=into, new_village=new_village,  # noqa: E731
                                             new_team=new_team, on=day, decision=decision, actor=ACTOR)
    elif write == "split":
        village = data.draw(villages, label="village_id")
        part = st.fixed_dictionaries({"name": st.one_of(texts, BAD)},
                                     optional={"kind": BAD, "ethnic_area": BAD, "team_name": st.one_of(texts, BAD)})
        parts = data.draw(st.one_of(BAD, st.lists(st.one_of(part, BAD), max_size=3),
                                    st.just([{"name": "Thôn Đông Nam"}, {"name": "Thôn Đông Tây"}])), label="parts")
        assignments = data.draw(st.one_of(st.none(), BAD, st.dictionaries(
            st.one_of(one_of_rows(con, MEDIATORS), BAD_IDS), st.one_of(st.integers(-1, 3), BAD_IDS), max_size=2)),
            label="assignments")
        call = lambda: places.split_village(con, village, parts, on=day, decision=decision,  # noqa: E731
                                            assignments=assignments, actor=ACTOR)
    else:
        village = data.draw(villages, label="village_id")
        call = lambda: places.dissolve_village(con, village, on=day, decision=decision, actor=ACTOR)  # noqa: E731
    attempt(con, call)


# --- scores and reviews -------------------------------------------------------------------------------------------

SETTINGS_KEYS = [(table, code) for table, (_, codes) in scores.MODEL_TABLES.items() for code in codes]


@fuzz(60)
def test_save_model(world, data):
    con = world.con
    year = maybe(data, 2026, label="year")
    keys = st.one_of(st.sampled_from(SETTINGS_KEYS), st.tuples(texts, texts), BAD.filter(hashable))  # dict keys
    changes = data.draw(st.one_of(
        st.dictionaries(keys, st.one_of(st.floats(-1, 120), st.sampled_from(["0,8", "37,5", "100"]), BAD), max_size=3),
        st.just({("score_bands", "trung_binh"): 40}), BAD), label="changes")
    stamp = data.draw(st.one_of(st.none(), st.just(scores.model_stamp(con, 2026)), BAD), label="expected_stamp")
    attempt(con, lambda: scores.save_model(con, year, changes, actor=ACTOR, expected_stamp=stamp))


@fuzz(60)
def test_save_review(world, data):
    con = world.con
    team = maybe(data, world.dong, one_of_rows(con, TEAMS), label="team_id")
    year = maybe(data, 2023, label="year")
    valid = {"assessment": "Tổ hoạt động tốt", "propose_add": True, "propose_replace": False, "propose_leader": False,
             "proposal_note": "Bổ sung một nữ", "status": "da_ra_soat"}
    review = vary(data, valid)
    version = data.draw(VERSIONS, label="expected_version")
    attempt(con, lambda: reviews.save_review(con, team, year, review, actor=ACTOR, expected_version=version))


# --- users and locks (db/users/__init__.py, db/core/locks.py) -------------------------------------------------------------------

@fuzz(30)
def test_accounts(world, data):
    con = world.con
    write = data.draw(st.sampled_from(["add_user", "update_user", "set_password", "sign_in", "save_setting"]),
                      label="write")
    password = maybe(data, "matkhau-moi-123", texts, label="password")
    if write == "add_user":
        account = vary(data, {"login": data.draw(st.sampled_from(["moi1", "moi2", "Mới"])), "full_name": "Người Mới",
                              "role": "lanh_dao", "village_id": None, "is_admin": False})
        attempt(con, lambda: users.add_user(con, account, password, actor=ACTOR))
    elif write == "update_user":
        user_id = data.draw(one_of_rows(con, "SELECT id FROM users"), label="user_id")
        account = vary(data, {"full_name": "Lãnh Đạo", "role": "lanh_dao", "village_id": None, "is_admin": False,
                              "active": True})
        version = data.draw(VERSIONS, label="expected_version")
        attempt(con, lambda: users.update_user(con, user_id, account, actor=ACTOR, expected_version=version))
    elif write == "set_password":
        login = maybe(data, "lanhdao", texts, label="login")
        attempt(con, lambda: users.set_password(con, login, password, actor=ACTOR))
    elif write == "sign_in":
        login = maybe(data, "trinhchieu", texts, label="login")
        attempt(con, lambda: users.sign_in(con, login, password), writes_on_refusal=True)
    else:
        key = maybe(data, "session_minutes", st.sampled_from(["to_truong_nhap_vu_viec", "khong_co", ""]), label="key")
        value = maybe(data, "60", st.one_of(texts, st.sampled_from(["co", "khong", "5", "480", "481", "٥٠"])),
                      label="value")
        attempt(con, lambda: users.save_setting(con, key, value, actor=ACTOR))


@fuzz(40)
def test_lock_and_unlock(fresh, data):
    con = fresh.con
    year = maybe(data, 2023, st.integers(1900, 2200), label="year")
    reason = maybe(data, "Đã gửi báo cáo", texts, label="reason")
    write = data.draw(st.sampled_from([locks.lock_year, locks.unlock_year]), label="write")
    attempt(con, lambda: write(con, year, reason, actor=ACTOR))


# --- targeted: long texts and invisible characters ------------------------------------------------------------------

TEN_MB = "Đ" * (10 * 1024 * 1024)


def long_text_writes(w: SimpleNamespace) -> dict[str, tuple[str, object]]:
    """For each kind of text limit: the field's label and a write putting TEN_MB into it."""
    con = w.con
    person = {"team_id": w.dong, "full_name": "Người Mới", "gender": "nu", "joined_on": dt.date(2023, 1, 1)}
    return {
        "name (100)": ("Họ và tên", lambda: mediators.save_mediator(con, {**person, "full_name": TEN_MB}, actor=ACTOR)),
        "phone (20)": ("Điện thoại", lambda: mediators.save_mediator(con, {**person, "phone": TEN_MB}, actor=ACTOR)),
        "party name": ("Họ và tên", lambda: cases.save_case(
            con, a_case(w.dong, parties=[{"full_name": TEN_MB, "age": 40}]), actor=ACTOR)),
        "long text (4000)": ("Nội dung", lambda: cases.save_case(con, a_case(w.dong, summary=TEN_MB), actor=ACTOR)),
        "title (300)": ("Tiêu đề", lambda: trainings.save_training(
            con, {"held_on": dt.date(2023, 5, 5), "title": TEN_MB}, actor=ACTOR)),
        "other text (300)": ("Chủ trì", lambda: plan.save_task(
            con, w.plan, {"code": "IV.1", "content": "Việc", "lead": TEN_MB, "deadline": dt.date(2023, 9, 1)},
            actor=ACTOR)),
    }


@pytest.fixture(scope="module")
def long_world(tmp_path_factory):
    con = db.create_database(tmp_path_factory.mktemp("long") / "long.duckdb", demo=False)
    yield build(con)
    con.close()


@pytest.mark.parametrize("kind", ["name (100)", "phone (20)", "party name", "long text (4000)", "title (300)",
                                  "other text (300)"])
def test_a_10_mb_text_is_refused_by_its_field_in_a_short_message(long_world, kind):
    con = long_world.con
    label, write = long_text_writes(long_world)[kind]
    before = counts(con)
    with pytest.raises(ValidationError) as refused:
        write()
    assert counts(con) == before
    assert any(label in m and "tối đa" in m for m in refused.value.messages), refused.value.messages
    assert all(len(m) <= MESSAGE_LIMIT + 1 for m in refused.value.messages)
    assert len(str(refused.value)) < 2000


def test_invisible_characters_never_reach_a_name(small_db):
    con, _ = small_db
    dong = team_id(con, "Thôn Đông")
    typed = "\u202eNguyễn\u200b Văn\x00 An\ufeff"
    mediator = mediators.save_mediator(con, {"team_id": dong, "full_name": typed, "gender": "nam",
                                             "joined_on": dt.date(2023, 1, 1), "phone": "0912\u200b345\x00678"},
                                       actor=ACTOR)
    assert con.execute("SELECT full_name, phone FROM mediators WHERE id = ?", [mediator]).fetchone() == \
        ("Nguyễn Văn An", "0912345678")
    case = cases.save_case(con, a_case(dong, parties=[{"full_name": typed, "age": 30, "address": "Xóm\u202e 2"}]),
                           actor=ACTOR)
    assert con.execute("SELECT full_name, address FROM case_parties WHERE case_id = ?", [case]).fetchone() == \
        ("Nguyễn Văn An", "Xóm 2")
    commune = con.execute("SELECT min(id) FROM communes").fetchone()[0]
    village, _ = places.add_village(con, {"commune_id": commune, "name": "Thôn\u200b Mới\u202e"},
                                    {"name": "Tổ\x00 hòa giải\u2066 thôn Mới"}, actor=ACTOR)
    assert con.execute("SELECT v.name, t.name FROM villages v JOIN teams t ON t.village_id = v.id WHERE v.id = ?",
                       [village]).fetchone() == ("Thôn Mới", "Tổ hòa giải thôn Mới")
