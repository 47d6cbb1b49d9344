-- Funding: what is due, paid, owed and wrong (DOMAIN.md "Fees"; issue 4). Money is BIGINT whole đồng:
-- no figure here goes through a float. Rates are dated rows of `rates` (seeds/reference/rates.csv, edited
-- on Cài đặt → Mức chi); every check reads the rates as they stand now, so correcting a rate after
-- verification shows at once which stored payments no longer match it.

-- add_working_days(d, n): the n-th working day after d in Vietnam's calendar (work_calendar, db/core/workdays.py:
-- Monday to Friday without public holidays and the Government's moved days off, with the Saturdays it makes working
-- days). A request on the Friday before Tết 2025 (24/01) is due on 07/02, not on 31/01.
CREATE OR REPLACE MACRO add_working_days(d, n) AS (
    SELECT min(w.day) FROM work_calendar w
    WHERE w.working AND w.seq = (SELECT c.seq FROM work_calendar c WHERE c.day = d) + n);

-- Legal deadlines of a fee request: the commune pays within 5 working days of the request (DOMAIN.md
-- "Fees"); the team leader then pays the mediators within 3 working days of receiving the money (verify).
CREATE OR REPLACE MACRO commune_pay_deadline(requested_on) AS add_working_days(requested_on, 5);
CREATE OR REPLACE MACRO team_payout_deadline(paid_on) AS add_working_days(paid_on, 3);

-- whole_dong(t): a sum kept in twelfths of a đồng (see support_months) back to whole đồng, half up.
CREATE OR REPLACE MACRO whole_dong(twelfths) AS (twelfths + 6) // 12;

-- Rates (DOMAIN.md «Updated legal facts»; issue 14, item 7). Two levels of dated rows in `rates`:
--   toi_da  — the national maximum: TTLT 100/2014/TTLT-BTC-BTP until 05/10/2023 (200.000 đ/vụ việc/tổ,
--             100.000 đ/tổ/tháng), Thông tư 56/2023/TT-BTC from 06/10/2023 (fee 400.000 đ for a hòa giải thành,
--             300.000 đ otherwise; support 150.000 đ/tổ/tháng);
--   ap_dung — the rate the province applies within it (Hải Dương: NQ 96/2014/NQ-HĐND, then its 2024 rates).
-- A fee row is keyed by the case's result: 'thanh' (hòa giải thành), 'khac' (every other result that earns a fee:
-- không thành), NULL (any result). The write path refuses two rows of one kind and level in force on the same day
-- for the same result, so each lookup below finds at most one row per level.
-- The rate a figure uses (rate_in_force.value):
--   * the applied rate of the province in force that day; without one, the national maximum (DOMAIN.md: «without a
--     provincial resolution the maxima apply»);
--   * never above the national maximum in force that day: an applied rate above it is shown as such (above_cap, on
--     Cài đặt → Mức chi) and the maximum is what a payment is computed and checked against;
--   * in the unit it is compared in: a fee in đồng per case; team support in twelfths of a đồng per month (a monthly
--     rate counts amount × 12 a month, a yearly rate counts amount — its twelfth — so nothing is rounded before a
--     total).

-- fee_key(result): the key of a fee rate for a case's result: thành → 'thanh', không thành → 'khac', else NULL.
CREATE OR REPLACE MACRO fee_key(res) AS CASE res WHEN 'thanh' THEN 'thanh' WHEN 'khong_thanh' THEN 'khac' END;

-- per_month_unit(unit, amount): a rate in the unit it is compared in: twelfths of a đồng per month for a per-team
-- period rate (đ/tổ/tháng × 12, đ/tổ/năm as is), the amount itself for every other unit (đ/vụ việc/tổ, …).
CREATE OR REPLACE MACRO per_month_unit(unit, amount) AS
    CASE unit WHEN 'to_thang' THEN amount * 12 ELSE amount END;

