package io.contrail.rest;

import io.contrail.config.ContrailConfig;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.contrail.operations.OperationException;
import io.opentelemetry.api.trace.Tracer;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API's HTTP server (Javalin on Jetty 12): Airflow's REST API v2 paths, statuses and
 * bodies, every error as JSON {@code {"detail": ...}} (Jetty's own refusals of malformed requests
 * included) and never a stack trace, a body size limit, CORS only for configured origins, and a
 * server span per request. What it serves is the endpoint groups it is given.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final Javalin app;
  private final List<Routes.Route> routes;
  private final String url;

  private ApiServer(Javalin app, List<Routes.Route> routes, String url) {
    this.app = app;
    this.routes = routes;
    this.url = url;
  }

  /**
   * Starts listening on [api] host and port ({@code port = 0} in tests: a free one).
   *
   * @param port the port to listen on (the configured one, or 0 for a free one)
   */
  public static ApiServer start(ContrailConfig.Api api, int port, Authentication auth, Tracer tracer,
      List<Routes.Group> groups) {
    return start(api, port, auth, tracer, groups, routes -> { });
  }

  /**
   * {@link #start}, also serving {@code pages}: routes outside the API (the web UI), which are not
   * among {@link #routes()} (those are the API's, held against its OpenAPI document).
   */
  public static ApiServer start(ContrailConfig.Api api, int port, Authentication auth, Tracer tracer,
      List<Routes.Group> groups, java.util.function.Consumer<io.javalin.config.RoutesConfig> pages) {
    RequestSpans spans = new RequestSpans(tracer);
    Routes[] routes = new Routes[1];
    String contextPath = contextPath(api.baseUrl());
    Javalin app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.router.ignoreTrailingSlashes = false;
      cfg.router.treatMultipleSlashesAsSingleSlash = false;
      cfg.router.contextPath = contextPath;
      cfg.http.prefer405over404 = true;
      cfg.http.maxRequestSize = api.maxRequestBodyBytes();
      cfg.http.generateEtags = false;
      cfg.jetty.host = api.host();
      cfg.jetty.port = port;
      cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      // a /wait stream writes a line every `interval` seconds; let it be quiet longer than Jetty's 30 s
      cfg.jetty.modifyServer(server -> Arrays.stream(server.getConnectors())
          .filter(c -> c instanceof ServerConnector).forEach(c -> ((ServerConnector) c).setIdleTimeout(600_000)));
      cfg.staticFiles.enableWebjars();
      List<String> origins = Arrays.stream(api.accessControlAllowOrigins().split(",")).map(String::strip)
          .filter(s -> !s.isEmpty()).toList();
      if (!origins.isEmpty()) {
        cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
          origins.forEach(o -> rule.allowHost(o));
          rule.exposeHeader("Content-Type");
        }));
      }
      cfg.routes.before(spans::start);
      cfg.routes.beforeMatched(ctx -> {
        RequestSpans.matched(ctx);
        auth.check(ctx);
      });
      cfg.routes.after(spans::end);
      cfg.routes.exception(ApiException.class, (e, ctx) -> Responses.json(ctx, e.status(), Responses.error(e.detail())));
      cfg.routes.exception(OperationException.class, (e, ctx) -> Responses.json(ctx, switch (e.kind()) {
        case NOT_FOUND -> 404;
        case CONFLICT -> 409;
        case INVALID -> 400;
      }, Responses.error(e.getMessage())));
      cfg.routes.exception(HttpResponseException.class, (e, ctx) ->
          Responses.json(ctx, e.getStatus(), Responses.error(javalinMessage(e))));
      cfg.routes.exception(Exception.class, (e, ctx) -> {
        String id = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("{} {} failed (error id {})", ctx.method(), ctx.path(), id, e);
        Responses.json(ctx, 500, Responses.error("Internal Server Error: the api-server log has the details under id "
            + id));
      });
      cfg.routes.error(404, ctx -> notJsonYet(ctx, "Not Found"));
      cfg.routes.error(405, ctx -> {
        // RFC 9110: a 405 names the methods the resource has
        String allow = allowed(routes[0].registered(), contextPath.equals("/") ? ctx.path() : ctx.path().substring(contextPath.length()));
        if (!allow.isEmpty()) {
          ctx.header("Allow", allow);
        }
        notJsonYet(ctx, "Method Not Allowed");
      });
      routes[0] = new Routes(cfg.routes);
      auth.routes(routes[0]);
      groups.forEach(g -> g.routes(routes[0]));
      pages.accept(cfg.routes);
    });
    app.start();
    String url = api.baseUrl().isBlank()
        ? "http://" + hostForUrl(api.host()) + ":" + app.port() : api.baseUrl().replaceAll("/+$", "");
    return new ApiServer(app, routes[0].registered(), url);
  }

  private static String javalinMessage(HttpResponseException e) {
    return switch (e.getStatus()) {
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Request body too large";
      default -> e.getMessage() == null || e.getMessage().isBlank() ? "Error " + e.getStatus() : e.getMessage();
    };
  }

  /** The methods of the registered operations whose path template matches {@code path}, as an Allow header. */
  static String allowed(List<Routes.Route> routes, String path) {
    return routes.stream().filter(r -> path.matches(r.path().replaceAll("\\{[^/]+}", "[^/]+")))
        .map(Routes.Route::method).distinct().collect(java.util.stream.Collectors.joining(", "));
  }

  /** Javalin's own 404/405 bodies are text: answer JSON instead, as Airflow does (the web UI's pages stay HTML). */
  private static void notJsonYet(Context ctx, String detail) {
    String type = ctx.res().getContentType();
    if (type == null || !(type.startsWith("application/json") || type.startsWith("text/html"))) {
      Responses.json(ctx, ctx.statusCode(), Responses.error(detail));
    }
  }

  /** The path of base_url (the API then lives under it, as Airflow's does); "/" without one. */
  static String contextPath(String baseUrl) {
    if (baseUrl == null || baseUrl.isBlank()) {
      return "/";
    }
    String path = URI.create(baseUrl.strip()).getPath();
    return path == null || path.isBlank() ? "/" : path.replaceAll("/+$", "").isEmpty() ? "/" : path.replaceAll("/+$", "");
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host.equals("0.0.0.0") ? "127.0.0.1" : host;
  }

  public int port() {
    return app.port();
  }

  /** Where users reach the API: base_url, or http://host:port. */
  public String url() {
    return url;
  }

  /** The operations this server serves. */
  public List<Routes.Route> routes() {
    return routes;
  }

  @Override
  public void close() {
    app.stop();
  }
}
