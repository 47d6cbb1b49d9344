"""Backups and restores that work while the app holds the file, and never leave a half-written file behind.

Backup: DuckDB's COPY FROM DATABASE writes every table, view, macro and sequence of the open database into a new file
in one transaction — a consistent snapshot even while others write, unlike copying the file (whose latest changes may
still be in the write-ahead log). The row count of every table is read in that same transaction; the copy, written
under a temporary name, is opened again and must show the same schema version and the same counts before it is
renamed into place. A backup from another process (python -m db backup) while the app holds the file cannot open it
(DuckDB: one process per file): it copies the file and its .wal, checking that the file did not change meanwhile
(see _snapshot), opens that copy (DuckDB replays the log) and backs up from it.

Names: hoagiai-YYYYmmdd-HHMMSS[-N][-label].duckdb in the folder «sao-luu» beside the database file. Automatic
backups (AUTOMATIC: daily, before a migration, before an import) keep the last KEEP_AUTOMATIC of each kind; backups
someone made on purpose (the button, the command line, before leaving the demo) are never deleted by the app.

Restore: the chosen file is checked (a DuckDB file of this app, a schema version this app knows), copied beside the
target under a temporary name, migrated there and verified, and only then renamed over the target in one step; the
current file is kept beside it («…-truoc-khoi-phuc-…»). A kill at any moment leaves the target either as it was or
fully restored.
"""
from __future__ import annotations

import datetime as dt
import glob
import hashlib
import os
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from db.core.connection import (
    DatabaseLocked,
    UnusableDatabase,
    close_all,
    connect,
    database_file,
    exclusive,
    latest_version,
    migrate,
    remember,
    schema_version,
)

PREFIX = "hoagiai"
KEEP_AUTOMATIC = 30
AUTOMATIC = {
    "tu-dong": "Tự động hằng ngày",
    "truoc-nang-cap": "Tự động trước khi nâng cấp lược đồ",
    "truoc-nhap": "Tự động trước khi nhập dữ liệu",
}
LABELS = {
    **AUTOMATIC,
    "thu-cong": "Sao lưu thủ công (nút «Sao lưu ngay»)",
    "dong-lenh": "Sao lưu bằng lệnh python -m db backup",
    "truoc-xoa-minh-hoa": "Trước khi xóa dữ liệu minh họa",
    "truoc-khoi-phuc": "Dữ liệu đang dùng trước một lần khôi phục",
}
SNAPSHOT_TRIES = 40  # a checkpoint during the copy (rare: DuckDB's log reaches 16 MB first) means try again
# Tables every file of this app has (CONTRACT.md): a restore refuses a file without them.
REQUIRED_TABLES = ("schema_version", "communes", "villages", "teams", "mediators", "cases", "audit_log")
_NAME = re.compile(r"^(?P<prefix>.+?)-(?P<day>\d{8})-(?P<time>\d{6})(?:-(?P<n>\d+))?(?:-(?P<label>[a-z][a-z0-9-]*))?"
                   r"\.duckdb$")


class BackupError(RuntimeError):
    """A backup could not be made or did not read back the same (Vietnamese message)."""


class RestoreRefused(ValueError):
    """A file that must not be restored: not this app's database, a newer schema, the database itself…"""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    made_at: dt.datetime
    size: int
    label: str
    schema_version: int | None  # None: the file does not open as this app's database

    @property
    def kind(self) -> str:
        return LABELS.get(self.label, self.label or "Không ghi loại")

    @property
    def automatic(self) -> bool:
        return self.label in AUTOMATIC


# --- making a backup ------------------------------------------------------------------------------------------------

