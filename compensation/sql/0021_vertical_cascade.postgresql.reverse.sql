-- Reverses 0021_vertical_cascade.postgresql.sql. Never edit once shipped.
DROP TRIGGER IF EXISTS compensation_published_method_adjustments_frozen ON compensation_methodadjustment
---
DROP TRIGGER IF EXISTS compensation_published_method_factors_frozen ON compensation_methodfactor
---
DROP FUNCTION IF EXISTS compensation_published_method_rows_frozen()
---
DROP TRIGGER IF EXISTS compensation_published_method_frozen ON compensation_allocationmethod
---
DROP FUNCTION IF EXISTS compensation_published_method_frozen()
