DROP TRIGGER passthrough_matches_unchanged
---
DROP TRIGGER passthrough_matches_within_line
---
DROP TRIGGER passthrough_matches_within_payment
