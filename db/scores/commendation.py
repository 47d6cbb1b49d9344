"""Khen thưởng: commendation candidates, nominations (đề nghị khen thưởng) and their write path, the practice
calendar, and the approved list exported for the December conference (Word and Excel).

Candidates and every rule's pass/fail come from db/scores/scores.sql (team_candidate,
mediator_candidate); the calendar from its commendation_steps macro. Nominations follow
đề nghị → đã duyệt / không duyệt, decided once.
"""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from db.core.scope import place_params
from db.core.labels import (
    AWARD_LEVELS, MEDIATOR_RULES, NOMINATION_STATUS, SCORE_BANDS, TEAM_RULES, UNGRADED_LABEL,
)
from db.core.text import shown
from db.users import authorize
from db.core.writes import (
    ValidationError, as_mapping, audit, check_text_fields, check_version, fetch_row, form_values, insert_row,
    is_missing, parse_date, parse_number, parse_year, record_id, record_version, save_keyed, today, transaction,
    update_row,
)


def _d(day) -> str:
    return day.strftime("%d/%m/%Y") if day is not None and day == day else ""


def _pct(share) -> str:
    if share is None or share != share:
        return "—"
    value = share * 100
    return f"{value:.0f}%" if abs(value - round(value)) < 1e-9 else f"{value:.1f}%".replace(".", ",")


# --- candidates ------------------------------------------------------------------------------------

def team_candidates(con, year: int, village_id: int | None = None) -> pd.DataFrame:
    """Every team with each rule's pass/fail and inputs; fewest failed rules first, graded teams before those with
    too little data to grade (never candidates nor near-misses: team_candidate), best score first."""
    return con.cursor().execute(
        """
        SELECT t.name AS team, v.name AS village, c.*
        FROM team_candidate_of($year) c JOIN teams t ON t.id = c.team_id JOIN villages v ON v.id = c.village_id
        WHERE in_place(c.village_id, $village, $commune, $province)
        ORDER BY c.is_candidate DESC, c.near_miss DESC, c.graded DESC, c.failed_rules, c.score DESC NULLS LAST,
                 v.name COLLATE vi, c.team_id
        """,
        {"year": year, **place_params(village_id)},
    ).df()


def mediator_candidates(con, year: int, village_id: int | None = None) -> pd.DataFrame:
    """Every mediator who was a member in the year, with each rule's pass/fail and inputs."""
    return con.cursor().execute(
        """
        SELECT m.full_name, m.gender, m.left_on, t.name AS team, v.name AS village, c.*
        FROM mediator_candidate_of($year) c
        JOIN mediators m ON m.id = c.mediator_id JOIN teams t ON t.id = c.team_id JOIN villages v ON v.id = c.village_id
        WHERE c.year = $year AND in_place(c.village_id, $village, $commune, $province)
        ORDER BY c.failed_rules, c.concluded DESC, v.name COLLATE vi, m.full_name COLLATE vi
        """,
        {"year": year, **place_params(village_id)},
    ).df()


def candidate_counts(con, year: int, village_id: int | None = None) -> dict[str, int]:
    """Candidates and near-misses (exactly one rule failed), teams and mediators (one pass over each, for the year)."""
    counts = {}
    for source, prefix in (("team_candidate_of($year)", "teams"), ("mediator_candidate_of($year)", "mediators")):
        found, near = con.cursor().execute(
            f"SELECT count(*) FILTER (WHERE is_candidate), count(*) FILTER (WHERE near_miss) FROM {source} "
            "WHERE year = $year AND in_place(village_id, $village, $commune, $province)",
            {"year": year, **place_params(village_id)},
        ).fetchone()
        counts[prefix], counts[f"{prefix}_near"] = int(found or 0), int(near or 0)
    return counts