def backup(con, out_dir: str | os.PathLike, *, label: str = "") -> Path:
    """A verified copy of the open database in out_dir; returns its path (hoagiai-YYYYmmdd-HHMMSS[-label].duckdb)."""
    if label and not re.fullmatch(r"[a-z][a-z0-9-]*", label):
        raise ValueError(f"label {label!r}: lowercase ASCII words joined by '-'")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = _new_name(out, label)
    partial = target.with_name(target.name + ".tmp")
    _remove(partial)
    cur = con.cursor()
    try:
        source = cur.execute("SELECT current_database()").fetchone()[0]
        alias = f"sao_luu_{secrets.token_hex(4)}"
        # ATTACH and COPY take no parameters: the path and names are the program's own, quotes doubled. READ_WRITE:
        # a read-only connection (python -m db backup on a file nobody holds) would attach read-only too.
        cur.execute("ATTACH '" + _quoted(partial) + "' AS " + alias + " (READ_WRITE)")
        try:
            cur.execute("BEGIN TRANSACTION")
            try:
                cur.execute('COPY FROM DATABASE "' + source.replace('"', '""') + '" TO ' + alias)
                counts = _counts(cur, source)
                version = schema_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                _rollback(cur)
                raise
        finally:
            cur.execute("DETACH " + alias)
    except BaseException:
        _remove(partial)
        raise
    finally:
        cur.close()
    try:
        _verify(partial, expected=version, counts=counts)
        _fsync(partial)
        os.replace(partial, target)
    except BaseException:
        _remove(partial)
        raise
    _sync_folder(out)
    return target


def automatic_backup(con, kind: str, out_dir: str | os.PathLike | None = None) -> Path:
    """A backup of one automatic kind (AUTOMATIC), then the oldest of that kind beyond KEEP_AUTOMATIC removed."""
    if kind not in AUTOMATIC:
        raise ValueError(f"not an automatic backup kind: {kind}")
    out = Path(out_dir) if out_dir else backup_dir(con)
    made = backup(con, out, label=kind)
    prune(out, kind)
    return made


_daily_done: set[tuple[str, str]] = set()


def daily_backup(con, out_dir: str | os.PathLike | None = None) -> Path | None:
    """Once a day, on the first use: a backup labelled «tu-dong» unless one of today exists (then nothing, in
    microseconds: a set lookup, or one folder listing per process and day). Returns the new backup or None."""
    out = Path(out_dir) if out_dir else backup_dir(con)
    today = dt.date.today().strftime("%Y%m%d")
    if (str(out), today) in _daily_done:
        return None
    if out.is_dir() and any(out.glob(f"{PREFIX}-{today}-*-tu-dong.duckdb")):
        _daily_done.add((str(out), today))
        return None
    made = automatic_backup(con, "tu-dong", out)
    _daily_done.add((str(out), today))
    return made


def backup_dir(con=None) -> Path:
    """«sao-luu» beside the database file of con (or of HOAGIAI_DB)."""
    file = database_file(con) if con is not None else None
    if file is None:
        return default_dir()
    return file.parent / "sao-luu"


def default_dir() -> Path:
    """Backups made by the app: «sao-luu» beside the database file."""
    from db.core.connection import db_path
    return Path(db_path()).resolve().parent / "sao-luu"


def backup_file(path: str | os.PathLike, out_dir: str | os.PathLike, *, label: str = "dong-lenh") -> tuple[Path, bool]:
    """A backup of the file at path from outside the app (the command line): opened read-only when nobody holds it;
    while the app (another process) holds it, from a consistent copy of the file and its log. Returns the backup
    and whether the copy was needed."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"không có tệp dữ liệu {path}.")
    try:
        con = connect(path, read_only=True)
    except DatabaseLocked:
        con = None
    except duckdb.Error as exc:
        raise BackupError(f"không mở được {path}: {_short(exc)}") from exc
    if con is None:
        return _backup_from_snapshot(path, Path(out_dir), label), True
    try:
        if schema_version(con) == 0:
            raise BackupError(f"{path} không phải tệp dữ liệu của ứng dụng (không có bảng schema_version).")
        return backup(con, out_dir, label=label), False
    finally:
        con.close()


def _backup_from_snapshot(path: Path, out: Path, label: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tam-sao-luu-", dir=out))
    try:
        copy = work / path.name
        for attempt in range(SNAPSHOT_TRIES):
            if _snapshot(path, copy):
                break
            time.sleep(0.01 * (1 + attempt % 5))
        else:
            raise BackupError(f"tệp {path} đang được ghi liên tục, chưa chép được một bản nhất quán sau "
                              f"{SNAPSHOT_TRIES} lần thử: hãy thử lại sau ít phút.")
        try:
            con = duckdb.connect(str(copy))  # replays the copied log: every change committed before the copy
        except duckdb.Error as exc:
            raise BackupError(f"bản chép của {path} không mở được ({_short(exc)}): hãy thử lại.") from exc
        try:
            if schema_version(con) == 0:
                raise BackupError(f"{path} không phải tệp dữ liệu của ứng dụng (không có bảng schema_version).")
            return backup(con, out, label=label)
        finally:
            con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _snapshot(path: Path, copy: Path) -> bool:
    """Copy the file, then its log, then read the file again: True if the file did not change meanwhile.

    DuckDB writes committed changes to the log (.wal, append-only) and the file itself only at a checkpoint. A file
    unchanged from before the log was copied until after, with the log read in that window, is exactly what a crash
    at that moment would leave on disk — which DuckDB recovers by design (a half-written last log entry is dropped).
    The file's bytes are compared, not only its size and time (a file system keeps times to a few milliseconds)."""
    wal, copy_wal = Path(f"{path}.wal"), Path(f"{copy}.wal")
    copy_wal.unlink(missing_ok=True)
    before = _copy_hashing(path, copy)
    try:
        with open(wal, "rb") as source, open(copy_wal, "wb") as target:
            shutil.copyfileobj(source, target, 1 << 20)
    except FileNotFoundError:  # no log (all checkpointed), or checkpointed away just now: the file tells
        copy_wal.unlink(missing_ok=True)
    return _copy_hashing(path, None) == before


