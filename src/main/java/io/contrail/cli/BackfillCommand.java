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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
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
@Command(name = "backfill", description = "Create and run a run for every schedule slot in a range, with a progress bar.")
final class BackfillCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DAG_ID") String dagId;
  @Option(names = "--from", required = true, description = "First logical date (ISO instant or date).") String from;
  @Option(names = "--to", required = true, description = "Last logical date (ISO instant or date), inclusive.") String to;
  @Option(names = "--conf", description = "Run configuration, a JSON object.") String conf;
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
    try (Contrail app = Main.contrail(spec, Role.BACKFILL)) {
      app.dagSync().sync();
      Dag dag = DagsCommand.require(app, dagId).dag();
      List<DataInterval> intervals = Schedule.parse(dag.schedule()).intervalsBetween(dag.startDate(), start, end);
      Set<RunKey> keys = new LinkedHashSet<>();
      int skipped = 0;
      var runs = app.stores().runs();
      for (DataInterval di : intervals) {
        if (runs.runExists(dagId, RunType.SCHEDULED, di.logicalDate()) || runs.runExists(dagId, RunType.BACKFILL, di.logicalDate())) {
          skipped++;
          continue;
        }
        app.runCreator().create(dag, RunRequest.backfill(di, conf)).ifPresent(run -> keys.add(run.key()));
      }
      System.out.printf("backfill %s: %d run(s) from %s to %s (%d slot(s) already had a run)%n",
          dagId, keys.size(), start, end, skipped);
      if (keys.isEmpty()) {
        return 0;
      }
      AtomicInteger failed = new AtomicInteger();
      try (ProgressBar bar = new ProgressBarBuilder().setTaskName("backfill " + dagId).setInitialMax(keys.size())
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build()) {
        Foreground.runToCompletion(app, keys, (DagRun run) -> {
          if (run.state() != RunState.SUCCESS) {
            failed.incrementAndGet();
          }
          bar.step();
        });
      }
      System.out.printf("%d run(s) succeeded, %d failed%n", keys.size() - failed.get(), failed.get());
      return failed.get() == 0 ? 0 : 1;
    }
  }
}