def team_rule_texts(row) -> dict[str, tuple[str, str]]:
    """Each team rule as (short title with the year's threshold, the team's inputs)."""
    gaps = [text for ok, text in ((row.rule_members, f"dưới {row.min_members:g} HGV"), (row.rule_woman, "không có nữ"),
                                  (row.rule_leader, "không có tổ trưởng"), (row.rule_ethnic, "thiếu HGV người DTTS"))
            if not ok]
    return {
        "rule_band": (f"Xếp loại Tốt (≥ {row.band_tot:g})",
                      f"{row.score:.1f} {SCORE_BANDS[row.band]}".replace(".", ",") if row.band in SCORE_BANDS
                      else "chưa đủ dữ liệu" if row.score == row.score and row.score is not None
                      else "chưa có điểm"),
        "rule_rate": (f"Thành ≥ {_pct(row.team_rate_min)}, ≥ {row.team_concluded_min:g} vụ",
                      f"{row.thanh}/{row.concluded}" + (f" = {_pct(row.official_rate)}" if row.concluded else " vụ")),
        "rule_incidents": ("Không có vụ mất ANTT" if row.team_incidents_max == 0
                           else f"Vụ mất ANTT ≤ {row.team_incidents_max:g}", f"{row.incidents} vụ"),
        "rule_trained": (f"Tập huấn ≥ {_pct(row.team_trained_min)}", f"{row.trained}/{row.active} HGV"),
        "rule_composition": ("Đủ thành phần", "đủ" if row.rule_composition else ", ".join(gaps)),
    }


def mediator_rule_texts(row) -> dict[str, tuple[str, str]]:
    """Each mediator rule as (short title with the year's threshold, the person's inputs)."""
    return {
        "rule_cases": (f"≥ {row.mediator_concluded_min:g} vụ kết thúc, thành ≥ {_pct(row.mediator_rate_min)}",
                       f"{row.thanh}/{row.concluded} thành" + (f" = {_pct(row.success_rate)}" if row.concluded else "")),
        "rule_trained": ("Tập huấn trong năm", f"{row.sessions} buổi" if row.rule_trained else "chưa dự buổi nào"),
        "rule_active": ("Đang hoạt động", "có" if row.rule_active else f"đã thôi từ {_d(row.left_on)}"),
    }


# --- checks of the write path (each message names the field) ----------------------------------------

# --- nominations: the write path ---------------------------------------------------------------------

NOMINATION_FIELDS = ("year", "team_id", "mediator_id", "award_level", "reason", "nominated_on")


def _candidate_row(cur, year: int, team_id: int | None, mediator_id: int | None):
    if mediator_id is not None:
        rel = cur.execute("SELECT * FROM mediator_candidate_of(?) WHERE mediator_id = ?", [year, mediator_id])
    else:
        rel = cur.execute("SELECT * FROM team_candidate_of($year) WHERE team_id = $team",
                          {"year": year, "team": team_id})
    row = rel.fetchone()
    return dict(zip([d[0] for d in rel.description], row)) if row else None


