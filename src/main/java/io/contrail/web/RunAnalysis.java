package io.contrail.web;

import io.contrail.analysis.CriticalPath;
import io.contrail.analysis.RunTimeline;
import io.contrail.analysis.RunTimelines;
import io.contrail.analysis.WaterfallSvg;
import io.contrail.run.RunKey;
import io.contrail.storage.Stores;
import java.time.Instant;
import java.util.function.BiFunction;

/**
 * The run page's waterfall and critical path, from {@code io.contrail.analysis}: the run's
 * timeline as the database holds it (the same rows its spans are built from), the critical path
 * walked back from the attempt that ended last, and the waterfall drawn with it highlighted.
 */
final class RunAnalysis {
  /** The waterfall SVG (escaped) and the critical path's summary. */
  record Drawn(String svg, String summary) {}

  private RunAnalysis() {}

  static Drawn draw(Stores stores, RunKey key, Instant now, BiFunction<String, Integer, String> taskInstanceHref) {
    RunTimeline timeline = RunTimelines.load(stores.runs(), stores.dags(), key, now);
    if (timeline == null) {
      return new Drawn("<p class=\"muted\">Nothing has run yet.</p>", "");
    }
    CriticalPath path = CriticalPath.of(timeline);
    return new Drawn(WaterfallSvg.render(timeline, path, taskInstanceHref), path.summary());
  }
}
