"""What every page shares: the cached connection, the global filters, formatting helpers, and the few
widgets every page builds the same way (tables, date fields, messages next to their button, downloads)."""
from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

import db
from db import places, users
from db.core import audit
from db.tools import rollup
from db.core.writes import ValidationError, data_version, is_missing
from db.core.labels import ALL_COMMUNES, ALL_PROVINCES, ALL_VILLAGES
from db.core.scope import Place

log = logging.getLogger("hoagiai")
# Who acts when nobody is signed in (a page run before the sign-in gate): a meeting-screen account, so the write
# path refuses every write.
NOBODY = users.User(login="chưa đăng nhập", role="trinh_chieu")


@st.cache_resource(show_spinner=False)
def _open(path: str):
    return db.open_database(path)


@st.cache_resource(show_spinner=False)
def _first_start_lock() -> threading.Lock:
    """One build of the demo file per process, however many browsers open the app at once."""
    return threading.Lock()


def connection():
    """The database for a page, for a signed-in user only. Streamlit may run a file of pages/ on its own, without
    app.py (its old pages/ mode, e.g. the address «/cases» on a server's first run): then nobody has signed in on
    this run and the page stops here, before it reads or shows anything."""
    con = open_connection()
    user = users.current(con, st.session_state.get("user"))
    if user is None or user != st.session_state.get("_user_checked"):
        st.info("Hãy đăng nhập từ trang chủ của ứng dụng.", icon=":material/login:")
        st.stop()
    return con


def open_connection():
    """One DuckDB connection per process and file; each db/ call takes its own cursor (app.py's way in, before
    anyone has signed in; pages use connection()).

    On the very first start the file does not exist yet: the demo commune is built (a few seconds on a slow
    PC) while the page says so in Vietnamese, with a progress bar, instead of staying blank. (The build is not
    inside the cached _open: Streamlit cannot replay a progress bar drawn from a cached function.) Only then: a
    path that had this app's database before is never given a fresh demo (db.DatabaseMissing).

    On every run (one os.stat and one «SELECT 1»): the file must still be the one opened — deleted, replaced or its
    drive unplugged, the page says so and stops, so nothing is written into a file nobody will see again — and the
    connection must still work: after one of DuckDB's fatal errors (a full disk, a folder turned read-only) it is
    dropped and the file opened again, so the app recovers by itself once the cause is gone, and says the cause in
    Vietnamese while it is not."""
    path = db.db_path()
    try:
        if db.first_start(path):
            st.subheader("Đang chuẩn bị dữ liệu…")
            bar = st.progress(0.0, text="Lần chạy đầu tiên: tạo tệp dữ liệu với dữ liệu minh họa")

            def progress(share: float, step: str) -> None:
                bar.progress(min(max(share, 0.0), 1.0), text=f"Lần chạy đầu tiên: {step}…")

            with _first_start_lock():
                if db.first_start(path):  # another browser may have built it while this one waited
                    db.create_database(path, demo=True, progress=progress).close()
            st.rerun()  # the page again, on the built file, without the progress screen
        con = _open(path)
        db.check_file(con)
        if db.probe(con) is not None:  # invalidated by a fatal error: open the file again (raises if still failing)
            release_connection(path)
            con = _open(path)
        return con
    except db.DatabaseLocked as exc:
        st.error(str(exc), icon=":material/lock:")
        st.stop()
    except db.DatabaseGone as exc:
        st.error(md_text(exc), icon=":material/report:")
        if exc.reopenable and st.button("Mở lại tệp dữ liệu", key="_reopen_database", icon=":material/refresh:",
                                        help="Đóng tệp cũ và mở tệp đang có ở đường dẫn dữ liệu (sau khi đã kiểm tra "
                                             "đó đúng là tệp dữ liệu của xã)."):
            release_connection(path)
            st.rerun()
        st.stop()
    except (db.UnusableDatabase, duckdb.Error, OSError) as exc:
        message = db.explain(exc, path)
        if message is None:
            raise
        log.warning("Không mở được tệp dữ liệu %s: %s", path, exc)
        st.error(md_text(message), icon=":material/error:")
        st.stop()


