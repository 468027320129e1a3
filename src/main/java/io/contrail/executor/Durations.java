package io.contrail.executor;

import java.time.Duration;

/** Durations the way DAG files write them: 500ms, 5s, 2m, 1h30m. */
final class Durations {
  private Durations() {}

  public static String format(Duration d) {
    if (d == null) {
      return "-";
    }
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms % 1000 != 0 && ms < 60_000) {
      return String.format("%.1fs", ms / 1000.0);
    }
    long s = ms / 1000;
    StringBuilder b = new StringBuilder();
    if (s >= 3600) {
      b.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      b.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || b.length() == 0) {
      b.append(s).append('s');
    }
    return b.toString();
  }
}
