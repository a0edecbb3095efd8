-- Migration 0022_published_rows_by_creating_transaction: the coefficients of a published
-- methodology version, and the factors and adjustments of a published allocation method,
-- may be written only by the transaction that created the version or method (a seed, a
-- restore). 0015 and 0021 read "created" from the row's xmin, which any later no-op
-- UPDATE of the row resets to the updating transaction, so that a rewrite of a published
-- row with its own values (which the row guards let pass) opened its coefficients or
-- factors again. The creating transaction is now a column the database stamps on INSERT
-- and keeps on every UPDATE. Rows existing when this runs get 0 (no transaction).
-- Reverse: the .reverse.sql beside it. Statements are separated by lines holding only
-- '---'; never edit once shipped.

ALTER TABLE compensation_methodologyversion ADD COLUMN created_xact xid8 NOT NULL DEFAULT '0'
---
ALTER TABLE compensation_methodologyversion ALTER COLUMN created_xact SET DEFAULT pg_current_xact_id()
---
ALTER TABLE compensation_allocationmethod ADD COLUMN created_xact xid8 NOT NULL DEFAULT '0'
---
ALTER TABLE compensation_allocationmethod ALTER COLUMN created_xact SET DEFAULT pg_current_xact_id()
---
CREATE FUNCTION compensation_stamp_creating_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Whatever a statement supplies, the creating transaction is the inserting one and
    -- never changes afterwards.
    NEW.created_xact := CASE TG_OP WHEN 'INSERT' THEN pg_current_xact_id() ELSE OLD.created_xact END;
    RETURN NEW;
END $$
---
CREATE TRIGGER compensation_methodologyversion_creating_transaction BEFORE INSERT OR UPDATE
    ON compensation_methodologyversion FOR EACH ROW
    EXECUTE FUNCTION compensation_stamp_creating_transaction()
---
CREATE TRIGGER compensation_allocationmethod_creating_transaction BEFORE INSERT OR UPDATE
    ON compensation_allocationmethod FOR EACH ROW
    EXECUTE FUNCTION compensation_stamp_creating_transaction()
---
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
                WHERE id = version_id AND published AND created_xact <> pg_current_xact_id())
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
                WHERE id = method_id AND published AND created_xact <> pg_current_xact_id())
       OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM compensation_allocationmethod
                                         WHERE id = OLD.method_id AND published)) THEN
        RAISE EXCEPTION 'COMPENSATION_PUBLISHED: the factors and adjustments of published allocation method % never change; make a new version',
            method_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$
