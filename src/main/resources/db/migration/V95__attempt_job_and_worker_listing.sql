-- Issue #15 (telemetry, workers API).
--
-- task_instance_history.job_id: the job that ran the try (a scheduler's, a standalone's, or the
-- distributed worker's that claimed it), carried by the attempt span as contrail.job_id. Null for
-- tries recorded before this column existed.
ALTER TABLE task_instance_history ADD COLUMN job_id BIGINT;

-- `workers list`, GET /api/v2/contrail/workers and the health endpoint read the workers whose job
-- runs or ended lately (state = 'running' OR end_date >= ?): with this index beside job_state_idx
-- that read stays small however many jobs the database has seen.
CREATE INDEX job_end_date_idx ON job (end_date);
