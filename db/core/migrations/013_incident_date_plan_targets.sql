-- 013: the date of a security incident (issue 14, item 2). A case flagged «phức tạp, gây mất an ninh trật tự» is
-- one incident, counted once in the year it happened (DOMAIN.md «Time»), not again in every year an open case is
-- carried over. The write path defaults the date to the date received; cases flagged before this migration get it.
ALTER TABLE cases ADD COLUMN incident_on DATE;
UPDATE cases SET incident_on = received_on WHERE security_incident AND incident_on IS NULL;

-- Targets belong to a plan (issue 14, item 6). The commune plan's targets (tỷ lệ hòa giải thành 90–95 %, 100 %
-- tập huấn, no security incident…) were reference rows valid from 2023 onwards, so 2021 and 2022 were judged
-- against the 2023 plan and every later year too. They become the targets of the plan of their year where the file
-- holds that plan, and go where it does not (they were the demo commune's 2023 plan, not this commune's). plan_targets
-- keeps the thresholds set by law or a model (team composition, «Tổ hòa giải 5 tốt»), in force by their dates.
CREATE SEQUENCE seq_plan_goals START 1;
CREATE TABLE plan_goals (
    id      INTEGER PRIMARY KEY DEFAULT nextval('seq_plan_goals'),
    plan_id INTEGER NOT NULL,
    key     VARCHAR NOT NULL,
    value   DOUBLE NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (plan_id, key)
);
INSERT INTO plan_goals (plan_id, key, value)
SELECT p.id, t.key, t.value
FROM plan_targets t JOIN plans p ON p.year = year(t.valid_from)
WHERE t.key IN ('success_rate_min', 'success_rate_max', 'history_rate_min', 'history_rate_max', 'trained_share',
                'security_incidents_max');
DELETE FROM plan_targets
WHERE key IN ('success_rate_min', 'success_rate_max', 'history_rate_min', 'history_rate_max', 'trained_share',
              'security_incidents_max');