def nominate(con, data: dict, *, actor: str, as_of: dt.date | None = None) -> int:
    """Record an đề nghị khen thưởng for a team (mediator_id empty) or a mediator; returns its id.

    Refused: an unknown team or mediator; a mediator who had left before the year or joined after it; a
    second nomination of the same team or person for the year; a date in the future or before the year;
    a team or person who is not a candidate by the year's rules, without a reason.
    """
    authorize(con, actor, "commendation")
    as_of = as_of or today()
    data = as_mapping(data, "đề nghị khen thưởng")
    values = form_values({f: data.get(f) for f in NOMINATION_FIELDS})
    errors: list[str] = []
    # The year first: every later check of dates and rules is of that year.
    year = parse_year(values["year"], "Năm khen thưởng", errors)
    if errors:
        raise ValidationError(errors)
    if year > as_of.year:
        raise ValidationError(f"Năm khen thưởng {year} không hợp lệ (chỉ đề nghị cho năm {as_of.year} hoặc trước đó).")
    values["year"] = year
    # Who: a mediator (their team is taken from their record), else a team; an empty cell is no choice.
    for field, what in (("mediator_id", "hòa giải viên"), ("team_id", "tổ hòa giải")):
        values[field] = None if is_missing(values[field]) else record_id(values[field], what)
    check_text_fields(values, {"award_level": "Hình thức khen thưởng", "reason": "Lý do đề nghị"}, errors)
    if values["award_level"] not in AWARD_LEVELS and not any(e.startswith("Hình thức") for e in errors):
        errors.append("Chưa chọn hình thức khen thưởng." if not values["award_level"]
                      else f"Hình thức khen thưởng «{shown(values['award_level'])}» không hợp lệ.")
    before = len(errors)
    nominated_on = values["nominated_on"] = parse_date(values["nominated_on"], "Ngày đề nghị", errors)
    if nominated_on is None and len(errors) == before:
        errors.append("Chưa nhập ngày đề nghị.")
    elif nominated_on is not None:
        if nominated_on > as_of:
            errors.append(f"Ngày đề nghị {_d(nominated_on)} ở tương lai (hôm nay là {_d(as_of)}).")
        if nominated_on < dt.date(year, 1, 1):
            errors.append(f"Ngày đề nghị {_d(nominated_on)} trước năm khen thưởng {year}.")
    with transaction(con) as cur:
        mediator_id = values["mediator_id"]
        if mediator_id is not None:
            person = cur.execute(
                "SELECT full_name, team_id, joined_on, left_on FROM mediators WHERE id = ?", [mediator_id]).fetchone()
            if person is None:
                raise ValidationError(errors + [f"Không tìm thấy hòa giải viên số {mediator_id}."])
            name, team_id, joined_on, left_on = person
            values["team_id"] = team_id
            if left_on is not None and left_on < dt.date(year, 1, 1):
                errors.append(f"{name} đã thôi làm hòa giải viên từ {_d(left_on)}, trước năm {year}: không thể đề "
                              f"nghị khen thưởng cho năm {year}.")
            if joined_on is not None and joined_on > dt.date(year, 12, 31):
                errors.append(f"{name} bắt đầu làm hòa giải viên từ {_d(joined_on)}, sau năm {year}.")
            who = f"Hòa giải viên {name}"
        else:
            if values["team_id"] is None:
                raise ValidationError(errors + ["Chưa chọn tổ hòa giải hoặc hòa giải viên được đề nghị."])
            team_id = values["team_id"]
            team = cur.execute("SELECT name FROM teams WHERE id = ?", [team_id]).fetchone()
            if team is None:
                raise ValidationError(errors + [f"Không tìm thấy tổ hòa giải số {team_id}."])
            who = team[0]
        twin = cur.execute(
            "SELECT id, status, nominated_on FROM nominations WHERE year = ? AND team_id = ? "
            "AND mediator_id IS NOT DISTINCT FROM ?", [year, values["team_id"], mediator_id]).fetchone()
        if twin:
            errors.append(f"{who} đã có đề nghị khen thưởng năm {year} (số {twin[0]}, ngày {_d(twin[2])}, "
                          f"{NOMINATION_STATUS[twin[1]].lower()}): mỗi tập thể, cá nhân chỉ đề nghị một lần mỗi năm.")
        candidate = _candidate_row(cur, year, values["team_id"], mediator_id)
        values["was_candidate"] = bool(candidate and candidate["is_candidate"])
        if not values["was_candidate"] and not values["reason"]:
            failed = _failed_rules(candidate, mediator_id is not None)
            errors.append(f"{who} chưa đạt đủ tiêu chí đề xuất khen thưởng năm {year}"
                          + (f" (chưa đạt: {'; '.join(failed)})" if failed else "")
                          + ": cần ghi lý do đề nghị.")
        if errors:
            raise ValidationError(errors)
        values["status"] = "de_nghi"
        return insert_row(cur, "nominations", values, actor)


def _failed_rules(candidate: dict | None, mediator: bool) -> list[str]:
    if candidate is None:
        return ["không có số liệu của năm"]
    rules = MEDIATOR_RULES if mediator else TEAM_RULES
    return [label[0].lower() + label[1:] for key, label in rules.items() if not candidate[key]]


