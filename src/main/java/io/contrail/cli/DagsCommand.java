package io.contrail.cli;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.dag.DagBag;
import io.contrail.dag.ImportError;
import io.contrail.operations.RunRequest;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
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
@Command(name = "dags", mixinStandardHelpOptions = true, description = "Inspect and control DAGs.",
    subcommands = {DagsCommand.ListDags.class, DagsCommand.Show.class, DagsCommand.Pause.class,
        DagsCommand.Unpause.class, DagsCommand.Trigger.class, DagTestCommand.class, BackfillCommand.class,
        DagsCommand.ImportErrors.class})
final class DagsCommand {

  static StoredDag require(Contrail app, String dagId) {
    return app.stores().dags().find(dagId).orElseThrow(() -> new Main.UserError("no DAG '" + dagId
        + "' in " + app.config().core().dagsFolder() + " (see `contrail dags list` and `contrail dags list-import-errors`)"));
  }

  @Command(name = "list", description = "List DAGs.")
  static final class ListDags implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        DagBag bag = app.dagSync().sync();
        List<StoredDag> dags = app.stores().dags().list().stream().filter(StoredDag::active).toList();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          List<Map<String, Object>> rows = new ArrayList<>();
          for (StoredDag d : dags) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dag_id", d.dagId());
            m.put("is_paused", d.paused());
            m.put("schedule", d.dag().schedule());
            m.put("tasks", d.dag().tasks().size());
            m.put("tags", d.dag().tags());
            m.put("fileloc", d.dag().fileloc());
            rows.add(m);
          }
          Output.json(out, rows);
        } else {
          List<List<String>> rows = new ArrayList<>();
          for (StoredDag d : dags) {
            rows.add(List.of(d.dagId(), String.valueOf(d.paused()), String.valueOf(d.dag().schedule()),
                String.valueOf(d.dag().tasks().size()), String.join(",", d.dag().tags()), d.dag().fileloc()));
          }
          Output.table(out, List.of("dag_id", "paused", "schedule", "tasks", "tags", "fileloc"), rows);
          if (!bag.importErrors().isEmpty()) {
            out.printf("%n%d file(s) failed to load: see `contrail dags list-import-errors`%n", bag.importErrors().size());
          }
        }
        return 0;
      }
    }
  }

  @Command(name = "show", description = "Show one DAG and its tasks.")
  static final class Show implements Callable<Integer> {
    @Parameters(paramLabel = "DAG_ID") String dagId;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        app.dagSync().sync();
        StoredDag stored = require(app, dagId);
        Dag dag = stored.dag();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("dag", dag);
          m.put("is_paused", stored.paused());
          Output.json(out, m);
          return 0;
        }
        out.printf("dag_id:          %s%ndescription:     %s%nschedule:        %s%nstart_date:      %s%ncatchup:         %s%n"
                + "paused:          %s%nmax_active_runs: %d%nmax_active_tasks: %d%ntags:            %s%nfile:            %s%n%n",
            dag.dagId(), dag.description(), dag.schedule(), dag.startDate(), dag.catchup(), stored.paused(),
            dag.maxActiveRuns(), dag.maxActiveTasks(), String.join(", ", dag.tags()), dag.fileloc());
        List<List<String>> rows = new ArrayList<>();
        for (TaskDefinition t : dag.tasks()) {
          rows.add(List.of(t.taskId(), t.type(), String.join(",", t.dependsOn()), t.triggerRule().id(),
              String.valueOf(t.retry().retries()), t.queueing().pool()));
        }
        Output.table(out, List.of("task_id", "type", "depends_on", "trigger_rule", "retries", "pool"), rows);
        return 0;
      }
    }
  }

  @Command(name = "pause", description = "Pause a DAG: no new scheduled runs.")
  static final class Pause implements Callable<Integer> {
    @Parameters(paramLabel = "DAG_ID") String dagId;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return setPaused(spec, dagId, true);
    }
  }

  @Command(name = "unpause", description = "Unpause a DAG.")
  static final class Unpause implements Callable<Integer> {
    @Parameters(paramLabel = "DAG_ID") String dagId;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return setPaused(spec, dagId, false);
    }
  }

  static int setPaused(picocli.CommandLine.Model.CommandSpec spec, String dagId, boolean paused) {
    try (Contrail app = Main.contrail(spec, Role.CLI)) {
      app.dagSync().sync();
      require(app, dagId);
      app.stores().dags().setPaused(dagId, paused);
      System.out.printf("%s is now %s%n", dagId, paused ? "paused" : "unpaused");
      return 0;
    }
  }

  @Command(name = "trigger", description = "Queue a manual run; a running scheduler picks it up.")
  static final class Trigger implements Callable<Integer> {
    @Parameters(paramLabel = "DAG_ID") String dagId;
    @Option(names = "--conf", description = "Run configuration, a JSON object.") String conf;
    @Option(names = "--run-id", description = "Run id (default manual__<now>).") String runId;
    @Option(names = "--traceparent", description = "W3C traceparent of a span the run's trace joins.") String traceparent;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        app.dagSync().sync();
        StoredDag stored = require(app, dagId);
        Dag dag = stored.dag();
        DagRun run = app.runCreator().createNew(dag, RunRequest.manual(runId, conf, traceparent));
        if (json) {
          Output.json(spec.commandLine().getOut(), RunsCommand.runJson(run));
        } else {
          System.out.printf("queued run %s of %s (trace %s)%n", run.runId(), dagId, run.trace().traceId());
          if (stored.paused()) {
            System.out.printf("note: %s is paused; the run starts once you `contrail dags unpause %s`%n", dagId, dagId);
          }
        }
        return 0;
      }
    }
  }

  @Command(name = "list-import-errors", description = "DAG files that failed to load, with file, line and reason.")
  static final class ImportErrors implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        app.dagSync().sync();
        List<ImportError> errors = app.stores().dags().importErrors();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          Output.json(out, errors);
        } else {
          List<List<String>> rows = new ArrayList<>();
          for (ImportError e : errors) {
            rows.add(List.of(e.file(), String.valueOf(e.line()), e.message()));
          }
          Output.table(out, List.of("file", "line", "error"), rows);
        }
        return 0;
      }
    }
  }
}
