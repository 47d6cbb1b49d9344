"""Working days in Vietnam, for the deadlines the law counts in working days (a fee request paid within 5 working
days: DOMAIN.md «Fees»).

The calendar comes from the maintained `holidays` library (its VN calendar: Tết by the lunar calendar, the other
public holidays, and each year's days off moved by the Government together with the Saturdays made working days),
not from a hand-made list that would go stale each year. It is stored in the table work_calendar (migration 010) so
the SQL views count working days themselves; it is filled once per file and again whenever the library is updated.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import pandas as pd

FIRST_YEAR, LAST_YEAR = 2000, 2060  # the app's years (db/core/writes.py DATE_MIN…) that can carry a deadline
SOURCE = f"holidays {holidays.__version__}"


@lru_cache(maxsize=1)
def calendar_frame() -> pd.DataFrame:
    """Every day FIRST_YEAR…LAST_YEAR: working or not, the holiday's Vietnamese name, the running count of working
    days (seq)."""
    vn = holidays.country_holidays("VN", years=range(FIRST_YEAR, LAST_YEAR + 1), language="vi")
    days = pd.date_range(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31), freq="D").date
    working = [vn.is_working_day(day) for day in days]
    return pd.DataFrame({"day": days, "working": working, "holiday": [vn.get(day) for day in days],
                         "seq": pd.Series(working).cumsum().astype("int32")})


def ensure(con) -> None:
    """Fill work_calendar if it is empty or was filled by another version of the library."""
    [(stored, days)] = con.execute("SELECT (SELECT max(library) FROM work_calendar_source), "
                                   "(SELECT count(*) FROM work_calendar)").fetchall()
    if stored == SOURCE and days:
        return
    con.register("calendar_days", calendar_frame())
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM work_calendar")
        con.execute("INSERT INTO work_calendar SELECT day, working, holiday, seq FROM calendar_days")
        con.execute("DELETE FROM work_calendar_source")
        con.execute("INSERT INTO work_calendar_source (library) VALUES (?)", [SOURCE])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("calendar_days")