def decide(con, nomination_id: int, status: str, decided_on, *, actor: str, decision_no: str | None = None,
           note: str | None = None, expected_version: int | None = None, as_of: dt.date | None = None) -> None:
    """Leadership's decision: đã duyệt or không duyệt, once. Không duyệt needs a reason (note)."""
    authorize(con, actor, "commendation.decide")
    as_of = as_of or today()
    nomination_id = record_id(nomination_id, "đề nghị khen thưởng")
    expected_version = record_version(expected_version)
    errors: list[str] = []
    values = form_values({"decision_no": decision_no, "decision_note": note})
    check_text_fields(values, {"decision_no": "Số quyết định", "decision_note": "Ghi chú"}, errors)
    if not (isinstance(status, str) and status in ("da_duyet", "khong_duyet")):  # pd.NA or a list: no comparison
        errors.append(f"Quyết định «{shown(status)}» không hợp lệ: chỉ có «{NOMINATION_STATUS['da_duyet']}» hoặc "
                      f"«{NOMINATION_STATUS['khong_duyet']}».")
        status = None  # refused: no later check compares it
    before = len(errors)
    day = parse_date(decided_on, "Ngày quyết định", errors)
    if day is None and len(errors) == before:
        errors.append("Chưa nhập ngày quyết định.")
    elif day is not None and day > as_of:
        errors.append(f"Ngày quyết định {_d(day)} ở tương lai (hôm nay là {_d(as_of)}).")
    if status == "khong_duyet" and not values["decision_note"] and not any(e.startswith("Ghi chú") for e in errors):
        errors.append("Không duyệt thì cần ghi lý do.")
    with transaction(con) as cur:
        current = fetch_row(cur, "nominations", nomination_id)
        if current is None:
            raise ValidationError(f"Không tìm thấy đề nghị khen thưởng số {nomination_id}.")
        if current["status"] != "de_nghi":
            verb = "đã được duyệt" if current["status"] == "da_duyet" else "đã có quyết định không duyệt"
            raise ValidationError(
                f"Đề nghị số {nomination_id} {verb} ngày {_d(current['decided_on'])}: mỗi đề nghị chỉ quyết định "
                "một lần, không duyệt lại.")
        check_version(current, expected_version, f"Đề nghị khen thưởng số {nomination_id}")
        if day is not None and day < current["nominated_on"]:
            errors.append(f"Ngày quyết định {_d(day)} trước ngày đề nghị {_d(current['nominated_on'])}.")
        if errors:
            raise ValidationError(errors)
        update_row(cur, "nominations", nomination_id, {"status": status, "decided_on": day, **values}, actor,
                   expected_version, f"Đề nghị khen thưởng số {nomination_id}", action="decide")


def withdraw(con, nomination_id: int, *, actor: str, expected_version: int | None = None) -> None:
    """Rút đề nghị: only one not yet decided; the row is deleted and kept in the audit log."""
    authorize(con, actor, "commendation")
    nomination_id = record_id(nomination_id, "đề nghị khen thưởng")
    expected_version = record_version(expected_version)
    with transaction(con) as cur:
        current = fetch_row(cur, "nominations", nomination_id)
        if current is None:
            raise ValidationError(f"Không tìm thấy đề nghị khen thưởng số {nomination_id}.")
        check_version(current, expected_version, f"Đề nghị khen thưởng số {nomination_id}")
        if current["status"] != "de_nghi":
            raise ValidationError(f"Đề nghị số {nomination_id} đã có quyết định "
                                  f"({NOMINATION_STATUS[current['status']].lower()}): không rút được.")
        cur.execute("DELETE FROM nominations WHERE id = ?", [nomination_id])
        audit(cur, actor, "delete", "nominations", nomination_id, current, None)


def nominations(con, year: int, village_id: int | None = None) -> pd.DataFrame:
    """The year's nominations with names, newest first within each status (đề nghị first)."""
    return con.cursor().execute(
        """
        SELECT n.*, CASE WHEN n.mediator_id IS NULL THEN 'team' ELSE 'mediator' END AS subject,
               coalesce(m.full_name, t.name) AS name, t.name AS team, v.name AS village, v.id AS village_id
        FROM nominations n
        JOIN teams t ON t.id = n.team_id JOIN villages v ON v.id = t.village_id
        LEFT JOIN mediators m ON m.id = n.mediator_id
        WHERE n.year = $year AND in_place(v.id, $village, $commune, $province)
        ORDER BY CASE n.status WHEN 'de_nghi' THEN 0 WHEN 'da_duyet' THEN 1 ELSE 2 END,
                 n.mediator_id IS NOT NULL, v.name COLLATE vi, name COLLATE vi
        """,
        {"year": year, **place_params(village_id)},
    ).df()


def get_nomination(con, nomination_id: int) -> dict | None:
    return fetch_row(con.cursor(), "nominations", nomination_id)


