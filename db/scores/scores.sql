-- Team quality score and commendation candidates (DOMAIN.md "Team quality score", "Commendation
-- candidates"; issue 6). Every weight, threshold and band is a dated row (migration 005, defaults in
-- seeds/reference/score_*.csv and candidate_rules.csv, edited on Cài đặt → Mô hình chấm điểm).
-- Scoped by year (issue 15): the views below take a reader's `WHERE year = ?` down to the
-- tables (every part is joined or grouped by year). The score compares a team with its year before, which a filter
-- cannot reach through, so the score and what reads it are table macros of the year — team_score_component_of(y),
-- team_score_of(y), team_candidate_of(y), team_review_flags_of(y) — computing that year (the score: and the year before)
-- only, and each view of the same name is its macro for every year (y NULL): one definition for both.

-- score_setting_year: the rows of the score model in force in each reporting year: the row valid at 31/12
-- of the year; for a year before a code's first validity, its earliest row (as target_year does); a code
-- whose rows all ended before the year is not in that year's model. One row per (year, table, code).
CREATE OR REPLACE VIEW score_setting_year AS
WITH settings AS (
    SELECT 'score_components' AS tbl, id, code, weight AS value, valid_from, valid_to, version FROM score_components
    UNION ALL SELECT 'score_params', id, code, value, valid_from, valid_to, version FROM score_params
    UNION ALL SELECT 'score_bands', id, code, min_score, valid_from, valid_to, version FROM score_bands
    UNION ALL SELECT 'candidate_rules', id, code, value, valid_from, valid_to, version FROM candidate_rules
), marked AS (
    SELECT y.year, s.*, make_date(y.year, 12, 31) AS ref,
           s.valid_from <= make_date(y.year, 12, 31)
               AND (s.valid_to IS NULL OR s.valid_to >= make_date(y.year, 12, 31)) AS in_force
    FROM report_years y CROSS JOIN settings s
), framed AS (
    SELECT *, bool_or(in_force) OVER w AS any_in_force, min(valid_from) OVER w AS first_from
    FROM marked WINDOW w AS (PARTITION BY year, tbl, code)
)
SELECT year, tbl, code, id AS row_id, value, valid_from, valid_to, version
FROM framed
WHERE in_force OR (NOT any_in_force AND first_from > ref AND valid_from = first_from)
QUALIFY row_number() OVER (PARTITION BY year, tbl, code ORDER BY valid_from DESC) = 1;

