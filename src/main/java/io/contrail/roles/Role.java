package io.contrail.roles;

/**
 * The kinds of Contrail process, each with its composition root in this package: {@code
 * standalone} and {@code scheduler} ({@link SchedulerProcess}), the foreground runs of {@code dags
 * test}, {@code dags backfill} and the benchmarks ({@link Foreground}), and the short CLI commands
 * ({@link Contrail} alone). A role decides what telemetry its process has: one that runs tasks
 * ships their spans from the database outbox when traces are on; one that runs none does not.
 * The API server (runs no tasks) and the distributed worker (runs tasks) join as roles here.
 */
public enum Role {
  STANDALONE("standalone", true),
  SCHEDULER("scheduler", true),
  DAGS_TEST("dags_test", true),
  BACKFILL("backfill", true),
  /** A benchmark scenario: a foreground run, with the telemetry of the roles it imitates. */
  BENCH("bench", true),
  CLI("cli", false);

  private final String id;
  private final boolean runsTasks;

  Role(String id, boolean runsTasks) {
    this.id = id;
    this.runsTasks = runsTasks;
  }

  /** The role's name, as recorded on its job row and in logs. */
  public String id() {
    return id;
  }

  /** Runs tasks in this process, so it ships their spans (and attempt logs) when traces are on. */
  public boolean runsTasks() {
    return runsTasks;
  }
}
