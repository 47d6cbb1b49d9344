-- fold(s): accent-free lower-case text for search ("Đông Hòa" → "dong hoa"); đ → d explicitly,
-- because Unicode does not decompose đ. Mirrors db/text.py fold().
CREATE OR REPLACE MACRO fold(s) AS strip_accents(lower(replace(replace(s, 'Đ', 'd'), 'đ', 'd')));

-- ratio(n, d): n / d, NULL when there is nothing to divide (a rate with no cases is "không áp dụng").
CREATE OR REPLACE MACRO ratio(n, d) AS CASE WHEN d > 0 THEN n::DOUBLE / d END;

-- initials(name): a person's name as initials for presentation mode ("Nguyễn Văn An" → "N.V.A.").
CREATE OR REPLACE MACRO initials(name) AS
    array_to_string(list_transform(string_split(trim(name), ' '), lambda w: left(w, 1) || '.'), '');
