-- The REST API (issue #13): a user's note on a task instance (Airflow's PATCH .../taskInstances/{id}
-- with update_mask=note), as dag_run.note (V50) is the note on a run.
ALTER TABLE task_instance ADD COLUMN note VARCHAR(1000);
