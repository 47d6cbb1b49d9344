-- in_commune(commune_id, c, p): a commune's row (a budget line, a plan, a training, a commune's figure) is in the place
-- asked for (db/core/scope.py, db/places.scope): commune c, or a commune of province p — each NULL when not chosen (both
-- NULL: every commune of the file). The commune-level counterpart of in_place (db/core/macros.sql).
CREATE OR REPLACE MACRO in_commune(cid, c, p) AS
    (c IS NULL OR cid = c) AND (p IS NULL OR cid IN (SELECT pc.id FROM communes pc WHERE pc.province = p));

-- report_years: every year from the first data of the file — the first case received, training held, plan, budget or
-- payment, of any of its communes — to this year. Not from the earliest mediator's joining date or a team's founding: a
-- mediator who joined in 2005 does not make 2005–2021 years of the commune's records, with every team failing and owed
-- support (DOMAIN.md «Time»). No data yet: this year alone. One row per year, the same for every commune of a file of
-- many communes (a province, a roll-up).
CREATE OR REPLACE VIEW report_years AS
SELECT unnest(range(
    coalesce(least((SELECT min(year(received_on)) FROM cases WHERE deleted_at IS NULL),
                   (SELECT min(year(held_on)) FROM trainings),
                   (SELECT min(year) FROM plans),
                   (SELECT min(year) FROM budgets),
                   (SELECT min(year) FROM payments)),
             year(current_date)),
    year(current_date) + 1))::INTEGER AS year;

-- report_years_of(y): the report year y alone (none when y is not a report year), or every report year when y is NULL —
-- the years a figure's macro of the year computes (issue 15: a reader's year, not the whole file).
CREATE OR REPLACE MACRO report_years_of(y) AS TABLE
SELECT year FROM report_years WHERE y IS NULL OR year = y;

-- target_year: every target and threshold a commune's year is judged against, one row per (commune, year, key).
--   A threshold of law or of a model (plan_targets: team composition, «Tổ hòa giải 5 tốt»…; source 'quy_dinh') is the
--   row in force at 31/12 of the year; before its first validity, its earliest value (a law older than the records).
--   The same for every commune; plan_year NULL.
--   A target of the commune's plan (plan_goals: tỷ lệ hòa giải thành, tập huấn, an ninh trật tự…; source 'ke_hoach')
--   belongs to that commune's plan of that year only (DOMAIN.md «Time»: a year without a plan has no target of its
--   own; a plan is one commune's, never another's): value and plan_year come from the commune's plan of the year, NULL
--   when it has no plan that year or the plan does not set the target. reference_value and reference_year are the
--   commune's latest earlier plan's target, which a page may show labelled as such, never judge by.
-- target_year_of(y, commune, province): the rows of year y (NULL: every year) and of the communes of the place (in_commune;
-- NULLs: every commune); the view target_year is it for every year and commune.
CREATE OR REPLACE MACRO target_year_of(y, commune, province) AS TABLE
WITH law AS (
    SELECT ry.year, t.key,
           coalesce(arg_max(t.value, t.valid_from) FILTER (
                        WHERE t.valid_from <= make_date(ry.year, 12, 31)
                          AND (t.valid_to IS NULL OR t.valid_to >= make_date(ry.year, 12, 31))),
                    arg_min(t.value, t.valid_from)) AS value
    FROM report_years_of(y) ry CROSS JOIN plan_targets t
    GROUP BY ry.year, t.key
), goals AS (
    SELECT p.commune_id, p.year, g.key, g.value FROM plan_goals g JOIN plans p ON p.id = g.plan_id
    WHERE in_commune(p.commune_id, commune, province)
), planned AS (
    SELECT k.commune_id, ry.year, k.key, this.value,
           CASE WHEN this.value IS NOT NULL THEN ry.year END AS plan_year,
           earlier.value AS reference_value, earlier.year AS reference_year
    FROM report_years_of(y) ry
    CROSS JOIN (SELECT DISTINCT commune_id, key FROM goals) k
    LEFT JOIN goals this ON this.commune_id = k.commune_id AND this.year = ry.year AND this.key = k.key
    -- the latest earlier plan's target (one plan a commune and year, one target a key): an as-of join, not a scan of
    -- every earlier plan for each year
    ASOF LEFT JOIN goals earlier ON earlier.commune_id = k.commune_id AND earlier.key = k.key AND ry.year > earlier.year
)
SELECT l.year, l.key, l.value, NULL::INTEGER AS plan_year, NULL::DOUBLE AS reference_value,
       NULL::INTEGER AS reference_year, c.id AS commune_id, 'quy_dinh' AS source
FROM law l CROSS JOIN communes c
WHERE in_commune(c.id, commune, province)
UNION ALL
SELECT year, key, value, plan_year, reference_value, reference_year, commune_id, 'ke_hoach' FROM planned;

CREATE OR REPLACE VIEW target_year AS FROM target_year_of(NULL, NULL, NULL);