-- rate_id_on(k, lvl, key, d): the id of the rate of kind k and level lvl in force on day d (valid_from ≤ d ≤
-- valid_to, open-ended when valid_to is empty) for result key `key`: a row of that result, else a row for any
-- result (result NULL); NULL when none.
CREATE OR REPLACE MACRO rate_id_on(k, lvl, key, d) AS (
    SELECT id FROM rates
    WHERE kind = k AND level = lvl AND (result IS NULL OR result = key)
      AND valid_from <= d AND (valid_to IS NULL OR valid_to >= d)
    ORDER BY result NULLS LAST, id LIMIT 1);

-- rate_in_force(k, key, d): one row — the applied rate and the national maximum of kind k for result key `key` in
-- force on day d, side by side, and the value used (see above). rate_id: the row used (the applied one when there
-- is one, even when capped). value, applied_value and cap_value are in per_month_unit; NULL where there is no row.
CREATE OR REPLACE MACRO rate_in_force(k, key, d) AS TABLE
SELECT ids.applied_id, a.amount AS applied_amount, a.unit AS applied_unit,
       ids.cap_id, m.amount AS cap_amount, m.unit AS cap_unit,
       coalesce(ids.applied_id, ids.cap_id) AS rate_id,
       per_month_unit(a.unit, a.amount)::BIGINT AS applied_value, per_month_unit(m.unit, m.amount)::BIGINT AS cap_value,
       CASE WHEN a.id IS NULL THEN per_month_unit(m.unit, m.amount)
            WHEN m.id IS NULL THEN per_month_unit(a.unit, a.amount)
            ELSE least(per_month_unit(a.unit, a.amount), per_month_unit(m.unit, m.amount)) END::BIGINT AS value,
       coalesce(per_month_unit(a.unit, a.amount) > per_month_unit(m.unit, m.amount), FALSE) AS above_cap
FROM (SELECT rate_id_on(k, 'ap_dung', key, d) AS applied_id, rate_id_on(k, 'toi_da', key, d) AS cap_id) ids
LEFT JOIN rates a ON a.id = ids.applied_id
LEFT JOIN rates m ON m.id = ids.cap_id;

-- Which date of a case selects its fee: a fee (thù lao hòa giải viên, per case per team) is earned when the case is
-- concluded, so its rate is the one in force on the case's CONCLUDED DATE, for its result — not the date of the
-- request that pays it, nor the date received. A case concluded on 05/10/2023 earns the TTLT 100/2014 rate even when
-- paid in November; one concluded on 06/10/2023 the TT 56 rate for its result (DOMAIN.md «Time»: a fact counts on
-- the date it happened; a later request never changes what a case earned). No concluded date: no fee yet.

-- support_months(first_day, last_day): one row per month of a period with the team-support rate (hỗ trợ hoạt
-- động, per team per month) in force on the month's FIRST DAY: a whole month is paid at one rate, the one in force
-- on its 1st. A rate from 06/10/2023 therefore counts from November 2023: a team's 2023 owes January–October at the
-- TTLT 100/2014 rate and November–December at the TT 56 rate (10 + 2 months; no split October). Counted in twelfths
-- (see above), so the due for a period = whole_dong(Σ twelfths): a whole year at a yearly rate is exactly the rate,
-- six months at 500.000 đ/tổ/năm are 250.000 đ. A month with no rate of either level counts 0 (rate_id NULL);
-- above_cap says the province's rate was above the maximum that month (the maximum counted).
CREATE OR REPLACE MACRO support_months(first_day, last_day) AS TABLE
SELECT m.month_start, r.rate_id, coalesce(r.value, 0)::BIGINT AS twelfths, r.cap_value AS cap_twelfths,
       r.above_cap
FROM (SELECT unnest(generate_series(first_day::DATE, last_day::DATE, INTERVAL 1 MONTH))::DATE AS month_start) m,
     LATERAL rate_in_force('ho_tro', NULL, m.month_start) r;

