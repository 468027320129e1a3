package io.contrail.dag;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.api.Dag;
import io.contrail.api.ShellSpec;
import io.contrail.api.TaskDefinition;
import io.contrail.api.TriggerRule;
import io.contrail.run.TaskState;
import io.contrail.run.TriggerRuleEvaluator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plays the bundled examples through the trigger-rule evaluator (a shell task fails when its
 * command ends with {@code exit 1}) to pin down that each run ends success under Airflow's rule:
 * a run fails when any leaf task ends failed or upstream_failed.
 */
class ExampleDagsTest {
  @TempDir Path dags;

  private Map<String, Dag> examples() {
    try (DagProcessor processor = new DagProcessor(dags, true)) {
      return processor.refresh().dags();
    }
  }

  @Test
  void everyExampleRunEndsSuccess() {
    for (Dag dag : examples().values()) {
      Map<String, TaskState> states = play(dag);
      assertThat(dag.leaves()).as(dag.dagId() + " leaves in " + states)
          .allSatisfy(leaf -> assertThat(states.get(leaf))
              .isNotIn(TaskState.FAILED, TaskState.UPSTREAM_FAILED));
    }
  }

  @Test
  void exampleComplexExercisesFailureHandlingRules() {
    Dag dag = examples().get("example_complex");
    Map<String, TaskState> states = play(dag);

    assertThat(dag.tasks()).hasSizeGreaterThanOrEqualTo(10);
    assertThat(states).containsValue(TaskState.FAILED);
    assertThat(dag.tasks()).extracting(TaskDefinition::triggerRule).contains(TriggerRule.ONE_FAILED,
        TriggerRule.ALL_DONE, TriggerRule.NONE_FAILED, TriggerRule.ONE_SUCCESS);
    assertThat(states.get("handle_legacy_failure")).isEqualTo(TaskState.SUCCESS);
    assertThat(states.get("cleanup")).isEqualTo(TaskState.SUCCESS);
  }

  /** Decides every task in dependency order; tasks list upstream before downstream here. */
  private static Map<String, TaskState> play(Dag dag) {
    Map<String, TaskState> states = new LinkedHashMap<>();
    for (TaskDefinition t : dag.tasks()) {
      List<TaskState> upstream = t.dependsOn().stream().map(states::get).toList();
      assertThat(upstream).as("upstream of " + t.taskId() + " decided first").doesNotContainNull();
      TaskState state = switch (TriggerRuleEvaluator.evaluate(t.triggerRule(), upstream)) {
        case RUN -> failsOnPurpose(t) ? TaskState.FAILED : TaskState.SUCCESS;
        case SKIP -> TaskState.SKIPPED;
        case UPSTREAM_FAILED -> TaskState.UPSTREAM_FAILED;
        case WAIT -> throw new AssertionError(t.taskId() + " still waiting with " + upstream);
      };
      states.put(t.taskId(), state);
    }
    return states;
  }

  private static boolean failsOnPurpose(TaskDefinition t) {
    return t.spec() instanceof ShellSpec shell && shell.command().strip().endsWith("exit 1");
  }
}
