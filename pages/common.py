"""What every page shares: the cached connection, the global filters, formatting helpers."""
from __future__ import annotations

import datetime as dt

import streamlit as st

import db
from db import places
from db.writes import ValidationError
from db.labels import ALL_VILLAGES

ACTOR = "Công chức Tư pháp – Hộ tịch"


@st.cache_resource(show_spinner=False)
def _open(path: str):
    return db.open_database(path)


def connection():
    """One DuckDB connection per process and file; each db/ call takes its own cursor."""
    try:
        return _open(db.db_path())
    except db.DatabaseLocked as exc:
        st.error(str(exc), icon=":material/lock:")
        st.stop()


# Presentation mode (trinh_chieu=1): larger type for a projector (the page menu stays usable).
PRESENTATION_CSS = "<style>html { font-size: 21px; }</style>"


def presenting() -> bool:
    """Presentation mode: read-only pages, personal data of the parties masked (issue: leadership screen)."""
    return bool(st.session_state.get("present"))


def chart_font() -> int:
    """Axis and label size of the Altair charts: larger on the meeting screen."""
    return 20 if presenting() else 14


def filters() -> tuple[int, int | None]:
    """The sidebar's (year, village id or None for all villages), set by app.py."""
    return st.session_state["nam"], st.session_state["thon"] or None


def village_name(con, village_id: int | None) -> str:
    if village_id is None:
        return ALL_VILLAGES
    names = places.villages(con).set_index("id")["name"]
    return names.get(village_id, ALL_VILLAGES)


def show_errors(exc: ValidationError) -> None:
    """A refused write: every Vietnamese message of the write path, nothing was saved."""
    st.error("Chưa lưu được vì:\n" + "\n".join(f"- {m}" for m in exc.messages), icon=":material/error:")


def actor() -> str:
    return st.session_state.get("actor", ACTOR)


def fmt_date(day) -> str:
    if day is None or day != day:  # None or NaT
        return ""
    return day.strftime("%d/%m/%Y")


def fmt_pct(value) -> str:
    if value is None or value != value:
        return "không áp dụng"
    return f"{value * 100:.1f}%".replace(".", ",")


def fmt_int(value) -> str:
    return f"{int(value):,}".replace(",", ".")


def go_to(year: int | None = None, village_id: int | None = -1) -> None:
    """Ask app.py to move the global filters on the next run (a widget's value can't change mid-run)."""
    st.session_state["_goto"] = {"nam": year, "thon": village_id}


def view_params(**extra) -> dict[str, str]:
    """The URL parameters of the current view (CONTRACT.md: nam, thon, trinh_chieu) plus a page's own,
    for links that open another page on the same year, village and mode."""
    year, village_id = filters()
    params = {"nam": str(year)}
    if village_id is not None:
        params["thon"] = str(village_id)
    if presenting():
        params["trinh_chieu"] = "1"
    params.update({key: str(value) for key, value in extra.items() if value not in (None, "")})
    return params


def open_page(page: str, **extra) -> None:
    """Go to another page showing the list behind a figure (a chart click): same view, page filters."""
    st.switch_page(page, query_params=view_params(**extra))


def today() -> dt.date:
    return dt.date.today()


def fmt_money(value) -> str:
    """Whole đồng, Vietnamese style: 1234000 → '1.234.000 đ' (empty for no value)."""
    if value is None or value != value:
        return ""
    return f"{int(value):,} đ".replace(",", ".")