-- rate_schedule: the rates side by side over time (Cài đặt → Mức chi). One row per kind, result key (the fee:
-- 'thanh' and 'khac'; other kinds NULL) and period in which neither the applied rate nor the national maximum
-- changes (cut at every valid_from and the day after every valid_to of the kind), with both rows and the value used
-- (rate_in_force). Periods where neither level has a rate are left out.
CREATE OR REPLACE VIEW rate_schedule AS
WITH keys AS (
    SELECT DISTINCT kind, unnest(CASE WHEN kind = 'thu_lao' THEN ['thanh', 'khac'] ELSE [NULL] END) AS result_key
    FROM rates
), bounds AS (
    SELECT DISTINCT kind, d FROM (SELECT kind, valid_from AS d FROM rates
                                  UNION ALL SELECT kind, (valid_to + 1)::DATE FROM rates WHERE valid_to IS NOT NULL)
), cuts AS (
    SELECT kind, d AS period_from, (lead(d) OVER (PARTITION BY kind ORDER BY d) - 1)::DATE AS period_to FROM bounds
), pieces AS (
    SELECT k.kind, k.result_key, c.period_from, c.period_to, r.*
    FROM keys k JOIN cuts c ON c.kind = k.kind, LATERAL rate_in_force(k.kind, k.result_key, c.period_from) r
), marked AS (
    SELECT *, lag(applied_id) OVER w AS prev_applied, lag(cap_id) OVER w AS prev_cap
    FROM pieces WINDOW w AS (PARTITION BY kind, result_key ORDER BY period_from)
), runs AS (   -- consecutive pieces with the same two rows form one period
    SELECT *, sum(CASE WHEN applied_id IS NOT DISTINCT FROM prev_applied AND cap_id IS NOT DISTINCT FROM prev_cap
                       THEN 0 ELSE 1 END) OVER (PARTITION BY kind, result_key ORDER BY period_from) AS run
    FROM marked
)
SELECT kind, result_key, min(period_from) AS period_from,
       CASE WHEN bool_or(period_to IS NULL) THEN NULL ELSE max(period_to) END AS period_to,
       any_value(applied_id) AS applied_id, any_value(applied_amount) AS applied_amount,
       any_value(applied_unit) AS applied_unit, any_value(cap_id) AS cap_id, any_value(cap_amount) AS cap_amount,
       any_value(cap_unit) AS cap_unit, any_value(value) AS value, any_value(above_cap) AS above_cap
FROM runs
WHERE applied_id IS NOT NULL OR cap_id IS NOT NULL
GROUP BY kind, result_key, run;

-- Scoped by year and place (issue 15): each figure below is a table macro of the year and the place,
-- X_of(y, village, commune, province) — y NULL: every year; village, commune, province as in_place takes them
-- (db/core/macros.sql; all NULL: the whole file) — that reads only what that year and place need: the cases concluded
-- that year, the payments charged to it, the rates in force then, the place's teams. Each view of the same name is its
-- macro for every year and place (one definition for both), kept for the readers that want every year
-- (db/criteria/criteria.sql reads funding_team_year).

-- team_in_place(team_id, village, commune, province): the team is one of a village in the place asked for (in_place);
-- every team when no place is asked for.
CREATE OR REPLACE MACRO team_in_place(tid, village, commune, province) AS
    (village IS NULL AND commune IS NULL AND province IS NULL)
    OR tid IN (SELECT pt.id FROM teams pt WHERE in_place(pt.village_id, village, commune, province));

