package io.contrail.web;

import static io.contrail.web.Html.f;

import io.contrail.analysis.AnsiHtml;
import io.contrail.api.TaskDefinition;
import io.contrail.logserver.AttemptLogReader;
import io.contrail.operations.ClearRequest;
import io.contrail.operations.MarkRequest;
import io.contrail.operations.OperationResult;
import io.contrail.operations.RunSecrets;
import io.contrail.operations.TaskSelection;
import io.contrail.rest.ApiException;
import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import io.contrail.storage.StoredDag;
import io.contrail.storage.Stores;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /dags/{dag_id}/runs/{run_id}/tasks/{task_id}}: the task instance, a tab per try
 * ({@code ?try=N}), the try's log (masked, ANSI colours shown, followed every second while the try
 * runs, downloadable) and its host, exit code, error and span ids; clear and mark.
 */
final class TaskPages {
  private static final long MAX_LOG_BYTES = 2 * 1024 * 1024;

  private final WebUi.Deps deps;
  private final DagPages dags;
  private final RunPages runs;
  private final AttemptLogReader logs;

  TaskPages(WebUi.Deps deps, DagPages dags, RunPages runs) {
    this.deps = deps;
    this.dags = dags;
    this.runs = runs;
    this.logs = AttemptLogReader.of(deps.config(), deps.stores().runs(), Stores.logServers(deps.database()));
  }

  private record Target(StoredDag dag, DagRun run, TaskInstance ti, int tryNumber) {}

  private Target target(WebUi.Req r) {
    StoredDag d = dags.dag(r);
    DagRun run = runs.run(r, d);
    String taskId = r.ctx().pathParam("task_id");
    if (!io.contrail.rest.Ids.isTaskId(taskId)) {
      throw ApiException.notFound("No task '" + taskId + "' in run '" + run.runId() + "'");
    }
    TaskInstance ti = deps.stores().runs().taskInstance(new TaskInstanceKey(run.dagId(), run.runId(), taskId))
        .orElseThrow(() -> ApiException.notFound("No task '" + taskId + "' in run '" + run.runId() + "'"));
    int n = DagPages.parseInt(r.ctx().queryParam("try"), Math.max(1, ti.tryNumber()));
    if (n < 1 || n > Math.max(1, ti.tryNumber())) {
      throw ApiException.notFound("Task '" + taskId + "' has no try " + r.ctx().queryParam("try")
          + " (tries: 1 to " + ti.tryNumber() + ")");
    }
    return new Target(d, run, ti, n);
  }

  void task(WebUi.Req r) {
    Target t = target(r);
    TaskInstance ti = t.ti();
    String href = r.href(DagPages.runPath(t.run()) + "/tasks/" + Html.seg(ti.taskId()));
    List<Html.Raw> tabs = new ArrayList<>();
    for (int n = 1; n <= Math.max(1, ti.tryNumber()); n++) {
      tabs.add(f("<a class=\"tab{}\" href=\"{}?try={}\" data-try=\"{}\"{}>Try {}</a>", n == t.tryNumber() ? " active" : "",
          href, n, n, n == t.tryNumber() ? Html.raw(" aria-current=\"page\"") : Html.EMPTY, n));
    }
    Optional<TaskAttempt> attempt = deps.stores().runs().attempt(ti.key(), t.tryNumber());
    Map<String, Object> view = attempt.isPresent() ? deps.runViews().attempt(attempt.get(), ti, t.run())
        : deps.runViews().currentTry(ti, t.run());
    TaskDefinition def = t.dag().dag().taskIndex().get(ti.taskId());
    Object traceUrl = deps.runViews().run(t.run()).get("trace_url");
    Html.Raw trace = f("trace <code>{}</code> span <code>{}</code>{}", view.get("trace_id"), view.get("span_id"),
        traceUrl == null ? Html.EMPTY : f(" <a href=\"{}\" rel=\"noopener\" target=\"_blank\">open trace</a>", traceUrl));
    Html.Raw buttons = !r.mayWrite() ? Html.EMPTY : f("<div class=\"actions\">{}{}{}</div>", action(r, href, "clear", "Clear"),
        action(r, href, "mark_success", "Mark success"), action(r, href, "mark_failed", "Mark failed"));
    Layout.page(r, ti.taskId(), f("""
        <nav class="crumbs"><a href="{}">DAGs</a> / <a href="{}">{}</a> / <a href="{}">{}</a> / <span>{}</span></nav>
        <h1>Task {}</h1>{}
        <nav class="tabs">{}</nav>
        <table class="details"><tr><th>State</th><td>{}</td><th>Try</th><td>{} of {}</td></tr>
        <tr><th>Started</th><td>{}</td><th>Ended</th><td>{}</td></tr>
        <tr><th>Pool</th><td>{}</td><th>Trigger rule</th><td>{}</td></tr>
        <tr><th>Host</th><td>{}</td><th>Exit code</th><td>{}</td></tr>
        <tr><th>Error</th><td colspan="3" class="error-text">{}</td></tr>
        <tr><th>Span</th><td colspan="3">{}</td></tr></table>
        <h2>Log <a class="small" href="{}/log.txt?try={}" download>download</a></h2>{}
        """, r.href("/dags"), r.href(DagPages.dagPath(t.dag().dagId())), t.dag().dagId(), r.href(DagPages.runPath(t.run())),
        t.run().runId(), ti.taskId(), ti.taskId(), buttons, Html.join(tabs), Layout.state(String.valueOf(view.get("state"))),
        t.tryNumber(), ti.tries().max(), Layout.time(view.get("start_date")), Layout.time(view.get("end_date")),
        ti.profile().pool(), def == null ? "" : def.triggerRule().toString().toLowerCase(java.util.Locale.ROOT),
        view.get("hostname") == null ? "" : view.get("hostname"),
        attempt.map(a -> a.status() == null || a.status().exitCode() == null ? "" : a.status().exitCode().toString()).orElse(""),
        attempt.map(a -> a.status() == null || a.status().error() == null ? "" : a.status().error()).orElse(""),
        trace, href, t.tryNumber(), log(r, t, href)));
  }

