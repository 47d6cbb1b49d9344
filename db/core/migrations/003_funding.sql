-- 003: funding (DOMAIN.md "Fees"): dated rates with their legal basis, the yearly budget line,
-- fee requests and team support payments with the cases they pay. Money is BIGINT đồng.

CREATE SEQUENCE seq_rates START 1;
CREATE SEQUENCE seq_budgets START 1;
CREATE SEQUENCE seq_payments START 1;

-- A rate applies to payments dated within [valid_from, valid_to]; one kind never overlaps itself
-- (checked by the write path). needs_verification marks defaults not confirmed in an official text.
CREATE TABLE rates (
    id                 INTEGER PRIMARY KEY DEFAULT nextval('seq_rates'),
    kind               VARCHAR NOT NULL,   -- thu_lao (per concluded case per team), ho_tro (per team), ...
    amount             BIGINT NOT NULL,
    unit               VARCHAR NOT NULL,   -- vu_viec, to_thang, to_nam, nguoi_buoi, ...
    legal_basis        VARCHAR,            -- số văn bản
    legal_basis_date   DATE,
    issuer             VARCHAR,            -- cơ quan ban hành
    valid_from         DATE NOT NULL,
    valid_to           DATE,
    needs_verification BOOLEAN NOT NULL DEFAULT FALSE,
    note               VARCHAR,
    version            INTEGER NOT NULL DEFAULT 1
);

-- The commune's budget line for mediation, one per year.
CREATE TABLE budgets (
    id                INTEGER PRIMARY KEY DEFAULT nextval('seq_budgets'),
    year              INTEGER NOT NULL UNIQUE,
    amount            BIGINT NOT NULL,
    document_no       VARCHAR,
    document_date     DATE,
    in_commune_budget BOOLEAN NOT NULL DEFAULT TRUE,
    note              VARCHAR,
    version           INTEGER NOT NULL DEFAULT 1
);

-- A payment to a team: a fee request (thu_lao, with its cases) or team support (ho_tro, for a period of
-- whole months within one year). status: de_nghi → da_duyet → da_chi, or huy (cancelled from de_nghi or
-- da_duyet: its cases become payable again). year = the budget year it is charged to: year(requested_on)
-- for a fee request, the period's year for support. computed_amount = the rate valid on the payment's
-- date × its units, as computed when filed; amount may only be lower, with reduction_reason.
CREATE TABLE payments (
    id               INTEGER PRIMARY KEY DEFAULT nextval('seq_payments'),
    kind             VARCHAR NOT NULL,
    team_id          INTEGER NOT NULL,
    year             INTEGER NOT NULL,
    period_from      DATE,
    period_to        DATE,
    requested_on     DATE NOT NULL,
    rate_id          INTEGER,
    computed_amount  BIGINT NOT NULL,
    amount           BIGINT NOT NULL,
    reduction_reason VARCHAR,
    status           VARCHAR NOT NULL DEFAULT 'de_nghi',
    approved_on      DATE,
    paid_on          DATE,
    cancelled_on     DATE,
    cancel_reason    VARCHAR,
    note             VARCHAR,
    created_at       TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    version          INTEGER NOT NULL DEFAULT 1
);

-- The cases a fee request pays (the list attached to the giấy đề nghị thanh toán). A case is in at most
-- one payment that is not cancelled (checked by the write path; DuckDB has no partial unique index).
CREATE TABLE payment_cases (
    payment_id INTEGER NOT NULL,
    case_id    INTEGER NOT NULL,
    PRIMARY KEY (payment_id, case_id)
);
