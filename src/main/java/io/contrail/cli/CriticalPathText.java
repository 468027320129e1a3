package io.contrail.cli;

import io.contrail.analysis.CriticalPath;
import io.contrail.analysis.RunTimeline;
import java.util.Locale;

/**
 * {@code traces critical-path} as text: the summary, then one line per step in the order they ran,
 * with when it started after the segment was queued (as {@code traces show} counts), its wait and
 * its running time.
 */
final class CriticalPathText {
  private CriticalPathText() {}

  static String of(RunTimeline t, CriticalPath cp) {
    StringBuilder b = new StringBuilder();
    RunTimeline.Segment seg = t.segment(cp.segmentSpanId());
    b.append("critical path of ").append(t.dagId()).append(' ').append(t.runId())
        .append(cp.clearNumber() > 0 || !seg.root() ? " (clear " + cp.clearNumber() + ")" : "")
        .append(t.finished() ? "" : " (still running: the path so far)").append(System.lineSeparator());
    b.append(cp.summary()).append(System.lineSeparator());
    if (cp.steps().isEmpty()) {
      return b.toString();
    }
    int width = Math.max(4, cp.steps().stream().mapToInt(s -> s.taskId().length()).max().orElse(4));
    String row = "  %-" + width + "s  %3s  %-15s  %9s  %9s  %9s%n";
    b.append(String.format(Locale.ROOT, row, "TASK", "TRY", "STATE", "START", "WAITING", "RUNNING"));
    for (CriticalPath.Step s : cp.steps()) {
      String start = s.start() == null ? "" : "+" + seconds(java.time.Duration.between(seg.queuedAt(), s.start()).toMillis());
      b.append(String.format(Locale.ROOT, row, s.taskId(), s.tryNumber(), s.state(), start,
          seconds(s.waitingMs()) + (s.retry() && s.waitingMs() > 0 ? "*" : ""),
          seconds(s.runningMs()) + (s.end() == null ? "+" : "")));
    }
    if (cp.steps().stream().anyMatch(s -> s.retry() && s.waitingMs() > 0)) {
      b.append("  * waiting to retry").append(System.lineSeparator());
    }
    return b.toString();
  }

  private static String seconds(long ms) {
    return String.format(Locale.ROOT, "%.3fs", ms / 1000.0);
  }
}
