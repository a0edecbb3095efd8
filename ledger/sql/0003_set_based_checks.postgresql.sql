-- Set-based checks for bulk posting (migration 0003_set_based_checks). Statements are
-- separated by lines holding only '---'. Why: docs/decisions/2026-11-29-ledger-posting-speed.md.
--
-- A posting's references to its entry, account and commodity were foreign keys: one
-- row-level check per posting and reference at commit, 60% of the database's time in a
-- bulk posting. The posting trigger below checks the same references for the whole
-- statement at once, and the referenced rows can never disappear or change their key:
-- entries and commodities refuse every UPDATE and DELETE, accounts refuse DELETE and
-- (below) a change of id.
ALTER TABLE ledger_posting
    DROP CONSTRAINT ledger_posting_entry_id_1c3a07af_fk_ledger_journalentry_id,
    DROP CONSTRAINT ledger_posting_account_id_964f801d_fk_ledger_account_id,
    DROP CONSTRAINT ledger_posting_commodity_id_ee8b0b4e_fk_ledger_commodity_code
---
-- Indexes no query uses, each one more write per row: postings by commodity (two values
-- in the whole table), cause prefixes, and the creating transaction (the commit check
-- finds a transaction's entries by sequence).
DROP INDEX ledger_posting_commodity_id_ee8b0b4e, ledger_posting_commodity_id_ee8b0b4e_like,
    ledger_journalentry_cause_083a0644_like, ledger_journalentry_created_txid
---
-- One pass over the new entries: inserted sealed by this transaction, continuing the
-- chain; then the head moves to the last of them.
CREATE OR REPLACE FUNCTION ledger_entries_inserted() RETURNS trigger LANGUAGE plpgsql
    SET plan_cache_mode = force_custom_plan SET enable_hashjoin = off SET enable_mergejoin = off
    AS $$
DECLARE
    head record;
    links record;
    bad record;
BEGIN
    SELECT last_sequence, last_hash INTO head FROM ledger_chainhead WHERE id = 1 FOR UPDATE;
    SELECT min(sequence) FILTER (WHERE created_txid <> txid_current() OR NOT sealed) AS invalid,
           min(sequence) FILTER (WHERE sequence <> expected_sequence
                                    OR previous_hash <> expected_previous) AS broken,
           min(sequence) AS first_sequence, max(sequence) AS last_sequence,
           min(last_hash) AS last_hash
      INTO links
      FROM (SELECT n.sequence, n.previous_hash, n.created_txid, n.sealed,
                   head.last_sequence + row_number() OVER chain AS expected_sequence,
                   coalesce(lag(n.hash) OVER chain, head.last_hash) AS expected_previous,
                   last_value(n.hash) OVER (chain ROWS BETWEEN UNBOUNDED PRECEDING
                                                       AND UNBOUNDED FOLLOWING) AS last_hash
              FROM new_entries n
            WINDOW chain AS (ORDER BY n.sequence)) numbered;
    IF links.invalid IS NOT NULL THEN
        RAISE EXCEPTION 'LEDGER_INVALID: journal entry #% must be inserted sealed, by the transaction that creates it',
            links.invalid USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF links.broken IS NOT NULL THEN
        SELECT * INTO bad FROM (
            SELECT n.sequence,
                   head.last_sequence + row_number() OVER (ORDER BY n.sequence) AS expected_sequence,
                   coalesce(lag(n.hash) OVER (ORDER BY n.sequence), head.last_hash) AS expected_previous
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
    UPDATE ledger_chainhead SET (last_sequence, last_hash) = (links.last_sequence, links.last_hash)
     WHERE id = 1;
    INSERT INTO ledger_pendingcheck (txid, first_sequence)
    VALUES (txid_current(), links.first_sequence)
        ON CONFLICT (txid) DO UPDATE
       SET first_sequence = least(ledger_pendingcheck.first_sequence, excluded.first_sequence);
    RETURN NULL;
END $$
---
-- New postings, per statement: their entries and accounts exist (what the foreign keys
-- checked), the entries are this transaction's, commodity and date match; then the
-- accounts are locked in id order, non-negative ones checked, balances moved.
CREATE OR REPLACE FUNCTION ledger_postings_inserted() RETURNS trigger LANGUAGE plpgsql
    SET plan_cache_mode = force_custom_plan SET enable_hashjoin = off SET enable_mergejoin = off
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
    SELECT array_agg(locked.id) FILTER (WHERE locked.non_negative) AS non_negative
      INTO accounts
      FROM (SELECT id, non_negative FROM ledger_account
             WHERE id IN (SELECT account_id FROM new_postings) ORDER BY id FOR UPDATE) locked;
    SELECT b.account_id, a.code, b.commodity_id INTO bad
      FROM (SELECT DISTINCT account_id, commodity_id FROM new_postings) b
      LEFT JOIN ledger_account a ON a.id = b.account_id
     WHERE a.id IS NULL OR a.commodity_id <> b.commodity_id
     LIMIT 1;
    IF FOUND AND bad.code IS NULL THEN
        RAISE EXCEPTION 'LEDGER_INVALID: a posting refers to account id %, which does not exist',
            bad.account_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF FOUND OR entries.other_date IS NOT NULL THEN
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
    UPDATE ledger_account a SET balance_minor = a.balance_minor + delta.total
      FROM (SELECT account_id, sum(amount_minor) AS total FROM new_postings GROUP BY account_id) delta
     WHERE a.id = delta.account_id;
    IF entries.first_sequence IS NOT NULL THEN
        INSERT INTO ledger_pendingcheck (txid, first_sequence)
        VALUES (txid_current(), entries.first_sequence)
            ON CONFLICT (txid) DO UPDATE
           SET first_sequence = least(ledger_pendingcheck.first_sequence, excluded.first_sequence);
    END IF;
    RETURN NULL;
END $$
---
-- At commit, one index scan of postings per entry of the transaction answers both
-- questions: two or more postings, and a zero sum in every commodity.
CREATE OR REPLACE FUNCTION ledger_check_entries() RETURNS trigger LANGUAGE plpgsql
    SET plan_cache_mode = force_custom_plan SET enable_seqscan = off
    SET enable_hashjoin = off SET enable_mergejoin = off
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
-- Postings refer to accounts by id without a foreign key: the id never changes either.
CREATE OR REPLACE FUNCTION ledger_account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.balance_minor IS DISTINCT FROM OLD.balance_minor AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'LEDGER_IMMUTABLE: the balance of account % changes only through postings',
            OLD.code USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.id, NEW.code, NEW.commodity_id, NEW.normal_balance, NEW.type, NEW.owner, NEW.non_negative)
       IS DISTINCT FROM
       (OLD.id, OLD.code, OLD.commodity_id, OLD.normal_balance, OLD.type, OLD.owner, OLD.non_negative) THEN
        RAISE EXCEPTION 'LEDGER_IMMUTABLE: the id, code, commodity, type, normal balance, owner and non-negative flag of account % never change',
            OLD.code USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$
