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
  STANDALONE("standalone", true, true),
  SCHEDULER("scheduler", true, true),
  DAGS_TEST("dags_test", true, false),
  BACKFILL("backfill", true, false),
  /** A benchmark scenario: a foreground run, with the telemetry of the roles it imitates. */
  BENCH("bench", true, true),
  CLI("cli", false, false);

  private final String id;
  private final boolean runsTasks;
  private final boolean scraped;

  Role(String id, boolean runsTasks, boolean scraped) {
    this.id = id;
    this.runsTasks = runsTasks;
    this.scraped = scraped;
  }

  /** The role's name, as recorded on its job row and in logs. */
  public String id() {
    return id;
  }

  /**
   * Lives long enough for Prometheus to scrape it, so it opens the /metrics endpoint when
   * {@code prometheus_on}; a short command does not (the port is the server's, and usually taken).
   */
  public boolean scraped() {
    return scraped;
  }

  /** Runs tasks in this process, so it ships their spans (and attempt logs) when traces are on. */
  public boolean runsTasks() {
    return runsTasks;
  }
}
