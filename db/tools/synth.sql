-- Synthetic data at district, province and national scale (db/tools/synth.py; DOMAIN.md «Scale», «Time»).
-- Set-based: every table is one INSERT … SELECT over range() and joins. Run in one transaction on a new file that has
-- the schema and the reference lists; the parameters (getvariable('synth_…')) and small lookup tables (synth_…) are
-- TEMP objects set by db/tools/synth.py. Ids are given here from a total order of the rows; db/tools/synth.py then moves each
-- sequence past them. No audit_log rows: see db/tools/synth.py.

-- step: macros
-- key(k1, k2): a row's random key from the seed and its own keys; draw(h, salt): a pseudo-random share in [0, 1) from a
-- key and a salt naming the choice. The same seed and keys give the same values on every run and with any number of
-- threads (random() would not: it depends on the threads). The salt is mixed in by hashing again: DuckDB's hash of
-- several values ends with an XOR of the last one's hash, so hash(seed, k1, k2, salt) of two salts would be the same
-- draw with bits flipped (perfectly correlated). rnd(k1, k2, salt) = draw(key(k1, k2), salt); the large tables keep
-- their row's key in a column and draw from it.
CREATE OR REPLACE TEMP MACRO key(k1, k2) AS hash(getvariable('synth_seed'), k1, k2);
CREATE OR REPLACE TEMP MACRO draw(h, salt) AS (hash(xor(h, hash(salt))) >> 11)::DOUBLE / 9007199254740992.0;
CREATE OR REPLACE TEMP MACRO rnd(k1, k2, salt) AS draw(key(k1, k2), salt);
-- dint(h, salt, lo, hi): a whole number from lo to hi, each as likely; dpick(l, h, salt): an item of the list l, each
-- as likely (a word repeated n times weighs n); dday(a, b, h, salt): a day from a to b, each as likely.
CREATE OR REPLACE TEMP MACRO dint(h, salt, lo, hi) AS (lo + floor(draw(h, salt) * (hi - lo + 1)))::INTEGER;
CREATE OR REPLACE TEMP MACRO dpick(l, h, salt) AS l[1 + floor(draw(h, salt) * len(l))::INTEGER];
CREATE OR REPLACE TEMP MACRO dday(a, b, h, salt) AS (a + dint(h, salt, 0, date_diff('day', a, b)))::DATE;
CREATE OR REPLACE TEMP MACRO rint(k1, k2, salt, lo, hi) AS dint(key(k1, k2), salt, lo, hi);
CREATE OR REPLACE TEMP MACRO pick(l, k1, k2, salt) AS dpick(l, key(k1, k2), salt);
CREATE OR REPLACE TEMP MACRO day_in(a, b, k1, k2, salt) AS dday(a, b, key(k1, k2), salt);
-- person_name(surname, gender, group, person, slot): surname, middle and given name by gender. The given name is the
-- slot-th of a walk through the list from a start and with a step of the group (a team, a case) coprime to the lists'
-- lengths (28 and 22), so people of one team or one case never share it.
CREATE OR REPLACE TEMP MACRO person_name(surname, gender, grp, person, slot) AS
    surname || ' '
    || CASE gender WHEN 'nu' THEN dpick(getvariable('synth_middle_nu'), person, 'dem')
                   ELSE dpick(getvariable('synth_middle_nam'), person, 'dem') END
    || ' '
    || CASE gender
           WHEN 'nu' THEN getvariable('synth_given_nu')[
               1 + (dint(grp, 'ten0', 0, 21) + slot * [1, 3, 5, 9, 13, 15, 17, 19][dint(grp, 'buoc', 1, 8)]) % 22]
           ELSE getvariable('synth_given_nam')[
               1 + (dint(grp, 'ten0', 0, 27) + slot * [1, 3, 5, 9, 13, 15, 17, 19][dint(grp, 'buoc', 1, 8)]) % 28]
       END;
CREATE OR REPLACE TEMP MACRO surname_of(ethnic, h) AS
    CASE WHEN ethnic THEN dpick(getvariable('synth_ethnic_surnames'), h, 'ho')
         ELSE dpick(getvariable('synth_surnames'), h, 'ho') END;
CREATE OR REPLACE TEMP MACRO until_day() AS getvariable('synth_until')::DATE;
CREATE OR REPLACE TEMP MACRO at_time(d, h, salt) AS
    d + make_time(dint(h, salt || 'h', 7, 16), dint(h, salt || 'm', 0, 59), 0);

-- step: communes
-- The provinces of the scale (all 34 nationally; one, chosen by the seed, for a province or district file) and their
-- communes: names of two words, distinct within the province; a ward (phường) as often as the province has them.
CREATE OR REPLACE TEMP TABLE s_commune AS
WITH chosen AS (
    SELECT p.*, CASE WHEN getvariable('synth_national') THEN p.communes
                     ELSE rint(p.p, 0, 'so_xa', getvariable('synth_communes_low'), getvariable('synth_communes_high'))
                END AS n_take
    FROM synth_provinces p
    WHERE getvariable('synth_national') OR p.p = (
        SELECT p FROM synth_provinces WHERE communes >= getvariable('synth_communes_high')
        ORDER BY rnd(p, 0, 'tinh'), p LIMIT 1)
), named AS (
    SELECT c.p, a.word || ' ' || b.word AS base_name,
           row_number() OVER (PARTITION BY c.p ORDER BY rnd(c.p, a.word || b.word, 'ten_xa'), a.word,
                                                         b.word) AS k
    FROM chosen c, synth_commune_a a, synth_commune_b b
    WHERE a.word <> b.word
), listed AS (
    SELECT c.p, c.name AS province, c.ethnic_share, n.k, n.base_name,
           CASE WHEN rnd(c.p, n.k, 'phuong') < c.wards / c.communes THEN 'phuong' ELSE 'xa' END AS kind
    FROM chosen c JOIN named n ON n.p = c.p AND n.k <= c.n_take
)
SELECT row_number() OVER (ORDER BY p, k)::INTEGER AS id, p, province, k, kind,
       CASE kind WHEN 'phuong' THEN 'Phường ' ELSE 'Xã ' END || base_name AS name,
       CASE kind WHEN 'phuong' THEN 'phường' ELSE 'xã' END AS kind_word,
       -- villages with many ethnic-minority residents cluster in some communes of a province
       least(ethnic_share * (0.2 + 1.6 * rnd(p, k, 'dtts')), 1.0) AS ethnic_share,
       -- the province's cases per village (national scale only: a province file keeps the scale's own rate)
       CASE WHEN getvariable('synth_national') THEN 0.7 + 0.6 * rnd(p, 0, 'vu_tinh') ELSE 1.0 END AS case_factor,
       -- official success rate: the province's level, the commune's deviation
       0.78 + 0.14 * rnd(p, 0, 'thanh_tinh') + 0.08 * (rnd(p, k, 'thanh_xa') - 0.5) AS success,
       0.45 + 0.4 * rnd(p, k, 'tap_huan') AS training_p,      -- how often a mediator attends a session
       0.82 + 0.18 * rnd(p, k, 'de_nghi_chi') AS fee_diligence, -- share of fee requests the commune files
       0.06 * rnd(p, k, 'so_sai') AS sloppiness,                -- share of parties whose age is not recorded
       [0.8, 0.85, 0.85, 0.9, 0.9][rint(p, k, 'muc_tieu', 1, 5)] AS goal_rate,
       -- a third of the communes merged some villages in 2024–2025 (on one date per commune)
       CASE WHEN rnd(p, k, 'sap_nhap') < 0.3
            THEN [DATE '2024-01-01', DATE '2024-07-01', DATE '2025-01-01', DATE '2025-07-01'][
                     rint(p, k, 'ngay_sn', 1, 4)]
       END AS merge_on
