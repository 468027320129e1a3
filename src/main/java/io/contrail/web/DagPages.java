package io.contrail.web;

import static io.contrail.web.Html.f;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.operations.RunRequest;
import io.contrail.rest.ApiException;
import io.contrail.rest.DagViews;
import io.contrail.run.DagRun;
import io.contrail.run.Ids;
import io.contrail.run.RunOrigin;
import io.contrail.run.TaskInstance;
import io.contrail.storage.DagQueries;
import io.contrail.storage.Listing;
import io.contrail.storage.Page;
import io.contrail.storage.StoredDag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /dags} (every DAG with its schedule, next run, pause toggle and last runs, searchable by id
 * and tag) and {@code /dags/{dag_id}}: Airflow's grid of recent runs by task, the trigger form, the
 * run durations as a chart and the DAG's source file.
 */
final class DagPages {
  static final int PAGE_SIZE = 50;
  static final int GRID_RUNS = 25;
  private static final int LAST_RUNS = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebUi.Deps deps;
  private final DagQueries queries;

  DagPages(WebUi.Deps deps) {
    this.deps = deps;
    this.queries = io.contrail.storage.Stores.dagQueries(deps.database());
  }

  void dags(WebUi.Req r) {
    String search = r.ctx().queryParam("q");
    String tag = r.ctx().queryParam("tag");
    int offset = Math.max(0, parseInt(r.ctx().queryParam("offset"), 0));
    Listing.Match match = search == null || search.isBlank() ? Listing.Match.ANY : new Listing.Match(List.of(search.strip()));
    List<String> tags = tag == null || tag.isBlank() ? List.of() : List.of(tag.strip());
    Page<StoredDag> page = queries.dags(new DagQueries.DagQuery(PAGE_SIZE, offset,
        List.of(new Listing.Sort<>(DagQueries.DagColumn.DAG_ID, false)), null, true, match, tags, false));
    List<String> ids = page.items().stream().map(StoredDag::dagId).toList();
    Map<String, Instant> latest = queries.latestScheduledLogicalDates(ids);
    Set<String> broken = brokenFiles();
    Instant now = deps.clock().instant();
    List<Html.Raw> rows = new ArrayList<>();
    for (StoredDag d : page.items()) {
      Map<String, Object> v = deps.dagViews().dag(d, new DagViews.Extras(latest.get(d.dagId()),
          broken.contains(d.dag().fileloc()), 0), now);
      List<DagRun> runs = new ArrayList<>(deps.stores().runs().listRuns(d.dagId(), LAST_RUNS));
      java.util.Collections.reverse(runs);
      List<Html.Raw> squares = new ArrayList<>();
      for (DagRun run : runs) {
        squares.add(f("<a class=\"sq s-{}\" href=\"{}\" title=\"{}: {}\">{}</a>", run.state().id(),
            r.href(runPath(run)), run.runId(), run.state().id(), Layout.symbol(run.state().id())));
      }
      List<Html.Raw> tagLinks = d.dag().tags().stream().sorted()
          .map(t -> f("<a class=\"tag\" href=\"{}?tag={}\">{}</a>", r.href("/dags"), Html.q(t), t)).toList();
      rows.add(f("""
          <tr data-dag="{}"><td>{}</td><td><a class="dag-id" href="{}">{}</a><div class="desc">{}</div><div>{}</div></td>
          <td>{}</td><td>{}</td><td class="runs">{}</td></tr>
          """, d.dagId(), pauseToggle(r, d, "/dags"), r.href(dagPath(d.dagId())), d.dagId(),
          d.dag().description(), Html.join(tagLinks), v.get("timetable_description"),
          v.get("next_dagrun_run_after") == null ? Html.EMPTY : Layout.time(v.get("next_dagrun_run_after")),
          Html.join(squares)));
    }
    long errors = queries.importErrors(1, 0, List.of(), Listing.Match.ANY).total();
    Html.Raw banner = errors == 0 ? Html.EMPTY : f("<p class=\"banner\" role=\"alert\"><a href=\"{}\">{} import error{}</a>"
        + " — some DAG files did not load.</p>", r.href("/import-errors"), errors, errors == 1 ? "" : "s");
    String filter = (search == null ? "" : "&q=" + Html.q(search)) + (tag == null ? "" : "&tag=" + Html.q(tag));
    Html.Raw pager = f("<p class=\"pager\">{}–{} of {} {} {}</p>", page.total() == 0 ? 0 : offset + 1,
        offset + page.items().size(), page.total(),
        offset > 0 ? f("<a href=\"{}?offset={}{}\">previous</a>", r.href("/dags"), Math.max(0, offset - PAGE_SIZE),
            Html.raw(filter)) : Html.EMPTY,
        offset + PAGE_SIZE < page.total() ? f("<a href=\"{}?offset={}{}\">next</a>", r.href("/dags"), offset + PAGE_SIZE,
            Html.raw(filter)) : Html.EMPTY);
    Layout.page(r, "DAGs", f("""
        {}<h1>DAGs</h1>
        <form class="filters" method="get" action="{}" role="search">
        <input type="search" name="q" placeholder="Search DAGs" value="{}" aria-label="Search DAGs">
        <input name="tag" placeholder="Tag" value="{}" aria-label="Tag">
        <button type="submit">Filter</button>{}</form>
        <div class="scroll"><table class="dags"><thead><tr><th>Active</th><th>DAG</th><th>Schedule</th><th>Next run</th>
        <th>Last runs</th></tr></thead><tbody>{}</tbody></table></div>{}
        """, banner, r.href("/dags"), search == null ? "" : search, tag == null ? "" : tag,
        search != null || tag != null ? f("<a href=\"{}\">clear</a>", r.href("/dags")) : Html.EMPTY,
        Html.join(rows), pager));
  }

