-- Reverse of migration 0002_public_releases_immutable. Never edit once shipped.
DROP TRIGGER IF EXISTS disclosure_decided_release_frozen ON disclosure_release
---
DROP FUNCTION IF EXISTS disclosure_decided_release_frozen()
