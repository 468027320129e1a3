package io.contrail.dag;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.api.Dag;
import io.contrail.api.HttpSpec;
import io.contrail.api.JavaSpec;
import io.contrail.api.NoopSpec;
import io.contrail.api.Queueing;
import io.contrail.api.RetryPolicy;
import io.contrail.api.ShellSpec;
import io.contrail.api.SleepSpec;
import io.contrail.api.TaskDefinition;
import io.contrail.api.TriggerRule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DagParserTest {
  private static final Path FILE = Path.of("dags", "full.yaml");
  private final DagParser parser = new DagParser();

  private static final String FULL = """
      dag_id: full.dag-1
      description: Every field at once
      schedule: "0 * * * *"
      start_date: 2026-01-01T06:30:00Z
      catchup: true
      paused: false
      max_active_runs: 2
      max_active_tasks: 8
      tags: [example, etl]
      default_args:
        retries: 3
        retry_delay: 1m30s
        retry_exponential_backoff: true
        max_retry_delay: 1h
        execution_timeout: 10m
        pool: shared
        pool_slots: 2
        priority_weight: 5
        trigger_rule: all_done
      tasks:
        - task_id: extract
          type: shell
          command: "echo extracting {{ ds }}"
          env: {STAGE: raw, LEVEL: 3}
        - task_id: notify
          type: http
          method: post
          url: http://127.0.0.1:9000/hook
          headers: {Content-Type: application/json}
          body: {dag: "{{ dag_id }}"}
          expect_status: [200, 204]
          depends_on: [extract]
          retries: 0
          retry_delay: 500ms
          retry_exponential_backoff: false
          max_retry_delay: 2m
          execution_timeout: 30s
          trigger_rule: one_failed
          pool: web
          pool_slots: 1
          priority_weight: 10
        - task_id: pause
          type: sleep
          duration: 2
          depends_on: extract
        - task_id: custom
          type: java
          class: com.example.MyTask
          depends_on: [notify, pause]
        - task_id: end
          type: noop
          depends_on: [custom]
      """;

  private static final String ONE_TASK = "tasks:\n  - task_id: t\n    type: noop\n";

  @Test
  void parsesEveryDagLevelField() {
    Dag dag = parser.parse(FILE, FULL);

    assertThat(dag.dagId()).isEqualTo("full.dag-1");
    assertThat(dag.description()).isEqualTo("Every field at once");
    assertThat(dag.schedule()).isEqualTo("0 * * * *");
    assertThat(dag.startDate()).isEqualTo(Instant.parse("2026-01-01T06:30:00Z"));
    assertThat(dag.catchup()).isTrue();
    assertThat(dag.paused()).isFalse();
    assertThat(dag.maxActiveRuns()).isEqualTo(2);
    assertThat(dag.maxActiveTasks()).isEqualTo(8);
    assertThat(dag.tags()).containsExactly("example", "etl");
    assertThat(dag.fileloc()).isEqualTo(FILE.toString());
    assertThat(dag.tasks()).extracting(TaskDefinition::taskId)
        .containsExactly("extract", "notify", "pause", "custom", "end");
  }

  @Test
  void parsesTypeSpecificFields() {
    Dag dag = parser.parse(FILE, FULL);

    TaskDefinition extract = dag.task("extract");
    assertThat(extract.type()).isEqualTo("shell");
    assertThat(extract.spec()).isEqualTo(new ShellSpec("echo extracting {{ ds }}", Map.of("STAGE", "raw", "LEVEL", "3")));

    TaskDefinition notify = dag.task("notify");
    assertThat(notify.spec()).isEqualTo(new HttpSpec("POST", "http://127.0.0.1:9000/hook",
        Map.of("Content-Type", "application/json"), "{\"dag\":\"{{ dag_id }}\"}", List.of(200, 204)));
    assertThat(notify.dependsOn()).containsExactly("extract");

    assertThat(dag.task("pause").spec()).isEqualTo(new SleepSpec(Duration.ofSeconds(2)));
    assertThat(dag.task("pause").dependsOn()).containsExactly("extract");
    assertThat(dag.task("custom").spec()).isEqualTo(new JavaSpec("com.example.MyTask"));
    assertThat(dag.task("end").spec()).isEqualTo(new NoopSpec());
  }

  @Test
  void defaultArgsApplyToTasksThatDoNotSetThem() {
    TaskDefinition extract = parser.parse(FILE, FULL).task("extract");

    assertThat(extract.retry().retries()).isEqualTo(3);
    assertThat(extract.retry().retryDelay()).isEqualTo(Duration.ofSeconds(90));
    assertThat(extract.retry().retryExponentialBackoff()).isTrue();
    assertThat(extract.retry().maxRetryDelay()).isEqualTo(Duration.ofHours(1));
    assertThat(extract.executionTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(extract.queueing().pool()).isEqualTo("shared");
    assertThat(extract.queueing().poolSlots()).isEqualTo(2);
    assertThat(extract.queueing().priorityWeight()).isEqualTo(5);
    assertThat(extract.triggerRule()).isEqualTo(TriggerRule.ALL_DONE);
  }

  @Test
  void taskSettingsOverrideDefaultArgs() {
    TaskDefinition notify = parser.parse(FILE, FULL).task("notify");

    assertThat(notify.retry().retries()).isZero();
    assertThat(notify.retry().retryDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(notify.retry().retryExponentialBackoff()).isFalse();
    assertThat(notify.retry().maxRetryDelay()).isEqualTo(Duration.ofMinutes(2));
    assertThat(notify.executionTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(notify.queueing().pool()).isEqualTo("web");
    assertThat(notify.queueing().poolSlots()).isEqualTo(1);
    assertThat(notify.queueing().priorityWeight()).isEqualTo(10);
    assertThat(notify.triggerRule()).isEqualTo(TriggerRule.ONE_FAILED);
  }

  @Test
  void minimalDagGetsModelDefaults() {
    Dag dag = parser.parse(FILE, """
        dag_id: tiny
        start_date: 2026-03-04
        tasks:
          - task_id: ping
            type: http
            url: http://localhost/
        """);

    assertThat(dag.schedule()).isNull();
    assertThat(dag.startDate()).isEqualTo(Instant.parse("2026-03-04T00:00:00Z"));
    assertThat(dag.catchup()).isFalse();
    assertThat(dag.paused()).isNull();
    assertThat(dag.tags()).isEmpty();
    TaskDefinition ping = dag.task("ping");
    assertThat(ping.spec()).isEqualTo(new HttpSpec("GET", "http://localhost/", Map.of(), null, List.of(200)));
    assertThat(ping.retry().retries()).isZero();
    assertThat(ping.triggerRule()).isEqualTo(TriggerRule.ALL_SUCCESS);
    assertThat(ping.queueing().pool()).isEqualTo(Queueing.DEFAULT_POOL);
    assertThat(ping.retry().retryDelay()).isEqualTo(RetryPolicy.DEFAULT_RETRY_DELAY);
  }

  @Test
  void scheduleMayBeExplicitlyNull() {
    Dag dag = parser.parse(FILE, "dag_id: manual\nschedule: null\n" + ONE_TASK);
    assertThat(dag.schedule()).isNull();
  }

  @Test
  void startDateAcceptsOffsetsAndZonelessDateTimes() {
    assertThat(parser.parse(FILE, "dag_id: a\nstart_date: 2026-01-01T02:00:00+02:00\n" + ONE_TASK).startDate())
        .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(parser.parse(FILE, "dag_id: a\nstart_date: 2026-01-01T05:00:00\n" + ONE_TASK).startDate())
        .isEqualTo(Instant.parse("2026-01-01T05:00:00Z"));
  }

  @Test
  void durationsInEveryUnitAndCombination() {
    assertThat(DagParser.durationOf("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DagParser.durationOf("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(DagParser.durationOf("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DagParser.durationOf("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DagParser.durationOf("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(DagParser.durationOf("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DagParser.durationOf("1h 2m 3s 4ms")).isEqualTo(Duration.parse("PT1H2M3.004S"));
    assertThat(DagParser.durationOf("45")).isEqualTo(Duration.ofSeconds(45));
    assertThat(DagParser.durationOf("1.5")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DagParser.durationOf("PT10S")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void badDurationsAreRejectedWithTheText() {
    for (String bad : List.of("", "5x", "s5", "1m30", "-5s", "5 s s", "99999999999999999999s")) {
      org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
          .isThrownBy(() -> DagParser.durationOf(bad))
          .withMessageContaining("invalid duration '" + bad + "'");
    }
  }
}
