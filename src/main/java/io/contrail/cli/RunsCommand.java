package io.contrail.cli;

import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunTimes;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskTimes;
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
@Command(name = "runs", mixinStandardHelpOptions = true, description = "DAG runs.",
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class})
final class RunsCommand {

  static Map<String, Object> runJson(DagRun r) {
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
    m.put("conf", io.contrail.storage.Json.readObject(r.spec().conf()));
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

  static Map<String, Object> attemptJson(TaskAttempt a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task_id", a.taskId());
    m.put("try_number", a.tryNumber());
    m.put("state", a.state().id());
    m.put("start_date", a.startDate());
    m.put("end_date", a.endDate());
    m.put("hostname", a.placement().hostname());
    m.put("pid", a.placement().pid());
    m.put("exit_code", a.status().exitCode());
    m.put("error", a.status().error());
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
    @Option(names = "--dag", description = "Only runs of this DAG.") String dagId;
    @Option(names = "--limit", defaultValue = "50", description = "At most this many runs (default ${DEFAULT-VALUE}).") int limit;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        List<DagRun> runs = app.stores().runs().listRuns(dagId, limit);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          Output.json(out, runs.stream().map(RunsCommand::runJson).toList());
          return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (DagRun r : runs) {
          RunTimes t = r.times();
          rows.add(List.of(r.dagId(), r.runId(), r.state().id(), r.runType().id(), Output.time(r.spec().logicalDate()),
              Output.time(t.queuedAt()), Output.time(t.startDate()), Output.time(t.endDate()), r.trace().traceId()));
        }
        Output.table(out, List.of("dag_id", "run_id", "state", "run_type", "logical_date", "queued_at",
            "start_date", "end_date", "trace_id"), rows);
        return 0;
      }
    }
  }

  @Command(name = "show", description = "One run with every task instance and every attempt (with why it failed).")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID") String runId;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        RunKey key = new RunKey(dagId, runId);
        DagRun run = app.stores().runs().findRun(key)
            .orElseThrow(() -> new Main.UserError("no run '" + runId + "' of DAG '" + dagId + "'"));
        List<TaskInstance> tis = app.stores().runs().taskInstances(key);
        List<TaskAttempt> attempts = app.stores().runs().attempts(key);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          Map<String, Object> m = runJson(run);
          m.put("task_instances", tis.stream().map(RunsCommand::taskJson).toList());
          m.put("attempts", attempts.stream().map(RunsCommand::attemptJson).toList());
          Output.json(out, m);
          return 0;
        }
        out.printf("dag_id:        %s%nrun_id:        %s%nstate:         %s%nrun_type:      %s%nlogical_date:  %s%n"
                + "data_interval: %s - %s%nqueued_at:     %s%nstart_date:    %s%nend_date:      %s%nconf:          %s%ntrace_id:      %s%n%n",
            run.dagId(), run.runId(), run.state().id(), run.runType().id(), run.spec().logicalDate(),
            run.spec().dataIntervalStart(), run.spec().dataIntervalEnd(), run.times().queuedAt(),
            Output.time(run.times().startDate()), Output.time(run.times().endDate()),
            run.spec().conf() == null ? "{}" : run.spec().conf(), run.trace().traceId());
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
                exitCode == null ? "" : String.valueOf(exitCode), error == null ? "" : error));
          }
          Output.table(out, List.of("task_id", "try", "state", "duration", "host", "exit_code", "error"), rows);
        }
        return 0;
      }
    }
  }
}
