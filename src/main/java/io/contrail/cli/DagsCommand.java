package io.contrail.cli;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.dag.DurationText;
import io.contrail.dag.ImportError;
import io.contrail.operations.RunRequest;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.Ids;
import io.contrail.storage.DagStore;
import io.contrail.storage.Json;
import io.contrail.storage.StoredDag;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dags ...}: inspect and control DAGs. Each command first syncs dags_folder to the database. */
@Command(name = "dags", description = "Inspect and control DAGs.")
final class DagsCommand extends ParentCommand {

  @Command(name = "list", description = "List DAGs: paused flag, schedule, number of tasks, tags, file.")
  static final class ListDags implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        c.syncDags();
        List<DagStore.DagListing> dags = c.app().stores().dags().listings().stream()
            .filter(DagStore.DagListing::active).toList();
        if (json) {
          c.json(DagJson.summaries(dags));
          return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (DagStore.DagListing d : dags) {
          rows.add(List.of(d.dagId(), String.valueOf(d.paused()), String.valueOf(d.schedule()),
              String.valueOf(d.tasks()), String.join(",", d.tags()), d.fileloc()));
        }
        Output.table(c.out(), List.of("dag_id", "paused", "schedule", "tasks", "tags", "fileloc"), rows);
        return 0;
      }
    }
  }

  @Command(name = "show", description = "Show one DAG and its tasks, in the order the DAG file lists them.")
  static final class Show implements Callable<Integer> {
    @Parameters(paramLabel = "DAG_ID", description = "The DAG.") String dagId;
    @Option(names = "--json", description = "Print JSON, with keys and values as a DAG file writes them.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        c.syncDags();
        StoredDag stored = c.dag(dagId);
        Dag dag = stored.dag();
        if (json) {
          c.json(DagJson.of(stored, c.app().masker()));
          return 0;
        }
        PrintWriter out = c.out();
        out.printf("dag_id:           %s%ndescription:      %s%nschedule:         %s%nstart_date:       %s%n"
                + "catchup:          %s%npaused:           %s%nmax_active_runs:  %d%nmax_active_tasks: %d%n"
                + "tags:             %s%nfile:             %s%n%n",
            dag.dagId(), dag.description(), dag.schedule(), dag.startDate(), dag.catchup(), stored.paused(),
            dag.maxActiveRuns(), dag.maxActiveTasks(), String.join(", ", dag.tags()), dag.fileloc());
        List<List<String>> rows = new ArrayList<>();
        for (TaskDefinition t : dag.tasks()) {
          rows.add(List.of(t.taskId(), t.type(), String.join(",", t.dependsOn()), t.triggerRule().id(),
              String.valueOf(t.retry().retries()), t.queueing().pool(),
              t.executionTimeout() == null ? "" : DurationText.format(t.executionTimeout())));
        }
        Output.table(out, List.of("task_id", "type", "depends_on", "trigger_rule", "retries", "pool",
            "execution_timeout"), rows);
        return 0;
      }
    }
  }

  @Command(name = "pause", description = "Pause a DAG: no new scheduled runs, queued runs wait.")
  static final class Pause implements Callable<Integer> {
    @Parameters(paramLabel = "DAG_ID", description = "The DAG.") String dagId;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return setPaused(spec, dagId, true, json);
    }
  }

  @Command(name = "unpause", description = "Unpause a DAG: the scheduler creates and starts its runs again.")
  static final class Unpause implements Callable<Integer> {
    @Parameters(paramLabel = "DAG_ID", description = "The DAG.") String dagId;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return setPaused(spec, dagId, false, json);
    }
  }

  static int setPaused(picocli.CommandLine.Model.CommandSpec spec, String dagId, boolean paused, boolean json) {
    try (CliContext c = CliContext.open(spec, Role.CLI)) {
      c.syncDags();
      c.dag(dagId);
      c.app().stores().dags().setPaused(dagId, paused);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dag_id", dagId);
        m.put("is_paused", paused);
        c.json(m);
      } else {
        c.out().printf("%s is now %s%n", dagId, paused ? "paused" : "unpaused");
      }
      return 0;
    }
  }

  @Command(name = "trigger", description = "Queue a manual run; a running scheduler picks it up.")
  static final class Trigger implements Callable<Integer> {
    @Parameters(paramLabel = "DAG_ID", description = "The DAG.") String dagId;
    @Option(names = "--conf", paramLabel = "JSON", description = "Run configuration, a JSON object.") String conf;
    @Option(names = "--run-id", paramLabel = "RUN_ID", description = "Run id (default manual__<now>).") String runId;
    @Option(names = "--traceparent", paramLabel = "TRACEPARENT",
        description = "W3C traceparent of a span the run's trace joins.") String traceparent;
    @Option(names = "--json", description = "Print the queued run (with --wait: the finished run) as JSON.")
    boolean json;
    @Option(names = "--wait", description = "Wait for the run to finish (a scheduler must be running), showing"
        + " progress; exit 0 if it succeeded, 1 if it failed.") boolean await;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        c.syncDags();
        StoredDag stored = c.dag(dagId);
        DagRun run = UserInput.check(() -> c.app().runCreator().createNew(stored.dag(),
            RunRequest.manual(runId, conf, traceparent)));
        // with --json and --wait, progress goes to stderr so stdout stays one JSON document
        PrintWriter text = json && await ? spec.commandLine().getErr() : c.out();
        if (!json || await) {
          text.printf("queued run %s of %s (trace %s)%n", run.runId(), dagId, run.trace().traceId());
          if (stored.paused()) {
            text.printf("note: %s is paused; the run starts once you `contrail dags unpause %s`%n", dagId, dagId);
          }
          text.flush();
        }
        if (!await) {
          if (json) {
            c.json(RunsCommand.runJson(run, c.app().masker()));
          }
          return 0;
        }
        String[] last = {""};
        DagRun done = c.app().operations().waitForRun(run.key(), java.time.Duration.ofMillis(500), status -> {
          String line = String.format("%s: %d/%d task(s) finished, %d running, %d failed", status.run().state().id(),
              status.finished(), status.taskInstances().size(), status.count(io.contrail.run.TaskState.RUNNING),
              status.count(io.contrail.run.TaskState.FAILED));
          if (!line.equals(last[0])) {
            last[0] = line;
            text.println(line);
            text.flush();
          }
        });
        if (json) {
          Map<String, Object> m = RunsCommand.runJson(done, c.app().masker());
          m.put("task_instances", c.tasksInDagOrder(done).stream().map(RunsCommand::taskJson).toList());
          c.json(m);
        } else {
          c.out().printf("run %s %s in %s%n", done.runId(), done.state().id(),
              Output.duration(done.times().startDate(), done.times().endDate()));
        }
        return done.state() == io.contrail.run.RunState.SUCCESS ? 0 : 1;
      }
    }
  }

  @Command(name = "list-import-errors", description = "DAG files that failed to load, with file, line and reason.")
  static final class ImportErrors implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        // the errors are this command's output: synced without the warnings other commands print
        c.app().dagSync().syncOrReuse();
        List<ImportError> errors = c.app().stores().dags().importErrors();
        if (json) {
          List<Map<String, Object>> rows = new ArrayList<>();
          for (ImportError e : errors) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", e.file());
            m.put("line", e.line() > 0 ? e.line() : null);
            m.put("message", e.message());
            rows.add(m);
          }
          c.json(rows);
          return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (ImportError e : errors) {
          rows.add(List.of(e.file(), e.line() > 0 ? String.valueOf(e.line()) : "", e.message()));
        }
        Output.table(c.out(), List.of("file", "line", "error"), rows);
        return 0;
      }
    }
  }
}
