"""Issue 13, items 7 and 8: the database is never lost silently, and backups work while the app runs.

Real DuckDB files and real processes: a writer in another process while a backup is taken, kill -9 during init and
restore, the file deleted or replaced under a running app (AppTest), DuckDB's fatal errors from a file-size limit —
and, where the machine allows mounting (root), a real full disk and a real read-only folder."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import db
from conftest import ROOT, app_connection, session_of
from db.tools import backup
from db.__main__ import main
from db.core.connection import latest_version, migration_files

GONE = "Không tìm thấy tệp dữ liệu"


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch) -> Path:
    """Each test its own record of known database paths (HOAGIAI_STATE), for this process and its children."""
    folder = tmp_path / "trang-thai"
    monkeypatch.setenv("HOAGIAI_STATE", str(folder))
    return folder


def env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read(path: Path, sql: str):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


# --- 8. backup while another process writes ---------------------------------------------------------------------------

WRITER = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE probe (n INTEGER PRIMARY KEY)")
con.execute("CREATE TABLE counter (n INTEGER)")
con.execute("INSERT INTO counter VALUES (0)")
n = 0
while True:
    n += 1
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO probe VALUES (?)", [n])
    con.execute("UPDATE counter SET n = ?", [n])
    con.execute("COMMIT")
    if n == 1:
        print("ok", flush=True)
    if n % 200 == 0:
        con.execute("CHECKPOINT")  # the file itself changes too (DuckDB does it when the log reaches 16 MB)
"""


def test_a_backup_while_another_process_writes_is_consistent_and_complete(demo_path, tmp_path, capsys):
    cases = read(demo_path, "SELECT count(*) FROM cases")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(demo_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ok"
        out = tmp_path / "sao-luu"
        seen = []
        for _ in range(4):
            time.sleep(0.3)
            assert main(["backup", "--db", str(demo_path), "--out", str(out)]) == 0
            printed = capsys.readouterr().out
            assert "bản chụp nhất quán" in printed  # the file was held: the consistent-copy path
            made = Path(printed.split(" vào ", 1)[1].split(" (", 1)[0])
            con = duckdb.connect(str(made), read_only=True)
            try:
                rows, top, counter = con.execute(
                    "SELECT count(*), max(n), (SELECT n FROM counter) FROM probe").fetchone()
                assert rows == top == counter  # every committed write, and no half of one
                assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == latest_version()
                assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == cases
            finally:
                con.close()
            seen.append(rows)
        assert seen == sorted(seen) and seen[-1] > seen[0]  # taken while the writer went on
        # The command itself, as the officer types it, while the writer still holds the file.
        run = subprocess.run([sys.executable, "-m", "db", "backup", "--db", str(demo_path), "--out", str(out)],
                             cwd=ROOT, env=env(), capture_output=True, text=True, timeout=120, check=False)
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("Đã sao lưu") and "Traceback" not in run.stderr
        assert writer.poll() is None  # the writer never noticed
        assert len(list(out.glob("*.duckdb"))) == 5 and not list(out.glob(".tam-*"))
    finally:
        writer.kill()
        writer.wait()


def test_backup_of_a_free_file_and_its_refusals(demo_path, tmp_path, capsys):
    out = tmp_path / "sao-luu"
    assert main(["backup", "--db", str(demo_path), "--out", str(out)]) == 0
    assert "bản chụp" not in capsys.readouterr().out  # nobody held it: opened read-only, no copy needed
    made = next(out.glob("*.duckdb"))
    assert made.name.endswith("-dong-lenh.duckdb")
    assert read(made, "SELECT count(*) FROM cases") == read(demo_path, "SELECT count(*) FROM cases")
    foreign = tmp_path / "khac.duckdb"
    duckdb.connect(str(foreign)).execute("CREATE TABLE x (a INTEGER)").close()
    assert main(["backup", "--db", str(foreign), "--out", str(out)]) == 2
    assert "không phải tệp dữ liệu của ứng dụng" in capsys.readouterr().err
    assert main(["backup", "--db", str(tmp_path / "khong-co.duckdb"), "--out", str(out)]) == 2
    assert "không có tệp" in capsys.readouterr().err
    assert len(list(out.glob("*.duckdb"))) == 1 and not list(out.glob("*.tmp"))


# --- 8. restore: what is refused, and what survives kill -9 -----------------------------------------------------------

def foreign_file(tmp_path: Path, demo_path: Path) -> Path:
    path = tmp_path / "ung-dung-khac.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE cases (id INTEGER, title VARCHAR)")
    con.execute("INSERT INTO cases VALUES (1, 'không phải của ứng dụng')")
    con.close()
    return path


