package io.contrail.api;

import static io.contrail.testing.Fixtures.anEtlDag;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.storage.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How DAGs are serialized in the database: one flat object per task, old rows included. */
class TaskDefinitionJsonTest {
  @Test
  void everyTaskTypeReadsBackAsWritten() {
    Dag dag = Dag.builder("all_types")
        .task(TaskDefinition.builder("s", TaskSpec.shell("echo hi").withEnv(Map.of("A", "1"))).retries(2))
        .task(TaskDefinition.builder("h", TaskSpec.http("post", "http://x/").withBody("{}").expecting(List.of(204))))
        .task(TaskDefinition.builder("z", TaskSpec.sleep(Duration.ofMillis(1500))).executionTimeout(Duration.ofSeconds(1)))
        .task(TaskDefinition.builder("n", TaskSpec.noop()).pool("cpu").poolSlots(2).priorityWeight(3))
        .task(TaskDefinition.builder("j", TaskSpec.java("com.example.T")).dependsOn("n").triggerRule(TriggerRule.ALL_DONE))
        .build();

    assertThat(Json.read(Json.write(dag), Dag.class)).isEqualTo(dag);
    assertThat(Json.read(Json.write(anEtlDag("etl")), Dag.class)).isEqualTo(anEtlDag("etl"));
  }

  @Test
  void aTaskIsOneFlatObjectWithOnlyItsTypesFields() {
    String json = Json.write(TaskDefinition.builder("s", TaskSpec.shell("echo hi")).build());

    assertThat(json).contains("\"type\":\"shell\"", "\"command\":\"echo hi\"", "\"retries\":0", "\"pool\":\"default_pool\"")
        .doesNotContain("\"url\"", "\"spec\"");
  }

  @Test
  void aTaskStoredBeforeTaskTypesHadSpecsReadsBack() {
    String old = """
        {"taskId":"notify","type":"HTTP","dependsOn":["extract"],"triggerRule":"ONE_FAILED","retries":1,
         "retryDelay":"PT30S","retryExponentialBackoff":false,"maxRetryDelay":"PT24H","executionTimeout":null,
         "pool":"web","poolSlots":1,"priorityWeight":10,"env":{},"command":null,"method":"POST",
         "url":"http://127.0.0.1:9000/hook","headers":{"A":"b"},"body":"{}","expectStatus":[200,204],
         "duration":null,"className":null}""";

    TaskDefinition t = Json.read(old, TaskDefinition.class);

    assertThat(t.spec()).isEqualTo(new HttpSpec("POST", "http://127.0.0.1:9000/hook", Map.of("A", "b"), "{}",
        List.of(200, 204)));
    assertThat(t.dependsOn()).containsExactly("extract");
    assertThat(t.triggerRule()).isEqualTo(TriggerRule.ONE_FAILED);
    assertThat(t.retry()).isEqualTo(new RetryPolicy(1, Duration.ofSeconds(30), false, Duration.ofHours(24)));
    assertThat(t.queueing()).isEqualTo(new Queueing("web", 1, 10));
  }
}
