package io.contrail.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.api.TriggerRule;
import io.contrail.run.TriggerRuleEvaluator.Decision;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Airflow's trigger rules: what becomes of a task (state none) given its direct upstream states.
 * Upstream states are written as a space-separated list; "-" means the task has no upstream.
 */
class TriggerRuleEvaluatorTest {

  @ParameterizedTest(name = "{0} with upstream [{1}] -> {2}")
  @CsvSource({
      // all_success: any failure fails it at once, any skip skips it, else waits for all
      "ALL_SUCCESS, success success,              RUN",
      "ALL_SUCCESS, success running,              WAIT",
      "ALL_SUCCESS, success none,                 WAIT",
      "ALL_SUCCESS, success up_for_retry,         WAIT",
      "ALL_SUCCESS, failed running,               UPSTREAM_FAILED",
      "ALL_SUCCESS, success upstream_failed,      UPSTREAM_FAILED",
      "ALL_SUCCESS, success skipped,              SKIP",
      "ALL_SUCCESS, skipped failed,               UPSTREAM_FAILED",
      // all_failed: runs only when every upstream failed; a success or skip skips it
      "ALL_FAILED,  failed upstream_failed,       RUN",
      "ALL_FAILED,  failed running,               WAIT",
      "ALL_FAILED,  failed success,               SKIP",
      "ALL_FAILED,  failed skipped,               SKIP",
      // all_done: runs once every upstream finished, whatever the outcome
      "ALL_DONE,    success failed skipped,       RUN",
      "ALL_DONE,    upstream_failed failed,       RUN",
      "ALL_DONE,    success running,              WAIT",
      "ALL_DONE,    failed up_for_retry,          WAIT",
      "ALL_DONE,    success queued,               WAIT",
      // one_success: runs at the first success; when all done without one, fails or skips
      "ONE_SUCCESS, success running,              RUN",
      "ONE_SUCCESS, failed running,               WAIT",
      "ONE_SUCCESS, failed failed,                UPSTREAM_FAILED",
      "ONE_SUCCESS, failed skipped,               UPSTREAM_FAILED",
      "ONE_SUCCESS, skipped skipped,              SKIP",
      // one_failed: runs at the first failure even while others run; all done without one skips
      "ONE_FAILED,  failed running,               RUN",
      "ONE_FAILED,  upstream_failed none,         RUN",
      "ONE_FAILED,  success running,              WAIT",
      "ONE_FAILED,  success skipped,              SKIP",
      // none_failed: skipped upstream is fine, any failure fails it
      "NONE_FAILED, success skipped,              RUN",
      "NONE_FAILED, skipped skipped,              RUN",
      "NONE_FAILED, success running,              WAIT",
      "NONE_FAILED, failed running,               UPSTREAM_FAILED",
      "NONE_FAILED, upstream_failed success,      UPSTREAM_FAILED",
      // always: runs at once
      "ALWAYS,      running none,                 RUN",
      "ALWAYS,      failed upstream_failed,       RUN",
  })
  void decidesLikeAirflow(TriggerRule rule, String upstream, Decision expected) {
    assertThat(TriggerRuleEvaluator.evaluate(rule, states(upstream))).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(TriggerRule.class)
  void taskWithoutUpstreamRunsWhateverItsRule(TriggerRule rule) {
    assertThat(TriggerRuleEvaluator.evaluate(rule, List.of())).isEqualTo(Decision.RUN);
  }

  @Test
  void oneFailedHandlerRunsAsSoonAsOneUpstreamFailedWhileOthersStillRun() {
    List<TaskState> upstream = List.of(TaskState.FAILED, TaskState.RUNNING, TaskState.QUEUED);

    assertThat(TriggerRuleEvaluator.evaluate(TriggerRule.ONE_FAILED, upstream)).isEqualTo(Decision.RUN);
  }

  @Test
  void failedUpstreamMarksAllSuccessTaskUpstreamFailedWithoutWaitingForTheOthers() {
    List<TaskState> upstream = List.of(TaskState.FAILED, TaskState.RUNNING);

    assertThat(TriggerRuleEvaluator.evaluate(TriggerRule.ALL_SUCCESS, upstream))
        .isEqualTo(Decision.UPSTREAM_FAILED);
  }

  private static List<TaskState> states(String spaceSeparated) {
    if (spaceSeparated.equals("-")) {
      return List.of();
    }
    return Arrays.stream(spaceSeparated.trim().split("\\s+")).map(TaskState::parse).toList();
  }
}
