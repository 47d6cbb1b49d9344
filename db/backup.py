"""Copies of the database that can be made while the app holds the file.

DuckDB's COPY FROM DATABASE writes every table, view, macro and sequence of the open database into a new file in one
transaction: a consistent snapshot even while others write, unlike copying the file (whose latest changes may still be
in the write-ahead log). The copy is written under a temporary name, checked by opening it, then renamed, so a
half-written file never looks like a backup.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb

from db.connection import schema_version


def backup(con, out_dir: str | os.PathLike, *, label: str = "") -> Path:
    """A verified copy of the open database in out_dir; returns its path (hoagiai-YYYYmmdd-HHMMSS[-label].duckdb)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = out / f"hoagiai-{stamp}{'-' + label if label else ''}.duckdb"
    partial = target.with_suffix(".duckdb.tmp")
    partial.unlink(missing_ok=True)
    cur = con.cursor()
    source = cur.execute("SELECT current_database()").fetchone()[0]
    alias = f"sao_luu_{stamp.replace('-', '_')}"
    # ATTACH and COPY take no parameters: the path and names are the program's own, quotes doubled.
    cur.execute("ATTACH '" + _quoted(partial) + "' AS " + alias)
    try:
        cur.execute('COPY FROM DATABASE "' + source.replace('"', '""') + '" TO ' + alias)
    finally:
        cur.execute("DETACH " + alias)
    _verify(partial, expected=schema_version(cur))
    partial.replace(target)
    return target


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _verify(path: Path, *, expected: int) -> None:
    """The copy opens, is this app's database, at the same schema version."""
    check = duckdb.connect(str(path), read_only=True)
    try:
        found = schema_version(check)
    finally:
        check.close()
    if found != expected:
        raise RuntimeError(f"Bản sao {path} không đọc lại được đúng phiên bản lược đồ ({found} ≠ {expected}).")


def default_dir() -> Path:
    """Backups made by the app: «sao-luu» beside the database file."""
    from db.connection import db_path
    return Path(db_path()).resolve().parent / "sao-luu"
