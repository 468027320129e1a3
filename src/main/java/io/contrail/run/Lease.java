package io.contrail.run;

/**
 * Who holds a task instance: the job (scheduler process) whose executor took it while queued or
 * running, the host it runs on, and its process (group leader, shell tasks) there. A recovering
 * scheduler uses it to find a dead job's tasks and kill what they left behind.
 */
public record Lease(Long jobId, String hostname, Long pid) {
  public static final Lease NONE = new Lease(null, null, null);

  public static Lease of(long jobId) {
    return new Lease(jobId, null, null);
  }

  public Lease onHost(String host) {
    return new Lease(jobId, host, null);
  }

  public Lease withPid(long newPid) {
    return new Lease(jobId, hostname, newPid);
  }
}