  private Set<String> brokenFiles() {
    Set<String> files = new HashSet<>();
    deps.stores().dags().importErrors().forEach(e -> files.add(e.file()));
    return files;
  }

  /** The pause switch: a form, so it works without JavaScript; {@code back} is where it returns. */
  static Html.Raw pauseToggle(WebUi.Req r, StoredDag d, String back) {
    boolean paused = d.paused();
    if (!r.mayWrite()) {
      return f("<span class=\"toggle {}\" title=\"{}\">{}</span>", paused ? "off" : "on", paused ? "paused" : "active",
          paused ? "paused" : "on");
    }
    return f("<form method=\"post\" action=\"{}\" class=\"inline\">{}<input type=\"hidden\" name=\"paused\" value=\"{}\">"
        + "<input type=\"hidden\" name=\"back\" value=\"{}\"><button type=\"submit\" class=\"toggle {}\" role=\"switch\""
        + " aria-checked=\"{}\" data-dag=\"{}\" title=\"{}\">{}</button></form>",
        r.href(dagPath(d.dagId()) + "/pause"), Layout.csrf(r), !paused, back, paused ? "off" : "on", !paused, d.dagId(),
        paused ? "Paused: click to unpause" : "Active: click to pause", paused ? "paused" : "on");
  }

  void pause(WebUi.Req r) {
    StoredDag d = dag(r);
    String paused = r.ctx().formParam("paused");
    if (!"true".equals(paused) && !"false".equals(paused)) {
      throw ApiException.badRequest("paused must be true or false, got '" + paused + "'");
    }
    deps.stores().dags().setPaused(d.dagId(), Boolean.parseBoolean(paused));
    String back = r.ctx().formParam("back");
    r.ctx().redirect(r.href("/dags".equals(back) ? "/dags" : dagPath(d.dagId())));
  }

