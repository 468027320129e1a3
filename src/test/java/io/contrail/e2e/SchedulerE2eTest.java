package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scheduler and standalone roles creating, picking up and finishing runs. */
@ExtendWith(CliExtension.class)
class SchedulerE2eTest {
  CliProcess cli;

  @Test
  void catchupCreatesOneRunPerMissedInterval() {
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    cli.dag("hourly_catchup", hourlyDag("hourly_catchup", hour.minus(Duration.ofHours(3)), true));
    cli.dag("hourly_latest", hourlyDag("hourly_latest", hour.minus(Duration.ofHours(3)), false));

    cli.ok("scheduler", "--num-runs", "25");
    Instant hourAfter = Instant.now().truncatedTo(ChronoUnit.HOURS);

    JsonNode caughtUp = cli.json("runs", "list", "--dag", "hourly_catchup", "--json");
    List<Instant> logicalDates = new ArrayList<>();
    for (JsonNode run : caughtUp) {
      Instant logical = Instant.parse(run.get("logical_date").asText());
      logicalDates.add(logical);
      assertThat(run.get("run_type").asText()).isEqualTo("scheduled");
      assertThat(run.get("run_id").asText()).isEqualTo("scheduled__" + logical);
      assertThat(run.get("state").asText()).as("state of %s", run).isEqualTo("success");
      assertThat(Instant.parse(run.get("data_interval_end").asText())).isEqualTo(logical.plus(Duration.ofHours(1)));
    }
    logicalDates.sort(null);
    // the hour may turn while the scheduler runs: then the interval that just ended is due too
    List<Instant> expected = new ArrayList<>();
    for (Instant t = hour.minus(Duration.ofHours(3)); t.isBefore(hourAfter); t = t.plus(Duration.ofHours(1))) {
      expected.add(t);
    }
    if (hourAfter.equals(hour)) {
      assertThat(logicalDates).containsExactlyElementsOf(expected);
    } else {
      assertThat(logicalDates).isIn(expected.subList(0, 3), expected);
    }

    JsonNode latest = cli.json("runs", "list", "--dag", "hourly_latest", "--json");
    assertThat(latest).as("runs of the catchup: false DAG").hasSize(1);
    assertThat(Instant.parse(latest.get(0).get("logical_date").asText()))
        .isIn(hour.minus(Duration.ofHours(1)), hourAfter.minus(Duration.ofHours(1)));
    assertThat(latest.get(0).get("state").asText()).isEqualTo("success");
  }

  @Test
  void triggerWhileStandaloneRunsIsPickedUp() throws Exception {
    cli.dag("on_demand", """
        dag_id: on_demand
        schedule: null
        paused: false
        start_date: 2026-01-01
        tasks:
          - task_id: greet
            type: shell
            command: 'echo "x is {{ conf.x }}"'
          - task_id: done
            type: noop
            depends_on: [greet]
        """);
    CliProcess.Background standalone = cli.start("standalone");
    standalone.awaitOutput("Press Ctrl+C to stop.");

    JsonNode queued = cli.json("dags", "trigger", "on_demand", "--conf", "{\"x\":1}", "--json");
    String runId = queued.get("run_id").asText();
    assertThat(runId).startsWith("manual__");

    JsonNode run = cli.awaitRun("on_demand", runId, Duration.ofSeconds(30),
        r -> r.get("state").asText().equals("success") || r.get("state").asText().equals("failed"));
    assertThat(run.get("state").asText()).as("%s", run.toPrettyString()).isEqualTo("success");
    assertThat(run.get("conf").get("x").asInt()).isEqualTo(1);
    assertThat(CliProcess.task(run, "greet").get("state").asText()).isEqualTo("success");
    assertThat(CliProcess.task(run, "done").get("state").asText()).isEqualTo("success");
    assertThat(cli.ok("tasks", "logs", "on_demand", runId, "greet").stdout()).contains("x is 1");

    standalone.process.destroy(); // SIGTERM
    Integer exit = standalone.waitFor(Duration.ofSeconds(15));
    assertThat(exit).as("standalone exit code after SIGTERM\n%s", standalone).isEqualTo(0);
    assertThat(standalone.stderr()).contains("received SIGTERM");
  }

