"""Roll-up across communes (issue 15, item 4): the files a province (Sở Tư pháp) receives from its communes — each
commune's own DuckDB file, or a backup of it (db/tools/backup.py: a copy of the same file) — assembled into ONE file with the
app's schema, so the same pages and figures work on it. `python -m db rollup --out FILE FILE1 FILE2 …`.

How (set-based, never a Python row loop): the output is a new file with the app's schema and reference rows
(migrate + load_reference, as `init --empty`), built under a temporary name beside --out; each input is ATTACHed
READ_ONLY in turn and every data table copied with one `INSERT INTO … SELECT … FROM src.table`, the ids shifted so that
nothing collides: every input numbers its rows from 1, so a table's offset for an input is the largest id already in
the output (the running sum of the earlier inputs' largest ids), added to the table's `id` and to every column that
points to that table. There are no declared foreign keys (a decision of the project), so the columns that point to
another table are the explicit, reviewed map CARRIED below; every table of the schema must be classified in this module
(a test, and the run itself, refuse a table or an `*_id` column nobody classified: its data would be silently lost).
The file is renamed to --out only when complete and its row counts checked; any refusal leaves no output behind.

What is not carried, and why:
- Rules (RULES: categories, rates, the score model, legal-access frameworks, thresholds): one set per file, with no
  commune column, so the output keeps the app's own seeded rules and a commune's local edits are not carried; the
  run names, per input, the rule tables that differ from the app's (printed in the summary). A payment's rate_id is
  matched to the output's rate of the same kind, level, result and start date (else the one in force on that date).
- Accounts and browser sessions: the province creates its own (`python -m db user add … --db FILE`).
- audit_log: the history of changes belongs to each commune's file, which stays the record; its row ids and the ids
  inside its before/after texts would need remapping table by table and would still read as another file's history.
  The output's log starts with its own rows: the reference seeds and one entry for the roll-up itself.
- The commune's settings (who may enter cases, session length) and year locks (period_locks): they steer writing in
  the commune's file, and the roll-up is read-only as a whole.

Inputs at an older schema version are migrated on a temporary copy (the input itself is never written), as a restore
does (db/backup.restore): a commune that has not updated its app can still send its file, and the province does not
have to run migrate on files it received. A newer version is refused (this app cannot read it).

Read-only: the output holds the setting «tong_hop» (the sources and the date, JSON); the write path refuses every
data write on such a file (db/users.refuse_on_rollup, called by authorize()); accounts still work. So the sequences of
the carried tables are left where they are (DuckDB cannot set a sequence): nothing ever draws from them on this file.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from db.core.connection import connect, latest_version, migrate, remember, schema_version
from db.core.text import clean
from db.users import ROLLUP_SETTING
from db.core.writes import audit, transaction

# --- how every table of the schema is handled -------------------------------------------------------------------

# Data rows, copied with their ids shifted: table → {column pointing to another table: that table}. A column that
# holds a list of ids (place_changes.*_village_ids) is shifted element by element. A reference to a RULES table is
# matched by content instead (only rates today: see _rate_map).
CARRIED: dict[str, dict[str, str]] = {
    "communes": {},
    "villages": {"commune_id": "communes", "successor_id": "villages"},
    "teams": {"village_id": "villages"},
    "mediators": {"team_id": "teams"},
    "cases": {"team_id": "teams"},
    "case_parties": {"case_id": "cases"},
    "case_mediators": {"case_id": "cases", "mediator_id": "mediators"},
    "trainings": {"commune_id": "communes"},
    "training_attendance": {"training_id": "trainings", "mediator_id": "mediators"},
    "team_reviews": {"team_id": "teams"},
    "budgets": {"commune_id": "communes"},
    "payments": {"team_id": "teams", "rate_id": "rates"},
    "payment_cases": {"payment_id": "payments", "case_id": "cases", "rate_id": "rates"},
    "self_assessments": {"team_id": "teams"},
    "nominations": {"team_id": "teams", "mediator_id": "mediators"},
    "plans": {"commune_id": "communes"},
    "plan_goals": {"plan_id": "plans"},
    "plan_tasks": {"plan_id": "plans"},
    "task_notes": {"task_id": "plan_tasks"},
    "place_changes": {"commune_id": "communes", "from_village_ids": "villages", "to_village_ids": "villages"},
    # sha256 points to evidence_files by content: the same across files, never shifted.
    "evidence_documents": {"village_id": "villages", "commune_id": "communes"},
    "criteria_manual_points": {"commune_id": "communes"},
}
# Content-keyed rows shared by the inputs: copied once per key (the same uploaded PDF in two communes is one file).
SHARED: dict[str, str] = {"evidence_files": "sha256"}
# Rules: the output's own (the app's seeds); an input's rows that differ are named in the summary, not carried.
RULES: dict[str, str] = {
    "national_categories": "danh mục thống kê", "case_categories": "loại vụ việc", "case_grounds": "căn cứ tiếp nhận",
    "evidence_kinds": "loại tài liệu kiểm chứng", "commendation_calendar": "lịch khen thưởng",
    "plan_targets": "ngưỡng theo luật và mô hình 5 tốt", "rates": "mức chi",
    "score_components": "mô hình chấm điểm", "score_params": "mô hình chấm điểm", "score_bands": "mô hình chấm điểm",
    "candidate_rules": "tiêu chuẩn khen thưởng", "criteria_frameworks": "bộ tiêu chí tiếp cận pháp luật",
    "criteria_criteria": "bộ tiêu chí tiếp cận pháp luật", "criteria_indicators": "bộ tiêu chí tiếp cận pháp luật",
}
# Not copied at all (see the module's docstring for why).
NOT_COPIED = {"users", "sessions", "audit_log", "settings", "period_locks", "schema_version", "work_calendar",
              "work_calendar_source"}
# Tables every input must have (as a restore asks: db/backup.REQUIRED_TABLES).
REQUIRED = ("schema_version", "communes", "villages", "teams", "mediators", "cases", "audit_log")
SOURCE = "rollup_src"  # the alias of the input attached at a time
_REFERENCE_NAME = re.compile(r"(^|_)ids?$")


class RollupError(ValueError):
    """A refusal in one Vietnamese line; nothing was written (no output file left behind)."""


@dataclass
class Source:
    path: Path
    version: int
    communes: list[tuple[str, str | None, str | None]]  # (name, district, province)
    attach: Path | None = None          # the migrated temporary copy, for an input at an older version
    counts: dict[str, int] = field(default_factory=dict)  # rows copied, by table
    cases: int = 0                      # cases not deleted (what the summary calls «vụ việc»)
    rule_differences: list[str] = field(default_factory=list)

    def names(self) -> str:
        return ", ".join(_commune_label(c) for c in self.communes)


@dataclass
class Result:
    out: Path
    sources: list[Source]
    totals: dict[str, int]
    seconds: float


def _commune_label(commune: tuple) -> str:
    name, _, province = commune
    return f"{name} ({province})" if province else name


# --- checking the inputs ----------------------------------------------------------------------------------------

def classify(con) -> list[str]:
    """What this module does not know about the schema of con: a table in none of the lists above, an `*_id`/`*_ids`
    column of a carried table missing from CARRIED, a reference to a table that is neither carried with ids nor rates.
    Empty when every table and reference is accounted for."""
    catalog = con.execute("SELECT current_database()").fetchone()[0]
    columns = {table: [c for c, _ in found] for table, found in _columns(con, catalog).items()}
    known = set(CARRIED) | set(SHARED) | set(RULES) | NOT_COPIED
    problems = [f"bảng {t} chưa được phân loại" for t in sorted(set(columns) - known)]
    for table, refs in CARRIED.items():
        for column in columns.get(table, []):
            if column != "id" and _REFERENCE_NAME.search(column) and column not in refs:
                problems.append(f"cột {table}.{column} chưa có trong bản đồ tham chiếu")
        for column, target in refs.items():
            if target != "rates" and (target not in CARRIED or "id" not in columns.get(target, [])):
                problems.append(f"cột {table}.{column} trỏ tới bảng {target} không được chép kèm số hiệu")
    return problems


def _sniff(path: Path) -> None:
    """Refuse before DuckDB sees it: DuckDB would turn an empty file into a new database."""
    if not path.exists():
        raise RollupError(f"không có tệp {path}.")
    if not path.is_file():
        raise RollupError(f"{path} không phải một tệp (là thư mục?).")
    if path.stat().st_size == 0:
        raise RollupError(f"tệp {path} rỗng (0 byte): không phải tệp dữ liệu của ứng dụng.")
    with open(path, "rb") as handle:
        head = handle.read(12)
    if len(head) < 12 or head[8:12] != b"DUCK":
        excel = " (tệp Excel xuất ra không dùng để tổng hợp được)" if path.suffix.lower() in (".xlsx", ".xls") else ""
        raise RollupError(f"tệp {path} không phải tệp dữ liệu DuckDB của ứng dụng{excel}: cần tệp .duckdb của xã hoặc "
                          "bản sao lưu của nó.")


def _open_failure(path: Path, exc: duckdb.Error) -> RollupError:
    if "lock" in str(exc).lower():
        return RollupError(f"tệp {path} đang được một chương trình khác mở (ứng dụng của xã?): đóng chương trình đó, "
                           "hoặc tổng hợp từ bản sao lưu của tệp (python -m db backup).")
    return RollupError(f"tệp {path} không mở được như tệp dữ liệu DuckDB ({str(exc).splitlines()[0][:200]}).")


def check_input(path: Path) -> Source:
    """The input's schema version and communes, once it is known to be this app's file at a version this app reads;
    else RollupError. Opened read-only: nothing is written into it."""
    _sniff(path)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise _open_failure(path, exc) from exc
    try:
        version = schema_version(con)
        if version == 0:
            raise RollupError(f"tệp {path} là tệp DuckDB nhưng không phải dữ liệu của ứng dụng hòa giải (không có "
                              "bảng phiên bản lược đồ schema_version).")
        if version > latest_version():
            raise RollupError(f"tệp {path} có phiên bản lược đồ {version}, mới hơn phiên bản ứng dụng này hiểu "
                              f"({latest_version()}): hãy cập nhật ứng dụng trước khi tổng hợp.")
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
        missing = [t for t in REQUIRED if t not in tables]
        if missing:
            raise RollupError(f"tệp {path} thiếu bảng {', '.join(missing)}: không phải tệp đầy đủ của ứng dụng.")
        district = "district" if "district" in {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND table_name = 'communes'").fetchall()} else "NULL"
        communes = con.execute(f"SELECT name, {district}, province FROM communes ORDER BY id").fetchall()
    except duckdb.Error as exc:
        raise RollupError(f"tệp {path} không đọc được ({str(exc).splitlines()[0][:200]}).") from exc
    finally:
        con.close()
    if not communes:
        raise RollupError(f"tệp {path} chưa có xã nào: không có gì để tổng hợp.")
    return Source(path=path, version=version, communes=communes)


def _same_file(a: Path, b: Path) -> bool:
    if os.path.abspath(a) == os.path.abspath(b):
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _commune_key(commune: tuple) -> tuple[str, str]:
    name, _, province = commune
    return ((clean(name) or "").casefold(), (clean(province) or "").casefold())


def check_sources(sources: list[Source]) -> None:
    """One commune once: the same file named twice, or the same commune (name and province; the district too when
    both files give it — two communes of one name in different districts existed before 2025) in two inputs."""
    seen: dict[tuple[str, str], tuple[tuple, Source]] = {}
    for i, source in enumerate(sources):
        for earlier in sources[:i]:
            if _same_file(source.path, earlier.path):
                raise RollupError(f"tệp {source.path} được nêu hai lần.")
        for commune in source.communes:
            key = _commune_key(commune)
            if key in seen:
                other, where = seen[key]
                districts = {(clean(d) or "").casefold() for d in (other[1], commune[1]) if clean(d)}
                if len(districts) < 2:
                    place = "cùng tệp" if where is source else f"cả {where.path} và {source.path}"
                    raise RollupError(f"xã «{_commune_label(commune)}» có trong {place}: mỗi xã chỉ tổng hợp một lần "
                                      "(bỏ bớt một tệp).")
            seen.setdefault(key, (commune, source))


def _migrated_copy(source: Source, copy: Path) -> Path:
    """The input at the current schema version, on a temporary copy (the input itself is never written)."""
    shutil.copyfile(source.path, copy)
    if Path(f"{source.path}.wal").exists():
        shutil.copyfile(f"{source.path}.wal", f"{copy}.wal")
    con = duckdb.connect(str(copy))
    try:
        con.execute("SET enable_progress_bar = false")
        migrate(con, backup_first=False)  # the input itself is the backup
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise RollupError(f"tệp {source.path} (phiên bản lược đồ {source.version}) không nâng cấp được lên phiên bản "
                          f"{latest_version()}: {str(exc).splitlines()[0][:200]}.") from exc
    finally:
        con.close()
    return copy


# --- building the output -----------------------------------------------------------------------------------------

def _columns(con, catalog: str) -> dict[str, list[tuple[str, str]]]:
    """table → [(column, type)] of every table of catalog (one catalog query: they are slow to repeat)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in con.execute(
            "SELECT c.table_name, c.column_name, c.data_type FROM duckdb_columns() c JOIN duckdb_tables() t "
            "ON t.database_name = c.database_name AND t.schema_name = c.schema_name AND t.table_name = c.table_name "
            "WHERE c.database_name = ? ORDER BY c.table_name, c.column_index", [catalog]).fetchall():
        found.setdefault(table, []).append((column, kind))
    return found


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rate_map(cur, out: str) -> None:
    """temp.rollup_rates(source_id, target_id): each input rate row → the output's row of the same kind, level, result,
    province and start date; else the output's rate of that kind and level in force on that start date (the output's
    rate_id_on macro, db/funding/funding.sql); NULL when the output has none."""
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE rollup_rates AS
        SELECT s.id AS source_id,
               coalesce((SELECT min(r.id) FROM {out}.rates r
                         WHERE r.kind = s.kind AND r.level = s.level AND r.result IS NOT DISTINCT FROM s.result
                           AND r.province IS NOT DISTINCT FROM s.province AND r.valid_from = s.valid_from),
                        rate_id_on(s.kind, s.level, s.result, s.valid_from)) AS target_id
        FROM {SOURCE}.rates s""")


def _copy_source(cur, catalog: str, ours: dict[str, list[tuple[str, str]]], source: Source) -> None:
    """Every carried table of the attached input into the output (catalog, whose columns are `ours`), ids shifted;
    shared rows once; which rule tables differ."""
    out = _q(catalog)
    theirs_all = _columns(cur, SOURCE)
    id_tables = [t for t in CARRIED if any(c == "id" for c, _ in ours[t])]
    offsets = dict(zip(id_tables, cur.execute(
        "SELECT " + ", ".join(f"(SELECT coalesce(max(id), 0) FROM {out}.{t})" for t in id_tables)).fetchone()))
    _rate_map(cur, out)
    for table, refs in CARRIED.items():
        columns = ours[table]
        theirs = {c for c, _ in theirs_all.get(table, [])}
        if theirs != {c for c, _ in columns}:
            raise RollupError(f"tệp {source.path}: bảng {table} có cột khác với phiên bản ứng dụng này "
                              f"({', '.join(sorted(theirs ^ {c for c, _ in columns}))}).")
        values = []
        for column, kind in columns:
            target = table if column == "id" else refs.get(column)
            if target is None:
                values.append(f"s.{_q(column)}")
            elif target == "rates":
                values.append(f"(SELECT m.target_id FROM temp.rollup_rates m WHERE m.source_id = s.{_q(column)})")
            elif kind.endswith("[]"):
                values.append(f"list_transform(s.{_q(column)}, lambda x: x + {offsets[target]})")
            else:
                values.append(f"s.{_q(column)} + {offsets[target]}")
        names = ", ".join(_q(c) for c, _ in columns)
        added = cur.execute(f"INSERT INTO {out}.{table} ({names}) SELECT {', '.join(values)} "
                            f"FROM {SOURCE}.{table} s").fetchone()[0]
        source.counts[table] = added
    source.cases = cur.execute(f"SELECT count(*) FROM {SOURCE}.cases WHERE deleted_at IS NULL").fetchone()[0]
    for table, key in SHARED.items():
        names = ", ".join(_q(c) for c, _ in ours[table])
        cur.execute(f"INSERT INTO {out}.{table} ({names}) SELECT {names} FROM {SOURCE}.{table} s "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {out}.{table} o WHERE o.{key} = s.{key})")
    tests = []
    for table in RULES:
        names = ", ".join(_q(c) for c, _ in ours[table] if c not in ("id", "version"))
        tests.append(f"EXISTS (SELECT {names} FROM {SOURCE}.{table} EXCEPT SELECT {names} FROM {out}.{table})")
    differs = cur.execute("SELECT " + ", ".join(tests)).fetchone()
    source.rule_differences = list(dict.fromkeys(label for label, d in zip(RULES.values(), differs) if d))


def _clear(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)


def _check_output(out: Path, force: bool) -> None:
    if out.is_dir():
        raise RollupError(f"{out} là thư mục: hãy nêu tên tệp tổng hợp, ví dụ {out / 'tong-hop.duckdb'}.")
    if not out.exists():
        return
    if not force:
        raise RollupError(f"tệp {out} đã tồn tại; thêm --force để ghi đè.")
    try:
        duckdb.connect(str(out), read_only=True).close()
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            raise RollupError(f"tệp {out} đang được một chương trình khác mở (ứng dụng?): đóng chương trình đó rồi "
                              "tổng hợp lại.") from exc
        # not a DuckDB file: --force replaces it all the same


def rollup(paths: list[str | os.PathLike], out: str | os.PathLike, *, force: bool = False,
           actor: str = "dòng lệnh") -> Result:
    """The read-only roll-up of the input files at out; RollupError (Vietnamese, one line) on bad input, and then no
    file at out (an existing one, with force, is replaced only by a complete new one)."""
    started = time.perf_counter()
    out = Path(out)
    if not paths:
        raise RollupError("chưa nêu tệp nào để tổng hợp.")
    sources = [check_input(Path(p)) for p in paths]
    for source in sources:
        if _same_file(source.path, out):
            raise RollupError(f"tệp kết quả {out} trùng với tệp nguồn {source.path}.")
    check_sources(sources)
    _check_output(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    building = out.with_name(out.name + ".dang-tong-hop")
    _clear(building)
    work = Path(tempfile.mkdtemp(prefix=".tong-hop-", dir=out.parent))
    con = None
    try:
        for i, source in enumerate(sources):
            if source.version < latest_version():
                source.attach = _migrated_copy(source, work / f"{i:05d}.duckdb")
        con = connect(building)
        con.execute("SET enable_progress_bar = false")  # a national file takes seconds a table: no bars on the console
        migrate(con, backup_first=False)
        from db.tools.seed import load_reference
        load_reference(con)
        if problems := classify(con):
            raise RollupError("db/tools/rollup.py chưa biết cấu trúc mới của cơ sở dữ liệu (" + "; ".join(problems)
                              + "): cần cập nhật trước khi tổng hợp.")
        catalog = con.execute("SELECT current_database()").fetchone()[0]
        ours = _columns(con, catalog)
        for source in sources:
            try:
                literal = str(source.attach or source.path).replace("'", "''")
                con.execute(f"ATTACH '{literal}' AS {SOURCE} (READ_ONLY)")
            except duckdb.Error as exc:
                raise _open_failure(source.path, exc) from exc
            try:
                con.execute("BEGIN TRANSACTION")
                _copy_source(con, catalog, ours, source)
                con.execute("COMMIT")
            except BaseException:
                try:
                    con.execute("ROLLBACK")
                except duckdb.Error:  # the first error is the one to report
                    pass
                raise
            finally:
                con.execute(f"DETACH {SOURCE}")
        totals = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in CARRIED}
        for table, total in totals.items():
            expected = sum(s.counts[table] for s in sources)
            if total != expected:  # a broken invariant of this module, never the user's input
                raise RuntimeError(f"rollup: {table} has {total} rows, the inputs {expected}")
        totals["evidence_files"] = con.execute("SELECT count(*) FROM evidence_files").fetchone()[0]
        _record(con, sources, actor)
        con.execute("CHECKPOINT")
        con.close()
        con = None
        if Path(f"{building}.wal").exists():
            raise RollupError(f"tệp {building} chưa ghi xong (còn tệp .wal): chưa đưa vào sử dụng.")
        if force:
            Path(f"{out}.wal").unlink(missing_ok=True)  # the replaced file's log: would not match the new file
        from db import install
        install(building, out, replace=force)
    except BaseException:
        if con is not None:
            con.close()
        _clear(building)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    remember(out)
    return Result(out=out, sources=sources, totals=totals, seconds=time.perf_counter() - started)


def _record(con, sources: list[Source], actor: str) -> None:
    """The «tong_hop» setting that makes the file read-only (db/users.refuse_on_rollup), and its audit entry."""
    value = json.dumps({
        "created_at": dt.datetime.now().isoformat(timespec="seconds"),
        "schema_version": latest_version(),
        "sources": [{"file": str(s.path.resolve()), "schema_version": s.version,
                     "communes": [_commune_label(c) for c in s.communes], "cases": s.cases,
                     "rules_not_carried": s.rule_differences} for s in sources],
    }, ensure_ascii=False)
    with transaction(con) as cur:
        cur.execute("INSERT INTO settings (key, value) VALUES (?, ?)", [ROLLUP_SETTING, value])
        audit(cur, actor, "insert", "settings", None, None, {"key": ROLLUP_SETTING, "value": json.loads(value)})


def rollup_info(con) -> dict | None:
    """What a roll-up file was made from ({'created_at', 'schema_version', 'sources': [...]}); None for a commune's
    own file."""
    row = con.cursor().execute("SELECT value FROM settings WHERE key = ?", [ROLLUP_SETTING]).fetchone()
    if row is None:
        return None
    try:
        return json.loads(row[0])
    except ValueError:
        return {"sources": []}


def summary(result: Result) -> list[str]:
    """The lines `python -m db rollup` prints."""
    def n(value: int) -> str:
        return f"{value:,}".replace(",", ".")

    t = result.totals
    seconds = f"{result.seconds:.1f}".replace(".", ",")
    lines = [f"Đã tổng hợp {len(result.sources)} tệp vào {result.out} (chỉ để xem): {n(t['communes'])} xã, "
             f"{n(t['villages'])} thôn, {n(t['teams'])} tổ hòa giải, {n(t['mediators'])} hòa giải viên, "
             f"{n(sum(s.cases for s in result.sources))} vụ việc; phiên bản lược đồ {latest_version()}; {seconds} giây."]
    for s in result.sources:
        upgraded = f"; đã nâng cấp từ phiên bản {s.version} trên bản chép tạm" if s.version < latest_version() else ""
        lines.append(f"  {s.path.name}: {s.names()} — {n(s.counts.get('villages', 0))} thôn, "
                     f"{n(s.cases)} vụ việc{upgraded}.")
    lines.append("Quy định (danh mục, mức chi, mô hình chấm điểm, tiêu chuẩn khen thưởng, bộ tiêu chí) theo mặc định "
                 "của ứng dụng: chỉnh sửa riêng của từng xã không được mang sang.")
    for s in result.sources:
        if s.rule_differences:
            lines.append(f"  {s.path.name} ({s.names()}) có quy định khác mặc định, không mang sang: "
                         f"{', '.join(s.rule_differences)}.")
    lines.append("Không chép tài khoản, nhật ký thay đổi, thiết lập và khóa số liệu của các xã. Tạo tài khoản cho tệp "
                 f"tổng hợp: python -m db user add TÊN --role lanh_dao --db {result.out}")
    return lines
