package io.contrail.web;

import static io.contrail.web.Html.f;

import io.contrail.operations.ClearRequest;
import io.contrail.operations.MarkRequest;
import io.contrail.operations.OperationResult;
import io.contrail.operations.TaskSelection;
import io.contrail.rest.ApiException;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.StoredDag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /dags/{dag_id}/runs/{run_id}}: the run's details with its trace link, the waterfall of its
 * attempts with the critical path (refreshed while it runs), and clear / clear failed / mark /
 * delete, each first showing what it will change (a dry run of the same operation) to confirm.
 */
final class RunPages {
  private final WebUi.Deps deps;
  private final DagPages dags;

  RunPages(WebUi.Deps deps, DagPages dags) {
    this.deps = deps;
    this.dags = dags;
  }

  DagRun run(WebUi.Req r, StoredDag d) {
    String runId = r.ctx().pathParam("run_id");
    if (!io.contrail.rest.Ids.isRunId(runId)) {
      throw ApiException.notFound("No run '" + runId + "' of DAG '" + d.dagId() + "'");
    }
    return deps.stores().runs().findRun(new RunKey(d.dagId(), runId))
        .orElseThrow(() -> ApiException.notFound("No run '" + runId + "' of DAG '" + d.dagId() + "'"));
  }

  void run(WebUi.Req r) {
    StoredDag d = dags.dag(r);
    DagRun run = run(r, d);
    Map<String, Object> v = deps.runViews().run(run);
    Object traceUrl = v.get("trace_url");
    Html.Raw trace = traceUrl == null ? f("<code>{}</code>", v.get("trace_id"))
        : f("<a href=\"{}\" rel=\"noopener\" target=\"_blank\" id=\"trace-link\"><code>{}</code></a>", traceUrl, v.get("trace_id"));
    Html.Raw buttons = !r.mayWrite() ? Html.EMPTY : f("<div class=\"actions\">{}{}{}{}{}</div>",
        action(r, "clear", "Clear"), action(r, "clear_failed", "Clear failed"), action(r, "mark_success", "Mark success"),
        action(r, "mark_failed", "Mark failed"), action(r, "delete", "Delete"));
    Layout.page(r, run.runId(), f("""
        <nav class="crumbs"><a href="{}">DAGs</a> / <a href="{}">{}</a> / <span>{}</span></nav>
        <h1>Run {}</h1>{}
        <table class="details"><tr><th>Type</th><td>{}</td><th>Logical date</th><td>{}</td></tr>
        <tr><th>Queued</th><td>{}</td><th>Triggered by</th><td>{}</td></tr>
        <tr><th>Trace</th><td colspan="3">{}</td></tr>
        <tr><th>Conf</th><td colspan="3"><pre class="conf">{}</pre></td></tr></table>
        {}
        """, r.href("/dags"), r.href(DagPages.dagPath(d.dagId())), d.dagId(), run.runId(), run.runId(), buttons,
        v.get("run_type"), Layout.time(v.get("logical_date")), Layout.time(v.get("queued_at")),
        v.get("triggering_user_name") == null ? v.get("triggered_by") : v.get("triggered_by") + " (" + v.get("triggering_user_name") + ")",
        trace, pretty(v.get("conf")), live(r, d, run)));
  }

  void runLive(WebUi.Req r) {
    StoredDag d = dags.dag(r);
    Layout.fragment(r, live(r, d, run(r, d)));
  }

  /** State, times, the waterfall and the critical path: polled every second until the run has finished. */
  private Html.Raw live(WebUi.Req r, StoredDag d, DagRun run) {
    List<TaskInstance> tis = deps.stores().runs().taskInstances(run.key());
    String runHref = r.href(DagPages.runPath(run));
    RunAnalysis.Drawn drawn = RunAnalysis.draw(deps.stores(), run.key(), deps.clock().instant(),
        (task, n) -> runHref + "/tasks/" + Html.seg(task) + "?try=" + n);
    Html.Raw poll = run.state().isFinished() ? Html.EMPTY
        : f(" hx-get=\"{}/live\" hx-trigger=\"every 1s\" hx-swap=\"outerHTML\"", runHref);
    return f("""
        <section id="run-live"{} data-state="{}">
        <p class="run-state">{} <span class="muted">started</span> {} <span class="muted">ended</span> {}</p>
        <h2>Waterfall</h2>
        <p class="legend"><span class="key wait"></span> waiting (scheduled, queued) <span class="key run"></span> running
        <span class="key critical"></span> on the critical path</p>
        <p class="critical-summary" id="critical-summary">{}</p>
        <div class="scroll">{}</div></section>
        """, poll, run.state().id(), Layout.state(run.state().id()), Layout.time(run.times().startDate()),
        Layout.time(run.times().endDate()), drawn.summary(), Html.raw(drawn.svg()));
  }

  private static Html.Raw action(WebUi.Req r, String action, String label) {
    return f("<form method=\"post\" action=\"{}\" class=\"inline\">{}<input type=\"hidden\" name=\"action\" value=\"{}\">"
        + "<button type=\"submit\" name=\"go\" data-action=\"{}\"{}>{}</button></form>", r.ctx().path() + "/action",
        Layout.csrf(r), action, action, action.equals("delete") || action.equals("mark_failed") ? Html.raw(" class=\"danger\"")
            : Html.EMPTY, label);
  }

