package io.contrail.operations;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.RunChange;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.OperationStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.Stores;
import io.contrail.storage.StoredDag;
import io.contrail.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a user does to runs, as in Airflow — clear, mark a task or a run, delete a run or a
 * DAG, wait for a run, list a run's task states — in one service, which the CLI and the REST API
 * (io.contrail.rest.OperationEndpoints) both use. Each operation reads the run, plans the change
 * ({@link OperationPlanner}) and writes
 * it as one transaction of compare-and-sets (state, try number and owning job of every row);
 * when anything changed meanwhile (a scheduler, a worker, another user) nothing is written and it
 * is planned again from what is stored then. A dry run returns the plan without writing it. Works
 * from any process on the database: a running try is recorded as failed "stopped by user (actor)"
 * in the same transaction, and the process that runs it notices within half a second and kills
 * its process group.
 *
 * <p>Requests and results are plain records, so that REST endpoints map onto them directly:
 * <ul>
 *   <li>{@link ClearRequest} ({@code ofRun}, {@code between}, {@code dryRun}, {@code resetRuns})
 *       with a {@link TaskSelection} — Airflow's {@code POST …/clearTaskInstances} (task_ids,
 *       include_upstream/downstream, only_failed, only_running, start/end_date, reset_dag_runs,
 *       dry_run) and {@code POST …/dagRuns/{id}/clear} (all tasks, only_failed, dry_run);
 *   <li>{@link MarkRequest.Task} — {@code PATCH …/taskInstances/{task_id}} (new_state success,
 *       failed or skipped, include_upstream/downstream, dry_run);
 *   <li>{@link MarkRequest.Run} — {@code PATCH …/dagRuns/{id}} (state queued, success, failed);
 *   <li>{@link OperationResult}: one {@link io.contrail.run.RunChange} per run touched, with every
 *       task instance before and after ({@code taskChanges()}) and the runs after
 *       ({@code runsAfter()}) — the task instances or the run the endpoints answer with;
 *   <li>{@link #deleteRun} ({@code DELETE …/dagRuns/{id}}) and {@link #deleteDag}
 *       ({@code DELETE /dags/{id}}).
 * </ul>
 * Failures are {@link OperationException}s whose kind maps to a status: not found (unknown DAG,
 * run or task id — Airflow answers an unknown task id in clearTaskInstances with an empty list, so
 * an endpoint should check the ids or catch this), conflict (already in that state, still running,
 * changed meanwhile) or invalid (a state that cannot be set). Where Airflow deletes a running run,
 * {@link #deleteRun} refuses it: mark it failed first, which stops its tasks.
 */
public final class RunOperations {
  private static final Logger LOG = LoggerFactory.getLogger(RunOperations.class);
  private static final int ATTEMPTS = 10;

  private final Stores stores;
  private final OperationStore operations;
  private final Clock clock;
  private final Telemetry telemetry;

  public RunOperations(Stores stores, OperationStore operations, Clock clock, Telemetry telemetry) {
    this.stores = stores;
    this.operations = operations;
    this.clock = clock;
    this.telemetry = telemetry;
  }

  /** Clears task instances of one run, or of every run in a logical date range. */
  public OperationResult clear(ClearRequest request) {
    Dag dag = dag(request.dagId());
    List<RunKey> keys = new ArrayList<>();
    if (request.runId() != null) {
      keys.add(requireRun(new RunKey(request.dagId(), request.runId())).key());
    } else {
      operations.runsBetween(request.dagId(), request.from(), request.to()).forEach(r -> keys.add(r.key()));
    }
    OperationPlanner.selected(dag, request.tasks().taskIds(), false, false); // unknown task ids fail first
    List<RunChange> changes = new ArrayList<>();
    for (RunKey key : keys) {
      RunChange c = apply(key, request.dryRun(), s -> OperationPlanner.clear(s, request.tasks(), request.resetRuns(),
          clock.instant(), request.actor()));
      if (!c.tasks().isEmpty()) {
        changes.add(c);
      }
    }
    return new OperationResult(changes, !request.dryRun());
  }

  /** Sets a task instance's state (with its relatives when asked); its failed downstream is cleared. */
  public OperationResult markTask(MarkRequest.Task request) {
    if (!TaskState.MARKABLE.contains(request.state())) {
      throw OperationException.invalid("a task instance can be marked success, failed or skipped, not "
          + request.state().id());
    }
    RunKey key = request.key().runKey();
    dag(key.dagId());
    requireRun(key);
    RunChange c = apply(key, request.dryRun(), s -> OperationPlanner.markTask(s, request.key().taskId(),
        request.state(), request.upstream(), request.downstream(), clock.instant(), request.actor()));
    return new OperationResult(List.of(c), !request.dryRun());
  }

  /** Sets a run's state: success or failed (stopping what still runs), or queued. */
  public OperationResult markRun(MarkRequest.Run request) {
    dag(request.key().dagId());
    requireRun(request.key());
    RunChange c = apply(request.key(), request.dryRun(),
        s -> OperationPlanner.markRun(s, request.state(), clock.instant(), request.actor()));
    return new OperationResult(List.of(c), !request.dryRun());
  }

  /** Deletes a run that is not running (as Airflow: queued, success or failed), with everything in it. */
  public DagRun deleteRun(RunKey key) {
    DagRun run = requireRun(key);
    if (run.state() == RunState.RUNNING) {
      throw OperationException.conflict("run " + key + " cannot be deleted in running state; stop it first"
          + " (`contrail runs mark " + key.dagId() + " " + key.runId() + " --state failed`)");
    }
    if (!operations.deleteRun(run)) {
      throw OperationException.conflict("run " + key + " changed while it was being deleted; try again");
    }
    LOG.info("deleted run {}", key);
    return run;
  }

  /** Deletes a DAG's metadata and runs (the DAG comes back when its file is parsed again). */
  public OperationStore.DagDeletion deleteDag(String dagId) {
    dag(dagId);
    OperationStore.DagDeletion d = operations.deleteDag(dagId);
    if (!d.deleted()) {
      throw OperationException.conflict("task instances of DAG '" + dagId + "' are still running; stop them first");
    }
    LOG.info("deleted DAG {} and its {} run(s)", dagId, d.runs());
    return d;
  }

  /** A run's task instances, in the DAG's task order (Airflow's tasks states-for-dag-run). */
  public List<TaskInstance> taskStates(RunKey key) {
    requireRun(key);
    List<TaskInstance> tis = new ArrayList<>(stores.runs().taskInstances(key));
    Dag dag = stores.dags().find(key.dagId()).map(StoredDag::dag).orElse(null);
    if (dag != null) {
      Map<String, Integer> order = new HashMap<>();
      for (int i = 0; i < dag.tasks().size(); i++) {
        order.put(dag.tasks().get(i).taskId(), i);
      }
      tis.sort(Comparator.comparing(ti -> order.getOrDefault(ti.taskId(), Integer.MAX_VALUE)));
    }
    return tis;
  }

  /** A run and its task instances at one moment, as {@link #waitForRun} reports them. */
  public record RunStatus(DagRun run, List<TaskInstance> taskInstances) {
    public long count(TaskState state) {
      return taskInstances.stream().filter(ti -> ti.state() == state).count();
    }

    public long finished() {
      return taskInstances.stream().filter(ti -> ti.state().isFinished()).count();
    }
  }

  /** Polls the run every {@code interval} until it is finished, telling {@code progress} each time. */
  public DagRun waitForRun(RunKey key, Duration interval, Consumer<RunStatus> progress) throws InterruptedException {
    while (true) {
      DagRun run = requireRun(key);
      progress.accept(new RunStatus(run, stores.runs().taskInstances(key)));
      if (run.state().isFinished()) {
        return run;
      }
      Thread.sleep(Math.max(10, interval.toMillis()));
    }
  }

  /** Reads the run, plans the change and writes it (unless dry), planning again while another process wins. */
  private RunChange apply(RunKey key, boolean dryRun, java.util.function.Function<OperationPlanner.Snapshot, RunChange> plan) {
    for (int attempt = 1; ; attempt++) {
      OperationPlanner.Snapshot snapshot = snapshot(key);
      RunChange change = plan.apply(snapshot);
      if (dryRun || change.isEmpty()) {
        return change;
      }
      if (operations.apply(change)) {
        change.tasks().forEach(t -> telemetry.taskStateChanged(t.before(), t.after()));
        if (change.after().state() != change.before().state()) {
          telemetry.runStateChanged(change.after(), change.before().state(), change.after().state());
        }
        LOG.info("run {}: {} task instance(s) changed by {}", key, change.tasks().size(), actorOf(change));
        return change;
      }
      if (attempt >= ATTEMPTS) {
        throw OperationException.conflict("run " + key + " kept changing while the operation was applied; try again");
      }
    }
  }

  private static String actorOf(RunChange change) {
    return change.events().stream().map(e -> e.attributes().get("contrail.marked.by")).findFirst().orElse("a user");
  }

  private OperationPlanner.Snapshot snapshot(RunKey key) {
    DagRun run = requireRun(key);
    Dag dag = stores.dags().find(key.dagId()).map(StoredDag::dag).orElse(null);
    RunStore runs = stores.runs();
    return new OperationPlanner.Snapshot(dag, run, runs.taskInstances(key),
        ti -> runs.attempt(ti.key(), ti.tryNumber()).orElse(null));
  }

  private Dag dag(String dagId) {
    return stores.dags().find(dagId).map(StoredDag::dag)
        .orElseThrow(() -> OperationException.notFound("no DAG '" + dagId + "'"));
  }

  private DagRun requireRun(RunKey key) {
    return stores.runs().findRun(key)
        .orElseThrow(() -> OperationException.notFound("no run '" + key.runId() + "' of DAG '" + key.dagId() + "'"));
  }
}
