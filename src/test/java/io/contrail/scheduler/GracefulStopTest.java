package io.contrail.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.operations.RunRequest;
import io.contrail.testing.InProcessContrail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful stops of the production scheduler in this JVM: a try longer than the grace period is
 * handed back at most [scheduler] max_handbacks times and then fails with that reason (it used to
 * restart at every start forever), and a run whose last task ends during the stop is finished
 * with its real end time before the scheduler exits.
 */
class GracefulStopTest {
  @TempDir Path home;
  InProcessContrail contrail;

  @AfterEach
  void close() {
    if (contrail != null) {
      contrail.close();
    }
  }

  /** Starts a scheduler of everything on a thread, waits for {@code ready}, stops it gracefully. */
  private void startAndStop(BooleanSupplier ready) throws InterruptedException {
    Scheduler scheduler = contrail.contrail().scheduler(Scheduler.Scope.everything()).build();
    scheduler.start();
    Thread loop = new Thread(() -> scheduler.loop(0, () -> false), "test-scheduler");
    loop.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!ready.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(ready.getAsBoolean()).as("the scheduler got where the test needs it").isTrue();
    scheduler.requestStop();
    loop.join(Duration.ofSeconds(30).toMillis());
    assertThat(loop.isAlive()).isFalse();
  }

  private TaskInstance ti(RunKey key, String taskId) {
    return contrail.stores().runs().taskInstances(key).stream().filter(t -> t.taskId().equals(taskId)).findFirst()
        .orElseThrow();
  }

  @Test
  void aTryLongerThanTheGracePeriodIsHandedBackAtMostMaxHandbacksTimesThenFails() throws Exception {
    Path pids = home.resolve("pids");
    contrail = new InProcessContrail(home)
        .set("CONTRAIL__SCHEDULER__GRACEFUL_SHUTDOWN_TIMEOUT_MS", 200)
        .set("CONTRAIL__SCHEDULER__MAX_HANDBACKS", 2)
        .dag("stuck.yaml", """
            dag_id: stuck
            schedule: null
            start_date: 2026-01-01
            tasks:
              - task_id: forever
                type: shell
                command: 'echo $$ >> %s; exec sleep 3600'
            """.formatted(pids));
    contrail.stores().dags().setPaused("stuck", false);
    DagRun run = contrail.contrail().runCreator().createNew(contrail.find("stuck"), RunRequest.manual("r1", null, null));
    for (int stop = 1; stop <= 3; stop++) {
      int started = stop;
      startAndStop(() -> lines(pids) >= started && ti(run.key(), "forever").state() == TaskState.RUNNING);
      TaskInstance after = ti(run.key(), "forever");
      if (stop <= 2) {
        assertThat(after.state()).as("handed back at stop %d", stop).isIn(TaskState.NONE, TaskState.SCHEDULED,
            TaskState.UP_FOR_RETRY);
        assertThat(after.tries().handbacks()).isEqualTo(stop);
      } else {
        assertThat(after.state()).as("the third stop is one more than max_handbacks").isEqualTo(TaskState.FAILED);
      }
    }
    List<TaskAttempt> attempts = contrail.stores().runs().attempts(run.key());
    assertThat(attempts).hasSize(3);
    assertThat(attempts.get(2).status().error()).contains("max_handbacks = 2");
    assertThat(contrail.stores().runs().findRun(run.key()).orElseThrow().state())
        .as("the run is finished by the stop that failed its task").isEqualTo(RunState.FAILED);
  }

  @Test
  void aStopThatSeesTheRunsLastTaskFinishCompletesTheRunWithItsRealEndTime() throws Exception {
    Path started = home.resolve("started");
    contrail = new InProcessContrail(home)
        .set("CONTRAIL__SCHEDULER__GRACEFUL_SHUTDOWN_TIMEOUT_MS", 20_000)
        .dag("short.yaml", """
            dag_id: short
            schedule: null
            start_date: 2026-01-01
            tasks:
              - task_id: last
                type: shell
                command: 'touch %s; sleep 1.5'
            """.formatted(started));
    contrail.stores().dags().setPaused("short", false);
    DagRun run = contrail.contrail().runCreator().createNew(contrail.find("short"), RunRequest.manual("r1", null, null));
    startAndStop(() -> Files.exists(started));
    Instant stopped = Instant.now();
    DagRun after = contrail.stores().runs().findRun(run.key()).orElseThrow();
    assertThat(after.state()).as("finished before the scheduler exited").isEqualTo(RunState.SUCCESS);
    assertThat(after.times().endDate()).isBeforeOrEqualTo(stopped);
    assertThat(ti(run.key(), "last").times().endDate()).isBeforeOrEqualTo(after.times().endDate());
  }

  private static long lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count() : 0;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
