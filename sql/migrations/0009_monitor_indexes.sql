-- migration: no transaction
-- The indexes of heartbeats on service_status, built CONCURRENTLY: a build inside a transaction would hold a lock on
-- the whole history (every check's write) while it scans it. Each statement runs on its own; IF NOT EXISTS lets a
-- run that stopped halfway be run again (drop an index left INVALID by a failed build first).

-- One result per heartbeat deadline (see 0008, due_key).
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS service_status_due ON service_status (service_id, due_key) WHERE due_key IS NOT NULL;

-- Serves the overdue test: did a report (/ping, /fail, an exit code) arrive in a window? Reports are a small share of
-- all results, so this stays small.
CREATE INDEX CONCURRENTLY IF NOT EXISTS service_status_reports ON service_status (service_id, checked_at) WHERE trigger = 'ping';
