"""The core every domain builds on: the connection and schema (connection, migrations/), the one write path
(writes: validation, transaction, audit log; locks: closed years; audit: reading the log), text and labels, the
place a figure is asked for (scope), the working-day calendar (workdays) and the SQL macros every figure uses
(macros.sql)."""
