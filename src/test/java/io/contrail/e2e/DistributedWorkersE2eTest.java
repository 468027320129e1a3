package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import io.contrail.testing.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code executor = distributed} as a user runs it: {@code contrail scheduler} and two {@code
 * contrail worker} processes on one PostgreSQL. The scheduler only queues; each task runs in the
 * worker serving its queue; {@code workers list} shows both workers; SIGTERM stops a worker
 * cleanly.
 */
@ExtendWith(CliExtension.class)
class DistributedWorkersE2eTest {
  CliProcess cli;

  @Test
  void aSchedulerAndTwoWorkersRunADagToSuccessEachTaskOnAWorkerOfItsQueue() throws Exception {
    String url = distributedOnANewDatabase("distributed");
    Path ledger = cli.home().resolve("ledger.txt");
    cli.env("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "200")
        .env("CONTRAIL__WORKER__POLL_INTERVAL_MS", "200");
    // $PPID: the JVM that started the task's shell, i.e. the worker that ran it
    String line = "echo \"$CONTRAIL_TASK_ID $CONTRAIL_TRY_NUMBER $PPID\" >> " + ledger;
    cli.dag("spread", """
        dag_id: spread
        schedule: null
        paused: false
        start_date: 2026-01-01
        tasks:
          - {task_id: light_a, type: shell, command: '%1$s'}
          - {task_id: light_b, type: shell, command: '%1$s'}
          - {task_id: heavy, type: shell, command: '%1$s', queue: heavy, depends_on: [light_a, light_b]}
          - {task_id: last, type: shell, command: '%1$s', depends_on: [heavy]}
        """.formatted(line));
    cli.ok("dags", "trigger", "spread", "--run-id", "r1");

    CliProcess.Background scheduler = cli.start("scheduler");
    CliProcess.Background light = cli.start("worker", "--queues", "default", "--concurrency", "2");
    CliProcess.Background heavy = cli.start("worker", "--queues", "heavy");
    scheduler.awaitOutput("Press Ctrl+C to stop.");
    light.awaitOutput("Press Ctrl+C to stop.");
    heavy.awaitOutput("Press Ctrl+C to stop.");

    JsonNode run = cli.awaitRun("spread", "r1", Duration.ofSeconds(60), r -> r.path("state").asText().equals("success"));
    assertThat(run.path("state").asText()).isEqualTo("success");

    Map<String, Long> ranIn = new HashMap<>();
    for (String l : Files.readAllLines(ledger)) {
      String[] f = l.split(" ");
      assertThat(ranIn.put(f[0], Long.parseLong(f[2]))).as("%s ran once", f[0]).isNull();
    }
    assertThat(ranIn).containsOnlyKeys("light_a", "light_b", "heavy", "last");
    assertThat(ranIn.get("heavy")).as("the heavy task ran in the heavy worker").isEqualTo(heavy.pid());
    for (String t : List.of("light_a", "light_b", "last")) {
      assertThat(ranIn.get(t)).as("%s ran in the default worker", t).isEqualTo(light.pid());
    }

    JsonNode workers = cli.callJson("workers", "list", "--json");
    assertThat(workers).hasSize(2);
    Map<Long, JsonNode> byPid = new HashMap<>();
    workers.forEach(w -> byPid.put(w.path("pid").asLong(), w));
    assertThat(byPid.get(light.pid()).path("queues").get(0).asText()).isEqualTo("default");
    assertThat(byPid.get(light.pid()).path("concurrency").asInt()).isEqualTo(2);
    assertThat(byPid.get(heavy.pid()).path("queues").get(0).asText()).isEqualTo("heavy");
    assertThat(byPid.get(heavy.pid()).path("state").asText()).isEqualTo("running");

    light.process.destroy(); // SIGTERM: a graceful stop
    assertThat(light.waitFor(Duration.ofSeconds(20))).as("exit of %s", light).isEqualTo(0);
    JsonNode after = cli.callJson("workers", "list", "--json");
    after.forEach(w -> {
      if (w.path("pid").asLong() == light.pid()) {
        assertThat(w.path("state").asText()).isEqualTo("stopped");
      }
    });
    assertThat(scheduler.stdout() + scheduler.stderr()).contains("distributed");

    // an attempt that ran on another machine: tasks logs says where its log is
    try (io.contrail.storage.Database db = new io.contrail.storage.Database(url, "postgres", null, 1)) {
      db.sql().update("UPDATE task_instance_history SET hostname = 'worker-elsewhere' WHERE task_id = 'last'");
    }
    Files.delete(io.contrail.executor.TaskLogs.attemptLog(cli.home().resolve("logs"),
        new io.contrail.run.TaskInstanceKey("spread", "r1", "last"), 1));
    CliProcess.Result logs = cli.call("tasks", "logs", "spread", "r1", "last");
    assertThat(logs.exitCode()).as("%s", logs).isEqualTo(2);
    assertThat(logs.stderr()).contains("ran on host worker-elsewhere: its log is there");
  }

  @Test
  void aWorkerFrozenPastTheThresholdStopsItsInJvmTryAndRecordsItAsLostSoItIsRetried() throws Exception {
    distributedOnANewDatabase("frozen");
    cli.env("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "200")
        .env("CONTRAIL__SCHEDULER__JOB_HEARTBEAT_MS", "300")
        .env("CONTRAIL__SCHEDULER__ZOMBIE_THRESHOLD_MS", "2000")
        .env("CONTRAIL__WORKER__POLL_INTERVAL_MS", "200");
    cli.dag("nap", """
        dag_id: nap
        schedule: null
        paused: false
        start_date: 2026-01-01
        tasks:
          - {task_id: nap, type: sleep, duration: 6s, retries: 1, retry_delay: 100ms}
        """);
    cli.ok("dags", "trigger", "nap", "--run-id", "r1");
    CliProcess.Background scheduler = cli.start("scheduler");
    CliProcess.Background worker = cli.start("worker");
    worker.awaitOutput("Press Ctrl+C to stop.");
    cli.awaitRun("nap", "r1", Duration.ofSeconds(30), r -> CliProcess.task(r, "nap").path("state").asText().equals("running"));
    // a sleep task runs inside the worker's JVM: while that JVM lives only the worker itself may record it
    new ProcessBuilder("kill", "-STOP", Long.toString(worker.pid())).start().waitFor();
    CliProcess.sleep(Duration.ofSeconds(4));
    new ProcessBuilder("kill", "-CONT", Long.toString(worker.pid())).start().waitFor();
    JsonNode run = cli.awaitRun("nap", "r1", Duration.ofSeconds(40), r -> r.path("state").asText().equals("success"));
    assertThat(CliProcess.task(run, "nap").path("try_number").asInt()).as("the lost try was retried").isEqualTo(2);
    assertThat(worker.stdout() + worker.stderr()).contains("registered again as job");
    assertThat(scheduler.stdout() + scheduler.stderr()).contains("declared dead");
  }

  @Test
  void onPostgresWakeUpsCarryARunFromACliTriggerThroughAChainWithoutWaitingForALoopOrAPoll() throws Exception {
    String url = distributedOnANewDatabase("wakeups");
    // a minute between loops and between polls: only NOTIFY can move this run along in time
    cli.env("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "60000")
        .env("CONTRAIL__WORKER__POLL_INTERVAL_MS", "60000");
    cli.dag("chain", """
        dag_id: chain
        schedule: null
        paused: false
        start_date: 2026-01-01
        tasks:
          - {task_id: a, type: noop}
          - {task_id: b, type: noop, depends_on: [a]}
          - {task_id: c, type: noop, depends_on: [b]}
          - {task_id: d, type: noop, depends_on: [c]}
          - {task_id: e, type: noop, depends_on: [d]}
        """);
    CliProcess.Background scheduler = cli.start("scheduler");
    CliProcess.Background worker = cli.start("worker");
    scheduler.awaitOutput("Press Ctrl+C to stop.");
    worker.awaitOutput("Press Ctrl+C to stop.");
    CliProcess.sleep(Duration.ofSeconds(2)); // both past their first loop and claim, now waiting a minute

    cli.ok("dags", "trigger", "chain", "--run-id", "r1"); // a third process
    JsonNode run = cli.awaitRun("chain", "r1", Duration.ofSeconds(30), r -> r.path("state").asText().equals("success"));
    assertThat(run.path("state").asText()).as("%s%n%s", scheduler.stderr(), worker.stderr()).isEqualTo("success");
    try (io.contrail.storage.Database db = new io.contrail.storage.Database(url, "postgres", null, 1)) {
      List<String> ranBy = db.sql().query("SELECT j.job_type FROM task_instance t JOIN job j ON j.id = t.job_id"
          + " WHERE t.dag_id = 'chain'", rs -> rs.getString(1));
      assertThat(ranBy).as("every task was run by the worker").hasSize(5).containsOnly("worker");
    }
  }

  /** Every process of the test on a new PostgreSQL database with executor = distributed; its URL. */
  private String distributedOnANewDatabase(String name) {
    String url = Postgres.newDatabase(name);
    cli.env("CONTRAIL__DATABASE__URL", url)
        .env("CONTRAIL__DATABASE__USER", "postgres")
        .env("CONTRAIL__CORE__EXECUTOR", "distributed")
        .env("CONTRAIL__CORE__LOAD_EXAMPLES", "false");
    return url;
  }

  @Test
  void aWorkerRefusesToStartUnlessTheExecutorIsDistributed() {
    CliProcess.Result r = cli.run("worker");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("[core] executor is 'local'").contains("executor = distributed");
  }
}
