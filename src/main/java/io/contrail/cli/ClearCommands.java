package io.contrail.cli;

import io.contrail.operations.ClearRequest;
import io.contrail.operations.RunOperations;
import io.contrail.operations.TaskSelection;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tasks clear} and {@code runs clear}: Airflow's clear. Cleared task instances go back to
 * none keeping their tries (the next try is n+1, and they may retry again); a finished run goes
 * back to queued and runs what was cleared; a running task instance is stopped first.
 */
final class ClearCommands {
  private ClearCommands() {}

  @Command(name = "clear", description = "Clear task instances so they run again (of one run, or of the runs in"
      + " --from/--to), keeping their try history; asks before changing anything.")
  static final class Tasks implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID", arity = "0..1") String runId;
    @Option(names = {"-t", "--task"}, paramLabel = "TASK_ID", description = "A task to clear (repeatable; default: all).")
    List<String> tasks;
    @Option(names = {"-d", "--downstream"}, description = "Also clear everything downstream of the tasks.") boolean downstream;
    @Option(names = {"-u", "--upstream"}, description = "Also clear everything upstream of the tasks.") boolean upstream;
    @Option(names = {"-f", "--only-failed"}, description = "Only failed and upstream_failed task instances.") boolean onlyFailed;
    @Option(names = {"-r", "--only-running"}, description = "Only running task instances.") boolean onlyRunning;
    @Option(names = {"-s", "--from"}, paramLabel = "T", description = "Runs with a logical date from T (date or instant).") String from;
    @Option(names = {"-e", "--to"}, paramLabel = "T", description = "Runs with a logical date up to T.") String to;
    @Mixin Operate.Options options;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (runId == null && from == null && to == null) {
        throw new Main.UserError("name a RUN_ID, or a range of runs with --from and/or --to");
      }
      if (runId != null && (from != null || to != null)) {
        throw new Main.UserError("give either a RUN_ID or --from/--to, not both");
      }
      TaskSelection selection = new TaskSelection(tasks == null || tasks.isEmpty() ? null : tasks, upstream, downstream,
          onlyFailed, onlyRunning);
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        app.dagSync().sync();
        String actor = Operate.actor(app.hostname());
        ClearRequest request = runId != null ? ClearRequest.ofRun(dagId, runId, selection, actor)
            : ClearRequest.between(dagId, time("--from", from), time("--to", to), selection, actor);
        return clear(app.operations(), request, options, spec);
      }
    }

    private static Instant time(String option, String value) {
      return value == null ? null : BackfillCommand.parseTime(option, value);
    }
  }

  @Command(name = "clear", description = "Clear a whole run (or its failed task instances) so it runs again,"
      + " keeping the try history; asks before changing anything.")
  static final class Runs implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID") String runId;
    @Option(names = {"-f", "--only-failed"}, description = "Only failed and upstream_failed task instances.") boolean onlyFailed;
    @Mixin Operate.Options options;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        app.dagSync().sync();
        ClearRequest request = ClearRequest.ofRun(dagId, runId, TaskSelection.ALL.onlyFailed(onlyFailed),
            Operate.actor(app.hostname()));
        return clear(app.operations(), request, options, spec);
      }
    }
  }

  static int clear(RunOperations ops, ClearRequest request, Operate.Options options,
      picocli.CommandLine.Model.CommandSpec spec) {
    return Operate.confirmAndApply(spec.commandLine().getOut(), options, "clearing", ops.clear(request.dryRun(true)),
        go -> ops.clear(request));
  }
}
