"""Every page on a generated province (90 communes, 2,500 villages whose names repeat across communes, 50,000 cases)
through AppTest, at the province, a commune and a village: no exception, no error box, and the place filter kept in
the URL (issue 15). Outside CI, HOAGIAI_SCALE=national runs the same on the national file (1,5 M cases: minutes)."""
from __future__ import annotations

import os

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conftest import ROOT, add_accounts, app_connection
from db import connect
from db.tools import synth

SCALE = os.environ.get("HOAGIAI_SCALE", "province")
PAGES = ["overview", "cases", "plan", "teams", "mediators", "trainings", "funding", "criteria", "evidence", "quality",
         "commendation", "setup", "locks", "rates", "score_settings", "audit", "users", "backups"]
YEAR = 2025


@pytest.fixture(scope="module")
def scale_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("scale") / f"{SCALE}.duckdb"
    synth.generate(path, SCALE, 2023)
    con = connect(path)
    add_accounts(con)
    con.close()
    return path


@pytest.fixture(scope="module")
def places(scale_file):
    """A commune of the file whose village name is shared with another commune, and that village."""
    con = duckdb.connect(str(scale_file), read_only=True)
    row = con.execute(
        """
        SELECT k.id, k.province, v.id FROM villages v JOIN communes k ON k.id = v.commune_id
        WHERE v.valid_to IS NULL AND v.name IN (SELECT name FROM villages GROUP BY name HAVING count(*) > 1)
        ORDER BY v.id LIMIT 1
        """).fetchone()
    con.close()
    return {"province": row[1], "commune": row[0], "village": row[2]}


def run(path, page: str, **params) -> AppTest:
    os.environ["HOAGIAI_DB"] = str(path)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    at.session_state["user"] = {"login": "tuphap", "role": "can_bo_tu_phap", "village_id": None}
    for key, value in params.items():
        at.query_params[key] = str(value)
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    return at


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    monkeypatch.setenv("HOAGIAI_DB", os.environ.get("HOAGIAI_DB", ""))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_at_every_level_of_the_place(scale_file, places, page):
    for params in ({}, {"xa": places["commune"]}, {"thon": places["village"]}):
        at = run(scale_file, page, nam=YEAR, **params)
        assert not at.exception, (page, params, [e.value for e in at.exception])
        assert not [e.value for e in at.error if "lỗi ngoài dự kiến" in e.value], (page, params)  # the app's own box
        if params:  # a link naming a village opens its commune and province too
            assert at.session_state["xa"] == places["commune"]
            assert at.session_state["tinh"] == places["province"]
            assert at.query_params["xa"] == str(places["commune"])
        if "thon" in params:
            assert at.session_state["thon"] == places["village"]


@pytest.mark.parametrize("page, field", [("cases", "new_case_0_team"), ("mediators", "new_mediator_0_team")])
def test_an_entry_form_offers_the_teams_of_the_chosen_commune_only(scale_file, places, page, field):
    """A province's thousands of teams are never one select box: with no commune chosen the form asks for one; with a
    commune, it lists that commune's teams (of every village: the officer may enter another village's record)."""
    at = run(scale_file, page, nam=YEAR)
    assert not [box for box in at.selectbox if box.key == field]
    assert any("chọn một xã ở thanh bên" in box.value for box in at.info)
    at = run(scale_file, page, nam=YEAR, thon=places["village"])
    offered = next(box for box in at.selectbox if box.key == field).options
    names = app_connection().cursor().execute(
        """SELECT count(*) FROM teams t JOIN villages v ON v.id = t.village_id
           WHERE v.commune_id = ? AND coalesce(t.valid_to, DATE '9999-12-31') >= make_date(?, 1, 1)
             AND coalesce(t.valid_from, DATE '1900-01-01') <= make_date(?, 12, 31)""",
        [places["commune"], YEAR, YEAR]).fetchone()[0]
    assert 1 < len(offered) == names


@pytest.mark.parametrize("page, shown_for_a_commune", [("quality", "Chi tiết điểm của một tổ"),
                                                        ("commendation", "Lịch khen thưởng năm"),
                                                        ("teams", "Thành phần theo Điều 12")])
def test_a_communes_lists_wait_for_a_commune(scale_file, places, page, shown_for_a_commune):
    """The province sees the figures; a team's detail, the review list, the candidates and the calendar are a
    commune's (a choice among a province's thousands of teams is no choice)."""
    at = run(scale_file, page, nam=YEAR)
    assert any("Chọn một xã ở thanh bên" in box.value for box in at.info)
    assert not [h for h in at.subheader if shown_for_a_commune in h.value]
    at = run(scale_file, page, nam=YEAR, xa=places["commune"])
    assert not at.exception
    assert [h for h in at.subheader if shown_for_a_commune in h.value]
    assert not any("Chọn một xã ở thanh bên" in box.value for box in at.info)
