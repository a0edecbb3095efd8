-- Migration 0006_period_close: no journal entry is dated in a closed period, and a
-- decided period close (or reopening) is never changed or deleted. A period is closed
-- while its latest approved act (by decision time, then id) is a close. Checked once
-- per INSERT statement over its new entries. Reverse: the .reverse.sql beside it.
-- Statements are separated by lines holding only '---'; never edit once shipped.

CREATE FUNCTION ledger_period_closed_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    refused record;
BEGIN
    SELECT e.effective_date, c.start, c."end" INTO refused
      FROM new_entries e
      JOIN ledger_periodclose c
        ON c.status = 'approved' AND c.action = 'close'
       AND e.effective_date BETWEEN c.start AND c."end"
     WHERE NOT EXISTS (SELECT 1 FROM ledger_periodclose r
                        WHERE r.status = 'approved' AND r.action = 'reopen'
                          AND r.start = c.start AND r."end" = c."end"
                          AND (r.decided_at, r.id) > (c.decided_at, c.id))
     ORDER BY e.effective_date
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'LEDGER_CLOSED: the period % to % is closed; an entry dated % is refused',
            refused.start, refused."end", refused.effective_date
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$
---
CREATE TRIGGER ledger_period_closed_guard AFTER INSERT ON ledger_journalentry
    REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT
    EXECUTE FUNCTION ledger_period_closed_guard()
---
CREATE FUNCTION ledger_periodclose_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'proposed' THEN
        RAISE EXCEPTION 'LEDGER_IMMUTABLE: % on a decided period close refused', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$
---
CREATE TRIGGER ledger_periodclose_guard BEFORE UPDATE OR DELETE ON ledger_periodclose
    FOR EACH ROW EXECUTE FUNCTION ledger_periodclose_guard()
