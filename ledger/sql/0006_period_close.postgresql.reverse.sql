-- Reverses 0006_period_close.postgresql.sql. Never edit once shipped.
DROP TRIGGER IF EXISTS ledger_periodclose_guard ON ledger_periodclose
---
DROP FUNCTION IF EXISTS ledger_periodclose_guard()
---
DROP TRIGGER IF EXISTS ledger_period_closed_guard ON ledger_journalentry
---
DROP FUNCTION IF EXISTS ledger_period_closed_guard()