FROM listed;

INSERT INTO communes (id, name, district, province, is_demo, version, kind)
SELECT id, name, NULL, province, TRUE, 1, kind FROM s_commune;

-- step: villages
-- 12–45 villages a commune (the communes after the 2025 merger; ≈ 28 on average): «Thôn Đông Lạc» in a xã, distinct
-- within the commune; «Tổ dân phố số 5» in a phường. Some villages of a merging commune end the day before the merge
-- and go on in the commune's first village (successor_id; their team ends, its members move: see mediators).
CREATE OR REPLACE TEMP TABLE s_village AS
WITH sized AS (
    SELECT c.*, 12 + floor(34 * pow(rnd(c.id, 0, 'so_thon'), 1.1))::INTEGER AS n FROM s_commune c
), thon AS (
    SELECT s.id AS commune_id, 'Thôn ' || a.word || ' ' || b.word AS name,
           row_number() OVER (PARTITION BY s.id ORDER BY rnd(s.id, a.word || b.word, 'ten_thon'), a.word,
                                                          b.word) AS k
    FROM sized s, synth_village_a a, synth_village_b b
    WHERE s.kind = 'xa' AND a.word <> b.word
), places AS (
    SELECT t.commune_id, t.k, t.name, 'thon' AS kind FROM thon t JOIN sized s ON s.id = t.commune_id AND t.k <= s.n
    UNION ALL
    SELECT s.id, t.k, 'Tổ dân phố số ' || t.k, 'to_dan_pho'
    FROM sized s, LATERAL (SELECT unnest(range(1, s.n + 1)) AS k) t
    WHERE s.kind = 'phuong'
), numbered AS (
    SELECT row_number() OVER (ORDER BY p.commune_id, p.k)::INTEGER AS id, p.*, c.merge_on AS commune_merge_on,
           c.ethnic_share, c.case_factor AS commune_case_factor, c.success AS commune_success
    FROM places p JOIN s_commune c ON c.id = p.commune_id
)
SELECT n.id, n.commune_id, n.k, n.name, n.kind,
       rnd(n.id, 0, 'dtts') < n.ethnic_share AS ethnic_area,
       rint(n.id, 0, 'so_xom', 3, 7) AS n_xom,
       n.commune_case_factor * (0.3 + 1.4 * rnd(n.id, 0, 'so_vu')) AS case_factor,
       least(greatest(n.commune_success + 0.2 * (rnd(n.id, 0, 'thanh') - 0.5)
                      - CASE WHEN rnd(n.id, 0, 'yeu') < 0.05 THEN 0.15 ELSE 0 END, 0.45), 0.995) AS success,
       CASE WHEN n.k > 1 AND n.commune_merge_on IS NOT NULL AND rnd(n.id, 0, 'sap_nhap') < 0.12
            THEN n.commune_merge_on END AS merge_on,
       first_value(n.id) OVER (PARTITION BY n.commune_id ORDER BY n.k) AS first_village_id
FROM numbered n;

INSERT INTO villages (id, commune_id, name, ethnic_area, version, kind, valid_from, valid_to, successor_id)
SELECT id, commune_id, name, ethnic_area, 1, kind, NULL, merge_on - 1,
       CASE WHEN merge_on IS NOT NULL THEN first_village_id END
FROM s_village;

-- One team a village, since before the records (founded under the 2013 law); a merged village's team ends with it.
INSERT INTO teams (id, village_id, name, decision_no, decision_date, version, valid_from, valid_to, end_decision_no)
SELECT v.id, v.id,
       CASE v.kind WHEN 'thon' THEN 'Tổ hòa giải thôn ' || substr(v.name, 6)
                   ELSE 'Tổ hòa giải tổ dân phố số ' || v.k END,
       rint(v.id, 0, 'so_qd', 5, 180) || '/QĐ-UBND', day_in(DATE '2014-03-01', DATE '2016-12-31', v.id, 0, 'ngay_qd'),
       1, NULL, v.merge_on - 1,
       CASE WHEN v.merge_on IS NOT NULL THEN rint(v.commune_id, 0, 'so_nq', 10, 60) || '/NQ-HĐND' END
FROM s_village v;

-- The merges, one row a commune (place_changes: from the ending villages to the continuing one).
INSERT INTO place_changes (id, commune_id, kind, effective_on, decision_no, decision_date, from_village_ids,
                           to_village_ids, note, version)
SELECT row_number() OVER (ORDER BY commune_id)::INTEGER, commune_id, 'sap_nhap', merge_on,
       'Nghị quyết số ' || rint(commune_id, 0, 'so_nq', 10, 60) || '/NQ-HĐND',
       (merge_on - rint(commune_id, 0, 'ngay_nq', 20, 60))::DATE,
       list(id ORDER BY id), [any_value(first_village_id)],
       'Sáp nhập thôn theo nghị quyết của Hội đồng nhân dân tỉnh', 1
FROM s_village WHERE merge_on IS NOT NULL
GROUP BY commune_id, merge_on;

