-- Reverses 0022_published_rows_by_creating_transaction.postgresql.sql: the row guards
-- as 0015 and 0021 shipped them (reading the row's xmin), no stamp, no column.
-- Never edit once shipped.
CREATE OR REPLACE FUNCTION compensation_published_coefficients_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    version_id bigint := CASE TG_OP WHEN 'DELETE' THEN OLD.version_id ELSE NEW.version_id END;
BEGIN
    -- Rewriting a row with its own values (as test-data restores do) changes nothing.
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    -- A version published by the transaction that creates it (a seed, a restore) gets
    -- its coefficients in that same transaction; after that they never change.
    IF EXISTS (SELECT 1 FROM compensation_methodologyversion
                WHERE id = version_id AND published AND xmin <> pg_current_xact_id()::xid)
       OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM compensation_methodologyversion
                                         WHERE id = OLD.version_id AND published)) THEN
        RAISE EXCEPTION 'COMPENSATION_PUBLISHED: the coefficients of published methodology version % never change; make a new version',
            version_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$
---
CREATE OR REPLACE FUNCTION compensation_published_method_rows_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    method_id bigint := CASE TG_OP WHEN 'DELETE' THEN OLD.method_id ELSE NEW.method_id END;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM compensation_allocationmethod
                WHERE id = method_id AND published AND xmin <> pg_current_xact_id()::xid)
       OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM compensation_allocationmethod
                                         WHERE id = OLD.method_id AND published)) THEN
        RAISE EXCEPTION 'COMPENSATION_PUBLISHED: the factors and adjustments of published allocation method % never change; make a new version',
            method_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$
---
DROP TRIGGER IF EXISTS compensation_allocationmethod_creating_transaction ON compensation_allocationmethod
---
DROP TRIGGER IF EXISTS compensation_methodologyversion_creating_transaction ON compensation_methodologyversion
---
DROP FUNCTION IF EXISTS compensation_stamp_creating_transaction()
---
ALTER TABLE compensation_allocationmethod DROP COLUMN created_xact
---
ALTER TABLE compensation_methodologyversion DROP COLUMN created_xact