# Every page: no English instructions under inputs («Press Enter to submit form»), the file uploader in
# Vietnamese (its button, hint and «File must be 200.0MB or smaller» tooltip are English in Streamlit; the size
# and types are in each uploader's label, and every uploader takes any type: the app checks it in Vietnamese), and
# metric labels that wrap instead of being cut on the laptop («Điểm chuẩn tiếp cận phá…»). A table's own CSV button
# is hidden: every list that may leave the app has its download button with the app's definition (and none on the
# meeting screen); its English column chooser too.
BASE_CSS = """<style>
[data-testid="InputInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button p::after { content: "Chọn tệp"; font-size: 1rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "Kéo thả tệp vào đây, hoặc bấm «Chọn tệp»"; font-size: 0.875rem; }
[data-testid="stFileChip"][aria-invalid="true"] [data-testid="stFileChipName"]::after { content: " — tệp quá lớn"; }
[data-testid="stTooltipErrorContent"] { font-size: 0; }
[data-testid="stTooltipErrorContent"]::after {
  content: "Tệp quá lớn nên không tải lên được: xem giới hạn dung lượng ở nhãn phía trên."; font-size: 0.875rem; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
[data-testid="stElementToolbar"] button[aria-label="Download as CSV"],
[data-testid="stElementToolbar"] button[aria-label="Show/hide columns"] { display: none; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
</style>"""

# Presentation mode (trinh_chieu=1): larger type for a projector, read from the back of the room; the KPI
# figures larger still (the page menu stays usable).
PRESENTATION_CSS = """<style>
html { font-size: 21px; }
[data-testid="stMetricValue"] { font-size: 3.4rem; line-height: 1.15; }
</style>"""


def reader(con):
    """read(fn, *args): the db/ read fn(con, *args) computed once per database file, data version and arguments, and
    kept in Streamlit's cache (st.cache_data) — a rerun (a click in the meeting, a widget) costs nothing, and any
    write bumps the data version (db.core.writes.data_version), so a saved change shows at once. For reads only: a write
    function must never go through it. The data version is read once per page run."""
    key = (db.db_path(), data_version(con))

    def read(fn, *args, **kwargs):
        return _cached_read(con, fn, key, f"{fn.__module__}.{fn.__qualname__}", args, tuple(sorted(kwargs.items())))
    return read


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_read(_con, _fn, key: tuple, name: str, args: tuple, kwargs: tuple):
    """_fn(_con, *args, **kwargs), kept by (key, name, args, kwargs); the connection and the function object are not
    hashed (underscore), the function's name stands for it."""
    return _fn(_con, *args, **dict(kwargs))


def presenting() -> bool:
    """Presentation mode: read-only pages, personal data of the parties masked (the leadership screen). The
    «Màn hình trình chiếu» account is always in it."""
    return bool(st.session_state.get("present")) or current_user().role == "trinh_chieu"


def current_user() -> users.User:
    """The signed-in user, checked by app.py on this run (CONTRACT.md: st.session_state["user"])."""
    return st.session_state.get("_user_checked") or NOBODY


def may(permission: str, village_id: int | None = None) -> bool:
    """May the signed-in user do this here (to show or hide a form)? The write path checks again on its own."""
    if presenting():
        return False
    con = connection()
    if permission != "users" and rollup.rollup_info(con) is not None:  # a roll-up is for viewing (db/tools/rollup.py)
        return False
    return users.allowed(current_user(), permission, village_id=village_id, settings=users.settings(con))


def sees_personal_data(village_id: int | None = None) -> bool:
    """May the parties' names, ages, addresses and the mediators' phones be sent to this browser? Not on the
    meeting screen; otherwise by role (db/users.sees_personal_data)."""
    return not presenting() and users.sees_personal_data(current_user(), village_id, connection())


def chart_font() -> int:
    """Axis and label size of the Altair charts: larger on the meeting screen."""
    return 20 if presenting() else 14


def filters() -> tuple[int, int | None]:
    """The sidebar's (year, village id or None for all villages), set by app.py."""
    return st.session_state["nam"], st.session_state["thon"] or None


def place() -> Place:
    """The place the sidebar shows (db/core/scope.py): a village, else the commune or province of a file of many communes
    (tinh, xa), else the whole file — what a figure's `where` takes."""
    return Place(province=st.session_state.get("tinh"), commune_id=st.session_state.get("xa") or None,
                 village_id=st.session_state.get("thon") or None)


