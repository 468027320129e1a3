package io.contrail.cli;

import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.storage.RunStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

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
    List<TaskInstance> tis = runs.taskInstances(run.key()).stream()
        .sorted(Comparator.comparing(TraceTree::startOf, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(TaskInstance::taskId))
        .toList();
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

  private static Instant startOf(TaskInstance ti) {
    return ti.times().scheduledAt() != null ? ti.times().scheduledAt() : ti.times().startDate();
  }
}