def _copy_hashing(source: Path, target: Path | None) -> str:
    """The file's hash, copying it to target on the way (None: only read)."""
    digest = hashlib.blake2b(digest_size=32)
    with open(source, "rb") as reader, open(target or os.devnull, "wb") as writer:
        while block := reader.read(1 << 20):
            digest.update(block)
            if target:
                writer.write(block)
    return digest.hexdigest()


def _counts(cur, catalog: str) -> dict[str, int]:
    tables = [row[0] for row in cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND NOT temporary ORDER BY table_name",
        [catalog]).fetchall()]
    return {t: cur.execute('SELECT count(*) FROM "' + t.replace('"', '""') + '"').fetchone()[0] for t in tables}


def _verify(path: Path, *, expected: int, counts: dict[str, int] | None = None) -> None:
    """The copy opens, is this app's database at the same schema version, with the same rows in every table."""
    check = duckdb.connect(str(path), read_only=True)
    try:
        found = schema_version(check)
        found_counts = _counts(check, check.execute("SELECT current_database()").fetchone()[0])
    finally:
        check.close()
    if found != expected:
        raise BackupError(f"Bản sao {path} không đọc lại được đúng phiên bản lược đồ ({found} ≠ {expected}).")
    if counts is not None and found_counts != counts:
        differ = sorted(t for t in set(counts) | set(found_counts) if counts.get(t) != found_counts.get(t))
        raise BackupError(f"Bản sao {path} đọc lại khác bản gốc ở bảng {', '.join(differ[:5])}.")


def prune(out_dir: str | os.PathLike, kind: str, keep: int = KEEP_AUTOMATIC) -> list[Path]:
    """Remove the oldest automatic backups of one kind beyond the newest `keep`; never another kind."""
    if kind not in AUTOMATIC:
        raise ValueError(f"only automatic backups are pruned, not {kind!r}")
    mine = [b for b in list_backups(out_dir, versions=False) if b.label == kind]
    removed = []
    for old in mine[keep:]:
        _remove(old.path)
        removed.append(old.path)
    return removed


def list_backups(out_dir: str | os.PathLike, *, versions: bool = True) -> list[BackupFile]:
    """The backups in a folder, newest first. versions=True opens each one read-only for its schema version."""
    out = Path(out_dir)
    if not out.is_dir():
        return []
    found = []
    for file in out.glob("*.duckdb"):
        try:
            stat = file.stat()
        except OSError:
            continue
        match = _NAME.match(file.name)
        if match:
            made = dt.datetime.strptime(match["day"] + match["time"], "%Y%m%d%H%M%S")
            label, n = match["label"] or "", int(match["n"] or 0)
        else:
            made, label, n = dt.datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0), "", 0
        version = schema_version_of(file) if versions else None
        found.append((made, n, BackupFile(file, made, stat.st_size, label, version)))
    found.sort(key=lambda item: (item[0], item[1], item[2].path.name), reverse=True)
    return [item[2] for item in found]


