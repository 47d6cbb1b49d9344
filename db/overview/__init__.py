"""The leadership screen's figures: the plan's targets as KPIs with a status, and one village's story.

Every figure comes from the named views and functions that the detail pages use (village_results,
team_year, funding_team_year/funding_year, criteria_result, team_score, team_candidate, …), so the
overview can never disagree with them. This module only sets each figure beside its target:

  status 'dat'           the target is met;
  status 'gan_dat'       not met but within the tolerated band (success rate: the 80–90% of past years;
                         compliance: only evidence missing; funding: something still to pay);
  status 'chua_dat'      the target is missed (funding: no budget line, paid over the budget or above the
                         rate in force);
  status 'khong_ap_dung' no data to judge (no concluded case, no active mediator, no team);
  status 'chua_co_ke_hoach' the year has no plan setting this target: nothing to judge by (DOMAIN.md «Time»);
                         the latest earlier plan's target may be shown beside it, labelled as such;
  status 'theo_doi'      a figure without a target (commendation candidates).

The plan's tasks are on time ('dat') when none is overdue (db/plan/__init__.py rule), 'chua_dat' otherwise.

Many communes in one file (a province, a roll-up): kpis() takes an optional commune_id, the commune in scope (a
village's commune when a village is chosen; None: the file's only commune). With several communes and none chosen the
figures are the whole file's (counts and money summed, rates recomputed from the sums) and the plan's targets are no
one commune's: the success rate, training and security KPIs are 'chua_co_ke_hoach' (judged against no plan), the
composition KPI counts every commune's teams, funding is 'chua_dat' when any commune lacks its budget line or spent
above its own, compliance counts every commune's indicators, the plan KPI counts every commune's tasks. The village
argument may also be a db.core.scope.Place (province, commune, village), as the pages' place filter gives it.
"""
from __future__ import annotations

from db import criteria, funding, places, plan, scores, teams
from db.scores import commendation
from db.cases import results
from db.core.scope import Place
from db.core.writes import is_missing


def _status_at_least(value, target) -> str:
    if is_missing(value):
        return "khong_ap_dung"
    if target is None:
        return "chua_co_ke_hoach"
    return "dat" if value >= target else "chua_dat"


def _rate_status(rate, target: dict) -> str:
    """The same rule as the villages' status (db/cases/results.py by_village)."""
    if is_missing(rate):
        return "khong_ap_dung"
    low = target.get("success_rate_min")
    if low is None:
        return "chua_co_ke_hoach"
    if rate >= low:
        return "dat"
    history = target.get("history_rate_min")
    return "gan_dat" if rate >= (low if history is None else history) else "chua_dat"


def _place(con, village_id, commune_id) -> Place:
    """The place the KPIs are about (places.where), its commune resolved (places.commune_scope: a village's, or the
    only one of the province or file; None when several communes are counted)."""
    village, commune, province = places.where(village_id, commune_id)
    commune = places.commune_scope(con, commune, village, province)
    return Place(province=province, commune_id=commune, village_id=village)


def _figures(con, year: int, where: Place) -> dict:
    """The raw figures of one year at a place, for the KPIs and their change from the previous year."""
    total = results.totals(con, year, where)
    organisation = teams.composition_summary(con, year, where)
    money = funding.summary(con, year, where)
    compliance = criteria.summary(con, year, where)
    candidates = commendation.candidate_counts(con, year, where)
    standard = next((f for f in compliance["frameworks"] if f["family"] == "chuan_tiep_can"), None)
    return {
        "total": total, "organisation": organisation, "money": money, "compliance": compliance,
        "standard": standard, "candidates": candidates,
    }


