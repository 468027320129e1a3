package io.contrail.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The chain of task attempts that decided when a run (segment) ended: start at the attempt that
 * ended last and walk back, each time to what released the attempt — the previous try of the same
 * task for a retry, else the upstream task (by the DAG's dependencies) whose end came last before
 * the attempt started — until an attempt that nothing in the segment released (the segment's
 * beginning did). Each step is split into its wait (ready → start: scheduled, queued, or the retry
 * delay) and its running time.
 *
 * <ul>
 *   <li><b>Retries:</b> a critical task's failed tries are steps of their own, in order: the run
 *       waited for them.
 *   <li><b>Clears:</b> {@link #of(RunTimeline)} analyses the current (latest) segment; tasks the
 *       clear did not re-run belong to the older segment, so the path starts at the clear.
 *   <li><b>A running run:</b> the path so far — attempts still running or waiting count until
 *       {@link RunTimeline#asOf()}, and the path ends at the one that ends (or reaches now) last.
 * </ul>
 *
 * @param segmentSpanId the {@code dag_run} span (root or clear segment) analysed
 * @param steps in the order they ran
 * @param runMs the segment's duration: queued → end (→ now while it runs)
 */
public record CriticalPath(String segmentSpanId, int clearNumber, List<Step> steps, long runMs) {

  public CriticalPath {
    steps = List.copyOf(steps);
  }

  /**
   * One attempt on the path.
   *
   * @param waitingMs from when it was released (the previous step's end, or the segment's start)
   *     to its start
   * @param retry whether the wait was for a retry (the previous step is an earlier try of this task)
   * @param end null while it runs
   */
  public record Step(String taskId, int tryNumber, String state, String spanId, Instant start, Instant end,
      long waitingMs, long runningMs, boolean retry) {
    public long durationMs() {
      return waitingMs + runningMs;
    }

    /** What the wait was: "queued" for a try its upstream released, "up for retry" for a retry. */
    public String waitKind() {
      return retry ? "up for retry" : "queued";
    }
  }

  /** The path of the run's current segment. */
  public static CriticalPath of(RunTimeline t) {
    return of(t, t.currentSegment().spanId());
  }

  /** The path of one segment of the run (its root span or a clear's). */
  public static CriticalPath of(RunTimeline t, String segmentSpanId) {
    RunTimeline.Segment seg = t.segment(segmentSpanId);
    if (seg == null) {
      throw new IllegalArgumentException("run " + t.dagId() + "/" + t.runId() + " has no segment " + segmentSpanId);
    }
    Instant asOf = t.asOf();
    long runMs = Duration.between(seg.queuedAt(), seg.endDate() != null ? seg.endDate() : asOf).toMillis();
    List<RunTimeline.TaskRow> rows = t.rowsOf(segmentSpanId);
    RunTimeline.Attempt last = null;
    for (RunTimeline.TaskRow r : rows) {
      for (RunTimeline.Attempt a : r.attempts()) {
        if (a.started() && (last == null || a.endOr(asOf).isAfter(last.endOr(asOf))
            || a.endOr(asOf).equals(last.endOr(asOf)) && a.startDate().isAfter(last.startDate()))) {
          last = a;
        }
      }
    }
    Map<RunTimeline.Attempt, RunTimeline.TaskRow> rowOf = new IdentityHashMap<>();
    Map<String, List<RunTimeline.TaskRow>> byTask = new HashMap<>();
    for (RunTimeline.TaskRow r : rows) {
      r.attempts().forEach(a -> rowOf.put(a, r));
      byTask.computeIfAbsent(r.taskId(), k -> new ArrayList<>()).add(r);
    }
    List<Step> steps = new ArrayList<>();
    Set<RunTimeline.Attempt> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    RunTimeline.Attempt current = last;
    while (current != null && seen.add(current)) {
      RunTimeline.Attempt earlierTry = earlierTry(rowOf.get(current), current);
      RunTimeline.Attempt released = earlierTry != null ? earlierTry : releasedBy(t, byTask, current);
      Instant from = released != null ? released.endOr(asOf) : seg.begin();
      long waiting = from == null || from.isAfter(current.startDate()) ? 0
          : Duration.between(from, current.startDate()).toMillis();
      steps.add(new Step(current.taskId(), current.tryNumber(), current.state(), current.spanId(), current.startDate(),
          current.endDate(), waiting, current.running(asOf).toMillis(), earlierTry != null));
      current = released;
    }
    Collections.reverse(steps);
    return new CriticalPath(segmentSpanId, seg.clearNumber(), steps, Math.max(0, runMs));
  }

  /** The latest started try of the same task_run ({@code row}) before {@code a}, if any. */
  private static RunTimeline.Attempt earlierTry(RunTimeline.TaskRow row, RunTimeline.Attempt a) {
    RunTimeline.Attempt best = null;
    for (RunTimeline.Attempt x : row.attempts()) {
      if (x.started() && x.tryNumber() < a.tryNumber() && (best == null || x.tryNumber() > best.tryNumber())) {
        best = x;
      }
    }
    return best;
  }

  /** Among the upstream tasks' tries in the segment, the one that ended last before {@code a} started. */
  private static RunTimeline.Attempt releasedBy(RunTimeline t, Map<String, List<RunTimeline.TaskRow>> byTask,
      RunTimeline.Attempt a) {
    RunTimeline.Attempt best = null;
    for (String up : t.upstream().getOrDefault(a.taskId(), List.of())) {
      for (RunTimeline.TaskRow r : byTask.getOrDefault(up, List.of())) {
        for (RunTimeline.Attempt x : r.attempts()) {
          if (x.started() && x.endDate() != null && !x.endDate().isAfter(a.startDate())
              && (best == null || x.endDate().isAfter(best.endDate()))) {
            best = x;
          }
        }
      }
    }
    return best;
  }

  /** Waiting and running of every step: from the segment's start to the last attempt's end. */
  public long totalMs() {
    return steps.stream().mapToLong(Step::durationMs).sum();
  }

  /** The step that waited longest (null when the path is empty). */
  public Step longestWait() {
    Step best = null;
    for (Step s : steps) {
      if (best == null || s.waitingMs() > best.waitingMs()) {
        best = s;
      }
    }
    return best;
  }

  public List<String> taskIds() {
    return steps.stream().map(Step::taskId).toList();
  }

  /** E.g. "12.4 s of 14.1 s on the critical path; longest wait: load, 3.2 s queued". */
  public String summary() {
    if (steps.isEmpty()) {
      return "no task has started yet";
    }
    String head = seconds(totalMs()) + " of " + seconds(runMs) + " on the critical path";
    Step w = longestWait();
    return w.waitingMs() == 0 ? head + "; no waits" : head + "; longest wait: " + w.taskId() + ", "
        + seconds(w.waitingMs()) + " " + w.waitKind();
  }

  /** The path as {@code traces critical-path --json} and the REST API print it. */
  public Map<String, Object> toJson(RunTimeline t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dag_id", t.dagId());
    m.put("run_id", t.runId());
    m.put("trace_id", t.traceId());
    m.put("segment_span_id", segmentSpanId);
    m.put("clear_number", clearNumber);
    m.put("run_finished", t.finished());
    m.put("summary", summary());
    m.put("total_ms", totalMs());
    m.put("run_ms", runMs);
    Step w = longestWait();
    if (w != null) {
      Map<String, Object> lw = new LinkedHashMap<>();
      lw.put("task_id", w.taskId());
      lw.put("try_number", w.tryNumber());
      lw.put("waiting_ms", w.waitingMs());
      lw.put("kind", w.waitKind());
      m.put("longest_wait", lw);
    } else {
      m.put("longest_wait", null);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Step s : steps) {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("task_id", s.taskId());
      sm.put("try_number", s.tryNumber());
      sm.put("state", s.state());
      sm.put("span_id", s.spanId());
      sm.put("start", s.start() == null ? null : s.start().toString());
      sm.put("end", s.end() == null ? null : s.end().toString());
      sm.put("waiting_ms", s.waitingMs());
      sm.put("running_ms", s.runningMs());
      out.add(sm);
    }
    m.put("steps", out);
    return m;
  }

  static String seconds(long ms) {
    return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
