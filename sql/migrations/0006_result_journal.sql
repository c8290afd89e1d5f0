-- Journal segments a silo has replayed: results that waited on the silo's disk while PostgreSQL was away.
-- A segment's id is inserted in the transaction that stores its rows, so a segment whose file outlived
-- that commit (a crash before the file was deleted) is recognised and not stored twice; ids are the
-- service_status ids its rows got, to answer the results' waiting callers after such a crash.
CREATE TABLE status_journal_replays (
    segment_id  uuid           PRIMARY KEY,
    ids         bigint[]       NOT NULL,
    replayed_at timestamptz(3) NOT NULL DEFAULT now()
);