-- score_model_year: the same, one row per year with one column per setting. A component missing from a
-- year's model weighs 0.
CREATE OR REPLACE VIEW score_model_year AS
SELECT year,
       coalesce(any_value(value) FILTER (WHERE tbl = 'score_components' AND code = 'ket_qua'), 0) AS w_ket_qua,
       coalesce(any_value(value) FILTER (WHERE tbl = 'score_components' AND code = 'kip_thoi'), 0) AS w_kip_thoi,
       coalesce(any_value(value) FILTER (WHERE tbl = 'score_components' AND code = 'kien_toan'), 0) AS w_kien_toan,
       coalesce(any_value(value) FILTER (WHERE tbl = 'score_components' AND code = 'tap_huan'), 0) AS w_tap_huan,
       coalesce(any_value(value) FILTER (WHERE tbl = 'score_components' AND code = 'ho_so'), 0) AS w_ho_so,
       coalesce(any_value(value) FILTER (WHERE tbl = 'score_components' AND code = 'an_ninh'), 0) AS w_an_ninh,
       any_value(value) FILTER (WHERE tbl = 'score_params' AND code = 'ket_qua_rate_floor') AS rate_floor,
       any_value(value) FILTER (WHERE tbl = 'score_params' AND code = 'ket_qua_rate_full') AS rate_full,
       any_value(value) FILTER (WHERE tbl = 'score_params' AND code = 'kip_thoi_assign_days') AS assign_days,
       any_value(value) FILTER (WHERE tbl = 'score_params' AND code = 'kip_thoi_deadline_days') AS deadline_days,
       any_value(value) FILTER (WHERE tbl = 'score_params' AND code = 'an_ninh_partial_max') AS incidents_partial_max,
       any_value(value) FILTER (WHERE tbl = 'score_params' AND code = 'an_ninh_partial_share') AS incidents_partial_share,
       any_value(value) FILTER (WHERE tbl = 'score_params' AND code = 'xep_loai_min_concluded') AS grading_min_concluded,
       any_value(value) FILTER (WHERE tbl = 'score_params' AND code = 'xep_loai_max_not_applicable')
           AS grading_max_not_applicable,
       any_value(value) FILTER (WHERE tbl = 'score_bands' AND code = 'tot') AS band_tot,
       any_value(value) FILTER (WHERE tbl = 'score_bands' AND code = 'kha') AS band_kha,
       any_value(value) FILTER (WHERE tbl = 'score_bands' AND code = 'trung_binh') AS band_trung_binh,
       any_value(value) FILTER (WHERE tbl = 'candidate_rules' AND code = 'team_rate_min') AS team_rate_min,
       any_value(value) FILTER (WHERE tbl = 'candidate_rules' AND code = 'team_concluded_min') AS team_concluded_min,
       any_value(value) FILTER (WHERE tbl = 'candidate_rules' AND code = 'team_incidents_max') AS team_incidents_max,
       any_value(value) FILTER (WHERE tbl = 'candidate_rules' AND code = 'team_trained_min') AS team_trained_min,
       any_value(value) FILTER (WHERE tbl = 'candidate_rules' AND code = 'mediator_concluded_min') AS mediator_concluded_min,
       any_value(value) FILTER (WHERE tbl = 'candidate_rules' AND code = 'mediator_rate_min') AS mediator_rate_min
FROM score_setting_year
GROUP BY year;

