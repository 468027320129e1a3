package io.contrail.roles;

/**
 * The kinds of Contrail process, each with its composition root in this package: {@code
 * standalone} and {@code scheduler} ({@link SchedulerProcess}), the REST API alone ({@link
 * ApiServerProcess}), the foreground runs of {@code dags test}, {@code dags backfill} and the
 * benchmarks ({@link Foreground}), and the short CLI commands ({@link Contrail} alone). A role
 * decides what telemetry its process has: one that runs tasks ships their spans from the database
 * outbox when traces are on; one that serves the REST API traces its requests; one that does
 * neither has no traces. The distributed worker ({@link
 * WorkerProcess}) runs tasks.
 */
public enum Role {
  STANDALONE("standalone", true, true, true),
  SCHEDULER("scheduler", true, true, false),
  /** {@code api-server}: the REST API alone; it runs no tasks. */
  API_SERVER("api_server", false, false, true),
  DAGS_TEST("dags_test", true, false, false),
  BACKFILL("backfill", true, false, false),
  /** A benchmark scenario: a foreground run, with the telemetry of the roles it imitates. */
  BENCH("bench", true, true, false),
  /** {@code contrail worker}: runs queued tasks of its queues (executor = distributed), schedules nothing. */
  WORKER("worker", true, true, false),
  CLI("cli", false, false, false);

  private final String id;
  private final boolean runsTasks;
  private final boolean scraped;
  private final boolean servesApi;

  Role(String id, boolean runsTasks, boolean scraped, boolean servesApi) {
    this.id = id;
    this.runsTasks = runsTasks;
    this.scraped = scraped;
    this.servesApi = servesApi;
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

  /** Serves the REST API, so it traces every request when traces are on. */
  public boolean servesApi() {
    return servesApi;
  }

  /** Has a traces backend when traces are on: it runs tasks or serves requests. */
  public boolean traces() {
    return runsTasks || servesApi;
  }
}
