"""One way to build test databases: the app's own schema and seeds, on real temporary DuckDB files.

No mocks of the database (STYLE.md). The demo file is built once per test session and copied.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The record of database paths the app has known (db/core/connection.py) goes to a folder of this run, not ~/.hoagiai.
os.environ["HOAGIAI_STATE"] = tempfile.mkdtemp(prefix="hoagiai-state-")

import db  # noqa: E402
from db.tools.seed import load_commune  # noqa: E402

ACTOR = "kiểm thử"

# A tiny commune whose figures are computed by hand in the tests.
SMALL_COMMUNE = {
    "commune": {"name": "Xã Thử Nghiệm", "district": None, "province": "Tỉnh Hải Dương"},
    "villages": [
        {"key": "a", "name": "Thôn Đông", "ethnic_area": False,
         "team": {"name": "Tổ hòa giải thôn Đông"},
         "mediators": [
             {"key": "a1", "full_name": "Lê Thị Hoa", "gender": "nu", "birth_year": 1970, "is_leader": True,
              "joined_on": "2018-01-01"},
             {"key": "a2", "full_name": "Trần Văn Bình", "gender": "nam", "birth_year": 1965, "joined_on": "2018-01-01"},
             {"key": "a3", "full_name": "Phạm Văn Cường", "gender": "nam", "birth_year": 1960,
              "joined_on": "2018-01-01", "left_on": "2022-06-30"},
         ]},
        {"key": "b", "name": "Thôn Bắc", "ethnic_area": False,
         "team": {"name": "Tổ hòa giải thôn Bắc"},
         "mediators": [
             {"key": "b1", "full_name": "Ánh Văn Dũng", "gender": "nam", "birth_year": 1972, "is_leader": True,
              "joined_on": "2019-01-01"},
         ]},
    ],
    "trainings": [],
}


def small_case(village_key: str, received: str, result: str, concluded: str | None, name: str, **extra) -> dict:
    return {
        "village_key": village_key, "received_on": received, "grounds": "yeu_cau", "category": "dat_dai",
        "summary": f"Tranh chấp của {name}", "result": result, "concluded_on": concluded,
        "mediators": [], "parties": [{"full_name": name, "age": 40, "address": "Xóm 1"},
                                     {"full_name": "Hàng Xóm", "age": 50, "address": "Xóm 1"}],
        **extra,
    }


# 2022: village a — 1 thành, 1 open at 31/12 (concluded thành on 10/01/2023); village b — 1 không thành.
# 2023: village a — 2 thành, 1 không thành, 1 ngoài phạm vi, 1 đang; village b — 1 thành.
SMALL_CASES = [
    small_case("a", "2022-03-01", "thanh", "2022-03-20", "Nguyễn Văn An"),
    small_case("a", "2022-12-20", "thanh", "2023-01-10", "Đỗ Thị Đào"),
    small_case("b", "2022-05-01", "khong_thanh", "2022-05-30", "Vũ Văn Em"),
    small_case("a", "2023-02-01", "thanh", "2023-02-15", "Hoàng Văn Giang"),
    small_case("a", "2023-03-01", "thanh", "2023-03-15", "Bùi Thị Hạnh"),
    small_case("a", "2023-04-01", "khong_thanh", "2023-04-30", "Đặng Văn Khoa"),
    small_case("a", "2023-05-01", "ngoai_pham_vi", "2023-05-03", "Mai Văn Long"),
    small_case("a", "2023-12-01", "dang_hoa_giai", None, "Lý Thị Mơ"),
    small_case("b", "2023-06-01", "thanh", "2023-06-20", "Ngô Văn Nam"),
]


@pytest.fixture()
def empty_db(tmp_path):
    """Schema and reference lists, no commune."""
    path = tmp_path / "empty.duckdb"
    con = db.create_database(path, demo=False)
    yield con
    con.close()


# The targets of the Đoàn Kết 2023 plan (seeds/demo/plan_2023.json): a year is judged only against its own plan.
PLAN_TARGETS = {"success_rate_min": 0.90, "success_rate_max": 0.95, "history_rate_min": 0.80, "history_rate_max": 0.90,
                "trained_share": 1.00, "security_incidents_max": 0}


def add_plan(con, year: int, **targets) -> int:
    """A plan for the year with the 2023 plan's targets (changed by keyword, None to leave one out)."""
    from db import plan
    return plan.save_plan(con, year, {"title": f"Kế hoạch hòa giải năm {year}", "targets": {**PLAN_TARGETS, **targets}},
                          actor=ACTOR)


@pytest.fixture()
def small_db(empty_db):
    """The hand-computable commune above; returns (connection, mediator ids by key)."""
    ids = load_commune(empty_db, SMALL_COMMUNE, SMALL_CASES)
    return empty_db, ids


