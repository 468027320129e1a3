package io.contrail.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A run's waterfall as an inline {@code <svg>}: a time axis from the run's queued time, one row
 * per task_run span (by segment, each clear segment under a labelled divider, then in DAG order),
 * one group per try with a lighter bar for its wait (ready → start) and a bar for its run, the
 * critical path's tries highlighted, a {@code <title>} with the details for hovering, and a link to
 * the task instance. Every text is escaped.
 *
 * <p>Colours come from CSS classes, so the page's stylesheet decides them; the {@code <style>}
 * inside gives defaults through CSS variables (light and dark):
 * <ul>
 *   <li>{@code .contrail-waterfall} the svg; {@code .axis}, {@code .tick}, {@code .grid} the time axis
 *   <li>{@code .row} one task_run span, {@code .task-label} its task id
 *   <li>{@code .segment-divider} (a line and its label) before each clear segment
 *   <li>{@code .attempt} one try, also {@code .failed}, {@code .running-now} (no end yet),
 *       {@code .waiting-now} (not started), {@code .critical} (on the critical path); attributes
 *       {@code data-task}, {@code data-try}, {@code data-state}
 *   <li>{@code .waiting} the wait bar, {@code .running} the run bar
 * </ul>
 * Variables: {@code --contrail-text}, {@code --contrail-grid}, {@code --contrail-running},
 * {@code --contrail-waiting}, {@code --contrail-error}, {@code --contrail-critical}.
 */
public final class WaterfallSvg {
  static final int WIDTH = 960;
  static final int LABEL = 180;
  static final int ROW = 22;
  static final int AXIS = 28;
  static final int DIVIDER = 22;
  private static final int PLOT = WIDTH - LABEL - 16;

  private static final String STYLE = """
      .contrail-waterfall{font:12px system-ui,sans-serif;--cw-text:var(--contrail-text,#1f2328);\
      --cw-grid:var(--contrail-grid,#d0d7de);--cw-run:var(--contrail-running,#2f81f7);\
      --cw-wait:var(--contrail-waiting,#9ec5fe);--cw-err:var(--contrail-error,#cf222e);\
      --cw-crit:var(--contrail-critical,#bf8700)}
      @media (prefers-color-scheme:dark){.contrail-waterfall{--cw-text:var(--contrail-text,#e6edf3);\
      --cw-grid:var(--contrail-grid,#30363d);--cw-wait:var(--contrail-waiting,#1f4b8f);\
      --cw-err:var(--contrail-error,#f85149);--cw-crit:var(--contrail-critical,#e3b341)}}
      .contrail-waterfall text{fill:var(--cw-text)}
      .contrail-waterfall .grid,.contrail-waterfall .segment-divider line{stroke:var(--cw-grid)}
      .contrail-waterfall .waiting{fill:var(--cw-wait);opacity:.6}
      .contrail-waterfall .running{fill:var(--cw-run)}
      .contrail-waterfall .failed .running{fill:var(--cw-err)}
      .contrail-waterfall .failed .waiting{fill:var(--cw-err);opacity:.25}
      .contrail-waterfall .critical .running{stroke:var(--cw-crit);stroke-width:2}
      .contrail-waterfall .critical .waiting{stroke:var(--cw-crit);stroke-width:1;stroke-dasharray:3 2}
      .contrail-waterfall .task-label.critical{font-weight:bold}
      .contrail-waterfall .attempt:hover rect{filter:brightness(1.15)}
      """;

  private WaterfallSvg() {}

