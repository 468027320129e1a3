package io.contrail.cli;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.SpanEvent;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's trace as a tree, from the database: run → task instances → attempts, each with its
 * span id, state, start (after the run's) and duration — the start and end the exported spans
 * carry ({@link SpanTimes}), so what this prints is what a trace backend will show. A cleared run
 * shows each re-run as a segment (a {@code dag_run} span with its clear number) under the root,
 * holding the task_run spans of its tries; marks and stops show where they happened.
 */
final class TraceTree {
  private final DagRun run;
  private final List<TaskInstance> tis;
  private final List<TaskAttempt> attempts;
  private final SpanTimes times;

  private final RunStore runs;
  private final List<SpanEvent> events;

  private TraceTree(RunStore runs, DagStore dags, DagRun run) {
    this.run = run;
    this.runs = runs;
    Dag dag = dags.find(run.dagId()).map(StoredDag::dag).orElse(null);
    List<TaskInstance> all = runs.taskInstances(run.key());
    this.attempts = runs.attempts(run.key());
    this.times = new SpanTimes(run, dag, all, attempts);
    this.events = runs.spanEvents(run.key());
    // tasks in the order they started, as a trace backend draws them
    this.tis = all.stream()
        .sorted(Comparator.comparing((TaskInstance ti) -> times.task(ti).start()).thenComparing(TaskInstance::taskId))
        .toList();
  }

  static void print(PrintWriter out, RunStore runs, DagStore dags, DagRun run) {
    new TraceTree(runs, dags, run).print(out);
  }

  /** One span of the printed tree; children are drawn in the order they started. */
  private static final class Node {
    final String label;
    final Instant start;
    final List<Node> children = new ArrayList<>();

    Node(String label, Instant start) {
      this.label = label;
      this.start = start;
    }
  }

  private void print(PrintWriter out) {
    SpanTimes.Window rootWindow = times.run();
    Instant t0 = rootWindow.start();
    List<DagRun> segments = new ArrayList<>(runs.runSegments(run.key()));
    segments.add(run);
    Map<String, Node> bySpan = new HashMap<>();
    Node root = null;
    for (DagRun s : segments) {
      SpanTimes.Window w = s == run ? rootWindow : new SpanTimes(s, null, List.of(), List.of()).run();
      Node n = new Node(runLabel(s, w, t0), w.start());
      bySpan.put(s.trace().currentSpanId(), n);
      if (s.trace().segment().isRoot()) {
        root = n;
      }
    }
    if (root == null) { // cannot happen: the root is either the run itself or its first kept segment
      root = bySpan.get(run.trace().currentSpanId());
    }
    for (Node n : bySpan.values()) {
      if (n != root) {
        root.children.add(n);
      }
    }
    List<TaskInstance> spans = new ArrayList<>(tis);
    spans.addAll(runs.taskSegments(run.key()));
    Map<String, TaskInstance> current = new HashMap<>();
    tis.forEach(ti -> current.put(ti.taskId(), ti));
    for (TaskInstance ti : spans) {
      SpanTimes.Window w = times.task(ti);
      Node n = new Node(String.format("task_run.%s  %s  %s  %s  span %s%s%s", ti.taskId(), ti.state().id(),
          at(t0, w.start()), seconds(w.duration()), ti.trace().spanId(),
          ti.trace().previousSpanId() == null ? "" : "  after " + ti.trace().previousSpanId(),
          marks(ti.trace().spanId())), w.start());
      bySpan.put(ti.trace().spanId(), n);
      String parent = ti.trace().parentSpanId() != null ? ti.trace().parentSpanId() : run.trace().spanId();
      bySpan.getOrDefault(parent, root).children.add(n);
    }
    for (TaskAttempt a : attempts) {
      TaskInstance ti = current.get(a.taskId());
      SpanTimes.Window w = times.attempt(a);
      Node n = new Node(String.format("task_attempt.%s  try %d  %s  %s  %s  span %s%s%s", a.taskId(), a.tryNumber(),
          a.state().id(), at(t0, w.start()), seconds(w.duration()), a.spanId(),
          a.status().exitCode() == null ? "" : "  exit " + a.status().exitCode(), marks(a.spanId())), w.start());
      Node p = bySpan.get(a.taskSpanIdOr(ti == null ? "" : ti.trace().spanId()));
      if (p != null) {
        p.children.add(n);
      }
    }
    out.println(root.label);
    printChildren(out, root, "");
    out.flush();
  }

  private static void printChildren(PrintWriter out, Node node, String indent) {
    List<Node> kids = new ArrayList<>(node.children);
    kids.sort(Comparator.comparing((Node n) -> n.start).thenComparing(n -> n.label));
    for (int i = 0; i < kids.size(); i++) {
      boolean last = i == kids.size() - 1;
      out.println(indent + (last ? "└─ " : "├─ ") + kids.get(i).label);
      printChildren(out, kids.get(i), indent + (last ? "   " : "│  "));
    }
  }

  private String runLabel(DagRun r, SpanTimes.Window w, Instant t0) {
    String head = r.trace().segment().isRoot()
        ? String.format("dag_run.%s  %s  %s  trace %s%s%s", r.dagId(), r.state().id(), seconds(w.duration()),
            r.trace().traceId(), r.trace().parentSpanId() == null ? "" : "  parent " + r.trace().parentSpanId(),
            r.sampled() ? "" : "  (not sampled)")
        : String.format("dag_run.%s  clear %d  %s  %s  %s  span %s", r.dagId(), r.clearNumber(), r.state().id(),
            at(t0, w.start()), seconds(w.duration()), r.trace().currentSpanId());
    return head + marks(r.trace().currentSpanId());
  }

  /** The marks, stops and missed deadlines recorded on a span, e.g. "  [marked failed by cli:alice@host]". */
  private String marks(String spanId) {
    StringBuilder b = new StringBuilder();
    for (SpanEvent e : events) {
      if (!e.spanId().equals(spanId)) {
        continue;
      }
      Map<String, String> a = e.attributes();
      if (e.name().equals("deadline_missed")) {
        b.append("  [deadline missed]");
      } else {
        String action = a.getOrDefault("contrail.marked.action", "mark");
        String verb = switch (action) {
          case "clear" -> "cleared";
          case "stop" -> "stopped";
          default -> "marked " + a.getOrDefault("contrail.marked.state", "");
        };
        b.append("  [").append(verb).append(" by ").append(a.getOrDefault("contrail.marked.by", "?")).append(']');
      }
    }
    return b.toString();
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
