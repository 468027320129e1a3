package io.contrail.rest;

import io.contrail.operations.RunCreator;
import io.contrail.operations.RunOperations;
import io.contrail.operations.RunRequest;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunOrigin;
import io.contrail.run.RunState;
import io.contrail.run.RunType;
import io.contrail.schedule.DataInterval;
import io.contrail.storage.DagStore;
import io.contrail.storage.Listing;
import io.contrail.storage.Page;
import io.contrail.storage.RunQueries;
import io.contrail.storage.RunQueries.RunColumn;
import io.contrail.storage.RunStore;
import io.contrail.storage.StoredDag;
import io.contrail.telemetry.traces.RunSpans;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * DAG runs: list ({@code ~} as the DAG id lists across DAGs), one run, trigger, delete (through
 * {@link RunOperations}, as {@code contrail runs delete}), the
 * {@code /wait} stream, and the run's trace as OTLP JSON. Triggering goes through the one
 * {@link RunCreator}: a W3C {@code traceparent} request header makes the run's trace a child of
 * the caller's span, and the run's span links to the request's own span.
 */
final class RunEndpoints implements Routes.Group {
  static final Map<String, RunColumn> ORDER = orderNames();
  static final Map<String, RunState> STATES = Params.names(RunState::id, RunState.values());
  static final Map<String, RunType> TYPES = Params.names(RunType::id, RunType.values());
  // run_after and partition_key only as null: airflowctl sends every field of the body
  private static final Set<String> TRIGGER_KEYS = Set.of("dag_run_id", "data_interval_start", "data_interval_end",
      "logical_date", "conf", "note", "run_after", "partition_key");

  private final DagStore dags;
  private final RunStore runs;
  private final RunQueries queries;
  private final RunCreator creator;
  private final RunOperations operations;
  private final RunSpans spans;
  private final RunViews views;
  private final Lookups lookups;

  RunEndpoints(DagStore dags, RunStore runs, RunQueries queries, RunCreator creator, RunOperations operations,
      RunSpans spans, RunViews views, Lookups lookups) {
    this.dags = dags;
    this.runs = runs;
    this.queries = queries;
    this.creator = creator;
    this.operations = operations;
    this.spans = spans;
    this.views = views;
    this.lookups = lookups;
  }

  private static Map<String, RunColumn> orderNames() {
    Map<String, RunColumn> m = new LinkedHashMap<>();
    m.put("id", RunColumn.CREATED);
    m.put("state", RunColumn.STATE);
    m.put("dag_id", RunColumn.DAG_ID);
    m.put("run_id", RunColumn.RUN_ID);
    m.put("dag_run_id", RunColumn.RUN_ID);
    m.put("logical_date", RunColumn.LOGICAL_DATE);
    m.put("run_after", RunColumn.RUN_AFTER);
    m.put("start_date", RunColumn.START_DATE);
    m.put("end_date", RunColumn.END_DATE);
    m.put("duration", RunColumn.DURATION);
    m.put("conf", RunColumn.CONF);
    return Map.copyOf(m);
  }

  @Override
  public void routes(Routes routes) {
    String run = "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}";
    routes.get("/api/v2/dags/{dag_id}/dagRuns", this::list);
    routes.post("/api/v2/dags/{dag_id}/dagRuns", this::trigger);
    routes.get(run, ctx -> Responses.json(ctx, views.run(lookups.run(ctx))));
    routes.delete(run, this::delete);
    routes.get(run + "/wait", this::await);
    routes.get(run + "/trace", ctx -> {
      DagRun r = lookups.run(ctx);
      ctx.status(200).contentType("application/json").result(RunSpans.otlpJson(spans.of(r.key())));
    });
  }

  private void list(Context ctx) {
    String dagId = ctx.pathParam("dag_id");
    if (!dagId.equals("~")) {
      lookups.dag(ctx);
    }
    Params p = Params.of(ctx);
    int limit = p.limit();
    int offset = p.offset();
    Map<RunColumn, Listing.Range<Instant>> times = p.timeRanges(RunColumn.class, RunColumn.LOGICAL_DATE, RunColumn.RUN_AFTER,
        RunColumn.START_DATE, RunColumn.END_DATE);
    Listing.Range<Double> duration = p.numberRange("duration");
    List<Listing.Sort<RunColumn>> sort = p.orderBy(ORDER, "id");
    Set<RunState> states = p.values("state", STATES);
    Set<RunType> types = p.values("run_type", TYPES);
    p.check();
    Page<DagRun> page = queries.runs(new RunQueries.RunQuery(dagId.equals("~") ? null : dagId, limit, offset, sort,
        states, types, p.pattern("dag_id_pattern"), p.pattern("run_id_pattern"),
        p.pattern("triggering_user_name_pattern"), p.text("conf_contains"), times, duration));
    Responses.json(ctx, Responses.pagedCollection("dag_runs", page.items().stream().map(views::run).toList(),
        page.total()));
  }

