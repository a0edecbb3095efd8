-- Reverse of migration 0015_coefficients_restorable: the coefficient guard as
-- 0003_database_invariants shipped it.

CREATE OR REPLACE FUNCTION compensation_published_coefficients_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
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
