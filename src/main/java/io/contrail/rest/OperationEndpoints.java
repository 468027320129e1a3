package io.contrail.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.operations.ClearRequest;
import io.contrail.operations.MarkRequest;
import io.contrail.operations.OperationResult;
import io.contrail.operations.RunOperations;
import io.contrail.operations.TaskSelection;
import io.contrail.run.DagRun;
import io.contrail.run.RunChange;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.NoteStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.StoredDag;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Clearing and marking as Airflow's REST API names them — {@code POST .../clearTaskInstances},
 * {@code POST .../dagRuns/{id}/clear}, {@code PATCH .../dagRuns/{id}} (state, note) and
 * {@code PATCH .../taskInstances/{task_id}} (new_state, note) — each a thin adapter over the one
 * {@link RunOperations} the CLI uses too: the body is checked as Airflow checks it, turned into
 * the service's request, and the answer shows what the service changed (or, for a dry run, would
 * change). The service's refusals ({@code OperationException}) become 404, 409 or 400 in the server's
 * exception mapping. Notes are the user's text, set beside the operation ({@link NoteStore}).
 */
final class OperationEndpoints implements Routes.Group {
  private static final Set<String> CLEAR_KEYS = Set.of("dry_run", "start_date", "end_date", "only_failed",
      "only_running", "reset_dag_runs", "task_ids", "dag_run_id", "include_upstream", "include_downstream",
      "include_future", "include_past", "run_on_latest_version", "prevent_running_task", "note");
  private static final Set<String> RUN_CLEAR_KEYS = Set.of("dry_run", "only_failed", "only_new",
      "run_on_latest_version", "note");
  private static final Set<String> RUN_PATCH_KEYS = Set.of("state", "note");
  private static final Set<String> TASK_PATCH_KEYS = Set.of("new_state", "note", "include_upstream",
      "include_downstream", "include_future", "include_past");
  private static final Map<String, RunState> RUN_STATES = Map.of("queued", RunState.QUEUED, "success",
      RunState.SUCCESS, "failed", RunState.FAILED);
  private static final Map<String, TaskState> TASK_STATES = Map.of("success", TaskState.SUCCESS, "failed",
      TaskState.FAILED, "skipped", TaskState.SKIPPED);

  private final RunOperations operations;
  private final RunStore runs;
  private final NoteStore notes;
  private final RunViews views;
  private final Lookups lookups;

  OperationEndpoints(RunOperations operations, RunStore runs, NoteStore notes, RunViews views, Lookups lookups) {
    this.operations = operations;
    this.runs = runs;
    this.notes = notes;
    this.views = views;
    this.lookups = lookups;
  }

  @Override
  public void routes(Routes routes) {
    String run = "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}";
    routes.post("/api/v2/dags/{dag_id}/clearTaskInstances", this::clearTaskInstances);
    routes.post(run + "/clear", this::clearRun);
    routes.patch(run, this::patchRun);
    routes.patch(run + "/taskInstances/{task_id}", this::patchTaskInstance);
  }

  /** Who asks, as the service records it on the spans it changes (the CLI's is {@code cli:user@host}). */
  private static String actor(Context ctx) {
    return "api:" + Authentication.account(ctx).name();
  }

