-- A payment's matches never add up to more than the payment, a line's never to more than
-- the line. SQLite keeps decimals as floating point: sums are compared rounded to the fen.
CREATE TRIGGER passthrough_matches_within_payment
AFTER INSERT ON passthrough_paymentmatch
WHEN round((SELECT sum(amount) FROM passthrough_paymentmatch WHERE payment_id = NEW.payment_id), 2)
    > round((SELECT amount FROM passthrough_payment WHERE id = NEW.payment_id), 2)
BEGIN
    SELECT RAISE(ABORT, 'PASSTHROUGH_OVERMATCHED: a payment is matched more than its amount');
END
---
CREATE TRIGGER passthrough_matches_within_line
AFTER INSERT ON passthrough_paymentmatch
WHEN round((SELECT sum(amount) FROM passthrough_paymentmatch WHERE line_id = NEW.line_id), 2)
    > round((SELECT amount FROM passthrough_suballocationline WHERE id = NEW.line_id), 2)
BEGIN
    SELECT RAISE(ABORT, 'PASSTHROUGH_OVERMATCHED: a line is matched more than its amount');
END
---
CREATE TRIGGER passthrough_matches_unchanged
BEFORE UPDATE ON passthrough_paymentmatch
BEGIN
    SELECT RAISE(ABORT, 'PASSTHROUGH_MATCH_UNCHANGED: a match is never changed');
END
