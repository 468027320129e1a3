package io.contrail.cli;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.StoredDag;
import io.contrail.telemetry.traces.SpanTimes;
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
 * span id, state, start (after the run's) and duration — the start and end the exported spans
 * carry ({@link SpanTimes}), so what this prints is what a trace backend will show.
 */
final class TraceTree {
  private final DagRun run;
  private final List<TaskInstance> tis;
  private final List<TaskAttempt> attempts;
  private final SpanTimes times;

  private TraceTree(RunStore runs, DagStore dags, DagRun run) {
    this.run = run;
    Dag dag = dags.find(run.dagId()).map(StoredDag::dag).orElse(null);
    List<TaskInstance> all = runs.taskInstances(run.key());
    this.attempts = runs.attempts(run.key());
    this.times = new SpanTimes(run, dag, all, attempts);
    // tasks in the order they started, as a trace backend draws them
    this.tis = all.stream()
        .sorted(Comparator.comparing((TaskInstance ti) -> times.task(ti).start()).thenComparing(TaskInstance::taskId))
        .toList();
  }

  static void print(PrintWriter out, RunStore runs, DagStore dags, DagRun run) {
    new TraceTree(runs, dags, run).print(out);
  }

  private void print(PrintWriter out) {
    SpanTimes.Window root = times.run();
    out.printf("dag_run.%s  %s  %s  trace %s%s%s%n", run.dagId(), run.state().id(), seconds(root.duration()),
        run.trace().traceId(), run.trace().parentSpanId() == null ? "" : "  parent " + run.trace().parentSpanId(),
        run.sampled() ? "" : "  (not sampled)");
    for (int i = 0; i < tis.size(); i++) {
      TaskInstance ti = tis.get(i);
      boolean lastTask = i == tis.size() - 1;
      SpanTimes.Window w = times.task(ti);
      out.printf("%s task_run.%s  %s  %s  %s  span %s%n", lastTask ? "└─" : "├─", ti.taskId(), ti.state().id(),
          at(root.start(), w.start()), seconds(w.duration()), ti.trace().spanId());
      List<TaskAttempt> mine = attemptsOf(ti);
      for (int j = 0; j < mine.size(); j++) {
        TaskAttempt a = mine.get(j);
        SpanTimes.Window aw = times.attempt(a);
        out.printf("%s  %s task_attempt.%s  try %d  %s  %s  %s  span %s%s%n", lastTask ? " " : "│",
            j == mine.size() - 1 ? "└─" : "├─", a.taskId(), a.tryNumber(), a.state().id(),
            at(root.start(), aw.start()), seconds(aw.duration()), a.spanId(),
            a.status().exitCode() == null ? "" : "  exit " + a.status().exitCode());
      }
    }
    out.flush();
  }

  /**
   * The same tree for {@code --json}: the run span with its task spans, each with its attempt spans;
   * start and end as exported ({@link SpanTimes}), end and duration null while unfinished.
   */
  static Map<String, Object> json(RunStore runs, DagStore dags, DagRun run) {
    return new TraceTree(runs, dags, run).json();
  }

  private Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("name", "dag_run." + run.dagId());
    root.put("dag_id", run.dagId());
    root.put("run_id", run.runId());
    root.put("state", run.state().id());
    root.put("trace_id", run.trace().traceId());
    root.put("span_id", run.trace().spanId());
    root.put("parent_span_id", run.trace().parentSpanId());
    root.put("sampled", run.sampled());
    window(root, times.run(), run.times().endDate() != null);
    List<Map<String, Object>> tasks = new ArrayList<>();
    for (TaskInstance ti : tis) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", "task_run." + ti.taskId());
      t.put("task_id", ti.taskId());
      t.put("state", ti.state().id());
      t.put("span_id", ti.trace().spanId());
      window(t, times.task(ti), ti.times().endDate() != null);
      List<Map<String, Object>> tries = new ArrayList<>();
      for (TaskAttempt a : attemptsOf(ti)) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "task_attempt." + a.taskId());
        m.put("try_number", a.tryNumber());
        m.put("state", a.state().id());
        m.put("span_id", a.spanId());
        window(m, times.attempt(a), a.endDate() != null);
        m.put("exit_code", a.status().exitCode());
        tries.add(m);
      }
      t.put("attempts", tries);
      tasks.add(t);
    }
    root.put("tasks", tasks);
    return root;
  }

  private static void window(Map<String, Object> m, SpanTimes.Window w, boolean ended) {
    m.put("start", w.start());
    m.put("end", ended ? w.end() : null);
    m.put("duration_ms", ended ? w.duration().toMillis() : null);
  }

  private List<TaskAttempt> attemptsOf(TaskInstance ti) {
    return attempts.stream().filter(a -> a.taskId().equals(ti.taskId())).toList();
  }

  /** The span's start after the run's, as +s.mmm. */
  private static String at(Instant runStart, Instant start) {
    return "+" + seconds(Duration.between(runStart, start));
  }

  private static String seconds(Duration d) {
    return String.format("%.3fs", d.toNanos() / 1e9);
  }
}