# The accounts every test database has (as `python -m db user add` makes them): login → (role, village name).
PASSWORD = "matkhau123"
ACCOUNTS = {"tuphap": ("can_bo_tu_phap", None), "lanhdao": ("lanh_dao", None),
            "totruong": ("to_truong", "Thôn Đông Hòa"), "trinhchieu": ("trinh_chieu", None)}


def add_accounts(con, accounts: dict = ACCOUNTS) -> None:
    """The test accounts (the first, «tuphap», is the administrator); a tổ trưởng only where their village exists."""
    from db import users
    for login, (role, village) in accounts.items():
        village_id = None
        if village:
            found = con.execute("SELECT id FROM villages WHERE name = ?", [village]).fetchone()
            if not found:
                continue
            village_id = found[0]
        users.add_user(con, {"login": login, "role": role, "village_id": village_id}, PASSWORD, actor=ACTOR)


def session_of(con, login: str) -> dict:
    """What the sign-in step puts in st.session_state["user"] for this account (CONTRACT.md)."""
    role, village = con.execute("SELECT role, village_id FROM users WHERE login = ?", [login]).fetchone()
    return {"login": login, "role": role, "village_id": village}


def signed_in(at: AppTest, login: str = "tuphap") -> AppTest:
    """An AppTest signed in as this account of the app's database, as tests may do (CONTRACT.md «Signed-in
    session»)."""
    at.session_state["user"] = session_of(app_connection(), login)
    return at


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = db.create_database(path, demo=True)
    add_accounts(con)
    con.close()
    return path


@pytest.fixture()
def demo_path(demo_file, tmp_path) -> Path:
    """A fresh copy of the demo database for one test."""
    path = tmp_path / "hoagiai.duckdb"
    shutil.copy(demo_file, path)
    return path


@pytest.fixture()
def app(demo_path, monkeypatch):
    """The app on a fresh copy of the demo database; caches cleared so no connection leaks between tests."""
    monkeypatch.setenv("HOAGIAI_DB", str(demo_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = {"login": "tuphap", "role": "can_bo_tu_phap", "village_id": None}  # signed in
    yield at
    st.cache_resource.clear()


def empty_app_file(path: Path) -> Path:
    """`python -m db init --empty` plus the test accounts: an officer can open it."""
    con = db.create_database(path, demo=False)
    add_accounts(con)
    con.close()
    return path


def new_app(login: str = "tuphap") -> AppTest:
    """Another browser session on the same app (HOAGIAI_DB as set by the `app` fixture), signed in as login."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    return signed_in(at, login)


@pytest.fixture()
def demo_db(demo_path):
    con = db.connect(demo_path)
    yield con
    con.close()


def team_id(con, village_name: str) -> int:
    return con.execute(
        "SELECT t.id FROM teams t JOIN villages v ON v.id = t.village_id WHERE v.name = ?", [village_name]
    ).fetchone()[0]


def a_case(team: int, **changes) -> dict:
    """A valid new case for the form-level tests."""
    data = {
        "team_id": team, "received_on": dt.date(2023, 7, 1), "grounds": "yeu_cau", "category": "lang_gieng",
        "summary": "Tranh chấp lối đi chung", "result": "dang_hoa_giai", "concluded_on": None,
        "assigned_on": dt.date(2023, 7, 2), "parties": [{"full_name": "Trịnh Văn Phúc", "age": 45, "address": "Xóm 2"}],
        "mediator_ids": [],
    }
    data.update(changes)
    return data


# --- page tests (AppTest) -------------------------------------------------------------------------

def open_page(at: AppTest, page: str, **params) -> AppTest:
    """Run the app with URL parameters (nam, thon, ...), switch to a page, and check it ran cleanly."""
    for key, value in params.items():
        at.query_params[key] = str(value)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def app_connection():
    """The app's own cached connection (it holds the file): tests read the database through it."""
    from pages.common import connection
    return connection()


def typed(day: dt.date) -> str:
    """A date as the officer types it into a date field (pages.common.date_field): dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def edit_key(at: AppTest, name: str) -> str:
    """The key of the edit form `name` as this session opened it (pages.common.Editing: the key holds no version,
    only a number of the session's own, new after each of its saves)."""
    return f"{name}_{at.session_state['_opened'][name]['n']}"


def page_bytes(at: AppTest) -> bytes:
    """Everything the page sends to the browser, as bytes: every element's message, table data included (hidden
    columns too), so a name that is anywhere in the page is found."""
    found, todo = [], [at._tree]
    while todo:
        node = todo.pop()
        if getattr(node, "proto", None) is not None:
            found.append(node.proto.SerializeToString())
        children = getattr(node, "children", None) or {}
        todo.extend(children.values() if isinstance(children, dict) else children)
    return b"".join(found)


def a_pdf(title: str = "Báo cáo") -> bytes:
    """A real one-page PDF (pypdf), distinct bytes per title: what an officer uploads as evidence."""
    import io

    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