-- fee_case: every case that earns a fee (thù lao hòa giải viên, per case per team): concluded thành or
-- không thành (the fee is paid whether or not the mediation succeeded, at the rate of its result), not soft-deleted.
-- NOT đang hòa giải, NOT ngoài phạm vi (referred, excluded from the rates). year = the year it was concluded.
-- fee_status comes from the one payment of the case's own team that is not cancelled (the first by id, should there be
-- more): chua_de_nghi (in none: payable), de_nghi, da_duyet, da_chi. A cancelled payment frees its cases.
-- estimated_fee = the fee in force on the concluded date for its result (rate_in_force.value): what the case earns;
-- fee_rate_id the rate row it comes from, fee_above_cap when the province's rate was above the maximum.
-- commune_id: the commune of the case's village (a file may hold many communes).
-- fee_case_of(y, village, commune, province): the cases concluded in year y of the teams of the place, and only the
-- payments that list them.
CREATE OR REPLACE MACRO fee_case_of(y, village, commune, province) AS TABLE
WITH concluded AS (
    SELECT c.id, c.team_id, c.received_on, c.concluded_on, c.result, c.category
    FROM cases c
    WHERE c.deleted_at IS NULL AND c.result IN ('thanh', 'khong_thanh') AND c.concluded_on IS NOT NULL
      AND (y IS NULL OR c.concluded_on BETWEEN make_date(y, 1, 1) AND make_date(y, 12, 31))
      AND team_in_place(c.team_id, village, commune, province)
), active AS (
    SELECT pc.case_id, p.team_id, min(p.id) AS payment_id
    FROM payment_cases pc JOIN payments p ON p.id = pc.payment_id
    WHERE p.kind = 'thu_lao' AND p.status <> 'huy' AND pc.case_id IN (SELECT id FROM concluded)
    GROUP BY pc.case_id, p.team_id
)
SELECT c.id AS case_id, c.team_id, t.village_id, c.received_on, c.concluded_on,
       year(c.concluded_on)::INTEGER AS year, c.result, c.category,
       a.payment_id, coalesce(p.status, 'chua_de_nghi') AS fee_status, p.paid_on,
       coalesce(r.value, 0)::BIGINT AS estimated_fee, r.rate_id AS fee_rate_id, r.above_cap AS fee_above_cap,
       v.commune_id
FROM concluded c
JOIN teams t ON t.id = c.team_id
JOIN villages v ON v.id = t.village_id
LEFT JOIN active a ON a.case_id = c.id AND a.team_id = c.team_id
LEFT JOIN payments p ON p.id = a.payment_id,
LATERAL rate_in_force('thu_lao', fee_key(c.result), c.concluded_on) r;

CREATE OR REPLACE VIEW fee_case AS FROM fee_case_of(NULL, NULL, NULL, NULL);

-- payment_case_check: each case listed on a fee request, as it stands now.
--   problem: why it no longer earns a fee for the payment's team — da_xoa (deleted), khac_to (now another team's),
--       ket_qua (no longer concluded thành/không thành), sau_ngay (concluded after the request date); NULL: it does;
--   rate_fee: what the case earns at the rates as they stand now (its result on its concluded date); for a case
--       whose result no longer earns a fee, the fee it was filed with (payment_cases.fee).
-- payment_case_check_of(y, village, commune, province): the cases of the payments charged to year y (payments.year) of
-- the teams of the place.
CREATE OR REPLACE MACRO payment_case_check_of(y, village, commune, province) AS TABLE
SELECT pc.payment_id, pc.case_id, pc.fee AS filed_fee, pc.rate_id AS filed_rate_id,
       CASE WHEN c.id IS NULL OR c.deleted_at IS NOT NULL THEN 'da_xoa'
            WHEN c.team_id <> p.team_id THEN 'khac_to'
            WHEN c.result NOT IN ('thanh', 'khong_thanh') OR c.concluded_on IS NULL THEN 'ket_qua'
            WHEN c.concluded_on > p.requested_on THEN 'sau_ngay' END AS problem,
       CASE WHEN c.result IN ('thanh', 'khong_thanh') AND c.concluded_on IS NOT NULL THEN coalesce(r.value, 0)
            ELSE coalesce(pc.fee, 0) END::BIGINT AS rate_fee
FROM payment_cases pc
JOIN payments p ON p.id = pc.payment_id
LEFT JOIN cases c ON c.id = pc.case_id,
LATERAL rate_in_force('thu_lao', fee_key(c.result), c.concluded_on) r
WHERE (y IS NULL OR p.year = y) AND team_in_place(p.team_id, village, commune, province);

CREATE OR REPLACE VIEW payment_case_check AS FROM payment_case_check_of(NULL, NULL, NULL, NULL);

