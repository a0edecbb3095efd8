-- Migration 0006_period_close, embedded SpatiaLite profile: as the PostgreSQL file, per
-- inserted entry. Statements are separated by lines holding only '---'; never edit once
-- shipped.

CREATE TRIGGER ledger_period_closed_guard BEFORE INSERT ON ledger_journalentry
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_CLOSED: the entry is dated in a closed period')
     WHERE EXISTS (
        SELECT 1 FROM ledger_periodclose c
         WHERE c.status = 'approved' AND c.action = 'close'
           AND NEW.effective_date BETWEEN c.start AND c."end"
           AND NOT EXISTS (SELECT 1 FROM ledger_periodclose r
                            WHERE r.status = 'approved' AND r.action = 'reopen'
                              AND r.start = c.start AND r."end" = c."end"
                              AND (r.decided_at > c.decided_at
                                   OR (r.decided_at = c.decided_at AND r.id > c.id))));
END
---
CREATE TRIGGER ledger_periodclose_no_update BEFORE UPDATE ON ledger_periodclose
WHEN OLD.status <> 'proposed'
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: UPDATE on a decided period close refused');
END
---
CREATE TRIGGER ledger_periodclose_no_delete BEFORE DELETE ON ledger_periodclose
WHEN OLD.status <> 'proposed'
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: DELETE on a decided period close refused');
END
