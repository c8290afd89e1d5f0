-- History at a fleet's rate (hundreds of millions of results a day):
--   * service_status is partitioned by checked_at, one partition per UTC week (Monday to Monday), so retention drops
--     whole weeks instead of deleting rows one by one. A week, not a day: every find by service_id reads each partition,
--     and measured with 10 million rows (docs/PERFORMANCE.md, "History at scale") a count and a page of one service ran
--     at 1,902/s over 100 daily partitions, 10,344/s over 17 weekly, 18,029/s over 6 monthly and 25,950/s unpartitioned;
--     a week keeps at most a week past the retention on disk, a month would keep a month;
--   * service_status_hourly holds per-service hourly sums, written by a statement trigger in the transaction of every
--     insert (the writer's COPY batches, heartbeats' decisions, replays), so uptime over 90 days reads at most 24 rows
--     a day instead of every result. It is partitioned by month and outlives nothing: it is dropped with the same
--     retention as the results it sums.
-- The existing table becomes the partition service_status_legacy (every row before the first weekly partition); it is
-- pruned row by row as before until it lies wholly past the retention, then dropped.

-- The upper bound of <parent>_legacy (the table from before partitioning), or null when there is none.
CREATE FUNCTION history_legacy_until(parent regclass) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = parent AND c.relname = format('%s_legacy', parent::text)
$$;

-- The history's partitions: <parent>_p<YYYYMMDD> (a UTC day, or the UTC week starting that Monday) or <parent>_p<YYYYMM>
-- (a UTC month) from the one holding
-- from_at through the one holding through_at (none before the legacy partition's end); rows that waited in the default
-- partition for a missing one move into it. Safe from any number of silos at once (an advisory lock per parent).
-- Answers how many it made.
CREATE FUNCTION history_partitions_ensure(parent regclass, unit text, from_at timestamptz, through_at timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    step     interval := CASE unit WHEN 'day' THEN interval '1 day' WHEN 'week' THEN interval '7 days' WHEN 'month' THEN interval '1 month' END;
    pattern  text     := CASE unit WHEN 'month' THEN 'YYYYMM' ELSE 'YYYYMMDD' END;
    floor_at timestamptz;
    key      text;
    low      timestamptz;
    high     timestamptz;
    name     text;
    created  integer  := 0;
BEGIN
    IF step IS NULL THEN
        RAISE EXCEPTION 'unit must be day, week or month, not %', unit;
    END IF;
    PERFORM pg_advisory_xact_lock(730551, parent::oid::integer);
    -- Attaching locks the default partition, which every read by service_id touches: never queue readers behind a
    -- long one for more than 2 s (the pruner tries again on its next run).
    PERFORM set_config('lock_timeout', '2s', true);
    SELECT a.attname INTO key FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = parent;
    floor_at := coalesce(history_legacy_until(parent), '-infinity');
    low := date_trunc(unit, from_at, 'UTC');
    WHILE low <= through_at LOOP
        high := (low AT TIME ZONE 'UTC' + step) AT TIME ZONE 'UTC';
        name := format('%s_p%s', parent::text, to_char(low AT TIME ZONE 'UTC', pattern));
        IF low >= floor_at AND to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name, parent);
            EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved',
                           parent::text || '_default', key, key, name) USING low, high;
            EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, name, low, high);
            created := created + 1;
        END IF;
        low := high;
    END LOOP;
    RETURN created;
END $$;

