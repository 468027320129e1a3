-- Process identity for crash and pause safety (issue #10). A pid alone names whatever process the
-- kernel gave that number to last; with its start time it names one process. A task instance
-- records its own process (shell tasks) and a job records the JVM running it, so a recovering
-- scheduler kills a leftover process group only when its leader is the process that was started,
-- and knows an in-JVM task died with its JVM only when that JVM is really gone.

ALTER TABLE task_instance ADD COLUMN process_started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE job ADD COLUMN process_started_at TIMESTAMP WITH TIME ZONE;