def form_place(con) -> Place | None:
    """Where an entry form's choice of team comes from: the commune shown, every village of it (an officer looking at
    one village may still enter another's case); None in a file of many communes while no commune is chosen — a
    choice among a province's thousands of teams is no choice, and no page sends one."""
    commune = st.session_state.get("xa") or None
    if commune is None and len(_place_names(con, (db.db_path(), data_version(con)))[1]) > 1:
        return None
    return Place(commune_id=commune)


CHOOSE_COMMUNE = "Tệp này có nhiều xã: hãy chọn một xã ở thanh bên để nhập dữ liệu của xã đó."


def village_name(con, village_id: int | None) -> str:
    """The place a page shows, in words: the village («Thôn Đông»), else — in a file of many communes — the chosen
    commune or province, else «Tất cả các thôn»."""
    villages, communes = _place_names(con, (db.db_path(), data_version(con)))
    if village_id is not None:
        return villages.get(village_id, ALL_VILLAGES)
    if len(communes) > 1:
        commune = st.session_state.get("xa")
        if commune:
            return communes.get(commune, ALL_COMMUNES)
        return st.session_state.get("tinh") or ALL_PROVINCES
    return ALL_VILLAGES


@st.cache_resource(show_spinner=False, max_entries=4)
def _place_names(_con, key: tuple) -> tuple[dict, dict]:
    """Village and commune names by id, once per data version (shared, not copied: a national file has 95,000)."""
    villages = places.villages(_con)
    return dict(zip(villages["id"].tolist(), villages["name"])), dict(
        zip(*(places.communes(_con)[c].tolist() for c in ("id", "name"))))


def md_text(text) -> str:
    """User text (names, notes, search words) inside st.markdown shown as typed: the characters that would
    format it escaped (emphasis, code, headings, LaTeX «$», strike-through, links and autolinks, Streamlit's
    «:red[…]» colours and «:icon:» shortcodes), so «*», «_», «[…](…)» or «www.…» never format or link."""
    text = re.sub(r"([\\`*_\[\]<>#$~|])", r"\\\1", str(text))
    text = re.sub(r":(?=[A-Za-z/])", r"\\:", text)  # «:red[», «:smile:», «https://»
    return re.sub(r"(?i)\b(www)\.", r"\1\\.", text)


def show_errors(exc: ValidationError) -> None:
    """A refused write: every Vietnamese message of the write path (each names its field), nothing was saved.
    Called right after the button that caused it, so the message is where the user is looking."""
    st.error("Chưa lưu được vì:\n" + "\n".join(f"- {md_text(m)}" for m in exc.messages), icon=":material/error:")


def flash(message: str, where: str = "page") -> None:
    """A success message for the next run, shown by show_flash(where) next to the button that saved."""
    st.session_state[f"_flash_{where}"] = message


def show_flash(where: str = "page") -> None:
    if message := st.session_state.pop(f"_flash_{where}", None):
        st.success(md_text(message), icon=":material/check_circle:")


