"""Presentation mode (trinh_chieu=1): read-only pages and no personal data of the parties on screen."""
from __future__ import annotations

import pandas as pd
import pytest

import db
from conftest import open_page

# Every page of the app: none may show a party's name, age or address in presentation mode.
PAGES = ["pages/overview.py", "pages/cases.py", "pages/plan.py", "pages/teams.py", "pages/mediators.py",
         "pages/trainings.py", "pages/funding.py", "pages/rates.py", "pages/criteria.py", "pages/evidence.py",
         "pages/quality.py", "pages/commendation.py", "pages/score_settings.py"]


def rendered_text(at) -> str:
    """All text the page rendered: every element's value, label and options, and every table cell."""
    parts: list[str] = []

    def walk(node) -> None:
        for attr in ("value", "label", "options", "body", "help", "placeholder", "caption"):
            try:
                value = getattr(node, attr)
            except Exception:  # not every element has every attribute
                continue
            if isinstance(value, pd.DataFrame):
                parts.append(value.astype(str).to_string())
            elif isinstance(value, (list, tuple)):
                parts.extend(str(v) for v in value)
            elif value is not None and not callable(value):
                parts.append(str(value))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


@pytest.fixture()
def parties(demo_path):
    con = db.connect(demo_path)
    rows = con.execute("SELECT DISTINCT full_name, address FROM case_parties").fetchall()
    con.close()
    return rows


@pytest.mark.parametrize("page", PAGES)
def test_no_party_data_in_presentation_mode(app, parties, page):
    at = open_page(app, page, nam=2023, trinh_chieu=1)
    text = rendered_text(at)
    assert at.title  # the page rendered
    leaked = sorted({name for name, _ in parties if name in text})
    assert not leaked, f"{page} shows parties' names in presentation mode: {leaked[:5]}"
    addresses = sorted({address for _, address in parties if address and address in text})
    assert not addresses, f"{page} shows parties' addresses: {addresses[:5]}"
    assert not [b for b in at.button if b.label.startswith(("Lưu", "Xóa", "Khôi phục", "Lập", "Duyệt"))]
    assert not at.text_area  # no entry forms on the meeting screen


def test_cases_in_presentation_mode_show_initials(app, parties):
    at = open_page(app, "pages/cases.py", nam=2023, trinh_chieu=1)
    table = at.dataframe[0].value
    first = table["parties"].iloc[0]
    assert all(part.strip().endswith(".") for part in first.split(";"))  # e.g. "N.V.A.; T.T.B."


def test_normal_mode_still_shows_names(app, parties):
    """The check above can fail: outside presentation mode the register does show the parties."""
    at = open_page(app, "pages/cases.py", nam=2023)
    assert any(name in rendered_text(at) for name, _ in parties)


def test_presentation_mode_is_kept_in_the_url(app):
    at = open_page(app, "pages/overview.py", trinh_chieu=1)
    assert at.session_state["present"] is True
    assert at.query_params["trinh_chieu"] == "1"