  void logTail(WebUi.Req r) {
    Target t = target(r);
    Layout.fragment(r, log(r, t, r.href(DagPages.runPath(t.run()) + "/tasks/" + Html.seg(t.ti().taskId()))));
  }

  /** The try's log; polled every second while this try may still write to it. */
  private Html.Raw log(WebUi.Req r, Target t, String href) {
    boolean live = t.tryNumber() >= t.ti().tryNumber() && !t.ti().state().isFinished()
        && t.ti().state() != TaskState.UP_FOR_RETRY;
    String text = masked(t, read(t));
    return f("<pre id=\"log\" class=\"log\" data-live=\"{}\"{}>{}</pre>", live,
        live ? f(" hx-get=\"{}/log?try={}\" hx-trigger=\"every 1s\" hx-swap=\"outerHTML\"", href, t.tryNumber()) : Html.EMPTY,
        text.isEmpty() ? f("<span class=\"muted\">{}</span>", live ? "(waiting for output…)" : "(no log)")
            : Html.raw(AnsiHtml.toHtml(text)));
  }

  void logFile(WebUi.Req r) {
    Target t = target(r);
    r.ctx().header("Content-Disposition", "attachment; filename=\"" + t.ti().taskId() + "-try" + t.tryNumber() + ".log\"");
    r.ctx().contentType("text/plain; charset=utf-8").result(masked(t, read(t)));
  }

  private String masked(Target t, String text) {
    RunSecrets.register(deps.masker(), t.run(), t.dag().dag());
    return deps.masker().mask(text);
  }

  /**
   * The attempt log, found from checked ids only and never outside the logs folder; from the log
   * server of the worker that ran the try when it is not on this machine, or why it could not be.
   */
  private String read(Target t) {
    try {
      AttemptLogReader.AttemptLog log = logs.read(t.ti(), t.tryNumber(), MAX_LOG_BYTES);
      if (log.problem() != null) {
        return "(cannot read the log: " + log.problem() + "; the try ran on host " + log.hostname() + ")";
      }
      return (log.skipped() > 0 ? "[… the first " + log.skipped() + " bytes are left out: download the log]\n" : "")
          + log.text();
    } catch (IOException e) {
      return "(cannot read the log: " + e.getMessage() + ")";
    }
  }

  private static Html.Raw action(WebUi.Req r, String href, String action, String label) {
    return f("<form method=\"post\" action=\"{}/action\" class=\"inline\">{}<input type=\"hidden\" name=\"action\" value=\"{}\">"
        + "<button type=\"submit\" data-action=\"{}\">{}</button></form>", href, Layout.csrf(r), action, action, label);
  }

  void taskAction(WebUi.Req r) {
    Target t = target(r);
    String action = r.ctx().formParam("action");
    boolean confirmed = "yes".equals(r.ctx().formParam("confirm"));
    String actor = "ui:" + r.account().name();
    TaskInstance ti = t.ti();
    OperationResult result = switch (action == null ? "" : action) {
      case "clear" -> deps.operations().clear(ClearRequest.ofRun(ti.dagId(), ti.runId(),
          TaskSelection.tasks(List.of(ti.taskId())).withDownstream(true), actor).dryRun(!confirmed));
      case "mark_success", "mark_failed" -> {
        TaskState target = action.equals("mark_success") ? TaskState.SUCCESS : TaskState.FAILED;
        if (ti.state() == target) {
          throw ApiException.conflict("Task '" + ti.taskId() + "' is already " + target.id() + ".");
        }
        yield deps.operations().markTask(MarkRequest.Task.of(ti.key(), target, actor).dryRun(!confirmed));
      }
      default -> throw ApiException.badRequest("Unknown action '" + action + "': clear, mark_success or mark_failed");
    };
    String href = r.href(DagPages.runPath(t.run()) + "/tasks/" + Html.seg(ti.taskId()));
    if (!confirmed) {
      RunPages.confirm(r, RunPages.label(action) + " task " + ti.taskId() + (action.equals("clear") ? " and its downstream" : "")
          + "?", RunPages.changes(result), action, href);
      return;
    }
    r.ctx().redirect(href);
  }
}
