-- report_years: every year from the first recorded case, training or mediator joining to this year.
CREATE OR REPLACE VIEW report_years AS
SELECT unnest(range(
    coalesce(least((SELECT min(year(received_on)) FROM cases), (SELECT min(year(held_on)) FROM trainings),
                   (SELECT min(year(joined_on)) FROM mediators)),
             year(current_date)),
    year(current_date) + 1))::INTEGER AS year;

-- target_year: the value of each plan target / legal threshold in force at 31/12 of a year; before a
-- target's first validity, its earliest value (rules are data: seeds/reference/plan_targets.csv).
CREATE OR REPLACE VIEW target_year AS
SELECT y.year, t.key,
       coalesce(arg_max(t.value, t.valid_from) FILTER (
                    WHERE t.valid_from <= make_date(y.year, 12, 31)
                      AND (t.valid_to IS NULL OR t.valid_to >= make_date(y.year, 12, 31))),
                arg_min(t.value, t.valid_from)) AS value
FROM report_years y CROSS JOIN plan_targets t
GROUP BY y.year, t.key;
