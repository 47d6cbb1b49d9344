-- Criteria compliance (chuẩn tiếp cận pháp luật, DOMAIN.md "Legal-access standard"; issue 5): every indicator
-- of the framework in force in a year, measured per village and for the whole commune, against its target,
-- with the evidence documents it needs. The standard is a commune's: in a file of many communes (a province, a
-- roll-up) every figure below is one commune's (commune_id), measured with that commune's villages, budget line,
-- plan targets, evidence and points entered by hand only — never summed or averaged over communes here. Frameworks, indicators, targets, points and required evidence are rows
-- (db/core/migrations/004_criteria.sql, 012_legal_access.sql, seeds/reference/criteria_*.csv); the formulas are the fixed
-- set below. How a framework judges (criteria_frameworks.assessment, issue 14 item 8):
--   points: Quyết định 25/2021/QĐ-TTg (years 2021–2024) — indicators scored in points; the commune passes with
--           ≥ pass_points (80) of total_points (100) and ≥ criterion_min_share (50 %) of every tiêu chí's maximum
--           (criteria_criterion_year, criteria_standard_year). The app measures only Tiêu chí 3's Chỉ tiêu 1–2;
--           Chỉ tiêu 3 (legal aid) and the other tiêu chí are entered by hand, or unknown;
--   level:  Quyết định 27/2025/QĐ-TTg with Thông tư 15/2025/TT-BTP (years 2025 on) — each indicator passes or fails
--           against a level (target, compared by comparison), no points;
--   none:   the commune plan's own targets, tracked, not scored.
-- Scoped by year (issue 15, as db/scores/scores.sql): every figure below is a table macro of the year, X_of(y), that reads
-- only that year's rows (villages, teams, cases, documents, targets), and the view X of the same name is its macro for
-- every year (y NULL): one definition for both. The readers (db/criteria/__init__.py, evidence.py) call the macros.

-- criteria_formula: the formulas the app implements (db/criteria/__init__.py FORMULAS lists the same codes).
--   kind:   ratio (a share, target a fraction), count (a number), yes_no (1/0), document (1 when the
--           required evidence is present), manual (points entered for the year: criteria_manual_points);
--   scope:  thon = measured per village, the commune figure recomputed from the summed counts of its villages
--           (never an average of villages); xa = one commune fact (e.g. its budget line), the same for every
--           village of the commune;
--   better: cao = met when value ≥ target; thap = met when value ≤ target.
CREATE OR REPLACE VIEW criteria_formula AS
SELECT * FROM (VALUES
    ('register_complete',  'ratio',    'thon', 'cao',  1),
    ('official_rate',      'ratio',    'thon', 'cao',  2),
    ('budget_document',    'yes_no',   'xa',   'cao',  3),
    ('support_at_rate',    'ratio',    'thon', 'cao',  4),
    ('evidence_present',   'document', 'xa',   'cao',  5),
    ('trained_share',      'ratio',    'thon', 'cao',  6),
    ('composition',        'ratio',    'thon', 'cao',  7),
    ('security_incidents', 'count',    'thon', 'thap', 8),
    ('manual',             'manual',   'xa',   'cao',  9)
) AS t(code, kind, scope, better, sort_order);

