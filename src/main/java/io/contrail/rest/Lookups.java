package io.contrail.rest;

import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.StoredDag;
import io.javalin.http.Context;

/**
 * Reads the DAG, run or task instance a path names, with Airflow's 404 messages; a path id that
 * could not be an id (a {@code /}, {@code ..}, NUL ...) is not looked up at all.
 */
final class Lookups {
  private final DagStore dags;
  private final RunStore runs;

  Lookups(DagStore dags, RunStore runs) {
    this.dags = dags;
    this.runs = runs;
  }

  static String dagId(Context ctx) {
    String id = ctx.pathParam("dag_id");
    if (!Ids.isDagId(id)) {
      throw dagNotFound(id);
    }
    return id;
  }

  static ApiException dagNotFound(String id) {
    return ApiException.notFound("The Dag with ID: `" + Ids.printable(id) + "` was not found");
  }

  StoredDag dag(Context ctx) {
    String id = dagId(ctx);
    return dags.find(id).orElseThrow(() -> dagNotFound(id));
  }

  /** The run the path names ({@code dag_id} and {@code dag_run_id}). */
  DagRun run(Context ctx) {
    String dagId = ctx.pathParam("dag_id");
    String runId = ctx.pathParam("dag_run_id");
    if (!Ids.isDagId(dagId) || !Ids.isRunId(runId)) {
      throw runNotFound(dagId, runId);
    }
    return runs.findRun(new RunKey(dagId, runId)).orElseThrow(() -> runNotFound(dagId, runId));
  }

  static ApiException runNotFound(String dagId, String runId) {
    return ApiException.notFound("The DagRun with dag_id: `" + Ids.printable(dagId) + "` and run_id: `"
        + Ids.printable(runId) + "` was not found");
  }

  /** The task instance the path names, in {@code run}. */
  TaskInstance taskInstance(Context ctx, DagRun run) {
    String taskId = ctx.pathParam("task_id");
    if (!Ids.isTaskId(taskId)) {
      throw taskNotFound(run, taskId);
    }
    return runs.taskInstance(new TaskInstanceKey(run.dagId(), run.runId(), taskId))
        .orElseThrow(() -> taskNotFound(run, taskId));
  }

  static ApiException taskNotFound(DagRun run, String taskId) {
    return ApiException.notFound("The Task Instance with dag_id: `" + run.dagId() + "`, run_id: `" + run.runId()
        + "` and task_id: `" + Ids.printable(taskId) + "` was not found");
  }
}