class Editing:
    """A record open in an edit form in this browser, kept as it was when opened.

    The form's key carries no version: when another user saves the same record, this user's form stays as typed
    (a key that changed with the version made the form, and the submit, vanish without a word). The save passes the
    opened version; if another user saved first, the write path refuses (VersionConflict) and conflict() says
    «Hồ sơ vừa được người khác sửa…», keeps what was typed, shows field by field what the other user changed, and
    offers to load their version or to overwrite it with this one. After this user's own save, saved() reads the
    record again (a new key: the form shows what was stored). While the user stays on the page the key never changes
    (a click is never lost to a new key); a page opened again reads its records afresh."""

    def __init__(self, name: str, table: str, load):
        opened = st.session_state.setdefault("_opened", {})
        visit = st.session_state.get("_visit", {}).get("n", 0)  # app.py: one more each time a page is opened
        kept = opened.get(name)
        if kept is None or kept["visit"] != visit:
            n = st.session_state["_opened_n"] = st.session_state.get("_opened_n", 0) + 1
            kept = opened[name] = {"record": load(), "n": n, "visit": visit}
            st.session_state.pop(f"_conflict_{name}", None)
        self.name, self.table, self._load = name, table, load
        self.record: dict = kept["record"] or {}
        self.key = f"{name}_{kept['n']}"

    @property
    def version(self) -> int | None:
        return self.record.get("version")

    def saved(self) -> None:
        """This user's save went through: the next run reads the record again."""
        st.session_state["_opened"].pop(self.name, None)
        st.session_state.pop(f"_conflict_{self.name}", None)

    def conflict(self) -> None:
        """The write path refused with VersionConflict: say so (here and on every run until the user chooses)."""
        st.session_state[f"_conflict_{self.name}"] = True
        self.show_conflict()

    def show_conflict(self) -> None:
        """The stale-edit notice, if this record has one: what changed, and the two ways on (under the form)."""
        show_flash(self.name)
        if not st.session_state.get(f"_conflict_{self.name}"):
            return
        now = self._load()
        if now is None:
            st.error("Hồ sơ vừa được người khác xóa trong lúc bạn đang sửa; chưa lưu nội dung của bạn.",
                     icon=":material/error:")
        else:
            st.warning("Hồ sơ vừa được người khác sửa trong lúc bạn đang sửa; chưa lưu nội dung của bạn. Những gì bạn "
                       "đã gõ vẫn còn trong các ô. Người kia đã thay đổi:", icon=":material/sync_problem:")
            changed = audit.what_changed(open_connection(), self.table, self.record, now)
            if changed:
                table(pd.DataFrame([(c.label, c.old, c.new) for c in changed],
                                   columns=["Mục", "Khi bạn mở", "Bây giờ"]), row_height=WRAP_ROW_HEIGHT)
        c1, c2 = st.columns(2)
        if now is not None and c1.button("Giữ nội dung của tôi (ghi đè khi bấm Lưu)", key=f"_overwrite_{self.name}",
                                         icon=":material/edit_note:"):
            opened = st.session_state["_opened"][self.name]
            opened["record"] = {**opened["record"], "version": now.get("version")}
            st.session_state.pop(f"_conflict_{self.name}", None)
            flash("Đã giữ nội dung của bạn: bấm «Lưu» để ghi đè thay đổi của người kia.", self.name)
            st.rerun()
        if c2.button("Tải bản mới (bỏ nội dung tôi đã gõ)", key=f"_reload_{self.name}", icon=":material/refresh:"):
            self.saved()
            st.rerun()


def actor() -> users.User:
    """The actor the write path checks and the audit log records: the signed-in user."""
    return current_user()


# Formatters: pandas gives None, NaN, NaT or pd.NA for an empty cell, and pd.NA refuses comparison
# («boolean value of NA is ambiguous»), so every formatter asks is_missing first.

def fmt_date(day) -> str:
    """dd/mm/yyyy; empty for no date."""
    if is_missing(day):
        return ""
    return day.strftime("%d/%m/%Y")


def fmt_pct(value) -> str:
    if is_missing(value):
        return "không áp dụng"
    return f"{value * 100:.1f}%".replace(".", ",")


def fmt_int(value) -> str:
    """1234 → '1.234'; a dash for no value."""
    if is_missing(value):
        return "—"
    return f"{int(value):,}".replace(",", ".")


def is_true(value) -> bool:
    """A yes/no cell that says yes; an empty cell (pd.NA) does not."""
    return not is_missing(value) and bool(value)


def positive(value) -> bool:
    """A count or amount above zero; an empty cell (pd.NA, NaN) is not."""
    return not is_missing(value) and value > 0


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
    """Go to another page showing the list behind a figure (a chart click): same view, page filters; not to a page
    this user does not have."""
    if has_page(page):
        st.switch_page(page, query_params=view_params(**extra))


def has_page(page: str) -> bool:
    """Is this page (e.g. "pages/funding.py") in the signed-in user's navigation (app.py keeps the list)?"""
    pages = st.session_state.get("_pages")
    return pages is None or page in pages


def page_link(page: str, **options) -> None:
    """st.page_link, shown only when the user has that page (a tổ trưởng has no «Kinh phí»)."""
    if has_page(page):
        st.page_link(page, **options)


def today() -> dt.date:
    return dt.date.today()