  private void clearTaskInstances(Context ctx) {
    StoredDag dag = lookups.dag(ctx);
    Body body = Body.parse(ctx.bodyAsBytes(), CLEAR_KEYS);
    boolean dryRun = flag(body, "dry_run", true);
    Instant from = body.time("start_date", false);
    Instant to = body.time("end_date", false);
    boolean onlyFailed = flag(body, "only_failed", true);
    boolean onlyRunning = flag(body, "only_running", false);
    boolean resetRuns = flag(body, "reset_dag_runs", true);
    List<String> taskIds = taskIds(body);
    String runId = body.string("dag_run_id", false, 250);
    boolean upstream = flag(body, "include_upstream", false);
    boolean downstream = flag(body, "include_downstream", false);
    boolean future = flag(body, "include_future", false);
    boolean past = flag(body, "include_past", false);
    flag(body, "run_on_latest_version", false);
    boolean preventRunning = flag(body, "prevent_running_task", false);
    String note = body.string("note", false, NoteStore.MAX_CHARS);
    body.check();
    if (future || past) {
      throw ApiException.badRequest("include_future and include_past are not supported: name the runs with"
          + " dag_run_id or start_date and end_date");
    }
    if (runId != null) {
      if (!Ids.isRunId(runId) || runs.findRun(new RunKey(dag.dagId(), runId)).isEmpty()) {
        throw ApiException.notFound("Dag Run id " + Ids.printable(runId) + " not found in dag " + dag.dagId());
      }
    }
    if (taskIds != null) {
      // Airflow answers unknown task ids with an empty list; the service refuses them
      Set<String> known = dag.dag().taskIndex().keySet();
      taskIds = taskIds.stream().filter(known::contains).toList();
    }
    TaskSelection selection = new TaskSelection(taskIds, upstream, downstream, onlyFailed, onlyRunning);
    ClearRequest request = (runId != null ? ClearRequest.ofRun(dag.dagId(), runId, selection, actor(ctx))
        : ClearRequest.between(dag.dagId(), from, to, selection, actor(ctx))).resetRuns(resetRuns);
    if (preventRunning && !dryRun) {
      boolean running = operations.clear(request.dryRun(true)).taskChanges().stream()
          .anyMatch(c -> c.before().state() == TaskState.RUNNING);
      if (running) {
        throw ApiException.badRequest("Task instances of dag '" + dag.dagId() + "' are running and"
            + " prevent_running_task is set: nothing was cleared");
      }
    }
    OperationResult result = operations.clear(request.dryRun(dryRun));
    if (!dryRun && note != null) {
      result.runs().forEach(r -> notes.setRunNote(r.key(), note));
    }
    List<Map<String, Object>> out = taskViews(result, dryRun, c -> true);
    Responses.json(ctx, Responses.pagedCollection("task_instances", out, out.size()));
  }

  /** task_ids: each a task id or {@code [task_id, map_index]} (Contrail's map index is always -1). */
  private static List<String> taskIds(Body body) {
    JsonNode node = body.node("task_ids");
    if (node == null) {
      return null;
    }
    if (!node.isArray()) {
      body.error("task_ids", "list_type", "Input should be a valid list");
      return null;
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode entry : node) {
      if (entry.isTextual()) {
        ids.add(entry.textValue());
      } else if (entry.isArray() && entry.size() == 2 && entry.get(0).isTextual() && entry.get(1).isIntegralNumber()) {
        if (entry.get(1).asLong() == -1) {
          ids.add(entry.get(0).textValue()); // another map index matches nothing here
        }
      } else {
        body.error("task_ids", "union_tag_invalid", "Each entry should be a task_id or [task_id, map_index]");
        return null;
      }
    }
    return ids;
  }

  private void clearRun(Context ctx) {
    DagRun run = lookups.run(ctx);
    Body body = Body.parse(ctx.bodyAsBytes(), RUN_CLEAR_KEYS);
    boolean dryRun = flag(body, "dry_run", true);
    boolean onlyFailed = flag(body, "only_failed", false);
    boolean onlyNew = flag(body, "only_new", false);
    flag(body, "run_on_latest_version", false);
    String note = body.string("note", false, NoteStore.MAX_CHARS);
    body.check();
    if (onlyNew) {
      throw ApiException.badRequest("only_new is not supported: Contrail keeps one version of a DAG");
    }
    ClearRequest request = ClearRequest.ofRun(run.dagId(), run.runId(), TaskSelection.ALL.onlyFailed(onlyFailed),
        actor(ctx)).dryRun(dryRun);
    OperationResult result = operations.clear(request);
    if (dryRun) {
      List<Map<String, Object>> out = taskViews(result, true, c -> true);
      Responses.json(ctx, Responses.collection("task_instances", out, out.size()));
      return;
    }
    if (note != null) {
      notes.setRunNote(run.key(), note);
    }
    Responses.json(ctx, views.run(current(run.key())));
  }

  private void patchRun(Context ctx) {
    DagRun run = lookups.run(ctx);
    Set<String> mask = mask(ctx);
    Body body = Body.parse(ctx.bodyAsBytes(), RUN_PATCH_KEYS);
    String stateText = body.string("state", false, 20);
    String note = body.string("note", false, NoteStore.MAX_CHARS);
    RunState state = null;
    if (stateText != null) {
      state = RUN_STATES.get(stateText);
      if (state == null) {
        body.error("state", "enum", "Input should be 'queued', 'success' or 'failed'");
      }
    }
    body.check();
    if (wanted(mask, "state", body) && state != null && state != run.state()) {
      operations.markRun(MarkRequest.Run.of(run.key(), state, actor(ctx)));
    }
    if (wanted(mask, "note", body)) {
      notes.setRunNote(run.key(), note);
    }
    Responses.json(ctx, views.run(current(run.key())));
  }

