package io.contrail.cli;

import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.storage.RunStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's trace as a tree, from the database: run → task instances → attempts, each with its
 * span id, state and duration — what a trace backend will show, without one.
 */
final class TraceTree {
  private TraceTree() {}

  static void print(PrintWriter out, RunStore runs, DagRun run) {
    out.printf("dag_run.%s  %s  %s  trace %s%s%s%n", run.dagId(), run.state().id(),
        Output.duration(run.times().queuedAt(), run.times().endDate()), run.trace().traceId(),
        run.trace().parentSpanId() == null ? "" : "  parent " + run.trace().parentSpanId(),
        run.sampled() ? "" : "  (not sampled)");
    List<TaskInstance> tis = inTreeOrder(runs, run);
    List<TaskAttempt> attempts = runs.attempts(run.key());
    for (int i = 0; i < tis.size(); i++) {
      TaskInstance ti = tis.get(i);
      boolean lastTask = i == tis.size() - 1;
      out.printf("%s task_run.%s  %s  %s  span %s%n", lastTask ? "└─" : "├─", ti.taskId(), ti.state().id(),
          Output.duration(startOf(ti), ti.times().endDate()), ti.trace().spanId());
      List<TaskAttempt> mine = attempts.stream().filter(a -> a.taskId().equals(ti.taskId())).toList();
      for (int j = 0; j < mine.size(); j++) {
        TaskAttempt a = mine.get(j);
        out.printf("%s  %s task_attempt.%s  try %d  %s  %s  span %s%s%n", lastTask ? " " : "│",
            j == mine.size() - 1 ? "└─" : "├─", a.taskId(), a.tryNumber(), a.state().id(),
            Output.duration(a.startDate(), a.endDate()), a.spanId(),
            a.status().exitCode() == null ? "" : "  exit " + a.status().exitCode());
      }
    }
    out.flush();
  }

  /** The same tree for {@code --json}: the run span with its task spans, each with its attempt spans. */
  static Map<String, Object> json(RunStore runs, DagRun run) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("name", "dag_run." + run.dagId());
    root.put("dag_id", run.dagId());
    root.put("run_id", run.runId());
    root.put("state", run.state().id());
    root.put("trace_id", run.trace().traceId());
    root.put("span_id", run.trace().spanId());
    root.put("parent_span_id", run.trace().parentSpanId());
    root.put("sampled", run.sampled());
    root.put("start", run.times().queuedAt());
    root.put("end", run.times().endDate());
    root.put("duration_ms", millis(run.times().queuedAt(), run.times().endDate()));
    List<TaskAttempt> attempts = runs.attempts(run.key());
    List<Map<String, Object>> tasks = new ArrayList<>();
    for (TaskInstance ti : inTreeOrder(runs, run)) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", "task_run." + ti.taskId());
      t.put("task_id", ti.taskId());
      t.put("state", ti.state().id());
      t.put("span_id", ti.trace().spanId());
      t.put("start", startOf(ti));
      t.put("end", ti.times().endDate());
      t.put("duration_ms", millis(startOf(ti), ti.times().endDate()));
      List<Map<String, Object>> tries = new ArrayList<>();
      for (TaskAttempt a : attempts) {
        if (!a.taskId().equals(ti.taskId())) {
          continue;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "task_attempt." + a.taskId());
        m.put("try_number", a.tryNumber());
        m.put("state", a.state().id());
        m.put("span_id", a.spanId());
        m.put("start", a.startDate());
        m.put("end", a.endDate());
        m.put("duration_ms", millis(a.startDate(), a.endDate()));
        m.put("exit_code", a.status().exitCode());
        tries.add(m);
      }
      t.put("attempts", tries);
      tasks.add(t);
    }
    root.put("tasks", tasks);
    return root;
  }

  private static Long millis(Instant start, Instant end) {
    return start == null || end == null ? null : Duration.between(start, end).toMillis();
  }

  /** Tasks in the order they started, as a trace backend draws them. */
  private static List<TaskInstance> inTreeOrder(RunStore runs, DagRun run) {
    return runs.taskInstances(run.key()).stream()
        .sorted(Comparator.comparing(TraceTree::startOf, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(TaskInstance::taskId))
        .toList();
  }

  private static Instant startOf(TaskInstance ti) {
    return ti.times().scheduledAt() != null ? ti.times().scheduledAt() : ti.times().startDate();
  }
}