  void dagPage(WebUi.Req r) {
    StoredDag d = dag(r);
    Map<String, Object> v = deps.dagViews().dag(d, new DagViews.Extras(
        queries.latestScheduledLogicalDates(List.of(d.dagId())).get(d.dagId()), false, 0), deps.clock().instant());
    Html.Raw trigger = !r.mayWrite() ? Html.EMPTY : f("""
        <details class="card trigger"><summary><span class="primary" id="trigger">Trigger</span></summary>
        <form method="post" action="{}" id="trigger-form" data-conf-check>{}
        <label>Conf (a JSON object) <textarea name="conf" rows="4" spellcheck="false">{}</textarea></label>
        <p class="error conf-error" role="alert" hidden></p>
        <label>Run id (optional) <input name="run_id" maxlength="250" pattern="[A-Za-z0-9_.:+\\-]+"></label>
        <button type="submit" class="primary" id="trigger-submit">Trigger run</button></form></details>
        """, r.href(dagPath(d.dagId()) + "/trigger"), Layout.csrf(r), "{}");
    Html.Raw tags = Html.join(d.dag().tags().stream().sorted()
        .map(t -> f("<a class=\"tag\" href=\"{}?tag={}\">{}</a>", r.href("/dags"), Html.q(t), t)).toList());
    Layout.page(r, d.dagId(), f("""
        <nav class="crumbs"><a href="{}">DAGs</a> / <span>{}</span></nav>
        <div class="head"><h1>{}</h1>{}</div>
        <p class="desc">{}</p><p>{} <span class="muted">Schedule:</span> {} {}</p>
        {}
        {}
        <details class="card"><summary>Source: {}</summary><pre class="source">{}</pre></details>
        """, r.href("/dags"), d.dagId(), d.dagId(), pauseToggle(r, d, "dag"), d.dag().description(), tags,
        v.get("timetable_description"), v.get("next_dagrun_run_after") == null ? Html.EMPTY
            : f("<span class=\"muted\">Next run:</span> {}", Layout.time(v.get("next_dagrun_run_after"))),
        trigger, gridHtml(r, d), deps.dagViews().relative(d.dag().fileloc()),
        source(d.dag())));
  }

  void grid(WebUi.Req r) {
    Layout.fragment(r, gridHtml(r, dag(r)));
  }

  /** The grid and the duration chart, refreshed every 2 s by htmx. */
  private Html.Raw gridHtml(WebUi.Req r, StoredDag d) {
    Dag dag = d.dag();
    List<DagRun> runs = new ArrayList<>(deps.stores().runs().listRuns(d.dagId(), GRID_RUNS));
    java.util.Collections.reverse(runs); // newest on the right
    List<Map<String, TaskInstance>> cells = new ArrayList<>();
    for (DagRun run : runs) {
      Map<String, TaskInstance> byTask = new HashMap<>();
      deps.stores().runs().taskInstances(run.key()).forEach(ti -> byTask.put(ti.taskId(), ti));
      cells.add(byTask);
    }
    StringBuilder head = new StringBuilder("<tr><th class=\"task\">Task</th>");
    for (DagRun run : runs) {
      head.append(f("<th><a class=\"sq s-{}\" href=\"{}\" title=\"{} · {}\" data-run=\"{}\">{}</a></th>",
          run.state().id(), r.href(runPath(run)), run.runId(), run.state().id(), run.runId(),
          Layout.symbol(run.state().id())));
    }
    head.append("</tr>");
    StringBuilder body = new StringBuilder();
    for (String taskId : taskOrder(dag)) {
      body.append(f("<tr><th class=\"task\">{}</th>", taskId));
      for (int i = 0; i < runs.size(); i++) {
        TaskInstance ti = cells.get(i).get(taskId);
        if (ti == null) {
          body.append("<td></td>");
          continue;
        }
        String state = ti.state().id();
        Duration took = ti.times().startDate() == null ? null : ti.duration();
        String tip = state + ", try " + ti.tryNumber() + (took == null ? "" : ", " + Layout.duration(took.toMillis() / 1000.0));
        body.append(f("<td><a class=\"cell s-{}\" href=\"{}\" title=\"{}\" data-task=\"{}\" data-run=\"{}\" data-state=\"{}\">"
            + "{}</a></td>", state, r.href(runPath(runs.get(i)) + "/tasks/" + Html.seg(taskId)), tip, taskId,
            runs.get(i).runId(), state, Layout.symbol(state)));
      }
      body.append("</tr>");
    }
    boolean live = runs.stream().anyMatch(run -> !run.state().isFinished());
    return f("""
        <section id="grid" hx-get="{}" hx-trigger="every {}s" hx-swap="outerHTML">
        <h2>Grid <span class="muted">({} recent runs, newest on the right)</span></h2>
        <div class="scroll"><table class="grid">{}{}</table></div>
        <h2>Graph <span class="muted">{}</span></h2>{}
        <h2>Run durations</h2>{}</section>
        """, r.href(dagPath(d.dagId()) + "/grid"), live ? 1 : 5, runs.size(), Html.raw(head.toString()),
        Html.raw(body.toString()), runs.isEmpty() ? "" : "(states of " + runs.get(runs.size() - 1).runId() + ")",
        DagGraph.svg(d, states(runs.isEmpty() ? Map.of() : cells.get(cells.size() - 1))),
        DurationChart.svg(runs, run -> r.href(runPath(run))));
  }

