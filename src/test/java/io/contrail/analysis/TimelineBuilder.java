package io.contrail.analysis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Hand-built timelines for tests: times in milliseconds after a fixed instant. */
final class TimelineBuilder {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String ROOT = "00000000000000aa";
  static final String CLEAR = "00000000000000c1";

  private final List<RunTimeline.Segment> segments = new ArrayList<>();
  private final List<RunTimeline.TaskRow> rows = new ArrayList<>();
  private final Map<String, List<String>> upstream = new HashMap<>();
  private String state = "success";
  private Long endMs;
  private long asOfMs;
  private int spans;

  static TimelineBuilder run(long queuedMs, long startMs, Long endMs) {
    TimelineBuilder b = new TimelineBuilder();
    b.endMs = endMs;
    b.asOfMs = endMs == null ? 0 : endMs;
    b.segments.add(new RunTimeline.Segment(ROOT, 0, true, endMs == null ? "running" : "success", at(queuedMs),
        at(startMs), endMs == null ? null : at(endMs)));
    if (endMs == null) {
      b.state = "running";
    }
    return b;
  }

  /** extract → load; load failed, and a clear a minute later re-ran it (try 2) in segment {@link #CLEAR}. */
  static RunTimeline failedThenClearedLoad() {
    return run(0, 0, 3_000L)
        .task("extract", "success", attempt("extract", 1, "success", 0, 100L, 2_500L))
        .task("load", "failed", attempt("load", 1, "failed", 2_500, 2_600L, 2_900L))
        .dependsOn("load", "extract")
        .clear(CLEAR, 1, 60_000, 60_100, 61_500L)
        .taskIn(CLEAR, "load", "success", attempt("load", 2, "success", 60_100, 60_300L, 61_400L))
        .build();
  }

  static Instant at(long ms) {
    return T0.plusMillis(ms);
  }

  static Instant at(Long ms) {
    return ms == null ? null : T0.plusMillis(ms);
  }

  /** A try that became ready at {@code readyMs}, ran from {@code startMs} to {@code endMs} (null: still running). */
  static RunTimeline.Attempt attempt(String task, int tryNumber, String state, long readyMs, Long startMs, Long endMs) {
    return new RunTimeline.Attempt(task, tryNumber, state, at(readyMs), at(startMs), at(endMs), "worker-1",
        startMs == null ? null : String.format("%016x", (task + tryNumber).hashCode() & 0xffffffffL));
  }

  TimelineBuilder task(String taskId, String state, RunTimeline.Attempt... attempts) {
    return taskIn(currentSegment(), taskId, state, attempts);
  }

  TimelineBuilder taskIn(String segment, String taskId, String state, RunTimeline.Attempt... attempts) {
    rows.add(new RunTimeline.TaskRow(taskId, String.format("%016x", ++spans), segment, null, state, List.of(attempts)));
    return this;
  }

  TimelineBuilder dependsOn(String taskId, String... upstreamIds) {
    upstream.put(taskId, List.of(upstreamIds));
    return this;
  }

  /** A clear: a new segment queued at {@code queuedMs}; the run is in it now. */
  TimelineBuilder clear(String spanId, int clearNumber, long queuedMs, long startMs, Long endMs) {
    segments.add(new RunTimeline.Segment(spanId, clearNumber, false, endMs == null ? "running" : "success",
        at(queuedMs), at(startMs), at(endMs)));
    this.endMs = endMs;
    this.asOfMs = endMs == null ? asOfMs : endMs;
    return this;
  }

  TimelineBuilder asOf(long ms) {
    asOfMs = ms;
    return this;
  }

  String currentSegment() {
    return segments.get(segments.size() - 1).spanId();
  }

  RunTimeline build() {
    RunTimeline.Segment first = segments.get(0);
    return new RunTimeline("etl", "manual__1", "0af7651916cd43dd8448eb211c80319c", state, first.queuedAt(),
        first.startDate(), at(endMs), at(asOfMs), segments, rows, upstream);
  }
}
