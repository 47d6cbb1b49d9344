-- 006: the commune's yearly plan (kế hoạch) as a tracker (issue 7): the plan's header, its tasks
-- (the contents of section II and the responsibilities of section III, each with its lead — chủ trì —
-- and coordinating units — phối hợp —, a deadline and a status) and dated progress notes.
-- Overdue is computed (db/plan/__init__.py TASKS_SQL), never stored. Statuses are checked here and by the write path.

CREATE SEQUENCE seq_plans START 1;
CREATE SEQUENCE seq_plan_tasks START 1;
CREATE SEQUENCE seq_task_notes START 1;

-- One plan per year. A plan copied forward has no number, date or signer until it is issued.
CREATE TABLE plans (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_plans'),
    year        INTEGER NOT NULL UNIQUE,
    number      VARCHAR,            -- số văn bản, e.g. 38/KH-UBND
    title       VARCHAR NOT NULL,
    issued_on   DATE,               -- ngày ban hành
    signer      VARCHAR,            -- người ký
    version     INTEGER NOT NULL DEFAULT 1
);

-- code: the plan's own numbering ("II.1", "III.1.2"); sort_order keeps the plan's order (text order
-- would put III.1.10 before III.1.2). title: a short name for the table; content: the plan's wording.
-- completion_note: the result when the task is done (kết quả thực hiện); evidence_ref: the document that
-- proves it (số văn bản), free text until evidence documents can be linked.
CREATE TABLE plan_tasks (
    id              INTEGER PRIMARY KEY DEFAULT nextval('seq_plan_tasks'),
    plan_id         INTEGER NOT NULL,
    code            VARCHAR NOT NULL,
    sort_order      INTEGER NOT NULL,
    title           VARCHAR,
    content         VARCHAR NOT NULL,
    lead            VARCHAR,            -- chủ trì
    partners        VARCHAR,            -- phối hợp
    deadline        DATE NOT NULL,
    status          VARCHAR NOT NULL DEFAULT 'chua_bat_dau'
                    CHECK (status IN ('chua_bat_dau', 'dang_thuc_hien', 'hoan_thanh', 'tam_dung')),
    completion_note VARCHAR,
    evidence_ref    VARCHAR,
    version         INTEGER NOT NULL DEFAULT 1,
    UNIQUE (plan_id, code)
);

-- Progress notes: appended, never edited (the history of a task is what the meeting reads).
CREATE TABLE task_notes (
    id         INTEGER PRIMARY KEY DEFAULT nextval('seq_task_notes'),
    task_id    INTEGER NOT NULL,
    noted_on   DATE NOT NULL,
    note       VARCHAR NOT NULL,
    actor      VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);
