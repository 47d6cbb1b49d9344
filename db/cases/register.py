"""Reads of the case register (Sổ theo dõi hoạt động hòa giải ở cơ sở) for lists and exports."""
from __future__ import annotations

import pandas as pd

from db.core.scope import place_params

# Sort orders offered by the list, in SQL with Vietnamese collation.
SORTS = {
    "Ngày nhận (mới nhất trước)": "c.received_on DESC, c.id DESC",
    "Ngày nhận (cũ nhất trước)": "c.received_on, c.id",
    "Thôn (A → Z)": "v.name COLLATE vi, c.received_on DESC, c.id DESC",
    "Tên các bên (A → Z)": "parties COLLATE vi, c.received_on DESC, c.id DESC",
}


def list_cases(con, *, year: int | None, village_id: int | None = None, results: list[str] | None = None,
               categories: list[str] | None = None, search: str | None = None,
               received_month: int | None = None, concluded_month: int | None = None,
               security_incident: bool | None = None, missing_concluded: bool | None = None,
               deleted: bool = False, sort: str = "Ngày nhận (mới nhất trước)", mask: bool = False) -> pd.DataFrame:
    """Cases counted in the year (received that year or carried over, see case_year), filtered;
    the result filter uses the result at 31/12 of the year, as the year's figures do.
    year=None: every year (a search of the whole register), each case once with its result today.

    received_month: only cases received in that month of the year (so no carried-over case);
    concluded_month: only cases concluded (any result but đang hòa giải) in that month of the year;
    security_incident: True only the cases flagged phức tạp, gây mất ANTT, False only the others.
    missing_concluded: True only the imported cases whose concluded date the paper register did not hold.
    None means no filter, for these as for the others.

    result is the result as it stands today; result_in_year is the one the year's figures use.
    deleted=True lists the soft-deleted cases of the year instead (for restore).
    mask=True (presentation mode) gives the parties as initials only: no full name, age or address; and no
    free text about the case (summary, agreement, note), where officers write the parties' names; the search
    then reads only what is shown (number, village, mediators, category), never a party's name.
    """
    order = SORTS.get(sort, SORTS["Ngày nhận (mới nhất trước)"])
    sql = """
        WITH picked AS (
            SELECT c.id, any_value(cy.carried_over) AS carried_over,
                   any_value(CASE WHEN $year IS NULL THEN c.result ELSE cy.result_in_year END) AS result_in_year
            FROM cases c
            JOIN teams t ON t.id = c.team_id
            LEFT JOIN case_year cy ON cy.case_id = c.id AND cy.year = $year
            WHERE (cy.case_id IS NOT NULL OR $year IS NULL OR ($deleted AND year(c.received_on) = $year))
              AND (c.deleted_at IS NOT NULL) = $deleted
              AND in_place(t.village_id, $village, $commune, $province)
              AND ($results IS NULL OR coalesce(cy.result_in_year, c.result) IN (SELECT unnest($results)))
              AND ($categories IS NULL OR c.category IN (SELECT unnest($categories)))
              AND ($received_month IS NULL
                   OR (year(c.received_on) = $year AND month(c.received_on) = $received_month))
              AND ($concluded_month IS NULL
                   OR (c.result <> 'dang_hoa_giai' AND year(c.concluded_on) = $year
                       AND month(c.concluded_on) = $concluded_month))
              AND ($incident IS NULL OR c.security_incident = $incident)
              AND ($missing IS NULL OR c.concluded_on_missing = $missing)
            GROUP BY c.id
        ),
        people AS (
            SELECT case_id,
                   string_agg(CASE WHEN $mask THEN initials(full_name) ELSE full_name END, '; ' ORDER BY position)
                       AS parties,
                   string_agg(CASE WHEN $mask THEN initials(full_name)
                                   ELSE full_name || coalesce(', ' || age || ' tuổi', '') || coalesce(', ' || address, '')
                              END, '; ' ORDER BY position) AS parties_detail
            FROM case_parties WHERE case_id IN (SELECT id FROM picked) GROUP BY case_id
        ),
        mediators AS (
            SELECT cm.case_id, string_agg(m.full_name, '; ' ORDER BY m.full_name COLLATE vi) AS mediators
            FROM case_mediators cm JOIN mediators m ON m.id = cm.mediator_id
            WHERE cm.case_id IN (SELECT id FROM picked) GROUP BY cm.case_id
        )
        SELECT c.id, c.received_on, v.id AS village_id, v.name AS village, t.name AS team,
               g.label AS grounds, k.label AS category, n.label AS national_category,
               CASE WHEN NOT $mask THEN c.summary END AS summary, p.parties, p.parties_detail, md.mediators,
               c.assigned_on, c.result, pk.result_in_year, c.concluded_on,
               CASE WHEN NOT $mask THEN c.agreement END AS agreement, c.written_record,
               c.security_incident, CASE WHEN NOT $mask THEN c.note END AS note,
               coalesce(pk.carried_over, FALSE) AS carried_over,
               c.deleted_at, c.version
        FROM picked pk
        JOIN cases c ON c.id = pk.id
        JOIN teams t ON t.id = c.team_id
        JOIN villages v ON v.id = t.village_id
        JOIN case_categories k ON k.code = c.category
        JOIN national_categories n ON n.code = k.national_code
        LEFT JOIN case_grounds g ON g.code = c.grounds
        LEFT JOIN people p ON p.case_id = c.id
        LEFT JOIN mediators md ON md.case_id = c.id
        WHERE $search IS NULL
           OR fold(CASE WHEN $mask THEN concat_ws(' ', c.id, md.mediators, v.name, k.label)
                        ELSE concat_ws(' ', c.id, c.summary, p.parties_detail, md.mediators, v.name, c.agreement,
                                       c.note) END) LIKE '%' || fold($search) || '%'
        ORDER BY """ + order
    params = {
        "year": year, **place_params(village_id), "deleted": deleted, "mask": mask,
        "results": results or None, "categories": categories or None,
        "search": (search or "").strip() or None,
        "received_month": received_month, "concluded_month": concluded_month, "incident": security_incident,
        "missing": missing_concluded,
    }
    return con.cursor().execute(sql, params).df()



