package io.contrail.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.api.TaskSpec;
import io.contrail.executor.TaskLogs;
import io.contrail.schedule.RunIds;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void everyGeneratedRunIdIsAValidRunId() {
    Instant farFuture = Instant.parse("+10000-01-01T00:00:00Z");
    for (RunType type : RunType.values()) {
      assertThat(Ids.runId(RunIds.of(type, Instant.parse("2026-01-01T00:00:00.123456Z")))).startsWith(type.id() + "__");
      assertThat(Ids.runId(RunIds.of(type, farFuture))).contains("+10000");
    }
  }

  @Test
  void aTraversalRunIdIsRefusedNamingTheCharacterAndWhereItIs() {
    assertThatThrownBy(() -> Ids.runId("../../x"))
        .hasMessage("run_id '../../x' has '/' at position 3: only A-Z a-z 0-9 _ . : + - are allowed");
    assertThatThrownBy(() -> Ids.runId("a b")).hasMessageContaining("has a space at position 2");
    assertThatThrownBy(() -> Ids.runId("x\ny")).hasMessageContaining("'x?y' has the character U+000A at position 2");
    assertThatThrownBy(() -> Ids.runId("..")).hasMessageContaining("only dots");
    assertThatThrownBy(() -> Ids.runId("")).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> Ids.runId("r".repeat(251))).hasMessageContaining("251 characters long; at most 250");
    assertThat(Ids.runId("r".repeat(250))).hasSize(250);
  }

  @Test
  void dagAndTaskIdsAllowNeitherColonNorPlus() {
    assertThat(Ids.dagId("etl.v2-daily_x")).isEqualTo("etl.v2-daily_x");
    assertThatThrownBy(() -> Ids.dagId("etl:v2")).hasMessageContaining("dag_id 'etl:v2' has ':' at position 4");
    assertThatThrownBy(() -> Ids.taskId("a+b")).hasMessageContaining("task_id 'a+b' has '+'");
  }

  @Test
  void theJavaDagApiChecksIdsTheSameWay() {
    assertThatThrownBy(() -> Dag.builder("../etc").build()).hasMessageContaining("dag_id '../etc' has '/'");
    assertThatThrownBy(() -> Dag.builder("ok").task(TaskDefinition.builder("a/b", TaskSpec.noop())).build())
        .hasMessageContaining("task_id 'a/b' has '/'");
  }

  @Test
  void keysNamedByAUserAreChecked() {
    assertThatThrownBy(() -> RunKey.of("d", "a/b/c")).hasMessageContaining("run_id 'a/b/c' has '/'");
    assertThatThrownBy(() -> TaskInstanceKey.of("d", "r", "..")).hasMessageContaining("task_id '..' is only dots");
    assertThat(RunKey.of("d", "manual__2026-01-01T00:00:00.000000Z")).isEqualTo(new RunKey("d", "manual__2026-01-01T00:00:00.000000Z"));
  }

  @Test
  void aLogPathIsOnlyMadeOfValidIdsAndStaysUnderTheLogsFolder() {
    Path logs = Path.of("/var/contrail/logs");
    assertThat(TaskLogs.attemptLog(logs, new TaskInstanceKey("d", "r:1+x", "t"), 2))
        .isEqualTo(Path.of("/var/contrail/logs/dag_id=d/run_id=r:1+x/task_id=t/attempt=2.log"));
    // a row stored before ids were checked never becomes a path outside the logs folder
    assertThatThrownBy(() -> TaskLogs.attemptLog(logs, new TaskInstanceKey("d", "../../x", "t"), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run_id '../../x' has '/'");
  }
}