def kept_files(database: str | os.PathLike, *, versions: bool = True) -> list[BackupFile]:
    """The files a restore kept beside the database («…-truoc-khoi-phuc-YYYYmmdd-HHMMSS.duckdb»), newest first:
    restoring one of them undoes that restore."""
    database = Path(database)
    found = []
    for file in database.parent.glob(f"{glob.escape(database.stem)}-truoc-khoi-phuc-*{database.suffix}"):
        match = re.search(r"-truoc-khoi-phuc-(\d{8}-\d{6})", file.name)
        try:
            stat = file.stat()
            made = dt.datetime.strptime(match[1], "%Y%m%d-%H%M%S") if match else None
        except (OSError, ValueError):
            continue
        made = made or dt.datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0)
        version = schema_version_of(file) if versions else None
        found.append(BackupFile(file, made, stat.st_size, "truoc-khoi-phuc", version))
    return sorted(found, key=lambda b: (b.made_at, b.path.name), reverse=True)


def schema_version_of(path: str | os.PathLike) -> int | None:
    """A file's schema version read-only; None if it does not open as this app's database."""
    try:
        check = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        return schema_version(check) or None
    except duckdb.Error:
        return None
    finally:
        check.close()


def _new_name(out: Path, label: str) -> Path:
    """A name no other backup has, even two in the same second."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = f"-{label}" if label else ""
    target = out / f"{PREFIX}-{stamp}{suffix}.duckdb"
    n = 1
    while target.exists() or Path(f"{target}.tmp").exists():
        n += 1
        target = out / f"{PREFIX}-{stamp}-{n}{suffix}.duckdb"
    return target


# --- restoring --------------------------------------------------------------------------------------------------------

def check_backup(source: str | os.PathLike) -> dict:
    """What a file holds if it may be restored: {'schema_version', 'communes', 'cases', 'last_change'}; else
    RestoreRefused naming the reason. The file is opened read-only: nothing is written into it."""
    source = Path(source)
    _sniff(source)
    con = _open_candidate(source, source, read_only=True)
    try:
        return _summary(con, source)
    finally:
        con.close()


def restore(source: str | os.PathLike, target: str | os.PathLike, *, release=None) -> Path | None:
    """Put the backup `source` in place of the database file `target`; returns where the current file was kept
    (None if there was none). release(), if given, is called just before the swap (the app closes its connection
    there). Refuses (RestoreRefused, in Vietnamese) a missing, empty or non-DuckDB file, another program's DuckDB
    file, a newer schema, and the database file itself; DatabaseLocked if another program holds the target."""
    source, target = Path(source), Path(target)
    _refuse_same(source, target)
    _sniff(source)
    work = target.with_name(target.name + ".khoi-phuc")
    _remove(work)
    try:
        shutil.copyfile(source, work)
        if Path(f"{source}.wal").exists():
            shutil.copyfile(f"{source}.wal", f"{work}.wal")
        con = _open_candidate(work, source)
        try:
            migrate(con, backup_first=False)  # the source itself is the backup
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if Path(f"{work}.wal").exists():
            raise BackupError(f"Bản chép {work} chưa ghi xong (còn tệp .wal): chưa khôi phục.")
        _verify(work, expected=latest_version())
        _fsync(work)
        with exclusive():  # no browser session of this process opens the file while it is swapped
            if release:
                release()
            keep = None
            if target.exists():
                _release_target(target)
                keep = target.with_name(f"{target.stem}-truoc-khoi-phuc-{dt.datetime.now():%Y%m%d-%H%M%S}"
                                        f"{target.suffix}")
                _link_or_copy(target, keep)
            else:
                wal = Path(f"{target}.wal")
                if wal.exists():  # belongs to the missing file: keep it aside, DuckDB would refuse the pair
                    wal.replace(wal.with_name(f"{wal.name}.mo-coi-{dt.datetime.now():%Y%m%d-%H%M%S}"))
            os.replace(work, target)
            _sync_folder(target.parent)
    except BaseException:
        _remove(work)
        raise
    remember(target)
    return keep


def _refuse_same(source: Path, target: Path) -> None:
    same = os.path.abspath(source) == os.path.abspath(target)
    if not same and source.exists() and target.exists():
        try:
            same = os.path.samefile(source, target)
        except OSError:
            pass
    if same:
        raise RestoreRefused(f"Tệp {source} chính là tệp dữ liệu đang dùng: không khôi phục một tệp lên chính nó.")


def _sniff(source: Path) -> None:
    """Refuse before DuckDB sees it: DuckDB would turn an empty file into a new database."""
    if not source.is_file():
        raise RestoreRefused(f"Không có tệp sao lưu {source}.")
    size = source.stat().st_size
    if size == 0:
        raise RestoreRefused(f"Tệp {source} rỗng (0 byte): không phải bản sao lưu.")
    with open(source, "rb") as handle:
        head = handle.read(12)
    if len(head) < 12 or head[8:12] != b"DUCK":
        raise RestoreRefused(f"Tệp {source} không phải tệp dữ liệu DuckDB (không phải bản sao lưu của ứng dụng).")


def _open_candidate(copy: Path, source: Path, *, read_only: bool = False):
    """A connection on a file to restore (or its temporary copy), once it is known to be this app's database at a
    schema version this app knows."""
    try:
        con = duckdb.connect(str(copy), read_only=read_only)
    except duckdb.Error as exc:
        raise RestoreRefused(f"Tệp {source} không mở được như tệp dữ liệu DuckDB ({_short(exc)}).") from exc
    try:
        version = schema_version(con)
        if version == 0:
            raise RestoreRefused(f"Tệp {source} là tệp DuckDB nhưng không phải dữ liệu của ứng dụng hòa giải (không "
                                 "có bảng phiên bản lược đồ schema_version).")
        if version > latest_version():
            raise RestoreRefused(f"Tệp {source} có phiên bản lược đồ {version}, mới hơn phiên bản ứng dụng này hiểu "
                                 f"({latest_version()}): hãy cập nhật ứng dụng trước khi khôi phục tệp này.")
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise RestoreRefused(f"Tệp {source} thiếu bảng {', '.join(missing)}: không phải bản sao lưu đầy đủ của "
                                 "ứng dụng.")
        _counts(con, con.execute("SELECT current_database()").fetchone()[0])  # every table reads
    except BaseException:
        con.close()
        raise
    return con


def _summary(con, source: Path) -> dict:
    def one(sql: str):
        return con.execute(sql).fetchone()[0]

    return {
        "schema_version": schema_version(con),
        "communes": one("SELECT count(*) FROM communes"),
        "cases": one("SELECT count(*) FROM cases"),
        "last_change": one('SELECT max("at") FROM audit_log'),
        "size": source.stat().st_size,
    }


def _release_target(target: Path) -> None:
    """The target must be free (no other program holds it) and fully checkpointed (no .wal) before it is kept and
    replaced: opening and closing it here does both, or raises DatabaseLocked."""
    close_all(target)  # this process's own connections first: else DuckDB hands back their instance, unflushed
    connect(target).close()
    close_all(target)
    if Path(f"{target}.wal").exists():
        raise BackupError(f"Tệp dữ liệu {target} còn thay đổi chưa ghi hết (tệp .wal): đóng ứng dụng rồi thử lại.")


def _link_or_copy(target: Path, keep: Path) -> None:
    """The current file kept under another name: a hard link (instant, no extra space) or, where links are not
    supported, a copy made before the swap."""
    try:
        os.link(target, keep)
    except OSError:
        partial = keep.with_name(keep.name + ".tmp")
        shutil.copy2(target, partial)
        _fsync(partial)
        os.replace(partial, keep)


# --- small helpers ----------------------------------------------------------------------------------------------------

def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _remove(path: Path) -> None:
    Path(path).unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)


def _rollback(cur) -> None:
    try:
        cur.execute("ROLLBACK")
    except duckdb.Error:  # the first error is the one to report
        pass


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    from db import sync_folder
    sync_folder(folder)


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200]


__all__ = ["AUTOMATIC", "KEEP_AUTOMATIC", "LABELS", "BackupError", "BackupFile", "RestoreRefused", "UnusableDatabase",
           "automatic_backup", "backup", "backup_dir", "backup_file", "check_backup", "daily_backup", "default_dir",
           "kept_files", "list_backups", "prune", "restore", "schema_version_of"]
