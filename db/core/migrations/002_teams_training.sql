-- 002: the team register, mediators' leaving (Luật HGCS Art. 11), training details, annual team review.

-- Leaving: one of the three grounds of Art. 11 (tu_nguyen, khong_dat_tieu_chuan, vi_pham; checked
-- by the write path: DuckDB cannot add a column with a CHECK) and the chairman's decision number.
-- The row is kept: a mediator's history is never deleted.
ALTER TABLE mediators ADD COLUMN leave_reason VARCHAR;
ALTER TABLE mediators ADD COLUMN leave_decision_no VARCHAR;
-- The person's standing in the village (e.g. "Bí thư chi bộ", "Trưởng ban công tác Mặt trận").
ALTER TABLE mediators ADD COLUMN role VARCHAR;

-- Training: coordinating units, and whether the session is only planned (ke_hoach) or held (da_to_chuc).
ALTER TABLE trainings ADD COLUMN cooperating VARCHAR;
ALTER TABLE trainings ADD COLUMN status VARCHAR NOT NULL DEFAULT 'da_to_chuc';

CREATE SEQUENCE seq_team_reviews START 1;

-- Annual review of each team (rà soát, đánh giá): the officer's assessment and proposals.
-- Data-driven flags are computed (db/teams/teams.sql), never stored here.
CREATE TABLE team_reviews (
    id                 INTEGER PRIMARY KEY DEFAULT nextval('seq_team_reviews'),
    team_id            INTEGER NOT NULL,
    year               INTEGER NOT NULL,
    assessment         VARCHAR,
    propose_add        BOOLEAN NOT NULL DEFAULT FALSE,   -- bổ sung hòa giải viên
    propose_replace    BOOLEAN NOT NULL DEFAULT FALSE,   -- thay thế hòa giải viên
    propose_leader     BOOLEAN NOT NULL DEFAULT FALSE,   -- kiện toàn tổ trưởng
    proposal_note      VARCHAR,
    status             VARCHAR NOT NULL DEFAULT 'chua_ra_soat'
                       CHECK (status IN ('chua_ra_soat', 'dang_ra_soat', 'da_ra_soat', 'da_kien_toan')),
    version            INTEGER NOT NULL DEFAULT 1,
    UNIQUE (team_id, year)
);
