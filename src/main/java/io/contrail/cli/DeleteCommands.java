package io.contrail.cli;

import io.contrail.executor.TaskLogs;
import io.contrail.operations.RunOperations;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.storage.OperationStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code runs delete} and {@code dags delete}: Airflow's deletions. A run is deleted with its task
 * instances, attempts and kept spans (a running run must be stopped first); a DAG with all its
 * runs, and it comes back when its file is parsed again. {@code --logs} removes the log files too.
 */
final class DeleteCommands {
  private DeleteCommands() {}

  @Command(name = "delete", description = "Delete a run (not running) with its task instances and attempts;"
      + " --logs deletes its logs too; asks first.")
  static final class Run implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID") String runId;
    @Option(names = "--logs", description = "Also delete the run's log files.") boolean logs;
    @Mixin Operate.Options options;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        RunKey key = new RunKey(dagId, runId);
        DagRun run = app.stores().runs().findRun(key)
            .orElseThrow(() -> new Main.UserError("no run '" + runId + "' of DAG '" + dagId + "'"));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("deleting run %s of %s (%s, %d task instance(s), %d attempt(s))%s%n", runId, dagId,
            run.state().id(), app.stores().runs().taskInstances(key).size(), app.stores().runs().attempts(key).size(),
            logs ? " and its logs" : "");
        if (!proceed(out, options)) {
          return options.dryRun ? 0 : 1;
        }
        RunOperations ops = app.operations();
        ops.deleteRun(key);
        if (logs) {
          TaskLogs.deleteTree(TaskLogs.runFolder(app.config().logs().baseLogFolder(), key));
        }
        out.printf("deleted run %s of %s%n", runId, dagId);
        return 0;
      }
    }
  }

  @Command(name = "delete", description = "Delete a DAG's metadata and all its runs (it comes back when its file"
      + " is parsed again: remove the file first); --logs deletes its logs too; asks first.")
  static final class Dag implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Option(names = "--logs", description = "Also delete the DAG's log files.") boolean logs;
    @Mixin Operate.Options options;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        app.stores().dags().find(dagId).orElseThrow(() -> new Main.UserError("no DAG '" + dagId + "' (see `contrail dags list`)"));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("deleting DAG %s and its %d run(s)%s%n", dagId, app.stores().runs().listRuns(dagId, 100_000).size(),
            logs ? " and their logs" : "");
        if (!proceed(out, options)) {
          return options.dryRun ? 0 : 1;
        }
        OperationStore.DagDeletion d = app.operations().deleteDag(dagId);
        if (logs) {
          TaskLogs.deleteTree(TaskLogs.dagFolder(app.config().logs().baseLogFolder(), dagId));
        }
        out.printf("deleted DAG %s and %d run(s); it comes back when its file is parsed again%n", dagId, d.runs());
        return 0;
      }
    }
  }

  private static boolean proceed(PrintWriter out, Operate.Options options) {
    if (options.dryRun) {
      out.println("(dry run: nothing changed)");
      out.flush();
      return false;
    }
    if (options.yes || Operate.confirmed(out)) {
      return true;
    }
    out.println("aborted: nothing changed (answer y, or pass --yes)");
    out.flush();
    return false;
  }
}
