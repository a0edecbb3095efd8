-- Reverse of migration 0008_zone_overlap_registered_srid: the zone-overlap check as
-- 0003_database_invariants shipped it.

-- Protected and developed zones of one planning version never overlap
-- (interiors sharing area; a shared boundary is fine).
CREATE OR REPLACE FUNCTION pilots_zone_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    other record;
BEGIN
    SELECT z.id, z.kind,
           ST_Area(ST_Transform(ST_Intersection(z.geometry, NEW.geometry),
                   '+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs'))
               / 1e6 AS km2
      INTO other
      FROM pilots_zone z
     WHERE z.planning_version_id = NEW.planning_version_id
       AND z.protected <> NEW.protected
       AND z.id <> NEW.id
       AND z.geometry && NEW.geometry
       AND ST_Relate(z.geometry, NEW.geometry, '2********')
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'PILOTS_OVERLAP: zone % (%) overlaps zone % (%) of the same planning version by % km²',
            NEW.id, NEW.kind, other.id, other.kind, round(other.km2::numeric, 3)
            USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END $$
