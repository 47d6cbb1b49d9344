"""Opening the database file, and every way it can fail around the write path, said in Vietnamese.

The path comes from HOAGIAI_DB; opening migrates the schema and (re)creates the metric views. Around that, the faults
that lose data without a word if nobody looks for them:
- another program holds the file (DuckDB lets one process write it): DatabaseLocked;
- the file is deleted, renamed, replaced or its drive unplugged while the app runs: DatabaseGone, from check_file(),
  which compares the file now at the path with the one this process opened (device and inode — on Linux a deleted
  file stays open under DuckDB and the app would keep writing into a file nobody can see again);
- the path had a database before but the file is missing at start: DatabaseMissing — never a fresh demo over it.
  The paths of the files this app created or opened are kept in a small JSON file in the state folder
  (HOAGIAI_STATE, default ~/.hoagiai/);
- a file that is not this app's database, or of a newer schema than this version of the app: UnusableDatabase;
- DuckDB's fatal errors (a failed checkpoint on a full disk or a folder turned read-only «invalidates» the database
  and every later statement fails): probe() finds them, explain() gives the first cause in Vietnamese.
"""
from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import tempfile
import threading
import weakref
from pathlib import Path

import duckdb

DEFAULT_DB = "data/hoagiai.duckdb"
MIGRATIONS = Path(__file__).parent / "migrations"
# Each figure's rule lives in one SQL file beside the Python of its domain; created in this order, as each file
# builds on the views of those before it.
METRIC_FILES = tuple(Path(__file__).parents[1] / name for name in (
    "core/macros.sql", "plan/targets.sql", "cases/case_year.sql", "cases/results.sql", "teams/teams.sql",
    "funding/funding.sql", "criteria/criteria.sql", "scores/scores.sql"))
KNOWN_FILE = "known-databases.json"
KNOWN_LIMIT = 50  # remembered paths; beyond it, vanished temporary files (tests) go first, then the oldest


class DatabaseLocked(RuntimeError):
    """Another process holds the DuckDB file (DuckDB allows one writer process per file)."""


class DatabaseGone(RuntimeError):
    """The file this process opened is no longer at its path: deleted, moved, replaced, or its drive unplugged.
    reopenable: a (different) file is at the path now and may be opened on the user's explicit request."""

    def __init__(self, message: str, path: str | os.PathLike = "", *, reopenable: bool = False):
        super().__init__(message)
        self.path = str(path)
        self.reopenable = reopenable


class DatabaseMissing(DatabaseGone):
    """The path had this app's database before (created or opened here) but no file is there now."""


class UnusableDatabase(RuntimeError):
    """A file that is not this app's database, or whose schema is newer than this version of the app knows."""


def db_path() -> str:
    return os.environ.get("HOAGIAI_DB", DEFAULT_DB)


# --- which file each connection writes to ------------------------------------------------------------------------

# One lock around opening and swapping files in this process: a restore closes the app's connection, swaps the file
# and reopens it, and no other browser session may open the old file in between.
_lock = threading.RLock()
# The file (device, inode) this process opened at each path, the path of each connection it opened, and every path
# it ever had a database at (never forgotten: a file that vanishes after a reconnect is still a known one).
_identity: dict[str, tuple[int, int]] = {}
_paths: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_seen: set[str] = set()


def exclusive() -> threading.RLock:
    """Hold while swapping the database file under a running app (db.tools.backup.restore)."""
    return _lock


def _key(path: str | os.PathLike) -> str:
    return os.path.abspath(os.path.expanduser(str(path)))


def _file_identity(path: str | os.PathLike) -> tuple[int, int]:
    found = os.stat(path)
    return found.st_dev, found.st_ino


def _alive(con) -> bool:
    try:
        con.cursor().close()
        return True
    except duckdb.Error:
        return False


def _open_connections(key: str) -> list:
    return [con for con, path in list(_paths.items()) if path == key and _alive(con)]


