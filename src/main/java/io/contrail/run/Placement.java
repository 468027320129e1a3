package io.contrail.run;

/**
 * Where one try ran: the executor, the host, the task's process (shell tasks) there, and the job
 * that ran it (the scheduler's, standalone's or distributed worker's; null when not known).
 */
public record Placement(String executor, String hostname, Long pid, Long jobId) {
  public Placement(String executor, String hostname, Long pid) {
    this(executor, hostname, pid, null);
  }
}
