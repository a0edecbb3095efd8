-- Credit registry invariants, applied by migration 0006_market_invariants.
-- Statements are separated by '---' lines.
-- A unit of a batch is in one block only: blocks of one batch never overlap.
CREATE EXTENSION IF NOT EXISTS btree_gist
---
ALTER TABLE compensation_creditblock ADD CONSTRAINT compensation_block_units_unique
    EXCLUDE USING gist (batch_id WITH =, int8range(first_unit, last_unit, '[]') WITH &&)
---
-- A retired or cancelled unit never moves again: its block is never changed or deleted.
CREATE FUNCTION compensation_final_block_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IN ('retired', 'cancelled') THEN
        RAISE EXCEPTION 'COMPENSATION_CREDIT_FINAL: units % to % of batch % are %; they never move again',
            OLD.first_unit, OLD.last_unit, OLD.batch_id, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$
---
CREATE TRIGGER compensation_final_block_frozen BEFORE UPDATE OR DELETE
    ON compensation_creditblock FOR EACH ROW EXECUTE FUNCTION compensation_final_block_frozen()
---
-- The registry's journal of operations is append-only.
CREATE FUNCTION compensation_credit_operation_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'COMPENSATION_CREDIT_FINAL: credit operation % is on record and never changes',
        OLD.id USING ERRCODE = 'integrity_constraint_violation';
END $$
---
CREATE TRIGGER compensation_credit_operation_append_only BEFORE UPDATE OR DELETE
    ON compensation_creditoperation FOR EACH ROW
    EXECUTE FUNCTION compensation_credit_operation_append_only()