# --- self-assessments and the calendar -------------------------------------------------------------

def save_self_assessment(con, team_id: int, year: int, data: dict, *, actor: str,
                         expected_version: int | None = None, as_of: dt.date | None = None) -> int:
    """Record (or correct) the day a team's self-assessment reached the commune, and its own score."""
    authorize(con, actor, "commendation")
    as_of = as_of or today()
    team_id = record_id(team_id, "tổ hòa giải")
    data = as_mapping(data, "bản tự đánh giá")
    expected_version = record_version(expected_version)
    errors: list[str] = []
    year = parse_year(year, "Năm", errors)
    values = form_values({"submitted_on": data.get("submitted_on"), "self_score": data.get("self_score"),
                          "note": data.get("note")})
    check_text_fields(values, {"note": "Ghi chú"}, errors)
    before = len(errors)
    day = values["submitted_on"] = parse_date(values["submitted_on"], "Ngày nhận bản tự đánh giá", errors)
    if day is None and len(errors) == before:
        errors.append("Chưa nhập ngày nhận bản tự đánh giá.")
    elif day is not None:
        if day > as_of:
            errors.append(f"Ngày nhận {_d(day)} ở tương lai (hôm nay là {_d(as_of)}).")
        if year is not None and day.year < year:
            errors.append(f"Ngày nhận {_d(day)} trước năm {year}.")
    values["self_score"] = parse_number(values["self_score"], "Điểm tự chấm", errors, 0, 100)
    with transaction(con) as cur:
        if cur.execute("SELECT 1 FROM teams WHERE id = ?", [team_id]).fetchone() is None:
            errors.append(f"Không tìm thấy tổ hòa giải số {team_id}.")
        if errors:
            raise ValidationError(errors)
        return save_keyed(cur, "self_assessments", {"team_id": team_id, "year": year}, values, actor,
                          expected_version, f"Bản tự đánh giá năm {year}")


def self_assessments(con, year: int, where=None) -> pd.DataFrame:
    """Every team of the place (db.core.scope) with its self-assessment of the year (submitted_on empty when none) and
    computed score (graded: False when the score is only indicative, too little data to grade)."""
    return con.cursor().execute(
        """
        SELECT t.id AS team_id, t.name AS team, v.name AS village, v.id AS village_id,
               sa.id, sa.submitted_on, sa.self_score, sa.note, sa.version, s.score, coalesce(s.graded, FALSE) AS graded
        FROM teams t JOIN villages v ON v.id = t.village_id
        LEFT JOIN self_assessments sa ON sa.team_id = t.id AND sa.year = $year
        LEFT JOIN team_score_of($year) s ON s.team_id = t.id
        WHERE in_place(t.village_id, $village, $commune, $province)
        ORDER BY v.name COLLATE vi
        """,
        {"year": year, **place_params(where)},
    ).df()


def calendar(con, year: int, as_of: dt.date | None = None, where=None) -> pd.DataFrame:
    """The practice calendar's items (commendation_steps) of the place's teams and nominees, with the team or
    nominee's name; each step's row without an item (its deadline) stays."""
    as_of = as_of or today()
    return con.cursor().execute(
        """
        SELECT s.*, CASE WHEN n.id IS NULL OR n.mediator_id IS NULL THEN v.name ELSE m.full_name END AS name
        FROM commendation_steps($year, $as_of) s
        LEFT JOIN nominations n ON n.id = s.nomination_id
        LEFT JOIN mediators m ON m.id = n.mediator_id
        LEFT JOIN teams t ON t.id = coalesce(s.team_id, n.team_id, m.team_id)
        LEFT JOIN villages v ON v.id = t.village_id
        WHERE (s.team_id IS NULL AND s.nomination_id IS NULL) OR in_place(t.village_id, $village, $commune, $province)
        ORDER BY s.sort_order, s.done_on NULLS LAST, name COLLATE vi
        """,
        {"year": year, "as_of": as_of, **place_params(where)},
    ).df()


