package io.contrail.storage;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Scheduler jobs and their heartbeats, so a crashed process's tasks can be found and recovered. */
public interface JobStore {
  long start(String jobType, String hostname, long pid, Instant now);

  /** Returns false when the job is no longer running (another process declared it dead). */
  boolean heartbeat(long id, Instant now);

  void end(long id, String state, Instant now);

  Optional<Job> find(long id);

  /** Running jobs whose last heartbeat is older than {@code before}. */
  List<Job> staleJobs(Instant before);

  /** Marks a stale job failed; false if another process already did. */
  boolean markFailed(long id, Instant now);
}
