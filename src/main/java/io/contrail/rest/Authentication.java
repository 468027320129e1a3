package io.contrail.rest;

import io.contrail.rest.auth.Accounts;
import io.contrail.rest.auth.ApiRole;
import io.contrail.rest.auth.LoginThrottle;
import io.contrail.rest.auth.Tokens;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a request comes from and whether they may do it: {@code POST /auth/token} (and
 * {@code /auth/token/cli}, where airflowctl logs in) trade a name and password for a signed token;
 * every other route but version, health and the API's own documents needs {@code Authorization:
 * Bearer <token>} — 401 without a valid one, 403 when the account's role does not allow the method.
 * With {@code [api] auth = none} (loopback only) every request is the admin account's. Routes
 * outside {@code /api/} and {@code /auth/} are the web UI's, which checks its own session cookie
 * (holding a token of this class) through {@link #accountOf} and {@link #login}. Both logins share
 * one {@link LoginThrottle}: an address that failed too often is answered 429 with Retry-After.
 */
public final class Authentication {
  private static final Logger LOG = LoggerFactory.getLogger(Authentication.class);
  static final String ACCOUNT = "contrail.account";
  private static final Set<String> PUBLIC = Set.of("/api/v2/version", "/api/v2/monitor/health", "/auth/token",
      "/auth/token/cli", "/api/v2/openapi.json", "/api/v2/docs");

  private final Accounts accounts;
  private final Tokens tokens;
  private final Accounts.Account anonymous;
  private final Duration lifetime;
  private final Duration cliLifetime;
  private final LoginThrottle throttle;

  /** @param anonymous the account of every request when authentication is off, else null */
  Authentication(Accounts accounts, Tokens tokens, Accounts.Account anonymous, Duration lifetime, Duration cliLifetime,
      LoginThrottle throttle) {
    this.throttle = throttle;
    this.accounts = accounts;
    this.tokens = tokens;
    this.anonymous = anonymous;
    this.lifetime = lifetime;
    this.cliLifetime = cliLifetime;
  }

  void routes(Routes routes) {
    routes.post("/auth/token", ctx -> login(ctx, lifetime));
    routes.post("/auth/token/cli", ctx -> login(ctx, cliLifetime));
  }

  /** Runs before every matched route: sets the request's account or refuses it. */
  void check(Context ctx) {
    String route = ctx.endpoints().matchedHttpEndpoint() == null ? null : ctx.endpoints().matchedHttpEndpoint().path;
    if (route == null || PUBLIC.contains(route) || ctx.method() == HandlerType.OPTIONS
        || !(route.startsWith("/api/") || route.startsWith("/auth/"))) {
      return;
    }
    Accounts.Account account = anonymous != null ? anonymous : fromToken(ctx);
    RequestSpans.user(ctx, account.name());
    boolean reads = ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD;
    if (!reads && !account.role().mayWrite()) {
      throw ApiException.forbidden();
    }
    ctx.attribute(ACCOUNT, account);
  }

  private Accounts.Account fromToken(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw ApiException.unauthorized("Not authenticated");
    }
    Tokens.Verified v = tokens.verify(header.substring(7).strip());
    if (v.claims().isEmpty()) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw ApiException.unauthorized(v.refusal() == Tokens.Refusal.EXPIRED ? "Token Expired" : "Invalid JWT token");
    }
    return accountOf(v.claims().get()).orElseThrow(() -> ApiException.unauthorized("Invalid JWT token"));
  }

  // the account as configured now: a token outlives neither its account nor a change of its role
  private Optional<Accounts.Account> accountOf(Tokens.Claims claims) {
    return accounts.find(claims.subject()).filter(a -> a.role().id().equals(claims.role()));
  }

  /** The account a token (the web UI's session cookie) belongs to now; empty when invalid or expired. */
  public Optional<Accounts.Account> accountOf(String token) {
    if (anonymous != null) {
      return Optional.of(anonymous);
    }
    return token == null || token.isBlank() ? Optional.empty() : tokens.verify(token).claims().flatMap(this::accountOf);
  }

  /** The account every request is when authentication is off, else empty. */
  public Optional<Accounts.Account> anonymous() {
    return Optional.ofNullable(anonymous);
  }

  /**
   * A token for the account of this name and password (the web UI's login form); empty when refused.
   *
   * @throws TooManyLogins when {@code from} failed too often of late (nothing was checked)
   */
  public Optional<String> login(String username, String password, String from) {
    return authenticate(username, password, from).map(a -> tokens.issue(a, lifetime));
  }

  /** A login refused unchecked: its address failed too often; it may try again after {@link #retryAfter}. */
  public static final class TooManyLogins extends RuntimeException {
    private final Duration retryAfter;

    TooManyLogins(Duration retryAfter) {
      super("Too many failed logins from this address; try again in " + seconds(retryAfter) + " s", null, false, false);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }

    /** Whole seconds, rounded up (what Retry-After carries). */
    public long retryAfterSeconds() {
      return seconds(retryAfter);
    }

    private static long seconds(Duration d) {
      return Math.max(1, (d.toMillis() + 999) / 1000);
    }
  }

  private Optional<Accounts.Account> authenticate(String username, String password, String from) {
    Optional<Duration> wait = throttle.waitFor(from);
    if (wait.isPresent()) {
      LOG.info("login of '{}' from {} refused unchecked: too many failed logins from there", Ids.printable(username),
          from);
      throw new TooManyLogins(wait.get());
    }
    Optional<Accounts.Account> account = accounts.authenticate(username, password);
    if (account.isEmpty()) {
      throttle.failed(from);
      LOG.info("login refused for '{}' from {}", Ids.printable(username), from);
    } else {
      throttle.succeeded(from);
      LOG.info("login of '{}' ({}) from {}", username, account.get().role().id(), from);
    }
    return account;
  }

  /** How long a web session lasts: the token lifetime. */
  public Duration sessionLifetime() {
    return lifetime;
  }

  /** The account a request runs as (after {@link #check}); the admin account for public routes. */
  static Accounts.Account account(Context ctx) {
    Accounts.Account a = ctx.attribute(ACCOUNT);
    return a != null ? a : new Accounts.Account("anonymous", ApiRole.VIEWER);
  }

  private void login(Context ctx, Duration tokenLifetime) {
    String type = ctx.contentType() == null ? "application/json" : ctx.contentType().split(";")[0].strip();
    String username;
    String password;
    if (type.equalsIgnoreCase("application/x-www-form-urlencoded")) {
      Map<String, List<String>> form = ctx.formParamMap();
      username = form.containsKey("username") ? form.get("username").get(0) : null;
      password = form.containsKey("password") ? form.get("password").get(0) : null;
      if (username == null || password == null) {
        throw ApiException.invalid(username == null ? "Field required: username" : "Field required: password");
      }
    } else if (type.equalsIgnoreCase("application/json")) {
      Body body = Body.parse(ctx.bodyAsBytes(), Set.of("username", "password"));
      username = body.string("username", true, 1000);
      password = body.string("password", true, 1000);
      body.check();
    } else {
      throw new ApiException(415, "Only application/json or application/x-www-form-urlencoded is supported");
    }
    if (username.isEmpty() || password.isEmpty()) {
      throw ApiException.badRequest("Username and password must be provided");
    }
    Optional<Accounts.Account> account;
    try {
      account = authenticate(username, password, ctx.ip());
    } catch (TooManyLogins e) {
      ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
      throw new ApiException(429, e.getMessage());
    }
    if (account.isEmpty()) {
      throw ApiException.unauthorized("Invalid credentials");
    }
    Responses.json(ctx, 201, Map.of("access_token", tokens.issue(account.get(), tokenLifetime)));
  }
}
