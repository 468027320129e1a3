-- The database is the outbox of finished spans: a run, task instance or attempt row whose span
-- the exporter accepted gets span_exported_at. A process exporting a batch first claims its rows
-- (span_claimed_by = a token unique to that batch, span_claim_until = lease end) with a
-- compare-and-set, so two processes on one database never export the same span, and rows
-- claimed by a process that died become claimable again when the lease ends.

ALTER TABLE dag_run ADD COLUMN span_exported_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE dag_run ADD COLUMN span_claimed_by VARCHAR(100);
ALTER TABLE dag_run ADD COLUMN span_claim_until TIMESTAMP WITH TIME ZONE;
CREATE INDEX dag_run_span_pending_idx ON dag_run (span_exported_at, state);

ALTER TABLE task_instance ADD COLUMN span_exported_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE task_instance ADD COLUMN span_claimed_by VARCHAR(100);
ALTER TABLE task_instance ADD COLUMN span_claim_until TIMESTAMP WITH TIME ZONE;
CREATE INDEX task_instance_span_pending_idx ON task_instance (span_exported_at, state);

ALTER TABLE task_instance_history ADD COLUMN span_exported_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE task_instance_history ADD COLUMN span_claimed_by VARCHAR(100);
ALTER TABLE task_instance_history ADD COLUMN span_claim_until TIMESTAMP WITH TIME ZONE;
CREATE INDEX task_instance_history_span_pending_idx ON task_instance_history (span_exported_at, state);
