-- 007: going live with a real commune (issue 12).
-- Places have a history: a village (thôn, tổ dân phố) and a team exist from valid_from to valid_to (NULL: since
-- before the records / still today); villages are merged, split and dissolved with an effective date
-- (place_changes), and keep their names for the years they existed, so old reports stay as they were.
-- Imported cases carry a stable key (re-importing a file adds nothing) and may have no concluded date: the MOJ
-- register has no such column (concluded_on_missing; such a case counts as concluded in the year received).

ALTER TABLE communes ADD COLUMN kind VARCHAR DEFAULT 'xa';        -- xa / phuong / dac_khu (after the 2025 reform)
ALTER TABLE villages ADD COLUMN kind VARCHAR DEFAULT 'thon';      -- thon / to_dan_pho
ALTER TABLE villages ADD COLUMN valid_from DATE;
ALTER TABLE villages ADD COLUMN valid_to DATE;
ALTER TABLE villages ADD COLUMN successor_id INTEGER;             -- the village it was merged into
ALTER TABLE teams ADD COLUMN valid_from DATE;
ALTER TABLE teams ADD COLUMN valid_to DATE;
ALTER TABLE teams ADD COLUMN end_decision_no VARCHAR;
ALTER TABLE cases ADD COLUMN import_key VARCHAR;
ALTER TABLE cases ADD COLUMN concluded_on_missing BOOLEAN DEFAULT FALSE;

CREATE SEQUENCE seq_place_changes START 1;
CREATE TABLE place_changes (
    id               INTEGER PRIMARY KEY DEFAULT nextval('seq_place_changes'),
    commune_id       INTEGER NOT NULL,
    kind             VARCHAR NOT NULL CHECK (kind IN ('sap_nhap', 'chia_tach', 'giai_the')),
    effective_on     DATE NOT NULL,
    decision_no      VARCHAR,
    decision_date    DATE,
    from_village_ids INTEGER[] NOT NULL,
    to_village_ids   INTEGER[] NOT NULL,
    note             VARCHAR,
    version          INTEGER NOT NULL DEFAULT 1
);
