-- Funding: what is due, paid, owed and wrong (DOMAIN.md "Fees"; issue 4). Money is BIGINT whole đồng:
-- no figure here goes through a float. Rates are dated rows of `rates` (seeds/reference/rates.csv, edited
-- on Cài đặt → Mức chi); every check reads the rates as they stand now, so correcting a rate after
-- verification shows at once which stored payments no longer match it.

-- add_working_days(d, n): the n-th working day after d in Vietnam's calendar (work_calendar, db/workdays.py:
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

-- fee_rate_on(d): the id of the fee rate (thù lao, per concluded case per team) valid on day d:
-- valid_from ≤ d ≤ valid_to, open-ended when valid_to is empty. The write path refuses overlapping
-- validity for one kind, so there is at most one; none → NULL. A fee request uses the rate valid on its
-- request date, so a rate dated next year never changes this year's amounts.
CREATE OR REPLACE MACRO fee_rate_on(d) AS (
    SELECT max(id) FROM rates
    WHERE kind = 'thu_lao' AND valid_from <= d AND (valid_to IS NULL OR valid_to >= d));

-- support_months(first_day, last_day): one row per month of a period with the team-support rate
-- (hỗ trợ hoạt động, per team) valid on the month's first day, counted in twelfths of a đồng so that
-- nothing is rounded before the total: a monthly rate (đ/tổ/tháng) counts amount × 12 a month, a yearly
-- rate (đ/tổ/năm) counts amount a month (its twelfth). So the due for a period = whole_dong(Σ twelfths):
-- a whole year at a yearly rate is exactly the rate, six months at 500.000 đ/tổ/năm are 250.000 đ, and a
-- rate dated next year never changes this year's months. A month with no valid rate counts 0.
CREATE OR REPLACE MACRO support_months(first_day, last_day) AS TABLE
SELECT m.month_start, r.id AS rate_id,
       coalesce(CASE r.unit WHEN 'to_thang' THEN r.amount * 12 WHEN 'to_nam' THEN r.amount END, 0)::BIGINT
           AS twelfths
FROM (SELECT unnest(generate_series(first_day::DATE, last_day::DATE, INTERVAL 1 MONTH))::DATE AS month_start) m
LEFT JOIN rates r ON r.kind = 'ho_tro' AND r.valid_from <= m.month_start
                 AND (r.valid_to IS NULL OR r.valid_to >= m.month_start);

-- fee_case: every case that earns a fee (thù lao hòa giải viên, per case per team): concluded thành or
-- không thành (the fee is paid whether or not the mediation succeeded), not soft-deleted. NOT đang hòa
-- giải, NOT ngoài phạm vi (referred, excluded from the rates). year = the year it was concluded.
-- fee_status comes from the one payment of the case's own team that is not cancelled: chua_de_nghi (in
-- none: payable), de_nghi, da_duyet, da_chi. A cancelled payment frees its cases.
-- estimated_fee = the fee rate valid on the conclusion day: an estimate of what is still owed for a case
-- not yet paid (its payment will use the rate valid on the request date).
CREATE OR REPLACE VIEW fee_case AS
WITH active AS (
    SELECT pc.case_id, p.team_id, p.id AS payment_id, p.status, p.paid_on
    FROM payment_cases pc JOIN payments p ON p.id = pc.payment_id
    WHERE p.kind = 'thu_lao' AND p.status <> 'huy'
)
SELECT c.id AS case_id, c.team_id, t.village_id, c.received_on, c.concluded_on,
       year(c.concluded_on)::INTEGER AS year, c.result, c.category,
       a.payment_id, coalesce(a.status, 'chua_de_nghi') AS fee_status, a.paid_on,
       coalesce(r.amount, 0)::BIGINT AS estimated_fee
FROM cases c
JOIN teams t ON t.id = c.team_id
LEFT JOIN active a ON a.case_id = c.id AND a.team_id = c.team_id
LEFT JOIN rates r ON r.id = fee_rate_on(c.concluded_on)
WHERE c.deleted_at IS NULL AND c.result IN ('thanh', 'khong_thanh') AND c.concluded_on IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY c.id ORDER BY a.payment_id) = 1;

