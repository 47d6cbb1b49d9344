-- 005: the team quality score model, commendation (khen thưởng) nominations and the practice calendar
-- (DOMAIN.md "Team quality score" and "Commendation candidates"; issue 6).
--
-- Rules are data. The score model lives in four tables of the same shape: a code, one number, and a
-- validity in whole years — valid_from is 1 January of the first year, valid_to 31 December of the last
-- (NULL: no end). The model of a year is the set of rows valid at 31/12 of that year
-- (db/scores/scores.sql score_setting_year), so a past year's score is always computed with the rules
-- of that year. Editing the model for a year never changes an earlier year: db/scores.save_model closes
-- the row in force at 31/12 of the year before and adds a new row from that year on.
-- Labels and units of every code are in db/core/labels.py; the defaults in seeds/reference/.

CREATE SEQUENCE seq_score_components START 1;
CREATE SEQUENCE seq_score_params START 1;
CREATE SEQUENCE seq_score_bands START 1;
CREATE SEQUENCE seq_candidate_rules START 1;
CREATE SEQUENCE seq_self_assessments START 1;
CREATE SEQUENCE seq_nominations START 1;

-- Components of the score and their weights (points out of 100; the weights of a year sum to 100,
-- checked by the write path): ket_qua, kip_thoi, kien_toan, tap_huan, ho_so, an_ninh.
CREATE TABLE score_components (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_score_components'),
    code        VARCHAR NOT NULL,
    weight      DOUBLE NOT NULL CHECK (weight >= 0 AND weight <= 100),
    valid_from  DATE NOT NULL,
    valid_to    DATE,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (code, valid_from)
);

-- Thresholds inside the components: the official-rate range of Kết quả (shares), the days of Kịp thời,
-- the incidents that still earn part of An ninh trật tự and that part (a share of its weight).
CREATE TABLE score_params (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_score_params'),
    code        VARCHAR NOT NULL,
    value       DOUBLE NOT NULL,
    valid_from  DATE NOT NULL,
    valid_to    DATE,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (code, valid_from)
);

-- Bands (xếp loại): the lowest score of each band: tot, kha, trung_binh, yeu (0).
CREATE TABLE score_bands (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_score_bands'),
    code        VARCHAR NOT NULL,
    min_score   DOUBLE NOT NULL CHECK (min_score >= 0 AND min_score <= 100),
    valid_from  DATE NOT NULL,
    valid_to    DATE,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (code, valid_from)
);

-- Thresholds of the commendation candidate rules (team_* and mediator_*).
CREATE TABLE candidate_rules (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_candidate_rules'),
    code        VARCHAR NOT NULL,
    value       DOUBLE NOT NULL,
    valid_from  DATE NOT NULL,
    valid_to    DATE,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (code, valid_from)
);

-- The recognition calendar used in practice (DOMAIN.md "Commendation"): each step's deadline in the year.
-- A step done on its deadline day is on time.
CREATE TABLE commendation_calendar (
    code        VARCHAR PRIMARY KEY,      -- tu_danh_gia, de_nghi, quyet_dinh
    month       INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    day         INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
    sort_order  INTEGER NOT NULL
);

-- A team's self-assessment (tự đánh giá) for the year: the day the commune received it, and the team's
-- own score if it gave one (compared with the computed score, never replacing it).
CREATE TABLE self_assessments (
    id            INTEGER PRIMARY KEY DEFAULT nextval('seq_self_assessments'),
    team_id       INTEGER NOT NULL,
    year          INTEGER NOT NULL,
    submitted_on  DATE NOT NULL,
    self_score    DOUBLE CHECK (self_score >= 0 AND self_score <= 100),
    note          VARCHAR,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (team_id, year)
);

-- Đề nghị khen thưởng: a team (mediator_id NULL) or a mediator (team_id = their team) for a year.
-- award_level: giay_khen_xa (Giấy khen của Chủ tịch UBND xã) or de_nghi_cap_tren (checked by the write
-- path). was_candidate: met every candidate rule when nominated; otherwise a reason is required.
-- status: de_nghi → da_duyet or khong_duyet (decided once, with the date).
CREATE TABLE nominations (
    id             INTEGER PRIMARY KEY DEFAULT nextval('seq_nominations'),
    year           INTEGER NOT NULL,
    team_id        INTEGER NOT NULL,
    mediator_id    INTEGER,
    award_level    VARCHAR NOT NULL,
    was_candidate  BOOLEAN NOT NULL DEFAULT FALSE,
    reason         VARCHAR,
    nominated_on   DATE NOT NULL,
    status         VARCHAR NOT NULL DEFAULT 'de_nghi' CHECK (status IN ('de_nghi', 'da_duyet', 'khong_duyet')),
    decided_on     DATE,
    decision_no    VARCHAR,
    decision_note  VARCHAR,
    created_at     TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    version        INTEGER NOT NULL DEFAULT 1
);
