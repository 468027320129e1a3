package io.contrail.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.rest.RestApi;
import io.contrail.rest.auth.Accounts;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.scheduler.Scheduler;
import io.contrail.testing.InProcessContrail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web UI in a real headless Chromium against a server and a scheduler running real shell
 * tasks: what a user does from logging in to logging out, one step per test in order (they share
 * the run they make). Each page's screenshot is written to docs/screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String RUN = "ui_run_1";

  @TempDir static Path home;
  private Path okFile;
  private InProcessContrail contrail;
  private RestApi.Started api;
  private Scheduler scheduler;
  private Thread loop;
  private Browser browser;
  private String url;

  private String dag() {
    return """
        dag_id: web_flow
        description: "Loads the <script>window.__xss = 1</script> feed"
        schedule: null
        start_date: 2026-01-01
        paused: true
        tags: [ui, demo]
        tasks:
          - task_id: extract
            type: shell
            command: 'sleep 3; printf "\\033[32mextracted\\033[0m 42 rows\\n"'
          - task_id: load
            type: shell
            command: 'echo "loading <b>rows</b>"; sleep 4; echo "load $((40 + 2)) done"'
            depends_on: [extract]
          - task_id: report
            type: shell
            command: 'test -f OK_FILE || { echo "no report yet" >&2; exit 1; }; echo reported'
            depends_on: [load]
        """.replace("OK_FILE", okFile.toString());
  }

  @BeforeAll
  void start() {
    okFile = home.resolve("report-ok");
    contrail = new InProcessContrail(home).role(Role.STANDALONE)
        .set("CONTRAIL__API__USERS", "viewer:viewer:" + Accounts.hash("viewer-pw"))
        .set("CONTRAIL__API__TRACE_URL_TEMPLATE", "http://localhost:16686/trace/{trace_id}")
        .set("CONTRAIL__API__ADMIN_PASSWORD", "admin-pw")
        .dag("web_flow.yaml", dag());
    Contrail c = contrail.contrail();
    api = RestApi.start(new RestApi.Deps(c.config(), c.otel(), c.database(), c.stores(), c.runCreator(),
        c.operations(), c.clock(), c.tracer(), c.masker()), 0);
    url = api.server().url();
    scheduler = c.scheduler(Scheduler.Scope.everything()).build();
    scheduler.start();
    loop = new Thread(() -> scheduler.loop(0, () -> false), "test-scheduler");
    loop.start();
    browser = new Browser(1280, 800);
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (browser != null) {
      browser.close();
    }
    if (scheduler != null) {
      scheduler.requestStop();
      loop.join(30_000);
    }
    if (api != null) {
      api.close();
    }
    if (contrail != null) {
      contrail.close();
    }
  }

  private WebElement find(String css) {
    return browser.driver.findElement(By.cssSelector(css));
  }

  /** An attribute read in one step in the page: htmx may swap the element between two WebDriver calls. */
  private String attr(String css, String name) {
    return (String) browser.js("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null",
        css, name);
  }

  private String text(String css) {
    return (String) browser.js("const e = document.querySelector(arguments[0]); return e ? e.innerText : ''", css);
  }

  private List<WebElement> all(String css) {
    return browser.driver.findElements(By.cssSelector(css));
  }

  private void login(String user, String password) {
    browser.get(url + "/dags");
    assertThat(browser.driver.getCurrentUrl()).contains("/login");
    find("input[name=username]").sendKeys(user);
    find("input[name=password]").sendKeys(password);
    find("button[type=submit]").click();
    browser.await("the DAG list after logging in", WAIT, d -> d.getCurrentUrl().endsWith("/dags"));
  }

  @Test
  @Order(1)
  void aUserLogsInAndSeesTheDagListWithTheDescriptionAsText() {
    browser.get(url + "/login");
    browser.screenshot("login");
    find("input[name=username]").sendKeys("admin");
    find("input[name=password]").sendKeys("wrong");
    find("button[type=submit]").click();
    browser.await("the refusal", WAIT, d -> !all(".error").isEmpty());
    assertThat(find(".error").getText()).contains("Wrong username or password");

    login("admin", "admin-pw");
    WebElement row = find("tr[data-dag=web_flow]");
    assertThat(row.findElement(By.cssSelector(".desc")).getText())
        .isEqualTo("Loads the <script>window.__xss = 1</script> feed");
    assertThat(browser.js("return window.__xss")).as("a <script> in a description never runs").isNull();
    assertThat(row.getText()).contains("Never, external triggers only").contains("ui").contains("demo");
    assertThat(browser.driver.manage().getCookieNamed(Session.COOKIE).isHttpOnly()).isTrue();
    assertThat(browser.driver.manage().getCookieNamed(Session.COOKIE).getSameSite()).isEqualTo("Strict");
  }

  @Test
  @Order(2)
  void thePauseToggleUnpausesTheDag() {
    browser.get(url + "/dags");
    WebElement toggle = find("button.toggle[data-dag=web_flow]");
    assertThat(toggle.getText()).isEqualTo("paused");
    toggle.click();
    browser.await("the toggle to show on", WAIT, d -> find("button.toggle[data-dag=web_flow]").getText().equals("on"));
    assertThat(contrail.stores().dags().find("web_flow").orElseThrow().paused()).isFalse();
  }

  @Test
  @Order(3)
  void triggerWithConfChecksTheJsonThenTheGridCellGoesFromRunningToSuccessWithoutAReload() {
    browser.get(url + "/dags/web_flow");
    find("#trigger").click();
    WebElement conf = find("textarea[name=conf]");
    conf.clear();
    conf.sendKeys("{\"region\": eu");
    find("#trigger-submit").click();
    assertThat(find(".conf-error").getText()).contains("not valid JSON");
    assertThat(contrail.stores().runs().listRuns("web_flow", 10)).as("nothing is sent while conf is not JSON").isEmpty();

    conf.clear();
    conf.sendKeys("{\"region\": \"eu\", \"db_password\": \"s3cret-pw\"}");
    find("input[name=run_id]").sendKeys(RUN);
    find("#trigger-submit").click();
    String cell = "a.cell[data-run=" + RUN + "][data-task=extract]";
    browser.await("the new run in the grid", WAIT, d -> attr(cell, "data-state") != null);
    browser.js("window.__sameDocument = true");
    browser.await("extract running", WAIT, d -> "running".equals(attr(cell, "data-state")));
    assertThat(text(cell)).isEqualTo("▶");
    browser.await("extract success", WAIT, d -> "success".equals(attr(cell, "data-state")));
    assertThat(text(cell)).isEqualTo("✓");
    assertThat(attr(cell, "title")).startsWith("success, try 1, ");
    assertThat(browser.js("return window.__sameDocument")).as("the grid changed without a reload").isEqualTo(true);
    assertThat(all("svg.graph g.node")).extracting(n -> n.getAttribute("data-task"))
        .containsExactlyInAnyOrder("extract", "load", "report");
    assertThat(attr("svg.graph g.node[data-task=extract]", "data-state")).isEqualTo("success");
    assertThat(all("svg.graph path.edge")).hasSize(2);
    browser.screenshot("dag");
  }

  @Test
  @Order(4)
  void aLogIsFollowedWhileTheTaskRuns() {
    browser.get(url + "/dags/web_flow/runs/" + RUN + "/tasks/load");
    browser.await("load's first line while it runs", WAIT, d -> find("#log").getText().contains("loading <b>rows</b>"));
    assertThat(find("#log").getAttribute("data-live")).isEqualTo("true");
    assertThat(find("#log").getText()).doesNotContain("load 42 done");
    browser.js("window.__sameDocument = true");
    browser.await("load's last line, without a reload", WAIT, d -> text("#log").contains("load 42 done"));
    assertThat(browser.js("return window.__sameDocument")).isEqualTo(true);
    assertThat(all("#log b")).as("markup in a log line stays text").isEmpty();
    browser.get(url + "/dags/web_flow/runs/" + RUN + "/tasks/extract");
    assertThat(find("#log span.ansi-fg-2").getText()).as("ANSI colours shown").isEqualTo("extracted");
    assertThat(browser.js("return getComputedStyle(document.querySelector('#log span.ansi-fg-2')).color"))
        .as("in the log pane's green").isEqualTo("rgb(95, 211, 122)");
    assertThat(find("#log").getText()).contains("extracted 42 rows").doesNotContain("\u001b");
  }

  @Test
  @Order(5)
  void theRunPageDrawsOneBarPerAttemptInDagOrderWithTheCriticalPathAndMaskedConf() {
    awaitRun(r -> r.state().isFinished());
    browser.get(url + "/dags/web_flow/runs/" + RUN);
    List<WebElement> attempts = all("svg.contrail-waterfall g.attempt");
    assertThat(attempts).extracting(a -> a.getAttribute("data-task") + "#" + a.getAttribute("data-try"))
        .containsExactly("extract#1", "load#1", "report#1");
    assertThat(attempts).extracting(a -> a.getAttribute("data-state")).containsExactly("success", "success", "failed");
    assertThat(all("svg.contrail-waterfall g.attempt.critical")).extracting(a -> a.getAttribute("data-task"))
        .containsExactly("extract", "load", "report");
    assertThat(find("#critical-summary").getText()).contains("on the critical path");
    assertThat(find("pre.conf").getText()).contains("\"region\" : \"eu\"").contains("***").doesNotContain("s3cret-pw");
    assertThat(find("#trace-link").getAttribute("href")).startsWith("http://localhost:16686/trace/");
    browser.screenshot("run");
  }

  @Test
  @Order(6)
  void clearingTheFailedTaskListsWhatChangesThenItRunsAgainAndSucceeds() throws Exception {
    Files.writeString(okFile, "ok");
    browser.get(url + "/dags/web_flow/runs/" + RUN + "/tasks/report");
    assertThat(find("#log").getText()).contains("no report yet");
    browser.screenshot("task");
    find("button[data-action=clear]").click();
    browser.await("the confirmation", WAIT, d -> !all("#confirm").isEmpty());
    assertThat(all("ul.changes .task-change")).as(text("main")).extracting(WebElement::getText).containsExactly("report");
    find("#confirm").click();
    browser.await("back on the task page", WAIT, d -> d.getCurrentUrl().endsWith("/tasks/report"));
    browser.get(url + "/dags/web_flow/runs/" + RUN);
    browser.await("report's try 2 succeeds, seen on the run page", WAIT,
        d -> !all("g.attempt[data-task=report][data-try=\"2\"][data-state=success]").isEmpty());
    assertThat(all("svg.contrail-waterfall g.attempt")).hasSize(4);
    assertThat(awaitRun(r -> r.state().isFinished()).state().id()).isEqualTo("success");
  }

  @Test
  @Order(7)
  void poolsAndImportErrorsShow() {
    browser.get(url + "/pools");
    assertThat(find("tr[data-pool=default_pool]").getText()).contains("default_pool");
    WebElement slots = find("tr[data-pool=default_pool] input[name=slots]");
    slots.clear();
    slots.sendKeys("64");
    find("tr[data-pool=default_pool] button").click();
    browser.await("the new slots stored", WAIT, d -> io.contrail.storage.Stores.poolAdmin(contrail.contrail().database())
        .pool("default_pool").orElseThrow().slots() == 64);
    browser.get(url + "/pools");
    assertThat(find("tr[data-pool=default_pool] input[name=slots]").getAttribute("value")).isEqualTo("64");
    browser.screenshot("pools");
    contrail.dag("broken.yaml", "dag_id: [not, an, id\n");
    browser.get(url + "/dags");
    assertThat(all("tr[data-dag=web_flow] .runs a.sq")).extracting(a -> a.getAttribute("title"))
        .containsExactly(RUN + ": success");
    browser.screenshot("dags");
    find(".banner a").click();
    browser.await("the import errors", WAIT, d -> d.getCurrentUrl().endsWith("/import-errors"));
    assertThat(find("main").getText()).contains("broken.yaml");
    browser.screenshot("import-errors");
  }

  @Test
  @Order(8)
  void aViewerSeesNoWriteControlsAndAForgedTriggerIsRefused() {
    find("#logout").click();
    browser.await("the login page", WAIT, d -> d.getCurrentUrl().contains("/login"));
    login("viewer", "viewer-pw");
    browser.get(url + "/dags/web_flow");
    assertThat(all("#trigger")).isEmpty();
    assertThat(all("button.toggle")).isEmpty();
    browser.get(url + "/dags/web_flow/runs/" + RUN);
    assertThat(all("button[data-action]")).isEmpty();
    Object status = browser.driver.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        const body = new URLSearchParams({_csrf: document.querySelector('meta[name=csrf-token]').content,
          conf: '{}', run_id: 'forged'});
        fetch(arguments[0], {method: 'POST', body}).then(r => done(r.status));
        """, url + "/dags/web_flow/trigger");
    assertThat(status).isEqualTo(403L);
    assertThat(contrail.stores().runs().findRun(new RunKey("web_flow", "forged"))).isEmpty();
  }

  @Test
  @Order(9)
  void logOutEndsTheSession() {
    find("#logout").click();
    browser.await("the login page", WAIT, d -> d.getCurrentUrl().contains("/login"));
    browser.get(url + "/dags/web_flow");
    assertThat(browser.driver.getCurrentUrl()).contains("/login?next=");
  }

  @Test
  @Order(10)
  void atAPhonesWidthInDarkModeTheRunPageFitsTheScreen() {
    try (Browser phone = new Browser(390, 844)) {
      phone.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
          List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
      phone.get(url + "/login");
      phone.driver.findElement(By.name("username")).sendKeys("viewer");
      phone.driver.findElement(By.name("password")).sendKeys("viewer-pw");
      phone.driver.findElement(By.cssSelector("button[type=submit]")).click();
      phone.await("the DAG list", WAIT, d -> d.getCurrentUrl().endsWith("/dags"));
      phone.get(url + "/dags/web_flow/runs/" + RUN);
      phone.screenshot("run-phone-dark");
      assertThat(phone.js("return getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(18, 21, 27)");
      Object wide = phone.js("return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
          + " > window.innerWidth && !e.closest('.scroll')).map(e => e.tagName + '.' + e.className).join(' ')");
      assertThat(((Number) phone.js("return document.documentElement.scrollWidth")).intValue())
          .as("nothing wider than the screen but the scrolling tables: " + wide).isLessThanOrEqualTo(390);
    }
  }

  private DagRun awaitRun(java.util.function.Predicate<DagRun> done) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      DagRun run = contrail.stores().runs().findRun(new RunKey("web_flow", RUN)).orElseThrow();
      if (done.test(run)) {
        return run;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("run " + RUN + " did not get there in " + WAIT + ": " + Map.of());
  }
}
