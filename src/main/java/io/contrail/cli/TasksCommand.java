package io.contrail.cli;

import io.contrail.executor.TaskLogs;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tasks logs}: the output of one attempt. */
@Command(name = "tasks", mixinStandardHelpOptions = true, description = "Task instances.",
    subcommands = {TasksCommand.Logs.class})
final class TasksCommand {

  @Command(name = "logs", description = "Print the log of one attempt (default: the latest).")
  static final class Logs implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID") String runId;
    @Parameters(index = "2", paramLabel = "TASK_ID") String taskId;
    @Option(names = "--try", description = "Try number (1, 2, ...).") Integer tryNumber;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        TaskInstanceKey key = new TaskInstanceKey(dagId, runId, taskId);
        TaskInstance ti = app.stores().runs().taskInstance(key)
            .orElseThrow(() -> new Main.UserError("no task instance " + key));
        int n = tryNumber != null ? tryNumber : ti.tryNumber();
        if (n < 1) {
          throw new Main.UserError(key + " has not run yet (state " + ti.state().id() + ")");
        }
        Path log = TaskLogs.attemptLog(app.config().logs().baseLogFolder(), key, n);
        if (!Files.exists(log)) {
          throw new Main.UserError("no log for try " + n + " of " + key + " (expected " + log + ")");
        }
        System.out.print(Files.readString(log));
        System.out.flush();
        return 0;
      }
    }
  }
}
