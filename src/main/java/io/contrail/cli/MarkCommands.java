package io.contrail.cli;

import io.contrail.operations.MarkRequest;
import io.contrail.operations.RunOperations;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tasks mark} and {@code runs mark}: Airflow's "mark success / failed". Marking a task
 * clears its failed downstream so the run can go on; marking a run stops what still runs in it.
 */
final class MarkCommands {
  private MarkCommands() {}

  @Command(name = "mark", description = "Set a task instance's state (success, failed or skipped); a running try"
      + " is stopped, failed downstream tasks are cleared to resume; asks before changing anything.")
  static final class Task implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID") String runId;
    @Parameters(index = "2", paramLabel = "TASK_ID") String taskId;
    @Option(names = "--state", required = true, description = "success, failed or skipped.") String state;
    @Option(names = {"-d", "--downstream"}, description = "Also mark everything downstream.") boolean downstream;
    @Option(names = {"-u", "--upstream"}, description = "Also mark everything upstream.") boolean upstream;
    @Mixin Operate.Options options;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      TaskState target = parse(state, "success, failed or skipped", TaskState::parse);
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        app.dagSync().syncOrReuse();
        RunOperations ops = app.operations();
        MarkRequest.Task request = MarkRequest.Task.of(new TaskInstanceKey(dagId, runId, taskId), target,
            Operate.actor(app.hostname())).withDownstream(downstream).withUpstream(upstream);
        return Operate.confirmAndApply(spec.commandLine().getOut(), options, "marking " + target.id(),
            ops.markTask(request.dryRun(true)), go -> ops.markTask(request));
      }
    }
  }

  @Command(name = "mark", description = "Set a run's state (success or failed): what still runs is stopped and"
      + " gets that state, what has not run is skipped; asks before changing anything.")
  static final class Run implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID") String runId;
    @Option(names = "--state", required = true, description = "success or failed (queued runs it again as it is).")
    String state;
    @Mixin Operate.Options options;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      RunState target = parse(state, "success, failed or queued", RunState::parse);
      if (target == RunState.RUNNING) {
        throw new Main.UserError("--state must be success, failed or queued, not running");
      }
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        app.dagSync().syncOrReuse();
        RunOperations ops = app.operations();
        MarkRequest.Run request = MarkRequest.Run.of(new RunKey(dagId, runId), target, Operate.actor(app.hostname()));
        return Operate.confirmAndApply(spec.commandLine().getOut(), options, "marking " + target.id(),
            ops.markRun(request.dryRun(true)), go -> ops.markRun(request));
      }
    }
  }

  static <T> T parse(String value, String allowed, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(value.trim().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Main.UserError("--state must be " + allowed + ", not '" + value + "'");
    }
  }
}