-- step: mediators
-- 5–8 seats a team, seat 1 the tổ trưởng (who stays: the app keeps one leader row a team). Women hold 1–4 seats in
-- 92 % of the teams (≈ 35 % of mediators); a village flagged ethnic_area has seat 2 and about half the others held by
-- ethnic-minority mediators. Everyone joined before the records (2009–2016). One member in five leaves between 2017
-- and the end (Luật HGCS Art. 11 grounds) and is replaced 20–120 days later by someone in the same seat (same gender
-- and ethnicity); nobody leaves the tổ trưởng seat. When a village merges, the active members of its team leave on the
-- merge day (chuyen_to, no longer tổ trưởng) and go on in the continuing village's team from that day, as
-- db/places.merge_villages does.
CREATE OR REPLACE TEMP TABLE s_seat AS
WITH teams AS (
    SELECT v.id AS team_id, v.commune_id, v.kind, v.ethnic_area, v.merge_on, v.first_village_id,
           rint(v.id, 0, 'so_hgv', 5, 8) AS members,
           CASE WHEN rnd(v.id, 0, 'khong_nu') < 0.08 THEN 0 ELSE rint(v.id, 0, 'so_nu', 1, 4) END AS women
    FROM s_village v
)
SELECT t.*, s.j,
       CASE WHEN s.j = 1 THEN CASE WHEN rnd(t.team_id, 1, 'nu') < 0.12 THEN 'nu' ELSE 'nam' END
            WHEN s.j <= least(t.women, t.members - 1) + 1 THEN 'nu' ELSE 'nam' END AS gender
FROM teams t, LATERAL (SELECT unnest(range(1, t.members + 1)) AS j) s;

CREATE OR REPLACE TEMP TABLE s_member AS
WITH first_term AS (
    SELECT s.*, 0 AS gen,
           CASE WHEN s.j = 1 THEN day_in(DATE '2009-01-01', DATE '2016-06-30', s.team_id, s.j, 'vao')
                ELSE day_in(DATE '2011-01-01', DATE '2016-12-31', s.team_id, s.j, 'vao') END AS joined_on,
           CASE WHEN s.j > 1 AND rnd(s.team_id, s.j, 'thoi') < 0.2
                THEN day_in(DATE '2017-03-01', until_day() - 60, s.team_id, s.j, 'ngay_thoi') END AS leaves
    FROM s_seat s
), first_left AS (   -- a member of a merging team still there on the merge day moves instead
    SELECT * REPLACE (CASE WHEN leaves < coalesce(merge_on, DATE '9999-12-31') THEN leaves END AS leaves)
    FROM first_term
), terms AS (
    SELECT team_id, commune_id, kind, ethnic_area, merge_on, first_village_id, j, gender, gen, joined_on,
           leaves AS left_on
    FROM first_left
    UNION ALL
    SELECT team_id, commune_id, kind, ethnic_area, merge_on, first_village_id, j, gender, 1,
           (leaves + rint(team_id, j, 'thay', 20, 120))::DATE, NULL
    FROM first_left
    WHERE leaves IS NOT NULL
      AND leaves + rint(team_id, j, 'thay', 20, 120) <= least(until_day(), coalesce(merge_on - 30, DATE '9999-12-31'))
), people AS (
    SELECT t.*, t.team_id * 100 + t.j * 10 + t.gen AS person,
           CASE WHEN t.ethnic_area THEN t.j = 2 OR rnd(t.team_id, t.j * 10 + t.gen, 'dtts') < 0.5
                ELSE rnd(t.team_id, t.j * 10 + t.gen, 'dtts') < 0.015 END AS ethnic_minority
    FROM terms t
)
SELECT p.*,
       person_name(surname_of(p.ethnic_minority, key(p.team_id, p.j * 10 + p.gen)), p.gender, key(p.team_id, 0),
                   key(p.team_id, p.j * 10 + p.gen), p.j + 8 * p.gen) AS full_name,
       CASE WHEN p.j = 1 THEN rint(p.person, 0, 'sinh', 1952, 1975)
            WHEN p.gen = 0 THEN rint(p.person, 0, 'sinh', 1955, 1990)
            ELSE rint(p.person, 0, 'sinh', 1965, 1996) END AS birth_year,
       p.j = 1 AS is_leader,
       '09' || rint(p.person, 0, 'dt1', 10, 99) || ' ' || rint(p.person, 0, 'dt2', 100, 999) || ' '
           || rint(p.person, 0, 'dt3', 100, 999) AS phone,
       CASE WHEN p.j = 1 THEN CASE p.kind WHEN 'thon' THEN 'Trưởng thôn' ELSE 'Tổ trưởng tổ dân phố' END
            WHEN p.j = 2 AND p.gender = 'nu' THEN 'Hội Phụ nữ'
            ELSE pick(getvariable('synth_organisations'), p.person, 0, 'to_chuc') END AS organisation,
       CASE WHEN p.left_on IS NOT NULL THEN pick(getvariable('synth_leave_reasons'), p.person, 0, 'ly_do') END
           AS leave_reason,
       CASE WHEN p.left_on IS NOT NULL AND rnd(p.person, 0, 'co_qd') < 0.7
            THEN rint(p.person, 0, 'so_qd', 5, 250) || '/QĐ-UBND' END AS leave_decision_no
FROM people p;

CREATE OR REPLACE TEMP TABLE s_mediator AS
WITH rows AS (
    -- every term in its own team; a merged team's members still there end on the merge day
    SELECT team_id, commune_id, j, gen, person, full_name, gender, birth_year, ethnic_minority,
           is_leader AND merge_on IS NULL AS is_leader, joined_on,
           CASE WHEN merge_on IS NOT NULL AND left_on IS NULL THEN merge_on ELSE left_on END AS left_on,
           phone, organisation,
           CASE WHEN merge_on IS NOT NULL AND left_on IS NULL THEN 'chuyen_to' ELSE leave_reason END AS leave_reason,
           leave_decision_no, 0 AS moved
    FROM s_member
    UNION ALL
    -- and goes on in the continuing village's team from that day
    SELECT first_village_id, commune_id, j, gen, person, full_name, gender, birth_year, ethnic_minority, FALSE,
           merge_on, NULL, phone, organisation, NULL, NULL, 1
    FROM s_member
    WHERE merge_on IS NOT NULL AND left_on IS NULL
)
SELECT row_number() OVER (ORDER BY team_id, moved, person)::INTEGER AS id, *, key(person, 0) AS h,
       0.6 + 0.8 * rnd(person, 0, 'cham') AS diligence   -- how readily the person attends trainings