def calendar_summary(con, year: int, as_of: dt.date | None = None, where=None) -> pd.DataFrame:
    """One row per step: deadline, items, and how many are on time, late, overdue, not yet due (of the place)."""
    items = calendar(con, year, as_of, where)
    rows = []
    for step, group in items.groupby("step", sort=False):
        real = group[group["team_id"].notna() | group["nomination_id"].notna()]
        counts = group["state"].value_counts()
        rows.append({
            "step": step, "deadline": group["deadline"].iloc[0], "items": len(real),
            "dung_han": int(counts.get("dung_han", 0)), "tre_han": int(counts.get("tre_han", 0)),
            "qua_han": int(counts.get("qua_han", 0)), "chua_den_han": int(counts.get("chua_den_han", 0)),
            "late_names": ", ".join(
                f"{n} ({'xong ' + _d(d) if s == 'tre_han' else 'chưa xong'})"
                for n, s, d in zip(group["name"], group["state"], group["done_on"])
                if s in ("tre_han", "qua_han") and isinstance(n, str))
            + ("chưa có đề nghị nào" if step == "de_nghi" and not len(real) and counts.get("qua_han", 0) else ""),
        })
    return pd.DataFrame(rows)


# --- the approved list and its exports -------------------------------------------------------------

def achievement(row) -> tuple[str, str]:
    """Thành tích from the year's figures, as (who, what): joined «Tổ hòa giải thôn X: 12/12 vụ việc hòa giải
    thành, 100% hòa giải viên được tập huấn»."""
    if row.subject == "team":
        parts = [f"{row.thanh}/{row.concluded} vụ việc hòa giải thành" if row.concluded else
                 "không có vụ việc phải hòa giải"]
        if row.active:
            parts.append("100% hòa giải viên được tập huấn" if row.trained == row.active
                         else f"{row.trained}/{row.active} hòa giải viên được tập huấn")
        if row.incidents == 0:
            parts.append("không có vụ việc phức tạp gây mất an ninh trật tự")
        if row.band in SCORE_BANDS and row.score == row.score and row.score is not None:
            parts.append(f"điểm chất lượng {row.score:.1f}/100, xếp loại {SCORE_BANDS[row.band]}"
                         .replace(".", ",", 1))
        elif row.score == row.score and row.score is not None:  # an indicative score is not an achievement
            parts.append(f"chất lượng tổ {UNGRADED_LABEL.lower()}")
        return row.team, ", ".join(parts)
    parts = [f"tham gia hòa giải {row.m_concluded} vụ việc, {row.m_thanh}/{row.m_concluded} vụ hòa giải thành"
             if row.m_concluded else "chưa tham gia vụ việc kết thúc trong năm"]
    if row.m_sessions:
        parts.append(f"dự {row.m_sessions} buổi tập huấn")
    return f"Hòa giải viên {row.name} ({row.team})", ", ".join(parts)


def approved(con, year: int) -> pd.DataFrame:
    """Nominations approved for the year (teams first), with the figures and the achievement text."""
    frame = con.cursor().execute(
        """
        SELECT n.*, CASE WHEN n.mediator_id IS NULL THEN 'team' ELSE 'mediator' END AS subject,
               coalesce(m.full_name, t.name) AS name, t.name AS team, v.name AS village,
               tc.thanh, tc.concluded, tc.trained, tc.active, tc.incidents, tc.score, tc.band,
               mc.concluded AS m_concluded, mc.thanh AS m_thanh, mc.sessions AS m_sessions
        FROM nominations n
        JOIN teams t ON t.id = n.team_id JOIN villages v ON v.id = t.village_id
        LEFT JOIN mediators m ON m.id = n.mediator_id
        LEFT JOIN team_candidate_of($year) tc ON tc.team_id = n.team_id AND tc.year = n.year
        LEFT JOIN mediator_candidate mc ON mc.mediator_id = n.mediator_id AND mc.year = n.year
        WHERE n.year = $year AND n.status = 'da_duyet'
        ORDER BY n.mediator_id IS NOT NULL, v.name COLLATE vi, name COLLATE vi
        """,
        {"year": year},
    ).df()
    pairs = [achievement(r) for r in frame.itertuples()]
    frame["achievement_detail"] = [what for _, what in pairs]
    frame["achievement"] = [f"{who}: {what}" for who, what in pairs]
    return frame


EXPORT_COLUMNS = ("STT", "Tập thể / cá nhân", "Thôn", "Hình thức khen thưởng", "Thành tích", "Quyết định")


