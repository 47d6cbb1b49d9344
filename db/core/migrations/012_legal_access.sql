-- 012: chuẩn tiếp cận pháp luật as the texts say (issue 14, item 8; DOMAIN.md «Legal-access standard»).
--
-- Quyết định 25/2021/QĐ-TTg (guided by Thông tư 09/2021/TT-BTP), years 2021–2024: 5 tiêu chí, 20 chỉ tiêu, 100 points;
-- a commune passes with ≥ 80 points in total and ≥ 50 % of the maximum of every tiêu chí. Mediation is Tiêu chí 3
-- («Hòa giải ở cơ sở, trợ giúp pháp lý»), Chỉ tiêu 1 (mediated promptly, effectively, per the rules: a) cases received
-- and handled per the rules, b) cases mediated successfully) and Chỉ tiêu 2 (funding: a) a budget document, b) teams
-- paid at the rate); Chỉ tiêu 3 is legal aid, which the app does not track: its points are entered by hand.
-- Points per indicator (TT 09/2021 Phụ lục I) are not confirmed: editable rows marked «cần xác minh».
-- Quyết định 27/2025/QĐ-TTg (Thông tư 15/2025/TT-BTP in force 01/01/2026), years 2025 on: an indicator passes or
-- fails against a level («đạt tỷ lệ hoặc yêu cầu nhất định»), no points. Its mediation indicators are placeholders.
--
-- Schema:
-- * criteria_frameworks.assessment: how the framework judges — 'points' (QĐ 25/2021), 'level' (QĐ 27/2025: pass or
--   fail against a level), 'none' (the plan's own targets, tracked, not scored); total_points / pass_points /
--   criterion_min_share: the pass rule of a points framework (100, 80, 0.5).
-- * criteria_indicators: criterion_no / indicator_no / part place a row in the text (Tiêu chí 3, Chỉ tiêu 1, part a);
--   comparison ('ge' / 'le') is how a level is compared (NULL: the formula's own direction); points_rule gains
--   'level' (đạt / không đạt against target, never points) and 'manual' (points entered per year, formula 'manual').
-- * criteria_criteria: the tiêu chí of a points framework, with the maximum of a tiêu chí the app does not measure
--   (a measured one's maximum is the sum of its indicators').
-- * criteria_manual_points: a year's points entered by the officer: a manual indicator (Chỉ tiêu 3, legal aid) or a
--   whole tiêu chí the app does not measure (indicator_code ''); points NULL or no row = chưa biết.
--
-- An existing file: the seeded QĐ 25/2021 indicators HG1, HG2, KP1, KP2 become 3.1.a, 3.1.b, 3.2.a, 3.2.b (each keeps
-- its id, version chain, target and points); KP3 («danh sách ký nhận kinh phí», a document) is not an indicator of
-- the text but evidence of 3.2.b: its points move to 3.2.b and its evidence kind joins 3.2.b's. Evidence documents are
-- linked to evidence kinds, never to indicator codes, so every uploaded document stays linked. The new rows (Chỉ tiêu
-- 3, the tiêu chí, the QĐ 27/2025 level indicators) come from seeds/reference/, loaded after the migrations
-- (db/seed.load_reference) — the same rows a new file gets.

ALTER TABLE criteria_frameworks ADD COLUMN assessment VARCHAR DEFAULT 'points';
ALTER TABLE criteria_frameworks ADD COLUMN total_points DOUBLE;
ALTER TABLE criteria_frameworks ADD COLUMN pass_points DOUBLE;
ALTER TABLE criteria_frameworks ADD COLUMN criterion_min_share DOUBLE;

ALTER TABLE criteria_indicators ADD COLUMN criterion_no INTEGER;
ALTER TABLE criteria_indicators ADD COLUMN indicator_no INTEGER;
ALTER TABLE criteria_indicators ADD COLUMN part VARCHAR;
ALTER TABLE criteria_indicators ADD COLUMN comparison VARCHAR;

-- No UNIQUE constraints on the two new tables: one row per key is kept by the write path (db/criteria/__init__.py, under the
-- write lock), as elsewhere in this schema (DuckDB checks unique indexes eagerly on UPDATE).
CREATE SEQUENCE seq_criteria_criteria START 1;
CREATE TABLE criteria_criteria (
    id                 INTEGER PRIMARY KEY DEFAULT nextval('seq_criteria_criteria'),
    framework_code     VARCHAR NOT NULL,
    criterion_no       INTEGER NOT NULL,
    name               VARCHAR,
    max_points         DOUBLE,
    needs_verification BOOLEAN NOT NULL DEFAULT TRUE,
    note               VARCHAR,
    version            INTEGER NOT NULL DEFAULT 1
);

CREATE SEQUENCE seq_criteria_manual_points START 1;
CREATE TABLE criteria_manual_points (
    id             INTEGER PRIMARY KEY DEFAULT nextval('seq_criteria_manual_points'),
    year           INTEGER NOT NULL,
    framework_code VARCHAR NOT NULL,
    criterion_no   INTEGER NOT NULL,
    indicator_code VARCHAR NOT NULL DEFAULT '',
    points         DOUBLE,
    note           VARCHAR,
    version        INTEGER NOT NULL DEFAULT 1
);

-- The frameworks as seeds/reference/criteria_frameworks.csv has them now (frameworks are not edited in the app).
UPDATE criteria_frameworks SET assessment = 'points', total_points = 100, pass_points = 80, criterion_min_share = 0.5,
    pass_rule = 'Xã đạt chuẩn khi tổng điểm các tiêu chí từ 80/100 điểm trở lên và mỗi tiêu chí đạt ít nhất 50% số điểm tối đa của tiêu chí đó',
    note = '5 tiêu chí, 20 chỉ tiêu, 100 điểm; áp dụng cho các năm 2021–2024. Hòa giải ở cơ sở là Tiêu chí 3 (Hòa giải ở cơ sở, trợ giúp pháp lý), Chỉ tiêu 1 và Chỉ tiêu 2; Chỉ tiêu 3 là trợ giúp pháp lý. Ứng dụng chỉ tính điểm Chỉ tiêu 1–2 của Tiêu chí 3 từ số liệu; điểm chính thức là điểm do Hội đồng đánh giá thẩm định. Điểm từng chỉ tiêu cần xác minh (TT 09/2021 Phụ lục I)'
WHERE code = 'qd25_2021';
UPDATE criteria_frameworks SET assessment = 'level', total_points = NULL, pass_points = NULL, criterion_min_share = NULL,
    legal_basis = 'Quyết định số 27/2025/QĐ-TTg của Thủ tướng Chính phủ; Thông tư số 15/2025/TT-BTP (hiệu lực từ 01/01/2026)',
    pass_rule = 'Mỗi chỉ tiêu đạt hoặc không đạt theo mức (tỷ lệ hoặc yêu cầu) quy định, không chấm điểm (cần xác minh)',
    note = '3 tiêu chí, 14 chỉ tiêu; áp dụng từ năm 2025 (thay QĐ 25/2021). Thông tư 15/2025/TT-BTP có hiệu lực từ 01/01/2026, nên việc đánh giá năm 2025 (làm đầu năm 2026) cũng theo mức của Thông tư này; quy định chuyển tiếp cần xác minh. Các chỉ tiêu hòa giải ở cơ sở và mức yêu cầu dưới đây là chỗ giữ chỗ, cần xác minh'
WHERE code = 'qd27_2025';
UPDATE criteria_frameworks SET assessment = 'none' WHERE family = 'ke_hoach';

-- The audit trail of the renames below, one row per indicator (before: its code then; after: its code now).
INSERT INTO audit_log (actor, action, table_name, row_id, "before", "after")
SELECT 'nâng cấp 012', 'migrate', 'criteria_indicators', id,
       json_object('framework_code', framework_code, 'code', code, 'max_points', max_points,
                   'evidence_kinds', evidence_kinds),
       json_object('framework_code', framework_code,
                   'code', CASE code WHEN 'HG1' THEN '3.1.a' WHEN 'HG2' THEN '3.1.b' WHEN 'KP1' THEN '3.2.a'
                                     WHEN 'KP2' THEN '3.2.b' ELSE NULL END,
                   'note', CASE code WHEN 'KP3' THEN 'gộp vào 3.2.b (điểm và loại hồ sơ)' END)
FROM criteria_indicators WHERE framework_code = 'qd25_2021' AND code IN ('HG1', 'HG2', 'KP1', 'KP2', 'KP3');

UPDATE criteria_indicators SET code = '3.1.a', criterion_no = 3, indicator_no = 1, part = 'a', sort_order = 1,
    group_name = 'Chỉ tiêu 1. Các mâu thuẫn, tranh chấp, vi phạm pháp luật thuộc phạm vi hòa giải ở cơ sở được hòa giải kịp thời, hiệu quả và đúng quy định',
    wording = 'Số vụ việc hòa giải được tiếp nhận, giải quyết theo đúng quy định về hòa giải ở cơ sở (vụ việc trong phạm vi ghi đủ các cột của Sổ theo dõi hoạt động hòa giải)',
    source = 'QĐ 25/2021/QĐ-TTg, Tiêu chí 3, Chỉ tiêu 1; Kế hoạch của UBND xã năm 2023 mục III.3',
    note = 'Điểm tạm tính, cần xác minh (TT 09/2021 Phụ lục I)'
WHERE framework_code = 'qd25_2021' AND code = 'HG1';
UPDATE criteria_indicators SET code = '3.1.b', criterion_no = 3, indicator_no = 1, part = 'b', sort_order = 2,
    group_name = 'Chỉ tiêu 1. Các mâu thuẫn, tranh chấp, vi phạm pháp luật thuộc phạm vi hòa giải ở cơ sở được hòa giải kịp thời, hiệu quả và đúng quy định',
    wording = 'Số vụ việc hòa giải thành (tỷ lệ hòa giải thành chính thức: thành / (thành + không thành))',
    source = 'QĐ 25/2021/QĐ-TTg, Tiêu chí 3, Chỉ tiêu 1; Kế hoạch của UBND xã năm 2023 mục III.3',
    note = 'Điểm tạm tính, cần xác minh (TT 09/2021 Phụ lục I); ngưỡng 90% tạm đặt theo mục tiêu tối thiểu của Kế hoạch xã năm 2023, cần xác minh',
    -- A legal indicator's threshold is its own row, not the commune plan's target (a year without a plan has none).
    target = CASE WHEN target_key = 'success_rate_min' THEN 0.9 ELSE target END,
    target_key = CASE WHEN target_key = 'success_rate_min' THEN NULL ELSE target_key END
WHERE framework_code = 'qd25_2021' AND code = 'HG2';
UPDATE criteria_indicators SET code = '3.2.a', criterion_no = 3, indicator_no = 2, part = 'a', sort_order = 3,
    group_name = 'Chỉ tiêu 2. Hỗ trợ kinh phí cho hoạt động hòa giải ở cơ sở theo đúng quy định',
    wording = 'Có văn bản và dự toán kinh phí hỗ trợ hoạt động hòa giải ở cơ sở trong dự toán ngân sách xã',
    source = 'QĐ 25/2021/QĐ-TTg, Tiêu chí 3, Chỉ tiêu 2; Kế hoạch của UBND xã năm 2023 mục III.3',
    note = 'Điểm tạm tính, cần xác minh (TT 09/2021 Phụ lục I)'
WHERE framework_code = 'qd25_2021' AND code = 'KP1';
-- 3.2.b takes KP3's points and its evidence kind (the signed list of teams and mediators paid at the rate).
UPDATE criteria_indicators SET code = '3.2.b', criterion_no = 3, indicator_no = 2, part = 'b', sort_order = 4,
    group_name = 'Chỉ tiêu 2. Hỗ trợ kinh phí cho hoạt động hòa giải ở cơ sở theo đúng quy định',
    wording = 'Tổ hòa giải, hòa giải viên được hỗ trợ kinh phí đúng mức chi theo nghị quyết của HĐND tỉnh (Hải Dương: Nghị quyết số 96/2014/NQ-HĐND)',
    source = 'QĐ 25/2021/QĐ-TTg, Tiêu chí 3, Chỉ tiêu 2; Kế hoạch của UBND xã năm 2023 mục III.3',
    note = 'Điểm tạm tính, cần xác minh (TT 09/2021 Phụ lục I)',
    max_points = CASE WHEN max_points IS NULL THEN NULL ELSE max_points + coalesce((
        SELECT max(k.max_points) FROM criteria_indicators k
        WHERE k.framework_code = 'qd25_2021' AND k.code = 'KP3' AND k.points_rule <> 'none'), 0) END,
    evidence_kinds = CASE WHEN coalesce(evidence_kinds, '') LIKE '%danh_sach_ky_nhan%' THEN evidence_kinds
                          ELSE concat_ws(';', nullif(evidence_kinds, ''), 'danh_sach_ky_nhan') END
WHERE framework_code = 'qd25_2021' AND code = 'KP2';
DELETE FROM criteria_indicators WHERE framework_code = 'qd25_2021' AND code = 'KP3';

-- QĐ 27/2025's seeded placeholders become level indicators (pass or fail, no points), unless the officer edited them.
UPDATE criteria_indicators SET points_rule = 'level', comparison = 'ge', max_points = NULL, sort_order = 1,
    group_name = 'Hòa giải ở cơ sở (tiêu chí, chỉ tiêu cần xác minh)',
    wording = 'Vụ việc thuộc phạm vi hòa giải ở cơ sở được tiếp nhận, giải quyết theo đúng quy định (ghi đủ các cột của Sổ theo dõi)',
    source = 'QĐ 27/2025/QĐ-TTg; TT 15/2025/TT-BTP (cần xác minh)',
    note = 'Chỗ giữ chỗ: chỉ tiêu và mức yêu cầu cần xác minh theo TT 15/2025/TT-BTP'
WHERE framework_code = 'qd27_2025' AND code = 'HG1' AND version = 1 AND valid_to IS NULL AND points_rule = 'none';
UPDATE criteria_indicators SET points_rule = 'level', comparison = 'ge', max_points = NULL, sort_order = 2,
    target = 0.8, target_key = NULL,
    group_name = 'Hòa giải ở cơ sở (tiêu chí, chỉ tiêu cần xác minh)',
    wording = 'Tỷ lệ vụ việc hòa giải thành (chính thức) đạt mức yêu cầu',
    source = 'QĐ 27/2025/QĐ-TTg; TT 15/2025/TT-BTP (cần xác minh)',
    note = 'Chỗ giữ chỗ: mức 80% tạm đặt, cần xác minh theo TT 15/2025/TT-BTP'
WHERE framework_code = 'qd27_2025' AND code = 'HG2' AND version = 1 AND valid_to IS NULL AND points_rule = 'none';