FROM rows;

INSERT INTO mediators (id, team_id, full_name, gender, birth_year, ethnic_minority, is_leader, joined_on, left_on,
                       phone, organisation, version, leave_reason, leave_decision_no, role)
SELECT id, team_id, full_name, gender, birth_year, ethnic_minority, is_leader, joined_on, left_on, phone, organisation,
       1, leave_reason, leave_decision_no, NULL
FROM s_mediator;

-- step: cases
-- Cases per team and year: Poisson with mean = the scale's rate × the province's and the village's factors × a slow
-- decline over the years (≈ 1.12 in 2017 to 0.9 in 2026), over the part of the year the team worked; a continuing
-- village takes on the cases of the villages merged into it. s_poisson holds the Poisson CDF for means 0.00–40.00.
CREATE OR REPLACE TEMP TABLE s_poisson AS
SELECT b, list(cdf ORDER BY k) AS cdf
FROM (
    SELECT b, k, sum(exp(-l + k * ln(l) - lgamma(k + 1))) OVER (PARTITION BY b ORDER BY k) AS cdf
    FROM (SELECT b, greatest(b / 100.0, 1e-9) AS l FROM range(0, 4001) r(b)), range(0, 90) n(k)
)
GROUP BY b;

CREATE OR REPLACE TEMP TABLE s_team_year AS
WITH absorbed AS (
    SELECT first_village_id AS team_id, count(*) AS villages, any_value(merge_on) AS merge_on
    FROM s_village WHERE merge_on IS NOT NULL GROUP BY first_village_id
), windows AS (
    SELECT v.id AS team_id, v.commune_id, v.n_xom, v.success, y.year,
           v.case_factor, coalesce(a.villages, 0) AS absorbed, a.merge_on AS absorbed_on,
           make_date(y.year, 1, 1) AS lo,
           -- a merging team takes no case it could not close before the merge
           least(make_date(y.year, 12, 31), coalesce(v.merge_on - 50, DATE '9999-12-31'), until_day()) AS hi
    FROM s_village v
    CROSS JOIN range(getvariable('synth_first_year'), year(until_day()) + 1) y(year)
    LEFT JOIN absorbed a ON a.team_id = v.id
), means AS (
    SELECT w.*, greatest(date_diff('day', lo, hi) + 1, 0) AS days,
           getvariable('synth_case_rate') * w.case_factor * (1.12 - 0.025 * (w.year - 2017))
           * greatest(date_diff('day', lo, hi) + 1, 0) / 365.0
           * (1 + w.absorbed * CASE WHEN w.absorbed_on IS NULL OR w.absorbed_on > w.hi THEN 0
                                    ELSE (date_diff('day', greatest(w.lo, w.absorbed_on), w.hi) + 1)
                                         / (date_diff('day', w.lo, w.hi) + 1) END) AS mean
    FROM windows w
)
SELECT m.*, len(list_filter(p.cdf, lambda x: x < m.u)) AS n
FROM (SELECT *, rnd(team_id, year, 'so_vu') AS u FROM means WHERE days > 0) m
JOIN s_poisson p ON p.b = least(round(m.mean * 100), 4000);

-- Each case: received on a day of the window; 4 % outside the scope (Art. 3: logged, referred, concluded without a
-- result of mediation); else a category by the demo's weights, a summary, agreement and each side's demand from the
-- templates of db/tools/generate.py. Assigned within 3 days for 88 %, closed 3–28 days later for 85 % (else up to 40);
-- a case that would close after the end is still «đang hòa giải». Concluded: thành as often as the village's success
-- share (≈ 78–92 % by province), else không thành (its demands in agreement, as the demo does). A security incident
-- for 4 % of the không thành, rarely otherwise. Written record for 70 % of the thành.
CREATE OR REPLACE TEMP TABLE s_case AS
WITH slots AS (
    SELECT ty.team_id, ty.commune_id, ty.n_xom, ty.success, ty.year, s.s, ty.lo, ty.hi,
           key(ty.team_id, ty.year * 100 + s.s) AS h
    FROM s_team_year ty, LATERAL (SELECT unnest(range(ty.n)) AS s) s
    WHERE ty.n > 0
), drawn AS (
    SELECT team_id, commune_id, n_xom, success, year, s, h,
           dday(lo, hi, h, 'nhan') AS received_on,
           draw(h, 'pham_vi') < 0.04 AS out_of_scope,
           dint(h, 'xom', 1, n_xom) AS xom
    FROM slots
), timed AS (
    SELECT d.*,
           CASE WHEN d.out_of_scope THEN NULL ELSE dpick(getvariable('synth_categories'), d.h, 'loai') END
               AS drawn_category,
           (d.received_on + CASE WHEN d.out_of_scope THEN 0
                                 WHEN draw(d.h, 'giao') < 0.88 THEN dint(d.h, 'giao_n', 0, 3)
                                 ELSE dint(d.h, 'giao_n', 4, 6) END)::DATE AS assigned,
           CASE WHEN d.out_of_scope THEN dint(d.h, 'ngay', 1, 10)
                WHEN draw(d.h, 'thoi_han') < 0.85 THEN dint(d.h, 'ngay', 3, 28)
                ELSE dint(d.h, 'ngay', 29, 40) END AS duration
    FROM drawn d
), decided AS (
    SELECT t.*,
           CASE WHEN t.out_of_scope THEN 'ngoai_pham_vi'
                WHEN t.assigned + t.duration > until_day() THEN 'dang_hoa_giai'
                WHEN draw(t.h, 'ket_qua') < t.success THEN 'thanh'
                ELSE 'khong_thanh' END AS result
    FROM timed t
)
SELECT row_number() OVER w::INTEGER AS id,
       -- the case's parties get the ids after those of the cases before it (see case_parties)
       (sum(x.parties) OVER w - x.parties + 1)::INTEGER AS first_party, x.parties,
       d.team_id, d.commune_id, d.h, d.received_on, d.xom, d.result,
       coalesce(o.category, d.drawn_category) AS category, t.idx AS template, o.idx AS out_template,
       coalesce(o.party_kind, t.party_kind) AS party_kind,
       least(d.assigned, until_day()) AS assigned_on,
       CASE d.result WHEN 'dang_hoa_giai' THEN NULL
                     WHEN 'ngoai_pham_vi' THEN least(d.assigned + d.duration, until_day())  -- referred within days
                     ELSE (d.assigned + d.duration)::DATE END AS concluded_on,
       CASE d.result WHEN 'khong_thanh' THEN draw(d.h, 'antt') < 0.04
                     WHEN 'ngoai_pham_vi' THEN FALSE
                     ELSE draw(d.h, 'antt') < 0.002 END AS security_incident,
       -- mediators assigned: 1 (30 %), 2 (50 %) or 3; the tổ trưởng among them half the time
       CASE WHEN draw(d.h, 'so_hgv') < 0.3 THEN 1 WHEN draw(d.h, 'so_hgv') < 0.8 THEN 2 ELSE 3 END AS mediators,
       draw(d.h, 'to_truong') < 0.5 AS with_leader
