package io.contrail.rest;

import io.contrail.config.ConfigException;
import io.contrail.config.ContrailConfig;
import io.contrail.logserver.AttemptLogReader;
import io.contrail.operations.RunCreator;
import io.contrail.operations.RunOperations;
import io.contrail.rest.auth.Accounts;
import io.contrail.rest.auth.ApiRole;
import io.contrail.rest.auth.LoginThrottle;
import io.contrail.rest.auth.SecretFiles;
import io.contrail.rest.auth.Tokens;
import io.contrail.secrets.SecretsMasker;
import io.contrail.security.Listeners;
import io.contrail.storage.Database;
import io.contrail.storage.DagQueries;
import io.contrail.storage.Stores;
import io.contrail.telemetry.OtelSettings;
import io.contrail.telemetry.traces.RunSpans;
import io.contrail.web.WebUi;
import io.opentelemetry.api.trace.Tracer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Wires the REST API of one process from its collaborators: the accounts (the admin password
 * generated into {@code CONTRAIL_HOME/api_admin_password} when [api] admin_password is empty), the
 * token signing key (likewise {@code api_secret_key}), every endpoint group, and the server. Used
 * by the {@code api-server} and {@code standalone} roles.
 */
public final class RestApi {
  public static final String ADMIN_PASSWORD_FILE = "api_admin_password";
  public static final String SECRET_KEY_FILE = "api_secret_key";

  /** What the API of a process reads and writes through. */
  public record Deps(ContrailConfig config, OtelSettings otel, Database database, Stores stores, RunCreator runCreator,
      RunOperations operations,
      Clock clock, Tracer tracer, SecretsMasker masker) {}

  /** A started API and how to log in to it. */
  public record Started(ApiServer server, String adminUsername, Path generatedPasswordFile, boolean authOff)
      implements AutoCloseable {
    @Override
    public void close() {
      server.close();
    }

    /** The lines a server prints at start: where the API is and how to log in (never the password). */
    public List<String> banner() {
      String login = authOff ? "authentication is off ([api] auth = none): every request is the admin's"
          : generatedPasswordFile != null
              ? "log in as '" + adminUsername + "' with the password in " + generatedPasswordFile
              : "log in as '" + adminUsername + "' with [api] admin_password";
      return List.of("ui:        " + server.url() + "/  (" + (authOff ? "no login" : "log in as below") + ")",
          "api:       " + server.url() + "/api/v2  (docs " + server.url() + "/api/v2/docs)",
          "           " + login,
          "           sign in:   curl -X POST " + server.url() + "/auth/token -H 'Content-Type: application/json'"
              + " -d '{\"username\": \"" + adminUsername + "\", \"password\": \"...\"}'");
    }
  }

  private RestApi() {}

  /** Starts the API on [api] port ({@code port} overrides it when not null; 0 is a free port). */
  public static Started start(Deps deps, Integer port) {
    ContrailConfig config = deps.config();
    ContrailConfig.Api api = config.api();
    boolean authOff = api.auth().equals("none");
    if (authOff && !Listeners.isLoopback(api.host())) {
      throw new ConfigException("[api] auth = none is only allowed when [api] host is a loopback address"
          + " (127.0.0.1, ::1, localhost); host is '" + api.host() + "'");
    }
    Path home = config.home();
    Path generated = null;
    String adminPassword = api.adminPassword();
    if (adminPassword.isEmpty()) {
      generated = home.resolve(ADMIN_PASSWORD_FILE);
      adminPassword = SecretFiles.readOrCreate(generated, 12);
    }
    String secret = api.jwtSecret().isEmpty() ? SecretFiles.readOrCreate(home.resolve(SECRET_KEY_FILE), 48)
        : api.jwtSecret();
    // generated secrets are read here first: from now on they are masked like the configured ones
    deps.masker().addSecret(adminPassword);
    deps.masker().addSecret(secret);
    Accounts accounts = Accounts.of(api.adminUsername(), adminPassword, api.users());
    Authentication auth = new Authentication(accounts, new Tokens(secret, deps.clock()),
        authOff ? new Accounts.Account(api.adminUsername(), ApiRole.ADMIN) : null,
        Duration.ofSeconds(api.jwtExpirationTime()), Duration.ofSeconds(api.jwtCliExpirationTime()),
        new LoginThrottle(api.loginRateLimit(), Duration.ofSeconds(api.loginRateWindowSeconds()), deps.clock()));
    Stores stores = deps.stores();
    Database db = deps.database();
    DagQueries dagQueries = Stores.dagQueries(db);
    RunOperations operations = deps.operations();
    Lookups lookups = new Lookups(stores.dags(), stores.runs());
    AttemptLogReader logReader = AttemptLogReader.of(config, stores.runs(), Stores.logServers(db));
    DagViews dagViews = new DagViews(config.core().dagsFolder());
    RunViews runViews = new RunViews(api.traceUrlTemplate(), deps.masker());
    List<Routes.Group> groups = List.of(
        new MonitorEndpoints(db.sql(), dagQueries, deps.clock(),
            Duration.ofMillis(config.scheduler().zombieThresholdMs()), Stores.workers(db),
            "distributed".equals(config.core().executor())),
        new WorkerEndpoints(Stores.workers(db), deps.clock(), Duration.ofMillis(config.scheduler().zombieThresholdMs())),
        new DagEndpoints(stores.dags(), dagQueries, operations, dagViews, lookups, deps.clock()),
        new RunEndpoints(stores.dags(), stores.runs(), Stores.runQueries(db), deps.runCreator(), operations,
            new RunSpans(config, deps.otel(), Stores.spanOutbox(db), stores.runs(), stores.dags(), deps.masker()), runViews, lookups),
        new CriticalPathEndpoint(stores.runs(), stores.dags(), lookups, deps.clock()),
        new TaskEndpoints(stores.runs(), Stores.runQueries(db), Stores.notes(db), runViews, lookups),
        new OperationEndpoints(operations, stores.runs(), Stores.notes(db), runViews, lookups),
        new LogEndpoints(config.logs().baseLogFolder(), logReader, lookups),
        new PoolEndpoints(Stores.poolAdmin(db)),
        new ImportErrorEndpoints(dagQueries, dagViews),
        new DocsEndpoints(ApiServer.contextPath(api.baseUrl())));
    WebUi ui = new WebUi(new WebUi.Deps(config, db, stores, deps.runCreator(), operations, dagViews, runViews,
        deps.masker(), deps.clock(), auth, secret));
    ApiServer server = ApiServer.start(api, port == null ? api.port() : port, auth, deps.tracer(), groups, ui::routes);
    return new Started(server, api.adminUsername(), authOff ? null : generated, authOff);
  }

}
