-- 008: trust (issue 13): the app's own accounts and roles, commune settings, and the period lock.
-- No UNIQUE index on login: DuckDB refuses to update rows of a table with an index in some cases (see 001); the
-- write path checks uniqueness under its write lock (db/core/writes.py) instead.

CREATE SEQUENCE seq_users START 1;
CREATE TABLE users (
    id              INTEGER PRIMARY KEY DEFAULT nextval('seq_users'),
    login           VARCHAR NOT NULL,
    full_name       VARCHAR,
    role            VARCHAR NOT NULL CHECK (role IN ('can_bo_tu_phap', 'lanh_dao', 'to_truong', 'trinh_chieu')),
    village_id      INTEGER,                       -- tổ trưởng / trưởng thôn: their village
    is_admin        BOOLEAN NOT NULL DEFAULT FALSE, -- manages accounts, backups and restore
    password_hash   VARCHAR NOT NULL,              -- Argon2id (argon2-cffi), never the password
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP,
    last_login      TIMESTAMP,
    created_at      TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    version         INTEGER NOT NULL DEFAULT 1
);

-- Commune settings as rows (rules are data): e.g. whether a tổ trưởng may enter cases of their team.
CREATE TABLE settings (
    key     VARCHAR PRIMARY KEY,
    value   VARCHAR NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

-- Khóa số liệu: once a year's report is sent, its figures stop changing; unlocking is its own logged act.
CREATE SEQUENCE seq_period_locks START 1;
CREATE TABLE period_locks (
    id            INTEGER PRIMARY KEY DEFAULT nextval('seq_period_locks'),
    year          INTEGER NOT NULL,
    locked_at     TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    locked_by     VARCHAR NOT NULL,
    reason        VARCHAR,
    unlocked_at   TIMESTAMP,
    unlocked_by   VARCHAR,
    unlock_reason VARCHAR,
    version       INTEGER NOT NULL DEFAULT 1
);
