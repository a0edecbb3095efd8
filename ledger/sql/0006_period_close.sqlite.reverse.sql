-- Reverses 0006_period_close.sqlite.sql. Never edit once shipped.
DROP TRIGGER IF EXISTS ledger_periodclose_no_delete
---
DROP TRIGGER IF EXISTS ledger_periodclose_no_update
---
DROP TRIGGER IF EXISTS ledger_period_closed_guard
