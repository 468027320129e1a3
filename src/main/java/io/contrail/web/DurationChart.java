package io.contrail.web;

import static io.contrail.web.Html.f;

import io.contrail.run.DagRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Run durations of recent runs as an SVG bar chart, one bar per run (a running run: so far). */
final class DurationChart {
  private static final int HEIGHT = 120;
  private static final int BAR = 18;

  private DurationChart() {}

  static Html.Raw svg(List<DagRun> runs, Function<DagRun, String> href) {
    if (runs.isEmpty()) {
      return f("<p class=\"muted\">No runs yet.</p>");
    }
    Instant now = Instant.now();
    double[] seconds = new double[runs.size()];
    double max = 0.001;
    for (int i = 0; i < runs.size(); i++) {
      DagRun run = runs.get(i);
      Instant start = run.times().startDate();
      Instant end = run.times().endDate() == null ? now : run.times().endDate();
      seconds[i] = start == null ? 0 : Math.max(0, Duration.between(start, end).toMillis() / 1000.0);
      max = Math.max(max, seconds[i]);
    }
    List<Html.Raw> bars = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      DagRun run = runs.get(i);
      int h = (int) Math.max(2, Math.round(seconds[i] / max * (HEIGHT - 20)));
      bars.add(f("<a href=\"{}\"><rect class=\"bar s-{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}: {} ({})</title>"
          + "</rect></a>", href.apply(run), run.state().id(), 40 + i * (BAR + 4), HEIGHT - h, BAR, h, run.runId(),
          Layout.duration(seconds[i]), run.state().id()));
    }
    return f("<svg class=\"chart\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"Run durations\">"
        + "<text class=\"axis\" x=\"0\" y=\"12\">{}</text><text class=\"axis\" x=\"0\" y=\"{}\">0 s</text>"
        + "<line class=\"axis\" x1=\"36\" y1=\"0\" x2=\"36\" y2=\"{}\"/>{}</svg>", 50 + runs.size() * (BAR + 4),
        HEIGHT + 2, Layout.duration(max), HEIGHT, HEIGHT, Html.join(bars));
  }
}
