package io.contrail.run;

/**
 * Who holds a task instance: the job (a scheduler, or any other process role that runs tasks)
 * whose executor took it while queued or running, the host it runs on, and — for a task that runs
 * as its own process (shell tasks) — that process's identity there. Every state write of the task
 * instance compares the stored job id, so a job declared dead cannot write over a recovery; a
 * recovering scheduler uses the host and process to find what a dead job left behind.
 *
 * @param process the task's own process (group leader), null for tasks that run inside the job's
 *     JVM (noop, sleep, http, java) and before it started
 */
public record Lease(Long jobId, String hostname, ProcessIdentity process) {
  public static final Lease NONE = new Lease(null, null, null);

  public static Lease of(long jobId) {
    return new Lease(jobId, null, null);
  }

  public Lease onHost(String host) {
    return new Lease(jobId, host, null);
  }

  public Lease withProcess(ProcessIdentity p) {
    return new Lease(jobId, hostname, p);
  }

  /**
   * The same host and process, no job: a user marked the task instance while it ran, so the try
   * still running there is no longer its job's (that job's stop watch stops it, and its writes are
   * refused).
   */
  public Lease released() {
    return new Lease(null, hostname, process);
  }

  /** The task's process id, null when it has no process of its own. */
  public Long pid() {
    return process == null ? null : process.pid();
  }
}
