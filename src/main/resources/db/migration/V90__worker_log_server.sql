-- The log server of a worker (issue #15): where the API server and the CLI fetch the log of a try
-- that ran on another machine. NULL while the worker has none ([worker] log_server_port = 0, or
-- its port was taken). The try's own rows name only its hostname (task_instance_history.hostname,
-- and the owning job_id on task_instance for the current try), so a log is looked up by the
-- hostname of the job that registered the worker: job_hostname_idx serves that, and the number of
-- rows it touches is the number of workers ever started on that host, not the length of history.
ALTER TABLE worker ADD COLUMN log_server_host VARCHAR(250);
ALTER TABLE worker ADD COLUMN log_server_port INTEGER;
CREATE INDEX job_hostname_idx ON job (hostname, id);
