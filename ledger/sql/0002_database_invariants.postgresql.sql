-- Ledger invariants enforced by PostgreSQL itself. Applied by migration
-- 0002_database_invariants; statements are separated by lines holding only '---'.
-- Every refusal starts with a code (LEDGER_xxx) that ledger.services maps to
-- an exception: see ledger/dberrors.py.

-- The transaction that created an entry; postings may only be added by it.
ALTER TABLE ledger_journalentry ADD COLUMN created_txid bigint NOT NULL DEFAULT txid_current()
---
CREATE INDEX ledger_journalentry_created_txid ON ledger_journalentry (created_txid)
---
-- One row per transaction that touched entries; its deferred trigger checks them at commit.
CREATE TABLE ledger_pendingcheck (txid bigint PRIMARY KEY)
---
CREATE FUNCTION ledger_mark_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_pendingcheck (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$
---
CREATE FUNCTION ledger_check_entries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    DELETE FROM ledger_pendingcheck WHERE txid = NEW.txid;
    SELECT e.id, e.sequence, count(p.id) AS postings, e.sealed INTO bad
      FROM ledger_journalentry e LEFT JOIN ledger_posting p ON p.entry_id = e.id
     WHERE e.created_txid = NEW.txid
     GROUP BY e.id
    HAVING count(p.id) < 2 OR NOT e.sealed
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'LEDGER_UNBALANCED: journal entry #% has % posting(s) and sealed=%: an entry needs at least two postings and must be sealed',
            bad.sequence, bad.postings, bad.sealed USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    SELECT e.sequence, p.commodity_id, sum(p.amount_minor) AS total INTO bad
      FROM ledger_posting p JOIN ledger_journalentry e ON e.id = p.entry_id
     WHERE e.created_txid = NEW.txid
     GROUP BY e.id, p.commodity_id
    HAVING sum(p.amount_minor) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'LEDGER_UNBALANCED: journal entry #% does not balance in %: its postings sum to % minor units, not 0',
            bad.sequence, bad.commodity_id, bad.total USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$
---
CREATE CONSTRAINT TRIGGER ledger_entries_balance
    AFTER INSERT ON ledger_pendingcheck DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_entries()
---
CREATE TRIGGER ledger_entry_mark_pending AFTER INSERT OR UPDATE ON ledger_journalentry
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_mark_pending()
---
CREATE FUNCTION ledger_postings_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT e.sequence INTO bad
      FROM new_postings p JOIN ledger_journalentry e ON e.id = p.entry_id
     WHERE e.created_txid <> txid_current() OR e.sealed
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'LEDGER_IMMUTABLE: journal entry #% is posted: postings are added only while the entry is created; correct it by a reversal',
            bad.sequence USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    SELECT e.sequence, a.code INTO bad
      FROM new_postings p
      JOIN ledger_journalentry e ON e.id = p.entry_id
      JOIN ledger_account a ON a.id = p.account_id
     WHERE p.commodity_id <> a.commodity_id OR p.effective_date <> e.effective_date
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'LEDGER_INVALID: a posting of entry #% to account % differs from the account''s commodity or the entry''s effective date',
            bad.sequence, bad.code USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    -- Lock the accounts in id order, so concurrent posters never deadlock.
    PERFORM 1 FROM ledger_account
      WHERE id IN (SELECT account_id FROM new_postings) ORDER BY id FOR UPDATE;
    WITH delta AS (
        SELECT account_id, sum(amount_minor) AS total FROM new_postings GROUP BY account_id
    ), updated AS (
        UPDATE ledger_account a SET balance_minor = a.balance_minor + delta.total
          FROM delta WHERE a.id = delta.account_id
        RETURNING a.code, a.balance_minor, a.normal_balance, a.non_negative
    )
    SELECT code, balance_minor, normal_balance INTO bad FROM updated
     WHERE non_negative AND CASE normal_balance WHEN 'debit' THEN balance_minor < 0
                                                ELSE balance_minor > 0 END
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'LEDGER_NEGATIVE: account % may not go negative; these postings would leave it at % minor units (%-normal)',
            bad.code,
            CASE bad.normal_balance WHEN 'debit' THEN bad.balance_minor ELSE -bad.balance_minor END,
            bad.normal_balance
            USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO ledger_pendingcheck (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$
---
CREATE TRIGGER ledger_postings_inserted AFTER INSERT ON ledger_posting
    REFERENCING NEW TABLE AS new_postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_postings_inserted()
---
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'LEDGER_IMMUTABLE: % on % refused: the ledger is append-only; correct an entry by a reversal',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END $$
---
CREATE TRIGGER ledger_posting_immutable BEFORE UPDATE OR DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
---
CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
---
-- The only change an entry ever sees: sealed false -> true, by the transaction that created it.
CREATE FUNCTION ledger_entry_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.sealed OR NOT NEW.sealed OR OLD.created_txid <> txid_current()
       OR (to_jsonb(NEW) - 'sealed') IS DISTINCT FROM (to_jsonb(OLD) - 'sealed') THEN
        RAISE EXCEPTION 'LEDGER_IMMUTABLE: journal entry #% is posted and cannot change; correct it by a reversal',
            OLD.sequence USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$
---
CREATE TRIGGER ledger_entry_seal_only BEFORE UPDATE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_seal_only()
---
-- Balances change only through postings; codes and commodities never change.
CREATE FUNCTION ledger_account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.balance_minor IS DISTINCT FROM OLD.balance_minor AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'LEDGER_IMMUTABLE: the balance of account % changes only through postings',
            OLD.code USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.code IS DISTINCT FROM OLD.code OR NEW.commodity_id IS DISTINCT FROM OLD.commodity_id
       OR NEW.normal_balance IS DISTINCT FROM OLD.normal_balance THEN
        RAISE EXCEPTION 'LEDGER_IMMUTABLE: the code, commodity and normal balance of account % never change',
            OLD.code USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$
---
CREATE TRIGGER ledger_account_guard BEFORE UPDATE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_account_guard()
---
CREATE TRIGGER ledger_account_no_delete BEFORE DELETE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
