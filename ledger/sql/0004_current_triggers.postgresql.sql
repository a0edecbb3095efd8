-- Migration 0004_current_triggers: brings a database migrated with the SQL of 0002 and
-- 0003 as they shipped to the ledger's current triggers and functions (what the
-- in-place edits of those files had changed). Reverse: the .reverse.sql beside it.
-- Statements are separated by lines holding only '---'; never edit once shipped.

-- Pending checks now remember where the transaction's entries start in the chain
-- (the table is empty between transactions).
ALTER TABLE ledger_pendingcheck ADD COLUMN first_sequence bigint NOT NULL
---
DROP TRIGGER ledger_entry_mark_pending ON ledger_journalentry
---
DROP TRIGGER ledger_entry_no_delete ON ledger_journalentry
---
DROP TRIGGER ledger_entry_seal_only ON ledger_journalentry
---
DROP FUNCTION ledger_mark_pending()
---
DROP FUNCTION ledger_entry_seal_only()
---
-- Only the ledger's own triggers write the pending-check table.
CREATE OR REPLACE FUNCTION ledger_pendingcheck_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- At commit, one index scan of postings per entry of the transaction answers both
-- questions: two or more postings, and a zero sum in every commodity.
CREATE OR REPLACE FUNCTION ledger_check_entries() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
    AS $$
DECLARE
    bad record;
    first bigint;
BEGIN
    DELETE FROM ledger_pendingcheck WHERE txid = NEW.txid RETURNING first_sequence INTO first;
    SELECT e.sequence, s.postings, s.commodity_id, s.total INTO bad
      FROM ledger_journalentry e
     CROSS JOIN LATERAL (
            SELECT coalesce(sum(c.postings), 0) AS postings,
                   min(c.commodity_id) FILTER (WHERE c.total <> 0) AS commodity_id,
                   (array_agg(c.total ORDER BY c.commodity_id) FILTER (WHERE c.total <> 0))[1] AS total
              FROM (SELECT p.commodity_id, count(*) AS postings, sum(p.amount_minor) AS total
                      FROM ledger_posting p WHERE p.entry_id = e.id GROUP BY p.commodity_id) c
          ) s
     WHERE e.sequence >= first AND e.created_txid = NEW.txid
       AND (s.postings < 2 OR s.commodity_id IS NOT NULL)
     ORDER BY e.sequence
     LIMIT 1;
    IF FOUND AND bad.postings < 2 THEN
        RAISE EXCEPTION 'LEDGER_UNBALANCED: journal entry #% has % posting(s): an entry needs at least two',
            bad.sequence, bad.postings USING ERRCODE = 'integrity_constraint_violation';
    ELSIF FOUND THEN
        RAISE EXCEPTION 'LEDGER_UNBALANCED: journal entry #% does not balance in %: its postings sum to % minor units, not 0',
            bad.sequence, bad.commodity_id, bad.total USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$
---
-- This function, ledger_postings_inserted and ledger_check_entries keep their plans for
-- the session (planning each query anew cost more than running it when posting single
-- entries); index scans and nested loops only, so no plan scans the whole books,
-- whatever the statistics say.
--
-- One pass over the new entries: inserted sealed by this transaction, continuing the
-- chain; then the head moves to the last of them.
CREATE OR REPLACE FUNCTION ledger_entries_inserted() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
    AS $$
DECLARE
    links record;
    bad record;
