-- Migration 0015_coefficients_restorable: a version published by the transaction that
-- creates it (a seed, a restore) gets its coefficients in that transaction, and
-- rewriting a row with its own values passes. Reverse: the .reverse.sql beside it.
-- Statements are separated by lines holding only '---'; never edit once shipped.

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
