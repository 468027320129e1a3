package io.contrail.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.RunKey;
import io.contrail.storage.Database;
import io.contrail.storage.Stores;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two schedulers on an embedded PostgreSQL sharing runs, with a ledger of every try's start and
 * end and a lock each try (its children included) holds while it runs. One scheduler is
 * SIGSTOPped past zombie_threshold_ms (the one running more tries) and resumed — it must find
 * itself declared dead, stop, and come back as a new job rather than fight the other — and then
 * the other is SIGKILLed and the
 * survivor recovers its tries. Every run ends successful, no two tries of a task ever ran at the
 * same time, and no try that completed ran again.
 */
@ExtendWith(CliExtension.class)
class TwoSchedulersChaosTest {
  private static EmbeddedPostgres server;
  CliProcess cli;
  private CliProcess.Background one;
  private CliProcess.Background two;

  @BeforeAll
  static void startServer() throws IOException {
    server = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void pauseThenSigkillOfSchedulersKeepsEveryRunSuccessfulWithoutOverlappingOrRepeatedTries() throws Exception {
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE chaos");
    }
    Path home = cli.home();
    Path ledger = home.resolve("ledger.txt");
    cli.env("CONTRAIL__DATABASE__URL", server.getJdbcUrl("postgres", "chaos"))
        .env("CONTRAIL__DATABASE__USER", "postgres")
        .env("CONTRAIL__CORE__LOAD_EXAMPLES", "false")
        .env("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "200")
        .env("CONTRAIL__SCHEDULER__JOB_HEARTBEAT_MS", "300")
        .env("CONTRAIL__SCHEDULER__ZOMBIE_THRESHOLD_MS", "3000")
        .env("CONTRAIL__SCHEDULER__GRACEFUL_SHUTDOWN_TIMEOUT_MS", "1000");
    // $PPID: the scheduler JVM that started the try. The flock is held by the try's whole group.
    String body = "exec 9>%1$s/$CONTRAIL_RUN_ID.$CONTRAIL_TASK_ID.lock; flock -n 9 || echo \"OVERLAP $CONTRAIL_RUN_ID"
        + " $CONTRAIL_TASK_ID $CONTRAIL_TRY_NUMBER\" >> %2$s; echo \"start $CONTRAIL_RUN_ID $CONTRAIL_TASK_ID"
        + " $CONTRAIL_TRY_NUMBER $PPID\" >> %2$s; sleep %3$s; echo \"end $CONTRAIL_RUN_ID $CONTRAIL_TASK_ID"
        + " $CONTRAIL_TRY_NUMBER\" >> %2$s";
    cli.dag("shared", """
        dag_id: shared
        schedule: null
        paused: false
        start_date: 2026-01-01
        default_args: {retries: 4, retry_delay: 200ms}
        tasks:
          - {task_id: a, type: shell, command: '%s'}
          - {task_id: b, type: shell, command: '%s', depends_on: [a]}
        """.formatted(body.formatted(home, ledger, 4), body.formatted(home, ledger, 4)));
    List<String> runIds = List.of("r1", "r2", "r3", "r4");
    for (String id : runIds) {
      cli.ok("dags", "trigger", "shared", "--run-id", id);
    }

    one = cli.start("scheduler");
    two = cli.start("scheduler");
    one.awaitOutput("Press Ctrl+C to stop.");
    two.awaitOutput("Press Ctrl+C to stop.");
    // pause the scheduler running the most tries past the threshold, then resume it. b runs as long
    // as a: the other scheduler, which takes over a and then runs b, must still be running b when
    // the paused one has resumed (with b at 1 s it had sometimes finished every b by then)
    await(() -> runningBy(ledger, one.pid()) + runningBy(ledger, two.pid()) > 0, "a try running", ledger);
    final CliProcess.Background paused = runningBy(ledger, one.pid()) >= runningBy(ledger, two.pid()) ? one : two;
    final CliProcess.Background other = paused == one ? two : one;
    signal("STOP", paused.pid());
    CliProcess.sleep(Duration.ofSeconds(5));
    signal("CONT", paused.pid());
    await(() -> (paused.stderr() + paused.stdout()).contains("was declared dead; registered again"),
        "the resumed scheduler registering again", ledger);

    // then the other dies for good while it has tries running; the resumed one recovers them
    await(() -> runningBy(ledger, other.pid()) > 0, "a try of the other scheduler running", ledger);
    other.process.destroyForcibly();
    assertThat(other.waitFor(Duration.ofSeconds(10))).isNotNull();

    // the database itself, polled: a CLI JVM per poll would cost more than the runs
    try (Database db = new Database(server.getJdbcUrl("postgres", "chaos"), "postgres", null, 2)) {
      Stores stores = Stores.jdbc(db);
      for (String id : runIds) {
        RunKey key = new RunKey("shared", id);
        await(() -> stores.runs().findRun(key).orElseThrow().state().isFinished(), "run " + id + " finished", ledger);
        assertThat(stores.runs().findRun(key).orElseThrow().state().id()).as("run %s\n%s\n%s", id, paused, read(ledger))
            .isEqualTo("success");
      }
    }
    paused.process.destroy();
    assertThat(paused.waitFor(Duration.ofSeconds(15))).as("exit of %s", paused).isEqualTo(0);

    List<String> lines = Files.readAllLines(ledger);
    assertThat(lines).as("tries that overlapped another try of their task").noneMatch(l -> l.startsWith("OVERLAP"));
    // a try that completed is the task's last: nothing ran again after it
    Map<String, List<Integer>> startsByTask = new HashMap<>();
    Map<String, List<Integer>> endsByTask = new HashMap<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      String task = f[1] + " " + f[2];
      (f[0].equals("start") ? startsByTask : endsByTask).computeIfAbsent(task, k -> new ArrayList<>()).add(Integer.parseInt(f[3]));
    }
    assertThat(startsByTask).hasSize(runIds.size() * 2);
    startsByTask.forEach((task, tries) -> {
      assertThat(tries).as("tries of %s started", task).doesNotHaveDuplicates();
      List<Integer> ended = endsByTask.getOrDefault(task, List.of());
      assertThat(ended).as("tries of %s that completed: exactly one, the last\n%s", task, lines)
          .containsExactly(tries.stream().max(Integer::compare).orElseThrow());
    });
  }

  /** Tries started by the scheduler {@code pid} with no end line yet. */
  private static long runningBy(Path ledger, long pid) {
    List<String> lines = read(ledger);
    Map<String, Long> ends = lines.stream().filter(l -> l.startsWith("end "))
        .collect(Collectors.groupingBy(l -> l.substring(4), Collectors.counting()));
    return lines.stream().filter(l -> l.startsWith("start ") && l.endsWith(" " + pid))
        .map(l -> l.substring(6, l.lastIndexOf(' '))).filter(k -> !ends.containsKey(k)).count();
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

  private void await(java.util.function.BooleanSupplier condition, String what, Path ledger) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for %s; ledger %s\n%s\n%s", what, read(ledger), one, two).isLessThan(deadline);
      CliProcess.sleep(Duration.ofMillis(50));
    }
  }
}
