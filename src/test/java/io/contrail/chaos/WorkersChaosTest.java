package io.contrail.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.RunKey;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.Database;
import io.contrail.storage.Stores;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import io.contrail.testing.Postgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One scheduler and two workers ({@code executor = distributed}) on the embedded PostgreSQL run
 * 200 shell tasks that each append (run id, task id, try, a random token) to a ledger. One worker
 * is SIGKILLed mid-run and restarted; the other is SIGSTOPped past zombie_threshold_ms and then
 * continued — it must find its job declared dead and write nothing over the recovered tries. Afterwards
 * every run succeeded, no (task, try) is in the ledger twice, and no task ran again after the try
 * that succeeded.
 */
@ExtendWith(CliExtension.class)
class WorkersChaosTest {
  private static final int RUNS = 10;
  private static final int TASKS = 20;
  CliProcess cli;

  @Test
  void killingAndFreezingWorkersLosesNoTaskAndRunsNoTryTwice() throws Exception {
    String url = Postgres.newDatabase("workerchaos");
    Path ledger = cli.home().resolve("ledger.txt");
    cli.env("CONTRAIL__DATABASE__URL", url)
        .env("CONTRAIL__DATABASE__USER", "postgres")
        .env("CONTRAIL__CORE__EXECUTOR", "distributed")
        .env("CONTRAIL__CORE__LOAD_EXAMPLES", "false")
        .env("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "200")
        .env("CONTRAIL__SCHEDULER__JOB_HEARTBEAT_MS", "300")
        .env("CONTRAIL__SCHEDULER__ZOMBIE_THRESHOLD_MS", "3000")
        .env("CONTRAIL__WORKER__POLL_INTERVAL_MS", "200");
    String line = "echo \"$CONTRAIL_RUN_ID $CONTRAIL_TASK_ID $CONTRAIL_TRY_NUMBER $RANDOM$RANDOM $PPID\" >> " + ledger
        + "; sleep 1";
    StringBuilder tasks = new StringBuilder();
    for (int i = 0; i < TASKS; i++) {
      tasks.append("  - {task_id: t").append(i).append(", type: shell, command: '").append(line).append("'}\n");
    }
    cli.dag("wide", """
        dag_id: wide
        schedule: null
        paused: false
        start_date: 2026-01-01
        max_active_runs: 20
        max_active_tasks: 64
        default_args: {retries: 5, retry_delay: 200ms}
        tasks:
        """ + tasks);
    for (int r = 0; r < RUNS; r++) {
      cli.ok("dags", "trigger", "wide", "--run-id", "r" + r);
    }
    CliProcess.Background scheduler = cli.start("scheduler");
    CliProcess.Background killed = cli.start("worker", "--concurrency", "8");
    CliProcess.Background frozen = cli.start("worker", "--concurrency", "8");
    scheduler.awaitOutput("Press Ctrl+C to stop.");

    // SIGKILL one worker while it runs tries, and start a new one
    await(() -> ranBy(ledger, killed.pid()) >= 8 && ranBy(ledger, frozen.pid()) >= 8, "both workers running tries",
        ledger);
    killed.process.destroyForcibly();
    assertThat(killed.waitFor(Duration.ofSeconds(10))).isNotNull();
    CliProcess.Background restarted = cli.start("worker", "--concurrency", "8");
    // freeze the other past the threshold while it runs tries, then let it go on
    signal("STOP", frozen.pid());
    CliProcess.sleep(Duration.ofSeconds(5));
    signal("CONT", frozen.pid());
    await(() -> (frozen.stdout() + frozen.stderr()).contains("registered again as job"),
        "the frozen worker finding its job declared dead", ledger);

    Map<String, Integer> succeededTry = new HashMap<>();
    try (Database db = new Database(url, "postgres", null, 2)) {
      Stores stores = Stores.jdbc(db);
      for (int r = 0; r < RUNS; r++) {
        RunKey key = new RunKey("wide", "r" + r);
        await(() -> stores.runs().findRun(key).orElseThrow().state().isFinished(), "run " + key + " finished", ledger);
        assertThat(stores.runs().findRun(key).orElseThrow().state().id()).as("run %s", key).isEqualTo("success");
        for (TaskInstance ti : stores.runs().taskInstances(key)) {
          assertThat(ti.state()).isEqualTo(TaskState.SUCCESS);
          succeededTry.put(key.runId() + " " + ti.taskId(), ti.tryNumber());
        }
      }
    }
    List<String> lines = read(ledger);
    Set<String> tries = new HashSet<>();
    Map<String, List<Integer>> triesByTask = new HashMap<>();
    for (String l : lines) {
      String[] f = l.split(" ");
      assertThat(tries.add(f[0] + " " + f[1] + " " + f[2])).as("(task, try) %s ran once\n%s", l, lines).isTrue();
      triesByTask.computeIfAbsent(f[0] + " " + f[1], k -> new ArrayList<>()).add(Integer.parseInt(f[2]));
    }
    assertThat(triesByTask).hasSize(RUNS * TASKS);
    triesByTask.forEach((task, ran) -> assertThat(ran).as("tries of %s: none after the one that succeeded", task)
        .allMatch(t -> t <= succeededTry.get(task)).contains(succeededTry.get(task)));
    // both workers' jobs were declared dead and their tries recovered: a try whose shell finished
    // meanwhile keeps the outcome its wrapper recorded, so it does not run again
    // (declared by the scheduler or by a worker: workers run the same recovery)
    String log = scheduler.stdout() + scheduler.stderr() + restarted.stdout() + restarted.stderr() + frozen.stdout()
        + frozen.stderr();
    assertThat(log.split("declared dead, recovering its tasks", -1).length - 1).as("jobs declared dead\n%s", log)
        .isGreaterThanOrEqualTo(2);

    for (CliProcess.Background p : List.of(restarted, frozen, scheduler)) {
      p.process.destroy();
      assertThat(p.waitFor(Duration.ofSeconds(20))).as("exit of %s", p).isEqualTo(0);
    }
  }

  /** Tries the worker {@code pid} started. */
  private static long ranBy(Path ledger, long pid) {
    return read(ledger).stream().filter(l -> l.endsWith(" " + pid)).count();
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

  private static void await(BooleanSupplier condition, String what, Path ledger) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for %s; ledger has %d lines", what, read(ledger).size())
          .isLessThan(deadline);
      CliProcess.sleep(Duration.ofMillis(100));
    }
  }
}