def kpis(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> dict[str, dict]:
    """The plan's targets for the year and the village or commune filter, each as
    {value, previous, target, status, parts…}; previous is the same figure a year earlier (None before
    the first reporting year). commune_id: see the module's docstring."""
    where = _place(con, village_id, commune_id)
    village_id = where.village_id
    target = results.targets(con, year, where)
    reference = results.plan_reference(con, year, where)
    now = _figures(con, year, where)
    first_year = min(results.case_years_for_filter(con))
    before = _figures(con, year - 1, where) if year - 1 >= first_year else None

    def previous(pick):
        return None if before is None else pick(before)

    total, organisation, money, compliance = now["total"], now["organisation"], now["money"], now["compliance"]
    incidents_max = target.get("security_incidents_max")
    teams_ok = organisation["teams_ok"] if organisation["teams"] else None
    owed = money["unpaid_cases"] + money["support_outstanding"]
    if money["communes_without_budget"] and village_id is None:
        money_status = "chua_dat"  # no budget line (of a commune in scope): the plan requires one
    elif money["over_budget"] or money["above_rate"] or money["paid_deleted"] or money["paid_ineligible"]:
        money_status = "chua_dat"  # a payment above the rate, or for a case deleted or no longer eligible
    elif money["concluded_cases"] == 0 and money["support_due"] == 0:
        money_status = "khong_ap_dung"
    else:
        money_status = "gan_dat" if owed else "dat"
    if not compliance["indicators"]:
        compliance_status = "khong_ap_dung"
    elif compliance["chua_dat"]:
        compliance_status = "chua_dat"
    elif compliance["thieu_ho_so"]:
        compliance_status = "gan_dat"
    else:
        compliance_status = "dat"
    candidates = now["candidates"]
    return {
        "official_rate": {
            "value": total["official_rate"], "previous": previous(lambda f: f["total"]["official_rate"]),
            "target": target.get("success_rate_min"), "target_max": target.get("success_rate_max"),
            "history_min": target.get("history_rate_min"), "history_max": target.get("history_rate_max"),
            "status": _rate_status(total["official_rate"], target),
            "thanh": total["thanh"], "khong_thanh": total["khong_thanh"],
        },
        "trained_share": {
            "value": organisation["trained_share"], "previous": previous(lambda f: f["organisation"]["trained_share"]),
            "target": target.get("trained_share"),
            "status": _status_at_least(organisation["trained_share"], target.get("trained_share")),
            "trained": organisation["trained"], "active": organisation["active"],
        },
        "composition": {
            "value": teams_ok, "previous": previous(lambda f: f["organisation"]["teams_ok"]),
            "teams": organisation["teams"],
            "status": _status_at_least(teams_ok, organisation["teams"]) if organisation["teams"] else "khong_ap_dung",
        },
        "security_incidents": {
            "value": total["security_incidents"], "previous": previous(lambda f: f["total"]["security_incidents"]),
            "target": incidents_max,
            "status": "chua_co_ke_hoach" if incidents_max is None
            else "dat" if total["security_incidents"] <= incidents_max else "chua_dat",
        },
        "funding": {
            "value": money["paid_share"] if village_id is None else None,
            "previous": previous(lambda f: f["money"]["paid_share"]) if village_id is None else None,
            "paid": money["paid"], "budget": money["budget"], "has_budget": money["budget_row"] is not None,
            "unpaid_cases": money["unpaid_cases"], "support_outstanding": money["support_outstanding"],
            "over_budget": money["over_budget"], "above_rate": money["above_rate"],
            "paid_deleted": money["paid_deleted"], "paid_ineligible": money["paid_ineligible"], "status": money_status,
        },
        "compliance": {
            "value": compliance["dat"], "previous": previous(lambda f: f["compliance"]["dat"]),
            "indicators": compliance["indicators"], "chua_dat": compliance["chua_dat"],
            "thieu_ho_so": compliance["thieu_ho_so"], "khong_ap_dung": compliance["khong_ap_dung"],
            "points": now["standard"]["points"] if now["standard"] else None,
            "max_points": now["standard"]["max_points"] if now["standard"] else None,
            "status": compliance_status,
        },
        "plan": _plan_kpi(con, year, where),
        "targets_of": reference,
        "candidates": {
            "value": candidates["teams"] + candidates["mediators"],
            "previous": previous(lambda f: f["candidates"]["teams"] + f["candidates"]["mediators"]),
            **candidates, "status": "theo_doi",
        },
    }


def _plan_kpi(con, year: int, commune_id=None) -> dict:
    """The commune plan's tasks of the year (the village filter does not apply: the plan is the village's commune's;
    commune_id None with several communes: every commune's plan, tasks counted together; a Place: its commune's, or
    its province's communes')."""
    counts = plan.status_counts(con, year, commune_id=commune_id)
    if not counts["total"]:
        return {"value": None, "previous": None, "total": 0, "overdue": 0,
                "status": "khong_ap_dung" if year in plan.plan_years(con, commune_id) else "chua_co_ke_hoach"}
    return {"value": counts["hoan_thanh"], "previous": None, "total": counts["total"], "overdue": counts["overdue"],
            "status": "chua_dat" if counts["overdue"] else "dat"}


def village_story(con, year: int, village_id: int) -> dict:
    """One village's year, for the overview when a village is chosen: its cases, its rank among its own
    commune's villages by official rate (never another commune's), its team (composition, training, score), money
    still owed; commune: its commune's totals."""
    commune = places.commune_scope(con, None, village_id)
    ranked = results.by_village(con, year, commune_id=commune)
    rated = ranked.dropna(subset=["official_rate"])
    # Equal rates share a rank (four villages at 100 % are all 1st, the next one 5th).
    ranks = dict(zip(rated["village_id"], rated["official_rate"].rank(method="min", ascending=False).astype(int)))
    team = teams.team_register(con, year, village_id)
    score = scores.team_scores(con, year, village_id)
    flags = scores.review_flags(con, year, village_id)
    return {
        "totals": results.totals(con, year, village_id),
        "commune": results.totals(con, year, commune_id=commune),
        "status": ranked.set_index("village_id")["status"].get(village_id, "khong_ap_dung"),
        "rank": ranks.get(village_id),
        "tied_with": sum(r == ranks.get(village_id) for r in ranks.values()) - 1 if village_id in ranks else 0,
        "ranked_villages": len(rated),
        "team": team.iloc[0].to_dict() if len(team) else None,
        "score": score.iloc[0].to_dict() if len(score) else None,
        "review_flags": len(flags),
        "money": funding.summary(con, year, village_id),
    }
