package io.contrail.rest;

import io.contrail.storage.DagQueries;
import io.contrail.storage.Job;
import io.contrail.storage.Sql;
import io.contrail.storage.WorkerStore;
import io.contrail.worker.WorkerListing;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v2/version} and {@code GET /api/v2/monitor/health}, both public. Health is
 * always 200: the metadata database answers or not; the scheduler (and the DAG processing it runs,
 * Airflow's dag_processor) is healthy when a scheduler or standalone job heart-beat within
 * {@code [scheduler] zombie_threshold_ms}, unhealthy with its last heartbeat otherwise; Contrail
 * has no triggerer, which is reported the way Airflow reports a component that never ran (nulls).
 * With {@code [core] executor = distributed}, or whenever a worker is listed (running, or ended
 * within the hour), a Contrail-only {@code workers} entry follows: healthy while at least one
 * worker is running with a fresh heartbeat, with that count and the newest worker heartbeat; a
 * deployment without workers keeps Airflow's exact answer.
 */
final class MonitorEndpoints implements Routes.Group {
  static final String VERSION = "0.1.0";
  private static final Logger LOG = LoggerFactory.getLogger(MonitorEndpoints.class);
  private static final List<String> SCHEDULER_JOBS = List.of("standalone", "scheduler");

  private final Sql sql;
  private final DagQueries queries;
  private final Clock clock;
  private final Duration threshold;
  private final WorkerStore workers;
  private final boolean distributed;

  /** @param distributed whether [core] executor is distributed: then the workers entry is always there */
  MonitorEndpoints(Sql sql, DagQueries queries, Clock clock, Duration threshold, WorkerStore workers,
      boolean distributed) {
    this.sql = sql;
    this.queries = queries;
    this.clock = clock;
    this.threshold = threshold;
    this.workers = workers;
    this.distributed = distributed;
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/api/v2/version", ctx -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", VERSION);
      m.put("git_version", null);
      Responses.json(ctx, m);
    });
    routes.get("/api/v2/monitor/health", ctx -> Responses.json(ctx, health()));
  }

  Map<String, Object> health() {
    boolean database;
    Optional<Job> job = Optional.empty();
    WorkerListing.Health workerHealth = null;
    try {
      sql.query("SELECT 1", rs -> 1);
      job = queries.latestJob(SCHEDULER_JOBS);
      workerHealth = WorkerListing.Health.of(WorkerListing.list(workers, clock.instant(), threshold));
      database = true;
    } catch (RuntimeException e) {
      LOG.warn("health check: the metadata database does not answer: {}", e.toString());
      database = false;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("metadatabase", Map.of("status", database ? "healthy" : "unhealthy"));
    String status;
    String beat;
    if (!database) {
      status = "unhealthy";
      beat = null;
    } else if (job.isEmpty()) {
      status = null;
      beat = null;
    } else {
      Job j = job.get();
      boolean alive = j.state().equals("running")
          && Duration.between(j.latestHeartbeat(), clock.instant()).compareTo(threshold) < 0;
      status = alive ? "healthy" : "unhealthy";
      beat = Wire.isoformat(j.latestHeartbeat());
    }
    m.put("scheduler", component(status, "latest_scheduler_heartbeat", beat));
    m.put("triggerer", component(null, "latest_triggerer_heartbeat", null));
    m.put("dag_processor", component(status, "latest_dag_processor_heartbeat", beat));
    if (distributed || (workerHealth != null && workerHealth.listed() > 0)) {
      m.put("workers", workers(database, workerHealth));
    }
    return m;
  }

  private static Map<String, Object> workers(boolean database, WorkerListing.Health h) {
    Map<String, Object> c = new LinkedHashMap<>();
    if (!database || h == null) {
      c.put("status", "unhealthy");
      c.put("healthy_workers", 0);
      c.put("latest_worker_heartbeat", null);
      return c;
    }
    c.put("status", h.healthy() > 0 ? "healthy" : "unhealthy");
    c.put("healthy_workers", h.healthy());
    c.put("latest_worker_heartbeat", Wire.isoformat(h.latestHeartbeat()));
    return c;
  }

  private static Map<String, Object> component(String status, String beatKey, String beat) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("status", status);
    c.put(beatKey, beat);
    return c;
  }
}