def missing_concluded_count(con, village_id: int | None = None) -> int:
    """Imported cases still without their concluded date (the «cần bổ sung» worklist), any year."""
    return con.cursor().execute(
        "SELECT count(*) FROM cases c JOIN teams t ON t.id = c.team_id WHERE c.concluded_on_missing "
        "AND c.deleted_at IS NULL AND in_place(t.village_id, $village, $commune, $province)", place_params(village_id)
    ).fetchone()[0]


def categories(con) -> pd.DataFrame:
    return con.cursor().execute(
        "SELECT k.code, k.label, k.national_code, n.label AS national_label"
        " FROM case_categories k JOIN national_categories n ON n.code = k.national_code ORDER BY k.sort_order"
    ).df()


def grounds(con) -> pd.DataFrame:
    return con.cursor().execute("SELECT code, label FROM case_grounds ORDER BY sort_order").df()


def export_frame(listing: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """The list in the columns of the MOJ register (Sổ theo dõi, 2014 template), Vietnamese headers.

    «Kết quả» is the one definition of the figures and of the list on screen: the result at 31/12 of the year (a case
    concluded in January of the next year is still «đang hòa giải» in its year), its header saying so; the result
    as it stands today follows in its own column. For every year (year None), the result today."""
    from db.core.labels import RESULTS
    from db.core.writes import is_missing

    def day(series: pd.Series) -> pd.Series:
        return series.map(lambda d: "" if is_missing(d) else d.strftime("%d/%m/%Y"))

    yes = {True: "Có", False: "Không"}
    return pd.DataFrame({
        "STT": range(1, len(listing) + 1),
        "Số vụ việc": listing["id"],
        "Ngày nhận vụ việc": day(listing["received_on"]),
        "Kỳ trước chuyển sang": listing["carried_over"].map(yes),
        "Thôn": listing["village"],
        "Tổ hòa giải": listing["team"],
        "Căn cứ hòa giải": listing["grounds"],
        "Loại vụ việc": listing["category"],
        "Nhóm thống kê": listing["national_category"],
        "Hòa giải viên": listing["mediators"].fillna(""),
        "Họ tên, tuổi, địa chỉ các bên": listing["parties_detail"].fillna(""),
        "Nội dung chủ yếu": listing["summary"],
        "Thỏa thuận của các bên": listing["agreement"].fillna(""),
        **({"Kết quả (hiện nay)": listing["result"].map(RESULTS)} if year is None else {
            f"Kết quả tại 31/12/{year}": listing["result_in_year"].map(RESULTS),
            "Kết quả hiện nay": listing["result"].map(RESULTS)}),
        "Ngày kết thúc": day(listing["concluded_on"]),
        "Văn bản hòa giải thành": listing["written_record"].map(yes),
        "Phức tạp, mất ANTT": listing["security_incident"].map(yes),
        "Ghi chú": listing["note"].fillna(""),
    })
