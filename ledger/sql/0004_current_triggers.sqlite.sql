-- Migration 0004_current_triggers, embedded SpatiaLite profile: brings a database
-- migrated with 0002's SQL as it shipped to the current triggers. SQLite has no
-- CREATE OR REPLACE TRIGGER: a changed trigger is dropped and created again.
-- Statements are separated by lines holding only '---'; never edit once shipped.

DROP TRIGGER ledger_posting_after_insert
---
DROP TRIGGER ledger_account_fixed_identity
---
-- New entries come unsealed and continue the hash chain; the head moves with them.
CREATE TRIGGER ledger_entry_inserted AFTER INSERT ON ledger_journalentry
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_INVALID: a journal entry must be inserted unsealed')
     WHERE NEW.sealed <> 0;
    SELECT RAISE(ABORT, 'LEDGER_CHAIN: the journal entry does not continue the hash chain')
      FROM ledger_chainhead
     WHERE id = 1 AND (NEW.sequence <> last_sequence + 1 OR NEW.previous_hash <> last_hash);
    UPDATE ledger_chainhead SET last_sequence = NEW.sequence, last_hash = NEW.hash WHERE id = 1;
END
---
CREATE TRIGGER ledger_chainhead_guard BEFORE UPDATE ON ledger_chainhead
WHEN NOT (NEW.id = 1 AND NEW.last_sequence = OLD.last_sequence + 1
          AND NEW.last_hash = (SELECT hash FROM ledger_journalentry
                                WHERE sequence = NEW.last_sequence))
 AND NOT (NEW.id = OLD.id AND NEW.last_sequence = OLD.last_sequence
          AND NEW.last_hash = OLD.last_hash)
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: the chain head moves only when entries are posted');
END
---
CREATE TRIGGER ledger_chainhead_no_delete BEFORE DELETE ON ledger_chainhead
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: DELETE on ledger_chainhead refused');
END
---
CREATE TRIGGER ledger_entry_sealed_moves_balances AFTER UPDATE OF sealed ON ledger_journalentry
WHEN NEW.sealed = 1 AND OLD.sealed = 0
BEGIN
    UPDATE ledger_account
       SET balance_minor = balance_minor + (SELECT sum(amount_minor) FROM ledger_posting
                                             WHERE entry_id = NEW.id
                                               AND account_id = ledger_account.id)
     WHERE id IN (SELECT account_id FROM ledger_posting WHERE entry_id = NEW.id);
    SELECT RAISE(ABORT, 'LEDGER_NEGATIVE: an account that may not go negative would go negative')
      FROM ledger_account
     WHERE id IN (SELECT account_id FROM ledger_posting WHERE entry_id = NEW.id) AND non_negative
       AND CASE normal_balance WHEN 'debit' THEN balance_minor < 0 ELSE balance_minor > 0 END;
END
---
-- A stored balance is always the sum of the account's sealed postings.
CREATE TRIGGER ledger_account_balance_guard BEFORE UPDATE OF balance_minor ON ledger_account
WHEN NEW.balance_minor <> (SELECT coalesce(sum(p.amount_minor), 0) FROM ledger_posting p
                             JOIN ledger_journalentry e ON e.id = p.entry_id
                            WHERE p.account_id = NEW.id AND e.sealed = 1)
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: an account balance changes only through postings');
END
---
CREATE TRIGGER ledger_account_fixed_identity BEFORE UPDATE ON ledger_account
WHEN NEW.code <> OLD.code OR NEW.commodity_id <> OLD.commodity_id
  OR NEW.normal_balance <> OLD.normal_balance OR NEW.type <> OLD.type
  OR NEW.owner <> OLD.owner OR NEW.non_negative <> OLD.non_negative
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: the code, commodity, type, normal balance, owner and non-negative flag of an account never change');
END
---
CREATE TRIGGER ledger_commodity_no_update BEFORE UPDATE ON ledger_commodity
WHEN NEW.code <> OLD.code OR NEW.name <> OLD.name OR NEW.decimal_places <> OLD.decimal_places
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: commodities never change');
END
---
CREATE TRIGGER ledger_commodity_no_delete BEFORE DELETE ON ledger_commodity
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: commodities never change');
END