  /**
   * Waits for a server's start-up banner, printed once it holds the embedded database: CLI commands
   * started from then on join it as clients rather than racing it for H2's lock file.
   */
  private static String hourlyDag(String dagId, Instant start, boolean catchup) {
    return """
        dag_id: %s
        schedule: "@hourly"
        start_date: %s
        catchup: %s
        paused: false
        tasks:
          - task_id: work
            type: shell
            command: echo "interval {{ ds }}"
        """.formatted(dagId, start, catchup);
  }

  @Test
  void backfillRunsEveryScheduleSlotInTheRangeOnceAndSkipsExistingOnes() {
    cli.dag("daily_backfill", """
        dag_id: daily_backfill
        schedule: "@daily"
        start_date: 2026-01-01
        tasks:
          - task_id: report
            type: shell
            command: 'echo "report for {{ ds }}"'
        """);
    CliProcess.Result first = cli.ok("dags", "backfill", "daily_backfill", "--from", "2026-01-01", "--to", "2026-01-03");
    assertThat(first.stdout()).contains("3 run(s)").contains("3 run(s) succeeded, 0 failed");
    CliProcess.Result second = cli.ok("dags", "backfill", "daily_backfill", "--from", "2026-01-02", "--to", "2026-01-04");
    assertThat(second.stdout()).contains("1 run(s)").contains("(2 slot(s) already had a run)");

    JsonNode runs = cli.json("runs", "list", "--dag", "daily_backfill", "--json");
    List<String> runIds = new ArrayList<>();
    runs.forEach(r -> runIds.add(r.get("run_id").asText()));
    assertThat(runIds).containsExactlyInAnyOrder("backfill__2026-01-01T00:00:00Z", "backfill__2026-01-02T00:00:00Z",
        "backfill__2026-01-03T00:00:00Z", "backfill__2026-01-04T00:00:00Z");
    runs.forEach(r -> assertThat(r.get("state").asText()).isEqualTo("success"));
    assertThat(cli.ok("tasks", "logs", "daily_backfill", "backfill__2026-01-02T00:00:00Z", "report").stdout())
        .contains("report for 2026-01-02");
  }

  @Test
  void twoSchedulersOnOneDatabaseShareTheWorkAndRunEveryTaskOnce() throws Exception {
    Path marks = cli.home().resolve("marks.txt");
    StringBuilder yaml = new StringBuilder("""
        dag_id: shared
        schedule: null
        paused: false
        start_date: 2026-01-01
        max_active_runs: 4
        tasks:
        """);
    for (int i = 0; i < 30; i++) {
      yaml.append("  - task_id: t").append(i).append("\n    type: shell\n")
          .append("    command: 'echo \"$CONTRAIL_RUN_ID $CONTRAIL_TASK_ID $CONTRAIL_TRY_NUMBER\" >> ")
          .append(marks).append("'\n");
    }
    cli.dag("shared", yaml.toString());
    // few slots each, so neither scheduler can take every task by itself
    cli.env("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "100").env("CONTRAIL__CORE__PARALLELISM", "4");
    CliProcess.Background first = cli.start("scheduler");
    first.awaitOutput("Press Ctrl+C to stop.");
    CliProcess.Background second = cli.start("scheduler");
    second.awaitOutput("Press Ctrl+C to stop.");
    List<String> runIds = List.of("r1", "r2", "r3", "r4");
    for (String runId : runIds) {
      cli.ok("dags", "trigger", "shared", "--run-id", runId);
    }
    for (String runId : runIds) {
      JsonNode run = cli.awaitRun("shared", runId, Duration.ofSeconds(60), r -> r.get("state").asText().equals("success"));
      assertThat(run.get("state").asText()).isEqualTo("success");
    }
    first.process.destroy();
    second.process.destroy();
    assertThat(first.waitFor(Duration.ofSeconds(20))).as("exit of %s", first).isZero();
    assertThat(second.waitFor(Duration.ofSeconds(20))).as("exit of %s", second).isZero();

    List<String> lines = java.nio.file.Files.readAllLines(marks);
    assertThat(lines).as("one line per task per run: nothing ran twice").hasSize(4 * 30).doesNotHaveDuplicates();
    assertThat(lines).allSatisfy(l -> assertThat(l).endsWith(" 1"));
    // both schedulers did part of the work
    assertThat(first.stderr()).contains("try 1: success");
    assertThat(second.stderr()).contains("try 1: success");
  }
}
