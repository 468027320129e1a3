-- A scheduled run remembers the scheduler.loop span that created it (W3C trace and span id, lower
-- case hex), so its dag_run span can link to that loop span. Null for runs no loop created
-- (manual, backfill, and runs created before this migration).

ALTER TABLE dag_run ADD COLUMN creator_trace_id CHAR(32);
ALTER TABLE dag_run ADD COLUMN creator_span_id CHAR(16);
