-- report_years: every year from the commune's first data — the first case received, training held, plan, budget or
-- payment — to this year. Not from the earliest mediator's joining date or a team's founding: a mediator who joined in
-- 2005 does not make 2005–2021 years of the commune's records, with every team failing and owed support
-- (DOMAIN.md «Time»). No data yet: this year alone.
CREATE OR REPLACE VIEW report_years AS
SELECT unnest(range(
    coalesce(least((SELECT min(year(received_on)) FROM cases WHERE deleted_at IS NULL),
                   (SELECT min(year(held_on)) FROM trainings),
                   (SELECT min(year) FROM plans),
                   (SELECT min(year) FROM budgets),
                   (SELECT min(year) FROM payments)),
             year(current_date)),
    year(current_date) + 1))::INTEGER AS year;

-- target_year: every target and threshold a year is judged against, one row per (year, key).
--   A threshold of law or of a model (plan_targets: team composition, «Tổ hòa giải 5 tốt»…) is the row in force at
--   31/12 of the year; before its first validity, its earliest value (a law older than the records). plan_year NULL.
--   A target of the commune's plan (plan_goals: tỷ lệ hòa giải thành, tập huấn, an ninh trật tự…) belongs to the plan
--   of that year only (DOMAIN.md «Time»: a year without a plan has no target of its own): value and plan_year come
--   from that year's plan, NULL when the year has no plan or the plan does not set the target. reference_value and
--   reference_year are the latest earlier plan's target, which a page may show labelled as such, never judge by.
CREATE OR REPLACE VIEW target_year AS
WITH law AS (
    SELECT y.year, t.key,
           coalesce(arg_max(t.value, t.valid_from) FILTER (
                        WHERE t.valid_from <= make_date(y.year, 12, 31)
                          AND (t.valid_to IS NULL OR t.valid_to >= make_date(y.year, 12, 31))),
                    arg_min(t.value, t.valid_from)) AS value
    FROM report_years y CROSS JOIN plan_targets t
    GROUP BY y.year, t.key
), goals AS (
    SELECT p.year, g.key, g.value FROM plan_goals g JOIN plans p ON p.id = g.plan_id
), planned AS (
    SELECT y.year, k.key, this.value,
           CASE WHEN this.value IS NOT NULL THEN y.year END AS plan_year,
           (SELECT arg_max(e.value, e.year) FROM goals e WHERE e.key = k.key AND e.year < y.year) AS reference_value,
           (SELECT max(e.year) FROM goals e WHERE e.key = k.key AND e.year < y.year) AS reference_year
    FROM report_years y
    CROSS JOIN (SELECT DISTINCT key FROM goals) k
    LEFT JOIN goals this ON this.year = y.year AND this.key = k.key
)
SELECT year, key, value, NULL::INTEGER AS plan_year, NULL::DOUBLE AS reference_value, NULL::INTEGER AS reference_year
FROM law
UNION ALL
SELECT year, key, value, plan_year, reference_value, reference_year FROM planned;
