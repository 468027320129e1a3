package io.contrail.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.testing.InProcessContrail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Callbacks of real DAG files run by the production scheduler and callback runner in this JVM,
 * counted in a ledger file: each fires once with its placeholders, from default_args, the task
 * or the DAG, and one that fails changes no state.
 */
class CallbacksTest {
  @TempDir Path home;
  InProcessContrail contrail;

  @AfterEach
  void close() {
    if (contrail != null) {
      contrail.close();
    }
  }

  @Test
  void eachCallbackFiresOnceWithItsPlaceholdersAndAFailingOneChangesNoState() throws Exception {
    Path ledger = home.resolve("ledger");
    contrail = new InProcessContrail(home).dag("cb.yaml", """
        dag_id: cb
        schedule: null
        start_date: 2026-01-01
        default_args:
          on_failure: 'echo "failure {{ task_id }} try {{ try_number }} {{ state }}: {{ exception }}" >> %1$s'
          on_retry: 'echo "retry {{ task_id }} try {{ try_number }}" >> %1$s'
        on_failure: 'echo "run failure {{ dag_id }} {{ state }}" >> %1$s'
        tasks:
          - task_id: flaky
            type: shell
            command: 'echo nope; exit 4'
            retries: 1
            retry_delay: 0s
          - task_id: fine
            type: shell
            command: echo fine
            on_success: 'echo "success {{ task_id }}" >> %1$s; exit 5'
        """.formatted(ledger));
    DagRun run = contrail.run("cb");

    assertThat(run.state()).isEqualTo(RunState.FAILED);
    Map<String, TaskInstance> tis = contrail.stores().runs().taskInstances(run.key()).stream()
        .collect(Collectors.toMap(TaskInstance::taskId, Function.identity()));
    assertThat(tis.get("fine").state()).as("its failing on_success changes nothing").isEqualTo(TaskState.SUCCESS);
    List<String> lines = Files.readAllLines(ledger);
    assertThat(lines).containsExactlyInAnyOrder(
        "retry flaky try 1",
        "failure flaky try 2 failed: command exited with code 4",
        "success fine",
        "run failure cb failed");
  }
}
