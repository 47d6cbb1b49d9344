-- village_results: case counts and the two success rates per village and reporting year.
-- Rules (DOMAIN.md, "Definitions"):
--   received      = every case counted in the year (received that year + carried over), all results;
--   in_scope      = received minus ngoài phạm vi (out-of-scope requests are referred and excluded
--                   from the rates);
--   official_rate = Tỷ lệ hòa giải thành (chính thức) = thành / (thành + không thành);
--   received_rate = thành / số vụ việc tiếp nhận trong phạm vi (in_scope), shown beside it, labelled.
-- Villages with no case in the year still get a row (zeros, rates NULL) — in the years the village existed only.
CREATE OR REPLACE VIEW village_results AS
WITH years AS (SELECT year FROM report_years)
SELECT
    v.id AS village_id,
    v.commune_id,
    y.year,
    count(cy.case_id) AS received,
    count(cy.case_id) FILTER (WHERE cy.carried_over) AS carried_over,
    count(cy.case_id) FILTER (WHERE cy.result_in_year <> 'ngoai_pham_vi') AS in_scope,
    count(cy.case_id) FILTER (WHERE cy.result_in_year = 'thanh') AS thanh,
    count(cy.case_id) FILTER (WHERE cy.result_in_year = 'khong_thanh') AS khong_thanh,
    count(cy.case_id) FILTER (WHERE cy.result_in_year = 'dang_hoa_giai') AS dang_hoa_giai,
    count(cy.case_id) FILTER (WHERE cy.result_in_year = 'ngoai_pham_vi') AS ngoai_pham_vi,
    count(cy.case_id) FILTER (WHERE cy.security_incident) AS security_incidents,
    ratio(count(cy.case_id) FILTER (WHERE cy.result_in_year = 'thanh'),
          count(cy.case_id) FILTER (WHERE cy.result_in_year IN ('thanh', 'khong_thanh'))) AS official_rate,
    ratio(count(cy.case_id) FILTER (WHERE cy.result_in_year = 'thanh'),
          count(cy.case_id) FILTER (WHERE cy.result_in_year <> 'ngoai_pham_vi')) AS received_rate
FROM villages v
CROSS JOIN years y
LEFT JOIN case_year cy ON cy.village_id = v.id AND cy.year = y.year
WHERE exists_in(v.valid_from, v.valid_to, y.year)
GROUP BY ALL;