-- criteria_scope: what a figure can be about: each village in each reporting year, and each whole commune
-- (village_id NULL); commune_id: the commune the scope belongs to (a village's own commune).
CREATE OR REPLACE MACRO criteria_scope_of(y, commune, province) AS TABLE
SELECT ry.year, v.id AS village_id, v.commune_id FROM report_years_of(y) ry CROSS JOIN villages v
WHERE exists_in(v.valid_from, v.valid_to, ry.year) AND in_commune(v.commune_id, commune, province)
UNION ALL
SELECT ry.year, NULL::INTEGER, c.id FROM report_years_of(y) ry CROSS JOIN communes c WHERE in_commune(c.id, commune, province);

CREATE OR REPLACE VIEW criteria_scope AS FROM criteria_scope_of(NULL, NULL, NULL);

-- criteria_framework_year: per year and family, the framework in force at 31/12 of the year
-- (valid_from ≤ 31/12 ≤ valid_to, open-ended when valid_to is empty; the latest start wins if two overlap).
-- So 2021–2024 are measured with QĐ 25/2021/QĐ-TTg and 2025 on with QĐ 27/2025/QĐ-TTg.
CREATE OR REPLACE MACRO criteria_framework_year_of(y) AS TABLE
SELECT ry.year, f.id AS framework_id, f.code AS framework_code, f.family, f.name AS framework_name,
       f.short_name AS framework_short_name, f.legal_basis, f.valid_from AS framework_valid_from,
       f.valid_to AS framework_valid_to, f.pass_rule, f.needs_verification AS framework_needs_verification,
       f.note AS framework_note, f.sort_order AS framework_sort,
       coalesce(f.assessment, 'points') AS assessment, f.total_points, f.pass_points, f.criterion_min_share
FROM report_years_of(y) ry
JOIN criteria_frameworks f ON f.valid_from <= make_date(ry.year, 12, 31)
                          AND (f.valid_to IS NULL OR f.valid_to >= make_date(ry.year, 12, 31))
QUALIFY row_number() OVER (PARTITION BY ry.year, f.family ORDER BY f.valid_from DESC, f.id DESC) = 1;

CREATE OR REPLACE VIEW criteria_framework_year AS FROM criteria_framework_year_of(NULL);

-- criteria_indicator_year: each indicator of those frameworks, in the version in force at 31/12 of the year
-- (an edit makes a new version from a later year, so a past year keeps the rules it was measured with), for each
-- commune (commune_id): the frameworks are national, a plan's targets are the commune's.
-- target: the value of target_year[target_key] for the commune and year when the indicator names one (the commune's
-- own plan of the year; NULL without one), else its own target; 1 for yes/no and document indicators without one;
-- for a manual indicator its maximum (met = full points).
-- compare: how value meets target — 'ge' (≥) or 'le' (≤): the indicator's own comparison (a level of QĐ 27/2025),
-- else the formula's direction (better 'thap' → 'le').
CREATE OR REPLACE MACRO criteria_indicator_year_of(y, commune, province) AS TABLE
SELECT fy.*, co.id AS commune_id, i.id AS indicator_id, i.code, i.sort_order, i.group_name, i.wording, i.kind,
       i.formula,
       cf.scope, cf.better,
       CASE WHEN i.formula = 'manual' THEN i.max_points
            ELSE coalesce(ty.value, i.target, CASE WHEN i.kind IN ('yes_no', 'document') THEN 1 END) END AS target,
       coalesce(i.comparison, CASE cf.better WHEN 'thap' THEN 'le' ELSE 'ge' END) AS compare,
       i.criterion_no, i.indicator_no, i.part,
       i.target_key, i.max_points, i.points_rule, i.evidence_kinds, i.needs_verification, i.source, i.note,
       i.valid_from, i.valid_to, i.version
FROM criteria_framework_year_of(y) fy
JOIN criteria_indicators i ON i.framework_code = fy.framework_code
                          AND i.valid_from <= make_date(fy.year, 12, 31)
                          AND (i.valid_to IS NULL OR i.valid_to >= make_date(fy.year, 12, 31))
JOIN criteria_formula cf ON cf.code = i.formula
CROSS JOIN communes co
LEFT JOIN target_year_of(y, commune, province) ty ON ty.commune_id = co.id AND ty.year = fy.year AND ty.key = i.target_key
WHERE in_commune(co.id, commune, province);

CREATE OR REPLACE VIEW criteria_indicator_year AS FROM criteria_indicator_year_of(NULL, NULL, NULL);

-- case_register_check: is each case counted in a year (case_year) recorded in the register — Sổ theo dõi
-- hoạt động hòa giải ở cơ sở, MOJ template 2014 (DOMAIN.md "Case register") — with every column the app can
-- check filled? missing lists the gaps:
--   hoa_giai_vien: no mediator recorded;   cac_ben: no party;
--   tuoi / dia_chi: a party without age / address;   noi_dung: no summary;
--   thoa_thuan: concluded thành or không thành by 31/12 of the year, but neither the agreement nor each
--               side's demand recorded.
-- STT, ngày nhận and kết quả are always present (the write path requires them); chữ ký cannot be checked
-- and ghi chú is optional. in_scope = not ngoài phạm vi at 31/12 (referred cases are outside the register's count).
-- commune_id: the commune of the case's village.
-- The parties and mediators are counted per case and year of case_year (not per case over the whole tables), so a
-- reader's year and commune reach the counts too: one commune of a national file read 3 million parties for 22 cases.
CREATE OR REPLACE VIEW case_register_check AS
WITH parties AS (
    SELECT cy.case_id, cy.year, cy.commune_id, count(p.case_id) AS parties,
           count(p.case_id) FILTER (WHERE p.age IS NULL) AS no_age,
           count(p.case_id) FILTER (WHERE coalesce(trim(p.address), '') = '') AS no_address
    FROM case_year cy LEFT JOIN case_parties p ON p.case_id = cy.case_id GROUP BY cy.case_id, cy.year, cy.commune_id
), mediators AS (
    SELECT cy.case_id, cy.year, cy.commune_id, count(m.case_id) AS mediators
    FROM case_year cy LEFT JOIN case_mediators m ON m.case_id = cy.case_id GROUP BY cy.case_id, cy.year, cy.commune_id
), checked AS (
    SELECT cy.case_id, cy.year, cy.village_id, cy.commune_id, cy.team_id, cy.result_in_year, cy.carried_over,
           c.received_on,
           c.category, cy.result_in_year <> 'ngoai_pham_vi' AS in_scope,
           list_filter([
               CASE WHEN coalesce(m.mediators, 0) = 0 THEN 'hoa_giai_vien' END,
               CASE WHEN coalesce(p.parties, 0) = 0 THEN 'cac_ben' END,
               CASE WHEN p.no_age > 0 THEN 'tuoi' END,
               CASE WHEN p.no_address > 0 THEN 'dia_chi' END,
               CASE WHEN coalesce(trim(c.summary), '') = '' THEN 'noi_dung' END,
               CASE WHEN cy.result_in_year IN ('thanh', 'khong_thanh') AND coalesce(trim(c.agreement), '') = ''
                    THEN 'thoa_thuan' END
           ], lambda x: x IS NOT NULL) AS missing
    FROM case_year cy
    JOIN cases c ON c.id = cy.case_id
    LEFT JOIN parties p ON p.case_id = cy.case_id AND p.year = cy.year AND p.commune_id = cy.commune_id
    LEFT JOIN mediators m ON m.case_id = cy.case_id AND m.year = cy.year AND m.commune_id = cy.commune_id
)
SELECT *, len(missing) = 0 AS complete FROM checked;

-- evidence_coverage: per year, scope (a village or a whole commune, commune_id) and evidence kind, whether the
-- documents are there (deleted ones never count). A document is its commune's (evidence_documents.commune_id; one
-- without a village is its commune's whole-commune document) and never covers another commune. A village has a kind
-- when there is a document of that year and kind for the village, or one for its whole commune (village empty); a
-- commune-level kind (per_village false) is had by every village of the commune once any document of it exists in
-- the commune. The whole commune has a per-village kind when one document covers the whole commune or every village
-- of it has its own; missing_villages names the commune's villages still lacking it.
-- evidence_coverage_of(y, commune, province): year y (NULL: every year). The documents are counted once per commune and kind (docs: all
-- of the commune's, commune_docs: those of the whole commune), so a village's count is its own documents plus its
-- commune's whole-commune ones (a per-village kind) or all of its commune's (a commune-level kind).
CREATE OR REPLACE MACRO evidence_coverage_of(y, commune, province) AS TABLE
WITH docs AS (
    SELECT year, commune_id, village_id, kind, count(*) AS n
    FROM evidence_documents WHERE deleted_at IS NULL AND (y IS NULL OR year = y) AND in_commune(commune_id, commune, province)
    GROUP BY ALL
), per_commune AS (
    SELECT year, commune_id, kind, sum(n) AS docs, sum(n) FILTER (WHERE village_id IS NULL) AS commune_docs
    FROM docs GROUP BY ALL
), by_village AS (
    SELECT ry.year, v.commune_id, v.id AS village_id, v.name AS village, k.code AS kind,
           CASE WHEN k.per_village THEN coalesce(own.n, 0) + coalesce(pc.commune_docs, 0)
                ELSE coalesce(pc.docs, 0) END::BIGINT AS docs
    FROM report_years_of(y) ry CROSS JOIN villages v CROSS JOIN evidence_kinds k
    LEFT JOIN docs own ON own.year = ry.year AND own.kind = k.code AND own.commune_id = v.commune_id
                      AND own.village_id = v.id
    LEFT JOIN per_commune pc ON pc.year = ry.year AND pc.kind = k.code AND pc.commune_id = v.commune_id
    WHERE exists_in(v.valid_from, v.valid_to, ry.year) AND in_commune(v.commune_id, commune, province)
), lacking AS (
    SELECT year, commune_id, kind, count(*) FILTER (WHERE docs = 0) AS villages_missing,
           list(village ORDER BY village COLLATE vi) FILTER (WHERE docs = 0) AS names
    FROM by_village GROUP BY year, commune_id, kind
), commune AS (
    SELECT ry.year, c.id AS commune_id, k.code AS kind, k.per_village, coalesce(pc.docs, 0)::BIGINT AS docs,
           coalesce(pc.commune_docs, 0)::BIGINT AS commune_docs
    FROM report_years_of(y) ry CROSS JOIN communes c CROSS JOIN evidence_kinds k
    LEFT JOIN per_commune pc ON pc.year = ry.year AND pc.kind = k.code AND pc.commune_id = c.id
    WHERE in_commune(c.id, commune, province)
)
SELECT year, village_id, kind, docs, docs > 0 AS present, []::VARCHAR[] AS missing_villages, commune_id
FROM by_village
UNION ALL
SELECT c.year, NULL, c.kind, c.docs,
       CASE WHEN c.per_village THEN c.commune_docs > 0 OR coalesce(l.villages_missing, 0) = 0 ELSE c.docs > 0 END,
       CASE WHEN c.per_village AND c.commune_docs = 0 THEN coalesce(l.names, []) ELSE [] END,
       c.commune_id
FROM commune c LEFT JOIN lacking l ON l.year = c.year AND l.commune_id = c.commune_id AND l.kind = c.kind;

CREATE OR REPLACE VIEW evidence_coverage AS FROM evidence_coverage_of(NULL, NULL, NULL);

-- criteria_measure: each formula's counts per scope. num / den are the figures behind the value:
--   register_complete:  in-scope cases of the year recorded with every register column / in-scope cases
--                       (case_register_check);
--   official_rate:      thành / (thành + không thành) — Tỷ lệ hòa giải thành (chính thức), village_results;
--   budget_document:    1 when the commune has a budget row for the year (db/funding, table budgets) with a
--                       document number and a line in the commune's budget (in_commune_budget), else 0; commune
--                       fact (its own line, never another commune's);
--   support_at_rate:    teams paid at the valid rate / teams (funding_team_year): a team is at the rate when
--                       support paid (đã chi) ≥ support due at the rate and none of its payments of the year is
--                       wrong: above the rate, or for a case deleted since or no longer eligible (funding_team_year);
--                       teams_short = support paid < due, teams_above = a wrong payment;
--   evidence_present:   computed in criteria_result from the indicator's own required documents;
--   trained_share:      active mediators trained in the year / active mediators (team_year);
--   composition:        teams meeting every rule of Art. 12 / teams (team_year.composition_ok);
--   security_incidents: cases of the year flagged "phức tạp, gây mất ANTT" (village_results).
-- A scope with no denominator gets value NULL: không áp dụng (e.g. no concluded case, so no rate).
-- The whole commune's counts are its own villages' and teams' (grouped by commune_id), never the file's.
-- The year is filtered before each grouping (a filter does not reach through GROUPING SETS).
CREATE OR REPLACE MACRO criteria_measure_of(y, commune, province) AS TABLE
WITH teams_of AS (
    SELECT ty.*, v.commune_id FROM team_year ty JOIN villages v ON v.id = ty.village_id
    WHERE (y IS NULL OR ty.year = y) AND in_commune(v.commune_id, commune, province)
), results_of AS (
    FROM village_results WHERE (y IS NULL OR year = y) AND in_commune(commune_id, commune, province)
), measures AS (
    SELECT 'register_complete' AS formula, year, commune_id, village_id,
           count(*) FILTER (WHERE complete) AS num, count(*) AS den,
           NULL::BIGINT AS teams_short, NULL::BIGINT AS teams_above
    FROM case_register_check WHERE in_scope AND (y IS NULL OR year = y) AND in_commune(commune_id, commune, province)
    GROUP BY GROUPING SETS ((year, commune_id, village_id), (year, commune_id))
    UNION ALL
    SELECT 'official_rate', year, commune_id, village_id, sum(thanh), sum(thanh + khong_thanh), NULL, NULL
    FROM results_of GROUP BY GROUPING SETS ((year, commune_id, village_id), (year, commune_id))
    UNION ALL
    SELECT 'support_at_rate', year, commune_id, village_id,
           count(*) FILTER (WHERE support_paid >= support_due AND above_rate = 0 AND paid_deleted = 0
                                  AND paid_ineligible = 0), count(*),
           count(*) FILTER (WHERE support_paid < support_due),
           count(*) FILTER (WHERE above_rate > 0 OR paid_deleted > 0 OR paid_ineligible > 0)
    FROM funding_team_year_of(y, NULL, commune, province)
    GROUP BY GROUPING SETS ((year, commune_id, village_id), (year, commune_id))
    UNION ALL
    SELECT 'trained_share', year, commune_id, village_id, sum(trained), sum(active), NULL, NULL
    FROM teams_of GROUP BY GROUPING SETS ((year, commune_id, village_id), (year, commune_id))
    UNION ALL
    SELECT 'composition', year, commune_id, village_id, count(*) FILTER (WHERE composition_ok), count(*), NULL, NULL
    FROM teams_of GROUP BY GROUPING SETS ((year, commune_id, village_id), (year, commune_id))
    UNION ALL
    SELECT 'security_incidents', year, commune_id, village_id, sum(security_incidents), NULL, NULL, NULL
    FROM results_of GROUP BY GROUPING SETS ((year, commune_id, village_id), (year, commune_id))
    UNION ALL
    SELECT 'budget_document', s.year, s.commune_id, s.village_id,
           CASE WHEN b.id IS NOT NULL AND coalesce(trim(b.document_no), '') <> '' AND b.in_commune_budget
                THEN 1 ELSE 0 END, 1, NULL, NULL
    FROM criteria_scope_of(y, commune, province) s LEFT JOIN budgets b ON b.commune_id = s.commune_id AND b.year = s.year
)
SELECT f.code AS formula, s.year, s.village_id,
       coalesce(m.num, 0)::BIGINT AS num, m.den::BIGINT AS den,
       m.teams_short::BIGINT AS teams_short, m.teams_above::BIGINT AS teams_above,
       CASE f.kind WHEN 'ratio' THEN ratio(coalesce(m.num, 0), m.den)
                   WHEN 'count' THEN coalesce(m.num, 0)::DOUBLE
                   WHEN 'yes_no' THEN coalesce(m.num, 0)::DOUBLE END AS value,
       s.commune_id
FROM criteria_scope_of(y, commune, province) s
CROSS JOIN criteria_formula f
LEFT JOIN measures m ON m.formula = f.code AND m.year = s.year AND m.commune_id = s.commune_id
                    AND m.village_id IS NOT DISTINCT FROM s.village_id;

CREATE OR REPLACE VIEW criteria_measure AS FROM criteria_measure_of(NULL, NULL, NULL);

-- criteria_scoped_of(y, commune, province): each indicator in force in year y (NULL: every year) beside each scope of its commune — the rows
-- criteria_result judges (and the evidence page lists the kinds of).
CREATE OR REPLACE MACRO criteria_scoped_of(y, commune, province) AS TABLE
SELECT iy.*, s.village_id
FROM criteria_indicator_year_of(y, commune, province) iy JOIN criteria_scope_of(y, commune, province) s ON s.year = iy.year AND s.commune_id = iy.commune_id;

-- criteria_evidence_required: each indicator version's evidence kinds (criteria_indicators.evidence_kinds, «a;b»), as a
-- list in the order of the kinds' catalogue (evidence_kinds.sort_order); an indicator needing none has no row.
CREATE OR REPLACE VIEW criteria_evidence_required AS
SELECT i.id AS indicator_id, list(trim(k.kind) ORDER BY ek.sort_order) AS kinds
FROM criteria_indicators i
CROSS JOIN LATERAL (SELECT unnest(string_split(coalesce(i.evidence_kinds, ''), ';')) AS kind) k
LEFT JOIN evidence_kinds ek ON ek.code = trim(k.kind)
WHERE trim(k.kind) <> ''
GROUP BY i.id;

-- criteria_result: each indicator in force in a year, per scope (village or whole commune, village_id NULL; commune_id
-- the scope's commune, whose targets, budget, evidence and points entered by hand it is judged with):
--   evidence_required / evidence_missing: the indicator's evidence kinds, and those evidence_coverage lacks
--                       for the scope;
--   value:  criteria_measure's, or for evidence_present 1 when nothing is missing, else 0; for a manual indicator
--           the points entered for the year (criteria_manual_points; NULL: chưa nhập / chưa biết);
--   met:    value compared with target by compare (≥ or ≤), with a tolerance of 1e-9 for fractions;
--   computed_status: dat / chua_dat from the data alone; khong_ap_dung when there is no value or no target;
--           chua_nhap for a manual indicator without points;
--   status: thieu_ho_so when any required document is missing — whatever the data say — else computed_status;
--   computed_points: by points_rule — all_or_nothing: max_points when met, else 0; proportional (≥ only):
--           max_points × min(value / target, 1), to 2 decimals; manual: the points entered (at most max_points);
--           level (pass or fail against the level, QĐ 27/2025) and none: not scored (NULL); NULL when không áp
--           dụng;
--   points: computed_points, but 0 while evidence is missing (an indicator is only scored with its evidence).
CREATE OR REPLACE MACRO criteria_result_of(y, commune, province) AS TABLE
WITH scoped AS (
    FROM criteria_scoped_of(y, commune, province)
), present AS (  -- each scope's kinds that are there (evidence_coverage)
    SELECT year, commune_id, village_id, list(kind) FILTER (WHERE present) AS kinds
    FROM evidence_coverage_of(y, commune, province) GROUP BY ALL
), evidence AS (
    SELECT sc.*, coalesce(r.kinds, []::VARCHAR[]) AS evidence_required,
           coalesce(list_filter(r.kinds, lambda k: NOT coalesce(list_contains(h.kinds, k), FALSE)),
                    []::VARCHAR[]) AS evidence_missing
    FROM scoped sc
    LEFT JOIN criteria_evidence_required r ON r.indicator_id = sc.indicator_id
    LEFT JOIN present h ON h.year = sc.year AND h.commune_id = sc.commune_id
                       AND h.village_id IS NOT DISTINCT FROM sc.village_id
), valued AS (
    SELECT sc.* EXCLUDE (evidence_required, evidence_missing), m.num, m.den, m.teams_short, m.teams_above,
           sc.evidence_required, sc.evidence_missing,
           CASE WHEN sc.formula = 'evidence_present'
                THEN CASE WHEN len(sc.evidence_missing) = 0 THEN 1.0 ELSE 0.0 END
                WHEN sc.formula = 'manual' THEN mp.points
                ELSE m.value END AS value
    FROM evidence sc
    LEFT JOIN criteria_manual_points mp ON sc.formula = 'manual' AND mp.commune_id = sc.commune_id
                                       AND mp.year = sc.year
                                       AND mp.framework_code = sc.framework_code AND mp.indicator_code = sc.code
    LEFT JOIN criteria_measure_of(y, commune, province) m ON m.formula = sc.formula AND m.year = sc.year AND m.commune_id = sc.commune_id
                                AND m.village_id IS NOT DISTINCT FROM sc.village_id
), judged AS (
    SELECT *,
           CASE WHEN value IS NULL OR target IS NULL THEN NULL
                WHEN compare = 'le' THEN value <= target + 1e-9
                ELSE value >= target - 1e-9 END AS met
    FROM valued
), statused AS (
    SELECT *,
           CASE WHEN met IS NULL AND formula = 'manual' THEN 'chua_nhap'
                WHEN met IS NULL THEN 'khong_ap_dung' WHEN met THEN 'dat' ELSE 'chua_dat' END AS computed_status
    FROM judged
), scored AS (
    SELECT *,
           CASE WHEN len(evidence_missing) > 0 THEN 'thieu_ho_so' ELSE computed_status END AS status,
           CASE WHEN points_rule IN ('none', 'level') OR max_points IS NULL
                     OR computed_status IN ('khong_ap_dung', 'chua_nhap') THEN NULL
                WHEN points_rule = 'manual' THEN least(value, max_points)
                WHEN points_rule = 'proportional' AND compare = 'ge' AND target > 0
                    THEN round(max_points * least(value / target, 1), 2)
                WHEN met THEN max_points ELSE 0 END AS computed_points
    FROM statused
)
SELECT *, CASE WHEN status = 'thieu_ho_so' AND computed_points IS NOT NULL THEN 0 ELSE computed_points END AS points
FROM scored;

CREATE OR REPLACE VIEW criteria_result AS FROM criteria_result_of(NULL, NULL, NULL);

-- criteria_criterion_year: per year whose framework scores in points (QĐ 25/2021), each tiêu chí of criteria_criteria,
-- for each whole commune (commune_id: its own indicators' points and its own points entered by hand). The app knows a tiêu chí's points only in part, so it keeps the range they can still take:
--   measured (a tiêu chí with indicator rows — Tiêu chí 3): max_points = the sum of its scored indicators' maxima;
--           points_low = the sum of their points with an unknown one (không áp dụng, chưa nhập) as 0, points_high =
--           with an unknown one at its maximum; points = the sum when none is unknown; measured_points /
--           measured_max: the indicators computed from the data (Chỉ tiêu 1–2), without the manual ones;
--   not measured (Tiêu chí 1, 2, 4, 5): max_points from criteria_criteria (NULL: chưa nhập), points = the points
--           entered for the year (criteria_manual_points with indicator_code ''), else the range 0 … max_points;
--   half = criterion_min_share × max_points; half_met: TRUE when even points_low reaches half, FALSE when even
--           points_high stays below it, NULL (chưa xác định) otherwise or without a maximum.
-- A scored indicator counts its points column: 0 while its evidence is missing (criteria_result).
CREATE OR REPLACE MACRO criteria_criterion_year_of(y, commune, province) AS TABLE
WITH fw AS (
    SELECT * FROM criteria_framework_year_of(y) WHERE assessment = 'points'
), scored AS (
    SELECT commune_id, year, framework_code, criterion_no,
           sum(max_points) AS max_points,
           sum(coalesce(points, 0)) AS points_low,
           sum(coalesce(points, max_points)) AS points_high,
           count(*) FILTER (WHERE points IS NULL) AS unknown,
           sum(points) FILTER (WHERE formula <> 'manual') AS measured_points,
           sum(max_points) FILTER (WHERE formula <> 'manual') AS measured_max,
           count(*) FILTER (WHERE formula <> 'manual' AND points IS NULL) AS measured_unknown,
           bool_or(needs_verification) AS points_need_verification
    FROM criteria_result_of(y, commune, province)
    WHERE village_id IS NULL AND criterion_no IS NOT NULL AND points_rule NOT IN ('none', 'level')
      AND max_points IS NOT NULL
    GROUP BY ALL
), entered AS (
    SELECT commune_id, year, framework_code, criterion_no, points, note, id AS entry_id, version AS entry_version
    FROM criteria_manual_points WHERE indicator_code = '' AND (y IS NULL OR year = y) AND in_commune(commune_id, commune, province)
), combined AS (
    SELECT fw.year, co.id AS commune_id, fw.framework_code, fw.criterion_min_share, c.id AS criterion_id,
           c.criterion_no, c.name,
           c.note, c.version, s.criterion_no IS NOT NULL AS measured,
           coalesce(s.points_need_verification, FALSE) OR c.needs_verification AS needs_verification,
           CASE WHEN s.criterion_no IS NOT NULL THEN s.max_points ELSE c.max_points END AS max_points,
           CASE WHEN s.criterion_no IS NOT NULL THEN s.points_low ELSE coalesce(e.points, 0) END AS points_low,
           CASE WHEN s.criterion_no IS NOT NULL THEN s.points_high ELSE coalesce(e.points, c.max_points) END
               AS points_high,
           CASE WHEN s.criterion_no IS NOT NULL THEN CASE WHEN s.unknown = 0 THEN s.points_low END
                ELSE e.points END AS points,
           s.measured_points, s.measured_max, coalesce(s.measured_unknown, 0) AS measured_unknown,
           e.entry_id, e.entry_version, e.note AS entry_note
    FROM fw
    CROSS JOIN (FROM communes WHERE in_commune(id, commune, province)) co
    JOIN criteria_criteria c ON c.framework_code = fw.framework_code
    LEFT JOIN scored s ON s.commune_id = co.id AND s.year = fw.year AND s.framework_code = fw.framework_code
                      AND s.criterion_no = c.criterion_no
    LEFT JOIN entered e ON e.commune_id = co.id AND e.year = fw.year AND e.framework_code = fw.framework_code
                       AND e.criterion_no = c.criterion_no
)
SELECT *, criterion_min_share * max_points AS half,
       CASE WHEN max_points IS NULL THEN NULL
            WHEN points_low >= criterion_min_share * max_points - 1e-9 THEN TRUE
            WHEN points_high < criterion_min_share * max_points - 1e-9 THEN FALSE END AS half_met
FROM combined;

CREATE OR REPLACE VIEW criteria_criterion_year AS FROM criteria_criterion_year_of(NULL, NULL, NULL);

-- criteria_standard_year: the whole standard of a points framework in a year, per commune (commune_id), from
-- criteria_criterion_year: a commune passes or not on its own points.
--   total_low / total_high: the range of the total (total_high NULL while a tiêu chí has neither points nor maximum);
--   max_configured: the sum of the maxima known (the text says total_points, 100: a difference is shown);
--   status: dat when total_low ≥ pass_points and every tiêu chí reaches half; chua_dat when some tiêu chí cannot reach
--   half or total_high < pass_points; else chua_xac_dinh (points still to enter). The council's appraisal decides.
-- criteria_standard_of(y, commune, province): those rows, each with its tiêu chí as a list (criteria_rows: the commune's
-- criteria_criterion_year rows of the year, by criterion_no), computed once for both — what the page reads;
-- criteria_standard_year_of(y, commune, province) is it without the list.
CREATE OR REPLACE MACRO criteria_standard_of(y, commune, province) AS TABLE
WITH criterion_rows AS (
    FROM criteria_criterion_year_of(y, commune, province)
), totals AS (
    SELECT commune_id, year, framework_code, count(*) AS criteria,
           sum(points_low) AS total_low,
           CASE WHEN count(points_high) = count(*) THEN sum(points_high) END AS total_high,
           sum(max_points) AS max_configured,
           count(*) FILTER (WHERE max_points IS NULL) AS criteria_without_max,
           count(*) FILTER (WHERE half_met) AS criteria_half_met,
           count(*) FILTER (WHERE NOT half_met) AS criteria_below_half,
           count(*) FILTER (WHERE half_met IS NULL) AS criteria_undecided,
           count(*) FILTER (WHERE points IS NULL) AS criteria_points_unknown
    FROM criterion_rows GROUP BY ALL
)
SELECT fw.year, fw.framework_code, fw.framework_short_name, fw.total_points, fw.pass_points, fw.criterion_min_share,
       t.* EXCLUDE (year, framework_code),
       CASE WHEN t.criteria_below_half > 0 OR t.total_high < fw.pass_points - 1e-9 THEN 'chua_dat'
            WHEN t.criteria_undecided = 0 AND t.total_low >= fw.pass_points - 1e-9 THEN 'dat'
            ELSE 'chua_xac_dinh' END AS status,
       (SELECT list(c ORDER BY c.criterion_no) FROM criterion_rows c
        WHERE c.commune_id = t.commune_id AND c.year = t.year AND c.framework_code = t.framework_code) AS criteria_rows
FROM criteria_framework_year_of(y) fw
JOIN totals t ON t.year = fw.year AND t.framework_code = fw.framework_code
WHERE fw.assessment = 'points';

CREATE OR REPLACE MACRO criteria_standard_year_of(y, commune, province) AS TABLE
SELECT * EXCLUDE (criteria_rows) FROM criteria_standard_of(y, commune, province);

CREATE OR REPLACE VIEW criteria_standard_year AS FROM criteria_standard_year_of(NULL, NULL, NULL);