def _export_rows(frame: pd.DataFrame) -> list[tuple[str, list[tuple]]]:
    sections = []
    for subject, title in (("team", "I. TẬP THỂ"), ("mediator", "II. CÁ NHÂN")):
        part = frame[frame["subject"] == subject]
        rows = [(i, r.name, r.village, AWARD_LEVELS[r.award_level], r.achievement_detail,
                 " ".join(x for x in (f"Số {r.decision_no}" if r.decision_no else "", f"ngày {_d(r.decided_on)}") if x))
                for i, r in enumerate(part.itertuples(), start=1)]
        sections.append((f"{title} ({len(rows)})", rows))
    return sections


def _title(year: int) -> str:
    return f"DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG TRONG CÔNG TÁC HÒA GIẢI Ở CƠ SỞ NĂM {year}"


def export_xlsx(con, year: int, commune: str) -> bytes:
    """The approved list as an Excel workbook for the conference (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    frame = approved(con, year)
    book = Workbook()
    sheet = book.active
    sheet.title = f"Khen thưởng {year}"
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([commune])
    sheet.append([_title(year)])
    sheet.merge_cells("A2:F2")
    sheet["A2"].font = Font(bold=True, size=13)
    sheet["A2"].alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.row_dimensions[2].height = 36
    sheet.append([])
    sheet.append(list(EXPORT_COLUMNS))
    for cell in sheet[4]:
        cell.font, cell.border = Font(bold=True), box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for title, rows in _export_rows(frame):
        sheet.append([title])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=6)
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                cell.border = box
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    for column, width in zip("ABCDEF", (6, 32, 18, 30, 70, 24)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_docx(con, year: int, commune: str) -> bytes:
    """The approved list as a Word document for the conference (python-docx): heading, one table."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    frame = approved(con, year)
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    header = doc.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.paragraphs[0].add_run(commune.split(",")[0].upper()).bold = True
    right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
    right.add_paragraph().add_run("Độc lập - Tự do - Hạnh phúc").bold = True
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("\n" + _title(year)).bold = True
    table = doc.add_table(rows=1, cols=len(EXPORT_COLUMNS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, EXPORT_COLUMNS):
        cell.paragraphs[0].add_run(text).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for heading, rows in _export_rows(frame):
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        merged.paragraphs[0].add_run(heading).bold = True
        for row in rows:
            for cell, value in zip(table.add_row().cells, row):
                cell.text = str(value)
    for row in table.rows:
        for cell, width in zip(row.cells, (1.2, 5.5, 3.2, 4.5, 9.5, 3.8)):
            cell.width = Cm(width)
    if frame.empty:
        doc.add_paragraph(f"Chưa có tập thể, cá nhân nào được duyệt khen thưởng năm {year}.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- demo ------------------------------------------------------------------------------------------

def load_demo_commendation(con, plan: dict, *, actor: str) -> None:
    """seeds/demo/commendation.json: self-assessments and nominations of one year, by village and person name,
    through the write path (each with the day it happened, so the calendar shows what was late)."""
    year = plan["year"]
    teams = dict(con.execute("SELECT v.name, t.id FROM teams t JOIN villages v ON v.id = t.village_id").fetchall())
    people = {(v, n): i for i, n, v in con.execute(
        "SELECT m.id, m.full_name, v.name FROM mediators m JOIN teams t ON t.id = m.team_id "
        "JOIN villages v ON v.id = t.village_id").fetchall()}
    for village, entry in plan.get("self_assessments", {}).items():
        save_self_assessment(con, teams[village], year, entry, actor=actor)
    for item in plan.get("nominations", []):
        mediator_id = people[(item["village"], item["mediator"])] if item.get("mediator") else None
        nomination_id = nominate(con, {
            "year": year, "team_id": teams[item["village"]], "mediator_id": mediator_id,
            "award_level": item["award_level"], "reason": item.get("reason"), "nominated_on": item["nominated_on"],
        }, actor=actor)
        if item.get("decision"):
            decision = item["decision"]
            decide(con, nomination_id, decision["status"], decision["on"], actor=actor,
                   decision_no=decision.get("no"), note=decision.get("note"))
