-- The audit trail is append-only: entries are never changed or deleted.
-- Applied by migration 0012_audit_trail; statements separated by '---' lines.
CREATE FUNCTION compensation_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'AUDIT_APPEND_ONLY: audit log entry % is on record and never changes',
        OLD.id USING ERRCODE = 'integrity_constraint_violation';
END $$
---
CREATE TRIGGER compensation_audit_append_only BEFORE UPDATE OR DELETE
    ON auditlog_logentry FOR EACH ROW EXECUTE FUNCTION compensation_audit_append_only()
