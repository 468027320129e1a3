package io.contrail.web;

import io.contrail.analysis.AnsiHtml;
import io.contrail.config.ContrailConfig;
import io.contrail.operations.OperationException;
import io.contrail.operations.RunCreator;
import io.contrail.operations.RunOperations;
import io.contrail.rest.ApiException;
import io.contrail.rest.Authentication;
import io.contrail.rest.DagViews;
import io.contrail.rest.RunViews;
import io.contrail.rest.auth.Accounts;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.Database;
import io.contrail.storage.Stores;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web UI, served by the REST API's server under [api] base_url: server-rendered pages (escaped
 * by {@link Html}), htmx from its webjar for the parts that refresh while a run progresses, every
 * page behind the login of {@link Session} and every POST behind its CSRF token. Reads go through
 * the stores and the API's own views; writes through {@link RunOperations} as the API's, with the
 * same rule: admin and op may write, a viewer sees no write controls and is refused anyway.
 */
public final class WebUi {
  private static final Logger LOG = LoggerFactory.getLogger(WebUi.class);
  private static final Map<String, String> ASSETS = Map.of("contrail.css", "text/css; charset=utf-8",
      "contrail.js", "text/javascript; charset=utf-8");

  /** What the UI reads and writes through. */
  public record Deps(ContrailConfig config, Database database, Stores stores, RunCreator runCreator,
      RunOperations operations, DagViews dagViews, RunViews runViews, SecretsMasker masker, Clock clock,
      Authentication auth, String signingKey) {}

  /** One request to a page: who asks, and what links and forms need. */
  record Req(Context ctx, Accounts.Account account, String csrf, String base, boolean authOff) {
    boolean mayWrite() {
      return account.role().mayWrite();
    }

    /** A link inside the UI: {@code path} under the base path. */
    String href(String path) {
      return base + path;
    }
  }

  @FunctionalInterface
  interface Handler {
    void handle(Req req) throws Exception;
  }

  private final Deps deps;
  private final String base;
  private final Session session;
  private final DagPages dags;
  private final RunPages runs;
  private final TaskPages tasks;
  private final AdminPages admin;

  public WebUi(Deps deps) {
    this.deps = deps;
    String baseUrl = deps.config().api().baseUrl();
    String path = baseUrl == null || baseUrl.isBlank() ? "" : URI.create(baseUrl.strip()).getPath();
    this.base = path == null ? "" : path.replaceAll("/+$", "");
    this.session = new Session(deps.auth(), deps.signingKey(), base.isEmpty() ? "/" : base);
    this.dags = new DagPages(deps);
    this.runs = new RunPages(deps, dags);
    this.tasks = new TaskPages(deps, dags, runs);
    this.admin = new AdminPages(deps);
  }

  /** Registers the pages on the server's routes. */
  public void routes(RoutesConfig routes) {
    routes.get("/", ctx -> ctx.redirect(base + "/dags"));
    routes.get("/login", ctx -> Layout.login(ctx, base, null, ctx.queryParam("next")));
    routes.post("/login", this::login);
    routes.post("/logout", ctx -> page(ctx, true, r -> {
      session.logout(ctx);
      ctx.redirect(base + "/login");
    }));
    routes.get("/ui/assets/{name}", this::asset);
    routes.get("/dags", ctx -> page(ctx, false, dags::dags));
    routes.get("/dags/{dag_id}", ctx -> page(ctx, false, dags::dagPage));
    routes.get("/dags/{dag_id}/grid", ctx -> page(ctx, false, dags::grid));
    routes.post("/dags/{dag_id}/pause", ctx -> page(ctx, true, dags::pause));
    routes.post("/dags/{dag_id}/trigger", ctx -> page(ctx, true, dags::trigger));
    String run = "/dags/{dag_id}/runs/{run_id}";
    routes.get(run, ctx -> page(ctx, false, runs::run));
    routes.get(run + "/live", ctx -> page(ctx, false, runs::runLive));
    routes.post(run + "/action", ctx -> page(ctx, true, runs::runAction));
    String task = run + "/tasks/{task_id}";
    routes.get(task, ctx -> page(ctx, false, tasks::task));
    routes.get(task + "/log", ctx -> page(ctx, false, tasks::logTail));
    routes.get(task + "/log.txt", ctx -> page(ctx, false, tasks::logFile));
    routes.post(task + "/action", ctx -> page(ctx, true, tasks::taskAction));
    routes.get("/import-errors", ctx -> page(ctx, false, admin::importErrors));
    routes.get("/pools", ctx -> page(ctx, false, admin::pools));
    routes.post("/pools/{pool}", ctx -> page(ctx, true, admin::poolSlots));
  }