def connect(path: str | os.PathLike, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the file, turning DuckDB's lock error into a message a commune officer understands.

    DuckDB hands out the instance it already has open for a path: if the file at the path was replaced while a
    connection of this process still holds the former one, the new connection would write into the former file.
    That is refused (DatabaseGone) until close_all(path) has closed the old connections."""
    key = _key(path)
    with _lock:
        if not read_only:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DatabaseLocked(
                    f"Tệp dữ liệu {path} đang được một chương trình khác mở (có thể là một cửa sổ "
                    "ứng dụng khác hoặc lệnh python -m db). Hãy đóng chương trình đó rồi thử lại."
                ) from exc
            raise
        try:
            now = _file_identity(path)
        except OSError:  # an old instance of a deleted file (see above)
            now = None
        before = _identity.get(key)
        if before is not None and now != before and _open_connections(key):
            con.close()
            if now is None:
                raise DatabaseGone(_gone_message(path), path)
            raise DatabaseGone(_replaced_message(path), path, reopenable=True)
        if now is not None:
            _identity[key] = now
            _paths[con] = key
            _seen.add(key)
    return con


def close_all(path: str | os.PathLike) -> int:
    """Close every connection this process opened on path (their cursors close with them): needed before the file
    at path can be opened again after it was replaced or restored. Returns how many were open."""
    key = _key(path)
    with _lock:
        open_ones = _open_connections(key)
        for con in open_ones:
            try:
                con.close()
            except duckdb.Error:
                pass
        _identity.pop(key, None)
    return len(open_ones)


def database_file(con) -> Path | None:
    """The file a connection (or cursor, or write batch) writes to; None for an in-memory database."""
    try:
        key = _paths.get(con)
    except TypeError:
        key = None
    if key is not None:
        return Path(key)
    own = isinstance(con, duckdb.DuckDBPyConnection)  # a write batch hands out its transaction's cursor: not ours
    cur = con.cursor()
    try:
        row = cur.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    finally:
        if own:
            cur.close()
    return Path(_key(row[0])) if row and row[0] else None


def check_file(con) -> None:
    """Refuse to write through a connection whose file is no longer the file at its path (DatabaseGone).
    Cheap (one os.stat): called on every page run and at the start of every write transaction."""
    path = database_file(con)
    if path is None:
        return
    expected = _identity.get(str(path))
    if expected is None:  # not opened through connect(): nothing to compare with
        return
    try:
        now = _file_identity(path)
    except FileNotFoundError:
        raise DatabaseGone(_gone_message(path), path) from None
    except OSError as exc:
        raise DatabaseGone(_unreadable_message(path, exc), path) from None
    if now != expected:
        raise DatabaseGone(_replaced_message(path), path, reopenable=True)


def probe(con) -> duckdb.Error | None:
    """The error every statement now fails with, if DuckDB invalidated the database after a fatal error (a failed
    checkpoint on a full disk, a folder turned read-only); None while the connection works."""
    try:
        cur = con.cursor()
    except duckdb.Error as exc:  # closed (a restore, a reopen in another session)
        return exc
    try:
        cur.execute("SELECT 1").fetchone()
        return None
    except duckdb.Error as exc:
        return exc
    finally:
        cur.close()


def _backups_hint(path) -> str:
    return str(Path(_key(path)).parent / "sao-luu")


def _gone_message(path) -> str:
    return (f"Không tìm thấy tệp dữ liệu {path}: tệp đã bị xóa, đổi tên, hoặc ổ đĩa chứa nó đã bị rút ra trong khi "
            "ứng dụng đang chạy. Để không mất dữ liệu, ứng dụng ngừng ghi. Hãy cắm lại ổ đĩa hoặc đặt tệp về đúng "
            f"chỗ, hoặc khôi phục từ bản sao lưu (thư mục {_backups_hint(path)}) bằng lệnh «python -m db restore "
            "TỆP», rồi tải lại trang.")


def _replaced_message(path) -> str:
    return (f"Tệp dữ liệu {path} đã bị thay bằng một tệp khác (hoặc ổ đĩa vừa được cắm lại) trong khi ứng dụng "
            "đang chạy. Để không ghi nhầm tệp, ứng dụng ngừng ghi. Nếu việc thay tệp là cố ý (ví dụ đã chép bản sao "
            "lưu vào), hãy mở lại tệp dữ liệu; nếu không, kiểm tra lại tệp trước khi làm tiếp.")


def _unreadable_message(path, exc: OSError) -> str:
    return (f"Không đọc được ổ đĩa chứa tệp dữ liệu {path} ({exc.strerror or exc}): ổ có thể đã bị rút ra hoặc "
            "bị lỗi. Để không mất dữ liệu, ứng dụng ngừng ghi. Hãy cắm lại ổ đĩa rồi tải lại trang.")


# --- the paths this app has had a database at (a missing one is never replaced by a demo) -----------------------

def state_dir() -> Path:
    return Path(os.environ.get("HOAGIAI_STATE") or "~/.hoagiai").expanduser()


def _known() -> dict:
    try:
        data = json.loads((state_dir() / KNOWN_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def remember(path: str | os.PathLike) -> None:
    """Note that this app has a database at path (created, opened, restored). Best effort: a read-only home
    folder only loses this safeguard, never the app."""
    key = _key(path)
    now = dt.datetime.now().isoformat(timespec="seconds")
    with _lock:
        _seen.add(key)
        known = _known()
        entry = known.get(key) or {"first_seen": now}
        entry["last_seen"] = now
        known[key] = entry
        if len(known) > KNOWN_LIMIT:
            temp = _key(tempfile.gettempdir())
            order = sorted(known, key=lambda p: (not (p.startswith(temp) and not os.path.exists(p)),
                                                 known[p].get("last_seen", "")))
            for old in order[:len(known) - KNOWN_LIMIT]:
                if old != key:
                    known.pop(old)
        folder = state_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f"{KNOWN_FILE}.{os.getpid()}.tmp"
            partial.write_text(json.dumps(known, ensure_ascii=False, indent=1), encoding="utf-8")
            partial.replace(folder / KNOWN_FILE)
        except OSError:
            pass


def known_before(path: str | os.PathLike) -> dict | None:
    """{'first_seen', 'last_seen'} if this app had a database at path (in this process or an earlier one)."""
    key = _key(path)
    found = _known().get(key)
    if found is None and key in _seen:
        found = {"last_seen": dt.datetime.now().isoformat(timespec="seconds")}
    return found


def first_start(path: str | os.PathLike) -> bool:
    """No file at path and never a database there: the only case where the app may build the demo file."""
    return not os.path.exists(path) and known_before(path) is None


def missing_message(path: str | os.PathLike) -> str:
    seen = (known_before(path) or {}).get("last_seen")
    when = ""
    if seen:
        try:
            when = f", lần cuối mở ngày {dt.datetime.fromisoformat(seen):%d/%m/%Y}"
        except ValueError:
            pass
    return (f"Không tìm thấy tệp dữ liệu {path} (trước đây đã có dữ liệu ở đây{when}). Kiểm tra ổ đĩa (đã cắm chưa, "
            f"đúng ổ chưa), hoặc khôi phục từ bản sao lưu trong thư mục {_backups_hint(path)} bằng lệnh «python -m db "
            "restore TỆP». Ứng dụng không tự tạo tệp mới ở đây để không che mất dữ liệu thật; muốn bắt đầu lại từ "
            "đầu với dữ liệu minh họa thì chạy «python -m db init».")


# --- schema -------------------------------------------------------------------------------------------------------

def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    has = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        " AND table_catalog = current_database()"
    ).fetchone()[0]
    if not has:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migration_files() -> list[tuple[int, Path]]:
    files = sorted(MIGRATIONS.glob("[0-9][0-9][0-9]_*.sql"))
    return [(int(f.name[:3]), f) for f in files]


def latest_version() -> int:
    return migration_files()[-1][0]


def check_app_database(con, path: str | os.PathLike = "") -> int:
    """The file's schema version if it is this app's database (or a blank DuckDB file: 0) at a version this app
    knows; else UnusableDatabase, before anything is written into it."""
    version = schema_version(con)
    if version == 0:
        tables = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
                             ).fetchone()[0]
        if tables:
            raise UnusableDatabase(f"Tệp {path} là tệp DuckDB nhưng không phải dữ liệu của ứng dụng hòa giải "
                                   "(không có bảng phiên bản lược đồ schema_version).")
    elif version > latest_version():
        raise UnusableDatabase(f"Tệp {path} có phiên bản lược đồ {version}, mới hơn phiên bản ứng dụng này hiểu "
                               f"({latest_version()}): hãy cập nhật ứng dụng trước khi mở tệp này.")
    return version


def migrate(con: duckdb.DuckDBPyConnection, *, backup_first: bool = True) -> list[int]:
    """Apply every migration newer than the file's schema version, each in its own transaction.
    A file that already holds data is backed up first (db/tools/backup.py, «truoc-nang-cap»), and the backup verified."""
    current = schema_version(con)
    pending = [(version, file) for version, file in migration_files() if version > current]
    if pending and current > 0 and backup_first and database_file(con) is not None:
        from db.tools.backup import automatic_backup
        automatic_backup(con, "truoc-nang-cap")
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())"
    )
    applied = []
    for version, file in pending:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, file.stem])
            con.execute("COMMIT")
        except Exception:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:  # the first error is the one to report
                pass
            raise
        applied.append(version)
    from db.core import workdays  # the deadlines' calendar, before the views that count working days
    workdays.ensure(con)
    create_metric_views(con)
    return applied


def create_metric_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the metric views and macros (METRIC_FILES, in order)."""
    for file in METRIC_FILES:
        con.execute(file.read_text(encoding="utf-8"))


# --- DuckDB's and the operating system's errors, in the commune's words ------------------------------------------

_CAUSES = [
    # (what the error text says, errno, message); the first match along the exception chain wins, root cause first.
    (r"no space left on device|not enough space on the disk|disk is full|disk full", errno.ENOSPC,
     ("Ổ đĩa chứa tệp dữ liệu đã đầy nên không ghi được{where}; thao tác vừa rồi chưa được lưu. Hãy giải phóng chỗ "
      "trống (xóa tệp không cần, chuyển bớt bản sao lưu cũ sang ổ khác) rồi tải lại trang.")),
    (r"file too large", errno.EFBIG,
     ("Tệp dữ liệu đã chạm giới hạn kích thước tệp của ổ đĩa{where} (ổ định dạng FAT32 chỉ nhận tệp dưới 4 GB); "
      "thao tác vừa rồi chưa được lưu. Hãy chuyển tệp dữ liệu sang ổ định dạng NTFS hoặc ext4 rồi tải lại trang.")),
    (r"read-only file system|permission denied|access is denied|operation not permitted|cannot open .*read-only",
     errno.EROFS,
     ("Thư mục dữ liệu{where} không ghi được (ổ hoặc thư mục đang ở chế độ chỉ đọc, hoặc không có quyền ghi); thao "
      "tác vừa rồi chưa được lưu. Hãy cho phép ghi vào thư mục này (hoặc chuyển tệp dữ liệu sang thư mục ghi được) "
      "rồi tải lại trang.")),
    (r"input/output error|device is not ready|no such device|network name is no longer available|stale file handle",
     errno.EIO,
     ("Không đọc, ghi được ổ đĩa chứa tệp dữ liệu{where}: ổ có thể đã bị rút ra, mất kết nối hoặc bị lỗi; thao tác "
      "vừa rồi chưa được lưu. Hãy cắm lại ổ đĩa rồi tải lại trang.")),
    (r"wal does not match database file", None,
     ("Tệp nhật ký ghi (.wal) bên cạnh tệp dữ liệu{where} không thuộc về tệp dữ liệu này (tệp dữ liệu đã bị thay "
      "trong khi còn thay đổi chưa ghi hết). Đừng xóa gì; báo người quản trị: chuyển tệp .wal sang chỗ khác rồi mở "
      "lại, hoặc khôi phục từ bản sao lưu.")),
    (r"not a valid duckdb database file|corrupt|checksum|invalid block|magic bytes", None,
     ("Tệp dữ liệu{where} bị hỏng, không đọc được. Hãy khôi phục từ bản sao lưu gần nhất (trang «Sao lưu, khôi "
      "phục» hoặc lệnh «python -m db restore TỆP»).")),
    (r"connection already closed|connection has already been closed", None,
     ("Kết nối tới tệp dữ liệu vừa được đóng (tệp dữ liệu được mở lại hoặc khôi phục trong lúc trang đang chạy); "
      "thao tác vừa rồi chưa được lưu. Hãy tải lại trang.")),
]
_INVALIDATED = re.compile(r"database has been invalidated|fatal error", re.IGNORECASE)
_FOLDER_ERRNOS = {errno.ENOSPC: 0, errno.EFBIG: 1, errno.EROFS: 2, errno.EACCES: 2, errno.EPERM: 2, errno.EIO: 3,
                  errno.ENODEV: 3, errno.ENXIO: 3}


def _chain(exc: BaseException) -> list[BaseException]:
    """exc and the errors it was raised from or while handling, the first cause first."""
    seen, chain = set(), []
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    return chain[::-1]


def explain(exc: BaseException, path: str | os.PathLike | None = None) -> str | None:
    """The first cause of a database or file failure in Vietnamese — a full disk, a read-only folder, an unplugged
    drive — instead of what DuckDB says last («cannot rollback - no transaction is active», «database has been
    invalidated»). None when exc is not such a failure (a programming error keeps the generic message)."""
    where = f" ({Path(_key(path or db_path())).parent})"
    if isinstance(exc, (DatabaseLocked, DatabaseGone, UnusableDatabase)):  # already said in Vietnamese
        return str(exc)
    chain = _chain(exc)
    for error in chain:
        if not isinstance(error, (duckdb.Error, OSError)):
            continue
        if isinstance(error, OSError) and error.errno in _FOLDER_ERRNOS:
            return _CAUSES[_FOLDER_ERRNOS[error.errno]][2].format(where=where)
        text = str(error).lower()
        for pattern, _, message in _CAUSES:
            if re.search(pattern, text):
                return message.format(where=where)
    for error in chain:
        if isinstance(error, duckdb.Error) and _INVALIDATED.search(str(error)):
            first = str(error).split("Original error:", 1)[-1].strip().strip('"')[:300]
            return (f"Cơ sở dữ liệu gặp lỗi nghiêm trọng và phải mở lại ({first}); thao tác vừa rồi chưa được lưu. "
                    "Hãy tải lại trang; nếu lỗi còn, báo cho người quản trị.")
    return None
