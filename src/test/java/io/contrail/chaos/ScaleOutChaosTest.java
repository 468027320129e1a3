package io.contrail.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.storage.Database;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import io.contrail.testing.MockOtlpServer;
import io.contrail.testing.Postgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #15 at scale: two {@code contrail scheduler} and three {@code contrail worker} processes
 * ({@code executor = distributed}) on the embedded PostgreSQL, traces on and exported over
 * OTLP/HTTP to a real receiver, run 2,000 shell tasks (4 DAGs x 10 runs x 50 tasks; every tenth
 * fails its first try on purpose, one per run sleeps 10 s). Each try appends (dag, run, task, try,
 * a random token, the worker's pid) to a ledger with one O_APPEND write shorter than PIPE_BUF.
 * First the worker that started the most tries is SIGSTOPped past zombie_threshold_ms and then
 * continued; then every few seconds a random scheduler or worker that is up is SIGKILLed and
 * started again (a worker that just started a long try when there is one, so that try is still
 * running when its worker is declared dead: killed and retried as "worker lost").
 *
 * <p>Afterwards every run succeeded; every killed or frozen job was declared dead exactly once;
 * no (run, task, try) is in the ledger twice, every ledger line is a try the database recorded,
 * and no task ran again after its try that succeeded; and the receiver got every span of the span
 * model (one per run, task instance and try, ids from the database) and none else. A span may
 * arrive twice only as the at-least-once guarantee allows (docs/traces.md): when a process is
 * killed or frozen while its export is in flight (the collector may have the batch, its outbox
 * rows are not deleted yet), another sends the batch again — byte-identical, at most one batch per
 * killed or frozen process. Under this load most kills cause one (the receiver prints the first
 * copy a few ms after the kill, the second ~3 s later, once the killed job is declared dead).
 */
@ExtendWith(CliExtension.class)
class ScaleOutChaosTest {
  private static final int DAGS = 4;
  private static final int RUNS = 10;
  private static final int TASKS = 50;
  private static final int KILLS = 6;
  private static final Pattern STARTED = Pattern.compile("(scheduler|worker) job \\d+ started on ");
  CliProcess cli;

  private final List<CliProcess.Background> schedulers = new ArrayList<>();
  private final List<CliProcess.Background> workers = new ArrayList<>();
  private final List<CliProcess.Background> everyProcess = new ArrayList<>();

  @Test
  void twoSchedulersAndThreeWorkersKilledAtRandomRun2000TasksOnceEachAndShipEverySpan() throws Exception {
    String url = Postgres.newDatabase("scaleout");
    Path ledger = cli.home().resolve("ledger.txt");
    try (MockOtlpServer receiver = MockOtlpServer.start()) {
      cli.env("CONTRAIL__DATABASE__URL", url)
          .env("CONTRAIL__DATABASE__USER", "postgres")
          .env("CONTRAIL__CORE__EXECUTOR", "distributed")
          .env("CONTRAIL__CORE__PARALLELISM", "48")
          .env("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "200")
          .env("CONTRAIL__SCHEDULER__JOB_HEARTBEAT_MS", "300")
          .env("CONTRAIL__SCHEDULER__ZOMBIE_THRESHOLD_MS", "3000")
          .env("CONTRAIL__SCHEDULER__GRACEFUL_SHUTDOWN_TIMEOUT_MS", "2000")
          .env("CONTRAIL__WORKER__POLL_INTERVAL_MS", "200")
          .env("CONTRAIL__TRACES__OTEL_ON", "true")
          .env("CONTRAIL__TRACES__OTEL_PROTOCOL", "http/protobuf")
          .env("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(receiver.httpPort()))
          .env("CONTRAIL__TRACES__SCHEDULER_SPANS", "off");
      // one write(2) of < PIPE_BUF bytes with O_APPEND: lines of concurrent tries never interleave
      String append = "echo \"$CONTRAIL_DAG_ID $CONTRAIL_RUN_ID $CONTRAIL_TASK_ID $CONTRAIL_TRY_NUMBER"
          + " $RANDOM$RANDOM $PPID\" >> " + ledger;
      for (int d = 0; d < DAGS; d++) {
        StringBuilder tasks = new StringBuilder();
        for (int i = 0; i < TASKS; i++) {
          String failFirst = i % 10 == 0 ? "; [ \"$CONTRAIL_TRY_NUMBER\" -gt 1 ] || exit 3" : "";
          tasks.append("  - {task_id: t").append(i).append(", type: shell, command: '").append(append)
              .append(i == 5 ? "; sleep 10" : "; sleep 0.2").append(failFirst).append("'}\n");
        }
        cli.dag("wide" + d, """
            dag_id: wide%d
            schedule: null
            paused: false
            start_date: 2026-01-01
            max_active_runs: %d
            max_active_tasks: 64
            default_args: {retries: 8, retry_delay: 200ms}
            tasks:
            """.formatted(d, RUNS) + tasks);
      }
      for (int d = 0; d < DAGS; d++) {
        for (int r = 0; r < RUNS; r++) {
          cli.callOk("dags", "trigger", "wide" + d, "--run-id", "r" + r);
        }
      }
      for (int i = 0; i < 2; i++) {
        schedulers.add(cli.start("scheduler"));
      }
      for (int i = 0; i < 3; i++) {
        workers.add(worker());
      }
      everyProcess.addAll(concat(schedulers, workers));

      try (Database db = new Database(url, "postgres", null, 2)) {
        // a JVM takes 10-20 s to start on a loaded 2-core machine: chaos hits processes that are up
        await(() -> concat(schedulers, workers).stream().allMatch(ScaleOutChaosTest::up), "all five processes up",
            ledger, Duration.ofSeconds(90));
        long t0 = System.nanoTime();
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        List<String> chaos = new ArrayList<>();
        // first a worker frozen past the threshold while it runs tries (the one that started the most):
        // declared dead, its tries recovered; once continued it must write nothing over them and
        // register again
        await(() -> workers.stream().allMatch(w -> ranBy(ledger, w.pid()) > 0), "every worker running tries", ledger,
            Duration.ofSeconds(60));
        CliProcess.Background frozen = workers.stream()
            .max(Comparator.comparingLong(w -> ranBy(ledger, w.pid()))).orElseThrow();
        chaos.add(elapsed(t0) + " SIGSTOP worker " + frozen.pid() + " at ledger line " + read(ledger).size());
        signal("STOP", frozen.pid());
        CliProcess.sleep(Duration.ofSeconds(5));
        signal("CONT", frozen.pid());
        boolean lostExpected = false;
        // then every few seconds a random scheduler or worker that is up, SIGKILLed and started again
        long chaosEnds = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (int kill = 0; kill < KILLS && finishedRuns(db) < DAGS * RUNS && System.nanoTime() < chaosEnds; kill++) {
          CliProcess.sleep(Duration.ofMillis(2000 + random.nextInt(3000)));
          CliProcess.Background f = frozen;
          boolean scheduler = random.nextInt(5) < 2;
          List<CliProcess.Background> role = scheduler ? schedulers : workers;
          List<CliProcess.Background> candidates = role.stream().filter(ScaleOutChaosTest::up)
              .filter(p -> p != f || !frozenStillRecovering(f)).toList();
          // one other of its kind stays up: the work goes on while the new JVM starts
          if (candidates.size() < 2) {
            kill--;
            continue;
          }
          // a worker that just started a long try, when there is one: that try is still running when
          // the worker is declared dead, so recovery kills it and it is retried (worker lost)
          Set<Long> runningLong = scheduler ? Set.of() : new HashSet<>(db.sql().query("SELECT j.pid FROM task_instance t"
              + " JOIN job j ON j.id = t.job_id WHERE t.task_id = 't5' AND t.state = 'running'"
              + " AND t.start_date > now() - interval '2 seconds'", rs -> rs.getLong(1)));
          List<CliProcess.Background> preferred = candidates.stream().filter(p -> runningLong.contains(p.pid())).toList();
          CliProcess.Background dead = preferred.isEmpty() ? candidates.get(random.nextInt(candidates.size()))
              : preferred.get(0);
          lostExpected |= !preferred.isEmpty();
          chaos.add(elapsed(t0) + " SIGKILL " + (scheduler ? "scheduler " : "worker ") + dead.pid()
              + (preferred.isEmpty() ? "" : " (running a long try)") + " at ledger line " + read(ledger).size());
          dead.process.destroyForcibly();
          assertThat(dead.waitFor(Duration.ofSeconds(10))).isNotNull();
          CliProcess.Background restarted = scheduler ? cli.start("scheduler") : worker();
          everyProcess.add(restarted);
          role.set(role.indexOf(dead), restarted);
        }
        String what = "chaos (seed " + seed + "): " + chaos;
        if (workers.contains(frozen)) {
          await(() -> !frozenStillRecovering(frozen), "the frozen worker finding its job declared dead; " + what,
              ledger, Duration.ofSeconds(60));
        }

        await(() -> finishedRuns(db) == DAGS * RUNS, "every run finished; " + what, ledger, Duration.ofSeconds(150));
        // every process SIGKILLed or frozen was declared dead, once, by one of the others
        int events = chaos.size();
        await(() -> declaredDead() >= events, "every killed or frozen job declared dead; " + what, ledger,
            Duration.ofSeconds(30));
        assertThat(declaredDead()).as("jobs declared dead; %s", what).isEqualTo(events);
        assertThat(db.sql().query("SELECT dag_id || ' ' || run_id || ' ' || state FROM dag_run WHERE state <> 'success'",
            rs -> rs.getString(1))).as("runs not successful; %s", what).isEmpty();
        assertThat(db.sql().queryOne("SELECT COUNT(*) FROM task_instance WHERE state = 'success'", rs -> rs.getLong(1))
            .orElseThrow()).isEqualTo((long) DAGS * RUNS * TASKS);

        long lost = db.sql().queryOne("SELECT COUNT(*) FROM task_instance_history WHERE error LIKE 'worker lost:%'",
            rs -> rs.getLong(1)).orElseThrow();
        if (lostExpected) {
          assertThat(lost).as("tries failed as worker lost (and retried); %s", what).isPositive();
        }
        assertLedger(db, read(ledger), what);
        assertSpans(db, receiver, what);
      }
      concat(schedulers, workers).forEach(p -> p.process.destroy());
      for (CliProcess.Background p : concat(schedulers, workers)) {
        assertThat(p.waitFor(Duration.ofSeconds(30))).as("exit of %s", p).isEqualTo(0);
      }
    }
  }

  /** No try twice, none the database does not know, none after the try that succeeded. */
  private static void assertLedger(Database db, List<String> lines, String what) {
    Map<String, Integer> succeeded = new HashMap<>();
    Set<String> known = new HashSet<>();
    db.sql().query("SELECT dag_id, run_id, task_id, try_number FROM task_instance",
        rs -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getInt(4))
        .forEach(row -> succeeded.put(row.substring(0, row.lastIndexOf(' ')),
            Integer.parseInt(row.substring(row.lastIndexOf(' ') + 1))));
    known.addAll(db.sql().query("SELECT dag_id, run_id, task_id, try_number FROM task_instance_history",
        rs -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getInt(4)));
    Set<String> tries = new HashSet<>();
    Map<String, List<Integer>> triesByTask = new TreeMap<>();
    for (String l : lines) {
      String[] f = l.split(" ");
      assertThat(f).as("ledger line '%s'", l).hasSize(6);
      String task = f[0] + " " + f[1] + " " + f[2];
      String attempt = task + " " + f[3];
      assertThat(tries.add(attempt)).as("(run, task, try) %s in the ledger once; %s", attempt, what).isTrue();
      assertThat(known).as("ledger line %s is a try the database recorded", l).contains(attempt);
      triesByTask.computeIfAbsent(task, k -> new ArrayList<>()).add(Integer.parseInt(f[3]));
    }
    assertThat(triesByTask).hasSize(DAGS * RUNS * TASKS);
    triesByTask.forEach((task, ran) -> assertThat(ran)
        .as("tries of %s: the one that succeeded (%s) and none after it; %s", task, succeeded.get(task), what)
        .contains(succeeded.get(task)).allMatch(t -> t <= succeeded.get(task)));
    // the tasks failing their first try on purpose did retry
    assertThat(succeeded).allSatisfy((task, t) -> {
      if (task.endsWith(" t0") || task.matches(".* t[1-4]0")) {
        assertThat(t).as("try that succeeded of %s", task).isGreaterThan(1);
      }
    });
  }

  /** Every span of every run, task instance and try arrived; none else; repeats only byte-identical. */
  private static void assertSpans(Database db, MockOtlpServer receiver, String what) throws InterruptedException {
    await(() -> db.sql().queryOne("SELECT COUNT(*) FROM span_outbox", rs -> rs.getLong(1)).orElseThrow() == 0,
        "the span outbox empty", null, Duration.ofSeconds(60));
    assertThat(db.sql().queryOne("SELECT COUNT(*) FROM dag_run WHERE MOD(trace_flags, 2) = 0", rs -> rs.getLong(1))
        .orElseThrow()).as("unsampled runs").isZero();
    // span id -> what it is: the span model's run, task_run and task_attempt spans, from the rows
    Map<String, String> expected = new HashMap<>();
    List<String[]> rows = new ArrayList<>();
    rows.addAll(db.sql().query("SELECT span_id, dag_id, run_id FROM dag_run",
        rs -> new String[] {rs.getString(1), "dag_run " + rs.getString(2) + " " + rs.getString(3)}));
    rows.addAll(db.sql().query("SELECT span_id, dag_id, run_id, task_id FROM task_instance",
        rs -> new String[] {rs.getString(1), "task_run " + rs.getString(2) + " " + rs.getString(3) + " "
            + rs.getString(4)}));
    rows.addAll(db.sql().query("SELECT span_id, dag_id, run_id, task_id, try_number FROM task_instance_history",
        rs -> new String[] {rs.getString(1), "task_attempt " + rs.getString(2) + " " + rs.getString(3) + " "
            + rs.getString(4) + " " + rs.getInt(5)}));
    rows.forEach(r -> expected.put(r[0].trim(), r[1]));
    long runs = DAGS * RUNS;
    long taskInstances = DAGS * RUNS * TASKS;
    long attempts = db.sql().queryOne("SELECT COUNT(*) FROM task_instance_history", rs -> rs.getLong(1)).orElseThrow();
    assertThat(expected).as("span ids of the database are distinct").hasSize((int) (runs + taskInstances + attempts));

    receiver.awaitSpans(s -> s.stream().map(ScaleOutChaosTest::spanId).distinct().count() >= expected.size(),
        Duration.ofSeconds(60));
    CliProcess.sleep(Duration.ofSeconds(2)); // a repeat would come in this window, if at all
    List<MockOtlpServer.SpanRequest> requests = receiver.spanRequests();
    Map<String, List<JsonNode>> byId = new HashMap<>();
    Map<String, List<Integer>> inRequests = new HashMap<>();
    long received = 0;
    for (int i = 0; i < requests.size(); i++) {
      for (JsonNode span : requests.get(i).spans()) {
        byId.computeIfAbsent(spanId(span), k -> new ArrayList<>()).add(span);
        inRequests.computeIfAbsent(spanId(span), k -> new ArrayList<>()).add(i);
        received++;
      }
    }
    assertThat(byId.keySet()).as("spans received that the span model does not have")
        .isSubsetOf(expected.keySet());
    Set<String> missing = new HashSet<>(expected.keySet());
    missing.removeAll(byId.keySet());
    assertThat(missing.stream().map(expected::get).sorted().toList()).as("spans never received; %s", what).isEmpty();
    // a repeat is a whole batch sent again by a process killed (or frozen) after the collector
    // accepted it and before it deleted the batch's outbox rows: byte-identical, and at most one
    // batch per SIGKILL or SIGSTOP (a process has one batch in flight)
    Map<String, List<String>> repeatedBatches = new TreeMap<>();
    byId.forEach((id, copies) -> {
      if (copies.size() > 1) {
        assertThat(copies).as("copies of %s", expected.get(id)).allMatch(copies.get(0)::equals);
        assertThat(copies).as("copies of %s", expected.get(id)).hasSize(2);
        String where = inRequests.get(id).stream().map(i -> "request " + i + " at " + requests.get(i).receivedAt())
            .collect(Collectors.joining(", then "));
        repeatedBatches.computeIfAbsent(where, k -> new ArrayList<>()).add(expected.get(id));
      }
    });
    assertThat(repeatedBatches.keySet().stream().map(k -> k.substring(0, k.indexOf(" at "))).distinct().count()).as("batches received twice: %s; %s", repeatedBatches, what)
        .isLessThanOrEqualTo(KILLS + 1);
    long lost = db.sql().queryOne("SELECT COUNT(*) FROM task_instance_history WHERE error LIKE 'worker lost:%'",
        rs -> rs.getLong(1)).orElseThrow();
    System.out.printf("ScaleOutChaosTest: %d spans expected (%d runs, %d task instances, %d tries, %d of them lost"
        + " with their worker), %d received in %d requests; batches repeated: %s; %s%n", expected.size(), runs,
        taskInstances, attempts, lost, received, requests.size(), repeatedBatches, what);
  }

  private static String elapsed(long t0) {
    return String.format("%.1fs (%s)", (System.nanoTime() - t0) / 1e9, Instant.now());
  }

  private CliProcess.Background worker() {
    return cli.start("worker", "--concurrency", "8");
  }

  /** Jobs the schedulers and workers declared dead, as they logged it. */
  private long declaredDead() {
    return everyProcess.stream().mapToLong(p -> p.stderr().split("declared dead, recovering its tasks", -1).length - 1)
        .sum();
  }

  /** Whether the process has started its job (and so does its share of the work). */
  private static boolean up(CliProcess.Background p) {
    return p.process.isAlive() && STARTED.matcher(p.stderr()).find();
  }

  /** Tries the worker {@code pid} started: the ledger line's last field is the shell's parent. */
  private static long ranBy(Path ledger, long pid) {
    return read(ledger).stream().filter(l -> l.endsWith(" " + pid)).count();
  }

  /** A frozen worker killed before it noticed it was declared dead would not say so: kill another. */
  private static boolean frozenStillRecovering(CliProcess.Background frozen) {
    return !(frozen.stdout() + frozen.stderr()).contains("registered again as job");
  }

  private static long finishedRuns(Database db) {
    return db.sql().queryOne("SELECT COUNT(*) FROM dag_run WHERE state IN ('success', 'failed')", rs -> rs.getLong(1))
        .orElseThrow();
  }

  private static String spanId(JsonNode span) {
    return span.path("spanId").asText();
  }

  private static List<CliProcess.Background> concat(List<CliProcess.Background> a, List<CliProcess.Background> b) {
    List<CliProcess.Background> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static List<String> read(Path ledger) {
    try {
      return Files.exists(ledger) ? Files.readAllLines(ledger) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static void signal(String name, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor()).isZero();
  }

  private static void await(BooleanSupplier condition, String what, Path ledger, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for %s; ledger has %d lines", what,
          ledger == null ? -1 : read(ledger).size()).isLessThan(deadline);
      CliProcess.sleep(Duration.ofMillis(200));
    }
  }
}
