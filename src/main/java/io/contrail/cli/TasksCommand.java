package io.contrail.cli;

import io.contrail.logserver.AttemptLogReader;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.storage.Stores;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tasks logs}: the output of one attempt. */
@Command(name = "tasks", description = "Task instances.")
final class TasksCommand extends ParentCommand {

  @Command(name = "logs", description = "Print the log of one attempt (default: the latest).")
  static final class Logs implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID", description = "The DAG.") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID", description = "The run.") String runId;
    @Parameters(index = "2", paramLabel = "TASK_ID", description = "The task.") String taskId;
    @Option(names = "--try", paramLabel = "N", description = "Try number, 1 or more (default: the latest).") Integer tryNumber;
    @Option(names = "--json", description = "Print the log and where it is as JSON.") boolean json;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      if (tryNumber != null) {
        UserInput.atLeast("--try", tryNumber, 1);
      }
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        DagRun run = c.run(dagId, runId);
        TaskInstance ti = c.task(run, taskId);
        TaskInstanceKey key = new TaskInstanceKey(dagId, runId, taskId);
        int n = tryNumber != null ? tryNumber : ti.tryNumber();
        if (n < 1) {
          throw new Main.UserError("task '" + taskId + "' of run '" + runId + "' has not run yet (state "
              + ti.state().id() + ")");
        }
        if (n > ti.tryNumber()) {
          throw new Main.UserError("task '" + taskId + "' of run '" + runId + "' has had " + ti.tryNumber()
              + " tr" + (ti.tryNumber() == 1 ? "y" : "ies") + ", so there is no try " + n);
        }
        AttemptLogReader reader = AttemptLogReader.of(c.app().config(), c.app().stores().runs(),
            Stores.logServers(c.app().database()));
        Path log = reader.localPath(ti, n);
        AttemptLogReader.AttemptLog read = reader.read(ti, n, 0);
        if (read.origin() == AttemptLogReader.Origin.NONE) {
          String which = "try " + n + " of task '" + taskId + "' in run '" + runId + "'";
          if (read.problem() != null) {
            // what is known, and exactly what failed: no stack trace
            throw new Main.UserError("cannot read the log of " + which + " (state " + ti.state().id()
                + (n < ti.tryNumber() ? " now, try " + ti.tryNumber() : "") + ", ran on host " + read.hostname()
                + ", at " + log.getFileName() + " under that host's [logs] base_log_folder): " + read.problem());
          }
          if (read.remote()) {
            throw new Main.UserError("no log for " + which + " yet: the log server " + read.source()
                + " has no such file");
          }
          if (read.hostname() != null && !read.hostname().equals(c.app().hostname())) {
            throw new Main.UserError(which + " ran on host " + read.hostname() + ": its log is there, at " + log
                + " under that host's [logs] base_log_folder (no log server is recorded for that host:"
                + " [worker] log_server_port = 0, or its port was taken)");
          }
          throw new Main.UserError("no log for " + which + " (expected " + log + ")");
        }
        // masked when written; again here, for logs written before masking and for the task's own
        // output, which its shell wrapper appends unmasked (it must survive a scheduler crash)
        String text = c.maskerFor(run).mask(read.text());
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("dag_id", dagId);
          m.put("run_id", runId);
          m.put("task_id", taskId);
          m.put("try_number", n);
          m.put("log_file", log.toString());
          m.put("log_source", switch (read.origin()) {
            case LOCAL -> "local";
            case NO_LOG -> "none";
            default -> "worker " + read.source();
          });
          m.put("log", text);
          c.json(m);
        } else {
          c.out().print(text);
        }
        return ExitCodes.OK;
      }
    }
  }
}
