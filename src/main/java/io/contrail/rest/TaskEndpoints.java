package io.contrail.rest;

import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.Listing;
import io.contrail.storage.NoteStore;
import io.contrail.storage.Page;
import io.contrail.storage.RunQueries;
import io.contrail.storage.RunQueries.TaskColumn;
import io.contrail.storage.RunStore;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Task instances of a run ({@code ~} for every DAG and/or every run), one task instance, and its
 * tries — one per try, the current one included, as Airflow lists them.
 */
final class TaskEndpoints implements Routes.Group {
  static final Map<String, TaskColumn> ORDER = orderNames();
  /** Airflow's task instance states; those Contrail never uses match nothing, {@code none} is Contrail's. */
  static final Map<String, TaskState> STATES = states();

  private final RunStore runs;
  private final RunQueries queries;
  private final NoteStore notes;
  private final RunViews views;
  private final Lookups lookups;

  TaskEndpoints(RunStore runs, RunQueries queries, NoteStore notes, RunViews views, Lookups lookups) {
    this.runs = runs;
    this.queries = queries;
    this.notes = notes;
    this.views = views;
    this.lookups = lookups;
  }

  private static Map<String, TaskColumn> orderNames() {
    Map<String, TaskColumn> m = new LinkedHashMap<>();
    m.put("id", TaskColumn.KEY);
    m.put("map_index", TaskColumn.KEY);
    m.put("state", TaskColumn.STATE);
    m.put("duration", TaskColumn.DURATION);
    m.put("start_date", TaskColumn.START_DATE);
    m.put("end_date", TaskColumn.END_DATE);
    m.put("try_number", TaskColumn.TRY_NUMBER);
    m.put("logical_date", TaskColumn.LOGICAL_DATE);
    m.put("run_after", TaskColumn.RUN_AFTER);
    m.put("operator", TaskColumn.OPERATOR);
    return Map.copyOf(m);
  }

  private static Map<String, TaskState> states() {
    Map<String, TaskState> m = new LinkedHashMap<>();
    for (String airflowOnly : List.of("removed", "restarting", "up_for_reschedule", "deferred", "awaiting_input")) {
      m.put(airflowOnly, null);
    }
    for (TaskState s : TaskState.values()) {
      m.put(s.id(), s);
    }
    return m;
  }

  @Override
  public void routes(Routes routes) {
    String tis = "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances";
    routes.get(tis, this::list);
    routes.get(tis + "/{task_id}", ctx -> {
      DagRun run = lookups.run(ctx);
      TaskInstance ti = lookups.taskInstance(ctx, run);
      Responses.json(ctx, views.taskInstance(ti, run, notes.taskNotes(run.key()).get(ti.taskId())));
    });
    routes.get(tis + "/{task_id}/tries", ctx -> {
      DagRun run = lookups.run(ctx);
      TaskInstance ti = lookups.taskInstance(ctx, run);
      List<Map<String, Object>> tries = tries(ti, run);
      Responses.json(ctx, Responses.collection("task_instances", tries, tries.size()));
    });
    routes.get(tis + "/{task_id}/tries/{task_try_number}", ctx -> {
      DagRun run = lookups.run(ctx);
      TaskInstance ti = lookups.taskInstance(ctx, run);
      int n = tryNumber(ctx, "task_try_number");
      Map<String, Object> one = tries(ti, run).stream().filter(t -> t.get("try_number").equals(n)).findFirst()
          .orElseThrow(() -> ApiException.notFound("The Task Instance with dag_id: `" + ti.dagId() + "`, run_id: `"
              + ti.runId() + "`, task_id: `" + ti.taskId() + "`, try_number: `" + n + "` and map_index: `-1` was not found"));
      Responses.json(ctx, one);
    });
  }

  /** A try number from the path: an integer (else 422), at least 0 (else 422). */
  static int tryNumber(Context ctx, String name) {
    String text = ctx.pathParam(name);
    long n;
    try {
      n = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw ApiException.invalid(List.of(ValidationError.of("path", name, "int_parsing",
          "Input should be a valid integer, unable to parse string as an integer", Ids.printable(text))));
    }
    if (n < 0) {
      throw ApiException.invalid(List.of(new ValidationError(List.of("path", name),
          "Input should be greater than or equal to 0", "greater_than_equal", text, Map.of("ge", 0))));
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  /** Every try of the task instance: its attempt rows, and its current try if that has not started. */
  List<Map<String, Object>> tries(TaskInstance ti, DagRun run) {
    List<Map<String, Object>> out = new ArrayList<>();
    int last = 0;
    for (TaskAttempt at : runs.attempts(run.key())) {
      if (at.taskId().equals(ti.taskId())) {
        out.add(views.attempt(at, ti, run));
        last = Math.max(last, at.tryNumber());
      }
    }
    if (ti.tryNumber() > last) {
      out.add(views.currentTry(ti, run));
    }
    return out;
  }

  private void list(Context ctx) {
    String dagId = ctx.pathParam("dag_id");
    String runId = ctx.pathParam("dag_run_id");
    if (!dagId.equals("~") && !runId.equals("~")) {
      lookups.run(ctx);
    } else if (!dagId.equals("~")) {
      lookups.dag(ctx);
    } else if (!runId.equals("~") && !Ids.isRunId(runId)) {
      throw Lookups.runNotFound(dagId, runId);
    }
    Params p = Params.of(ctx);
    int limit = p.limit();
    int offset = p.offset();
    Map<TaskColumn, Listing.Range<Instant>> times = p.timeRanges(TaskColumn.class, TaskColumn.LOGICAL_DATE, TaskColumn.RUN_AFTER,
        TaskColumn.START_DATE, TaskColumn.END_DATE);
    Listing.Range<Double> duration = p.numberRange("duration");
    List<Listing.Sort<TaskColumn>> sort = p.orderBy(ORDER, "map_index");
    Set<TaskState> states = p.values("state", STATES);
    Set<Integer> tries = p.integers("try_number");
    p.check();
    if (states.contains(null) && states.size() == 1) {
      Responses.json(ctx, Responses.pagedCollection("task_instances", List.of(), 0));
      return; // only states Contrail never has
    }
    states.remove(null);
    Listing.Match taskMatch = p.pattern("task_display_name_pattern");
    Page<RunQueries.TaskRow> page = queries.taskInstances(new RunQueries.TaskQuery(dagId.equals("~") ? null : dagId,
        runId.equals("~") ? null : runId, limit, offset, sort, states, p.text("task_id"), taskMatch,
        p.pattern("dag_id_pattern"), p.pattern("run_id_pattern"), Set.copyOf(p.list("pool")),
        Set.copyOf(p.list("operator")), tries, times, duration));
    Responses.json(ctx, Responses.pagedCollection("task_instances",
        page.items().stream().map(r -> views.taskInstance(r.ti(), r.run(), r.note())).toList(), page.total()));
  }
}