  private void patchTaskInstance(Context ctx) {
    DagRun run = lookups.run(ctx);
    TaskInstance ti = lookups.taskInstance(ctx, run);
    Params p = Params.of(ctx);
    Long mapIndex = p.integer("map_index", -1, null);
    p.check();
    if (mapIndex != null && mapIndex != -1) {
      throw Lookups.taskNotFound(run, ti.taskId() + "` and map_index: `" + mapIndex);
    }
    Set<String> mask = mask(ctx);
    Body body = Body.parse(ctx.bodyAsBytes(), TASK_PATCH_KEYS);
    String stateText = body.string("new_state", false, 20);
    String note = body.string("note", false, NoteStore.MAX_CHARS);
    boolean upstream = flag(body, "include_upstream", false);
    boolean downstream = flag(body, "include_downstream", false);
    boolean future = flag(body, "include_future", false);
    boolean past = flag(body, "include_past", false);
    TaskState state = null;
    if (stateText != null) {
      state = TASK_STATES.get(stateText);
      if (state == null) {
        body.error("new_state", "value_error", "Value error, '" + stateText
            + "' is not one of ['success', 'failed', 'skipped']");
      }
    }
    body.check();
    if (future || past) {
      throw ApiException.badRequest("include_future and include_past are not supported: mark the task instance of"
          + " each run");
    }
    List<Map<String, Object>> out;
    if (wanted(mask, "new_state", body) && state != null) {
      TaskState target = state;
      OperationResult result = operations.markTask(MarkRequest.Task.of(ti.key(), target, actor(ctx))
          .withUpstream(upstream).withDownstream(downstream));
      if (wanted(mask, "note", body)) {
        notes.setTaskNote(ti.key(), note);
      }
      // the marked ones; the failed downstream the service cleared to resume is not what was asked
      out = taskViews(result, false, c -> c.after().state() == target);
    } else {
      if (wanted(mask, "note", body)) {
        notes.setTaskNote(ti.key(), note);
      }
      out = List.of(views.taskInstance(runs.taskInstance(ti.key()).orElseThrow(() -> Lookups.taskNotFound(run,
          ti.taskId())), current(run.key()), notes.taskNotes(run.key()).get(ti.taskId())));
    }
    Responses.json(ctx, Responses.pagedCollection("task_instances", out, out.size()));
  }

  /** The task instances a clear or mark changed, as they are now (a dry run: as they are, unchanged). */
  private List<Map<String, Object>> taskViews(OperationResult result, boolean dryRun,
      Predicate<TaskChange> shown) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RunChange change : result.runs()) {
      DagRun run = dryRun ? change.before() : current(change.key());
      Map<String, String> taskNotes = notes.taskNotes(change.key());
      // as stored now, read once per run: the scheduler may have moved a cleared one on already
      Map<String, TaskInstance> now = new HashMap<>();
      if (!dryRun) {
        runs.taskInstances(change.key()).forEach(ti -> now.put(ti.taskId(), ti));
      }
      for (TaskChange c : change.tasks()) {
        if (shown.test(c)) {
          TaskInstance ti = dryRun ? c.before() : now.getOrDefault(c.after().taskId(), c.after());
          out.add(views.taskInstance(ti, run, taskNotes.get(ti.taskId())));
        }
      }
    }
    return out;
  }

  private DagRun current(RunKey key) {
    return runs.findRun(key).orElseThrow(() -> Lookups.runNotFound(key.dagId(), key.runId()));
  }

  /** A boolean body field with Airflow's default when absent or null. */
  private static boolean flag(Body body, String key, boolean defaultValue) {
    Boolean b = body.bool(key, false);
    return b == null ? defaultValue : b;
  }

  /** {@code update_mask}: the fields to change; empty means every field the body names. */
  private static Set<String> mask(Context ctx) {
    Set<String> mask = new HashSet<>();
    Params.of(ctx).list("update_mask").forEach(v -> mask.addAll(List.of(v.split(","))));
    return mask;
  }

  private static boolean wanted(Set<String> mask, String field, Body body) {
    return mask.isEmpty() ? body.has(field) : mask.contains(field);
  }
}
