-- mediator_year: each mediator in each year they were a member at some point.
-- active  = member on the year's reference date: 31/12, or today for the current year
--           (joined by then and not yet left);
-- trained = attended at least one held training session (trainings.status = 'da_to_chuc') that year;
-- cases   = cases counted in the year (case_year) that the mediator was assigned to.
-- The "cần rà soát" flag of DOMAIN.md (neither a case nor a training in the year) is idle.
-- mediator_year_member: the same rows with what team_year counts of the member (gender, ethnic_minority, is_leader),
-- so a team's year reads its members once (issue 15); mediator_year shows the rows without them.
-- Every part is grouped or joined by year, so a reader's `WHERE year = ?` reaches mediators, trainings and cases.
CREATE OR REPLACE VIEW mediator_year_member AS
WITH y AS (
    SELECT year, least(make_date(year, 12, 31), current_date) AS ref_date FROM report_years
),
training AS (
    SELECT a.mediator_id, year(t.held_on)::INTEGER AS year, count(*) AS sessions,
           sum(coalesce(t.hours, 0)) AS hours
    FROM training_attendance a JOIN trainings t ON t.id = a.training_id
    WHERE t.status = 'da_to_chuc'
    GROUP BY ALL
),
casework AS (
    SELECT cm.mediator_id, cy.year, count(*) AS cases
    FROM case_mediators cm JOIN case_year cy ON cy.case_id = cm.case_id
    GROUP BY ALL
)
SELECT
    m.id AS mediator_id, m.team_id, t.village_id, y.year,
    coalesce(m.joined_on, DATE '1900-01-01') <= y.ref_date AND (m.left_on IS NULL OR m.left_on > y.ref_date) AS active,
    coalesce(tr.sessions, 0) AS sessions,
    coalesce(tr.hours, 0) AS hours,
    coalesce(tr.sessions, 0) > 0 AS trained,
    coalesce(cw.cases, 0) AS cases,
    coalesce(tr.sessions, 0) = 0 AND coalesce(cw.cases, 0) = 0 AS idle,
    m.gender, m.ethnic_minority, m.is_leader
FROM mediators m
JOIN teams t ON t.id = m.team_id
CROSS JOIN y
LEFT JOIN training tr ON tr.mediator_id = m.id AND tr.year = y.year
LEFT JOIN casework cw ON cw.mediator_id = m.id AND cw.year = y.year
WHERE coalesce(m.joined_on, DATE '1900-01-01') <= make_date(y.year, 12, 31)
  AND (m.left_on IS NULL OR m.left_on >= make_date(y.year, 1, 1));

CREATE OR REPLACE VIEW mediator_year AS
SELECT * EXCLUDE (gender, ethnic_minority, is_leader) FROM mediator_year_member;

-- team_year: composition (Luật HGCS Art. 12) and training coverage of each team in each year,
-- counted over its active mediators (mediator_year.active). Rules, thresholds from target_year:
--   rule_members: active >= team_min_members (3);
--   rule_woman:   active women >= team_min_women (1);
--   rule_leader:  an active tổ trưởng;
--   rule_ethnic:  where the village is flagged ethnic_area, active ethnic-minority >= team_min_ethnic (1);
--   composition_ok: all four.
-- trained_share = trained active / active (plan target: 100%); idle = active with neither a case
-- nor a training in the year (a review flag, never a removal: Art. 11 is the chairman's decision).
-- The members are counted per team and year first, then set beside every team of the year (0 without members); the
-- thresholds read only their three keys of target_year (rows of law: one value a year, the same for every commune).
CREATE OR REPLACE VIEW team_year AS
WITH members AS (
    SELECT team_id, year,
           count(*) FILTER (WHERE active) AS active,
           count(*) FILTER (WHERE active AND gender = 'nu') AS women,
           count(*) FILTER (WHERE active AND ethnic_minority) AS ethnic,
           count(*) FILTER (WHERE active AND is_leader) AS leaders,
           count(*) FILTER (WHERE active AND trained) AS trained,
           count(*) FILTER (WHERE active AND idle) AS idle
    FROM mediator_year_member
    GROUP BY team_id, year
),
counts AS (
    SELECT t.id AS team_id, t.village_id, y.year,
           coalesce(mc.active, 0) AS active, coalesce(mc.women, 0) AS women, coalesce(mc.ethnic, 0) AS ethnic,
           coalesce(mc.leaders, 0) AS leaders, coalesce(mc.trained, 0) AS trained, coalesce(mc.idle, 0) AS idle
    FROM teams t
    CROSS JOIN report_years y
    LEFT JOIN members mc ON mc.team_id = t.id AND mc.year = y.year
    WHERE exists_in(t.valid_from, t.valid_to, y.year)  -- a team counts only in the years it existed
),
thresholds AS (
    SELECT year,
           any_value(value) FILTER (WHERE key = 'team_min_members') AS min_members,
           any_value(value) FILTER (WHERE key = 'team_min_women') AS min_women,
           any_value(value) FILTER (WHERE key = 'team_min_ethnic') AS min_ethnic
    FROM target_year
    WHERE key IN ('team_min_members', 'team_min_women', 'team_min_ethnic')
    GROUP BY year
)
SELECT c.*, v.ethnic_area AS ethnic_required,
       c.active >= th.min_members AS rule_members,
       c.women >= th.min_women AS rule_woman,
       c.leaders >= 1 AS rule_leader,
       NOT v.ethnic_area OR c.ethnic >= th.min_ethnic AS rule_ethnic,
       c.active >= th.min_members AND c.women >= th.min_women AND c.leaders >= 1
           AND (NOT v.ethnic_area OR c.ethnic >= th.min_ethnic) AS composition_ok,
       ratio(c.trained, c.active) AS trained_share,
       th.min_members, th.min_women, th.min_ethnic
FROM counts c
JOIN villages v ON v.id = c.village_id
JOIN thresholds th ON th.year = c.year;
