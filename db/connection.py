"""Opening the database file: path from HOAGIAI_DB, migrations, metric views, a clear lock error."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

DEFAULT_DB = "data/hoagiai.duckdb"
MIGRATIONS = Path(__file__).parent / "migrations"
METRICS = Path(__file__).parent / "metrics"


class DatabaseLocked(RuntimeError):
    """Another process holds the DuckDB file (DuckDB allows one writer process per file)."""


def db_path() -> str:
    return os.environ.get("HOAGIAI_DB", DEFAULT_DB)


def connect(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """Open the file, turning DuckDB's lock error into a message a commune officer understands."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseLocked(
                f"Tệp dữ liệu {path} đang được một chương trình khác mở (có thể là một cửa sổ "
                "ứng dụng khác hoặc lệnh python -m db). Hãy đóng chương trình đó rồi thử lại."
            ) from exc
        raise


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    has = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not has:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migration_files() -> list[tuple[int, Path]]:
    files = sorted(MIGRATIONS.glob("[0-9][0-9][0-9]_*.sql"))
    return [(int(f.name[:3]), f) for f in files]


def latest_version() -> int:
    return migration_files()[-1][0]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration newer than the file's schema version, each in its own transaction."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())"
    )
    current = schema_version(con)
    applied = []
    for version, file in migration_files():
        if version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, file.stem])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    create_metric_views(con)
    return applied


def create_metric_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the metric views: each figure's rule lives in one SQL file under db/metrics/."""
    for file in sorted(METRICS.glob("*.sql")):
        con.execute(file.read_text(encoding="utf-8"))
