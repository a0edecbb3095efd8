DROP TRIGGER passthrough_match_unchanged ON passthrough_paymentmatch
---
DROP FUNCTION passthrough_match_unchanged()
---
DROP TRIGGER passthrough_matches_within_amounts_insert ON passthrough_paymentmatch
---
DROP FUNCTION passthrough_matches_within_amounts()
