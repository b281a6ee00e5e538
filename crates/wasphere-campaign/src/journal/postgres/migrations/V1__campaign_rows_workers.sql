-- The campaign journal on PostgreSQL, format 1: the same states as the SQLite journal,
-- plus the workers that share the campaign and their leases. Meant to be read by people:
--   SELECT state, count(*) FROM wasphere_rows GROUP BY state;
--   SELECT id, host, pid, lease_until > now() AS alive FROM wasphere_workers;

CREATE TABLE wasphere_campaign (
    id              smallint    PRIMARY KEY CHECK (id = 1),
    message_type    text        NOT NULL,
    template        text        NOT NULL,
    source_digest   text,
    source_name     text,
    settings        jsonb       NOT NULL,
    import_complete boolean     NOT NULL,
    created_at_ms   bigint      NOT NULL
);

-- One row per process that worked (or works) the campaign. A worker holds its claims while
-- lease_until is in the future, by the database's clock; its heartbeat pushes it forward.
CREATE TABLE wasphere_workers (
    id              bigint      PRIMARY KEY,
    host            text        NOT NULL,
    pid             integer     NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz NOT NULL
);

CREATE TABLE wasphere_rows (
    line            bigint      PRIMARY KEY,
    recipient       text        NOT NULL,
    state           text        NOT NULL CHECK (state IN
                        ('pending', 'sending', 'sent', 'failed', 'unknown', 'invalid', 'skipped')),
    session         text,
    sent_session    text,
    body            text,
    note            text,
    message_id      text,
    error_class     text,
    error_message   text,
    attempts        integer     NOT NULL DEFAULT 0,
    delivery        smallint,
    -- The worker holding a pending row's claim, or the one that sent the row.
    worker          bigint,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Claims walk the pending rows by line; recovery looks at the rows in flight.
CREATE INDEX wasphere_rows_pending ON wasphere_rows (line) WHERE state = 'pending';
CREATE INDEX wasphere_rows_sending ON wasphere_rows (worker) WHERE state = 'sending';
CREATE INDEX wasphere_rows_by_message_id ON wasphere_rows (message_id) WHERE message_id IS NOT NULL;