FROM decided d
LEFT JOIN synth_out_of_scope o ON d.out_of_scope AND o.idx = dint(d.h, 'mau', 0, 3)
LEFT JOIN (SELECT *, count(*) OVER (PARTITION BY category) AS variants FROM synth_content) t
       ON NOT d.out_of_scope AND t.category = d.drawn_category
      AND t.idx = floor(draw(d.h, 'mau') * t.variants)::INTEGER,
LATERAL (SELECT CASE WHEN coalesce(o.party_kind, t.party_kind) = 'family' AND draw(d.h, 'ba_ben') < 0.3 THEN 3
                     ELSE 2 END AS parties) x
WINDOW w AS (ORDER BY d.received_on, d.team_id, d.year, d.s ROWS UNBOUNDED PRECEDING);

INSERT INTO cases (id, team_id, received_on, grounds, category, summary, assigned_on, result, concluded_on, agreement,
                   written_record, security_incident, note, deleted_at, created_at, updated_at, version, import_key,
                   concluded_on_missing, incident_on)
SELECT c.id, c.team_id, c.received_on,
       CASE WHEN c.result = 'ngoai_pham_vi' THEN 'yeu_cau' ELSE dpick(getvariable('synth_grounds'), c.h, 'can_cu') END,
       c.category,
       replace(replace(coalesce(o.summary, t.summary), '{xom}', c.xom::VARCHAR), '{so}', amount::VARCHAR),
       c.assigned_on, c.result, c.concluded_on,
       replace(replace(CASE c.result WHEN 'thanh' THEN t.agreement WHEN 'khong_thanh' THEN t.positions END,
                       '{xom}', c.xom::VARCHAR), '{so}', amount::VARCHAR),
       c.result = 'thanh' AND draw(c.h, 'van_ban') < 0.7,
       c.security_incident,
       CASE WHEN c.result = 'ngoai_pham_vi' THEN o.referral
            WHEN c.security_incident THEN getvariable('synth_incident_note')
            WHEN c.result = 'khong_thanh' AND draw(c.h, 'ghi_chu') < 0.3 THEN getvariable('synth_stop_note')
            WHEN c.result = 'thanh' AND draw(c.h, 'ghi_chu') < 0.08 THEN dpick(getvariable('synth_invited'), c.h, 'moi')
       END,
       NULL, at_time(c.received_on, c.h, 'tao'), at_time(coalesce(c.concluded_on, c.received_on), c.h, 'sua'), 1,
       NULL, FALSE, CASE WHEN c.security_incident THEN c.received_on END
FROM (SELECT *, [5, 10, 15, 20, 30, 50, 80][dint(h, 'so', 1, 7)] AS amount FROM s_case) c
LEFT JOIN synth_content t ON t.category = c.category AND t.idx = c.template
LEFT JOIN synth_out_of_scope o ON o.idx = c.out_template;

-- step: case_parties
-- Two parties a case (three in a third of the family disputes), of the kind the template names: a couple (wife,
-- husband), a mother-in-law and her daughter-in-law, a family (one surname), two young men, two women, or two adults.
-- Living in the case's xóm (most) of the village; in a village flagged ethnic_area most bear an ethnic-minority
-- surname. Some communes leave a party's age unrecorded (the register's «tuổi» column; the Hồ sơ score notices).
INSERT INTO case_parties (id, case_id, position, full_name, age, address)
WITH parties AS (
    SELECT c.id AS case_id, c.first_party + p.position - 1 AS id, c.h, c.party_kind, c.commune_id, c.team_id, c.xom,
           p.position,
           hash(c.h, p.position) AS hp,
           -- one surname for a family: drawn from the case's key, not the party's
           CASE WHEN c.party_kind = 'family' THEN c.h ELSE hash(c.h, p.position) END AS hs
    FROM s_case c, LATERAL (SELECT unnest(range(1, c.parties + 1)) AS position) p
), described AS (
    SELECT p.*, v.name AS village, v.kind AS village_kind, v.n_xom, v.ethnic_area,
           CASE p.party_kind
               WHEN 'couple' THEN CASE p.position WHEN 1 THEN 'nu' ELSE 'nam' END
               WHEN 'inlaw' THEN 'nu' WHEN 'women' THEN 'nu' WHEN 'young' THEN 'nam'
               ELSE CASE WHEN draw(p.hp, 'gioi') < 0.5 THEN 'nu' ELSE 'nam' END
           END AS gender,
           CASE p.party_kind
               WHEN 'couple' THEN dint(p.h, 'tuoi', 26, 62)                  -- the wife first, a few years younger
                                  - CASE p.position WHEN 1 THEN dint(p.h, 'chenh', 0, 6) ELSE 0 END
               WHEN 'inlaw' THEN dint(p.h, 'tuoi', 50, 78)                   -- the mother-in-law first
                                 - CASE p.position WHEN 2 THEN dint(p.h, 'chenh', 22, 30) ELSE 0 END
               WHEN 'family' THEN dint(p.h, 'tuoi', 38, 70) + dint(p.hp, 'chenh', -8, 8)
               WHEN 'young' THEN dint(p.hp, 'tuoi', 18, 32)
               WHEN 'women' THEN dint(p.hp, 'tuoi', 30, 70)
               ELSE dint(p.hp, 'tuoi', 19, 84)
           END AS age
    FROM parties p JOIN s_village v ON v.id = p.team_id
)
SELECT d.id, d.case_id, d.position,
       person_name(surname_of(d.ethnic_area AND draw(d.hs, 'dtts') < 0.6, d.hs), d.gender, d.h, d.hp, d.position),
       CASE WHEN draw(d.hp, 'thieu_tuoi') < s.sloppiness THEN NULL ELSE d.age END,
       CASE d.village_kind WHEN 'thon' THEN 'Xóm ' ELSE 'Ngõ ' END
       || CASE WHEN draw(d.hp, 'cung_xom') < CASE WHEN d.party_kind = 'family' THEN 0.7 ELSE 0.85 END THEN d.xom
               ELSE dint(d.hp, 'xom', 1, d.n_xom) END
       || ', ' || d.village
