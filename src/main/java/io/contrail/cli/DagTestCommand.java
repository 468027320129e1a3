package io.contrail.cli;

import io.contrail.api.Dag;
import io.contrail.operations.RunRequest;
import io.contrail.roles.Contrail;
import io.contrail.roles.Foreground;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import java.io.PrintWriter;
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
  @Parameters(paramLabel = "DAG_ID") String dagId;
  @Option(names = "--conf", description = "Run configuration, a JSON object.") String conf;
  @Option(names = "--run-id", description = "Run id (default manual__<now>).") String runId;
  @Option(names = "--json", description = "Print the run and its task instances as JSON.") boolean json;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (Contrail app = Main.contrail(spec, Role.DAGS_TEST)) {
      app.dagSync().sync();
      Dag dag = DagsCommand.require(app, dagId).dag();
      DagRun created = app.runCreator().createNew(dag, RunRequest.manual(runId, conf, null));
      PrintWriter out = spec.commandLine().getOut();
      if (!json) {
        out.printf("testing %s: run %s (trace %s)%n", dagId, created.runId(), created.trace().traceId());
        out.flush();
      }
      Foreground.runToCompletion(app, Set.of(created.key()), run -> { });
      DagRun run = app.stores().runs().findRun(created.key()).orElseThrow();
      // in the DAG's own task order, as the user wrote it, not alphabetically
      var order = new java.util.HashMap<String, Integer>();
      dag.tasks().forEach(t -> order.put(t.taskId(), order.size()));
      var tis = new java.util.ArrayList<>(app.stores().runs().taskInstances(run.key()));
      tis.sort(java.util.Comparator.comparingInt(ti -> order.getOrDefault(ti.taskId(), Integer.MAX_VALUE)));
      if (json) {
        var m = RunsCommand.runJson(run);
        m.put("task_instances", tis.stream().map(RunsCommand::taskJson).toList());
        Output.json(out, m);
      } else {
        out.println();
        Output.table(out, RunsCommand.TASK_HEADER, RunsCommand.taskRows(tis));
        out.printf("%nrun %s %s in %s%n", run.runId(), run.state().id(),
            Output.duration(run.times().startDate(), run.times().endDate()));
        out.println();
        TraceTree.print(out, app.stores().runs(), run);
        out.flush();
      }
      return run.state() == RunState.SUCCESS ? 0 : 1;
    }
  }
}