  private void trigger(Context ctx) {
    StoredDag dag = lookups.dag(ctx);
    if (!dag.active()) {
      throw ApiException.notFound("Dag with dag_id: '" + dag.dagId() + "' not found");
    }
    Body body = Body.parse(ctx.bodyAsBytes(), TRIGGER_KEYS);
    String runId = body.string("dag_run_id", false, 250);
    if (!body.has("logical_date")) {
      body.error("logical_date", "missing", "Field required");
    }
    Instant logicalDate = body.time("logical_date", false);
    Instant intervalStart = body.time("data_interval_start", false);
    Instant intervalEnd = body.time("data_interval_end", false);
    String conf = body.object("conf");
    String note = body.string("note", false, RunOrigin.MAX_NOTE_CHARS);
    for (String unsupported : List.of("run_after", "partition_key")) {
      if (body.node(unsupported) != null) {
        body.error(unsupported, "none_required", "Input should be None: Contrail starts a manual run as soon as it can"
            + " and has no partitions");
      }
    }
    body.check();
    // an empty id means "make one" (as Airflow's); any other id is checked here, not left to the
    // planner, which treats a blank id as empty and would generate one for " "
    if (runId != null && !runId.isEmpty()) {
      try {
        io.contrail.run.Ids.runId(runId);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage());
      }
    }
    DataInterval interval = null;
    if (intervalStart != null || intervalEnd != null) {
      if (intervalStart == null || intervalEnd == null || logicalDate == null) {
        throw ApiException.badRequest("data_interval_start and data_interval_end go together, with a logical_date");
      }
      if (intervalEnd.isBefore(intervalStart)) {
        throw ApiException.badRequest("data_interval_end is before data_interval_start");
      }
      interval = new DataInterval(intervalStart, intervalEnd);
    } else if (logicalDate != null) {
      interval = new DataInterval(logicalDate, logicalDate);
    }
    RunOrigin origin = RunOrigin.manual("rest_api", Authentication.account(ctx).name(), note, logicalDate != null);
    RunRequest request = RunRequest.manual(runId == null || runId.isEmpty() ? null : runId, interval, conf,
        ctx.header("traceparent"), RequestSpans.current(ctx), origin);
    Optional<DagRun> created;
    try {
      created = creator.create(dag.dag(), request);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage()); // an invalid run id or traceparent
    }
    DagRun run = created.orElseThrow(() -> ApiException.uniqueViolation("run '" + runId + "' of DAG '" + dag.dagId()
        + "' already exists"));
    Responses.json(ctx, views.run(run));
  }

  private void delete(Context ctx) {
    DagRun run = lookups.run(ctx);
    if (run.state() == RunState.RUNNING) {
      // the service refuses it too (and wins a race); this says how to stop it over the API
      throw ApiException.conflict("Run '" + run.runId() + "' of dag '" + run.dagId() + "' is running: mark it"
          + " failed first (PATCH its dagRun with {\"state\": \"failed\"}), which stops its tasks");
    }
    operations.deleteRun(run.key());
    ctx.status(204);
  }

  /**
   * Airflow's experimental {@code /wait}: one line {@code {"state": "..."}} now and one every
   * {@code interval} seconds until the run has finished, as NDJSON with no Content-Type at all
   * (what Airflow sends, and what its Python client can read).
   */
  private void await(Context ctx) throws IOException, InterruptedException {
    DagRun run = lookups.run(ctx);
    Params p = Params.of(ctx);
    Double interval = p.number("interval");
    if (p.text("interval") == null) {
      throw ApiException.invalid(List.of(new ValidationError(List.of("query", "interval"), "Field required", "missing",
          null, null)));
    }
    p.check();
    if (interval <= 0) {
      throw ApiException.invalid(List.of(new ValidationError(List.of("query", "interval"),
          "Input should be greater than 0", "greater_than", p.text("interval"), Map.of("gt", 0.0))));
    }
    long sleepMs = Math.max(10, (long) (Math.min(interval, 3600) * 1000));
    ctx.status(200);
    ctx.res().setContentType(null);
    OutputStream out = ctx.res().getOutputStream();
    RunKey key = run.key();
    DagRun current = run;
    while (true) {
      out.write(("{\"state\": \"" + current.state().id() + "\"}\n").getBytes(StandardCharsets.UTF_8));
      out.flush(); // an IOException here is the client gone: the request ends
      if (current.state().isFinished()) {
        return;
      }
      Thread.sleep(sleepMs);
      Optional<DagRun> again = runs.findRun(key);
      if (again.isEmpty()) {
        return; // deleted while we waited
      }
      current = again.get();
    }
  }
}
