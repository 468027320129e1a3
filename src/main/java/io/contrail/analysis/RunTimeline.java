package io.contrail.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One DAG run laid out on a time axis, from the rows its spans are built from: the run's segments
 * (the root {@code dag_run} span, then one per clear or mark of the finished run), one row per
 * {@code task_run} span (a cleared task has one per segment it ran in, linked by
 * {@code previousSpanId}), each with its attempts. Built by {@link RunTimelines}; read by
 * {@link CriticalPath} and {@link WaterfallSvg}. Times are the stored ones; {@code asOf} is when the
 * rows were read, the "now" of a run still going.
 *
 * @param upstream each task's upstream task ids (from the DAG definition; empty when the DAG is gone)
 * @param segments oldest first; the last is the current one
 * @param rows by segment, then in DAG order
 */
public record RunTimeline(String dagId, String runId, String traceId, String state, Instant queuedAt,
    Instant startDate, Instant endDate, Instant asOf, List<Segment> segments, List<TaskRow> rows,
    Map<String, List<String>> upstream) {

  public RunTimeline {
    segments = List.copyOf(segments);
    rows = List.copyOf(rows);
    upstream = Map.copyOf(upstream);
  }

  /**
   * A part of the run's trace: the root {@code dag_run} span (clear number 0) or a re-run after a
   * clear (a {@code dag_run} span with {@code contrail.clear_number}, child of the root).
   */
  public record Segment(String spanId, int clearNumber, boolean root, String state, Instant queuedAt,
      Instant startDate, Instant endDate) {
    /** When its tasks could begin: its start, else (never started) its queued time. */
    public Instant begin() {
      return startDate != null ? startDate : queuedAt;
    }
  }

  /**
   * One {@code task_run} span: a task instance in one segment, and its tries in order.
   *
   * @param previousSpanId the task_run span of the same task a clear replaced (null: none)
   */
  public record TaskRow(String taskId, String spanId, String segmentSpanId, String previousSpanId, String state,
      List<Attempt> attempts) {
    public TaskRow {
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * One try of a task. {@code waitingSince} is when it became ready to run — the task's stored
   * scheduled/queued time for its latest try, the previous try's end for an earlier retry, else the
   * end of the upstream task that released it — and {@code startDate} when it began running (null:
   * still waiting, {@code spanId} is then null too); {@code endDate} is null while it runs.
   */
  public record Attempt(String taskId, int tryNumber, String state, Instant waitingSince, Instant startDate,
      Instant endDate, String host, String spanId) {

    public boolean started() {
      return startDate != null;
    }

    public boolean failed() {
      return "failed".equals(state);
    }

    /** Ready → start (→ now while it still waits). */
    public Duration waiting(Instant asOf) {
      Instant until = startDate != null ? startDate : asOf;
      return waitingSince == null || until.isBefore(waitingSince) ? Duration.ZERO : Duration.between(waitingSince, until);
    }

    /** Start → end (→ now while it runs); zero before it starts. */
    public Duration running(Instant asOf) {
      if (startDate == null) {
        return Duration.ZERO;
      }
      Instant until = endDate != null ? endDate : asOf;
      return until.isBefore(startDate) ? Duration.ZERO : Duration.between(startDate, until);
    }

    /** Its end, or now while it runs or waits. */
    public Instant endOr(Instant asOf) {
      return endDate != null ? endDate : asOf;
    }
  }

  /** The segment a task_run span belongs to. */
  public Segment segment(String spanId) {
    for (Segment s : segments) {
      if (s.spanId().equals(spanId)) {
        return s;
      }
    }
    return null;
  }

  /** The segment the run is in now: the root's, or the latest clear's. */
  public Segment currentSegment() {
    return segments.get(segments.size() - 1);
  }

  /** Whether the run has finished (its current segment has an end). */
  public boolean finished() {
    return endDate != null;
  }

  /** The rows of one segment, in DAG order. */
  public List<TaskRow> rowsOf(String segmentSpanId) {
    return rows.stream().filter(r -> r.segmentSpanId().equals(segmentSpanId)).toList();
  }
}