-- payment_check: every payment measured against the rates and cases as they stand now (the stored amount
-- never changes after filing; rates get corrected after verification, cases get corrected or deleted).
--   cases / eligible_cases (fee requests): its cases, and those still earning a fee for its team —
--       concluded thành/không thành on or before the request date, not deleted, of the payment's team;
--   fee_rate: the fee rate valid on the request date; months (support): months in the period;
--   due_amount: fee = fee_rate × eligible_cases; support = whole_dong(Σ support_months over the period);
--   above_rate = amount − due_amount when positive, for a payment not cancelled ("chi vượt mức");
--   pay_deadline = 5 working days after the request; late = paid after it, or still unpaid past it today;
--   payout_deadline = 3 working days after the commune paid (the team pays its mediators);
--   status_on = the date of the current status (approved, paid or cancelled).
CREATE OR REPLACE VIEW payment_check AS
WITH case_units AS (
    SELECT pc.payment_id, count(*) AS cases,
           count(c.id) FILTER (WHERE c.deleted_at IS NULL AND c.result IN ('thanh', 'khong_thanh')
                                 AND c.team_id = p.team_id AND c.concluded_on <= p.requested_on) AS eligible_cases
    FROM payment_cases pc
    JOIN payments p ON p.id = pc.payment_id
    LEFT JOIN cases c ON c.id = pc.case_id
    GROUP BY pc.payment_id
), support AS (
    SELECT p.id AS payment_id, count(*) AS months, sum(s.twelfths) AS twelfths
    FROM payments p, LATERAL support_months(p.period_from, p.period_to) s
    WHERE p.kind = 'ho_tro'
    GROUP BY p.id
), measured AS (
    SELECT p.*, p.id AS payment_id, t.village_id,
           coalesce(cu.cases, 0) AS cases, coalesce(cu.eligible_cases, 0) AS eligible_cases, s.months,
           CASE WHEN p.kind = 'thu_lao' THEN r.amount END AS fee_rate,
           CASE p.kind WHEN 'thu_lao' THEN coalesce(r.amount, 0) * coalesce(cu.eligible_cases, 0)
                       WHEN 'ho_tro' THEN whole_dong(coalesce(s.twelfths, 0)) END::BIGINT AS due_amount,
           commune_pay_deadline(p.requested_on) AS pay_deadline,
           CASE WHEN p.paid_on IS NOT NULL THEN team_payout_deadline(p.paid_on) END AS payout_deadline
    FROM payments p
    JOIN teams t ON t.id = p.team_id
    LEFT JOIN case_units cu ON cu.payment_id = p.id
    LEFT JOIN support s ON s.payment_id = p.id
    LEFT JOIN rates r ON p.kind = 'thu_lao' AND r.id = fee_rate_on(p.requested_on)
)
SELECT *,
       CASE status WHEN 'da_duyet' THEN approved_on WHEN 'da_chi' THEN paid_on WHEN 'huy' THEN cancelled_on END
           AS status_on,
       CASE WHEN status <> 'huy' THEN greatest(amount - due_amount, 0) ELSE 0 END::BIGINT AS above_rate,
       CASE WHEN status = 'da_chi' THEN paid_on > pay_deadline
            WHEN status IN ('de_nghi', 'da_duyet') THEN current_date > pay_deadline
            ELSE FALSE END AS late
FROM measured;