def fmt_money(value) -> str:
    """Whole đồng, Vietnamese style: 1234000 → '1.234.000 đ' (empty for no value)."""
    if is_missing(value):
        return ""
    return f"{int(value):,} đ".replace(",", ".")


def date_field(label: str, value=None, *, key: str, container=None, help: str | None = None) -> str:
    """A date typed as dd/mm/yyyy, given to the write path as text (db.core.writes.parse_date).

    Not st.date_input: its picker turns a typed 31/02/2026 into 28/02/2026 and keeps the old date when the
    field is half cleared, without a word. Here what is saved is what the user sees, or the save is refused
    with a message naming the field."""
    where = container or st
    hint = "Nhập ngày dạng dd/mm/yyyy, ví dụ 07/06/2023."
    return where.text_input(label, value=fmt_date(value), key=key, placeholder="dd/mm/yyyy", max_chars=10,
                            help=f"{help} {hint}" if help else hint)


def day_or_none(text: str, label: str) -> tuple[dt.date | None, list[str]]:
    """A date field's text read as the write path reads it: (date or None, Vietnamese errors)."""
    from db.core.writes import parse_date
    errors: list[str] = []
    return parse_date(text, label, errors), errors


# On the meeting screen the type is 21 px instead of 16: column widths and row heights grow by as much.
PRESENT_SCALE = 21 / 16
ROW_HEIGHT = 35
WRAP_ROW_HEIGHT = 68  # over Streamlit's 4 rem (64 px; 84 px on the meeting screen, scaled): cell text wraps
NAMED_WIDTHS = {"small": 75, "medium": 200, "large": 400}


def _wider(config: dict) -> dict:
    width = config.get("width")
    width = NAMED_WIDTHS.get(width, width)
    return {**config, "width": round(width * PRESENT_SCALE)} if isinstance(width, int) else config


PAGE_ROWS = 50  # rows of a list sent to the browser at a time


def paged(frame: pd.DataFrame, key: str, rows: int = PAGE_ROWS) -> pd.DataFrame:
    """One page of a long list, with the page chooser above it: only that page goes to the browser (a province's
    list holds thousands of rows). A short list is returned whole, without a chooser. The page number starts again
    at 1 when the list changes (its key includes the list's length)."""
    offset = page_offset(len(frame), key, rows)
    return frame.iloc[offset:offset + rows] if len(frame) > rows else frame


