package io.contrail.run;

import static io.contrail.testing.Fixtures.aRun;
import static io.contrail.testing.Fixtures.aTaskInstance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrail.api.RetryPolicy;
import io.contrail.api.TaskDefinition;
import io.contrail.api.TaskSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The task instance state machine and the transitions of {@link TaskInstance}. */
class TaskStateTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final long JOB = 7;

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "none, scheduled", "none, upstream_failed", "none, skipped",
      "scheduled, queued",
      "queued, running", "queued, scheduled", "queued, failed", "queued, up_for_retry",
      "running, success", "running, failed", "running, up_for_retry",
      "up_for_retry, scheduled", "up_for_retry, failed"})
  void allowedTransitions(String from, String to) {
    assertThat(TaskState.parse(from).canMoveTo(TaskState.parse(to))).isTrue();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "none, running", "none, success", "none, queued",
      "scheduled, running", "scheduled, success",
      "queued, success",
      "running, scheduled", "running, queued",
      "up_for_retry, running", "up_for_retry, queued"})
  void forbiddenTransitions(String from, String to) {
    assertThat(TaskState.parse(from).canMoveTo(TaskState.parse(to))).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = TaskState.class, names = {"SUCCESS", "FAILED", "UPSTREAM_FAILED", "SKIPPED"})
  void finishedStatesAreTerminal(TaskState finished) {
    assertThat(finished.isFinished()).isTrue();
    for (TaskState next : EnumSet.allOf(TaskState.class)) {
      assertThat(finished.canMoveTo(next)).as("%s -> %s", finished, next).isFalse();
    }
  }

  @Test
  void successfulTaskCannotBeScheduledAgain() {
    TaskInstance success = running(aTask(2)).toFinished(true, T0.plusSeconds(10), Duration.ZERO, false);

    assertThatThrownBy(() -> success.toScheduled(T0.plusSeconds(20)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot move from success to scheduled");
  }

  @Test
  void queueingStartsANewTryWithANewAttemptSpan() {
    TaskInstance scheduled = aTask(3).toScheduled(T0);

    TaskInstance first = scheduled.toQueued(T0.plusSeconds(1), JOB);
    TaskInstance retried = first.toRunning(T0.plusSeconds(2), "host")
        .toFinished(false, T0.plusSeconds(3), Duration.ZERO, false)
        .toScheduled(T0.plusSeconds(4));
    TaskInstance second = retried.toQueued(T0.plusSeconds(5), JOB);

    assertThat(scheduled.tryNumber()).isZero();
    assertThat(first.tryNumber()).isEqualTo(1);
    assertThat(first.lease().jobId()).isEqualTo(JOB);
    assertThat(first.trace().attemptSpanId()).matches("[0-9a-f]{16}");
    assertThat(second.tryNumber()).isEqualTo(2);
    assertThat(second.trace().attemptSpanId()).isNotEqualTo(first.trace().attemptSpanId());
    assertThat(second.trace().spanId()).as("task_run span stays").isEqualTo(first.trace().spanId());
  }

  @Test
  void handingBackGivesTheTryBack() {
    TaskInstance queued = aTask(1).toScheduled(T0).toQueued(T0.plusSeconds(1), JOB);

    TaskInstance handedBack = queued.toHandedBack();

    assertThat(handedBack.state()).isEqualTo(TaskState.SCHEDULED);
    assertThat(handedBack.tryNumber()).isZero();
    assertThat(handedBack.lease().jobId()).isNull();
    assertThat(handedBack.times().queuedAt()).isNull();
  }

  @Test
  void failureBecomesUpForRetryWhileTriesRemainThenFailed() {
    TaskInstance firstTry = running(aTask(2));
    TaskInstance retry = firstTry.toFinished(false, T0.plusSeconds(10), Duration.ofSeconds(30), false);

    assertThat(retry.state()).isEqualTo(TaskState.UP_FOR_RETRY);
    assertThat(retry.times().nextRetryAt()).isEqualTo(T0.plusSeconds(40));

    TaskInstance secondTry = retry.toScheduled(T0.plusSeconds(40)).toQueued(T0.plusSeconds(41), JOB)
        .toRunning(T0.plusSeconds(42), "host");
    TaskInstance failed = secondTry.toFinished(false, T0.plusSeconds(50), Duration.ofSeconds(30), false);

    assertThat(secondTry.tryNumber()).isEqualTo(2);
    assertThat(failed.state()).isEqualTo(TaskState.FAILED);
    assertThat(failed.times().nextRetryAt()).isNull();
    assertThat(failed.times().endDate()).isEqualTo(T0.plusSeconds(50));
  }

  @Test
  void taskWithoutRetriesFailsOnItsFirstFailure() {
    TaskInstance failed = running(aTask(1)).toFinished(false, T0.plusSeconds(5), Duration.ofMinutes(5), false);

    assertThat(failed.state()).isEqualTo(TaskState.FAILED);
  }

  @Test
  void interruptedTryIsGivenBackAsAnExtraTry() {
    TaskInstance interrupted = running(aTask(1)).toFinished(false, T0.plusSeconds(5), Duration.ZERO, true);

    assertThat(interrupted.state()).isEqualTo(TaskState.UP_FOR_RETRY);
    assertThat(interrupted.tries().max()).isEqualTo(2);
  }

  @Test
  void retryDelayIsConstantWithoutBackoff() {
    TaskDefinition task = TaskDefinition.builder("t", TaskSpec.noop()).retries(5)
        .retryDelay(Duration.ofSeconds(10)).build();

    assertThat(task.retryDelayBefore(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(task.retryDelayBefore(5)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void exponentialBackoffDoublesTheDelayForEveryRetryUpToMaxRetryDelay() {
    TaskDefinition task = TaskDefinition.builder("t", TaskSpec.noop()).retries(10)
        .retryDelay(Duration.ofSeconds(10)).retryExponentialBackoff(true)
        .maxRetryDelay(Duration.ofSeconds(60)).build();

    assertThat(task.retryDelayBefore(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(task.retryDelayBefore(3)).isEqualTo(Duration.ofSeconds(20));
    assertThat(task.retryDelayBefore(4)).isEqualTo(Duration.ofSeconds(40));
    assertThat(task.retryDelayBefore(5)).isEqualTo(Duration.ofSeconds(60));
    assertThat(task.retryDelayBefore(200)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void exponentialBackoffIsCappedAtADayByDefault() {
    TaskDefinition task = TaskDefinition.builder("t", TaskSpec.noop()).retries(40)
        .retryDelay(Duration.ofMinutes(5)).retryExponentialBackoff(true).build();

    assertThat(task.retryDelayBefore(40)).isEqualTo(RetryPolicy.DEFAULT_MAX_RETRY_DELAY);
  }

  private static TaskInstance aTask(int maxTries) {
    return aTaskInstance(aRun("etl").runId("manual__1").build(), "extract", "default_pool", 1, 1, maxTries);
  }

  private static TaskInstance running(TaskInstance none) {
    return none.toScheduled(T0).toQueued(T0.plusSeconds(1), JOB).toRunning(T0.plusSeconds(2), "host");
  }
}