  private static Map<String, String> states(Map<String, TaskInstance> byTask) {
    Map<String, String> out = new HashMap<>();
    byTask.forEach((id, ti) -> out.put(id, ti.state().id()));
    return out;
  }

  void trigger(WebUi.Req r) {
    StoredDag d = dag(r);
    if (!d.active()) {
      throw ApiException.notFound("DAG '" + d.dagId() + "' is not active: its file is gone or does not load");
    }
    String conf = r.ctx().formParam("conf");
    String runId = r.ctx().formParam("run_id");
    String confJson = null;
    if (conf != null && !conf.isBlank()) {
      try {
        JsonNode node = JSON.readTree(conf);
        if (node == null || !node.isObject()) {
          throw ApiException.badRequest("Conf must be a JSON object ({...}), got: " + abbreviate(conf));
        }
        confJson = JSON.writeValueAsString(node);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw ApiException.badRequest("Conf is not valid JSON: " + e.getOriginalMessage());
      }
    }
    if (runId != null && !runId.isBlank()) {
      try {
        Ids.runId(runId.strip());
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage());
      }
    }
    RunOrigin origin = RunOrigin.manual("ui", r.account().name(), null, false);
    String id = runId == null || runId.isBlank() ? null : runId.strip();
    Optional<DagRun> created = deps.runCreator().create(d.dag(), RunRequest.manual(id, null, confJson, null, null, origin));
    DagRun run = created.orElseThrow(() -> ApiException.conflict("Run '" + id + "' of DAG '" + d.dagId()
        + "' already exists"));
    r.ctx().redirect(r.href(dagPath(d.dagId())) + "?triggered=" + Html.q(run.runId()));
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }

  private Html.Raw source(Dag dag) {
    String rel = deps.dagViews().relative(dag.fileloc());
    Path folder = deps.config().core().dagsFolder().toAbsolutePath().normalize();
    if (rel == null || dag.fileloc().isEmpty()) {
      return f("(no file: defined in code)");
    }
    try {
      Path file = Path.of(dag.fileloc()).toAbsolutePath().normalize();
      if (!file.startsWith(folder) || !Files.isRegularFile(file) || !file.toRealPath().startsWith(folder.toRealPath())) {
        return f("(not inside dags_folder: {})", dag.fileloc());
      }
      return f("{}", Files.readString(file));
    } catch (IOException e) {
      return f("(cannot read {}: {})", dag.fileloc(), e.getMessage());
    }
  }

  StoredDag dag(WebUi.Req r) {
    String id = r.ctx().pathParam("dag_id");
    if (!io.contrail.rest.Ids.isDagId(id)) {
      throw ApiException.notFound("No DAG '" + id + "'");
    }
    return deps.stores().dags().find(id).orElseThrow(() -> ApiException.notFound("No DAG '" + id + "'"));
  }

  /** Tasks upstream before downstream, otherwise in the file's order. */
  static List<String> taskOrder(Dag dag) {
    Map<String, Integer> indegree = new LinkedHashMap<>();
    for (TaskDefinition t : dag.tasks()) {
      indegree.put(t.taskId(), t.dependsOn().size());
    }
    Map<String, List<String>> down = dag.downstreamMap();
    List<String> out = new ArrayList<>();
    while (out.size() < indegree.size()) {
      String next = indegree.entrySet().stream().filter(e -> e.getValue() == 0 && !out.contains(e.getKey()))
          .map(Map.Entry::getKey).findFirst().orElse(null);
      if (next == null) {
        indegree.keySet().stream().filter(k -> !out.contains(k)).forEach(out::add);
        break;
      }
      out.add(next);
      for (String t : down.getOrDefault(next, List.of())) {
        indegree.computeIfPresent(t, (k, n) -> n - 1);
      }
    }
    return out;
  }

  static String dagPath(String dagId) {
    return "/dags/" + Html.seg(dagId);
  }

  static String runPath(DagRun run) {
    return dagPath(run.dagId()) + "/runs/" + Html.seg(run.runId());
  }

  static int parseInt(String s, int otherwise) {
    try {
      return s == null ? otherwise : Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
