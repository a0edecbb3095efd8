-- A payment's matches never add up to more than the payment, a line's never to more than
-- the line (passthrough.payments keeps this under row locks; this is the backstop for any
-- other writer). Checked once per statement over the rows it wrote, so COPY of many
-- matches costs one set-based check.
CREATE FUNCTION passthrough_matches_within_amounts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT p.id, p.amount, sum(m.amount) AS matched INTO bad
    FROM passthrough_payment p
    JOIN passthrough_paymentmatch m ON m.payment_id = p.id
    WHERE p.id IN (SELECT payment_id FROM written)
    GROUP BY p.id, p.amount
    HAVING sum(m.amount) > p.amount
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'PASSTHROUGH_OVERMATCHED: payment % of % is matched % in all',
            bad.id, bad.amount, bad.matched USING ERRCODE = 'check_violation';
    END IF;
    SELECT l.id, l.amount, sum(m.amount) AS matched INTO bad
    FROM passthrough_suballocationline l
    JOIN passthrough_paymentmatch m ON m.line_id = l.id
    WHERE l.id IN (SELECT line_id FROM written)
    GROUP BY l.id, l.amount
    HAVING sum(m.amount) > l.amount
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'PASSTHROUGH_OVERMATCHED: line % of % is matched % in all',
            bad.id, bad.amount, bad.matched USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$
---
CREATE TRIGGER passthrough_matches_within_amounts_insert
AFTER INSERT ON passthrough_paymentmatch
REFERENCING NEW TABLE AS written
FOR EACH STATEMENT EXECUTE FUNCTION passthrough_matches_within_amounts()
---
-- A match is never changed: a wrong one is a matter for the official, not an UPDATE.
CREATE FUNCTION passthrough_match_unchanged() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'PASSTHROUGH_MATCH_UNCHANGED: a match is never changed'
        USING ERRCODE = 'check_violation';
END
$$
---
CREATE TRIGGER passthrough_match_unchanged
BEFORE UPDATE ON passthrough_paymentmatch
FOR EACH ROW EXECUTE FUNCTION passthrough_match_unchanged()
