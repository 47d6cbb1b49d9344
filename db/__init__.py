"""Database layer: schema, the one write path, and every figure in SQL. Pages call only this package."""
from __future__ import annotations

import os
from pathlib import Path

from db.connection import DatabaseLocked, connect, db_path, migrate


def create_database(path: str | os.PathLike, *, demo: bool = True, progress=None):
    """A new file: schema, reference lists, and the demo commune unless demo=False.
    progress(share 0–1, Vietnamese step), if given, follows the build (the app's first-start screen)."""
    from db.seed import load_demo, load_reference

    con = connect(path)
    try:
        if progress:
            progress(0.0, "Tạo cấu trúc dữ liệu")
        migrate(con)
        load_reference(con)
        if demo:
            load_demo(con, progress)
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        Path(path).unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)
        raise
    return con


def open_database(path: str | os.PathLike | None = None, progress=None):
    """The app's way in: an existing file is migrated; a missing one is created with the demo data."""
    path = path or db_path()
    if not Path(path).exists():
        return create_database(path, demo=True, progress=progress)
    from db.seed import load_reference

    con = connect(path)
    migrate(con)
    load_reference(con)
    return con


__all__ = ["DatabaseLocked", "connect", "create_database", "db_path", "migrate", "open_database"]
