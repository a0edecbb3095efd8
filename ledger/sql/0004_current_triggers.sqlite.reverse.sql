-- Reverse of migration 0004_current_triggers, embedded SpatiaLite profile: the
-- triggers as 0002 shipped them. Statements are separated by lines holding only '---'.

DROP TRIGGER ledger_entry_inserted
---
DROP TRIGGER ledger_chainhead_guard
---
DROP TRIGGER ledger_chainhead_no_delete
---
DROP TRIGGER ledger_entry_sealed_moves_balances
---
DROP TRIGGER ledger_account_balance_guard
---
DROP TRIGGER ledger_account_fixed_identity
---
DROP TRIGGER ledger_commodity_no_update
---
DROP TRIGGER ledger_commodity_no_delete
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
CREATE TRIGGER ledger_account_fixed_identity BEFORE UPDATE ON ledger_account
WHEN NEW.code <> OLD.code OR NEW.commodity_id <> OLD.commodity_id
  OR NEW.normal_balance <> OLD.normal_balance
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_IMMUTABLE: the code, commodity and normal balance of an account never change');
END