BEGIN
    WITH head AS (SELECT last_sequence, last_hash FROM ledger_chainhead WHERE id = 1 FOR UPDATE)
    SELECT min(sequence) FILTER (WHERE created_txid <> txid_current() OR NOT sealed) AS invalid,
           min(sequence) FILTER (WHERE sequence <> expected_sequence
                                    OR previous_hash <> expected_previous) AS broken,
           min(sequence) AS first_sequence, max(sequence) AS last_sequence,
           min(last_hash) AS last_hash, min(head_sequence) AS head_sequence,
           min(head_hash) AS head_hash
      INTO links
      FROM (SELECT n.sequence, n.previous_hash, n.created_txid, n.sealed,
                   head.last_sequence AS head_sequence, head.last_hash AS head_hash,
                   head.last_sequence + row_number() OVER chain AS expected_sequence,
                   coalesce(lag(n.hash) OVER chain, head.last_hash) AS expected_previous,
                   last_value(n.hash) OVER (chain ROWS BETWEEN UNBOUNDED PRECEDING
                                                       AND UNBOUNDED FOLLOWING) AS last_hash
              FROM new_entries n CROSS JOIN head
            WINDOW chain AS (ORDER BY n.sequence)) numbered;
    IF links.invalid IS NOT NULL THEN
        RAISE EXCEPTION 'LEDGER_INVALID: journal entry #% must be inserted sealed, by the transaction that creates it',
            links.invalid USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF links.broken IS NOT NULL THEN
        SELECT * INTO bad FROM (
            SELECT n.sequence,
                   links.head_sequence + row_number() OVER (ORDER BY n.sequence) AS expected_sequence,
                   coalesce(lag(n.hash) OVER (ORDER BY n.sequence), links.head_hash) AS expected_previous
              FROM new_entries n
        ) numbered
         WHERE sequence = links.broken;
        RAISE EXCEPTION 'LEDGER_CHAIN: journal entry #% does not continue the hash chain: expected sequence % after hash %',
            bad.sequence, bad.expected_sequence, bad.expected_previous
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF links.last_sequence IS NULL THEN
        RETURN NULL;
    END IF;
    WITH moved AS (
        UPDATE ledger_chainhead SET (last_sequence, last_hash) = (links.last_sequence, links.last_hash)
         WHERE id = 1
    )
    INSERT INTO ledger_pendingcheck (txid, first_sequence)
    VALUES (txid_current(), links.first_sequence)
        ON CONFLICT (txid) DO UPDATE SET first_sequence = excluded.first_sequence
     WHERE excluded.first_sequence < ledger_pendingcheck.first_sequence;
    RETURN NULL;
END $$
---
-- The chain head moves only when entries are inserted.
CREATE OR REPLACE FUNCTION ledger_chainhead_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (pg_trigger_depth() > 1 OR NEW IS NOT DISTINCT FROM OLD) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'LEDGER_IMMUTABLE: % on ledger_chainhead refused: it moves only when entries are posted',
        TG_OP USING ERRCODE = 'integrity_constraint_violation';
END $$
---
-- New postings, per statement: their entries and accounts exist (what the foreign keys
-- checked), the entries are this transaction's, commodity and date match; then the
-- accounts are locked in id order, non-negative ones checked, balances moved.
CREATE OR REPLACE FUNCTION ledger_postings_inserted() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
    AS $$
DECLARE
    entries record;
    accounts record;
    bad record;