-- payment_check: every payment measured against the rates and cases as they stand now (the stored amount
-- never changes after filing; rates get corrected after verification, cases get corrected or deleted).
--   cases / eligible_cases (fee requests): its cases, and those still earning a fee for its team (payment_case_check);
--   months (support): months in the period;
--   due_amount: fee = Σ rate_fee of the eligible cases; support = whole_dong(Σ support_months over the period);
--   rated_amount: fee = Σ rate_fee of every listed case (what they earn at the rate, were they all still eligible);
--       support = due_amount.
-- Three findings for a payment not cancelled; they add up to amount − due_amount when that is positive:
--   above_rate («chi vượt mức»): paid above the rate for the cases or months it lists = amount − rated_amount when
--       positive. Reserved for that: a payment for a case since deleted is not above the rate;
--   paid_deleted («chi cho vụ việc đã xóa»): the part of the amount (up to the rate) paid for cases deleted since;
--   paid_ineligible («chi cho vụ việc không còn đủ điều kiện»): the part paid for cases now of another team, with a
--       result that earns no fee, or concluded after the request; the amount within the rate goes to deleted cases
--       first, then to these.
--   pay_deadline = 5 working days after the request; late = paid after it, or still unpaid past it today;
--   payout_deadline = 3 working days after the commune paid (the team pays its mediators);
--   status_on = the date of the current status (approved, paid or cancelled);
--   commune_id = the commune of the payment's team: the commune that pays it, from its own budget line.
-- payment_check_of(y, village, commune, province): the payments charged to year y of the teams of the place.
CREATE OR REPLACE MACRO payment_check_of(y, village, commune, province) AS TABLE
WITH charged AS (
    FROM payments WHERE (y IS NULL OR year = y) AND team_in_place(team_id, village, commune, province)
), case_units AS (
    SELECT payment_id, count(*) AS cases, count(*) FILTER (WHERE problem IS NULL) AS eligible_cases,
           sum(rate_fee) FILTER (WHERE problem IS NULL) AS due_fee, sum(rate_fee) AS rated_fee,
           sum(rate_fee) FILTER (WHERE problem = 'da_xoa') AS deleted_fee,
           count(*) FILTER (WHERE problem = 'da_xoa') AS deleted_cases
    FROM payment_case_check_of(y, village, commune, province) GROUP BY payment_id
), support AS (
    SELECT p.id AS payment_id, count(*) AS months, sum(s.twelfths) AS twelfths
    FROM charged p, LATERAL support_months(p.period_from, p.period_to) s
    WHERE p.kind = 'ho_tro'
    GROUP BY p.id
), measured AS (
    SELECT p.*, p.id AS payment_id, t.village_id, v.commune_id,
           coalesce(cu.cases, 0) AS cases, coalesce(cu.eligible_cases, 0) AS eligible_cases,
           coalesce(cu.deleted_cases, 0) AS deleted_cases, s.months,
           CASE p.kind WHEN 'thu_lao' THEN coalesce(cu.due_fee, 0)
                       WHEN 'ho_tro' THEN whole_dong(coalesce(s.twelfths, 0)) END::BIGINT AS due_amount,
           CASE p.kind WHEN 'thu_lao' THEN coalesce(cu.rated_fee, 0)
                       WHEN 'ho_tro' THEN whole_dong(coalesce(s.twelfths, 0)) END::BIGINT AS rated_amount,
           coalesce(cu.deleted_fee, 0)::BIGINT AS deleted_fee,
           commune_pay_deadline(p.requested_on) AS pay_deadline,
           CASE WHEN p.paid_on IS NOT NULL THEN team_payout_deadline(p.paid_on) END AS payout_deadline
    FROM charged p
    JOIN teams t ON t.id = p.team_id
    JOIN villages v ON v.id = t.village_id
    LEFT JOIN case_units cu ON cu.payment_id = p.id
    LEFT JOIN support s ON s.payment_id = p.id
), found AS (
    SELECT *,
           CASE WHEN status <> 'huy' THEN greatest(amount - rated_amount, 0) ELSE 0 END::BIGINT AS above_rate,
           CASE WHEN status <> 'huy' THEN greatest(least(amount, rated_amount) - due_amount, 0) ELSE 0 END::BIGINT
               AS paid_not_eligible
    FROM measured
)
SELECT * EXCLUDE (paid_not_eligible),
       CASE status WHEN 'da_duyet' THEN approved_on WHEN 'da_chi' THEN paid_on WHEN 'huy' THEN cancelled_on END
           AS status_on,
       least(paid_not_eligible, deleted_fee)::BIGINT AS paid_deleted,
       (paid_not_eligible - least(paid_not_eligible, deleted_fee))::BIGINT AS paid_ineligible,
       CASE WHEN status = 'da_chi' THEN paid_on > pay_deadline
            WHEN status IN ('de_nghi', 'da_duyet') THEN current_date > pay_deadline
            ELSE FALSE END AS late
