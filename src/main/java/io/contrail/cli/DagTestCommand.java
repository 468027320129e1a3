package io.contrail.cli;

import io.contrail.api.Dag;
import io.contrail.operations.RunRequest;
import io.contrail.roles.Foreground;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskInstance;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dags test}: one run now, in the foreground, paused or not; prints every task's state,
 * try number and duration; exit code 0 when the run succeeded and 1 when it failed.
 */
@Command(name = "test", description = "Run one DAG run now in the foreground (paused or not); exit 0 if it succeeded, 1 if it failed.")
final class DagTestCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DAG_ID", description = "The DAG.") String dagId;
  @Option(names = "--conf", paramLabel = "JSON", description = "Run configuration, a JSON object.") String conf;
  @Option(names = "--run-id", paramLabel = "RUN_ID", description = "Run id (default manual__<now>).") String runId;
  @Option(names = "--json", description = "Print the run and its task instances as JSON.") boolean json;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (CliContext c = CliContext.open(spec, Role.DAGS_TEST)) {
      c.syncDags();
      Dag dag = c.dag(dagId).dag();
      DagRun created = UserInput.check(() -> c.app().runCreator().createNew(dag, RunRequest.manual(runId, conf, null)));
      PrintWriter out = c.out();
      if (!json) {
        out.printf("testing %s: run %s (trace %s)%n", dagId, created.runId(), created.trace().traceId());
        out.flush();
      }
      Foreground.runToCompletion(c.app(), Set.of(created.key()), run -> { });
      DagRun run = c.app().stores().runs().findRun(created.key()).orElseThrow();
      List<TaskInstance> tis = c.tasksInDagOrder(run);
      if (json) {
        var m = RunsCommand.runJson(run, c.app().masker());
        m.put("task_instances", tis.stream().map(RunsCommand::taskJson).toList());
        c.json(m);
      } else {
        out.println();
        Output.table(out, RunsCommand.TASK_HEADER, RunsCommand.taskRows(tis));
        out.printf("%nrun %s %s in %s%n", run.runId(), run.state().id(),
            Output.duration(run.times().startDate(), run.times().endDate()));
        out.println();
        TraceTree.print(out, c.app().stores().runs(), c.app().stores().dags(), run);
        out.flush();
      }
      return run.state() == RunState.SUCCESS ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }
}