def newer_file(tmp_path: Path, demo_path: Path) -> Path:
    path = tmp_path / "moi-hon.duckdb"
    shutil.copy(demo_path, path)
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version (version, name) VALUES (?, 'tuong_lai')", [latest_version() + 1])
    con.close()
    return path


def text_file(tmp_path: Path, demo_path: Path) -> Path:
    path = tmp_path / "gia.duckdb"
    path.write_bytes(b"MZ\x90\x00 day khong phai co so du lieu" * 100)
    return path


def empty_file(tmp_path: Path, demo_path: Path) -> Path:
    path = tmp_path / "rong.duckdb"
    path.touch()
    return path


def same_file(tmp_path: Path, demo_path: Path) -> Path:
    return demo_path


def same_file_other_name(tmp_path: Path, demo_path: Path) -> Path:
    path = tmp_path / "lien-ket.duckdb"
    os.link(demo_path, path)
    return path


def missing_file(tmp_path: Path, demo_path: Path) -> Path:
    return tmp_path / "khong-co.duckdb"


REFUSED = [
    (foreign_file, "không phải dữ liệu của ứng dụng hòa giải"),
    (newer_file, f"mới hơn phiên bản ứng dụng này hiểu ({latest_version()})"),
    (text_file, "không phải tệp dữ liệu DuckDB"),
    (empty_file, "rỗng (0 byte)"),
    (same_file, "không khôi phục một tệp lên chính nó"),
    (same_file_other_name, "không khôi phục một tệp lên chính nó"),
    (missing_file, "Không có tệp sao lưu"),
]


@pytest.mark.parametrize(("make", "message"), REFUSED, ids=[m.__name__ for m, _ in REFUSED])
def test_restore_refuses_in_vietnamese_and_changes_nothing(demo_path, tmp_path, capsys, make, message):
    source = make(tmp_path, demo_path)
    before = digest(demo_path)
    listing = sorted(p.name for p in demo_path.parent.iterdir())
    assert main(["restore", str(source), "--db", str(demo_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("Lỗi: ") and err.count("\n") == 1
    assert digest(demo_path) == before
    assert sorted(p.name for p in demo_path.parent.iterdir()) == listing  # no kept copy, no temporary file


def test_restore_keeps_the_current_file_and_brings_an_older_schema_up_to_date(demo_path, tmp_path, capsys):
    # A backup at the previous schema version: built from the migrations before the last one.
    old = tmp_path / "cu.duckdb"
    con = duckdb.connect(str(old))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())")
    for version, file in migration_files()[:-1]:
        con.execute(file.read_text(encoding="utf-8"))
        con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, file.stem])
    con.execute("INSERT INTO communes (id, name, province) VALUES (1, 'Xã Cũ', 'Tỉnh Thử')")
    con.close()
    cases = read(demo_path, "SELECT count(*) FROM cases")
    assert main(["restore", str(old), "--db", str(demo_path)]) == 0
    kept = next(demo_path.parent.glob("hoagiai-truoc-khoi-phuc-*.duckdb"))
    assert read(kept, "SELECT count(*) FROM cases") == cases
    assert read(demo_path, "SELECT name FROM communes") == "Xã Cũ"
    assert read(demo_path, "SELECT max(version) FROM schema_version") == latest_version()
    assert read(old, "SELECT max(version) FROM schema_version") == latest_version() - 1  # the backup untouched
    # The kept file restores too: a restore can be undone.
    assert main(["restore", str(kept), "--db", str(demo_path)]) == 0
    assert read(demo_path, "SELECT count(*) FROM cases") == cases
    # Onto a missing file (the recovery after a lost file): no kept copy.
    demo_path.unlink()
    capsys.readouterr()
    assert main(["restore", str(old), "--db", str(demo_path)]) == 0
    assert "được giữ ở" not in capsys.readouterr().out


