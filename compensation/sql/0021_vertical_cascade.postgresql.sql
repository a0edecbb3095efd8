-- Migration 0021_vertical_cascade: a published allocation method never changes, nor do its
-- factors and adjustments; a change is a new version. A method published by the
-- transaction that creates it (a seed, a restore) gets its factors in that transaction,
-- and rewriting a row with its own values passes. Reverse: the .reverse.sql beside it.
-- Statements are separated by lines holding only '---'; never edit once shipped.

CREATE FUNCTION compensation_published_method_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.published AND NEW IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'COMPENSATION_PUBLISHED: allocation method % is published and never changes; make a new version',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' AND OLD.published THEN
        RAISE EXCEPTION 'COMPENSATION_PUBLISHED: allocation method % is published and cannot be deleted',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$
---
CREATE TRIGGER compensation_published_method_frozen BEFORE UPDATE OR DELETE
    ON compensation_allocationmethod FOR EACH ROW
    EXECUTE FUNCTION compensation_published_method_frozen()
---
CREATE FUNCTION compensation_published_method_rows_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER compensation_published_method_factors_frozen BEFORE INSERT OR UPDATE OR DELETE
    ON compensation_methodfactor FOR EACH ROW
    EXECUTE FUNCTION compensation_published_method_rows_frozen()
---
CREATE TRIGGER compensation_published_method_adjustments_frozen BEFORE INSERT OR UPDATE OR DELETE
    ON compensation_methodadjustment FOR EACH ROW
    EXECUTE FUNCTION compensation_published_method_rows_frozen()
