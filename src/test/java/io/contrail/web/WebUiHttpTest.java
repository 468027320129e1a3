package io.contrail.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.rest.RestApi;
import io.contrail.rest.auth.Accounts;
import io.contrail.roles.Contrail;
import io.contrail.testing.InProcessContrail;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI's session and its refusals over plain HTTP, where a browser would hide them: the
 * cookie's attributes, CSRF, where a login may send you, what a page says to a request without a
 * session, and that the API's own rules are unchanged beside the pages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiHttpTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  @TempDir static Path home;
  private InProcessContrail contrail;
  private RestApi.Started api;
  private String url;

  @BeforeAll
  void start() {
    contrail = new InProcessContrail(home).set("CONTRAIL__API__ADMIN_PASSWORD", "admin-pw")
        .set("CONTRAIL__API__USERS", "viewer:viewer:" + Accounts.hash("viewer-pw"))
        .dag("hello.yaml", "dag_id: hello\nschedule: null\nstart_date: 2026-01-01\ntasks:\n  - task_id: say\n"
            + "    type: shell\n    command: echo hello\n");
    Contrail c = contrail.contrail();
    api = RestApi.start(new RestApi.Deps(c.config(), c.otel(), c.database(), c.stores(), c.runCreator(), c.operations(),
        c.clock(), c.tracer(), c.masker()), 0);
    url = api.server().url();
  }

  @AfterAll
  void stop() {
    api.close();
    contrail.close();
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
    return send((cookie == null ? b : b.header("Cookie", cookie)).build());
  }

  private HttpResponse<String> post(String path, String cookie, String form) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
    return send((cookie == null ? b : b.header("Cookie", cookie)).build());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Logs in; the session cookie as a Cookie header. */
  private String login(String user, String password) throws Exception {
    HttpResponse<String> r = post("/login", null, "username=" + user + "&password=" + enc(password));
    assertThat(r.statusCode()).isEqualTo(302);
    return r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
  }

  private String csrf(String cookie) throws Exception {
    Matcher m = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"").matcher(get("/dags", cookie).body());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @Test
  void everyPageSendsAStrangerToTheLoginAndAFragmentAnswers401() throws Exception {
    for (String path : new String[] {"/dags", "/dags/hello", "/pools", "/import-errors", "/dags/hello/runs/x/tasks/say"}) {
      HttpResponse<String> r = get(path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(302);
      assertThat(r.headers().firstValue("Location").orElseThrow()).isEqualTo("/login?next=" + enc(path));
    }
    HttpResponse<String> fragment = send(HttpRequest.newBuilder(URI.create(url + "/dags/hello/grid"))
        .header("HX-Request", "true").build());
    assertThat(fragment.statusCode()).isEqualTo(401);
    assertThat(fragment.headers().firstValue("HX-Redirect")).hasValue("/login");
    assertThat(get("/dags", "contrail_session=not.a.token").statusCode()).isEqualTo(302);
  }

  @Test
  void theSessionCookieIsHttpOnlyAndStrictAndAWrongPasswordSetsNone() throws Exception {
    HttpResponse<String> r = post("/login", null, "username=admin&password=admin-pw");
    String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith("contrail_session=").contains("HttpOnly").contains("SameSite=Strict")
        .doesNotContain("Secure");
    HttpResponse<String> wrong = post("/login", null, "username=admin&password=nope");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(wrong.body()).contains("Wrong username or password");
    HttpResponse<String> tls = send(HttpRequest.newBuilder(URI.create(url + "/login")).header("X-Forwarded-Proto", "https")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=admin-pw")).build());
    assertThat(tls.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");
  }

  @Test
  void aLoginSendsYouBackInsideTheUiOnly() throws Exception {
    HttpResponse<String> inside = post("/login", null, "username=admin&password=admin-pw&next=" + enc("/dags/hello"));
    assertThat(inside.headers().firstValue("Location")).hasValue("/dags/hello");
    for (String next : new String[] {"https://evil.example/", "//evil.example/x", "/\\evil.example"}) {
      HttpResponse<String> r = post("/login", null, "username=admin&password=admin-pw&next=" + enc(next));
      assertThat(r.headers().firstValue("Location")).as(next).hasValue("/dags");
    }
  }

  @Test
  void aPostWithoutItsSessionsCsrfTokenChangesNothing() throws Exception {
    String admin = login("admin", "admin-pw");
    HttpResponse<String> none = post("/dags/hello/trigger", admin, "conf=%7B%7D");
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(none.body()).contains("CSRF check failed");
    String otherSession = csrf(login("viewer", "viewer-pw"));
    assertThat(post("/dags/hello/trigger", admin, "conf=%7B%7D&_csrf=" + otherSession).statusCode()).isEqualTo(403);
    assertThat(contrail.stores().runs().listRuns("hello", 10)).isEmpty();

    HttpResponse<String> ok = post("/dags/hello/trigger", admin, "conf=%7B%7D&run_id=by_form&_csrf=" + csrf(admin));
    assertThat(ok.statusCode()).isEqualTo(302);
    assertThat(contrail.stores().runs().listRuns("hello", 10)).extracting(r -> r.runId()).containsExactly("by_form");
  }

  @Test
  void badConfAndUnknownThingsAreClearHtmlErrors() throws Exception {
    String admin = login("admin", "admin-pw");
    HttpResponse<String> bad = post("/dags/hello/trigger", admin, "conf=" + enc("[1, 2]") + "&_csrf=" + csrf(admin));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("Conf must be a JSON object");
    HttpResponse<String> badId = post("/dags/hello/trigger", admin, "run_id=" + enc("a/b") + "&_csrf=" + csrf(admin));
    assertThat(badId.statusCode()).isEqualTo(400);
    HttpResponse<String> missing = get("/dags/nope", admin);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(missing.body()).contains("No DAG &#39;nope&#39;");
    HttpResponse<String> slots = post("/pools/default_pool", admin, "slots=lots&_csrf=" + csrf(admin));
    assertThat(slots.statusCode()).isEqualTo(400);
    assertThat(slots.body()).contains("must be a whole number");
  }

  @Test
  void aTrysLogDownloadsAsTextAndAnUnknownTryIs404() throws Exception {
    String admin = login("admin", "admin-pw");
    String runId = contrail.run("hello").runId();
    String task = "/dags/hello/runs/" + enc(runId) + "/tasks/say";
    HttpResponse<String> log = get(task + "/log.txt?try=1", admin);
    assertThat(log.statusCode()).isEqualTo(200);
    assertThat(log.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"say-try1.log\"");
    assertThat(log.body()).contains("hello");
    assertThat(get(task + "?try=2", admin).statusCode()).isEqualTo(404);
    assertThat(get(task + "?try=1", admin).body()).contains("Exit code</th><td>0</td>");
  }

  @Test
  void underABaseUrlPathThePagesTheirLinksAndTheCookieLiveUnderIt() throws Exception {
    int port = InProcessContrail.freePort();
    try (InProcessContrail other = new InProcessContrail(home.resolve("based")).set("CONTRAIL__API__ADMIN_PASSWORD", "pw")
        .set("CONTRAIL__API__BASE_URL", "http://127.0.0.1:" + port + "/contrail")) {
      Contrail c = other.contrail();
      try (RestApi.Started based = RestApi.start(new RestApi.Deps(c.config(), c.otel(), c.database(), c.stores(),
          c.runCreator(), c.operations(), c.clock(), c.tracer(), c.masker()), port)) {
        String root = "http://127.0.0.1:" + port;
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(root + "/contrail/dags")).build());
        assertThat(page.headers().firstValue("Location")).hasValue("/contrail/login?next=" + enc("/contrail/dags"));
        HttpResponse<String> in = send(HttpRequest.newBuilder(URI.create(root + "/contrail/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=pw&next=" + enc("/contrail/pools"))).build());
        assertThat(in.headers().firstValue("Location")).hasValue("/contrail/pools");
        String cookie = in.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("Path=/contrail;");
        HttpResponse<String> pools = send(HttpRequest.newBuilder(URI.create(root + "/contrail/pools"))
            .header("Cookie", cookie.split(";")[0]).build());
        assertThat(pools.statusCode()).isEqualTo(200);
        assertThat(pools.body()).contains("href=\"/contrail/ui/assets/contrail.css\"")
            .contains("action=\"/contrail/pools/default_pool\"").contains("src=\"/contrail/webjars/htmx.org/");
        assertThat(send(HttpRequest.newBuilder(URI.create(root + "/contrail/webjars/htmx.org/2.0.4/dist/htmx.min.js"))
            .build()).statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void theApiKeepsItsOwnRulesBesideThePages() throws Exception {
    String admin = login("admin", "admin-pw");
    HttpResponse<String> r = get("/api/v2/dags", admin);
    assertThat(r.statusCode()).as("the API wants its bearer token, not the page's cookie").isEqualTo(401);
    assertThat(api.server().routes()).noneMatch(route -> route.path().startsWith("/dags"));
    assertThat(String.join("\n", api.banner())).contains("ui:        " + url + "/");
  }

  @Test
  void theLoginFormRefusesAnAddressThatFailedTooOftenWith429() throws Exception {
    InProcessContrail limited = new InProcessContrail(java.nio.file.Files.createTempDirectory("contrail-ui-throttle-"))
        .set("CONTRAIL__API__ADMIN_PASSWORD", "admin-pw").set("CONTRAIL__API__LOGIN_RATE_LIMIT", "2");
    Contrail c = limited.contrail();
    try (RestApi.Started other = RestApi.start(new RestApi.Deps(c.config(), c.otel(), c.database(), c.stores(),
        c.runCreator(), c.operations(), c.clock(), c.tracer(), c.masker()), 0)) {
      String form = "username=admin&password=";
      for (String guess : List.of("guess-1", "guess-2")) {
        assertThat(send(HttpRequest.newBuilder(URI.create(other.server().url() + "/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form + guess)).build()).statusCode()).isEqualTo(401);
      }
      HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(other.server().url() + "/login"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form + "admin-pw")).build());
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Set-Cookie")).isEmpty();
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(refused.body()).contains("Too many failed logins from this address");
    } finally {
      limited.close();
    }
  }
}