def test_kill_during_restore_leaves_the_original_or_the_whole_restore(demo_path, tmp_path):
    original = tmp_path / "goc.duckdb"
    shutil.copy(demo_path, original)
    source = tmp_path / "sao-luu.duckdb"
    shutil.copy(demo_path, source)
    con = duckdb.connect(str(source))
    con.execute("UPDATE communes SET name = 'Xã Đã Khôi Phục'")
    # About 100 MB, so that the copy and the checks take long enough to be interrupted in the middle.
    con.execute("CREATE TABLE ballast AS SELECT repeat(md5(i::varchar), 20) AS s FROM range(300000) t(i)")
    con.close()
    names = {read(original, "SELECT name FROM communes"), "Xã Đã Khôi Phục"}
    cases = read(original, "SELECT count(*) FROM cases")
    outcomes, mid_way = [], 0
    rng = random.Random(13)
    # From before the copy starts (Python's own start takes a few tenths) to after the swap.
    for delay in [0.1, 0.3, 0.45, 0.55, 0.65, 0.75, 0.9, 1.1, 1.6, rng.uniform(0.3, 1.2), rng.uniform(0.3, 1.2)]:
        run = subprocess.Popen([sys.executable, "-m", "db", "restore", str(source), "--db", str(demo_path)],
                               cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        run.send_signal(signal.SIGKILL)
        run.wait()
        mid_way += Path(f"{demo_path}.khoi-phuc").exists()  # killed while copying or checking the copy
        assert demo_path.exists()
        con = duckdb.connect(str(demo_path), read_only=True)  # opens: never a half-copied file
        try:
            name = con.execute("SELECT name FROM communes").fetchone()[0]
            assert name in names
            assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == cases
            assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == latest_version()
        finally:
            con.close()
        outcomes.append(run.returncode == -signal.SIGKILL and name != "Xã Đã Khôi Phục")
        if name == "Xã Đã Khôi Phục":  # the restore had finished: start again from the original
            shutil.copy(original, demo_path)
    assert any(outcomes) and mid_way, "no kill landed in the middle of a restore: the test proved nothing"
    # What a killed run leaves beside the file (its temporary copy) does not stop the next restore.
    assert main(["restore", str(source), "--db", str(demo_path)]) == 0
    assert read(demo_path, "SELECT name FROM communes") == "Xã Đã Khôi Phục"
    assert not Path(f"{demo_path}.khoi-phuc").exists()


# --- 7. init killed half-way ------------------------------------------------------------------------------------------

def test_kill_during_init_never_leaves_a_normal_looking_partial_file(demo_file, tmp_path):
    target = tmp_path / "moi" / "hoagiai.duckdb"
    cases = read(demo_file, "SELECT count(*) FROM cases")
    rng = random.Random(7)
    mid_way = 0
    for delay in [0.8 + rng.uniform(0, 0.5), 2.5 + rng.uniform(0, 1.5), 5 + rng.uniform(0, 3)]:
        run = subprocess.Popen([sys.executable, "-m", "db", "init", "--db", str(target)], cwd=ROOT, env=env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        run.send_signal(signal.SIGKILL)
        run.wait()
        mid_way += Path(f"{target}.dang-tao").exists()
        if target.exists():  # it finished before the kill: then it is complete
            assert read(target, "SELECT count(*) FROM cases") == cases
            assert read(target, "SELECT max(version) FROM schema_version") == latest_version()
            target.unlink()
        else:
            assert run.returncode == -signal.SIGKILL
    assert mid_way, "no kill landed in the middle of a build: the test proved nothing"
    # A build killed earlier leaves only its «.dang-tao» file, which the next init replaces.
    done = subprocess.run([sys.executable, "-m", "db", "init", "--db", str(target)], cwd=ROOT, env=env(),
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert read(target, "SELECT count(*) FROM cases") == cases
    assert sorted(p.name for p in target.parent.iterdir()) == ["hoagiai.duckdb"]


def test_create_database_never_replaces_an_existing_file(demo_path):
    before = digest(demo_path)
    with pytest.raises(FileExistsError, match="đã tồn tại"):
        db.create_database(demo_path, demo=False)
    assert digest(demo_path) == before


# --- 7. the file gone or replaced under a running app -----------------------------------------------------------------

def test_the_file_deleted_under_the_running_app_stops_every_page_and_every_write(app, demo_path):
    app.run()
    assert not app.exception and not errors(app)
    con = app_connection()
    demo_path.unlink()
    for page in (None, "pages/cases.py", "pages/setup.py"):
        if page:
            app.switch_page(page)
        app.run()
        assert not app.exception
        assert any(GONE in e and "ngừng ghi" in e for e in errors(app)), errors(app)
        assert not app.button and not app.text_input  # nothing offered that could write
    assert not demo_path.exists()  # no fresh demo over the lost file
    with pytest.raises(db.DatabaseGone, match=GONE):
        db.check_file(con)
    with pytest.raises(db.DatabaseGone):  # a cursor or a write batch is checked the same way
        db.check_file(con.cursor())


def test_a_write_through_the_write_path_is_refused_once_the_file_is_gone(demo_path):
    from db.core.writes import transaction

    con = db.connect(demo_path)
    try:
        demo_path.unlink()
        with pytest.raises(db.DatabaseGone), transaction(con) as cur:
            cur.execute("UPDATE communes SET name = name")
    finally:
        con.close()


def test_the_file_replaced_under_the_running_app_is_reopened_only_on_request(app, demo_path, tmp_path):
    app.run()
    other = tmp_path / "khac.duckdb"
    shutil.copy(demo_path, other)
    con = duckdb.connect(str(other))
    con.execute("UPDATE communes SET name = 'Xã Thay Thế'")
    con.close()
    os.replace(other, demo_path)
    app.run()
    assert not app.exception
    assert any("đã bị thay bằng một tệp khác" in e for e in errors(app)), errors(app)
    assert [b.label for b in app.button] == ["Mở lại tệp dữ liệu"]
    app.button[0].click().run()
    assert not app.exception and not errors(app)
    con = app_connection()
    assert con.execute("SELECT name FROM communes").fetchone()[0] == "Xã Thay Thế"
    db.check_file(con)  # the new file, checked and writable


def test_a_known_path_missing_at_start_is_refused_and_never_rebuilt(tmp_path, monkeypatch):
    path = tmp_path / "du-lieu" / "hoagiai.duckdb"
    db.create_database(path, demo=False).close()
    shutil.rmtree(path.parent)  # the drive is not there this morning
    # A new process, which never opened the file: the record in HOAGIAI_STATE remembers it.
    run = subprocess.run([sys.executable, "-c", "import sys, db; db.open_database(sys.argv[1])", str(path)],
                         cwd=ROOT, env=env(), capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode != 0 and "DatabaseMissing" in run.stderr and "trước đây đã có dữ liệu" in run.stderr
    assert not path.exists()
    # The app: the message, nothing else, no demo built.
    monkeypatch.setenv("HOAGIAI_DB", str(path))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any(GONE in e and "trước đây đã có dữ liệu ở đây" in e and "python -m db restore" in e
               for e in errors(at)), errors(at)
    assert not at.button and not path.exists() and not path.parent.exists()
    st.cache_resource.clear()
    # Only a path never seen is a first start.
    assert not db.first_start(path)
    assert db.first_start(tmp_path / "chua-tung-co.duckdb")


def test_a_path_this_process_had_open_stays_known_without_a_state_folder(tmp_path, monkeypatch):
    """No writable state folder (HOAGIAI_STATE is a file here): the process itself still remembers, also after its
    connections were closed for a reconnect — a drive unplugged then is never mistaken for a first start."""
    blocker = tmp_path / "khong-phai-thu-muc"
    blocker.write_text("x")
    monkeypatch.setenv("HOAGIAI_STATE", str(blocker))
    path = tmp_path / "o-usb" / "hoagiai.duckdb"
    db.create_database(path, demo=False).close()
    db.close_all(path)
    shutil.rmtree(path.parent)
    with pytest.raises(db.DatabaseMissing, match="trước đây đã có dữ liệu"):
        db.open_database(path)
    assert not path.parent.exists()


# --- 7. DuckDB's fatal errors: the real cause, then recovery ----------------------------------------------------------

@pytest.fixture()
def file_size_limit():
    """set(n): files of this process may not grow beyond n bytes (EFBIG, «File too large», as on a FAT32 drive)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    yield lambda n: resource.setrlimit(resource.RLIMIT_FSIZE, (n, hard))
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    signal.signal(signal.SIGXFSZ, handler)


def invalidate(con, path: Path, limit) -> None:
    """A checkpoint that cannot write: DuckDB invalidates the database."""
    con.execute("SET checkpoint_threshold = '1GB'")
    con.execute("CREATE TABLE ballast AS SELECT repeat(md5(i::varchar), 10) AS s FROM range(60000) t(i)")
    limit(path.stat().st_size)
    with pytest.raises(duckdb.FatalException):
        con.execute("CHECKPOINT")
    assert "invalidated" in str(db.probe(con))


def test_after_a_fatal_error_the_app_shows_the_cause_then_reconnects(app, demo_path, file_size_limit):
    app.run()
    invalidate(app_connection(), demo_path, file_size_limit)
    app.run()  # the cause is still there: reopening fails too
    assert not app.exception
    shown = errors(app)
    assert any("giới hạn kích thước tệp" in e for e in shown), shown
    assert not any("invalidated" in e or "rollback" in e or "ngoài dự kiến" in e for e in shown)
    file_size_limit(resource.RLIM_INFINITY)  # the cause is gone
    app.run()
    assert not app.exception and not errors(app)
    con = app_connection()
    assert db.probe(con) is None
    assert con.execute("SELECT count(*) FROM ballast").fetchone()[0] == 60000  # nothing committed was lost


def test_explain_names_the_first_cause_not_duckdbs_last_words(demo_path):
    con = db.connect(demo_path)
    cur = con.cursor()
    try:
        with pytest.raises(duckdb.Error) as caught:
            try:
                raise duckdb.TransactionException('Failed to commit: Could not write file "x.wal": No space left on '
                                                  'device')
            except duckdb.Error:
                cur.execute("ROLLBACK")  # «cannot rollback - no transaction is active»
        assert "cannot rollback" in str(caught.value)
        assert db.explain(caught.value).startswith("Ổ đĩa chứa tệp dữ liệu đã đầy")
        assert db.explain(OSError(30, "Read-only file system")).startswith("Thư mục dữ liệu")
        assert db.explain(KeyError("x")) is None
    finally:
        cur.close()
        con.close()


def can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    probe = Path(f"/tmp/hoagiai-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(probe)], capture_output=True,
                             check=False)
    ok = mounted.returncode == 0
    if ok:
        subprocess.run(["umount", str(probe)], check=True)
    probe.rmdir()
    return ok


@pytest.fixture()
def small_drive(tmp_path):
    """A real 40 MB drive (tmpfs) that can fill up or turn read-only: needs root, skipped elsewhere."""
    if not can_mount():
        pytest.skip("mounting a test drive needs root")
    drive = tmp_path / "o-dia"
    drive.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(drive)], check=True)
    yield drive
    subprocess.run(["umount", "-l", str(drive)], check=False)


def fill(drive: Path) -> Path:
    stuffing = drive / "day.bin"
    with open(stuffing, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * (1 << 20))
        except OSError:
            pass
    return stuffing


def test_a_real_full_disk_is_named_and_the_app_recovers_once_there_is_room(demo_file, small_drive, monkeypatch):
    path = small_drive / "hoagiai.duckdb"
    shutil.copy(demo_file, path)
    monkeypatch.setenv("HOAGIAI_DB", str(path))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and not errors(at)
    con = app_connection()
    con.execute("SET checkpoint_threshold = '1GB'")
    con.execute("CREATE TABLE ballast AS SELECT repeat(md5(i::varchar), 4) AS s FROM range(20000) t(i)")
    stuffing = fill(small_drive)
    with pytest.raises(duckdb.Error) as caught:  # a checkpoint on a full disk: DuckDB invalidates the database
        con.execute("CHECKPOINT")
    assert db.explain(caught.value, path).startswith("Ổ đĩa chứa tệp dữ liệu đã đầy")
    at.run()
    assert not at.exception
    assert any("Ổ đĩa chứa tệp dữ liệu đã đầy" in e for e in errors(at)), errors(at)
    stuffing.unlink()
    at.run()
    assert not at.exception and not errors(at)
    assert app_connection().execute("SELECT count(*) FROM ballast").fetchone()[0] == 20000
    db.close_all(path)
    st.cache_resource.clear()


def test_a_read_only_drive_is_named_and_the_app_opens_once_it_is_writable(demo_file, small_drive, monkeypatch):
    """(Linux will not turn a drive read-only under a file open for writing: the app starts on it instead.)"""
    path = small_drive / "hoagiai.duckdb"
    shutil.copy(demo_file, path)
    subprocess.run(["mount", "-o", "remount,ro", str(small_drive)], check=True)
    monkeypatch.setenv("HOAGIAI_DB", str(path))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("không ghi được (ổ hoặc thư mục đang ở chế độ chỉ đọc" in e for e in errors(at)), errors(at)
    subprocess.run(["mount", "-o", "remount,rw", str(small_drive)], check=True)
    at.run()
    assert not at.exception and not errors(at)
    db.close_all(path)
    st.cache_resource.clear()


# --- 8. automatic backups ---------------------------------------------------------------------------------------------

def test_the_daily_backup_runs_once_a_day_and_keeps_the_last_n(empty_db, tmp_path):
    out = tmp_path / "sao-luu"
    out.mkdir()
    old_days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(backup.KEEP_AUTOMATIC + 5)]
    for day in old_days:
        (out / f"hoagiai-{day:%Y%m%d}-080000-tu-dong.duckdb").write_bytes(b"cu")
    manual = out / "hoagiai-20230101-080000-thu-cong.duckdb"
    before_import = out / "hoagiai-20230101-090000-truoc-nhap.duckdb"
    for file in (manual, before_import):
        file.write_bytes(b"cu")
    made = backup.daily_backup(empty_db, out)
    assert made is not None and made.name.endswith("-tu-dong.duckdb")
    assert read(made, "SELECT max(version) FROM schema_version") == latest_version()
    daily = sorted(p.name for p in out.glob("*-tu-dong.duckdb"))
    assert len(daily) == backup.KEEP_AUTOMATIC and made.name in daily
    assert f"hoagiai-{old_days[0]:%Y%m%d}-080000-tu-dong.duckdb" not in daily  # the oldest went first
    assert manual.exists() and before_import.exists()  # other kinds untouched
    started = time.perf_counter()
    assert backup.daily_backup(empty_db, out) is None
    backup._daily_done.clear()  # a new process: today's file is found in the folder
    assert backup.daily_backup(empty_db, out) is None
    assert time.perf_counter() - started < 0.05
    listed = backup.list_backups(out)
    assert listed[0].path == made and listed[0].schema_version == latest_version() and listed[0].automatic
    assert {b.label for b in listed} == {"tu-dong", "thu-cong", "truoc-nhap"}


def test_two_backups_in_the_same_second_both_exist(empty_db, tmp_path):
    made = {backup.backup(empty_db, tmp_path, label="thu-cong") for _ in range(3)}
    assert len(made) == 3 and all(p.exists() for p in made)


def test_a_migration_of_a_file_with_data_is_preceded_by_a_verified_backup(tmp_path):
    path = tmp_path / "hoagiai.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())")
    for version, file in migration_files()[:-1]:
        con.execute(file.read_text(encoding="utf-8"))
        con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, file.stem])
    con.execute("INSERT INTO communes (id, name, province) VALUES (1, 'Xã Trước Nâng Cấp', 'Tỉnh Thử')")
    con.close()
    con = db.open_database(path)
    con.close()
    made = next((tmp_path / "sao-luu").glob("*-truoc-nang-cap.duckdb"))
    assert read(made, "SELECT max(version) FROM schema_version") == latest_version() - 1
    assert read(made, "SELECT name FROM communes") == "Xã Trước Nâng Cấp"
    # Nothing to migrate: no backup.
    db.open_database(path).close()
    assert len(list((tmp_path / "sao-luu").glob("*.duckdb"))) == 1


def test_open_refuses_a_foreign_or_newer_file_without_writing_into_it(tmp_path, demo_path):
    for make, message in REFUSED[:2]:
        source = make(tmp_path, demo_path)
        before = digest(source)
        with pytest.raises(db.UnusableDatabase, match=message.split(" (")[0]):
            db.open_database(source)
        assert digest(source) == before


# --- 8. the page ------------------------------------------------------------------------------------------------------

def backups_page(monkeypatch, path: Path) -> AppTest:
    """The page on its own, as the officer (the login of app.py is not run here)."""
    monkeypatch.setenv("HOAGIAI_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "pages" / "backups.py"), default_timeout=60)
    at.session_state["present"] = False
    from db import users
    con = db.connect(path)
    user = session_of(con, "tuphap")
    at.session_state["user"] = user
    at.session_state["_user_checked"] = users.current(con, user)  # what app.py's sign-in gate leaves for pages
    con.close()
    return at


def test_the_page_backs_up_lists_and_restores(demo_path, monkeypatch):
    at = backups_page(monkeypatch, demo_path).run()
    assert not at.exception and at.title[0].value == "Sao lưu, khôi phục"
    at.button(key="backup_now").click().run()
    assert not at.exception
    assert any(s.value.startswith("Đã sao lưu vào hoagiai-") for s in at.success)
    listing = at.dataframe[0].value
    assert list(listing.columns) == ["Thời điểm", "Loại", "Dung lượng", "Phiên bản lược đồ", "Tệp"]
    assert listing.iloc[0]["Loại"].startswith("Sao lưu thủ công")
    assert listing.iloc[0]["Phiên bản lược đồ"] == str(latest_version())
    # A change after the backup, then the restore takes it away.
    app_connection().execute("UPDATE communes SET name = 'Xã Sau Sao Lưu'")
    at.selectbox(key="restore_choice").set_value(str(next((demo_path.parent / "sao-luu").glob("*.duckdb")))).run()
    assert any("vụ việc" in m.value and "phiên bản lược đồ" in m.value for m in at.markdown)
    at.checkbox(key="restore_sure").check().run()
    at.text_input(key="restore_word").input("khôi phục").run()
    at.button(key="restore_now").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Đã khôi phục dữ liệu") for s in at.success), [e.value for e in at.error]
    con = app_connection()  # the app's connection: reopened on the restored file
    assert con.execute("SELECT name FROM communes").fetchone()[0] != "Xã Sau Sao Lưu"
    db.check_file(con)
    kept = next(demo_path.parent.glob("hoagiai-truoc-khoi-phuc-*.duckdb"))
    assert read(kept, "SELECT name FROM communes") == "Xã Sau Sao Lưu"
    assert "Dữ liệu đang dùng trước một lần khôi phục" in at.dataframe[0].value["Loại"].tolist()
    st.cache_resource.clear()


def test_the_page_refuses_a_foreign_file_put_in_the_backup_folder(demo_path, monkeypatch, tmp_path):
    folder = demo_path.parent / "sao-luu"
    folder.mkdir()
    shutil.copy(foreign_file(tmp_path, demo_path), folder / "hoagiai-20240101-080000-thu-cong.duckdb")
    at = backups_page(monkeypatch, demo_path).run()
    assert at.dataframe[0].value.iloc[0]["Phiên bản lược đồ"] == "không đọc được"
    at.selectbox(key="restore_choice").set_value(str(folder / "hoagiai-20240101-080000-thu-cong.duckdb")).run()
    assert not at.exception
    assert any("không phải dữ liệu của ứng dụng hòa giải" in e for e in errors(at))
    assert not [b for b in at.button if b.key == "restore_now"]
    st.cache_resource.clear()