FROM described d JOIN s_commune s ON s.id = d.commune_id;

-- step: case_mediators
-- The mediators of a case: members of the case's team active on the day it was received (Art. 18: the tổ trưởng
-- assigns them), the tổ trưởng first when the draw says so, the others in an order of the seed.
INSERT INTO case_mediators (case_id, mediator_id)
SELECT c.id, m.id
FROM s_case c
JOIN s_mediator m ON m.team_id = c.team_id AND m.joined_on <= c.received_on
                 AND (m.left_on IS NULL OR m.left_on > c.received_on)
QUALIFY row_number() OVER (PARTITION BY c.id ORDER BY CASE WHEN m.is_leader AND c.with_leader THEN 0 ELSE 1 END,
                                                      draw(xor(c.h, m.h), 'phan_cong'), m.id)
        <= c.mediators;

-- step: trainings
-- Two or three sessions a commune and year (spring, autumn, sometimes late in the year), each attended by the
-- mediators of the commune active that day as often as the commune's and the person's habits say (≈ 90 % trained in
-- a year). A session after the end is only planned (ke_hoach), with no attendance.
CREATE OR REPLACE TEMP TABLE s_training AS
WITH sessions AS (
    SELECT c.id AS commune_id, c.kind_word, c.province, c.training_p, y.year, s.i
    FROM s_commune c
    CROSS JOIN range(getvariable('synth_first_year'), year(until_day()) + 1) y(year)
    CROSS JOIN range(1, 4) s(i)
    WHERE s.i < 3 OR rnd(c.id, y.year, 'buoi_3') < 0.4
), dated AS (
    SELECT s.*, rnd(s.commune_id, s.year, 'cap_tren') < 0.5 AS upper,
           CASE s.i WHEN 1 THEN day_in(make_date(s.year, 3, 1), make_date(s.year, 6, 30), s.commune_id,
                                       s.year * 10 + s.i, 'ngay')
                    WHEN 2 THEN day_in(make_date(s.year, 7, 1), make_date(s.year, 10, 31), s.commune_id,
                                       s.year * 10 + s.i, 'ngay')
                    ELSE day_in(make_date(s.year, 9, 1), make_date(s.year, 12, 15), s.commune_id,
                                s.year * 10 + s.i, 'ngay')
           END AS held_on
    FROM sessions s
)
SELECT row_number() OVER (ORDER BY d.held_on, d.commune_id, d.i)::INTEGER AS id, d.*,
       CASE d.i WHEN 2 THEN 'Tập huấn kỹ năng hòa giải ở cơ sở năm ' || d.year
                ELSE replace(pick(getvariable('synth_training_titles'), d.commune_id, d.year * 10 + d.i, 'ten'),
                             '{nam}', d.year::VARCHAR) END AS title,
       -- the late session is often the district's (before the 2025 reform abolished districts), then the province's
       CASE WHEN d.i = 3 AND d.upper AND d.held_on < DATE '2025-07-01' THEN 'Phòng Tư pháp huyện'
            WHEN d.i = 3 AND d.upper THEN 'Sở Tư pháp ' || regexp_replace(d.province, '^(Tỉnh|Thành phố) ', '')
            WHEN d.i = 2 THEN 'Công chức Tư pháp – Hộ tịch'
            ELSE replace(pick(getvariable('synth_training_organisers'), d.commune_id, d.year * 10 + d.i, 'to_chuc'),
                         '{xa}', d.kind_word)
       END AS organiser,
       CASE WHEN d.i = 3 AND d.upper THEN 8
            ELSE [3, 4, 4, 4][rint(d.commune_id, d.year * 10 + d.i, 'gio', 1, 4)] END::DECIMAL(5, 1) AS hours,
       CASE WHEN d.i = 3 AND d.upper AND d.held_on < DATE '2025-07-01' THEN 'Hội trường UBND huyện'
            WHEN d.i = 3 AND d.upper THEN 'Hội trường Sở Tư pháp'
            ELSE 'Hội trường UBND ' || d.kind_word END AS place,
       CASE WHEN d.held_on <= until_day() THEN 'da_to_chuc' ELSE 'ke_hoach' END AS status,
       d.training_p * (0.75 + 0.5 * rnd(d.commune_id, d.year * 10 + d.i, 'dong')) AS attend_p,
       key(d.commune_id, d.year * 10 + d.i) AS h
FROM dated d;

INSERT INTO trainings (id, held_on, title, organiser, hours, place, version, cooperating, status, commune_id)
SELECT id, held_on, title, organiser, hours, place, 1, NULL, status, commune_id FROM s_training;

INSERT INTO training_attendance (training_id, mediator_id)
SELECT t.id, m.id
FROM s_training t
JOIN s_mediator m ON m.commune_id = t.commune_id AND m.joined_on <= t.held_on
                 AND (m.left_on IS NULL OR m.left_on > t.held_on)
WHERE t.status = 'da_to_chuc'
  AND draw(xor(t.h, m.h), 'du') < t.attend_p * m.diligence;

-- step: plans
-- A plan a commune and year (issued in the first quarter), with the targets of the demo's plan (db/plan/__init__.py PLAN_GOALS:
-- the commune's own minimum success rate) and its four contents II.1–II.4 as tasks: done when past their deadline
-- (a few overdue), in progress or not started otherwise.
CREATE OR REPLACE TEMP TABLE s_plan AS
SELECT row_number() OVER (ORDER BY c.id, y.year)::INTEGER AS id, c.id AS commune_id, c.kind_word,
       c.goal_rate::DOUBLE AS goal_rate, y.year
FROM s_commune c CROSS JOIN range(getvariable('synth_first_year'), year(until_day()) + 1) y(year);

INSERT INTO plans (id, commune_id, year, number, title, issued_on, signer, version)
SELECT id, commune_id, year, rint(id, 0, 'so_kh', 5, 90) || '/KH-UBND',
       'Kế hoạch thực hiện công tác hòa giải ở cơ sở năm ' || year || ' trên địa bàn ' || kind_word,
       day_in(make_date(year, 1, 5), make_date(year, 3, 31), id, 0, 'ngay_kh'),
       'Chủ tịch UBND ' || kind_word, 1
