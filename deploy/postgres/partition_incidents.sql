-- Partition the incident registry by month (PostgreSQL 13 or later), from today's schema.
--
-- Run once, in a maintenance window, on a database migrated to head (docs/scale.md):
--     psql -v ON_ERROR_STOP=1 -1 -f deploy/postgres/partition_incidents.sql
-- One transaction: if any step fails nothing has changed. bench/scale.py runs this very file.
--
-- What changes, and why:
-- * incident becomes a table partitioned by RANGE (occurred_on), one partition per month
--   (incident_pYYYY_MM) and a DEFAULT partition for dates outside the created months.
-- * PostgreSQL requires a primary key or unique constraint on a partitioned table to include
--   the partition key: the key becomes (id, occurred_on), and (source, source_id) can no
--   longer be unique there. So a narrow unpartitioned table, incident_key (id, source,
--   source_id, occurred_on), holds one row per incident: its primary key keeps ids unique, its
--   uq_incident_source keeps a source's event ids unique, and the eight tables that refer to
--   incidents point their foreign keys at it (ON DELETE CASCADE as before). A trigger on
--   incident keeps it in step, so the application writes and reads `incident` unchanged.
-- * The old table is kept, moved to the schema liptako_unpartitioned, for checks and a way
--   back; drop it when satisfied: DROP SCHEMA liptako_unpartitioned CASCADE;

SET lock_timeout = '10s';
-- writers and readers wait from here until COMMIT (the move is the long step)
LOCK TABLE incident IN ACCESS EXCLUSIVE MODE;

-- 1. Set the old table aside, its index and constraint names free; the id sequence stays.
CREATE SCHEMA liptako_unpartitioned;
ALTER SEQUENCE incident_id_seq OWNED BY NONE;
ALTER TABLE incident SET SCHEMA liptako_unpartitioned;

-- 2. The partitioned table: same columns, order, types, NOT NULLs and defaults.
CREATE TABLE incident (LIKE liptako_unpartitioned.incident INCLUDING DEFAULTS)
    PARTITION BY RANGE (occurred_on);
ALTER TABLE incident ADD CONSTRAINT pk_incident PRIMARY KEY (id, occurred_on);
ALTER TABLE incident ADD CONSTRAINT fk_incident_created_by_user_account
    FOREIGN KEY (created_by) REFERENCES user_account (id);
ALTER SEQUENCE incident_id_seq OWNED BY incident.id;

-- 3. Monthly partitions: a function, so that a scheduled job keeps months ahead ready
--    (SELECT incident_add_months(current_date, current_date + 365);)
CREATE FUNCTION incident_add_months(first_day date, last_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    month date := date_trunc('month', first_day)::date;
    made integer := 0;
    name text;
BEGIN
    WHILE month <= last_day LOOP
        name := format('incident_p%s', to_char(month, 'YYYY_MM'));
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF incident FOR VALUES FROM (%L) TO (%L)',
                           name, month, (month + interval '1 month')::date);
            made := made + 1;
        END IF;
        month := (month + interval '1 month')::date;
    END LOOP;
    RETURN made;
END $$;

SELECT incident_add_months(coalesce(min(occurred_on), current_date),
                           (current_date + interval '12 months')::date)
FROM liptako_unpartitioned.incident;
-- a date outside the created months still has a home (empty in normal running: a month can
-- only be added while the default partition holds none of its rows)
CREATE TABLE incident_default PARTITION OF incident DEFAULT;

-- 4. Move the rows, then fill the key table from them.
INSERT INTO incident SELECT * FROM liptako_unpartitioned.incident;

CREATE TABLE incident_key (
    id integer NOT NULL,
    source varchar(16) NOT NULL,
    source_id varchar(64) NOT NULL,
    occurred_on date NOT NULL
);
INSERT INTO incident_key (id, source, source_id, occurred_on)
    SELECT id, source, source_id, occurred_on FROM incident;
ALTER TABLE incident_key ADD CONSTRAINT pk_incident_key PRIMARY KEY (id);
ALTER TABLE incident_key ADD CONSTRAINT uq_incident_source UNIQUE (source, source_id);

-- 5. The indexes of today's table (created on each partition), after the move: faster.
--    (source, source_id) is unique in incident_key; here it serves the importer's look-ups.
CREATE INDEX ix_incident_source_source_id ON incident (source, source_id);
CREATE INDEX ix_incident_admin1_code ON incident (admin1_code);
CREATE INDEX ix_incident_event_type ON incident (event_type);
CREATE INDEX ix_incident_occurred_on_iso3 ON incident (occurred_on, iso3);
CREATE INDEX ix_incident_occurred_on_id_lon_lat ON incident (occurred_on, id, lon, lat);

-- 6. The foreign keys that referred to the old table now refer to incident_key (same names).
DO $$
DECLARE
    fk record;
BEGIN
    FOR fk IN
        SELECT c.conrelid::regclass AS tab, c.conname, a.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.confrelid = 'liptako_unpartitioned.incident'::regclass
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tab, fk.conname);
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (%I) '
                       'REFERENCES incident_key (id) ON DELETE CASCADE',
                       fk.tab, fk.conname, fk.attname);
    END LOOP;
END $$;

-- 7. incident_key follows incident. AFTER row triggers see the whole statement's work: an
--    update that moves a row to another month's partition is a DELETE then an INSERT, and
--    its key (with the rows that refer to it) must survive.
CREATE FUNCTION incident_key_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM incident_key k WHERE k.id = OLD.id
            AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.id = OLD.id);
        RETURN NULL;
    END IF;
    -- pk_incident holds (id, occurred_on): the same id in another month is refused here
    IF TG_OP = 'INSERT' AND (SELECT count(*) FROM incident i WHERE i.id = NEW.id) > 1 THEN
        RAISE unique_violation USING CONSTRAINT = 'pk_incident',
            MESSAGE = format('incident %s: id already taken', NEW.id);
    END IF;
    INSERT INTO incident_key AS k (id, source, source_id, occurred_on)
        VALUES (NEW.id, NEW.source, NEW.source_id, NEW.occurred_on)
        ON CONFLICT (id) DO UPDATE
        SET source = EXCLUDED.source, source_id = EXCLUDED.source_id,
            occurred_on = EXCLUDED.occurred_on
        WHERE (k.source, k.source_id, k.occurred_on)
            IS DISTINCT FROM (EXCLUDED.source, EXCLUDED.source_id, EXCLUDED.occurred_on);
    RETURN NULL;
END $$;
CREATE TRIGGER incident_key_sync
    AFTER INSERT OR DELETE OR UPDATE OF id, source, source_id, occurred_on ON incident
    FOR EACH ROW EXECUTE FUNCTION incident_key_sync();

ANALYZE incident;
ANALYZE incident_key;
