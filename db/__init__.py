"""Database layer: schema, the one write path, and every figure in SQL. Pages call only this package."""
from __future__ import annotations

import os
from pathlib import Path

from db.connection import DatabaseLocked, connect, db_path, migrate


def create_database(path: str | os.PathLike, *, demo: bool = True):
    """A new file: schema, reference lists, and the demo commune unless demo=False."""
    from db.seed import load_demo, load_reference

    con = connect(path)
    try:
        migrate(con)
        load_reference(con)
        if demo:
            load_demo(con)
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        Path(path).unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)
        raise
    return con


def open_database(path: str | os.PathLike | None = None):
    """The app's way in: an existing file is migrated; a missing one is created with the demo data."""
    path = path or db_path()
    if not Path(path).exists():
        return create_database(path, demo=True)
    from db.seed import load_reference

    con = connect(path)
    migrate(con)
    load_reference(con)
    return con


__all__ = ["DatabaseLocked", "connect", "create_database", "db_path", "migrate", "open_database"]
