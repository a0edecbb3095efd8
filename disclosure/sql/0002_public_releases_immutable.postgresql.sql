-- Migration 0002_public_releases_immutable: a decided release (approved or rejected) is
-- history: never changed, never deleted; a correction is a new release or a withdrawal.
-- Reverse: the .reverse.sql beside it. Statements are separated by lines holding only
-- '---'; never edit once shipped.
CREATE FUNCTION disclosure_decided_release_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    IF OLD.status <> 'proposed' THEN
        RAISE EXCEPTION 'DISCLOSURE_DECIDED: release % is %; it never changes (withdraw it by a new release)',
            OLD.id, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$
---
CREATE TRIGGER disclosure_decided_release_frozen BEFORE UPDATE OR DELETE
    ON disclosure_release FOR EACH ROW EXECUTE FUNCTION disclosure_decided_release_frozen()
