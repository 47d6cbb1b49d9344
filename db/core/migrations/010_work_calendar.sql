-- 010: the working days of Vietnam (issue 14, item 9), for the legal deadlines counted in working days (a fee
-- request is paid within 5 working days). Filled by db/core/workdays.py from the `holidays` library: Monday to Friday,
-- minus public holidays (Tết by the lunar calendar, 30/4, 1/5, 2/9…) and the days off the Government moves, plus the
-- Saturdays it makes working days. seq counts the working days up to and including `day`, so the n-th working day
-- after d is the working day whose seq is seq(d) + n (db/funding/funding.sql, add_working_days).
CREATE TABLE work_calendar (
    day     DATE PRIMARY KEY,
    working BOOLEAN NOT NULL,
    holiday VARCHAR,
    seq     INTEGER NOT NULL
);
CREATE TABLE work_calendar_source (
    library VARCHAR NOT NULL,   -- «holidays 0.109»: refilled when the library is updated (new moved days off)
    filled_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);