FROM s_plan;

INSERT INTO plan_goals (id, plan_id, key, value, version)
SELECT row_number() OVER (ORDER BY p.id, g.sort)::INTEGER, p.id, g.key,
       CASE g.key WHEN 'success_rate_min' THEN p.goal_rate
                  WHEN 'trained_share' THEN CASE WHEN rnd(p.id, 0, 'tap_huan') < 0.85 THEN 1.0 ELSE 0.9 END
                  ELSE g.value END, 1
FROM s_plan p,
     (VALUES (1, 'success_rate_min', NULL), (2, 'success_rate_max', 0.95), (3, 'history_rate_min', 0.8),
             (4, 'history_rate_max', 0.9), (5, 'trained_share', NULL), (6, 'security_incidents_max', 0.0))
         g(sort, key, value);

INSERT INTO plan_tasks (id, plan_id, code, sort_order, title, content, lead, partners, deadline, status,
                        completion_note, evidence_ref, version)
SELECT row_number() OVER (ORDER BY p.id, t.sort_order)::INTEGER, p.id, t.code, t.sort_order, t.title,
       replace(t.content, '2023', p.year::VARCHAR), t.lead, t.partners,
       make_date(p.year, t.deadline_month, t.deadline_day),
       CASE WHEN make_date(p.year, t.deadline_month, t.deadline_day) < until_day()
            THEN CASE WHEN rnd(p.id, t.sort_order, 'xong') < 0.93 THEN 'hoan_thanh' ELSE 'dang_thuc_hien' END
            WHEN rnd(p.id, t.sort_order, 'xong') < 0.7 THEN 'dang_thuc_hien' ELSE 'chua_bat_dau' END,
       NULL, NULL, 1
FROM s_plan p CROSS JOIN synth_tasks t;

-- step: payments
-- Fees (thù lao, db/funding/funding.sql): each concluded case, thành or không thành, earns the rate in force on its
-- concluded date for its result (rate_schedule: the applied rate capped by the national maximum). A commune files a
-- fee request a team three times a year, as the demo does: early July for cases concluded to 30/6, mid-December for
-- those to its cut-off, early January for the rest of the year. Some requests are never filed (a commune's
-- diligence), and none after the end: those cases stay unpaid. The commune approves 1–3 days after the request and
-- pays 1–3 days later (6 % late, 6–20 days); what is not yet done by the end is đề nghị or đã duyệt.
CREATE OR REPLACE TEMP TABLE s_fee_rate AS
SELECT result_key, period_from, coalesce(period_to, DATE '9999-12-31') AS period_to, value,
       coalesce(applied_id, cap_id) AS rate_id
FROM rate_schedule WHERE kind = 'thu_lao';

CREATE OR REPLACE TEMP TABLE s_round AS
SELECT c.id AS commune_id, c.fee_diligence, y.year, r.round,
       CASE r.round WHEN 1 THEN make_date(y.year, 6, 30)
                    WHEN 2 THEN (make_date(y.year, 12, 8) + rint(c.id, y.year, 'cat', 0, 4))::DATE
                    ELSE make_date(y.year, 12, 31) END AS cutoff,
       CASE r.round WHEN 1 THEN (make_date(y.year, 7, 1) + rint(c.id, y.year, 'dn1', 0, 6))::DATE
                    WHEN 2 THEN (make_date(y.year, 12, 11) + rint(c.id, y.year, 'cat', 0, 4))::DATE
                    ELSE (make_date(y.year + 1, 1, 5) + rint(c.id, y.year, 'dn3', 0, 6))::DATE END AS requested_on
FROM s_commune c
CROSS JOIN range(getvariable('synth_first_year'), year(until_day()) + 1) y(year)
CROSS JOIN range(1, 4) r(round);

CREATE OR REPLACE TEMP TABLE s_fee AS
WITH second_cut AS (SELECT commune_id, year, cutoff FROM s_round WHERE round = 2)
SELECT c.id AS case_id, c.team_id, c.commune_id, r.year AS round_year, r.round, r.requested_on, f.value AS fee,
       f.rate_id
FROM s_case c
JOIN s_fee_rate f ON f.result_key = CASE c.result WHEN 'thanh' THEN 'thanh' ELSE 'khac' END
                 AND c.concluded_on BETWEEN f.period_from AND f.period_to
JOIN second_cut s ON s.commune_id = c.commune_id AND s.year = year(c.concluded_on)
JOIN s_round r ON r.commune_id = c.commune_id AND r.year = s.year
              AND r.round = CASE WHEN c.concluded_on <= make_date(s.year, 6, 30) THEN 1
                                 WHEN c.concluded_on <= s.cutoff THEN 2 ELSE 3 END
WHERE c.result IN ('thanh', 'khong_thanh') AND r.requested_on <= until_day()
  AND rnd(c.team_id, r.year * 10 + r.round, 'nop') < r.fee_diligence;

