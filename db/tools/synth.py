"""Synthetic databases at district, province and national scale (python -m db generate --scale …; DOMAIN.md «Scale»).

The demo scale (db/tools/generate.py) builds one commune row by row through the write path. These scales are far too large
for that: ≈ 3,300 communes, 95,000 villages and teams, 600,000 mediators and 1.5 million cases nationally. So the
rows are made set-based in DuckDB (db/tools/synth.sql: INSERT … SELECT from range() and joins), never in a Python loop.

Rules of the generation:
- Deterministic: every random choice is hash(seed, keys, salt) of the row's own keys (the rnd() macro of synth.sql),
  never random(), whose values depend on the threads; ids come from a total order of the rows. The same seed gives the
  same rows on every run; another seed other rows.
- Fixed period: cases, trainings and payments run from FIRST_YEAR to UNTIL (a fixed day, not today, so that a seed
  gives the same file whenever it is run); cases still open on UNTIL are «đang hòa giải».
- The reference and rules tables (rates, score model, criteria, work calendar…) come from the normal schema creation
  (db.create_database with demo=False, as `init --empty`), so the file opens in the app like any other.
- Fictional people and places: Vietnamese names from the word lists of db/tools/generate.py (and the real 34 provinces
  after the 2025 merger); names repeat across communes, as they do in reality. Every commune is is_demo = TRUE.
- Bulk generation writes no audit_log rows: the audit log records what people did through the write path, and a
  synthetic file is not that (one line of the command's output says what was made).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from pathlib import Path

from db import create_database, install
from db.core.connection import close_all, remember
from db.tools.generate import (CATEGORY_WEIGHTS, CONTENT, GIVEN, GROUNDS_WEIGHTS, INCIDENT_NOTE, INVITED_NOTES, MIDDLE,
                         ORGANISATIONS, OUT_OF_SCOPE, STOP_NOTE, SURNAMES, VILLAGE_WORDS, nfc)

SQL_FILE = Path(__file__).with_name("synth.sql")
PLAN_FILE = Path(__file__).parents[2] / "seeds" / "demo" / "plan_2023.json"

FIRST_YEAR = 2017
UNTIL = dt.date(2026, 11, 30)

# Per scale: how many communes (None: every commune of the 34 provinces; a range: that many, chosen by the seed, of
# one province), and cases per village and year on average (DOMAIN.md «Scale»: nationally 100,000–150,000 a year).
SCALES = {
    "district": {"communes": (10, 15), "case_rate": 2.0},
    "province": {"communes": (90, 90), "case_rate": 2.0},
    "national": {"communes": None, "case_rate": 1.6},
}

# The 34 provinces and centrally-run cities after the 2025 merger (Nghị quyết 202/2025/QH15): name, communes and wards
# (xã, phường, đặc khu; the 2025 arrangement, 3,321 in all) and the share of villages with many ethnic-minority
# residents (an estimate for realistic data, not a statistic).
PROVINCES = (
    ("Thành phố Hà Nội", 126, 51, 0.02), ("Thành phố Huế", 40, 21, 0.05), ("Tỉnh Lai Châu", 38, 2, 0.85),
    ("Tỉnh Điện Biên", 45, 3, 0.8), ("Tỉnh Sơn La", 75, 8, 0.8), ("Tỉnh Lạng Sơn", 65, 4, 0.8),
    ("Tỉnh Quảng Ninh", 54, 30, 0.1), ("Tỉnh Thanh Hóa", 166, 19, 0.2), ("Tỉnh Nghệ An", 130, 11, 0.15),
    ("Tỉnh Hà Tĩnh", 69, 9, 0.01), ("Tỉnh Cao Bằng", 56, 3, 0.9), ("Tỉnh Tuyên Quang", 124, 7, 0.6),
    ("Tỉnh Lào Cai", 99, 10, 0.6), ("Tỉnh Thái Nguyên", 92, 15, 0.3), ("Tỉnh Phú Thọ", 148, 15, 0.2),
    ("Tỉnh Bắc Ninh", 99, 33, 0.02), ("Tỉnh Hưng Yên", 104, 11, 0.0), ("Thành phố Hải Phòng", 114, 45, 0.0),
    ("Tỉnh Ninh Bình", 129, 32, 0.02), ("Tỉnh Quảng Trị", 78, 8, 0.1), ("Thành phố Đà Nẵng", 94, 23, 0.05),
    ("Tỉnh Quảng Ngãi", 96, 9, 0.15), ("Tỉnh Gia Lai", 135, 25, 0.35), ("Tỉnh Khánh Hòa", 65, 16, 0.1),
    ("Tỉnh Lâm Đồng", 124, 20, 0.2), ("Tỉnh Đắk Lắk", 102, 14, 0.3), ("Thành phố Hồ Chí Minh", 168, 113, 0.02),
    ("Tỉnh Đồng Nai", 95, 23, 0.05), ("Tỉnh Tây Ninh", 96, 14, 0.02), ("Thành phố Cần Thơ", 103, 31, 0.15),
    ("Tỉnh Vĩnh Long", 124, 19, 0.1), ("Tỉnh Đồng Tháp", 102, 20, 0.0), ("Tỉnh Cà Mau", 64, 9, 0.05),
    ("Tỉnh An Giang", 102, 14, 0.08),
)
# Two words make a commune's name («Xã Tân Lập», «Phường Hòa Bình»): distinct within a province, repeated across.
COMMUNE_WORDS = (("Tân", "Hòa", "Phú", "An", "Bình", "Đông", "Tây", "Nam", "Bắc", "Thanh", "Quang", "Hồng", "Yên",
                  "Đồng", "Minh", "Vĩnh", "Xuân", "Hưng", "Thuận", "Phúc", "Trung", "Đức", "Mỹ", "Long", "Kim", "Cẩm",
                  "Gia", "Thạch", "Hải", "Lạc"),
                 ("Lập", "Tiến", "Bình", "Hòa", "Phong", "Thịnh", "Lợi", "Hưng", "Phú", "Lộc", "Thành", "An", "Sơn",
                  "Lâm", "Hải", "Trung", "Thuận", "Long", "Xuân", "Mỹ", "Khánh", "Tân", "Dương", "Phúc", "Quý",
                  "Định", "Hiệp", "Nghĩa", "Ninh", "Đạt"))
# Surnames frequent among ethnic minorities (Tày, Thái, Nùng, Mông, Dao, Khmer…), for people of villages flagged so.
ETHNIC_SURNAMES = ("Lò", "Lường", "Quàng", "Cầm", "Hà", "Vi", "Nông", "Lục", "Sầm", "Triệu", "Sùng", "Giàng", "Thào",
                   "Vàng", "Mùa", "Lý", "Thạch", "Danh", "Hoàng", "Bế", "Ma", "Lộc")
TRAINING_TITLES = (
    "Hội nghị triển khai Luật Hòa giải ở cơ sở và các văn bản hướng dẫn năm {nam}",
    "Bồi dưỡng kiến thức pháp luật về đất đai cho hòa giải viên năm {nam}",
    "Phổ biến pháp luật về hôn nhân và gia đình, phòng chống bạo lực gia đình năm {nam}",
    "Trao đổi kinh nghiệm hòa giải các vụ việc hôn nhân và gia đình năm {nam}",
    "Tập huấn nghiệp vụ hòa giải ở cơ sở năm {nam}",
    "Bồi dưỡng kỹ năng hòa giải cho hòa giải viên năm {nam}",
)
TRAINING_ORGANISERS = ("Công chức Tư pháp – Hộ tịch", "Công chức Tư pháp – Hộ tịch", "Hội Liên hiệp Phụ nữ {xa}",
                       "Công an {xa}", "Ủy ban Mặt trận Tổ quốc Việt Nam {xa}")
LEAVE_REASONS = ("tu_nguyen",) * 15 + ("khong_dat_tieu_chuan",) * 4 + ("vi_pham",)

# Tables the generation fills, in the order their sequences are moved past the ids given (seq_<table>).
TABLES = ("communes", "villages", "teams", "place_changes", "mediators", "cases", "case_parties", "case_mediators",
          "trainings", "training_attendance", "plans", "plan_goals", "plan_tasks", "payments", "payment_cases",
          "budgets")
WITH_IDS = ("communes", "villages", "teams", "place_changes", "mediators", "cases", "case_parties", "trainings",
            "plans", "plan_goals", "plan_tasks", "payments", "budgets")


def _expanded(weights) -> list[str]:
    """A weighted choice as a list in which each item appears `weight` times (pick() of synth.sql is uniform)."""
    items = weights.items() if isinstance(weights, dict) else weights
    return [nfc(item) for item, weight in items for _ in range(weight)]


def _words(items) -> list[str]:
    return [nfc(w) for w in items]


def _lookups(con, scale: str, seed: int, until: dt.date) -> None:
    """The parameters and the small lookup tables (word lists, text templates) the SQL draws from, as TEMP objects:
    nothing of them is stored in the file."""
    config = SCALES[scale]
    low, high = config["communes"] or (0, 0)
    variables = {
        "synth_seed": seed, "synth_until": until, "synth_first_year": FIRST_YEAR,
        "synth_case_rate": config["case_rate"], "synth_national": config["communes"] is None,
        "synth_communes_low": low, "synth_communes_high": high,
        "synth_surnames": _expanded(SURNAMES), "synth_ethnic_surnames": _words(ETHNIC_SURNAMES),
        "synth_middle_nam": _words(MIDDLE["nam"]), "synth_middle_nu": _words(MIDDLE["nu"]),
        "synth_given_nam": _words(GIVEN["nam"]), "synth_given_nu": _words(GIVEN["nu"]),
        "synth_organisations": _words(ORGANISATIONS), "synth_categories": _expanded(CATEGORY_WEIGHTS),
        "synth_grounds": _expanded(GROUNDS_WEIGHTS), "synth_invited": _words(INVITED_NOTES),
        "synth_stop_note": nfc(STOP_NOTE), "synth_incident_note": nfc(INCIDENT_NOTE),
        "synth_training_titles": _words(TRAINING_TITLES), "synth_training_organisers": _words(TRAINING_ORGANISERS),
        "synth_leave_reasons": list(LEAVE_REASONS),
    }
    for name, value in variables.items():
        con.execute(f"SET VARIABLE {name} = ?", [value])  # names are this module's own
    con.execute("CREATE OR REPLACE TEMP TABLE synth_provinces AS SELECT unnest($1) AS p, unnest($2) AS name, "
                "unnest($3) AS communes, unnest($4) AS wards, unnest($5) AS ethnic_share",
                [list(range(1, len(PROVINCES) + 1)), [nfc(p[0]) for p in PROVINCES], [p[1] for p in PROVINCES],
                 [p[2] for p in PROVINCES], [p[3] for p in PROVINCES]])
    for table, words in (("synth_commune_a", COMMUNE_WORDS[0]), ("synth_commune_b", COMMUNE_WORDS[1]),
                         ("synth_village_a", VILLAGE_WORDS[0]), ("synth_village_b", VILLAGE_WORDS[1])):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT DISTINCT unnest($1) AS word", [_words(words)])
    rows = [(category, i, *map(nfc, item)) for category, items in CONTENT.items() for i, item in enumerate(items)]
    con.execute("CREATE OR REPLACE TEMP TABLE synth_content AS SELECT unnest($1) AS category, unnest($2) AS idx, "
                "unnest($3) AS summary, unnest($4) AS agreement, unnest($5) AS positions, unnest($6) AS party_kind",
                [list(col) for col in zip(*rows)])
    rows = [(i, *map(nfc, item)) for i, item in enumerate(OUT_OF_SCOPE)]
    con.execute("CREATE OR REPLACE TEMP TABLE synth_out_of_scope AS SELECT unnest($1) AS idx, unnest($2) AS category, "
                "unnest($3) AS summary, unnest($4) AS referral, unnest($5) AS party_kind",
                [list(col) for col in zip(*rows)])
    # The plan's four contents (II.1–II.4) of the demo plan, as each year's tasks («2023» becomes the year).
    tasks = [t for t in json.loads(PLAN_FILE.read_text(encoding="utf-8"))["tasks"] if t["code"].startswith("II.")]
    con.execute("CREATE OR REPLACE TEMP TABLE synth_tasks AS SELECT unnest($1) AS code, unnest($2) AS sort_order, "
                "unnest($3) AS title, unnest($4) AS content, unnest($5) AS lead, unnest($6) AS partners, "
                "unnest($7) AS deadline_month, unnest($8) AS deadline_day",
                [[t["code"] for t in tasks], list(range(1, len(tasks) + 1)), [nfc(t["title"]) for t in tasks],
                 [nfc(t["content"]) for t in tasks], [nfc(t["lead"]) for t in tasks],
                 [nfc(t["partners"]) for t in tasks], [int(t["deadline"][5:7]) for t in tasks],
                 [int(t["deadline"][8:10]) for t in tasks]])


def steps() -> list[tuple[str, str]]:
    """The named steps of synth.sql («-- step: name» lines), in order."""
    text = SQL_FILE.read_text(encoding="utf-8")
    parts = re.split(r"^-- step: (.+)$", text, flags=re.MULTILINE)
    return [(parts[i].strip(), parts[i + 1]) for i in range(1, len(parts), 2)]


def fill(con, scale: str, seed: int, *, until: dt.date = UNTIL) -> dict[str, float]:
    """Generate the synthetic rows into a new, empty database (schema and reference lists already there), in one
    transaction. Returns the seconds each step took (for profiling)."""
    if scale not in SCALES:
        raise ValueError(f"quy mô «{scale}» không được hỗ trợ (có: {', '.join(SCALES)}).")
    taken = [t for t in TABLES if con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]]
    if taken:
        raise ValueError(f"tệp đã có dữ liệu ({', '.join(taken)}): chỉ sinh dữ liệu vào tệp mới.")
    timings: dict[str, float] = {}
    con.execute("SET enable_progress_bar = false")  # a command prints one line, not DuckDB's bars
    con.execute("BEGIN TRANSACTION")
    try:
        start = time.perf_counter()
        _lookups(con, scale, seed, until)
        timings["lookups"] = time.perf_counter() - start
        for name, sql in steps():
            start = time.perf_counter()
            con.execute(sql)
            timings[name] = time.perf_counter() - start
        # The app inserts with nextval(): move every sequence past the ids given here.
        start = time.perf_counter()
        for table in WITH_IDS:
            con.execute(f"SELECT max(nextval('seq_{table}')) FROM range((SELECT coalesce(max(id), 0) FROM {table}))")
        timings["sequences"] = time.perf_counter() - start
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return timings


def counts(con) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def generate(path, scale: str, seed: int, *, until: dt.date = UNTIL) -> dict:
    """A new database file at path (which must not exist) with the synthetic data of the scale. Built beside it under
    a temporary name and put in place only when complete (as db.create_database does), so an interrupted run never
    leaves a half-filled file under the name asked for; the temporary name is this process's own, so two runs for
    the same path (a benchmark generating a missing file while someone else does) never remove each other's file —
    the second to finish is refused (FileExistsError). Returns {counts, timings, seconds, size}."""
    target = Path(path)
    if target.exists():
        raise FileExistsError(f"Tệp {target} đã tồn tại: không tạo đè lên dữ liệu đang có.")
    started = time.perf_counter()
    building = target.with_name(f"{target.name}.dang-sinh-{os.getpid()}")
    for leftover in (building, Path(f"{building}.wal")):
        leftover.unlink(missing_ok=True)  # a killed run of a process that had this number
    con = create_database(building, demo=False)  # schema, reference lists and rules: as `init --empty`
    try:
        timings = fill(con, scale, seed, until=until)
        start = time.perf_counter()
        con.execute("CHECKPOINT")
        timings["checkpoint"] = time.perf_counter() - start
        made = counts(con)
        con.close()
        close_all(building)
        if Path(f"{building}.wal").exists():
            raise RuntimeError(f"Tệp {building} chưa ghi xong (còn tệp .wal): chưa đưa vào sử dụng.")
        install(building, target)
    except BaseException:
        con.close()
        close_all(building)
        for leftover in (building, Path(f"{building}.wal")):
            leftover.unlink(missing_ok=True)
        raise
    remember(target)
    return {"counts": made, "timings": timings, "seconds": time.perf_counter() - started,
            "size": target.stat().st_size}


def summary(path, scale: str, seed: int, result: dict) -> str:
    """The command's Vietnamese one-line report."""
    c = result["counts"]

    def n(value: int) -> str:
        return f"{value:,}".replace(",", ".")

    size = f"{result['size'] / 1024 / 1024:.0f}"
    seconds = f"{result['seconds']:.1f}".replace(".", ",")
    return (f"Đã sinh {path}: quy mô {scale}, seed {seed} — {n(c['communes'])} xã, {n(c['villages'])} thôn, "
            f"{n(c['teams'])} tổ hòa giải, {n(c['mediators'])} hòa giải viên, {n(c['cases'])} vụ việc "
            f"({FIRST_YEAR}–{UNTIL:%d/%m/%Y}), {n(c['trainings'])} buổi tập huấn, {n(c['payments'])} chứng từ chi; "
            f"{size} MB, {seconds} giây.")