  private void login(Context ctx) {
    String username = ctx.formParam("username");
    String password = ctx.formParam("password");
    String next = ctx.formParam("next");
    if (username == null || password == null || username.isEmpty() || password.isEmpty()) {
      ctx.status(400);
      Layout.login(ctx, base, "Enter a username and a password.", next);
      return;
    }
    boolean in;
    try {
      in = session.login(ctx, username, password);
    } catch (Authentication.TooManyLogins e) {
      ctx.status(429);
      ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
      Layout.login(ctx, base, e.getMessage() + ".", next);
      return;
    }
    if (!in) {
      ctx.status(401);
      Layout.login(ctx, base, "Wrong username or password.", next);
      return;
    }
    // only a path inside the UI: never a redirect to another site
    boolean local = next != null && next.startsWith(base + "/") && !next.startsWith("//") && !next.contains("\\")
        && !next.startsWith(base + "//");
    ctx.redirect(local ? next : base + "/dags");
  }

  private void page(Context ctx, boolean writes, Handler handler) {
    ctx.header("Cache-Control", "no-store");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("X-Content-Type-Options", "nosniff");
    Optional<Accounts.Account> account = session.account(ctx);
    if (account.isEmpty()) {
      if (ctx.method() == HandlerType.GET && ctx.header("HX-Request") == null) {
        String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        ctx.redirect(base + "/login?next=" + Html.q(next));
      } else {
        ctx.status(401);
        ctx.header("HX-Redirect", base + "/login");
        ctx.contentType("text/plain; charset=utf-8").result("Not logged in");
      }
      return;
    }
    Req req = new Req(ctx, account.get(), session.csrf(ctx), base, session.authOff());
    try {
      if (writes) {
        if (!session.csrfValid(ctx)) {
          error(req, 403, "This form has expired or did not come from this page (CSRF check failed): reload the page"
              + " and try again.");
          return;
        }
        if (!req.mayWrite() && !ctx.path().endsWith("/logout")) {
          error(req, 403, "Your role (" + req.account().role().id() + ") may only read.");
          return;
        }
      }
      handler.handle(req);
    } catch (ApiException e) {
      error(req, e.status(), e.getMessage());
    } catch (OperationException e) {
      error(req, switch (e.kind()) {
        case NOT_FOUND -> 404;
        case CONFLICT -> 409;
        case INVALID -> 400;
      }, e.getMessage());
    } catch (Exception e) {
      String id = UUID.randomUUID().toString().substring(0, 8);
      LOG.error("{} {} failed (error id {})", ctx.method(), ctx.path(), id, e);
      error(req, 500, "Something went wrong: the server's log has the details under id " + id + ".");
    }
  }

  private static void error(Req req, int status, String message) {
    req.ctx().status(status);
    Layout.page(req, "Error " + status, Html.f("<h1>Error {}</h1><p class=\"error\" role=\"alert\">{}</p>", status, message));
  }

  private void asset(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    String type = ASSETS.get(name);
    if (type == null) {
      ctx.status(404).contentType("text/plain").result("Not Found");
      return;
    }
    try (InputStream in = WebUi.class.getResourceAsStream(name)) {
      ctx.header("Cache-Control", "max-age=3600");
      byte[] body = in.readAllBytes();
      if (name.equals("contrail.css")) {
        // the log's colour classes, with contrail.css's palette for the dark log pane
        body = (AnsiHtml.CSS + new String(body, java.nio.charset.StandardCharsets.UTF_8))
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
      ctx.contentType(type).result(body);
    }
  }
}