CREATE OR REPLACE TEMP TABLE s_payment AS
WITH fee_requests AS (
    SELECT 'thu_lao' AS kind, team_id, year(requested_on) AS year, NULL::DATE AS period_from, NULL::DATE AS period_to,
           requested_on, CASE WHEN count(DISTINCT rate_id) = 1 THEN any_value(rate_id) END AS rate_id,
           sum(fee) AS computed_amount, round_year * 10 + round AS k2
    FROM s_fee GROUP BY team_id, round_year, round, requested_on
), support_year AS (   -- team support (hỗ trợ hoạt động) due for January to each month of a year
    SELECT year(month_start) AS year, month(month_start) AS month_to,
           (sum(twelfths) OVER (PARTITION BY year(month_start) ORDER BY month_start) + 6) // 12 AS due,
           first_value(rate_id) OVER (PARTITION BY year(month_start) ORDER BY month_start) AS rate_id
    FROM support_months(make_date(getvariable('synth_first_year'), 1, 1), make_date(year(until_day()), 12, 1))
), support_requests AS (
    -- team support for the year (to the month before a merge), requested late in the year by the communes that pay
    -- it: about half of them before 2024 (Hải Dương 2023: 129 of 235), four in five after the TT 56 rates
    SELECT 'ho_tro' AS kind, v.id AS team_id, y.year, make_date(y.year, 1, 1) AS period_from,
           CASE WHEN v.merge_on IS NOT NULL AND year(v.merge_on - 1) = y.year THEN v.merge_on - 1
                ELSE make_date(y.year, 12, 31) END AS period_to,
           CASE WHEN v.merge_on IS NOT NULL AND year(v.merge_on - 1) = y.year
                THEN (v.merge_on - rint(v.id, y.year, 'ngay_ht', 12, 25))::DATE
                ELSE (make_date(y.year, 11, 25) + rint(v.commune_id, y.year, 'ngay_ht', 0, 15))::DATE
           END AS requested_on,
           v.commune_id
    FROM s_village v CROSS JOIN range(getvariable('synth_first_year'), year(until_day()) + 1) y(year)
    WHERE (v.merge_on IS NULL OR v.merge_on > make_date(y.year, 1, 1))
      AND rnd(v.commune_id, y.year, 'ho_tro') < CASE WHEN y.year < 2024 THEN 0.55 ELSE 0.8 END
), requests AS (
    SELECT kind, team_id, year, period_from, period_to, requested_on, rate_id, computed_amount, k2 FROM fee_requests
    UNION ALL
    SELECT r.kind, r.team_id, r.year, r.period_from, r.period_to, r.requested_on, s.rate_id, s.due, r.year * 10
    FROM support_requests r JOIN support_year s ON s.year = r.year AND s.month_to = month(r.period_to)
    WHERE r.requested_on <= until_day()
), dated AS (
    SELECT r.*, (r.requested_on + rint(r.team_id, r.k2, 'duyet', 1, 3))::DATE AS approved,
           (r.requested_on + rint(r.team_id, r.k2, 'duyet', 1, 3)
            + CASE WHEN rnd(r.team_id, r.k2, 'cham') < 0.06 THEN rint(r.team_id, r.k2, 'chi', 6, 20)
                   ELSE rint(r.team_id, r.k2, 'chi', 1, 3) END)::DATE AS paid
    FROM requests r
)
SELECT row_number() OVER (ORDER BY requested_on, kind DESC, team_id)::INTEGER AS id, d.*,
       CASE WHEN d.paid <= until_day() THEN 'da_chi' WHEN d.approved <= until_day() THEN 'da_duyet' ELSE 'de_nghi' END
           AS status
FROM dated d;

INSERT INTO payments (id, kind, team_id, year, period_from, period_to, requested_on, rate_id, computed_amount, amount,
                      reduction_reason, status, approved_on, paid_on, cancelled_on, cancel_reason, note, created_at,
                      version)
SELECT id, kind, team_id, year, period_from, period_to, requested_on, rate_id, computed_amount, computed_amount,
       NULL, status, CASE WHEN status IN ('da_duyet', 'da_chi') THEN approved END,
       CASE WHEN status = 'da_chi' THEN paid END, NULL, NULL, NULL, at_time(requested_on, key(id, 0), 'tao'),
       CASE status WHEN 'da_chi' THEN 3 WHEN 'da_duyet' THEN 2 ELSE 1 END
FROM s_payment;

INSERT INTO payment_cases (payment_id, case_id, fee, rate_id)
SELECT p.id, f.case_id, f.fee, f.rate_id
FROM s_fee f JOIN s_payment p ON p.kind = 'thu_lao' AND p.team_id = f.team_id AND p.k2 = f.round_year * 10 + f.round;

-- step: budgets
-- The budget line a commune and year (dự toán, decided the December before): team support for its teams at the year's
-- rate plus the fees its cases earn, with a margin of −10 % to +30 %, in whole 500.000 đ. Before 2020 a third of the
-- communes paid from the legal-education budget without a line of their own (in_commune_budget false, as the demo's
-- 2021).
INSERT INTO budgets (id, commune_id, year, amount, document_no, document_date, in_commune_budget, note, version)
WITH support AS (
    SELECT year(month_start) AS year, (sum(twelfths) + 6) // 12 AS rate
    FROM support_months(make_date(getvariable('synth_first_year'), 1, 1), make_date(year(until_day()), 12, 1))
    GROUP BY ALL
), teams AS (
    SELECT v.commune_id, y.year, count(*) AS teams
    FROM s_village v CROSS JOIN range(getvariable('synth_first_year'), year(until_day()) + 1) y(year)
    WHERE v.merge_on IS NULL OR v.merge_on > make_date(y.year, 1, 1)
    GROUP BY ALL
), fees AS (
    SELECT c.commune_id, year(c.concluded_on) AS year, sum(f.value) AS fees
    FROM s_case c
    JOIN s_fee_rate f ON f.result_key = CASE c.result WHEN 'thanh' THEN 'thanh' ELSE 'khac' END
                     AND c.concluded_on BETWEEN f.period_from AND f.period_to
    WHERE c.result IN ('thanh', 'khong_thanh')
    GROUP BY ALL
), lines AS (
    SELECT t.commune_id, t.year,
           greatest(ceil((t.teams * s.rate + coalesce(f.fees, 0)) * (0.9 + 0.4 * rnd(t.commune_id, t.year, 'du_toan'))
                         / 500000) * 500000, 5000000)::BIGINT AS amount,
           t.year >= 2020 OR rnd(t.commune_id, 0, 'dong_rieng') < 0.67 AS in_commune_budget
    FROM teams t JOIN support s ON s.year = t.year
    LEFT JOIN fees f ON f.commune_id = t.commune_id AND f.year = t.year
)
SELECT row_number() OVER (ORDER BY commune_id, year)::INTEGER, commune_id, year, amount,
       CASE WHEN in_commune_budget THEN 'Nghị quyết số ' || rint(commune_id, year, 'so_nq', 10, 40) || '/NQ-HĐND'
            ELSE 'Quyết định số ' || rint(commune_id, year, 'so_qd', 100, 250)
                 || '/QĐ-UBND (giao dự toán chi phổ biến, giáo dục pháp luật)' END,
       day_in(make_date(year - 1, 12, 10), make_date(year - 1, 12, 28), commune_id, year, 'ngay_nq'),
       in_commune_budget,
       CASE WHEN in_commune_budget THEN 'Dòng chi công tác hòa giải ở cơ sở trong dự toán ngân sách năm ' || year || '.'
            ELSE 'Chi từ kinh phí phổ biến, giáo dục pháp luật; chưa có dòng riêng cho hòa giải ở cơ sở trong dự toán '
                 || 'ngân sách.' END,
       1
FROM lines;
