package io.contrail.cli;

import io.contrail.dag.ImportError;
import io.contrail.operations.RunSecrets;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.Ids;
import io.contrail.run.RunKey;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.StoredDag;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What one CLI command works with: the installation opened in the command's role, where the
 * command prints, and the look-ups every command needs, whose errors name the thing that is
 * missing (the DAG before the run, the run before the task).
 */
final class CliContext implements AutoCloseable {
  private final Contrail app;
  private final PrintWriter out;
  private final PrintWriter err;

  private CliContext(Contrail app, PrintWriter out, PrintWriter err) {
    this.app = app;
    this.out = out;
    this.err = err;
  }

  static CliContext open(CommandSpec spec, Role role) {
    return new CliContext(Main.contrail(spec, role), spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  Contrail app() {
    return app;
  }

  PrintWriter out() {
    return out;
  }

  /**
   * Brings the database's DAGs in step with dags_folder (nothing is parsed when the database
   * already reflects the folder's files as they are, else only changed files are parsed) and
   * reports each import error once, on stderr, so that stdout keeps only the command's output.
   */
  void syncDags() {
    List<ImportError> errors = app.dagSync().syncOrReuse();
    for (ImportError e : errors) {
      err.println("warning: " + e);
    }
    if (!errors.isEmpty()) {
      err.printf("warning: %d DAG file(s) failed to load; `contrail dags list-import-errors` lists them%n",
          errors.size());
    }
    err.flush();
  }

  /** The DAG, or a one-line error naming it and where DAGs come from. */
  StoredDag dag(String dagId) {
    return app.stores().dags().find(UserInput.check(() -> Ids.dagId(dagId))).orElseThrow(() -> new Main.UserError("no DAG '" + dagId + "' in "
        + app.config().core().dagsFolder() + " (see `contrail dags list` and `contrail dags list-import-errors`)"));
  }

  /** The run; when there is none, the error says whether the DAG or the run is missing. */
  DagRun run(String dagId, String runId) {
    Optional<DagRun> run = app.stores().runs().findRun(UserInput.check(() -> RunKey.of(dagId, runId)));
    if (run.isPresent()) {
      return run.get();
    }
    if (app.stores().dags().find(dagId).isEmpty()) {
      throw new Main.UserError("no DAG '" + dagId + "' (see `contrail dags list`)");
    }
    throw new Main.UserError("DAG '" + dagId + "' has no run '" + runId + "' (see `contrail runs list --dag "
        + dagId + "`)");
  }

  /** The task instance of an existing run, or an error naming the task and the run. */
  TaskInstance task(DagRun run, String taskId) {
    return app.stores().runs().taskInstance(UserInput.check(() -> TaskInstanceKey.of(run.dagId(), run.runId(), taskId)))
        .orElseThrow(() -> new Main.UserError("run '" + run.runId() + "' of DAG '" + run.dagId()
            + "' has no task '" + taskId + "' (see `contrail runs show " + run.dagId() + " " + run.runId() + "`)"));
  }

  /** The run's task instances in the order the DAG lists its tasks; tasks it no longer has come last. */
  List<TaskInstance> tasksInDagOrder(DagRun run) {
    Map<String, Integer> order = new HashMap<>();
    app.stores().dags().find(run.dagId())
        .ifPresent(d -> d.dag().tasks().forEach(t -> order.putIfAbsent(t.taskId(), order.size())));
    return app.stores().runs().taskInstances(run.key()).stream()
        .sorted(Comparator.comparingInt((TaskInstance ti) -> order.getOrDefault(ti.taskId(), Integer.MAX_VALUE))
            .thenComparing(TaskInstance::taskId))
        .toList();
  }

  /**
   * The installation's masker with {@code run}'s secrets registered (its conf, its DAG's literal
   * env values, headers and URL passwords), for showing anything of that run.
   */
  SecretsMasker maskerFor(DagRun run) {
    RunSecrets.register(app.masker(), run, app.stores().dags().find(run.dagId()).map(StoredDag::dag).orElse(null));
    return app.masker();
  }

  void json(Object value) {
    Output.json(out, value);
  }

  @Override
  public void close() {
    out.flush();
    err.flush();
    app.close();
  }
}