-- funding_team_year: the checks per team and reporting year (issue 4, "Checks").
--   concluded_cases: fee_case rows concluded that year; cases_paid (da_chi), cases_pending (in a request
--       đề nghị / đã duyệt), cases_not_requested (in none); unpaid_cases = concluded − paid;
--   fee_unpaid_estimate: Σ estimated_fee of that year's concluded cases not yet paid;
--   support_due: whole_dong(Σ support_months over the 12 months of the year), every team every year;
--   fee_paid / support_paid: payments đã chi charged to that year (payments.year: the request's year for
--       a fee request, the period's year for support); *_pending: đề nghị or đã duyệt, not yet paid;
--   support_outstanding = due − paid when positive; support_not_requested = due − paid − pending when positive;
--   owed = fee_unpaid_estimate + support_outstanding (what the team is still to receive for the year);
--   above_rate / payments_above_rate / payments_late: from payment_check, payments of that year not cancelled.
CREATE OR REPLACE VIEW funding_team_year AS
WITH fees AS (
    SELECT team_id, year,
           count(*) AS concluded_cases,
           count(*) FILTER (WHERE fee_status = 'da_chi') AS cases_paid,
           count(*) FILTER (WHERE fee_status IN ('de_nghi', 'da_duyet')) AS cases_pending,
           count(*) FILTER (WHERE fee_status = 'chua_de_nghi') AS cases_not_requested,
           coalesce(sum(estimated_fee) FILTER (WHERE fee_status <> 'da_chi'), 0) AS fee_unpaid_estimate,
           coalesce(sum(estimated_fee) FILTER (WHERE fee_status = 'chua_de_nghi'), 0) AS fee_not_requested_estimate
    FROM fee_case GROUP BY team_id, year
), pays AS (
    SELECT team_id, year,
           coalesce(sum(amount) FILTER (WHERE kind = 'thu_lao' AND status = 'da_chi'), 0) AS fee_paid,
           coalesce(sum(amount) FILTER (WHERE kind = 'thu_lao' AND status IN ('de_nghi', 'da_duyet')), 0) AS fee_pending,
           coalesce(sum(amount) FILTER (WHERE kind = 'ho_tro' AND status = 'da_chi'), 0) AS support_paid,
           coalesce(sum(amount) FILTER (WHERE kind = 'ho_tro' AND status IN ('de_nghi', 'da_duyet')), 0) AS support_pending,
           sum(above_rate) AS above_rate,
           count(*) FILTER (WHERE above_rate > 0) AS payments_above_rate,
           count(*) FILTER (WHERE late) AS payments_late
    FROM payment_check WHERE status <> 'huy' GROUP BY team_id, year
), due AS (
    SELECT t.id AS team_id, y.year, whole_dong(sum(s.twelfths)) AS support_due
    FROM teams t CROSS JOIN report_years y,
         LATERAL support_months(make_date(y.year, 1, 1), make_date(y.year, 12, 1)) s
    WHERE exists_in(t.valid_from, t.valid_to, y.year)  -- support is owed only in the years the team existed
    GROUP BY t.id, y.year
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
       coalesce(p.payments_late, 0) AS payments_late
FROM teams t
JOIN due d ON d.team_id = t.id
LEFT JOIN fees f ON f.team_id = t.id AND f.year = d.year
LEFT JOIN pays p ON p.team_id = t.id AND p.year = d.year;

-- funding_year: the commune's budget line (dự toán) against what was paid, per reporting year.
--   paid = Σ payments đã chi charged to the year; pending = đề nghị + đã duyệt not yet paid;
--   remaining = budget − paid; over_budget: paid + pending exceed the budget. No budget row → budget NULL.
CREATE OR REPLACE VIEW funding_year AS
WITH sums AS (
    SELECT year, sum(fee_paid + support_paid) AS paid, sum(fee_pending + support_pending) AS pending,
           sum(concluded_cases) AS concluded_cases, sum(unpaid_cases) AS unpaid_cases
    FROM funding_team_year GROUP BY year
)
SELECT s.year, b.id AS budget_id, b.amount AS budget, b.document_no, b.document_date, b.in_commune_budget,
       s.paid::BIGINT AS paid, s.pending::BIGINT AS pending,
       (b.amount - s.paid)::BIGINT AS remaining,
       coalesce(s.paid + s.pending > b.amount, FALSE) AS over_budget,
       ratio(s.paid, b.amount) AS paid_share,
       s.concluded_cases, s.unpaid_cases
FROM sums s LEFT JOIN budgets b ON b.year = s.year;

-- funding_outstanding: the list of what is outstanding for a team and year, one row per item:
--   thu_lao_chua_de_nghi: concluded cases of the year in no request (count, estimated amount);
--   cho_chi: a payment of the year đề nghị / đã duyệt, not yet paid (its amount; late past its deadline);
--   ho_tro_chua_de_nghi: support due for the year and neither paid nor requested (the missing amount);
--   vuot_muc: a payment of the year above the valid rate (the excess).
CREATE OR REPLACE VIEW funding_outstanding AS
SELECT team_id, village_id, year, 'thu_lao_chua_de_nghi' AS item, NULL::INTEGER AS payment_id,
       NULL::VARCHAR AS status, cases_not_requested AS cases, fee_not_requested_estimate AS amount,
       NULL::DATE AS deadline, FALSE AS late
FROM funding_team_year WHERE cases_not_requested > 0
UNION ALL
SELECT team_id, village_id, year, 'cho_chi', payment_id, status, CASE WHEN kind = 'thu_lao' THEN cases END,
       amount, pay_deadline, late
FROM payment_check WHERE status IN ('de_nghi', 'da_duyet')
UNION ALL
SELECT team_id, village_id, year, 'ho_tro_chua_de_nghi', NULL, NULL, NULL, support_not_requested, NULL, FALSE
FROM funding_team_year WHERE support_not_requested > 0
UNION ALL
SELECT team_id, village_id, year, 'vuot_muc', payment_id, status, CASE WHEN kind = 'thu_lao' THEN cases END,
       above_rate, NULL, FALSE
FROM payment_check WHERE above_rate > 0;
