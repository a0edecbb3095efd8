-- Ledger invariants for the embedded SpatiaLite profile. SQLite has no
-- deferred triggers, so an entry is checked when it is sealed: postings go
-- only into an unsealed entry, and sealing requires two or more postings
-- that balance per commodity. Statements are separated by lines holding only '---'.
CREATE TRIGGER ledger_posting_before_insert BEFORE INSERT ON ledger_posting
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: the entry is sealed: postings are added only while it is created')
     WHERE (SELECT sealed FROM ledger_journalentry WHERE id = NEW.entry_id) = 1;
    SELECT RAISE(ABORT, 'LEDGER_INVALID: a posting differs from its account''s commodity or its entry''s effective date')
     WHERE NEW.commodity_id <> (SELECT commodity_id FROM ledger_account WHERE id = NEW.account_id)
        OR NEW.effective_date <> (SELECT effective_date FROM ledger_journalentry WHERE id = NEW.entry_id);
END
---
CREATE TRIGGER ledger_posting_after_insert AFTER INSERT ON ledger_posting
BEGIN
    UPDATE ledger_account SET balance_minor = balance_minor + NEW.amount_minor
     WHERE id = NEW.account_id;
    SELECT RAISE(ABORT, 'LEDGER_NEGATIVE: the account may not go negative')
      FROM ledger_account
     WHERE id = NEW.account_id AND non_negative
       AND CASE normal_balance WHEN 'debit' THEN balance_minor < 0 ELSE balance_minor > 0 END;
END
---
CREATE TRIGGER ledger_posting_no_update BEFORE UPDATE ON ledger_posting
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: UPDATE on ledger_posting refused: the ledger is append-only');
END
---
CREATE TRIGGER ledger_posting_no_delete BEFORE DELETE ON ledger_posting
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: DELETE on ledger_posting refused: the ledger is append-only');
END
---
CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_journalentry
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: DELETE on ledger_journalentry refused: the ledger is append-only');
END
---
CREATE TRIGGER ledger_entry_seal_only BEFORE UPDATE ON ledger_journalentry
WHEN NOT (OLD.sealed = 0 AND NEW.sealed = 1 AND NEW.id = OLD.id AND NEW.sequence = OLD.sequence
          AND NEW.hash = OLD.hash AND NEW.previous_hash = OLD.previous_hash
          AND NEW.content_digest = OLD.content_digest
          AND NEW.idempotency_key = OLD.idempotency_key
          AND NEW.effective_date = OLD.effective_date AND NEW.description = OLD.description
          AND NEW.cause = OLD.cause AND NEW.posted_at = OLD.posted_at
          AND NEW.posted_by_id IS OLD.posted_by_id AND NEW.reverses_id IS OLD.reverses_id)
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: a posted journal entry cannot change; correct it by a reversal');
END
---
CREATE TRIGGER ledger_entry_seal_balanced BEFORE UPDATE OF sealed ON ledger_journalentry
WHEN NEW.sealed = 1
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: an entry needs at least two postings')
     WHERE (SELECT count(*) FROM ledger_posting WHERE entry_id = NEW.id) < 2;
    SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: the entry does not balance in every commodity')
     WHERE EXISTS (SELECT 1 FROM ledger_posting WHERE entry_id = NEW.id
                    GROUP BY commodity_id HAVING sum(amount_minor) <> 0);
END
---
CREATE TRIGGER ledger_account_no_delete BEFORE DELETE ON ledger_account
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: DELETE on ledger_account refused');
END
---
CREATE TRIGGER ledger_account_fixed_identity BEFORE UPDATE ON ledger_account
WHEN NEW.code <> OLD.code OR NEW.commodity_id <> OLD.commodity_id
  OR NEW.normal_balance <> OLD.normal_balance
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: the code, commodity and normal balance of an account never change');
END
