package io.contrail.cli;

import io.contrail.api.Dag;
import io.contrail.operations.RunRequest;
import io.contrail.roles.Contrail;
import io.contrail.roles.Foreground;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.RunType;
import io.contrail.schedule.DataInterval;
import io.contrail.schedule.Schedule;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dags backfill}: a run for every schedule slot whose logical date lies in [from, to],
 * skipping slots that already have a scheduled or backfill run, run here with a progress bar.
 */
@Command(name = "backfill", sortOptions = false, description = "Create and run a run for every schedule slot in a range, with a progress bar.")
final class BackfillCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DAG_ID", description = "The DAG.") String dagId;
  @Option(names = "--from", paramLabel = "TIME", required = true, description = "First logical date (ISO instant or date).") String from;
  @Option(names = "--to", paramLabel = "TIME", required = true, description = "Last logical date (ISO instant or date), inclusive.") String to;
  @Option(names = "--conf", paramLabel = "JSON", description = "Run configuration, a JSON object.") String conf;
  @Option(names = "--json", description = "Print the runs and their states as JSON (no progress bar).") boolean json;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  static Instant parseTime(String option, String value) {
    try {
      return value.length() <= 10 ? LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC) : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new Main.UserError(option + " '" + value + "' is not an ISO date (2026-01-01) or instant (2026-01-01T00:00:00Z)");
    }
  }

  @Override
  public Integer call() {
    Instant start = parseTime("--from", from);
    Instant end = parseTime("--to", to);
    try (CliContext c = CliContext.open(spec, Role.BACKFILL)) {
      c.syncDags();
      Contrail app = c.app();
      Dag dag = c.dag(dagId).dag();
      Schedule schedule = Schedule.parse(dag.schedule());
      if (schedule.isManualOnly()) {
        throw new Main.UserError("DAG '" + dagId + "' has no schedule (schedule: null), so it has no slots to backfill;"
            + " use `contrail dags trigger " + dagId + "` for a manual run");
      }
      List<DataInterval> intervals = UserInput.check(() -> schedule.intervalsBetween(dag.startDate(), start, end));
      Set<RunKey> keys = new LinkedHashSet<>();
      int skipped = 0;
      var runs = app.stores().runs();
      for (DataInterval di : intervals) {
        if (runs.runExists(dagId, RunType.SCHEDULED, di.logicalDate()) || runs.runExists(dagId, RunType.BACKFILL, di.logicalDate())) {
          skipped++;
          continue;
        }
        UserInput.check(() -> app.runCreator().create(dag, RunRequest.backfill(di, conf))).ifPresent(run -> keys.add(run.key()));
      }
      PrintWriter out = c.out();
      if (!json) {
        out.printf("backfill %s: %d run(s) from %s to %s (%d slot(s) already had a run)%n",
            dagId, keys.size(), start, end, skipped);
        out.flush();
      }
      List<DagRun> finished = new CopyOnWriteArrayList<>(); // heard of from the scheduler's threads
      if (!keys.isEmpty()) {
        if (json) {
          Foreground.runToCompletion(app, keys, finished::add);
        } else {
          try (ProgressBar bar = new ProgressBarBuilder().setTaskName("backfill " + dagId).setInitialMax(keys.size())
              .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build()) {
            Foreground.runToCompletion(app, keys, (DagRun run) -> {
              finished.add(run);
              bar.step();
            });
          }
        }
      }
      long failed = finished.stream().filter(r -> r.state() != RunState.SUCCESS).count();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dag_id", dagId);
        m.put("from", start.toString());
        m.put("to", end.toString());
        m.put("skipped_slots", skipped);
        m.put("succeeded", finished.size() - failed);
        m.put("failed", failed);
        m.put("runs", finished.stream().map(r -> RunsCommand.runJson(r, c.app().masker())).toList());
        c.json(m);
      } else if (!keys.isEmpty()) {
        out.printf("%d run(s) succeeded, %d failed%n", finished.size() - failed, failed);
      }
      return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }
}
