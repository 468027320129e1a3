package io.contrail.storage;

import io.contrail.run.ProcessIdentity;
import java.time.Instant;

/**
 * A process registered in the database with its heartbeat — a scheduler, standalone, a foreground
 * run, later a worker: any process that owns task instances. Its tasks are recovered once it has
 * been declared dead.
 *
 * @param processStartedAt when the job's process (its JVM) started, so the pid can be told apart
 *     from a later process with the same number; null for jobs registered before it was recorded
 */
public record Job(long id, String jobType, String hostname, long pid, String state, Instant startDate,
    Instant endDate, Instant latestHeartbeat, Instant processStartedAt) {

  public Job(long id, String jobType, String hostname, long pid, String state, Instant startDate,
      Instant endDate, Instant latestHeartbeat) {
    this(id, jobType, hostname, pid, state, startDate, endDate, latestHeartbeat, null);
  }

  public boolean isRunning() {
    return "running".equals(state);
  }

  /** The job's process. */
  public ProcessIdentity process() {
    return new ProcessIdentity(pid, processStartedAt);
  }
}
