-- Distributed workers (issue #15): the database is the queue.
--
-- task_instance.queue: the queue a task is routed to (the task's queue: key, default 'default'),
-- copied from the DAG when the run is created, as pool and priority are. Workers claim queued rows
-- of their queues highest priority first; the index serves that claim.
ALTER TABLE task_instance ADD COLUMN queue VARCHAR(250) DEFAULT 'default' NOT NULL;
CREATE INDEX task_instance_claim_idx ON task_instance (state, queue, priority_weight);

-- One row per worker job: what it serves and what it reported at its last heartbeat, for
-- `workers list`. Liveness itself is the job row's (state, latest_heartbeat).
CREATE TABLE worker (
    job_id            BIGINT       NOT NULL PRIMARY KEY,
    queues            VARCHAR(2000) NOT NULL,
    concurrency       INTEGER      NOT NULL,
    running           INTEGER      DEFAULT 0 NOT NULL,
    state             VARCHAR(20)  NOT NULL,
    reported_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

-- H2 has no usable SKIP LOCKED under concurrent claims (its FOR UPDATE can spin on rows another
-- claim changed), so on H2 claims take turns on this one row instead: the update of it is the
-- mutex, held for the claim's short transaction. PostgreSQL does not use it (SKIP LOCKED).
CREATE TABLE worker_claim_lock (
    id                INTEGER      NOT NULL PRIMARY KEY,
    claims            BIGINT       NOT NULL
);
INSERT INTO worker_claim_lock (id, claims) VALUES (1, 0);
