"""The place a figure is asked for: a province, a commune, a village — or the whole file (DECISIONS.md 3).

A commune's own file has one commune: its pages pass a village id or None, as they always did. A province or
national file (a roll-up, a generated scale) also filters by province (`tinh`) and commune (`xa`). Functions that
read figures take `where`: None (everything), a village id, or a Place; `place_params(where)` gives the SQL parameters
$village, $commune, $province that the macro in_place(village_id, $village, $commune, $province)
(db/core/macros.sql) reads. A Place is frozen and hashable, so a cached read can key on it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    province: str | None = None
    commune_id: int | None = None
    village_id: int | None = None

    @property
    def is_all(self) -> bool:
        return self.province is None and self.commune_id is None and self.village_id is None


def place(where) -> Place:
    """None, a village id or a Place, as a Place."""
    if isinstance(where, Place):
        return where
    return Place(village_id=None if where is None else int(where))


def place_params(where) -> dict:
    """The SQL parameters of a place: village, commune, province (each None when not chosen)."""
    p = place(where)
    return {"village": p.village_id, "commune": p.commune_id, "province": p.province}
