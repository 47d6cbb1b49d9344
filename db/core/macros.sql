-- fold(s): accent-free lower-case text for search ("Đông Hòa" → "dong hoa"); đ → d explicitly,
-- because Unicode does not decompose đ. Mirrors db/core/text.py fold().
CREATE OR REPLACE MACRO fold(s) AS strip_accents(lower(replace(replace(s, 'Đ', 'd'), 'đ', 'd')));

-- ratio(n, d): n / d, NULL when there is nothing to divide (a rate with no cases is "không áp dụng").
CREATE OR REPLACE MACRO ratio(n, d) AS CASE WHEN d > 0 THEN n::DOUBLE / d END;

-- initials(name): a person's name as initials for presentation mode ("Nguyễn Văn An" → "N.V.A.").
CREATE OR REPLACE MACRO initials(name) AS
    array_to_string(list_transform(string_split(trim(name), ' '), lambda w: left(w, 1) || '.'), '');

-- exists_in(valid_from, valid_to, y): a village or team existed in year y — it had started by 31/12 and not
-- ended before 1/1 (NULL: no limit on that side). Places count only in the years they existed (DOMAIN.md, «Time»).
CREATE OR REPLACE MACRO exists_in(valid_from, valid_to, y) AS
    coalesce(valid_from, DATE '1900-01-01') <= make_date(y, 12, 31)
    AND coalesce(valid_to, DATE '9999-12-31') >= make_date(y, 1, 1);

-- in_place(village_id, v, c, p): the village is in the place asked for (db/core/scope.py): village v, commune c, province
-- p — each NULL when not chosen (NULL, NULL, NULL: the whole file). A province or a commune is the set of its villages.
CREATE OR REPLACE MACRO in_place(vid, v, c, p) AS
    (v IS NULL OR vid = v)
    AND (c IS NULL OR vid IN (SELECT pv.id FROM villages pv WHERE pv.commune_id = c))
    AND (p IS NULL OR vid IN (SELECT pv.id FROM villages pv JOIN communes pc ON pc.id = pv.commune_id
                              WHERE pc.province = p));