-- score_case_year: each case in each year it counts (case_year), with what the score reads of it.
--   concluded: hòa giải thành or không thành that year (ngoài phạm vi is referred, not mediated: it
--     counts in neither Kết quả nor Kịp thời; đang hòa giải is not concluded);
--   assigned_in_time: assigned_on − received_on ≤ kip_thoi_assign_days (3 days: Luật Hòa giải ở cơ sở 2013
--     Điều 20 khoản 2, the assigned mediator starts within 3 days of being assigned — not Art. 18, which is
--     the tổ trưởng's assignment itself and sets no period). The case has no start date, so the app reads
--     the law's 3 days from the day received to the day assigned; no assignment date recorded → not in time;
--   closed_in_time: concluded_on − received_on ≤ kip_thoi_deadline_days (local deadline, default 30 days);
--   timely: concluded AND assigned_in_time AND closed_in_time;
--   in_register / register_complete / missing: the register check of db/criteria/criteria.sql
--     (case_register_check), so Hồ sơ and the legal-access indicator read one definition. The MOJ register
--     (Sổ theo dõi hoạt động hòa giải ở cơ sở, Art. 21(4), template 2014) columns a case must have filled:
--     ngày nhận (received_on) and kết quả (result) — always present, the write path requires them; hòa
--     giải viên (≥ 1 row in case_mediators); họ tên, tuổi, địa chỉ of the parties (≥ 1 party, none without
--     age or address); nội dung chủ yếu (summary); and for a case concluded thành / không thành by 31/12 of
--     the year, thỏa thuận của các bên (agreement, or each side's demand) — its ngày kết thúc is required
--     by the write path for every concluded result. Chữ ký is on paper and ghi chú optional: not checked.
--     Ngoài phạm vi requests are outside the register's count (in_register false).
CREATE OR REPLACE VIEW score_case_year AS
SELECT cy.case_id, cy.team_id, cy.village_id, cy.year, cy.result_in_year, cy.security_incident,
       c.received_on, c.assigned_on, c.concluded_on,
       cy.result_in_year IN ('thanh', 'khong_thanh') AS concluded,
       c.assigned_on - c.received_on AS days_to_assign,
       c.concluded_on - c.received_on AS days_to_close,
       coalesce(c.assigned_on - c.received_on <= m.assign_days, FALSE) AS assigned_in_time,
       coalesce(c.concluded_on - c.received_on <= m.deadline_days, FALSE) AS closed_in_time,
       cy.result_in_year IN ('thanh', 'khong_thanh')
           AND coalesce(c.assigned_on - c.received_on <= m.assign_days, FALSE)
           AND coalesce(c.concluded_on - c.received_on <= m.deadline_days, FALSE) AS timely,
       r.in_scope AS in_register, r.complete AS register_complete, r.missing
FROM case_year cy
JOIN cases c ON c.id = cy.case_id
JOIN score_model_year m ON m.year = cy.year
JOIN case_register_check r ON r.case_id = cy.case_id AND r.year = cy.year;

-- team_score_inputs: per team and year, every input of the score and the candidate rules, beside the
-- model of that year (score_model_year).
--   thanh, khong_thanh, concluded (= thành + không thành that year), official_rate = thành / concluded
--     (Tỷ lệ hòa giải thành chính thức, as village_results);
--   timely: concluded cases assigned in time AND closed in time (score_case_year);
--   register_cases / register_complete: score_case_year.in_register / register_complete;
--   incidents: cases of the team's village counted in the year flagged security_incident (vụ việc phức
--     tạp, gây mất an ninh trật tự; the same count as village_results.security_incidents);
--   active, women, leaders, trained, trained_share, rule_*, composition_ok, idle: team_year.
CREATE OR REPLACE VIEW team_score_inputs AS
WITH casework AS (
    SELECT team_id, year,
           count(*) FILTER (WHERE result_in_year = 'thanh') AS thanh,
           count(*) FILTER (WHERE result_in_year = 'khong_thanh') AS khong_thanh,
           count(*) FILTER (WHERE concluded) AS concluded,
           count(*) FILTER (WHERE concluded AND assigned_in_time) AS assigned_in_time,
           count(*) FILTER (WHERE concluded AND closed_in_time) AS closed_in_time,
           count(*) FILTER (WHERE timely) AS timely,
           count(*) FILTER (WHERE in_register) AS register_cases,
           count(*) FILTER (WHERE in_register AND register_complete) AS register_complete
    FROM score_case_year GROUP BY team_id, year
), incidents AS (
    SELECT village_id, year, count(*) FILTER (WHERE security_incident) AS incidents
    FROM case_year GROUP BY village_id, year
)
SELECT ty.team_id, ty.village_id, v.commune_id, ty.year,
       coalesce(c.thanh, 0) AS thanh, coalesce(c.khong_thanh, 0) AS khong_thanh,
       coalesce(c.concluded, 0) AS concluded, ratio(c.thanh, c.concluded) AS official_rate,
       coalesce(c.assigned_in_time, 0) AS assigned_in_time, coalesce(c.closed_in_time, 0) AS closed_in_time,
       coalesce(c.timely, 0) AS timely,
       coalesce(c.register_cases, 0) AS register_cases, coalesce(c.register_complete, 0) AS register_complete,
       coalesce(i.incidents, 0) AS incidents,
       ty.active, ty.women, ty.leaders, ty.trained, ty.trained_share, ty.idle,
       ty.rule_members, ty.rule_woman, ty.rule_leader, ty.rule_ethnic, ty.ethnic_required, ty.composition_ok,
       ty.min_members, ty.min_women,
       m.* EXCLUDE (year)
FROM team_year ty
JOIN villages v ON v.id = ty.village_id
JOIN score_model_year m ON m.year = ty.year
LEFT JOIN casework c ON c.team_id = ty.team_id AND c.year = ty.year
LEFT JOIN incidents i ON i.village_id = ty.village_id AND i.year = ty.year;

-- team_score_component: the six components of DOMAIN.md "Team quality score", one row each per team and
-- year. fraction (0–1) is the share of the component's weight earned:
--   ket_qua   (Kết quả):  clamp((official_rate − rate_floor) / (rate_full − rate_floor), 0, 1), floor 60%,
--                         full 95%; không áp dụng with no concluded case;
--   kip_thoi  (Kịp thời): timely / concluded; không áp dụng with no concluded case;
--   kien_toan (Kiện toàn): one third for each of: ≥ 3 active mediators, ≥ 1 active woman, an active tổ
--                         trưởng (team_year.rule_members, rule_woman, rule_leader); always applies;
--   tap_huan  (Tập huấn): trained / active (team_year.trained_share); không áp dụng with no active mediator;
--   ho_so     (Hồ sơ):    register_complete / register_cases; không áp dụng with no case in the register;
--   an_ninh   (An ninh trật tự): 1 with no incident, an_ninh_partial_share (½) with up to
--                         an_ninh_partial_max (1) incidents, 0 with more; always applies.
-- Redistribution: the weight of a component that does not apply is shared by the applicable ones in
-- proportion to their weights: effective_weight = weight × total_weight / applicable_weight (total 100).
-- points = effective_weight × fraction. A component that does not apply has no effective weight or points.
-- team_score_component: the six components of DOMAIN.md "Team quality score", one row each per team and
-- year. fraction (0–1) is the share of the component's weight earned:
--   ket_qua   (Kết quả):  clamp((official_rate − rate_floor) / (rate_full − rate_floor), 0, 1), floor 60%,
--                         full 95%; không áp dụng with no concluded case;
--   kip_thoi  (Kịp thời): timely / concluded; không áp dụng with no concluded case;
--   kien_toan (Kiện toàn): one third for each of: ≥ 3 active mediators, ≥ 1 active woman, an active tổ
--                         trưởng (team_year.rule_members, rule_woman, rule_leader); always applies;
--   tap_huan  (Tập huấn): trained / active (team_year.trained_share); không áp dụng with no active mediator;
--   ho_so     (Hồ sơ):    register_complete / register_cases; không áp dụng with no case in the register;
--   an_ninh   (An ninh trật tự): 1 with no incident, an_ninh_partial_share (½) with up to
--                         an_ninh_partial_max (1) incidents, 0 with more; always applies.
-- Redistribution: the weight of a component that does not apply is shared by the applicable ones in
-- proportion to their weights: effective_weight = weight × total_weight / applicable_weight (total 100).
-- points = effective_weight × fraction. A component that does not apply has no effective weight or points.
-- team_score_parts_of(y0, y1) computes them for the years y0–y1 (NULL: no bound) on the team's row of
-- team_score_inputs, as a list `parts` of the six in sort_order, beside every input: the score, the candidate rules and
-- the review flags read that one row (issue 15: a team's inputs are computed once per query, not once per view that
-- needs them). team_score_component_of(y) lists them one row each for year y; the view, for every year.
CREATE OR REPLACE MACRO team_score_parts_of(y0, y1) AS TABLE
WITH inputs AS (
    FROM team_score_inputs WHERE (y0 IS NULL OR year >= y0) AND (y1 IS NULL OR year <= y1)
), parts AS (
    SELECT *, [
        {component: 'ket_qua', sort_order: 1, weight: w_ket_qua, applicable: concluded > 0,
         fraction: greatest(0.0, least(1.0, (official_rate - rate_floor) / nullif(rate_full - rate_floor, 0))),
         numerator: thanh, denominator: concluded},
        {component: 'kip_thoi', sort_order: 2, weight: w_kip_thoi, applicable: concluded > 0,
         fraction: ratio(timely, concluded), numerator: timely, denominator: concluded},
        {component: 'kien_toan', sort_order: 3, weight: w_kien_toan, applicable: TRUE,
         fraction: (rule_members::INTEGER + rule_woman::INTEGER + rule_leader::INTEGER) / 3.0,
         numerator: rule_members::INTEGER + rule_woman::INTEGER + rule_leader::INTEGER, denominator: 3},
        {component: 'tap_huan', sort_order: 4, weight: w_tap_huan, applicable: active > 0,
         fraction: trained_share, numerator: trained, denominator: active},
        {component: 'ho_so', sort_order: 5, weight: w_ho_so, applicable: register_cases > 0,
         fraction: ratio(register_complete, register_cases), numerator: register_complete, denominator: register_cases},
        {component: 'an_ninh', sort_order: 6, weight: w_an_ninh, applicable: TRUE,
         fraction: CASE WHEN incidents = 0 THEN 1.0
                        WHEN incidents <= incidents_partial_max THEN incidents_partial_share
                        ELSE 0.0 END,
         numerator: incidents, denominator: NULL}
    ] AS parts
    FROM inputs
), weighed AS (
    SELECT *,
           list_sum([p.weight FOR p IN parts]) AS total_weight,
           list_sum([CASE WHEN p.applicable THEN p.weight ELSE 0 END FOR p IN parts]) AS applicable_weight
    FROM parts
)
SELECT * REPLACE (
    [struct_insert(p,
        effective_weight := CASE WHEN p.applicable AND applicable_weight > 0
                                 THEN p.weight * total_weight / applicable_weight END,
        points := CASE WHEN p.applicable AND applicable_weight > 0
                       THEN p.weight * total_weight / applicable_weight * p.fraction END) FOR p IN parts] AS parts)
FROM weighed;

CREATE OR REPLACE MACRO team_score_component_of(y) AS TABLE
SELECT team_id, village_id, commune_id, year, p.component, p.sort_order, p.weight, p.applicable, p.fraction,
       p.numerator, p.denominator, total_weight, applicable_weight, p.effective_weight, p.points
FROM (SELECT team_id, village_id, commune_id, year, total_weight, applicable_weight, unnest(parts) AS p
      FROM team_score_parts_of(y, y));

CREATE OR REPLACE VIEW team_score_component AS FROM team_score_component_of(NULL);

-- team_score: per team and year, score = Σ points of the applicable components, rounded to one decimal
-- (0–100), and whether there is enough evidence to grade it (issue 14, item 3):
--   too_few_cases:      concluded (thành + không thành that year) < xep_loai_min_concluded (default 3);
--   too_little_weight:  not_applicable_weight / total_weight > xep_loai_max_not_applicable (default ½: more
--                       than half of the model's weight is «không áp dụng»);
--   graded:             a score exists and neither of the above. A missing setting sets no minimum.
-- Without this minimum a team with no concluded case scored 87,5 «Tốt» (the weight of Kết quả and Kịp thời
-- redistributed onto composition and security). A team not graded keeps its score as indicative only
-- (điểm tham khảo) but gets band 'chua_du_du_lieu' («Chưa đủ dữ liệu để xếp loại»), no rank, no change.
-- band of a graded team: from the rounded score and the year's band minimums (≥ 85 Tốt, 70–84 Khá, 50–69
-- Trung bình, < 50 Yếu); rank: among the graded teams of the commune that year (1 = best; ties share a
-- rank) — a team not graded has no rank, so it is never ranked above a graded one;
-- change = score − the team's score the year before (each year scored by its own model), only when both
-- years are graded (an indicative score compared with a graded one would read as progress or decline).
-- Σ points is summed exactly (fsum, compensated): a plain floating sum depended on the order the engine added the six
-- parts, so a score of exactly x,x5 (e.g. 40 + 10/3 + 15 + 11,25 + 20/3 + 10 = 86,25) rounded to 86,2 on one page and
-- 86,3 on another.
-- team_graded_of(y0, y1): the years y0–y1 (NULL: no bound) scored, graded and banded, every input of team_score_inputs
-- kept beside them — what the candidate rules, the review flags and the band counts read; it compares a team with no
-- other team or year, so it reads only its own years. team_scored_of(y) adds the rank and the year before for year y
-- (NULL: every year), from the years y − 1 and y only: a team's rows are its years of existence in report_years, without
-- a gap, so the row before year y is year y − 1 or none. team_score_of(y) is the score's own columns; the view
-- team_score, every year.
CREATE OR REPLACE MACRO team_graded_of(y0, y1) AS TABLE
WITH totals AS (
    SELECT *,
           round(list_aggregate([p.points FOR p IN parts], 'fsum'), 1) AS score,
           len([p FOR p IN parts IF NOT p.applicable]) AS not_applicable
    FROM team_score_parts_of(y0, y1)
), evidence AS (
    SELECT *,
           total_weight - applicable_weight AS not_applicable_weight,
           ratio(total_weight - applicable_weight, total_weight) AS not_applicable_share,
           coalesce(concluded < grading_min_concluded, FALSE) AS too_few_cases,
           coalesce(ratio(total_weight - applicable_weight, total_weight) > grading_max_not_applicable
                    + 1e-9, FALSE) AS too_little_weight
    FROM totals
)
SELECT *,
       score IS NOT NULL AND NOT too_few_cases AND NOT too_little_weight AS graded,
       CASE WHEN score IS NULL OR too_few_cases OR too_little_weight THEN 'chua_du_du_lieu'
            WHEN score >= band_tot THEN 'tot'
            WHEN score >= band_kha THEN 'kha'
            WHEN score >= band_trung_binh THEN 'trung_binh'
            ELSE 'yeu' END AS band
FROM evidence;

CREATE OR REPLACE MACRO team_scored_of(y) AS TABLE
WITH ranked AS (
    SELECT *,
           CASE WHEN graded THEN rank() OVER (PARTITION BY commune_id, year, graded ORDER BY score DESC) END AS rank,
           lag(score) OVER (PARTITION BY team_id ORDER BY year) AS previous_score,
           lag(graded) OVER (PARTITION BY team_id ORDER BY year) AS previous_graded,
           CASE WHEN graded AND lag(graded) OVER (PARTITION BY team_id ORDER BY year)
                THEN score - lag(score) OVER (PARTITION BY team_id ORDER BY year) END AS change
    FROM team_graded_of(y - 1, y)
)
FROM ranked WHERE y IS NULL OR year = y;

CREATE OR REPLACE MACRO team_score_of(y) AS TABLE
SELECT team_id, village_id, commune_id, year, score, applicable_weight, total_weight, not_applicable, concluded,
       not_applicable_weight, not_applicable_share, grading_min_concluded, grading_max_not_applicable,
       too_few_cases, too_little_weight, graded, band, rank, previous_score, previous_graded, change
FROM team_scored_of(y);

CREATE OR REPLACE VIEW team_score AS FROM team_score_of(NULL);

-- team_candidate: DOMAIN.md "Commendation candidates", team rules, each pass/fail:
--   rule_band:        band Tốt (a team with too little data to grade, band 'chua_du_du_lieu', fails it);
--   rule_rate:        official rate ≥ team_rate_min (90%) with ≥ team_concluded_min (3) concluded cases;
--   rule_incidents:   security incidents ≤ team_incidents_max (0: none);
--   rule_trained:     trained_share ≥ team_trained_min (100%); no active mediator → fails;
--   rule_composition: team_year.composition_ok (Art. 12, as on the Tổ hòa giải page).
-- failed_rules = rules failed; candidate: none failed; near_miss: exactly one failed, for a graded team only
-- (a team not graded is not «almost» a candidate: the year gave too little evidence to judge it).
-- team_candidate_of(y): year y (NULL: every year), from team_graded_of (inputs and score in one row).
CREATE OR REPLACE MACRO team_candidate_of(y) AS TABLE
WITH rules AS (
    SELECT team_id, village_id, commune_id, year, score, band, graded, too_few_cases,
           too_little_weight, not_applicable_share, grading_min_concluded, grading_max_not_applicable,
           thanh, concluded, official_rate, incidents, trained, active, trained_share,
           composition_ok, rule_members, rule_woman, rule_leader, rule_ethnic, min_members,
           band_tot, team_rate_min, team_concluded_min, team_incidents_max, team_trained_min,
           coalesce(band = 'tot', FALSE) AS rule_band,
           concluded >= team_concluded_min AND coalesce(official_rate >= team_rate_min, FALSE) AS rule_rate,
           incidents <= team_incidents_max AS rule_incidents,
           coalesce(trained_share >= team_trained_min, FALSE) AS rule_trained,
           composition_ok AS rule_composition
    FROM team_graded_of(y, y)
)
SELECT *,
       (NOT rule_band)::INTEGER + (NOT rule_rate)::INTEGER + (NOT rule_incidents)::INTEGER
           + (NOT rule_trained)::INTEGER + (NOT rule_composition)::INTEGER AS failed_rules,
       graded AND rule_band AND rule_rate AND rule_incidents AND rule_trained AND rule_composition AS is_candidate,
       graded AND (NOT rule_band)::INTEGER + (NOT rule_rate)::INTEGER + (NOT rule_incidents)::INTEGER
           + (NOT rule_trained)::INTEGER + (NOT rule_composition)::INTEGER = 1 AS near_miss
FROM rules;

CREATE OR REPLACE VIEW team_candidate AS FROM team_candidate_of(NULL);

-- mediator_candidate: mediator rules, each pass/fail, for every mediator who was a member in the year
-- (mediator_year):
--   rule_cases:   took part (case_mediators) in ≥ mediator_concluded_min (3) cases concluded that year
--                 (thành or không thành) with success thành / concluded ≥ mediator_rate_min (90%);
--   rule_trained: attended a held training that year (mediator_year.trained);
--   rule_active:  active (mediator_year.active: a member at 31/12, or today for the current year).
-- failed_rules, is_candidate, near_miss as for teams.
-- mediator_candidate_of(y): year y only (NULL: every year), reading that year's cases and members.
CREATE OR REPLACE MACRO mediator_candidate_of(y) AS TABLE
WITH work AS (
    SELECT cm.mediator_id, cy.year,
           count(*) FILTER (WHERE cy.result_in_year IN ('thanh', 'khong_thanh')) AS concluded,
           count(*) FILTER (WHERE cy.result_in_year = 'thanh') AS thanh
    FROM case_mediators cm JOIN case_year cy ON cy.case_id = cm.case_id
    WHERE y IS NULL OR cy.year = y
    GROUP BY cm.mediator_id, cy.year
), rules AS (
    SELECT my.mediator_id, my.team_id, my.village_id, my.year, my.active, my.trained, my.sessions,
           coalesce(w.concluded, 0) AS concluded, coalesce(w.thanh, 0) AS thanh,
           ratio(w.thanh, w.concluded) AS success_rate,
           m.mediator_concluded_min, m.mediator_rate_min,
           coalesce(w.concluded, 0) >= m.mediator_concluded_min
               AND coalesce(ratio(w.thanh, w.concluded) >= m.mediator_rate_min, FALSE) AS rule_cases,
           my.trained AS rule_trained,
           my.active AS rule_active
    FROM mediator_year my
    JOIN score_model_year m ON m.year = my.year
    LEFT JOIN work w ON w.mediator_id = my.mediator_id AND w.year = my.year
    WHERE y IS NULL OR my.year = y
)
SELECT *,
       (NOT rule_cases)::INTEGER + (NOT rule_trained)::INTEGER + (NOT rule_active)::INTEGER AS failed_rules,
       rule_cases AND rule_trained AND rule_active AS is_candidate,
       (NOT rule_cases)::INTEGER + (NOT rule_trained)::INTEGER + (NOT rule_active)::INTEGER = 1 AS near_miss
FROM rules;
CREATE OR REPLACE VIEW mediator_candidate AS FROM mediator_candidate_of(NULL);

-- team_review_flags: "cần kiện toàn" (DOMAIN.md, review flags) per team and year: composition failing
-- (team_year.composition_ok), band Yếu, or active mediators with neither a case nor a training (idle).
-- The first and last are exactly the Tổ hòa giải page's needs_review; band Yếu is added from the score — a
-- team with too little data to grade (band 'chua_du_du_lieu') is never flagged by its indicative score.
-- A flag asks for a review, never a removal (Art. 11 is the chairman's decision).
-- team_review_flags_of(y): year y (NULL: every year), from team_graded_of.
CREATE OR REPLACE MACRO team_review_flags_of(y) AS TABLE
SELECT team_id, village_id, year, score, band, graded,
       composition_ok, rule_members, rule_woman, rule_leader, rule_ethnic, ethnic_required,
       active, women, idle,
       coalesce(band = 'yeu', FALSE) AS low_band,
       NOT composition_ok OR idle > 0 OR coalesce(band = 'yeu', FALSE) AS needs_review
FROM team_graded_of(y, y);

CREATE OR REPLACE VIEW team_review_flags AS FROM team_review_flags_of(NULL);

-- commendation_steps(y, as_of): the practice calendar of year y (DOMAIN.md "Commendation": team
-- self-assessment before 15/11, proposal before 30/11, decision before 15/12; dates in
-- commendation_calendar), one row per item of each step:
--   tu_danh_gia: every team that existed in year y, done on its self_assessments.submitted_on;
--   de_nghi:     every nomination of the year, done on nominated_on; with no nomination at all, one row
--                with nothing done;
--   quyet_dinh:  every nomination of the year, done on decided_on (approved or not).
-- state: dung_han (done on or before the deadline), tre_han (done after it), qua_han (not done and
-- as_of is past the deadline), chua_den_han (not done, deadline not yet passed). The page passes today
-- as as_of, so a past year shows everything not done as overdue and the current year only what is due.
CREATE OR REPLACE MACRO commendation_steps(y, as_of) AS TABLE
WITH steps AS (
    SELECT code, sort_order, make_date(y::INTEGER, month, day) AS deadline FROM commendation_calendar
), items AS (
    SELECT 'tu_danh_gia' AS step, t.id AS team_id, NULL::INTEGER AS nomination_id, sa.submitted_on AS done_on
    FROM teams t LEFT JOIN self_assessments sa ON sa.team_id = t.id AND sa.year = y
    WHERE exists_in(t.valid_from, t.valid_to, y::INTEGER)  -- only the teams that existed that year
    UNION ALL
    SELECT 'de_nghi', n.team_id, n.id, n.nominated_on FROM nominations n WHERE n.year = y
    UNION ALL
    SELECT 'de_nghi', NULL, NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM nominations n WHERE n.year = y)
    UNION ALL
    SELECT 'quyet_dinh', n.team_id, n.id, n.decided_on FROM nominations n WHERE n.year = y
)
SELECT i.step, s.sort_order, s.deadline, i.team_id, i.nomination_id, i.done_on,
       CASE WHEN i.done_on IS NOT NULL AND i.done_on <= s.deadline THEN 'dung_han'
            WHEN i.done_on IS NOT NULL THEN 'tre_han'
            WHEN as_of::DATE > s.deadline THEN 'qua_han'
            ELSE 'chua_den_han' END AS state
FROM items i JOIN steps s ON s.code = i.step;
