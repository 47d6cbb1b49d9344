"""Loading seeds/ into a new database: reference lists always, the demo commune on request.

Everything goes through the write path (actor 'seed'), so seeded rows are audited like any other.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from db.cases import save_case
from db.teams.mediators import save_mediator
from db.places import save_commune, save_team, save_village
from db.trainings import add_attendance, save_training
from db.users import authorize
from db.core.writes import ValidationError, audit, clean_values, transaction

SEEDS = Path(__file__).parents[2] / "seeds"
ACTOR = "seed"

# Reference tables and the columns of their CSV files, in load order (foreign keys first).
REFERENCE = {
    "national_categories": ("code", "label", "sort_order"),
    "case_categories": ("code", "label", "national_code", "sort_order"),
    "case_grounds": ("code", "label", "sort_order"),
    "plan_targets": ("key", "value", "valid_from", "valid_to", "label", "source"),
    "rates": ("kind", "level", "result", "province", "amount", "unit", "legal_basis", "legal_basis_date", "issuer",
              "valid_from", "valid_to", "needs_verification", "note"),
    # Criteria compliance (issue 5): frameworks, evidence kinds, then the indicators that name both.
    "criteria_frameworks": ("code", "family", "name", "short_name", "legal_basis", "valid_from", "valid_to",
                            "pass_rule", "needs_verification", "note", "sort_order", "assessment", "total_points",
                            "pass_points", "criterion_min_share"),
    "evidence_kinds": ("code", "label", "per_village", "sort_order", "note"),
    # The tiêu chí of a points framework (issue 14, item 8): Tiêu chí 3 is measured, the others entered by hand.
    "criteria_criteria": ("framework_code", "criterion_no", "name", "max_points", "needs_verification", "note"),
    "criteria_indicators": ("framework_code", "code", "sort_order", "group_name", "wording", "kind", "formula",
                            "target", "target_key", "max_points", "points_rule", "evidence_kinds",
                            "needs_verification", "source", "note", "valid_from", "valid_to", "criterion_no",
                            "indicator_no", "part", "comparison"),
    # Team quality score and commendation (issue 6): the score model, versioned by year, and the calendar.
    "score_components": ("code", "weight", "valid_from", "valid_to"),
    "score_params": ("code", "value", "valid_from", "valid_to"),
    "score_bands": ("code", "min_score", "valid_from", "valid_to"),
    "candidate_rules": ("code", "value", "valid_from", "valid_to"),
    "commendation_calendar": ("code", "month", "day", "sort_order"),
}


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# Primary-key columns of each reference table: a row whose key is present is never overwritten,
# so an edited rate or target survives upgrades.
REFERENCE_KEYS = {
    "national_categories": ("code",),
    "case_categories": ("code",),
    "case_grounds": ("code",),
    "plan_targets": ("key", "valid_from"),
    "rates": ("kind", "valid_from"),
    "criteria_frameworks": ("code",),
    "evidence_kinds": ("code",),
    "criteria_criteria": ("framework_code", "criterion_no"),
    # An indicator edited on the Tiêu chí page is a chain of versions of one code: any version present
    # means the seeded one is never inserted again.
    "criteria_indicators": ("framework_code", "code"),
    # The score model is edited as a chain of yearly versions of each code: any version present means the
    # seeded default is never inserted again.
    "score_components": ("code",),
    "score_params": ("code",),
    "score_bands": ("code",),
    "candidate_rules": ("code",),
    "commendation_calendar": ("code",),
}
# Rates have no natural key and their dates get corrected after verification: a seeded rate counts as
# present when any rate of its kind and level (national maximum or applied rate) for the same result overlaps its
# validity, so a moved rate is never seeded a second time (the overlap rule of db/funding.save_rate).
REFERENCE_MATCH = {
    "rates": ("kind = $kind AND level = $level AND (result IS NULL OR $result::VARCHAR IS NULL OR result = $result) "
              "AND valid_from <= coalesce($valid_to::DATE, DATE '9999-12-31') "
              "AND coalesce(valid_to, DATE '9999-12-31') >= $valid_from::DATE",
              ("kind", "level", "result", "valid_from", "valid_to")),
}


def load_reference(con) -> int:
    """Insert the reference rows of seeds/reference/ that the file lacks; returns how many.

    Called on a new file and after every migration, so rules added in a later version reach old files.
    """
    added = 0
    for table, columns in REFERENCE.items():
        keys = REFERENCE_KEYS[table]
        rows = read_csv(SEEDS / "reference" / f"{table}.csv")
        with transaction(con) as cur:
            for row in rows:
                values = clean_values({c: (row.get(c) or None) for c in columns})
                if table in REFERENCE_MATCH:
                    match, params = REFERENCE_MATCH[table]
                    exists = cur.execute("SELECT count(*) FROM " + table + " WHERE " + match,
                                         {k: values[k] for k in params}).fetchone()[0]
                else:
                    exists = cur.execute(
                        "SELECT count(*) FROM " + table + " WHERE " + " AND ".join(f"{k} = ?" for k in keys),
                        [values[k] for k in keys],
                    ).fetchone()[0]
                if exists:
                    continue
                cur.execute(
                    "INSERT INTO " + table + " (" + ", ".join(columns) + ") VALUES ("
                    + ", ".join("?" * len(columns)) + ")",
                    list(values.values()),
                )
                audit(cur, ACTOR, "insert", table, None, None, values)
                added += 1
    return added


def load_commune(con, commune: dict, cases: list[dict], progress=None) -> dict[str, int]:
    """Load a commune dict (seeds/demo/commune.json shape) and its cases; returns mediator ids by key.
    progress(share 0–1) is told how far the cases are, for a progress bar."""
    demo = "demo_notice" in commune
    commune_id = save_commune(con, {**commune["commune"], "is_demo": demo}, actor=ACTOR)
    team_ids: dict[str, int] = {}
    mediator_ids: dict[str, int] = {}
    for village in commune["villages"]:
        village_id = save_village(con, {**village, "commune_id": commune_id}, actor=ACTOR)
        team_ids[village["key"]] = save_team(con, {**village["team"], "village_id": village_id}, actor=ACTOR)
        for person in village["mediators"]:
            mediator_ids[person["key"]] = save_mediator(
                con, {**person, "team_id": team_ids[village["key"]]}, actor=ACTOR
            )
    for training in commune.get("trainings", []):
        training_id = save_training(con, training, actor=ACTOR)
        add_attendance(con, training_id, [mediator_ids[k] for k in training["attendees"]], actor=ACTOR)
    for done, row in enumerate(cases):
        if progress and done % 10 == 0:
            progress(done / len(cases))
        data = dict(row)
        data["team_id"] = team_ids[row["village_key"]]
        data["mediator_ids"] = [mediator_ids[k] for k in row["mediators"]]
        try:
            save_case(con, data, actor=ACTOR, confirm_duplicate=True)
        except ValidationError as exc:
            raise ValidationError([f"Dữ liệu mẫu, vụ việc ngày {row['received_on']}: {m}" for m in exc.messages])
    return mediator_ids


def parse_case_row(row: dict) -> dict:
    """A row of seeds/demo/cases.csv as a case dict (keys instead of ids)."""
    return {
        **{k: (v or None) for k, v in row.items() if k not in ("mediators", "parties")},
        "written_record": row["written_record"] == "true",
        "security_incident": row["security_incident"] == "true",
        "mediators": [k for k in row["mediators"].split(";") if k],
        "parties": [
            dict(zip(("full_name", "age", "address"), p.split("|")))
            for p in row["parties"].split(";") if p
        ],
    }


def load_demo(con, progress=None) -> None:
    """The fictional demo commune. progress(share 0–1, Vietnamese step) reports each step (first start screen)."""
    from db.tools import generate

    def step(share: float, text: str) -> None:
        if progress:
            progress(share, text)

    cases = [parse_case_row(r) for r in read_csv(SEEDS / "demo" / "cases.csv")]
    step(0.05, "Thôn, tổ hòa giải, hòa giải viên và vụ việc")
    load_commune(con, generate.demo_commune(), cases,
                 progress=lambda share: step(0.05 + 0.5 * share, "Thôn, tổ hòa giải, hòa giải viên và vụ việc"))
    step(0.55, "Kinh phí: dự toán, đề nghị chi, chứng từ")
    from db.funding import load_demo_funding

    load_demo_funding(con, json.loads((SEEDS / "demo" / "funding.json").read_text(encoding="utf-8")), actor=ACTOR)
    step(0.85, "Hồ sơ kiểm chứng, kế hoạch năm, khen thưởng")
    from db.criteria.evidence import load_demo_evidence

    # Evidence documents of 2023 (issue 5); one required kind is left out on purpose («Thiếu hồ sơ»).
    load_demo_evidence(con, json.loads((SEEDS / "demo" / "evidence.json").read_text(encoding="utf-8")), actor=ACTOR)
    from db.plan import load_demo_plan

    # The 2023 plan as tasks (issue 7): contents II.1–II.4 and the responsibilities of section III.
    load_demo_plan(con, json.loads((SEEDS / "demo" / "plan_2023.json").read_text(encoding="utf-8")), actor=ACTOR)
    from db.scores.commendation import load_demo_commendation

    # Commendation of 2023 (issue 6): self-assessments (one late, one missing) and nominations, decided.
    load_demo_commendation(con, json.loads((SEEDS / "demo" / "commendation.json").read_text(encoding="utf-8")),
                           actor=ACTOR)


# What the demo commune owns, child tables first: (table, condition on the demo's ids). Rows of tables without a
# commune (trainings, budgets, plans, evidence of the whole commune) go too when every commune is a demo one.
DEMO_ROWS = [
    ("case_parties", "case_id IN (SELECT id FROM cases WHERE team_id IN (SELECT id FROM demo_teams))"),
    ("case_mediators", "case_id IN (SELECT id FROM cases WHERE team_id IN (SELECT id FROM demo_teams))"),
    ("payment_cases", "payment_id IN (SELECT id FROM payments WHERE team_id IN (SELECT id FROM demo_teams))"),
    ("payments", "team_id IN (SELECT id FROM demo_teams)"),
    ("cases", "team_id IN (SELECT id FROM demo_teams)"),
    ("training_attendance", "mediator_id IN (SELECT id FROM mediators WHERE team_id IN (SELECT id FROM demo_teams))"),
    ("team_reviews", "team_id IN (SELECT id FROM demo_teams)"),
    ("self_assessments", "team_id IN (SELECT id FROM demo_teams)"),
    ("nominations", "team_id IN (SELECT id FROM demo_teams)"),
    ("mediators", "team_id IN (SELECT id FROM demo_teams)"),
    ("evidence_documents", "village_id IN (SELECT id FROM demo_villages) OR (village_id IS NULL AND $all_demo)"),
    ("trainings", "$all_demo"),
    ("task_notes", "$all_demo"),
    ("plan_tasks", "$all_demo"),
    ("plan_goals", "$all_demo"),
    ("plans", "$all_demo"),
    ("criteria_manual_points", "$all_demo"),
    ("budgets", "$all_demo"),
    ("place_changes", "commune_id IN (SELECT id FROM communes WHERE is_demo)"),
    ("teams", "id IN (SELECT id FROM demo_teams)"),
    ("villages", "id IN (SELECT id FROM demo_villages)"),
    ("communes", "is_demo"),
]


def remove_demo(con, *, actor: str) -> dict[str, int]:
    """Remove every row of the fictional demo commune (make a backup first: db/tools/backup.py); reference lists and
    settings stay. One transaction, audited as one act with the count per table; returns those counts."""
    authorize(con, actor, "setup")
    with transaction(con) as cur:
        all_demo = cur.execute("SELECT count(*) > 0 AND bool_and(is_demo) FROM communes").fetchone()[0]
        if not cur.execute("SELECT count(*) FROM communes WHERE is_demo").fetchone()[0]:
            raise ValidationError("Không có dữ liệu minh họa để xóa.")
        cur.execute("CREATE TEMP TABLE demo_villages AS SELECT id FROM villages WHERE commune_id IN "
                    "(SELECT id FROM communes WHERE is_demo)")
        cur.execute("CREATE TEMP TABLE demo_teams AS SELECT id FROM teams WHERE village_id IN (SELECT id FROM demo_villages)")
        counts = {}
        for table, condition in DEMO_ROWS:  # table and condition names are this module's own, never user input
            counts[table] = cur.execute("DELETE FROM " + table + " WHERE " + condition,
                                        {"all_demo": all_demo} if "$all_demo" in condition else {}).fetchone()[0]
        cur.execute("DELETE FROM evidence_files WHERE sha256 NOT IN (SELECT sha256 FROM evidence_documents)")
        cur.execute("DROP TABLE demo_villages")
        cur.execute("DROP TABLE demo_teams")
        audit(cur, actor, "remove_demo", "communes", None, None, {k: v for k, v in counts.items() if v})
        return counts
