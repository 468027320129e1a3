package io.contrail.telemetry.metrics;

import java.util.List;
import java.util.regex.Pattern;

/**
 * metrics_allow_list and metrics_block_list: regular expressions searched in the metric name
 * without prefix (so {@code ^ti\.} matches {@code ti.finish} and its legacy names). An empty allow
 * list allows everything; the block list wins.
 */
final class MetricFilter {
  private final List<Pattern> allow;
  private final List<Pattern> block;

  MetricFilter(List<Pattern> allow, List<Pattern> block) {
    this.allow = List.copyOf(allow);
    this.block = List.copyOf(block);
  }

  static MetricFilter allowAll() {
    return new MetricFilter(List.of(), List.of());
  }

  boolean allows(String name) {
    if (!allow.isEmpty() && allow.stream().noneMatch(p -> p.matcher(name).find())) {
      return false;
    }
    return block.stream().noneMatch(p -> p.matcher(name).find());
  }
}
