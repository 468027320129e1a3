package io.contrail.web;

import static io.contrail.web.Html.f;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * The DAG's tasks and dependencies as an SVG, laid out by Eclipse ELK's layered algorithm (left to
 * right, as Airflow's graph view) on the server, each task coloured by its state in the selected run.
 * A layout is kept per DAG version (its file's hash): the grid refreshes every second while a run
 * progresses, and only the colours change.
 */
final class DagGraph {
  private static final int CACHED = 256;
  private static final java.util.concurrent.ConcurrentHashMap<String, Laid> LAYOUTS = new java.util.concurrent.ConcurrentHashMap<>();

  /** Where ELK put each task and each edge. */
  private record Laid(Map<String, double[]> nodes, List<String> edges, double width, double height) {}
  private static final double W = 150;
  private static final double H = 30;

  static {
    LayoutMetaDataService.getInstance().registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
  }

  private DagGraph() {}

  /** @param states task id to its state in the selected run (empty: no run) */
  static Html.Raw svg(io.contrail.storage.StoredDag stored, Map<String, String> states) {
    Dag dag = stored.dag();
    String key = dag.dagId() + "@" + stored.fileHash();
    Laid laid = LAYOUTS.get(key);
    if (laid == null) {
      if (LAYOUTS.size() >= CACHED) {
        LAYOUTS.clear();
      }
      laid = layout(dag);
      LAYOUTS.put(key, laid);
    }
    List<Html.Raw> parts = new ArrayList<>();
    for (String d : laid.edges()) {
      parts.add(f("<path class=\"edge\" d=\"{}\" marker-end=\"url(#arrow)\"/>", d));
    }
    for (TaskDefinition t : dag.tasks()) {
      double[] at = laid.nodes().get(t.taskId());
      String state = states.getOrDefault(t.taskId(), null);
      String label = t.taskId().length() > 20 ? t.taskId().substring(0, 19) + "…" : t.taskId();
      parts.add(f("<g class=\"node{}\" data-task=\"{}\" data-state=\"{}\"><title>{}{}</title><rect x=\"{}\" y=\"{}\""
          + " width=\"{}\" height=\"{}\" rx=\"4\"/><text x=\"{}\" y=\"{}\">{} {}</text></g>",
          state == null ? "" : " s-" + state, t.taskId(), state == null ? "" : state, t.taskId(),
          state == null ? "" : ": " + state, n(at[0]), n(at[1]), n(W), n(H), n(at[0] + 8),
          n(at[1] + 19), state == null ? "" : Layout.symbol(state), label));
    }
    return f("<div class=\"scroll\"><svg class=\"graph\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"Tasks and"
        + " dependencies\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\""
        + " markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 z\" class=\"arrow\"/></marker></defs>"
        + "{}</svg></div>", n(laid.width()), n(laid.height()), Html.join(parts));
  }

  private static Laid layout(Dag dag) {
    ElkNode root = ElkGraphUtil.createGraph();
    root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
    root.setProperty(CoreOptions.DIRECTION, Direction.RIGHT);
    root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 40.0);
    root.setProperty(LayeredOptions.SPACING_NODE_NODE, 14.0);
    root.setProperty(CoreOptions.PADDING, new org.eclipse.elk.core.math.ElkPadding(8));
    Map<String, ElkNode> nodes = new HashMap<>();
    for (TaskDefinition t : dag.tasks()) {
      ElkNode n = ElkGraphUtil.createNode(root);
      n.setIdentifier(t.taskId());
      n.setDimensions(W, H);
      nodes.put(t.taskId(), n);
    }
    List<ElkEdge> edges = new ArrayList<>();
    for (TaskDefinition t : dag.tasks()) {
      for (String up : t.dependsOn()) {
        if (nodes.containsKey(up)) {
          edges.add(ElkGraphUtil.createSimpleEdge(nodes.get(up), nodes.get(t.taskId())));
        }
      }
    }
    new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());
    List<String> paths = new ArrayList<>();
    for (ElkEdge e : edges) {
      for (ElkEdgeSection s : e.getSections()) {
        StringBuilder d = new StringBuilder("M" + n(s.getStartX()) + " " + n(s.getStartY()));
        for (ElkBendPoint b : s.getBendPoints()) {
          d.append(" L").append(n(b.getX())).append(' ').append(n(b.getY()));
        }
        d.append(" L").append(n(s.getEndX())).append(' ').append(n(s.getEndY()));
        paths.add(d.toString());
      }
    }
    Map<String, double[]> at = new HashMap<>();
    nodes.forEach((id, node) -> at.put(id, new double[] {node.getX(), node.getY()}));
    return new Laid(at, paths, root.getWidth(), root.getHeight());
  }

  private static String n(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
