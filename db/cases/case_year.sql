-- case_year: one row per case and reporting year in which the case counts (DOMAIN.md, "Definitions").
-- Reporting year = calendar year by date received. A case still open at 31/12 carries over and
-- counts as received in the next year's report too (kỳ trước chuyển sang: carried_over = TRUE),
-- every year until the year it is concluded. result_in_year is the result as it stood at 31/12 of
-- that year: a case concluded in a later year was still "đang hòa giải" then.
-- security_incident: the case's security incident (vụ việc phức tạp, gây mất ANTT) counts once, in the year it
-- happened (incident_on, by default the date received), not in every year the case is carried over; an incident
-- dated before the case was received counts in the year received (the case's first year).
-- Soft-deleted cases count nowhere. A concluded case whose date the paper register did not hold
-- (concluded_on_missing, from an import) counts as concluded in the year it was received.
-- How it is computed (issue 15): each case spans first_year (received) to last_year
-- (concluded; while open, this year — or the year received if later), and is joined to the years of that span, not
-- unnested case by case: a reader's `WHERE year = ?` then reaches the list of years before the join, so a year's
-- figures read each case once, for that year only, instead of every case in every year. The list runs from the first
-- case received to the latest date any case holds or today, which covers every span.
CREATE OR REPLACE VIEW case_year AS
WITH spans AS (
    SELECT c.id AS case_id, c.team_id, t.village_id, v.commune_id, c.received_on, c.concluded_on, c.result,
           c.category, c.security_incident, c.incident_on,
           year(c.received_on) AS first_year,
           year(CASE WHEN c.result = 'dang_hoa_giai' THEN greatest(current_date, c.received_on)
                     ELSE coalesce(c.concluded_on, c.received_on) END) AS last_year
    FROM cases c
    JOIN teams t ON t.id = c.team_id
    JOIN villages v ON v.id = t.village_id
    WHERE c.deleted_at IS NULL
), years AS (
    SELECT unnest(range((SELECT min(year(received_on)) FROM cases),
                        (SELECT year(greatest(max(received_on), max(concluded_on), current_date)) FROM cases) + 1)) AS year
)
SELECT
    c.case_id,
    c.team_id,
    c.village_id,
    c.commune_id,
    y.year::INTEGER AS year,
    y.year > year(c.received_on) AS carried_over,
    CASE WHEN c.result <> 'dang_hoa_giai'
              AND coalesce(c.concluded_on, c.received_on) <= make_date(y.year::BIGINT, 12, 31)
         THEN c.result ELSE 'dang_hoa_giai' END AS result_in_year,
    c.category,
    c.security_incident
        AND y.year = greatest(year(coalesce(c.incident_on, c.received_on)), year(c.received_on)) AS security_incident
FROM spans c
JOIN years y ON y.year BETWEEN c.first_year AND c.last_year;
