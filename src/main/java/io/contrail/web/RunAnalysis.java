package io.contrail.web;

import static io.contrail.web.Html.f;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.storage.RunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The run page's waterfall and critical path — a LOCAL STAND-IN for {@code io.contrail.analysis}
 * (RunTimelines, CriticalPath, WaterfallSvg), which lands separately. It keeps that package's
 * output contract (one {@code <g class="attempt [critical]" data-task data-try data-state>} per
 * attempt with a {@code <title>}, and a one-line summary), so switching is this class's body only:
 * {@code RunTimeline t = RunTimelines.load(db, dagId, runId); CriticalPath cp = CriticalPath.of(t);
 * return new Drawn(WaterfallSvg.render(t, cp, href), cp.summary());}. What the stand-in lacks: the
 * waiting of earlier tries and clear segments (it knows only the current try's scheduled/queued
 * times), and its critical path is the simple walk back from the attempt that ended last through
 * the upstream attempt that ended last before it started.
 */
final class RunAnalysis {
  private static final int ROW = 22;
  private static final int LABEL = 170;
  private static final int WIDTH = 760;

  /** The waterfall SVG (escaped) and the critical path's summary. */
  record Drawn(String svg, String summary) {}

  private RunAnalysis() {}

  static Drawn draw(RunStore runs, Dag dag, DagRun run, List<TaskInstance> tis, Instant now,
      BiFunction<String, Integer, String> taskInstanceHref) {
    Map<String, List<TaskAttempt>> byTask = new HashMap<>();
    for (TaskAttempt a : runs.attempts(run.key())) {
      byTask.computeIfAbsent(a.taskId(), k -> new ArrayList<>()).add(a);
    }
    Map<String, TaskInstance> tiById = new HashMap<>();
    tis.forEach(ti -> tiById.put(ti.taskId(), ti));
    List<String> order = DagPages.taskOrder(dag);
    Instant t0 = run.times().startDate() != null ? run.times().startDate() : run.times().queuedAt();
    Instant t1 = run.times().endDate() != null ? run.times().endDate() : now;
    for (TaskInstance ti : tis) {
      if (ti.times().scheduledAt() != null && (t0 == null || ti.times().scheduledAt().isBefore(t0))) {
        t0 = ti.times().scheduledAt();
      }
    }
    if (t0 == null) {
      return new Drawn("<p class=\"muted\">Nothing has run yet.</p>", "");
    }
    for (List<TaskAttempt> as : byTask.values()) {
      for (TaskAttempt a : as) {
        Instant end = a.endDate() == null ? now : a.endDate();
        t1 = end.isAfter(t1) ? end : t1;
      }
    }
    Set<String> critical = criticalPath(dag, byTask, now);
    double span = Math.max(1, Duration.between(t0, t1).toMillis());
    Instant origin = t0;
    BiFunction<Instant, Instant, double[]> x = (a, b) -> {
      double from = LABEL + (Duration.between(origin, a).toMillis() / span) * (WIDTH - LABEL - 10);
      double to = LABEL + (Duration.between(origin, b).toMillis() / span) * (WIDTH - LABEL - 10);
      return new double[] {from, Math.max(2, to - from)};
    };
    StringBuilder svg = new StringBuilder();
    int row = 0;
    for (String taskId : order) {
      int y = 24 + row * ROW;
      svg.append(f("<text class=\"label\" x=\"4\" y=\"{}\">{}</text>", y + 14, taskId));
      TaskInstance ti = tiById.get(taskId);
      List<TaskAttempt> attempts = byTask.getOrDefault(taskId, List.of());
      for (TaskAttempt a : attempts) {
        boolean current = ti != null && a.tryNumber() == ti.tryNumber();
        String state = current && ti.state() != io.contrail.run.TaskState.RUNNING && a.endDate() == null
            ? ti.state().id() : a.state().id();
        Instant end = a.endDate() == null ? now : a.endDate();
        StringBuilder g = new StringBuilder();
        if (current && ti.times().scheduledAt() != null && ti.times().scheduledAt().isBefore(a.startDate())) {
          double[] w = x.apply(ti.times().scheduledAt(), a.startDate());
          g.append(f("<rect class=\"wait\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\"/>", fmt(w[0]), y + 3, fmt(w[1])));
        }
        double[] b = x.apply(a.startDate(), end);
        String tip = taskId + " try " + a.tryNumber() + ": " + state + ", " + Layout.duration(
            Duration.between(a.startDate(), end).toMillis() / 1000.0) + (a.status() != null && a.status().error() != null
            ? " — " + a.status().error() : "");
        g.append(f("<rect class=\"run s-{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\"/>", state, fmt(b[0]), y + 3, fmt(b[1])));
        String key = taskId + "#" + a.tryNumber();
        svg.append(f("<a href=\"{}\"><g class=\"attempt{}\" data-task=\"{}\" data-try=\"{}\" data-state=\"{}\"><title>{}</title>{}</g></a>",
            taskInstanceHref.apply(taskId, a.tryNumber()), critical.contains(key) ? " critical" : "", taskId,
            a.tryNumber(), state, tip, Html.raw(g.toString())));
      }
      row++;
    }
    String summary = summary(byTask, critical, t0, t1, tis, now);
    String out = f("<svg class=\"waterfall\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" aria-label=\"Waterfall of"
        + " the run's task attempts\"><text class=\"axis\" x=\"{}\" y=\"14\">0 s</text><text class=\"axis\" x=\"{}\" y=\"14\""
        + " text-anchor=\"end\">{}</text>{}</svg>", WIDTH, 30 + row * ROW, LABEL, WIDTH - 10,
        Layout.duration(span / 1000.0), Html.raw(svg.toString())).html();
    return new Drawn(out, summary);
  }

