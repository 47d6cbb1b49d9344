-- 014: many communes in one file (issue 15, item 2). A province (Sở Tư pháp) or a roll-up file holds many communes,
-- so every commune-level fact carries its commune: the budget line and the plan are one per commune and year (no
-- longer one per year of the file), a training is the commune's, a piece of evidence without a village is its
-- commune's, points entered by hand are the commune's. Files of one commune (every file before this migration)
-- give their rows that commune. The write path fills commune_id on every new row (db/places.only_commune when the
-- file has one commune). No foreign keys, as elsewhere (DECISIONS.md).

-- budgets and plans: UNIQUE (year) becomes UNIQUE (commune_id, year); DuckDB cannot drop a constraint, so the table
-- is rebuilt with the same ids (the sequences go on from where they are).
CREATE TABLE budgets_014 (
    id                INTEGER PRIMARY KEY DEFAULT nextval('seq_budgets'),
    commune_id        INTEGER NOT NULL,
    year              INTEGER NOT NULL,
    amount            BIGINT NOT NULL,
    document_no       VARCHAR,
    document_date     DATE,
    in_commune_budget BOOLEAN NOT NULL DEFAULT TRUE,
    note              VARCHAR,
    version           INTEGER NOT NULL DEFAULT 1,
    UNIQUE (commune_id, year)
);
INSERT INTO budgets_014 (id, commune_id, year, amount, document_no, document_date, in_commune_budget, note, version)
SELECT id, (SELECT min(id) FROM communes), year, amount, document_no, document_date, in_commune_budget, note, version
FROM budgets;
DROP TABLE budgets;
ALTER TABLE budgets_014 RENAME TO budgets;

CREATE TABLE plans_014 (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_plans'),
    commune_id  INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    number      VARCHAR,            -- số văn bản, e.g. 38/KH-UBND
    title       VARCHAR NOT NULL,
    issued_on   DATE,               -- ngày ban hành
    signer      VARCHAR,            -- người ký
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (commune_id, year)
);
INSERT INTO plans_014 (id, commune_id, year, number, title, issued_on, signer, version)
SELECT id, (SELECT min(id) FROM communes), year, number, title, issued_on, signer, version FROM plans;
DROP TABLE plans;
ALTER TABLE plans_014 RENAME TO plans;

ALTER TABLE trainings ADD COLUMN commune_id INTEGER;
UPDATE trainings SET commune_id = (SELECT min(id) FROM communes);
ALTER TABLE evidence_documents ADD COLUMN commune_id INTEGER;
UPDATE evidence_documents SET commune_id = coalesce(
    (SELECT v.commune_id FROM villages v WHERE v.id = evidence_documents.village_id), (SELECT min(id) FROM communes));
ALTER TABLE criteria_manual_points ADD COLUMN commune_id INTEGER;
UPDATE criteria_manual_points SET commune_id = (SELECT min(id) FROM communes);
