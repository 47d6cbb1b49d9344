"""Loading seeds/ into a new database: reference lists always, the demo commune on request.

Everything goes through the write path (actor 'seed'), so seeded rows are audited like any other.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from db.cases import save_case
from db.mediators import save_mediator
from db.places import save_commune, save_team, save_village
from db.trainings import add_attendance, save_training
from db.writes import ValidationError, audit, clean_values, transaction

SEEDS = Path(__file__).parent.parent / "seeds"
ACTOR = "seed"

# Reference tables and the columns of their CSV files, in load order (foreign keys first).
REFERENCE = {
    "national_categories": ("code", "label", "sort_order"),
    "case_categories": ("code", "label", "national_code", "sort_order"),
    "case_grounds": ("code", "label", "sort_order"),
    "plan_targets": ("key", "value", "valid_from", "valid_to", "label", "source"),
    "rates": ("kind", "amount", "unit", "legal_basis", "legal_basis_date", "issuer", "valid_from", "valid_to",
              "needs_verification", "note"),
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
}
# Rates have no natural key and their dates get corrected after verification: a seeded rate counts as
# present when any rate of its kind overlaps its validity, so a moved rate is never seeded a second time.
REFERENCE_MATCH = {
    "rates": ("kind = $kind AND valid_from <= coalesce($valid_to::DATE, DATE '9999-12-31') "
              "AND coalesce(valid_to, DATE '9999-12-31') >= $valid_from::DATE", ("kind", "valid_from", "valid_to")),
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


def load_commune(con, commune: dict, cases: list[dict]) -> dict[str, int]:
    """Load a commune dict (seeds/demo/commune.json shape) and its cases; returns mediator ids by key."""
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
    for row in cases:
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


def load_demo(con) -> None:
    from db import generate

    cases = [parse_case_row(r) for r in read_csv(SEEDS / "demo" / "cases.csv")]
    load_commune(con, generate.demo_commune(), cases)
    from db.funding import load_demo_funding

    load_demo_funding(con, json.loads((SEEDS / "demo" / "funding.json").read_text(encoding="utf-8")), actor=ACTOR)
