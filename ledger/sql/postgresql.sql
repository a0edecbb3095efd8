-- Ledger invariants enforced by PostgreSQL itself. Applied by migration
-- 0002_database_invariants; statements are separated by lines holding only '---'.
-- Every refusal starts with a code (LEDGER_xxx) that ledger/dberrors.py maps
-- to an exception. What the triggers guarantee, and what only privileges can
-- (TRUNCATE, disabling triggers), is in docs/decisions/2026-11-25-ledger-storage.md.

-- The transaction that created an entry; postings may only be added by it.
ALTER TABLE ledger_journalentry ADD COLUMN created_txid bigint NOT NULL DEFAULT txid_current()
---
CREATE INDEX ledger_journalentry_created_txid ON ledger_journalentry (created_txid)
---
-- One row per transaction that touched entries; its deferred trigger checks them at
-- commit. Entries of one transaction are consecutive in the chain (the chain head
-- stays locked until commit), so they are exactly those from first_sequence on.
CREATE TABLE ledger_pendingcheck (txid bigint PRIMARY KEY, first_sequence bigint NOT NULL)
---
-- Only the ledger's own triggers write the pending-check table.
CREATE FUNCTION ledger_pendingcheck_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.txid = txid_current() THEN
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND NEW.txid = OLD.txid THEN
        RETURN NEW;
    ELSIF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'LEDGER_IMMUTABLE: % on ledger_pendingcheck refused: only the ledger''s triggers write it',
        TG_OP USING ERRCODE = 'integrity_constraint_violation';
END $$
---
CREATE TRIGGER ledger_pendingcheck_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_pendingcheck
    FOR EACH ROW EXECUTE FUNCTION ledger_pendingcheck_guard()
---
CREATE FUNCTION ledger_check_entries() RETURNS trigger LANGUAGE plpgsql
    -- It touches one transaction's entries, a handful among millions: index scans
    -- only, planned for each call, whatever stale statistics suggest.
    SET plan_cache_mode = force_custom_plan SET enable_seqscan = off
    SET enable_hashjoin = off SET enable_mergejoin = off
    AS $$
DECLARE
    bad record;
    first bigint;
BEGIN
    DELETE FROM ledger_pendingcheck WHERE txid = NEW.txid RETURNING first_sequence INTO first;
    -- This transaction's entries are the tail of the chain from `first`; each is
    -- checked through the posting index, so the cost never grows with the books.
    SELECT e.sequence, c.postings INTO bad
      FROM ledger_journalentry e
     CROSS JOIN LATERAL (SELECT count(*) AS postings FROM ledger_posting p
                          WHERE p.entry_id = e.id) c
     WHERE e.sequence >= first AND e.created_txid = NEW.txid AND c.postings < 2
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'LEDGER_UNBALANCED: journal entry #% has % posting(s): an entry needs at least two',
            bad.sequence, bad.postings USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    SELECT e.sequence, s.commodity_id, s.total INTO bad
      FROM ledger_journalentry e
     CROSS JOIN LATERAL (SELECT commodity_id, sum(amount_minor) AS total FROM ledger_posting p
                          WHERE p.entry_id = e.id GROUP BY commodity_id) s
     WHERE e.sequence >= first AND e.created_txid = NEW.txid AND s.total <> 0
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
-- New entries: sealed, created now, and continuing the hash chain link by link.
-- (An entry is checked when its transaction commits; sealing matters only on SQLite.)
CREATE FUNCTION ledger_entries_inserted() RETURNS trigger LANGUAGE plpgsql
    -- Transition tables have no statistics: without this the planner may hash
    -- the whole entries table to join a handful of new rows.
    SET plan_cache_mode = force_custom_plan SET enable_hashjoin = off SET enable_mergejoin = off
    AS $$
DECLARE
    head record;
    bad record;
BEGIN
    SELECT sequence INTO bad FROM new_entries
     WHERE created_txid <> txid_current() OR NOT sealed LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'LEDGER_INVALID: journal entry #% must be inserted sealed, by the transaction that creates it',
            bad.sequence USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    SELECT last_sequence, last_hash INTO head FROM ledger_chainhead WHERE id = 1 FOR UPDATE;
    SELECT * INTO bad FROM (
        SELECT n.sequence, n.previous_hash,
               head.last_sequence + row_number() OVER (ORDER BY n.sequence) AS expected_sequence,
               coalesce(lag(n.hash) OVER (ORDER BY n.sequence), head.last_hash) AS expected_previous
          FROM new_entries n
    ) links
     WHERE sequence <> expected_sequence OR previous_hash <> expected_previous
     ORDER BY sequence
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'LEDGER_CHAIN: journal entry #% does not continue the hash chain: expected sequence % after hash %',
            bad.sequence, bad.expected_sequence, bad.expected_previous
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    UPDATE ledger_chainhead
       SET (last_sequence, last_hash) = (SELECT sequence, hash FROM new_entries
                                          ORDER BY sequence DESC LIMIT 1)
     WHERE id = 1;
    INSERT INTO ledger_pendingcheck (txid, first_sequence)
    SELECT txid_current(), min(sequence) FROM new_entries
        ON CONFLICT (txid) DO UPDATE
       SET first_sequence = least(ledger_pendingcheck.first_sequence, excluded.first_sequence);
    RETURN NULL;
