package io.contrail.storage;

import io.contrail.run.ProcessIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Jobs — every process that owns task instances (schedulers, standalone, foreground runs, later
 * workers) — and their heartbeats, so a crashed or paused process's tasks can be found and
 * recovered, and so a process declared dead learns it at its next heartbeat.
 */
public interface JobStore {
  /** Registers a running job of {@code process} on {@code hostname}; returns its new id. */
  long start(String jobType, String hostname, ProcessIdentity process, Instant now);

  /** A job whose process start time is not known. */
  default long start(String jobType, String hostname, long pid, Instant now) {
    return start(jobType, hostname, new ProcessIdentity(pid, null), now);
  }

  /** Returns false when the job is no longer running (another process declared it dead). */
  boolean heartbeat(long id, Instant now);

  void end(long id, String state, Instant now);

  Optional<Job> find(long id);

  /** Running jobs whose last heartbeat is older than {@code before}. */
  List<Job> staleJobs(Instant before);

  /**
   * Marks a stale job failed, releasing whatever it held that another process can take over at
   * once (its span outbox claims); false if another process already did.
   */
  boolean markFailed(long id, Instant now);
}
