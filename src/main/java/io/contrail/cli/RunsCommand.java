package io.contrail.cli;

import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunTimes;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskTimes;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.Json;
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

/** {@code runs list} and {@code runs show}. */
@Command(name = "runs", description = "DAG runs.")
final class RunsCommand extends ParentCommand {

  /** The run as JSON, its conf redacted by key at any depth (the real conf stays in the database). */
  static Map<String, Object> runJson(DagRun r, SecretsMasker masker) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dag_id", r.dagId());
    m.put("run_id", r.runId());
    m.put("state", r.state().id());
    m.put("run_type", r.runType().id());
    m.put("logical_date", r.spec().logicalDate());
    m.put("data_interval_start", r.spec().dataIntervalStart());
    m.put("data_interval_end", r.spec().dataIntervalEnd());
    m.put("queued_at", r.times().queuedAt());
    m.put("start_date", r.times().startDate());
    m.put("end_date", r.times().endDate());
    m.put("conf", masker.redact(io.contrail.storage.Json.readObject(r.spec().conf())));
    m.put("trace_id", r.trace().traceId());
    m.put("span_id", r.trace().spanId());
    return m;
  }

  static Map<String, Object> taskJson(TaskInstance ti) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task_id", ti.taskId());
    m.put("state", ti.state().id());
    m.put("try_number", ti.tryNumber());
    m.put("max_tries", ti.tries().max());
    m.put("start_date", ti.times().startDate());
    m.put("end_date", ti.times().endDate());
    m.put("duration_ms", ti.duration() == null ? null : ti.duration().toMillis());
    m.put("pool", ti.profile().pool());
    m.put("span_id", ti.trace().spanId());
    return m;
  }

  static Map<String, Object> attemptJson(TaskAttempt a, SecretsMasker masker) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task_id", a.taskId());
    m.put("try_number", a.tryNumber());
    m.put("state", a.state().id());
    m.put("start_date", a.startDate());
    m.put("end_date", a.endDate());
    m.put("hostname", a.placement().hostname());
    m.put("pid", a.placement().pid());
    m.put("exit_code", a.status().exitCode());
    m.put("error", masker.mask(a.status().error()));
    m.put("span_id", a.spanId());
    return m;
  }

  static List<List<String>> taskRows(List<TaskInstance> tis) {
    List<List<String>> rows = new ArrayList<>();
    for (TaskInstance ti : tis) {
      TaskTimes t = ti.times();
      rows.add(List.of(ti.taskId(), ti.state().id(), String.valueOf(ti.tryNumber()),
          Output.time(t.startDate()), Output.time(t.endDate()), Output.duration(t.startDate(), t.endDate())));
    }
    return rows;
  }

  static final List<String> TASK_HEADER = List.of("task_id", "state", "try_number", "start", "end", "duration");

  @Command(name = "list", description = "List runs, newest first.")
  static final class ListRuns implements Callable<Integer> {
    @Option(names = "--dag", paramLabel = "DAG_ID", description = "Only runs of this DAG.") String dagId;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
        description = "At most this many runs, 1 or more (default ${DEFAULT-VALUE}).") int limit;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      UserInput.atLeast("--limit", limit, 1);
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        List<DagRun> runs = c.app().stores().runs().listRuns(dagId, limit);
        if (dagId != null && runs.isEmpty()) {
          c.dag(dagId); // a DAG that does not exist is a mistake, one without runs is not
        }
        if (json) {
          c.json(runs.stream().map(r -> runJson(r, c.app().masker())).toList());
          return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (DagRun r : runs) {
          RunTimes t = r.times();
          rows.add(List.of(r.dagId(), r.runId(), r.state().id(), r.runType().id(), Output.time(r.spec().logicalDate()),
              Output.time(t.queuedAt()), Output.time(t.startDate()), Output.time(t.endDate()), r.trace().traceId()));
        }
        Output.table(c.out(), List.of("dag_id", "run_id", "state", "run_type", "logical_date", "queued_at",
            "start_date", "end_date", "trace_id"), rows);
        return 0;
      }
    }
  }

  @Command(name = "show", description = "One run with every task instance (in DAG order) and every attempt (with why it failed).")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID", description = "The DAG.") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID", description = "The run.") String runId;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        DagRun run = c.run(dagId, runId);
        SecretsMasker masker = c.maskerFor(run);
        List<TaskInstance> tis = c.tasksInDagOrder(run);
        List<TaskAttempt> attempts = inOrderOf(tis, c.app().stores().runs().attempts(run.key()));
        PrintWriter out = c.out();
        if (json) {
          Map<String, Object> m = runJson(run, masker);
          m.put("task_instances", tis.stream().map(RunsCommand::taskJson).toList());
          m.put("attempts", attempts.stream().map(a -> attemptJson(a, masker)).toList());
          c.json(m);
          return 0;
        }
        out.printf("dag_id:        %s%nrun_id:        %s%nstate:         %s%nrun_type:      %s%nlogical_date:  %s%n"
                + "data_interval: %s - %s%nqueued_at:     %s%nstart_date:    %s%nend_date:      %s%nconf:          %s%ntrace_id:      %s%n%n",
            run.dagId(), run.runId(), run.state().id(), run.runType().id(), run.spec().logicalDate(),
            run.spec().dataIntervalStart(), run.spec().dataIntervalEnd(), run.times().queuedAt(),
            Output.time(run.times().startDate()), Output.time(run.times().endDate()),
            Json.write(masker.redact(Json.readObject(run.spec().conf()))), run.trace().traceId());
        Output.table(out, TASK_HEADER, taskRows(tis));
        if (!attempts.isEmpty()) {
          out.println();
          List<List<String>> rows = new ArrayList<>();
          for (TaskAttempt a : attempts) {
            String host = a.placement().hostname();
            Integer exitCode = a.status().exitCode();
            String error = a.status().error();
            rows.add(List.of(a.taskId(), String.valueOf(a.tryNumber()), a.state().id(),
                Output.duration(a.startDate(), a.endDate()), host == null ? "" : host,
                exitCode == null ? "" : String.valueOf(exitCode), error == null ? "" : masker.mask(error)));
          }
          Output.table(out, List.of("task_id", "try", "state", "duration", "host", "exit_code", "error"), rows);
        }
        return 0;
      }
    }
  }

  /** Attempts grouped by task in the order of {@code tis}, each task's tries in order. */
  static List<TaskAttempt> inOrderOf(List<TaskInstance> tis, List<TaskAttempt> attempts) {
    Map<String, Integer> order = new java.util.HashMap<>();
    tis.forEach(ti -> order.putIfAbsent(ti.taskId(), order.size()));
    return attempts.stream()
        .sorted(java.util.Comparator.comparingInt((TaskAttempt a) -> order.getOrDefault(a.taskId(), Integer.MAX_VALUE))
            .thenComparing(TaskAttempt::taskId).thenComparingInt(TaskAttempt::tryNumber))
        .toList();
  }
}