END $$
---
CREATE TRIGGER ledger_entries_inserted AFTER INSERT ON ledger_journalentry
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_inserted()
---
-- The chain head moves only when entries are inserted.
CREATE FUNCTION ledger_chainhead_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (pg_trigger_depth() > 1 OR NEW IS NOT DISTINCT FROM OLD) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'LEDGER_IMMUTABLE: % on ledger_chainhead refused: it moves only when entries are posted',
        TG_OP USING ERRCODE = 'integrity_constraint_violation';
END $$
---
CREATE TRIGGER ledger_chainhead_guard BEFORE UPDATE OR DELETE ON ledger_chainhead
    FOR EACH ROW EXECUTE FUNCTION ledger_chainhead_guard()
---
CREATE FUNCTION ledger_postings_inserted() RETURNS trigger LANGUAGE plpgsql
    -- Transition tables have no statistics: without this the planner may hash
    -- the whole entries table to join a handful of new rows.
    SET plan_cache_mode = force_custom_plan SET enable_hashjoin = off SET enable_mergejoin = off
    AS $$
DECLARE
    bad record;
BEGIN
    SELECT e.sequence INTO bad
      FROM new_postings p JOIN ledger_journalentry e ON e.id = p.entry_id
     WHERE e.created_txid <> txid_current()
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
    -- Lock the accounts in id order, so concurrent posters never deadlock, and
    -- read their balances only once the locks are held.
    PERFORM 1 FROM ledger_account
      WHERE id IN (SELECT account_id FROM new_postings) ORDER BY id FOR UPDATE;
    -- A non-negative account must stay non-negative after every entry, not only
    -- after the whole batch: a running sum in entry order (entries are peers).
    SELECT a.code, e.sequence,
           CASE a.normal_balance WHEN 'debit' THEN 1 ELSE -1 END
           * (a.balance_minor + sum(p.amount_minor) OVER (PARTITION BY p.account_id
                                                           ORDER BY e.sequence)) AS balance
      INTO bad
      FROM new_postings p
      JOIN ledger_journalentry e ON e.id = p.entry_id
      JOIN ledger_account a ON a.id = p.account_id
     WHERE a.non_negative
     ORDER BY balance
     LIMIT 1;
    IF FOUND AND bad.balance < 0 THEN
        RAISE EXCEPTION 'LEDGER_NEGATIVE: account % may not go negative; entry #% would leave it at % minor units',
            bad.code, bad.sequence, bad.balance USING ERRCODE = 'check_violation';
    END IF;
    UPDATE ledger_account a SET balance_minor = a.balance_minor + delta.total
      FROM (SELECT account_id, sum(amount_minor) AS total FROM new_postings GROUP BY account_id) delta
     WHERE a.id = delta.account_id;
    INSERT INTO ledger_pendingcheck (txid, first_sequence)
    SELECT txid_current(), min(e.sequence)
      FROM new_postings p JOIN ledger_journalentry e ON e.id = p.entry_id
        ON CONFLICT (txid) DO UPDATE
       SET first_sequence = least(ledger_pendingcheck.first_sequence, excluded.first_sequence);
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
CREATE TRIGGER ledger_entry_immutable BEFORE UPDATE OR DELETE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
---
-- Commodities are reference data: changing precision would silently rescale every
-- amount. Rewriting a row with its own values (as test-data restores do) is harmless.
CREATE FUNCTION ledger_commodity_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'LEDGER_IMMUTABLE: % on ledger_commodity refused: commodities never change',
        TG_OP USING ERRCODE = 'integrity_constraint_violation';
END $$
---
CREATE TRIGGER ledger_commodity_guard BEFORE UPDATE OR DELETE ON ledger_commodity
    FOR EACH ROW EXECUTE FUNCTION ledger_commodity_guard()
---
-- Balances change only through postings; what an account is never changes.
CREATE FUNCTION ledger_account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.balance_minor IS DISTINCT FROM OLD.balance_minor AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'LEDGER_IMMUTABLE: the balance of account % changes only through postings',
            OLD.code USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.code, NEW.commodity_id, NEW.normal_balance, NEW.type, NEW.owner, NEW.non_negative)
       IS DISTINCT FROM
       (OLD.code, OLD.commodity_id, OLD.normal_balance, OLD.type, OLD.owner, OLD.non_negative) THEN
        RAISE EXCEPTION 'LEDGER_IMMUTABLE: the code, commodity, type, normal balance, owner and non-negative flag of account % never change',
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
