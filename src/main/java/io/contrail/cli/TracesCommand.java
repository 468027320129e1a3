package io.contrail.cli;

import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.storage.Stores;
import io.contrail.telemetry.traces.Tracing;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code traces show} and {@code traces export}: a run's trace from the database. */
@Command(name = "traces", mixinStandardHelpOptions = true, description = "Show and re-send runs' traces.",
    subcommands = {TracesCommand.Show.class, TracesCommand.Export.class})
final class TracesCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "show", description = "Print a run's trace as a tree (run, tasks, attempts) from the database.")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID") String runId;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        DagRun run = app.stores().runs().findRun(new RunKey(dagId, runId))
            .orElseThrow(() -> new Main.UserError("no run '" + runId + "' of DAG '" + dagId + "'"));
        TraceTree.print(spec.commandLine().getOut(), app.stores().runs(), run);
        return 0;
      }
    }
  }

  @Command(name = "export", description = "Re-send finished runs' spans to the configured exporter, with the same ids.")
  static final class Export implements Callable<Integer> {
    @Option(names = "--dag", description = "Only runs of this DAG.") String dagId;
    @Option(names = "--run-id", description = "Only this run.") String runId;
    @Option(names = "--since", description = "Only runs queued at or after this time (ISO date or instant).") String since;
    @Option(names = "--limit", description = "At most this many runs, newest first (default 1000).") int limit = 1000;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Instant from = since == null ? null : BackfillCommand.parseTime("--since", since);
      PrintWriter out = spec.commandLine().getOut();
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        List<DagRun> runs = app.stores().runs().listRuns(dagId, limit).stream()
            .filter(r -> runId == null || r.runId().equals(runId))
            .filter(r -> from == null || !r.times().queuedAt().isBefore(from))
            .filter(r -> r.state().isFinished() && r.sampled())
            .toList();
        int spans = 0;
        int failed = 0;
        try (Tracing tracing = Tracing.open(app.config(), app.otel(), new Tracing.Source(
            Stores.spanOutbox(app.database()), app.stores().runs(), app.stores().dags()))) {
          for (DagRun run : runs) {
            List<SpanData> data = tracing.outbox().spansOf(run.key());
            if (tracing.outbox().export(data)) {
              spans += data.size();
            } else {
              failed++;
              spec.commandLine().getErr().printf("export of %s failed%n", run.key());
            }
          }
        }
        out.printf("exported %d span(s) of %d run(s)%s%n", spans, runs.size() - failed,
            failed == 0 ? "" : "; " + failed + " run(s) failed");
        out.flush();
        return failed == 0 ? 0 : 1;
      }
    }
  }
}