def page_offset(total: int, key: str, rows: int = PAGE_ROWS) -> int:
    """The first row of the page chosen in a list of `total` rows, with the page chooser above the list (none for a
    short list). For a list cut in SQL (LIMIT rows OFFSET this): its other rows are never read."""
    pages = max(1, -(-total // rows))
    if pages == 1:
        return 0
    left, _ = st.columns([1, 3])
    number = left.number_input(f"Trang (trên {pages}, mỗi trang {rows} dòng)", min_value=1, max_value=pages,
                               value=1, step=1, key=f"_page_{key}_{total}")
    return (number - 1) * rows


def _paged_table(data, key: str):
    """A display-only table's page (a pandas Styler keeps its styles: they are exported and used on the page's
    rows, so Styler's 262,144-cell limit is never reached and only the page is styled and sent)."""
    if not hasattr(data, "data"):
        return paged(data, key)
    page = paged(data.data, key)
    if len(page) == len(data.data):
        return data
    return page.style.use(data.export())


def table(data, *, column_config: dict | None = None, max_rows: int | None = None, row_height: int = ROW_HEIGHT,
          **options):
    """st.dataframe as every page shows one: no index, full width, empty cells blank (never «None»); on the
    meeting screen the columns and rows grow with the type. row_height=WRAP_ROW_HEIGHT wraps long text over
    two or three lines; max_rows: the height of that many rows at most (a scroll bar beyond). A display-only list
    longer than PAGE_ROWS is shown a page at a time (a list whose rows can be selected is paged by its page, which
    knows the rows' ids: paged())."""
    if "on_select" not in options:
        frame = data.data if hasattr(data, "data") else data
        caller = sys._getframe(1)  # a table without a key: its place in the code names its chooser, and how many
        # times that place drew a table in this run (a loop of cards, app.py numbers the runs)
        seen = st.session_state.get("_tables_seen")
        if not seen or seen["run"] != st.session_state.get("_run_no"):
            seen = st.session_state["_tables_seen"] = {"run": st.session_state.get("_run_no"), "counts": {}}
        where = (caller.f_code.co_filename, caller.f_lineno, tuple(map(str, frame.columns)))
        seen["counts"][where] = seen["counts"].get(where, 0) + 1
        where = (*where, seen["counts"][where])
        data = _paged_table(data, options.get("key") or f"{hash(where) & 0xFFFFFFFF:x}")
    rows = len(data.data if hasattr(data, "data") else data)  # a pandas Styler holds its frame in .data
    header = 38
    if presenting():
        column_config = {name: _wider(config) if isinstance(config, dict) else config
                         for name, config in (column_config or {}).items()}
        row_height, header = round(row_height * PRESENT_SCALE), round(header * PRESENT_SCALE)
    options["row_height"] = row_height
    if max_rows is not None:
        options["height"] = header + min(max_rows, max(rows, 1)) * row_height + 3
    options.setdefault("hide_index", True)
    options.setdefault("width", "stretch")
    options.setdefault("placeholder", "")
    return st.dataframe(data, column_config=column_config, **options)


def download(label: str, data, **options) -> None:
    """A download button, never on the meeting screen (presentation mode offers no CSV, Excel or Word).
    data may be a function: then the file is only built when the button is clicked."""
    if presenting():
        return
    st.download_button(label, data, **options)


@st.cache_resource(show_spinner=False)
def start_logging() -> None:
    """Unexpected errors go to the console and to a log file beside the database (once per process)."""
    log.setLevel(logging.INFO)
    handlers = [logging.StreamHandler()]
    try:
        handlers.append(logging.FileHandler(Path(db.db_path()).with_name("nhat-ky-loi.log"), encoding="utf-8"))
    except OSError:  # a read-only folder: the console still has it
        pass
    for handler in handlers:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)


@contextmanager
def unexpected_errors():
    """No page ever shows Streamlit's English error box: an unexpected error is logged with a reference and
    the user sees one Vietnamese message. Streamlit's own flow (st.rerun, st.stop, st.switch_page) raises
    BaseExceptions that pass through untouched."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 — the last line of defence, logged in full below
        reference = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
        log.exception("Lỗi ngoài dự kiến (mã %s)", reference)
        if cause := db.explain(exc):  # a full disk, a read-only folder…: the first cause, not DuckDB's last words
            st.error(f"{md_text(cause)} (Mã lỗi **{reference}**.)", icon=":material/error:")
            return
        st.error(f"Đã có lỗi ngoài dự kiến nên trang này chưa hiện hết. Dữ liệu đã lưu không bị ảnh hưởng; thao "
                 f"tác đang làm dở (nếu có) chưa được lưu. Hãy tải lại trang; nếu lỗi còn, báo cho người quản trị "
                 f"kèm mã lỗi **{reference}**.", icon=":material/error:")


# --- the database file: reopening it, the daily backup (issue 13) ---------------------------------------------------

def release_connection(path: str | None = None) -> None:
    """Close this process's connections to the database file and forget the cached one: the next connection()
    opens the file again (after a restore, a replaced file, or one of DuckDB's fatal errors)."""
    path = path or db.db_path()
    _open.clear(path)
    db.close_all(path)


_backup_failed_at: dict[str, float] = {}


def daily_backup(con) -> None:
    """The automatic backup of the day, on the first use (db/tools/backup.py: nothing to do, in microseconds, once
    today's exists). A backup that fails (a full disk) never takes the page down: it is logged, said once per
    session, and tried again a quarter of an hour later."""
    import time

    from db.tools import backup

    path = db.db_path()
    if time.monotonic() - _backup_failed_at.get(path, -1e9) < 900:
        return
    try:
        made = backup.daily_backup(con)
    except Exception as exc:  # noqa: BLE001 — logged; the officer's work goes on
        _backup_failed_at[path] = time.monotonic()
        log.exception("Chưa sao lưu tự động được")
        if not st.session_state.get("_daily_backup_warned"):
            st.session_state["_daily_backup_warned"] = True
            st.toast(f"Chưa sao lưu tự động được hôm nay: {md_text(db.explain(exc) or exc)}", icon=":material/warning:")
        return
    if made:
        log.info("Đã sao lưu tự động vào %s", made)
