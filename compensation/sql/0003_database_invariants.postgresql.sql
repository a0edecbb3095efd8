-- Published methodology versions never change: a change is a new version.
-- Applied by migration 0003_database_invariants; statements separated by '---' lines.
CREATE FUNCTION compensation_published_version_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.published
       AND (to_jsonb(NEW) - 'valid_to') IS DISTINCT FROM (to_jsonb(OLD) - 'valid_to') THEN
        RAISE EXCEPTION 'COMPENSATION_PUBLISHED: methodology version % is published; only its valid-to date may be set. Make a new version',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' AND OLD.published THEN
        RAISE EXCEPTION 'COMPENSATION_PUBLISHED: methodology version % is published and cannot be deleted',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$
---
CREATE TRIGGER compensation_published_version_frozen BEFORE UPDATE OR DELETE
    ON compensation_methodologyversion FOR EACH ROW
    EXECUTE FUNCTION compensation_published_version_frozen()
---
CREATE FUNCTION compensation_published_coefficients_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    version_id bigint := CASE TG_OP WHEN 'DELETE' THEN OLD.version_id ELSE NEW.version_id END;
BEGIN
    IF EXISTS (SELECT 1 FROM compensation_methodologyversion WHERE id = version_id AND published)
       OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM compensation_methodologyversion
                                         WHERE id = OLD.version_id AND published)) THEN
        RAISE EXCEPTION 'COMPENSATION_PUBLISHED: the coefficients of published methodology version % never change; make a new version',
            version_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$
---
CREATE TRIGGER compensation_published_coefficients_frozen BEFORE INSERT OR UPDATE OR DELETE
    ON compensation_sinkcoefficient FOR EACH ROW
    EXECUTE FUNCTION compensation_published_coefficients_frozen()