BEGIN
    -- Each entry once, however many postings it has.
    SELECT count(*) FILTER (WHERE e.id IS NULL) AS missing,
           min(b.entry_id) FILTER (WHERE e.id IS NULL) AS missing_id,
           min(e.sequence) FILTER (WHERE e.created_txid <> txid_current()) AS earlier,
           min(e.sequence) FILTER (WHERE b.first_date <> e.effective_date
                                      OR b.last_date <> e.effective_date) AS other_date,
           min(e.sequence) AS first_sequence
      INTO entries
      FROM (SELECT entry_id, min(effective_date) AS first_date, max(effective_date) AS last_date
              FROM new_postings GROUP BY entry_id) b
      LEFT JOIN ledger_journalentry e ON e.id = b.entry_id;
    IF entries.missing > 0 THEN
        RAISE EXCEPTION 'LEDGER_INVALID: a posting refers to journal entry id %, which does not exist',
            entries.missing_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF entries.earlier IS NOT NULL THEN
        RAISE EXCEPTION 'LEDGER_IMMUTABLE: journal entry #% is posted: postings are added only while the entry is created; correct it by a reversal',
            entries.earlier USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    -- Lock the accounts in id order, so concurrent posters never deadlock, and read
    -- their balances only once the locks are held. Each account once.
    WITH locked AS (
        SELECT id, commodity_id, non_negative FROM ledger_account
         WHERE id IN (SELECT account_id FROM new_postings) ORDER BY id FOR UPDATE
    ), used AS (
        SELECT DISTINCT account_id, commodity_id FROM new_postings
    )
    SELECT (SELECT array_agg(id) FILTER (WHERE non_negative) FROM locked) AS non_negative,
           min(used.account_id) FILTER (WHERE locked.id IS NULL) AS missing,
           count(*) FILTER (WHERE used.commodity_id <> locked.commodity_id) AS other_commodity
      INTO accounts
      FROM used LEFT JOIN locked ON locked.id = used.account_id;
    IF accounts.missing IS NOT NULL THEN
        RAISE EXCEPTION 'LEDGER_INVALID: a posting refers to account id %, which does not exist',
            accounts.missing USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF accounts.other_commodity > 0 OR entries.other_date IS NOT NULL THEN
        SELECT e.sequence, a.code INTO bad
          FROM new_postings p
          JOIN ledger_journalentry e ON e.id = p.entry_id
          JOIN ledger_account a ON a.id = p.account_id
         WHERE p.commodity_id <> a.commodity_id OR p.effective_date <> e.effective_date
         ORDER BY e.sequence
         LIMIT 1;
        RAISE EXCEPTION 'LEDGER_INVALID: a posting of entry #% to account % differs from the account''s commodity or the entry''s effective date',
            bad.sequence, bad.code USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    -- A non-negative account must stay non-negative after every entry, not only after
    -- the whole batch: a running sum in entry order (entries are peers).
    IF accounts.non_negative IS NOT NULL THEN
        SELECT a.code, e.sequence,
               CASE a.normal_balance WHEN 'debit' THEN 1 ELSE -1 END
               * (a.balance_minor + sum(p.amount_minor) OVER (PARTITION BY p.account_id
                                                               ORDER BY e.sequence)) AS balance
          INTO bad
          FROM new_postings p
          JOIN ledger_journalentry e ON e.id = p.entry_id
          JOIN ledger_account a ON a.id = p.account_id
         WHERE p.account_id = ANY (accounts.non_negative)
         ORDER BY balance, e.sequence
         LIMIT 1;
        IF FOUND AND bad.balance < 0 THEN
            RAISE EXCEPTION 'LEDGER_NEGATIVE: account % may not go negative; entry #% would leave it at % minor units',
                bad.code, bad.sequence, bad.balance USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    WITH moved AS (
        UPDATE ledger_account a SET balance_minor = a.balance_minor + delta.total
          FROM (SELECT account_id, sum(amount_minor) AS total FROM new_postings
                 GROUP BY account_id) delta
         WHERE a.id = delta.account_id
    )
    INSERT INTO ledger_pendingcheck (txid, first_sequence)
    SELECT txid_current(), entries.first_sequence WHERE entries.first_sequence IS NOT NULL
        ON CONFLICT (txid) DO UPDATE SET first_sequence = excluded.first_sequence
     WHERE excluded.first_sequence < ledger_pendingcheck.first_sequence;
    RETURN NULL;
END $$
---
-- Commodities are reference data: changing precision would silently rescale every
-- amount. Rewriting a row with its own values (as test-data restores do) is harmless.
CREATE OR REPLACE FUNCTION ledger_commodity_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'LEDGER_IMMUTABLE: % on ledger_commodity refused: commodities never change',
        TG_OP USING ERRCODE = 'integrity_constraint_violation';
END $$
---
CREATE TRIGGER ledger_pendingcheck_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_pendingcheck
    FOR EACH ROW EXECUTE FUNCTION ledger_pendingcheck_guard()
---
CREATE TRIGGER ledger_entries_inserted AFTER INSERT ON ledger_journalentry
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_inserted()
---
CREATE TRIGGER ledger_chainhead_guard BEFORE UPDATE OR DELETE ON ledger_chainhead
    FOR EACH ROW EXECUTE FUNCTION ledger_chainhead_guard()
---
CREATE TRIGGER ledger_entry_immutable BEFORE UPDATE OR DELETE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
---
CREATE TRIGGER ledger_commodity_guard BEFORE UPDATE OR DELETE ON ledger_commodity
    FOR EACH ROW EXECUTE FUNCTION ledger_commodity_guard()