FROM found;

CREATE OR REPLACE VIEW payment_check AS FROM payment_check_of(NULL, NULL, NULL, NULL);

-- funding_team_year: the checks per team and reporting year (issue 4, "Checks").
--   concluded_cases: fee_case rows concluded that year; cases_paid (da_chi), cases_pending (in a request
--       đề nghị / đã duyệt), cases_not_requested (in none); unpaid_cases = concluded − paid;
--   fee_unpaid_estimate: Σ estimated_fee of that year's concluded cases not yet paid (each at the rate of its result
--       on its concluded date);
--   support_due: whole_dong(Σ support_months over the 12 months of the year), in the years the team existed (the same
--       for every team: computed once per year);
--   fee_paid / support_paid: payments đã chi charged to that year (payments.year: the request's year for
--       a fee request, the period's year for support); *_pending: đề nghị or đã duyệt, not yet paid;
--   support_outstanding = due − paid when positive; support_not_requested = due − paid − pending when positive;
--   owed = fee_unpaid_estimate + support_outstanding (what the team is still to receive for the year);
--   above_rate / payments_above_rate («chi vượt mức»), paid_deleted / payments_paid_deleted («chi cho vụ việc đã
--       xóa»), paid_ineligible / payments_paid_ineligible, payments_late: from payment_check, payments of that year
--       not cancelled;
--   commune_id: the commune of the team's village, whose budget line pays it (funding_year).
-- funding_team_year_of(y, village, commune, province): the teams of the place in year y.
CREATE OR REPLACE MACRO funding_team_year_of(y, village, commune, province) AS TABLE
WITH fees AS (
    SELECT team_id, year,
           count(*) AS concluded_cases,
           count(*) FILTER (WHERE fee_status = 'da_chi') AS cases_paid,
           count(*) FILTER (WHERE fee_status IN ('de_nghi', 'da_duyet')) AS cases_pending,
           count(*) FILTER (WHERE fee_status = 'chua_de_nghi') AS cases_not_requested,
           coalesce(sum(estimated_fee) FILTER (WHERE fee_status <> 'da_chi'), 0) AS fee_unpaid_estimate,
           coalesce(sum(estimated_fee) FILTER (WHERE fee_status = 'chua_de_nghi'), 0) AS fee_not_requested_estimate
    FROM fee_case_of(y, village, commune, province) GROUP BY team_id, year
), pays AS (
    SELECT team_id, year,
           coalesce(sum(amount) FILTER (WHERE kind = 'thu_lao' AND status = 'da_chi'), 0) AS fee_paid,
           coalesce(sum(amount) FILTER (WHERE kind = 'thu_lao' AND status IN ('de_nghi', 'da_duyet')), 0) AS fee_pending,
           coalesce(sum(amount) FILTER (WHERE kind = 'ho_tro' AND status = 'da_chi'), 0) AS support_paid,
           coalesce(sum(amount) FILTER (WHERE kind = 'ho_tro' AND status IN ('de_nghi', 'da_duyet')), 0) AS support_pending,
           sum(above_rate) AS above_rate,
           count(*) FILTER (WHERE above_rate > 0) AS payments_above_rate,
           sum(paid_deleted) AS paid_deleted,
           count(*) FILTER (WHERE paid_deleted > 0) AS payments_paid_deleted,
           sum(paid_ineligible) AS paid_ineligible,
           count(*) FILTER (WHERE paid_ineligible > 0) AS payments_paid_ineligible,
           count(*) FILTER (WHERE late) AS payments_late
    FROM payment_check_of(y, village, commune, province) WHERE status <> 'huy' GROUP BY team_id, year
), support_year AS (
    SELECT ry.year, whole_dong(sum(s.twelfths)) AS support_due
    FROM report_years ry, LATERAL support_months(make_date(ry.year, 1, 1), make_date(ry.year, 12, 1)) s
    WHERE y IS NULL OR ry.year = y
    GROUP BY ry.year
), due AS (
    SELECT t.id AS team_id, sy.year, sy.support_due
    FROM teams t JOIN support_year sy
        ON exists_in(t.valid_from, t.valid_to, sy.year)  -- support is owed only in the years the team existed
    WHERE in_place(t.village_id, village, commune, province)
)
SELECT t.id AS team_id, t.village_id, d.year,
       coalesce(f.concluded_cases, 0) AS concluded_cases,
       coalesce(f.cases_paid, 0) AS cases_paid,
       coalesce(f.cases_pending, 0) AS cases_pending,
       coalesce(f.cases_not_requested, 0) AS cases_not_requested,
       coalesce(f.concluded_cases, 0) - coalesce(f.cases_paid, 0) AS unpaid_cases,
       coalesce(f.fee_unpaid_estimate, 0)::BIGINT AS fee_unpaid_estimate,
       coalesce(f.fee_not_requested_estimate, 0)::BIGINT AS fee_not_requested_estimate,
       coalesce(p.fee_paid, 0)::BIGINT AS fee_paid,
       coalesce(p.fee_pending, 0)::BIGINT AS fee_pending,
       d.support_due::BIGINT AS support_due,
       coalesce(p.support_paid, 0)::BIGINT AS support_paid,
       coalesce(p.support_pending, 0)::BIGINT AS support_pending,
       greatest(d.support_due - coalesce(p.support_paid, 0), 0)::BIGINT AS support_outstanding,
       greatest(d.support_due - coalesce(p.support_paid, 0) - coalesce(p.support_pending, 0), 0)::BIGINT
           AS support_not_requested,
       (coalesce(f.fee_unpaid_estimate, 0) + greatest(d.support_due - coalesce(p.support_paid, 0), 0))::BIGINT AS owed,
       coalesce(p.above_rate, 0)::BIGINT AS above_rate,
       coalesce(p.payments_above_rate, 0) AS payments_above_rate,
       coalesce(p.paid_deleted, 0)::BIGINT AS paid_deleted,
       coalesce(p.payments_paid_deleted, 0) AS payments_paid_deleted,
       coalesce(p.paid_ineligible, 0)::BIGINT AS paid_ineligible,
       coalesce(p.payments_paid_ineligible, 0) AS payments_paid_ineligible,
       coalesce(p.payments_late, 0) AS payments_late,
       v.commune_id
FROM teams t
JOIN villages v ON v.id = t.village_id
JOIN due d ON d.team_id = t.id
LEFT JOIN fees f ON f.team_id = t.id AND f.year = d.year
LEFT JOIN pays p ON p.team_id = t.id AND p.year = d.year;

CREATE OR REPLACE VIEW funding_team_year AS FROM funding_team_year_of(NULL, NULL, NULL, NULL);

-- funding_year: each commune's budget line (dự toán) against what its teams were paid, per commune and reporting
-- year (a budget line is one commune's: in a file of many communes, a commune's payments are never measured against
-- another commune's budget).
--   paid = Σ payments đã chi to the commune's teams charged to the year; pending = đề nghị + đã duyệt not yet paid;
--   remaining = budget − paid; over_budget: paid + pending exceed the budget. No budget row → budget NULL.
--   A commune without a team has no row (nothing is paid from its line).
-- funding_year_of(y, commune, province): year y, the communes of the place (in_commune: a commune, a province).
CREATE OR REPLACE MACRO funding_year_of(y, commune, province) AS TABLE
WITH sums AS (
    SELECT commune_id, year, sum(fee_paid + support_paid) AS paid, sum(fee_pending + support_pending) AS pending,
           sum(concluded_cases) AS concluded_cases, sum(unpaid_cases) AS unpaid_cases
    FROM funding_team_year_of(y, NULL, commune, province) GROUP BY commune_id, year
)
SELECT s.year, b.id AS budget_id, b.amount AS budget, b.document_no, b.document_date, b.in_commune_budget,
       s.paid::BIGINT AS paid, s.pending::BIGINT AS pending,
       (b.amount - s.paid)::BIGINT AS remaining,
       coalesce(s.paid + s.pending > b.amount, FALSE) AS over_budget,
       ratio(s.paid, b.amount) AS paid_share,
       s.concluded_cases, s.unpaid_cases, s.commune_id
FROM sums s LEFT JOIN budgets b ON b.commune_id = s.commune_id AND b.year = s.year;

CREATE OR REPLACE VIEW funding_year AS FROM funding_year_of(NULL, NULL, NULL);

-- funding_outstanding: the list of what is outstanding for a team and year, one row per item:
--   thu_lao_chua_de_nghi: concluded cases of the year in no request (count, estimated amount);
--   cho_chi: a payment of the year đề nghị / đã duyệt, not yet paid (its amount; late past its deadline);
--   ho_tro_chua_de_nghi: support due for the year and neither paid nor requested (the missing amount);
--   vuot_muc: a payment of the year above the rate for what it lists (the excess, payment_check.above_rate);
--   chi_vu_viec_da_xoa: a payment of the year that paid for cases deleted since (the part paid for them; cases =
--       how many);
--   chi_khong_du_dieu_kien: a payment of the year that paid for cases no longer eligible for other reasons.
-- commune_id: the team's commune.
-- funding_outstanding_of(y, village, commune, province): the teams of the place in year y; the teams' checks and the
-- payments are computed once each (MATERIALIZED), not once per kind of item.
CREATE OR REPLACE MACRO funding_outstanding_of(y, village, commune, province) AS TABLE
WITH team_checks AS MATERIALIZED (
    FROM funding_team_year_of(y, village, commune, province)
), checked AS MATERIALIZED (
    FROM payment_check_of(y, village, commune, province)
)
SELECT team_id, village_id, year, 'thu_lao_chua_de_nghi' AS item, NULL::INTEGER AS payment_id,
       NULL::VARCHAR AS status, cases_not_requested AS cases, fee_not_requested_estimate AS amount,
       NULL::DATE AS deadline, FALSE AS late, commune_id
FROM team_checks WHERE cases_not_requested > 0
UNION ALL
SELECT team_id, village_id, year, 'cho_chi', payment_id, status, CASE WHEN kind = 'thu_lao' THEN cases END,
       amount, pay_deadline, late, commune_id
FROM checked WHERE status IN ('de_nghi', 'da_duyet')
UNION ALL
SELECT team_id, village_id, year, 'ho_tro_chua_de_nghi', NULL, NULL, NULL, support_not_requested, NULL, FALSE,
       commune_id
FROM team_checks WHERE support_not_requested > 0
UNION ALL
SELECT team_id, village_id, year, 'vuot_muc', payment_id, status, CASE WHEN kind = 'thu_lao' THEN cases END,
       above_rate, NULL, FALSE, commune_id
FROM checked WHERE above_rate > 0
UNION ALL
SELECT team_id, village_id, year, 'chi_vu_viec_da_xoa', payment_id, status, deleted_cases, paid_deleted, NULL, FALSE,
       commune_id
FROM checked WHERE paid_deleted > 0
UNION ALL
SELECT team_id, village_id, year, 'chi_khong_du_dieu_kien', payment_id, status, cases - eligible_cases - deleted_cases,
       paid_ineligible, NULL, FALSE, commune_id
FROM checked WHERE paid_ineligible > 0;

CREATE OR REPLACE VIEW funding_outstanding AS FROM funding_outstanding_of(NULL, NULL, NULL, NULL);