  private static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.1f", v);
  }

  /** Attempts "task#try" on the chain that ended the run. */
  private static Set<String> criticalPath(Dag dag, Map<String, List<TaskAttempt>> byTask, Instant now) {
    Set<String> out = new HashSet<>();
    TaskAttempt last = null;
    for (List<TaskAttempt> as : byTask.values()) {
      for (TaskAttempt a : as) {
        if (last == null || end(a, now).isAfter(end(last, now))) {
          last = a;
        }
      }
    }
    while (last != null) {
      out.add(last.taskId() + "#" + last.tryNumber());
      // earlier tries of the same task delayed this one too
      TaskAttempt next = null;
      for (TaskAttempt a : byTask.getOrDefault(last.taskId(), List.of())) {
        if (a.tryNumber() == last.tryNumber() - 1) {
          next = a;
        }
      }
      if (next == null && dag.taskIndex().containsKey(last.taskId())) {
        for (String up : dag.task(last.taskId()).dependsOn()) {
          for (TaskAttempt a : byTask.getOrDefault(up, List.of())) {
            if (!end(a, now).isAfter(last.startDate()) && (next == null || end(a, now).isAfter(end(next, now)))) {
              next = a;
            }
          }
        }
      }
      last = next;
    }
    return out;
  }

  private static Instant end(TaskAttempt a, Instant now) {
    return a.endDate() == null ? now : a.endDate();
  }

  private static String summary(Map<String, List<TaskAttempt>> byTask, Set<String> critical, Instant t0, Instant t1,
      List<TaskInstance> tis, Instant now) {
    long onPath = 0;
    for (List<TaskAttempt> as : byTask.values()) {
      for (TaskAttempt a : as) {
        if (critical.contains(a.taskId() + "#" + a.tryNumber())) {
          onPath += Duration.between(a.startDate(), end(a, now)).toMillis();
        }
      }
    }
    String wait = "";
    long longest = -1;
    for (TaskInstance ti : tis) {
      if (ti.times().queuedAt() != null && ti.times().startDate() != null) {
        long w = Duration.between(ti.times().queuedAt(), ti.times().startDate()).toMillis();
        if (w > longest) {
          longest = w;
          wait = "; longest wait: " + ti.taskId() + ", " + Layout.duration(w / 1000.0) + " queued";
        }
      }
    }
    return Layout.duration(onPath / 1000.0) + " of " + Layout.duration(Duration.between(t0, t1).toMillis() / 1000.0)
        + " on the critical path" + wait;
  }
}
