-- 011: rates under Thông tư 56/2023/TT-BTC (issue 14, item 7; DOMAIN.md «Updated legal facts»).
-- A rate row is now either a national maximum (level 'toi_da': TTLT 100/2014 until 05/10/2023, TT 56/2023 from
-- 06/10/2023) or the rate a province applies within it (level 'ap_dung', with the province whose resolution it
-- is); a fee rate may depend on the case's result: result 'thanh' (hòa giải thành), 'khac' (every other fee-earning
-- result, i.e. không thành), NULL = any result. The new national rows come from seeds/reference/rates.csv, loaded
-- after this migration (db/seed.load_reference).
ALTER TABLE rates ADD COLUMN level VARCHAR DEFAULT 'ap_dung';
ALTER TABLE rates ADD COLUMN result VARCHAR;
ALTER TABLE rates ADD COLUMN province VARCHAR;
-- Every rate before this version was the commune's applied rate; the seeded ones were Hải Dương's.
UPDATE rates SET level = 'ap_dung' WHERE level IS NULL;
UPDATE rates SET province = 'Hải Dương' WHERE province IS NULL AND issuer ILIKE '%Hải Dương%';
-- The seeded Hải Dương fee of NQ 96/2014 (200.000 đ/vụ việc, open-ended, never edited: version 1, still «cần xác
-- minh») ends where the seeded support rate of the same resolution ends, 31/12/2023; the province's move to the TT 56
-- maxima from 2024 (cần xác minh) is seeded after it. A rate the officer edited is left as it is.
UPDATE rates SET valid_to = DATE '2023-12-31'
WHERE kind = 'thu_lao' AND level = 'ap_dung' AND legal_basis = '96/2014/NQ-HĐND' AND valid_from = DATE '2015-01-01'
  AND valid_to IS NULL AND version = 1 AND needs_verification AND amount = 200000;

-- The fee of each case a request lists, as computed when it was filed (the rate of the case's result on its
-- concluded date) and the rate row it came from: a request's computed_amount is their sum. Requests filed before
-- this version used one rate for all their cases (computed_amount = rate × cases): each case gets that share.
ALTER TABLE payment_cases ADD COLUMN fee BIGINT;
ALTER TABLE payment_cases ADD COLUMN rate_id INTEGER;
UPDATE payment_cases SET fee = p.computed_amount // n.cases, rate_id = p.rate_id
FROM payments p, (SELECT payment_id, count(*) AS cases FROM payment_cases GROUP BY payment_id) n
WHERE p.id = payment_cases.payment_id AND n.payment_id = payment_cases.payment_id AND payment_cases.fee IS NULL;
