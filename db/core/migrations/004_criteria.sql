-- 004: the legal-access standard's mediation criteria (chuẩn tiếp cận pháp luật) as versioned configuration,
-- and the evidence documents (tài liệu kiểm chứng) with their files. DOMAIN.md "Legal-access standard"; issue 5.
--
-- Rules are data: frameworks, indicators, targets, points and required evidence are rows seeded from
-- seeds/reference/ and edited on the Tiêu chí page. The formulas themselves are a fixed set implemented in
-- db/criteria/criteria.sql (criteria_formula); an indicator only names one.
--
-- "Changing a framework never rewrites past years' results": an indicator is a chain of dated versions
-- (code, valid_from, valid_to) and a year is measured with the version in force at 31/12 of that year.
-- Editing never overwrites a version a finished year uses: db/criteria/__init__.py closes it at 31/12 of the year
-- before the edit takes effect and inserts a new version, and an edit may only take effect from the current
-- year on. So the rules of a past year stay as they were; only its data can still change its figures.

CREATE SEQUENCE seq_criteria_frameworks START 1;
CREATE SEQUENCE seq_criteria_indicators START 1;
CREATE SEQUENCE seq_evidence_documents START 1;

-- A framework: one legal text (or the commune's own plan) with its validity. family groups frameworks that
-- replace each other (chuan_tiep_can: QĐ 25/2021 then QĐ 27/2025; ke_hoach: the commune's plan targets);
-- within a family at most one framework is in force on a day (checked by the seed and db/criteria/__init__.py).
CREATE TABLE criteria_frameworks (
    id                 INTEGER PRIMARY KEY DEFAULT nextval('seq_criteria_frameworks'),
    code               VARCHAR NOT NULL UNIQUE,
    family             VARCHAR NOT NULL,
    name               VARCHAR NOT NULL,
    short_name         VARCHAR NOT NULL,
    legal_basis        VARCHAR,
    valid_from         DATE NOT NULL,
    valid_to           DATE,
    pass_rule          VARCHAR,            -- how the whole standard is passed, in words (not computed here)
    needs_verification BOOLEAN NOT NULL DEFAULT FALSE,
    note               VARCHAR,
    sort_order         INTEGER NOT NULL DEFAULT 0,
    version            INTEGER NOT NULL DEFAULT 1
);

-- Kinds of evidence document. per_village: each village's team keeps its own (Sổ theo dõi, Báo cáo của Tổ
-- trưởng): the whole commune has it when every village has one or one document covers the whole commune.
CREATE TABLE evidence_kinds (
    code        VARCHAR PRIMARY KEY,
    label       VARCHAR NOT NULL,
    per_village BOOLEAN NOT NULL DEFAULT FALSE,
    sort_order  INTEGER NOT NULL,
    note        VARCHAR
);

-- One version of an indicator. kind follows the formula (ratio, count, yes_no, document). The target is
-- target_key's value in plan_targets for the year when target_key is set (one source for the plan's
-- targets), else target (ratios as fractions: 0.9 = 90%). points_rule: all_or_nothing (max_points when met),
-- proportional (max_points × value / target, at most max_points), none (not scored).
-- evidence_kinds: the codes of evidence_kinds this indicator needs, separated by ';'.
CREATE TABLE criteria_indicators (
    id                 INTEGER PRIMARY KEY DEFAULT nextval('seq_criteria_indicators'),
    framework_code     VARCHAR NOT NULL,
    code               VARCHAR NOT NULL,
    sort_order         INTEGER NOT NULL DEFAULT 0,
    group_name         VARCHAR,
    wording            VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,
    formula            VARCHAR NOT NULL,
    target             DOUBLE,
    target_key         VARCHAR,
    max_points         DOUBLE,
    points_rule        VARCHAR NOT NULL DEFAULT 'none',
    evidence_kinds     VARCHAR,
    needs_verification BOOLEAN NOT NULL DEFAULT FALSE,
    source             VARCHAR,
    note               VARCHAR,
    valid_from         DATE NOT NULL,
    valid_to           DATE,
    version            INTEGER NOT NULL DEFAULT 1
);

-- An evidence document of a year, for one village or (village_id NULL) the whole commune. The file is
-- required; its bytes live in evidence_files, addressed by their sha256, so backup/restore of the database
-- file carries them, a replaced file stays reachable from the audit log, and the same bytes are stored once.
-- file_type is what the content is (checked by its first bytes, never by the name): pdf, png, jpeg, doc,
-- xls, docx, xlsx. deleted_at: removed from the year's evidence (kept for the audit trail).
CREATE TABLE evidence_documents (
    id           INTEGER PRIMARY KEY DEFAULT nextval('seq_evidence_documents'),
    year         INTEGER NOT NULL,
    village_id   INTEGER,
    kind         VARCHAR NOT NULL,
    doc_no       VARCHAR,
    doc_date     DATE,
    note         VARCHAR,
    file_name    VARCHAR NOT NULL,
    file_type    VARCHAR NOT NULL,
    mime_type    VARCHAR NOT NULL,
    size_bytes   BIGINT NOT NULL,
    sha256       VARCHAR NOT NULL,
    uploaded_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    uploaded_by  VARCHAR,
    deleted_at   TIMESTAMP,
    version      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE evidence_files (
    sha256     VARCHAR PRIMARY KEY,
    content    BLOB NOT NULL,
    size_bytes BIGINT NOT NULL
);
