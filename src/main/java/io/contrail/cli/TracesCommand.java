package io.contrail.cli;

import io.contrail.analysis.CriticalPath;
import io.contrail.analysis.RunTimeline;
import io.contrail.analysis.RunTimelines;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.Stores;
import io.contrail.telemetry.traces.Tracing;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code traces show}, {@code traces critical-path} and {@code traces export}: a run's trace from the database. */
@Command(name = "traces", description = "Show, analyse and re-send runs' traces.")
final class TracesCommand extends ParentCommand {

  @Command(name = "show", description = "Print a run's trace as a tree (run, tasks, attempts) from the database.")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID", description = "The DAG.") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID", description = "The run.") String runId;
    @Option(names = "--json", description = "Print the tree as JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        DagRun run = c.run(dagId, runId);
        // span attributes and events may quote the run's secrets
        SecretsMasker masker = c.maskerFor(run);
        if (json) {
          c.json(masker.redact(TraceTree.json(c.app().stores().runs(), c.app().stores().dags(), run)));
        } else {
          StringWriter text = new StringWriter();
          PrintWriter tree = new PrintWriter(text);
          TraceTree.print(tree, c.app().stores().runs(), c.app().stores().dags(), run);
          tree.flush();
          c.out().print(masker.mask(text.toString()));
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "critical-path", description = {
      "Print the chain of task attempts that decided when the run ended, from the database:"
          + " each step's wait (ready -> start) and running time.",
      "A retried task's failed tries are steps of their own; a cleared run is analysed in its latest segment;"
          + " a run still going shows its path so far."})
  static final class CriticalPathOf implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID", description = "The DAG.") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID", description = "The run.") String runId;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        DagRun run = c.run(dagId, runId);
        RunTimeline t = RunTimelines.load(c.app().stores().runs(), c.app().stores().dags(), run.key(),
            c.app().clock().instant());
        CriticalPath cp = CriticalPath.of(t);
        if (json) {
          c.json(cp.toJson(t));
        } else {
          c.out().print(CriticalPathText.of(t, cp));
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "export", sortOptions = false, description = {
      "Re-send finished runs' spans to the configured exporter.",
      "Each span is byte-identical to its first export: same ids, times, attributes and the resource of the process"
          + " that did the work (stored with the row), so a backend that has it keeps one copy.",
      "With --logs (and [logs] otel_on), every line of the runs' attempt logs is sent again too; log records have"
          + " no ids, so a backend that has them keeps both copies."})
  static final class Export implements Callable<Integer> {
    @Option(names = "--dag", paramLabel = "DAG_ID", description = "Only runs of this DAG.") String dagId;
    @Option(names = "--run-id", paramLabel = "RUN_ID", description = "Only this run.") String runId;
    @Option(names = "--since", paramLabel = "TIME",
        description = "Only runs queued at or after this time (ISO date or instant).") String since;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
        description = "At most this many runs, newest first, 1 or more (default ${DEFAULT-VALUE}).") int limit;
    @Option(names = "--logs", description = "Also re-send the runs' attempt logs as log records.") boolean logs;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      UserInput.atLeast("--limit", limit, 1);
      Instant from = since == null ? null : BackfillCommand.parseTime("--since", since);
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        List<DagRun> candidates;
        if (runId != null && dagId != null) {
          candidates = List.of(c.run(dagId, runId));
        } else {
          candidates = c.app().stores().runs().listRuns(dagId, limit).stream()
              .filter(r -> runId == null || r.runId().equals(runId)).toList();
          if (dagId != null && candidates.isEmpty()) {
            c.dag(dagId);
          }
        }
        List<DagRun> runs = candidates.stream()
            .filter(r -> from == null || !r.times().queuedAt().isBefore(from))
            .filter(r -> r.state().isFinished() && r.sampled())
            .toList();
        if (logs && !c.app().config().logs().otelOn()) {
          throw new Main.UserError("--logs needs [logs] otel_on = true (CONTRAIL__LOGS__OTEL_ON=true)");
        }
        int spans = 0;
        long records = 0;
        List<String> failed = new ArrayList<>();
        try (Tracing tracing = Tracing.open(c.app().config(), c.app().otel(), c.app().masker(), new Tracing.Source(
            Stores.spanOutbox(c.app().database()), c.app().stores().runs(), c.app().stores().dags(),
            Stores.logOutbox(c.app().database())))) {
          for (DagRun run : runs) {
            List<SpanData> data = tracing.outbox().spansOf(run.key());
            long sent = logs ? tracing.exportLogs(run, c.app().stores().runs().attempts(run.key())) : 0;
            if (tracing.outbox().export(data) && sent >= 0) {
              spans += data.size();
              records += sent;
            } else {
              failed.add(run.dagId() + "/" + run.runId());
            }
          }
        }
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("spans", spans);
          if (logs) {
            m.put("log_records", records);
          }
          m.put("runs", runs.size() - failed.size());
          m.put("failed_runs", failed);
          c.json(m);
        } else {
          failed.forEach(r -> spec.commandLine().getErr().printf("export of %s failed%n", r));
          c.out().printf("exported %d span(s)%s of %d run(s)%s%n", spans, logs ? " and " + records + " log record(s)" : "",
              runs.size() - failed.size(),
              failed.isEmpty() ? "" : "; " + failed.size() + " run(s) failed");
        }
        return failed.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
      }
    }
  }
}
