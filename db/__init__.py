"""Database layer: schema, the one write path, and every figure in SQL. Pages call only this package."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from db.core.connection import (DatabaseGone, DatabaseLocked, DatabaseMissing, UnusableDatabase, check_app_database,
                           check_file, close_all, connect, db_path, explain, first_start, known_before, migrate,
                           missing_message, probe, remember)


def create_database(path: str | os.PathLike, *, demo: bool = True, progress=None):
    """A new file: schema, reference lists, and the demo commune unless demo=False; returns a connection on it.
    progress(share 0–1, Vietnamese step), if given, follows the build (the app's first-start screen).

    The file is built under a temporary name beside the target («….dang-tao») and renamed into place only when
    complete, so a build killed half-way (kill -9, power cut) never leaves a normal-looking file that lacks data.
    An existing file at path is never replaced (FileExistsError)."""
    from db.tools.seed import load_demo, load_reference

    target = Path(path)
    if target.exists():
        raise FileExistsError(f"Tệp {target} đã tồn tại: không tạo đè lên dữ liệu đang có.")
    building = target.with_name(target.name + ".dang-tao")
    _remove(building)  # a build killed earlier
    con = connect(building)
    try:
        if progress:
            progress(0.0, "Tạo cấu trúc dữ liệu")
        migrate(con)
        load_reference(con)
        if demo:
            load_demo(con, progress)
        con.execute("CHECKPOINT")
        con.close()
        if Path(f"{building}.wal").exists():
            raise RuntimeError(f"Tệp {building} chưa ghi xong (còn tệp .wal): chưa đưa vào sử dụng.")
        _set_aside_orphan_wal(target)
        install(building, target)
    except BaseException:
        con.close()
        _remove(building)
        raise
    remember(target)
    return connect(target)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)


def _set_aside_orphan_wal(target: Path) -> None:
    """A .wal left beside a missing file belongs to another database: DuckDB would refuse to open the new file with
    it («WAL does not match database file»). Kept under another name (it may hold a lost file's last changes)."""
    wal = Path(f"{target}.wal")
    if wal.exists():
        wal.replace(wal.with_name(f"{wal.name}.mo-coi-{dt.datetime.now():%Y%m%d-%H%M%S}"))


def install(source: Path, target: Path, *, replace: bool = False) -> None:
    """Put a complete file at target in one step: a reader sees either no file (or the old one, replace=True) or the
    whole new one. Without replace, an existing target is never overwritten (a hard link refuses it; where links
    are not supported — FAT, some network drives — the rename checks first)."""
    if replace:
        os.replace(source, target)
    else:
        try:
            os.link(source, target)
        except FileExistsError:
            raise FileExistsError(f"Tệp {target} đã tồn tại: không tạo đè lên dữ liệu đang có.") from None
        except OSError:
            if os.name != "nt" and target.exists():  # Windows' rename refuses an existing target by itself
                raise FileExistsError(f"Tệp {target} đã tồn tại: không tạo đè lên dữ liệu đang có.") from None
            os.rename(source, target)
        else:
            os.unlink(source)
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    """Make a rename in folder durable (POSIX): after a power cut the new name is there, not the old one."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def open_database(path: str | os.PathLike | None = None, progress=None):
    """The app's way in. An existing file of this app is migrated (after a backup); a missing file is created with
    the demo data only on a true first start — if this app ever had a database at that path, DatabaseMissing."""
    path = path or db_path()
    if not Path(path).exists():
        if not first_start(path):
            raise DatabaseMissing(missing_message(path), path)
        return create_database(path, demo=True, progress=progress)
    from db.tools.seed import load_reference

    con = connect(path)
    try:
        check_app_database(con, path)
        migrate(con)
        load_reference(con)
    except BaseException:
        con.close()
        raise
    remember(path)
    return con


__all__ = ["DatabaseGone", "DatabaseLocked", "DatabaseMissing", "UnusableDatabase", "check_file", "close_all",
           "connect", "create_database", "db_path", "explain", "first_start", "install", "known_before", "migrate",
           "open_database", "probe", "remember"]