  void runAction(WebUi.Req r) {
    StoredDag d = dags.dag(r);
    DagRun run = run(r, d);
    String action = r.ctx().formParam("action");
    boolean confirmed = "yes".equals(r.ctx().formParam("confirm"));
    String actor = "ui:" + r.account().name();
    String runHref = r.href(DagPages.runPath(run));
    if ("delete".equals(action)) {
      if (run.state() == RunState.RUNNING) {
        throw ApiException.conflict("Run '" + run.runId() + "' is running: mark it failed first, which stops its tasks.");
      }
      if (!confirmed) {
        int n = deps.stores().runs().taskInstances(run.key()).size();
        confirm(r, "Delete run " + run.runId() + "?", List.of(f("The run {} of {} and its {} task instances, their tries"
            + " and logs' records are deleted.", run.runId(), d.dagId(), n)), action, runHref);
        return;
      }
      deps.operations().deleteRun(run.key());
      r.ctx().redirect(r.href(DagPages.dagPath(d.dagId())));
      return;
    }
    OperationResult result = switch (action == null ? "" : action) {
      case "clear" -> deps.operations().clear(ClearRequest.ofRun(run.dagId(), run.runId(), TaskSelection.ALL, actor)
          .dryRun(!confirmed));
      case "clear_failed" -> deps.operations().clear(ClearRequest.ofRun(run.dagId(), run.runId(),
          TaskSelection.ALL.onlyFailed(true), actor).dryRun(!confirmed));
      case "mark_success", "mark_failed" -> {
        RunState target = action.equals("mark_success") ? RunState.SUCCESS : RunState.FAILED;
        if (run.state() == target) {
          throw ApiException.conflict("Run '" + run.runId() + "' is already " + target.id() + ".");
        }
        yield deps.operations().markRun(MarkRequest.Run.of(run.key(), target, actor).dryRun(!confirmed));
      }
      default -> throw ApiException.badRequest("Unknown action '" + action + "': clear, clear_failed, mark_success,"
          + " mark_failed or delete");
    };
    if (!confirmed) {
      confirm(r, label(action) + " run " + run.runId() + "?", changes(result), action, runHref);
      return;
    }
    r.ctx().redirect(runHref);
  }

  static String label(String action) {
    return switch (action) {
      case "clear" -> "Clear";
      case "clear_failed" -> "Clear the failed tasks of";
      case "mark_success" -> "Mark success";
      case "mark_failed" -> "Mark failed";
      default -> action;
    };
  }

  /** What a dry run says will change, one line per run and task instance. */
  static List<Html.Raw> changes(OperationResult result) {
    List<Html.Raw> lines = new ArrayList<>();
    for (var change : result.runs()) {
      if (change.before().state() != change.after().state()) {
        lines.add(f("Run {}: {} → {}", change.before().runId(), Layout.state(change.before().state().id()),
            Layout.state(change.after().state().id())));
      }
      for (TaskChange t : change.tasks()) {
        TaskState before = t.before().state();
        TaskState after = t.after().state();
        lines.add(f("<span class=\"task-change\" data-task=\"{}\">{}</span>: {} → {}{}", t.before().taskId(),
            t.before().taskId(), Layout.state(before.id()), Layout.state(after.id()),
            after == TaskState.NONE || after == TaskState.RESTARTING
                ? f(" <span class=\"muted\">(runs again as try {})</span>", t.before().tryNumber() + 1) : Html.EMPTY));
      }
    }
    return lines;
  }

  /** The confirmation page: what will change, and the same form again with confirm=yes. */
  static void confirm(WebUi.Req r, String question, List<Html.Raw> changes, String action, String back) {
    Html.Raw list = changes.isEmpty() ? f("<p>Nothing would change.</p>")
        : f("<ul class=\"changes\">{}</ul>", Html.join(changes.stream().map(c -> f("<li>{}</li>", c)).toList()));
    Html.Raw extra = Html.join(r.ctx().formParamMap().entrySet().stream()
        .filter(e -> !e.getKey().equals("_csrf") && !e.getKey().equals("action") && !e.getKey().equals("confirm")
            && !e.getKey().equals("go"))
        .map(e -> f("<input type=\"hidden\" name=\"{}\" value=\"{}\">", e.getKey(), e.getValue().get(0))).toList());
    Layout.page(r, "Confirm", f("""
        <h1>{}</h1><p>This will change:</p>{}
        <form method="post" action="{}">{}<input type="hidden" name="action" value="{}">{}
        <input type="hidden" name="confirm" value="yes">
        <button type="submit" class="primary" id="confirm"{}>Confirm</button> <a href="{}">Cancel</a></form>
        """, question, list, r.ctx().path(), Layout.csrf(r), action, extra,
        changes.isEmpty() && !action.equals("delete") ? Html.raw(" disabled") : Html.EMPTY, back));
  }

  private static String pretty(Object conf) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(conf);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return String.valueOf(conf);
    }
  }
}
