-- 001: the core register of CONTRACT.md, the place hierarchy as data, lookups and the audit log.
-- Text is stored NFC-normalised (the write path does it); dates are DATE; money is BIGINT đồng.
-- No FOREIGN KEY clauses: DuckDB turns an update of a referenced row's indexed columns into
-- delete + insert and refuses it while child rows exist, even children deleted in the same
-- transaction. The write path (db/core/writes.py and the entity modules) checks every reference instead,
-- and tests/test_db.py checks that the demo data has no orphans.

CREATE SEQUENCE seq_communes START 1;
CREATE SEQUENCE seq_villages START 1;
CREATE SEQUENCE seq_teams START 1;
CREATE SEQUENCE seq_mediators START 1;
CREATE SEQUENCE seq_cases START 1;
CREATE SEQUENCE seq_case_parties START 1;
CREATE SEQUENCE seq_trainings START 1;
CREATE SEQUENCE seq_audit_log START 1;

-- Place hierarchy: province → (district, abolished in 2025, so optional) → commune → village.
CREATE TABLE communes (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_communes'),
    name        VARCHAR NOT NULL,
    district    VARCHAR,
    province    VARCHAR NOT NULL,
    -- Fictional demo data (seeds/demo): the app says so on every page.
    is_demo     BOOLEAN NOT NULL DEFAULT FALSE,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE villages (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_villages'),
    commune_id  INTEGER NOT NULL,
    name        VARCHAR NOT NULL,
    -- Art. 12: where many residents are ethnic minorities, a team also needs an ethnic-minority mediator.
    ethnic_area BOOLEAN NOT NULL DEFAULT FALSE,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE teams (
    id            INTEGER PRIMARY KEY DEFAULT nextval('seq_teams'),
    village_id    INTEGER NOT NULL,
    name          VARCHAR NOT NULL,
    decision_no   VARCHAR,
    decision_date DATE,
    version       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE mediators (
    id              INTEGER PRIMARY KEY DEFAULT nextval('seq_mediators'),
    team_id         INTEGER NOT NULL,
    full_name       VARCHAR NOT NULL,
    gender          VARCHAR NOT NULL CHECK (gender IN ('nam', 'nu')),
    birth_year      INTEGER,
    ethnic_minority BOOLEAN NOT NULL DEFAULT FALSE,
    is_leader       BOOLEAN NOT NULL DEFAULT FALSE,
    joined_on       DATE,
    left_on         DATE,
    phone           VARCHAR,
    organisation    VARCHAR,
    version         INTEGER NOT NULL DEFAULT 1
);

-- The three national statistics categories (MOJ) and the commune's finer categories rolling up to them.
CREATE TABLE national_categories (
    code        VARCHAR PRIMARY KEY,
    label       VARCHAR NOT NULL,
    sort_order  INTEGER NOT NULL
);

CREATE TABLE case_categories (
    code          VARCHAR PRIMARY KEY,
    label         VARCHAR NOT NULL,
    national_code VARCHAR NOT NULL,
    sort_order    INTEGER NOT NULL
);

-- Grounds to start a mediation (Luật HGCS Art. 16).
CREATE TABLE case_grounds (
    code        VARCHAR PRIMARY KEY,
    label       VARCHAR NOT NULL,
    sort_order  INTEGER NOT NULL
);

CREATE TABLE cases (
    id                INTEGER PRIMARY KEY DEFAULT nextval('seq_cases'),
    team_id           INTEGER NOT NULL,
    received_on       DATE NOT NULL,
    grounds           VARCHAR,
    category          VARCHAR NOT NULL,
    summary           VARCHAR NOT NULL,
    assigned_on       DATE,
    result            VARCHAR NOT NULL
                      CHECK (result IN ('dang_hoa_giai', 'thanh', 'khong_thanh', 'ngoai_pham_vi')),
    concluded_on      DATE,
    agreement         VARCHAR,
    written_record    BOOLEAN NOT NULL DEFAULT FALSE,
    security_incident BOOLEAN NOT NULL DEFAULT FALSE,
    note              VARCHAR,
    deleted_at        TIMESTAMP,
    created_at        TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at        TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    version           INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE case_parties (
    id         INTEGER PRIMARY KEY DEFAULT nextval('seq_case_parties'),
    case_id    INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    full_name  VARCHAR NOT NULL,
    age        INTEGER CHECK (age BETWEEN 0 AND 120),
    address    VARCHAR
);

CREATE TABLE case_mediators (
    case_id     INTEGER NOT NULL,
    mediator_id INTEGER NOT NULL,
    PRIMARY KEY (case_id, mediator_id)
);

CREATE TABLE trainings (
    id         INTEGER PRIMARY KEY DEFAULT nextval('seq_trainings'),
    held_on    DATE NOT NULL,
    title      VARCHAR NOT NULL,
    organiser  VARCHAR,
    hours      DECIMAL(5, 1),
    place      VARCHAR,
    version    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE training_attendance (
    training_id INTEGER NOT NULL,
    mediator_id INTEGER NOT NULL,
    PRIMARY KEY (training_id, mediator_id)
);

-- Targets of the plan, as dated rows (rules are data; see DOMAIN.md "The plan's targets").
CREATE TABLE plan_targets (
    key         VARCHAR NOT NULL,
    value       DOUBLE NOT NULL,
    valid_from  DATE NOT NULL,
    valid_to    DATE,
    label       VARCHAR NOT NULL,
    source      VARCHAR,
    PRIMARY KEY (key, valid_from)
);

CREATE TABLE audit_log (
    id          BIGINT PRIMARY KEY DEFAULT nextval('seq_audit_log'),
    "at"        TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    actor       VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    table_name  VARCHAR NOT NULL,
    row_id      BIGINT,
    "before"    JSON,
    "after"     JSON
);
