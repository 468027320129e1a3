package io.contrail.cli;

import io.contrail.api.Dag;
import io.contrail.executor.TaskTester;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.run.RunKey;
import io.contrail.run.TaskInstance;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tasks test} and {@code tasks states}: one task alone, and the task states of a run. */
final class TaskOperationCommands {
  private TaskOperationCommands() {}

  @Command(name = "test", description = "Run one task now in the foreground, ignoring its dependencies and storing"
      + " no state; prints its log; the exit code is the task's.")
  static final class Test implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "TASK_ID") String taskId;
    @Option(names = "--logical-date", paramLabel = "T", description = "The run's logical date (default: now).") String logicalDate;
    @Option(names = "--conf", description = "Run configuration, a JSON object.") String conf;
    @Option(names = "--json", description = "Print the outcome as JSON (the log then goes to stderr).") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        app.dagSync().syncOrReuse();
        Dag dag = app.stores().dags().find(dagId).map(io.contrail.storage.StoredDag::dag)
            .orElseThrow(() -> new Main.UserError("no DAG '" + dagId + "' (see `contrail dags list`)"));
        if (!dag.taskIndex().containsKey(taskId)) {
          throw new Main.UserError("DAG '" + dagId + "' has no task '" + taskId + "' (its tasks: "
              + String.join(", ", dag.taskIndex().keySet()) + ")");
        }
        io.contrail.storage.Json.readObject(conf); // a conf that is not a JSON object fails before the task runs
        Instant date = logicalDate == null ? null : BackfillCommand.parseTime("--logical-date", logicalDate);
        TaskTester.Result result = app.taskTester().test(dag, taskId, date, conf, json ? System.err : System.out);
        System.out.flush();
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("dag_id", dagId);
          m.put("task_id", taskId);
          m.put("state", result.attempt().state().id());
          m.put("exit_code", result.exitCode());
          m.put("error", result.attempt().status().error());
          Output.json(spec.commandLine().getOut(), m);
        } else {
          System.err.printf("task %s of %s %s (exit code %d)%n", taskId, dagId, result.attempt().state().id(),
              result.exitCode());
        }
        return result.exitCode();
      }
    }
  }

  @Command(name = "states", aliases = "states-for-dag-run", description = "The state of every task instance of a run.")
  static final class States implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID") String runId;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        List<TaskInstance> tis = app.operations().taskStates(new RunKey(dagId, runId));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          Output.json(out, tis.stream().map(RunsCommand::taskJson).toList());
        } else {
          Output.table(out, RunsCommand.TASK_HEADER, RunsCommand.taskRows(tis));
        }
        return 0;
      }
    }
  }
}
