package io.contrail.cli;

import io.contrail.run.DagRun;
import io.contrail.run.SpanEvent;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.storage.RunStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's trace as a tree, from the database: run → task instances → attempts, each with its
 * span id, state and duration — what a trace backend will show, without one. A cleared run shows
 * each re-run as a segment (a {@code dag_run} span with its clear number) under the root, holding
 * the task_run spans of its tries; marks and stops show where they happened.
 */
final class TraceTree {
  private TraceTree() {}

  private static final class Node {
    final String label;
    final Instant start;
    final List<Node> children = new ArrayList<>();

    Node(String label, Instant start) {
      this.label = label;
      this.start = start;
    }
  }

  static void print(PrintWriter out, RunStore runs, DagRun run) {
    List<SpanEvent> events = runs.spanEvents(run.key());
    List<DagRun> segments = new ArrayList<>(runs.runSegments(run.key()));
    segments.add(run);
    Map<String, Node> bySpan = new HashMap<>();
    Node root = null;
    for (DagRun s : segments) {
      Node n = new Node(runLabel(s, events), s.times().queuedAt());
      bySpan.put(s.trace().currentSpanId(), n);
      if (s.trace().segment().isRoot()) {
        root = n;
      }
    }
    if (root == null) { // cannot happen: the root is either the run itself or its first kept segment
      root = bySpan.get(run.trace().currentSpanId());
    }
    for (DagRun s : segments) {
      Node n = bySpan.get(s.trace().currentSpanId());
      if (n != root) {
        root.children.add(n);
      }
    }
    Map<String, TaskInstance> current = new HashMap<>();
    List<TaskInstance> tis = new ArrayList<>(runs.taskInstances(run.key()));
    tis.forEach(ti -> current.put(ti.taskId(), ti));
    tis.addAll(runs.taskSegments(run.key()));
    for (TaskInstance ti : tis) {
      String parent = ti.trace().parentSpanId() != null ? ti.trace().parentSpanId() : run.trace().spanId();
      Node n = new Node(taskLabel(ti, events), startOf(ti));
      bySpan.put(ti.trace().spanId(), n);
      bySpan.getOrDefault(parent, root).children.add(n);
    }
    for (TaskAttempt a : runs.attempts(run.key())) {
      TaskInstance ti = current.get(a.taskId());
      String parent = a.taskSpanIdOr(ti == null ? "" : ti.trace().spanId());
      Node n = new Node(String.format("task_attempt.%s  try %d  %s  %s  span %s%s%s", a.taskId(), a.tryNumber(),
          a.state().id(), Output.duration(a.startDate(), a.endDate()), a.spanId(),
          a.status().exitCode() == null ? "" : "  exit " + a.status().exitCode(), marks(a.spanId(), events)),
          a.startDate());
      Node p = bySpan.get(parent);
      if (p != null) {
        p.children.add(n);
      }
    }
    out.println(root.label);
    printChildren(out, root, "");
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

  private static void printChildren(PrintWriter out, Node node, String indent) {
    List<Node> kids = new ArrayList<>(node.children);
    kids.sort(Comparator.comparing((Node n) -> n.start, Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(n -> n.label));
    for (int i = 0; i < kids.size(); i++) {
      boolean last = i == kids.size() - 1;
      out.println(indent + (last ? "└─ " : "├─ ") + kids.get(i).label);
      printChildren(out, kids.get(i), indent + (last ? "   " : "│  "));
    }
  }

  private static String runLabel(DagRun r, List<SpanEvent> events) {
    String head = r.trace().segment().isRoot()
        ? String.format("dag_run.%s  %s  %s  trace %s%s%s", r.dagId(), r.state().id(),
            Output.duration(r.times().queuedAt(), r.times().endDate()), r.trace().traceId(),
            r.trace().parentSpanId() == null ? "" : "  parent " + r.trace().parentSpanId(),
            r.sampled() ? "" : "  (not sampled)")
        : String.format("dag_run.%s  clear %d  %s  %s  span %s", r.dagId(), r.clearNumber(), r.state().id(),
            Output.duration(r.times().queuedAt(), r.times().endDate()), r.trace().currentSpanId());
    return head + marks(r.trace().currentSpanId(), events);
  }

  private static String taskLabel(TaskInstance ti, List<SpanEvent> events) {
    return String.format("task_run.%s  %s  %s  span %s%s%s", ti.taskId(), ti.state().id(),
        Output.duration(startOf(ti), ti.times().endDate()), ti.trace().spanId(),
        ti.trace().previousSpanId() == null ? "" : "  after " + ti.trace().previousSpanId(),
        marks(ti.trace().spanId(), events));
  }

  /** The marks, stops and missed deadlines recorded on a span, e.g. "  [marked failed by cli:alice@host]". */
  private static String marks(String spanId, List<SpanEvent> events) {
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

  private static Instant startOf(TaskInstance ti) {
    return ti.times().scheduledAt() != null ? ti.times().scheduledAt() : ti.times().startDate();
  }
}