  /**
   * @param cp the critical path to highlight (null: none)
   * @param taskInstanceHref the task instance page of (task id, try number); null for no link
   */
  public static String render(RunTimeline t, CriticalPath cp,
      BiFunction<String, Integer, String> taskInstanceHref) {
    Set<String> critical = new HashSet<>();
    Set<String> criticalRows = new HashSet<>();
    if (cp != null) {
      for (CriticalPath.Step s : cp.steps()) {
        critical.add(key(s.taskId(), s.tryNumber(), cp.segmentSpanId()));
        criticalRows.add(s.taskId() + "\u0000" + cp.segmentSpanId());
      }
    }
    Instant t0 = t.queuedAt();
    Instant t1 = t.endDate() != null ? t.endDate() : t.asOf();
    for (RunTimeline.TaskRow r : t.rows()) {
      for (RunTimeline.Attempt a : r.attempts()) {
        t0 = min(t0, a.waitingSince());
        t0 = min(t0, a.startDate());
        t1 = max(t1, a.endOr(t.asOf()));
      }
    }
    for (RunTimeline.Segment s : t.segments()) {
      t0 = min(t0, s.queuedAt());
      t1 = max(t1, s.endDate());
    }
    long spanMs = Math.max(1, Duration.between(t0, t1).toMillis());
    boolean divided = t.segments().size() > 1;
    int height = AXIS + t.rows().size() * ROW + (divided ? t.segments().size() * DIVIDER : 0) + 8;

    StringBuilder b = new StringBuilder(4096);
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"contrail-waterfall\" width=\"").append(WIDTH)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
        .append("\" role=\"img\" aria-label=\"").append(esc("waterfall of " + t.dagId() + " " + t.runId()))
        .append("\">");
    b.append("<style>").append(STYLE).append("</style>");
    axis(b, spanMs, height);
    int y = AXIS;
    for (RunTimeline.Segment seg : t.segments()) {
      List<RunTimeline.TaskRow> rows = t.rowsOf(seg.spanId());
      if (divided) {
        String label = seg.root() ? "run" : "clear " + seg.clearNumber();
        b.append("<g class=\"segment-divider\" data-segment=\"").append(esc(seg.spanId())).append("\">")
            .append("<line x1=\"0\" x2=\"").append(WIDTH).append("\" y1=\"").append(y + 4).append("\" y2=\"")
            .append(y + 4).append("\"/><text x=\"4\" y=\"").append(y + 16).append("\">")
            .append(esc(label + " · " + seg.state())).append("</text></g>");
        y += DIVIDER;
      }
      for (RunTimeline.TaskRow r : rows) {
        boolean criticalRow = criticalRows.contains(r.taskId() + "\u0000" + seg.spanId());
        b.append("<g class=\"row\" data-task=\"").append(esc(r.taskId())).append("\" data-span=\"")
            .append(esc(r.spanId())).append("\"><text class=\"task-label").append(criticalRow ? " critical" : "")
            .append("\" x=\"4\" y=\"").append(y + 15).append("\">").append(esc(clip(r.taskId()))).append("</text>");
        for (RunTimeline.Attempt a : r.attempts()) {
          attempt(b, t, a, critical.contains(key(a.taskId(), a.tryNumber(), seg.spanId())), t0, spanMs, y,
              taskInstanceHref);
        }
        b.append("</g>");
        y += ROW;
      }
    }
    b.append("</svg>");
    return b.toString();
  }

  private static void attempt(StringBuilder b, RunTimeline t, RunTimeline.Attempt a, boolean critical, Instant t0,
      long spanMs, int y, BiFunction<String, Integer, String> href) {
    Instant asOf = t.asOf();
    String link = href == null ? null : href.apply(a.taskId(), a.tryNumber());
    if (link != null) {
      b.append("<a href=\"").append(esc(link)).append("\">");
    }
    b.append("<g class=\"attempt").append(a.failed() ? " failed" : "")
        .append(a.started() && a.endDate() == null ? " running-now" : "").append(a.started() ? "" : " waiting-now")
        .append(critical ? " critical" : "").append("\" data-task=\"").append(esc(a.taskId()))
        .append("\" data-try=\"").append(a.tryNumber()).append("\" data-state=\"").append(esc(a.state())).append("\">");
    Duration waiting = a.waiting(asOf);
    Duration running = a.running(asOf);
    b.append("<title>").append(esc(a.taskId() + " · try " + a.tryNumber() + " · " + a.state()
        + "\nwaiting " + CriticalPath.seconds(waiting.toMillis())
        + (a.started() ? "\nrunning " + CriticalPath.seconds(running.toMillis()) + (a.endDate() == null ? " so far" : "")
            : "\nnot started")
        + (a.host() == null ? "" : "\nhost " + a.host()) + (critical ? "\non the critical path" : "")))
        .append("</title>");
    Instant runStart = a.started() ? a.startDate() : asOf;
    if (a.waitingSince() != null) {
      bar(b, "waiting", x(t0, a.waitingSince(), spanMs), x(t0, runStart, spanMs), y + 5, 12);
    }
    if (a.started()) {
      bar(b, "running", x(t0, a.startDate(), spanMs), x(t0, a.endOr(asOf), spanMs), y + 3, 16);
    }
    b.append("</g>");
    if (link != null) {
      b.append("</a>");
    }
  }

  private static void bar(StringBuilder b, String cls, double x1, double x2, int y, int h) {
    b.append("<rect class=\"").append(cls).append("\" x=\"").append(fmt(x1)).append("\" y=\"").append(y)
        .append("\" width=\"").append(fmt(Math.max(1, x2 - x1))).append("\" height=\"").append(h).append("\"/>");
  }

  /** Ticks at a round step (1, 2 or 5 × 10^k ms) giving at most 10 of them. */
  private static void axis(StringBuilder b, long spanMs, int height) {
    long step = 1;
    while (spanMs / step > 10) {
      long s = step;
      step = s * 2;
      if (spanMs / step <= 10) {
        break;
      }
      step = s * 5;
      if (spanMs / step <= 10) {
        break;
      }
      step = s * 10;
    }
    b.append("<g class=\"axis\">");
    for (long ms = 0; ms <= spanMs; ms += step) {
      double x = LABEL + PLOT * (double) ms / spanMs;
      b.append("<line class=\"grid\" x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x))
          .append("\" y1=\"").append(AXIS - 6).append("\" y2=\"").append(height - 4).append("\"/>")
          .append("<text class=\"tick\" x=\"").append(fmt(x + 2)).append("\" y=\"").append(AXIS - 10).append("\">")
          .append(esc(tick(ms, step))).append("</text>");
    }
    b.append("</g>");
  }

  private static String tick(long ms, long step) {
    if (step < 1000) {
      return ms == 0 ? "0" : String.format(Locale.ROOT, "+%.1f s", ms / 1000.0).replace(".0 s", " s");
    }
    return step >= 60_000 && ms % 60_000 == 0 ? "+" + ms / 60_000 + " min" : "+" + ms / 1000 + " s";
  }

  private static double x(Instant t0, Instant at, long spanMs) {
    double ms = Duration.between(t0, at).toNanos() / 1e6;
    return LABEL + PLOT * Math.max(0, Math.min(ms, spanMs)) / spanMs;
  }

  private static String key(String taskId, int tryNumber, String segment) {
    return taskId + "\u0000" + tryNumber + "\u0000" + segment;
  }

  private static String clip(String taskId) {
    return taskId.length() <= 26 ? taskId : taskId.substring(0, 25) + "…";
  }

  private static Instant min(Instant a, Instant b) {
    return b == null || a != null && !b.isBefore(a) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return b == null || a != null && !b.isAfter(a) ? a : b;
  }

  /** One decimal (String.format is most of the rendering time of a big run). */
  private static String fmt(double v) {
    long tenths = Math.round(v * 10);
    return (tenths < 0 ? "-" : "") + Math.abs(tenths) / 10 + "." + Math.abs(tenths) % 10;
  }

  private static String esc(String s) {
    return Markup.escape(s);
  }
}
