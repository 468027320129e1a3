package io.contrail.web;

import static io.contrail.web.Html.f;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The DAG's tasks and dependencies as an SVG: a task's column is the length of its longest path
 * from a root, rows in the file's order. A stand-in until a graph-layout library (Eclipse ELK or
 * dagre) does the layout: edges may cross more than they need to.
 */
final class DagGraph {
  private static final int W = 150;
  private static final int H = 30;
  private static final int GAP_X = 50;
  private static final int GAP_Y = 14;

  private DagGraph() {}

  static Html.Raw svg(Dag dag) {
    Map<String, Integer> column = new HashMap<>();
    for (String id : DagPages.taskOrder(dag)) {
      int c = 0;
      for (String up : dag.task(id).dependsOn()) {
        c = Math.max(c, column.getOrDefault(up, 0) + 1);
      }
      column.put(id, c);
    }
    Map<Integer, Integer> rows = new HashMap<>();
    Map<String, int[]> at = new HashMap<>();
    for (TaskDefinition t : dag.tasks()) {
      int c = column.get(t.taskId());
      int row = rows.merge(c, 1, Integer::sum) - 1;
      at.put(t.taskId(), new int[] {10 + c * (W + GAP_X), 10 + row * (H + GAP_Y)});
    }
    int width = 20 + (column.values().stream().max(Integer::compare).orElse(0) + 1) * (W + GAP_X);
    int height = 20 + rows.values().stream().max(Integer::compare).orElse(1) * (H + GAP_Y);
    List<Html.Raw> parts = new ArrayList<>();
    for (TaskDefinition t : dag.tasks()) {
      int[] to = at.get(t.taskId());
      for (String up : t.dependsOn()) {
        int[] from = at.get(up);
        parts.add(f("<path class=\"edge\" d=\"M{} {} C{} {} {} {} {} {}\"/>", from[0] + W, from[1] + H / 2,
            from[0] + W + GAP_X / 2, from[1] + H / 2, to[0] - GAP_X / 2, to[1] + H / 2, to[0], to[1] + H / 2));
      }
    }
    for (TaskDefinition t : dag.tasks()) {
      int[] p = at.get(t.taskId());
      String label = t.taskId().length() > 20 ? t.taskId().substring(0, 19) + "…" : t.taskId();
      parts.add(f("<g class=\"node\" data-task=\"{}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\""
          + " rx=\"4\"/><text x=\"{}\" y=\"{}\">{}</text></g>", t.taskId(), t.taskId(), p[0], p[1], W, H, p[0] + 8,
          p[1] + 19, label));
    }
    return f("<div class=\"scroll\"><svg class=\"graph\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"Tasks and"
        + " dependencies\">{}</svg></div>", width, height, Html.join(parts));
  }
}
