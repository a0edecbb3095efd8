-- Spatial invariants PostgreSQL enforces itself. Applied by migration
-- 0003_database_invariants; statements are separated by lines holding only '---'.

-- Protected and developed zones of one planning version never overlap
-- (interiors sharing area; a shared boundary is fine).
CREATE FUNCTION pilots_zone_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
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
---
-- AFTER: `protected` is a generated column, computed only once the row is stored.
CREATE TRIGGER pilots_zone_no_overlap AFTER INSERT OR UPDATE OF geometry, kind, planning_version_id
    ON pilots_zone FOR EACH ROW EXECUTE FUNCTION pilots_zone_no_overlap()
---
-- A published planning version is history: its zones never change.
CREATE FUNCTION pilots_published_zones_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    version_id bigint := CASE TG_OP WHEN 'DELETE' THEN OLD.planning_version_id
                                    ELSE NEW.planning_version_id END;
BEGIN
    IF EXISTS (SELECT 1 FROM pilots_planningversion WHERE id = version_id AND published)
       OR (TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM pilots_planningversion
                                          WHERE id = OLD.planning_version_id AND published)) THEN
        RAISE EXCEPTION 'PILOTS_PUBLISHED: planning version % is published: its zones never change; make a new version',
            version_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$
---
CREATE TRIGGER pilots_published_zones_frozen BEFORE INSERT OR UPDATE OR DELETE ON pilots_zone
    FOR EACH ROW EXECUTE FUNCTION pilots_published_zones_frozen()
---
-- Publishing is one-way.
CREATE FUNCTION pilots_version_stays_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.published AND (NOT NEW.published OR NEW.region_id <> OLD.region_id
                          OR NEW.version <> OLD.version
                          OR NEW.effective_from <> OLD.effective_from) THEN
        RAISE EXCEPTION 'PILOTS_PUBLISHED: planning version % is published and cannot change',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' AND OLD.published THEN
        RAISE EXCEPTION 'PILOTS_PUBLISHED: planning version % is published and cannot be deleted',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$
---
CREATE TRIGGER pilots_version_stays_published BEFORE UPDATE OR DELETE ON pilots_planningversion
    FOR EACH ROW EXECUTE FUNCTION pilots_version_stays_published()