-- Drops <parent>'s dated partitions that end at or before cutoff (and the legacy one once it does); answers how many.
-- Dropping a partition locks its parent for a moment (a default partition rules out DETACH CONCURRENTLY): the lock is
-- waited for at most 2 s, so writers queue behind it no longer; a drop that times out is tried again on the next run.
CREATE FUNCTION history_partitions_drop(parent regclass, cutoff timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    part    record;
    dropped integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(730551, parent::oid::integer);
    PERFORM set_config('lock_timeout', '2s', true);
    FOR part IN
        SELECT c.oid::regclass AS name, (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS high
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = parent AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
    LOOP
        IF part.high <= cutoff THEN
            EXECUTE format('DROP TABLE %s', part.name);
            dropped := dropped + 1;
        END IF;
    END LOOP;
    RETURN dropped;
END $$;

-- The view reads service_status: it is made again below, on the partitioned table.
DROP VIEW client_services_overview;

ALTER TABLE service_status RENAME TO service_status_legacy;
ALTER TABLE service_status_legacy RENAME CONSTRAINT service_status_pkey TO service_status_legacy_pkey;
ALTER INDEX service_status_service_checked_at RENAME TO service_status_legacy_service_checked_at;
ALTER INDEX service_status_client_checked_at RENAME TO service_status_legacy_client_checked_at;
ALTER INDEX service_status_checked_at_brin RENAME TO service_status_legacy_checked_at_brin;
ALTER INDEX service_status_in_maintenance RENAME TO service_status_legacy_in_maintenance;
ALTER INDEX IF EXISTS service_status_due RENAME TO service_status_legacy_due;
ALTER INDEX IF EXISTS service_status_reports RENAME TO service_status_legacy_reports;

CREATE TABLE service_status (
    id                bigint         NOT NULL DEFAULT nextval('service_status_id_seq'),
    service_id        bigint         NOT NULL,
    client_id         bigint         NOT NULL,
    -- Named as the old table's, which becomes a partition: a partition must hold its parent's checks by name.
    status            varchar(8)     NOT NULL CONSTRAINT service_status_status_check CHECK (status IN ('up', 'degraded', 'down')),
    status_code       integer,
    response_time_ms  integer        NOT NULL,
    reported_status   text,
    error             text,
    details           jsonb,
    trigger           varchar(8)     NOT NULL CONSTRAINT service_status_trigger_check CHECK (trigger IN ('schedule', 'manual', 'ping')),
    checked_at        timestamptz(3) NOT NULL,
    stored_at         timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
    in_maintenance    boolean        NOT NULL DEFAULT false,
    tls_expires_at    timestamptz(3),
    condition_results jsonb,
    due_key           text,
    -- A partitioned table's keys include its partition key; ids still come from one sequence, so they stay unique.
    PRIMARY KEY (id, checked_at)
) PARTITION BY RANGE (checked_at);
ALTER SEQUENCE service_status_id_seq OWNED BY service_status.id;

-- Serves finds with service_id (sorted or ranged by checked_at), the latest result of a service, and the partial
-- hours at the edges of an uptime sum, as index-only scans.
CREATE INDEX service_status_service_checked_at ON service_status (service_id, checked_at) INCLUDE (status, response_time_ms, in_maintenance);
CREATE INDEX service_status_client_checked_at ON service_status (client_id, checked_at);
CREATE INDEX service_status_checked_at_brin ON service_status USING brin (checked_at);
-- A heartbeat's decided deadline is stored once: its due_key is unique per service (with checked_at, which a
-- partitioned table's unique index must hold; a key's checked_at is its deadline).
CREATE UNIQUE INDEX service_status_due ON service_status (service_id, due_key, checked_at) WHERE due_key IS NOT NULL;
CREATE INDEX service_status_reports ON service_status (service_id, checked_at) WHERE trigger = 'ping';

CREATE TABLE service_status_default PARTITION OF service_status DEFAULT;

-- Per service and UTC hour: results outside maintenance windows (results), of them up and degraded, the sum of their
-- response times, and results inside a maintenance window (maintenance). Equal to sums over service_status while its
-- rows exist (a test holds it to that).
CREATE TABLE service_status_hourly (
    service_id       bigint      NOT NULL,
    hour             timestamptz NOT NULL,
    results          integer     NOT NULL,
    up               integer     NOT NULL,
    degraded         integer     NOT NULL,
    response_time_ms bigint      NOT NULL,
    maintenance      integer     NOT NULL,
    PRIMARY KEY (service_id, hour)
) PARTITION BY RANGE (hour);
CREATE TABLE service_status_hourly_default PARTITION OF service_status_hourly DEFAULT;

-- Rows are summed in (service_id, hour) order, so two batches that touch the same hours lock them in the same order.
CREATE FUNCTION service_status_roll_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO service_status_hourly AS h (service_id, hour, results, up, degraded, response_time_ms, maintenance)
    SELECT service_id, date_trunc('hour', checked_at, 'UTC'),
           count(*) FILTER (WHERE NOT in_maintenance),
           count(*) FILTER (WHERE NOT in_maintenance AND status = 'up'),
           count(*) FILTER (WHERE NOT in_maintenance AND status = 'degraded'),
           coalesce(sum(response_time_ms) FILTER (WHERE NOT in_maintenance), 0),
           count(*) FILTER (WHERE in_maintenance)
    FROM added
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (service_id, hour) DO UPDATE SET
        results = h.results + excluded.results,
        up = h.up + excluded.up,
        degraded = h.degraded + excluded.degraded,
        response_time_ms = h.response_time_ms + excluded.response_time_ms,
        maintenance = h.maintenance + excluded.maintenance;
    RETURN NULL;
END $$;

CREATE TRIGGER service_status_hourly_roll_up AFTER INSERT ON service_status
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION service_status_roll_up();

-- The old table: a partition for everything before the first weekly one (next Monday),
-- or gone when it is empty. Its rows are checked against the bound once, here.
DO $$
DECLARE
    newest timestamptz;
    bound  timestamptz;
BEGIN
    SELECT max(checked_at) INTO newest FROM service_status_legacy;
    IF newest IS NULL THEN
        DROP TABLE service_status_legacy;
        PERFORM history_partitions_ensure('service_status', 'week', now() - interval '7 days', now() + interval '14 days');
    ELSE
        -- Next Monday, whatever the newest row says: rows dated later (a silo's clock far ahead) go to the default
        -- partition, and from there to their week's partition when it is made.
        bound := date_trunc('week', now(), 'UTC') + interval '7 days';
        IF newest >= bound THEN
            WITH moved AS (DELETE FROM service_status_legacy WHERE checked_at >= bound RETURNING *)
            INSERT INTO service_status_default SELECT * FROM moved;
        END IF;
        ALTER TABLE service_status_legacy ALTER COLUMN id DROP DEFAULT;
        -- Its key becomes (id, checked_at), built by the attach below.
        ALTER TABLE service_status_legacy DROP CONSTRAINT service_status_legacy_pkey;
        ALTER TABLE service_status_legacy VALIDATE CONSTRAINT service_status_trigger_check;
        -- Indexes the partitioned table has in another form: the attach builds those, these would only slow writes (and
        -- a unique (service_id, due_key) would refuse what the new key takes as a conflict).
        DROP INDEX service_status_legacy_in_maintenance;
        DROP INDEX service_status_legacy_service_checked_at;
        DROP INDEX IF EXISTS service_status_legacy_due;
        EXECUTE format('ALTER TABLE service_status ATTACH PARTITION service_status_legacy FOR VALUES FROM (MINVALUE) TO (%L)', bound);
        PERFORM history_partitions_ensure('service_status', 'week', bound, now() + interval '14 days');
    END IF;
    PERFORM history_partitions_ensure('service_status_hourly', 'month', now() - interval '1 month', now() + interval '1 month');
END $$;

-- The hourly sums computed from the results themselves, with the trigger's arithmetic: what service_status_hourly
-- equals while the results exist. It reads every result: for the upgrade below and for checking, not for serving.
CREATE VIEW service_status_hourly_from_results AS
SELECT service_id, date_trunc('hour', checked_at, 'UTC') AS hour,
       count(*) FILTER (WHERE NOT in_maintenance)::integer AS results,
       count(*) FILTER (WHERE NOT in_maintenance AND status = 'up')::integer AS up,
       count(*) FILTER (WHERE NOT in_maintenance AND status = 'degraded')::integer AS degraded,
       coalesce(sum(response_time_ms) FILTER (WHERE NOT in_maintenance), 0)::bigint AS response_time_ms,
       count(*) FILTER (WHERE in_maintenance)::integer AS maintenance
FROM service_status
GROUP BY 1, 2;

-- The sums of the rows from before the upgrade (the trigger counts every row inserted from now on).
INSERT INTO service_status_hourly (service_id, hour, results, up, degraded, response_time_ms, maintenance)
SELECT service_id, hour, results, up, degraded, response_time_ms, maintenance FROM service_status_hourly_from_results;

CREATE VIEW client_services_overview AS
SELECT s.*, latest.status AS last_status, latest.checked_at AS last_checked_at,
       latest.response_time_ms AS last_response_time_ms, o.tls_expires_at
FROM client_services s
LEFT JOIN service_observations o ON o.service_id = s.id
LEFT JOIN LATERAL (
    SELECT st.status, st.checked_at, st.response_time_ms
    FROM service_status st
    WHERE st.service_id = s.id
    ORDER BY st.checked_at DESC
    LIMIT 1) latest ON true;
