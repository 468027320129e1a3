package io.contrail.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrail.roles.Foreground;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import io.contrail.testing.CliProcess;
import io.contrail.testing.InProcessContrail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RunOperations} as the CLI and the REST API use it, on real DAG files run by the
 * production scheduler in this JVM: Airflow's clear (try history kept, next try n+1, max_tries
 * grown by the retries), mark of a task and of a run, delete, dry runs and task states.
 */
class RunOperationsTest {
  private static final String ACTOR = "test:me";

  @TempDir Path home;
  InProcessContrail contrail;
  RunOperations ops;

  @BeforeEach
  void open() {
    contrail = new InProcessContrail(home);
  }

  @AfterEach
  void close() {
    contrail.close();
  }

  private RunOperations ops() {
    if (ops == null) {
      ops = contrail.contrail().operations();
    }
    return ops;
  }

  private DagRun rerun(RunKey key) {
    Foreground.runToCompletion(contrail.contrail(), Set.of(key), r -> { });
    return contrail.stores().runs().findRun(key).orElseThrow();
  }

  private Map<String, TaskInstance> tis(RunKey key) {
    return contrail.stores().runs().taskInstances(key).stream()
        .collect(Collectors.toMap(TaskInstance::taskId, Function.identity()));
  }

  private List<TaskAttempt> attempts(RunKey key, String taskId) {
    return contrail.stores().runs().attempts(key).stream().filter(a -> a.taskId().equals(taskId)).toList();
  }

  /** What a test does while a manual run r1 of {@code dagId} runs on a foreground scheduler thread. */
  private interface WhileRunning {
    void accept(RunKey key, Thread foreground) throws Exception;
  }

  /**
   * Creates run r1 of {@code dagId}, runs it on a foreground scheduler thread and gives the test
   * its key while it runs; whatever happens, the task process that wrote {@code pidFile} is killed
   * and the thread joined.
   */
  private void whileRunning(String dagId, Path pidFile, WhileRunning test) throws Exception {
    DagRun created = contrail.contrail().runCreator().createNew(contrail.find(dagId), RunRequest.manual("r1", null,
        null));
    Thread runner = new Thread(() -> rerun(created.key()), "foreground");
    runner.start();
    try {
      test.accept(created.key(), runner);
    } finally {
      if (Files.exists(pidFile) && Files.size(pidFile) > 0) {
        ProcessHandle.of(CliProcess.readPid(pidFile)).ifPresent(ProcessHandle::destroyForcibly);
      }
      runner.join(Duration.ofSeconds(20).toMillis());
    }
  }

  @Test
  void clearingAFailedTaskAfterFixingItsCauseRunsItAgainKeepingItsTries() throws Exception {
    Path marker = home.resolve("fixed");
    contrail.dag("fix.yaml", """
        dag_id: fix
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: check
            type: shell
            command: 'test -f %s'
            retries: 1
            retry_delay: 0s
          - task_id: after
            type: shell
            command: echo after
            depends_on: [check]
        """.formatted(marker));
    DagRun failed = contrail.run("fix");
    assertThat(failed.state()).isEqualTo(RunState.FAILED);
    RunKey key = failed.key();
    assertThat(tis(key).get("check").tryNumber()).isEqualTo(2);
    assertThat(tis(key).get("after").state()).isEqualTo(TaskState.UPSTREAM_FAILED);

    Files.writeString(marker, "");
    OperationResult plan = ops().clear(ClearRequest.ofRun("fix", key.runId(),
        TaskSelection.tasks(List.of("check")).withDownstream(true), ACTOR).dryRun(true));
    assertThat(plan.applied()).isFalse();
    assertThat(plan.taskChanges()).extracting(c -> c.after().taskId()).containsExactlyInAnyOrder("check", "after");
    assertThat(tis(key).get("check").state()).as("a dry run changes nothing").isEqualTo(TaskState.FAILED);

    OperationResult done = ops().clear(ClearRequest.ofRun("fix", key.runId(),
        TaskSelection.tasks(List.of("check")).withDownstream(true), ACTOR));
    assertThat(done.applied()).isTrue();
    DagRun queued = contrail.stores().runs().findRun(key).orElseThrow();
    assertThat(queued.state()).isEqualTo(RunState.QUEUED);
    TaskInstance cleared = tis(key).get("check");
    assertThat(cleared.state()).isEqualTo(TaskState.NONE);
    assertThat(cleared.tryNumber()).as("the try number is kept").isEqualTo(2);
    assertThat(cleared.tries().max()).as("max_tries grows by its retries, as Airflow").isEqualTo(2 + 1 + 1);

    DagRun again = rerun(key);
    assertThat(again.state()).isEqualTo(RunState.SUCCESS);
    assertThat(tis(key).get("check").tryNumber()).as("the next try is n+1").isEqualTo(3);
    assertThat(attempts(key, "check")).extracting(TaskAttempt::tryNumber).containsExactly(1, 2, 3);
    assertThat(attempts(key, "check")).extracting(TaskAttempt::state)
        .containsExactly(TaskState.FAILED, TaskState.FAILED, TaskState.SUCCESS);
    assertThat(tis(key).get("after").state()).isEqualTo(TaskState.SUCCESS);
    assertThat(again.clearNumber()).isEqualTo(1);
  }

  @Test
  void clearOnlyFailedLeavesSucceededTasksAloneAndAWholeRunCanBeCleared() {
    contrail.dag("two.yaml", """
        dag_id: two
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: ok
            type: shell
            command: echo ok
          - task_id: bad
            type: shell
            command: exit 1
        """);
    RunKey key = contrail.run("two").key();
    OperationResult onlyFailed = ops().clear(ClearRequest.ofRun("two", key.runId(),
        TaskSelection.ALL.onlyFailed(true), ACTOR).dryRun(true));
    assertThat(onlyFailed.taskChanges()).extracting(c -> c.after().taskId()).containsExactly("bad");

    ops().clear(ClearRequest.ofRun("two", key.runId(), TaskSelection.ALL, ACTOR));
    assertThat(tis(key).values()).extracting(TaskInstance::state).containsOnly(TaskState.NONE);
    assertThat(rerun(key).state()).isEqualTo(RunState.FAILED);
    assertThat(attempts(key, "ok")).extracting(TaskAttempt::tryNumber).containsExactly(1, 2);
  }

  @Test
  void markingAFailedTaskSuccessLetsItsDownstreamRun() {
    contrail.dag("chain.yaml", """
        dag_id: chain
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: first
            type: shell
            command: exit 1
          - task_id: second
            type: shell
            command: echo second
            depends_on: [first]
        """);
    RunKey key = contrail.run("chain").key();
    assertThat(tis(key).get("second").state()).isEqualTo(TaskState.UPSTREAM_FAILED);

    ops().markTask(MarkRequest.Task.of(new TaskInstanceKey("chain", key.runId(), "first"), TaskState.SUCCESS, ACTOR));
    assertThat(tis(key).get("first").state()).isEqualTo(TaskState.SUCCESS);
    assertThat(tis(key).get("second").state()).as("its failed downstream is cleared").isEqualTo(TaskState.NONE);

    assertThat(rerun(key).state()).isEqualTo(RunState.SUCCESS);
    assertThat(tis(key).get("second").state()).isEqualTo(TaskState.SUCCESS);
    assertThat(attempts(key, "first")).as("a mark runs nothing").hasSize(1);
  }

  @Test
  void markingARunningRunFailedStopsItsTaskWithinSecondsAndSkipsTheRest() throws Exception {
    Path pidFile = home.resolve("sleep.pid");
    contrail.dag("long.yaml", """
        dag_id: long
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: sleeps
            type: shell
            command: 'echo $$ > %s; exec sleep 3600'
          - task_id: later
            type: shell
            command: echo later
            depends_on: [sleeps]
        """.formatted(pidFile));
    whileRunning("long", pidFile, (key, runner) -> {
      long pid = CliProcess.awaitPid(pidFile, Duration.ofSeconds(30));
      assertThat(CliProcess.isAlive(pid)).isTrue();

      OperationResult done = ops().markRun(MarkRequest.Run.of(key, RunState.FAILED, ACTOR));
      long marked = System.nanoTime();
      assertThat(done.runsAfter()).extracting(DagRun::state).containsExactly(RunState.FAILED);
      while (CliProcess.isAlive(pid) && System.nanoTime() - marked < Duration.ofSeconds(5).toNanos()) {
        Thread.sleep(20);
      }
      assertThat(CliProcess.isAlive(pid)).as("the sleep's process group is killed").isFalse();
      runner.join(Duration.ofSeconds(20).toMillis());
      assertThat(runner.isAlive()).as("the foreground run ends with its run").isFalse();

      assertThat(contrail.stores().runs().findRun(key).orElseThrow().state()).isEqualTo(RunState.FAILED);
      assertThat(tis(key).get("sleeps").state()).isEqualTo(TaskState.FAILED);
      assertThat(tis(key).get("later").state()).isEqualTo(TaskState.SKIPPED);
      TaskAttempt stopped = attempts(key, "sleeps").get(0);
      assertThat(stopped.state()).isEqualTo(TaskState.FAILED);
      assertThat(stopped.status().error()).contains("stopped by user").contains(ACTOR);
    });
  }

  @Test
  void clearingARunningTaskStopsItsTryAndRunsTheNextOneWithoutOverlap() throws Exception {
    Path pidFile = home.resolve("first.pid");
    Path tries = home.resolve("tries");
    contrail.dag("busy.yaml", """
        dag_id: busy
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: work
            type: shell
            command: 'echo "start $CONTRAIL_TRY_NUMBER" >> %2$s; if [ "$CONTRAIL_TRY_NUMBER" = 1 ]; then echo $$ > %1$s; exec sleep 3600; fi; echo "end $CONTRAIL_TRY_NUMBER" >> %2$s'
        """.formatted(pidFile, tries));
    whileRunning("busy", pidFile, (key, runner) -> {
      long pid = CliProcess.awaitPid(pidFile, Duration.ofSeconds(30));
      OperationResult cleared = ops().clear(ClearRequest.ofRun("busy", "r1", TaskSelection.tasks(List.of("work")),
          ACTOR));
      assertThat(cleared.taskChanges()).singleElement().satisfies(c -> {
        assertThat(c.before().state()).isEqualTo(TaskState.RUNNING);
        assertThat(c.after().state()).as("until its owner has stopped it").isEqualTo(TaskState.RESTARTING);
      });
      runner.join(Duration.ofSeconds(30).toMillis());
      assertThat(runner.isAlive()).isFalse();
      assertThat(CliProcess.isAlive(pid)).as("the first try's process is gone").isFalse();
      assertThat(contrail.stores().runs().findRun(key).orElseThrow().state()).isEqualTo(RunState.SUCCESS);
      assertThat(attempts(key, "work")).extracting(TaskAttempt::tryNumber).containsExactly(1, 2);
      assertThat(attempts(key, "work").get(0).status().error()).contains("stopped by user");
      assertThat(Files.readAllLines(tries)).as("try 2 started after try 1 was stopped, once")
          .containsExactly("start 1", "start 2", "end 2");
    });
  }

  @Test
  void deleteRemovesARunAndADagWithEverythingInThem() {
    contrail.dag("gone.yaml", """
        dag_id: gone
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: only
            type: shell
            command: echo only
        """);
    RunKey first = contrail.run("gone").key();
    RunKey second = contrail.run("gone").key();

    ops().deleteRun(first);
    assertThat(contrail.stores().runs().findRun(first)).isEmpty();
    assertThat(contrail.stores().runs().attempts(first)).isEmpty();
    assertThat(contrail.stores().runs().findRun(second)).isPresent();
    assertThatThrownBy(() -> ops().deleteRun(first)).isInstanceOf(OperationException.class)
        .hasMessageContaining("no run");

    assertThat(ops().deleteDag("gone").runs()).isEqualTo(1);
    assertThat(contrail.stores().dags().find("gone")).isEmpty();
    assertThat(contrail.stores().runs().findRun(second)).isEmpty();
  }

  @Test
  void taskStatesFollowTheDagsOrderAndUnknownNamesAreClearErrors() {
    contrail.dag("order.yaml", """
        dag_id: order
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: zeta
            type: shell
            command: echo z
          - task_id: alpha
            type: shell
            command: echo a
            depends_on: [zeta]
        """);
    RunKey key = contrail.run("order").key();
    assertThat(ops().taskStates(key)).extracting(TaskInstance::taskId).containsExactly("zeta", "alpha");
    assertThatThrownBy(() -> ops().taskStates(new RunKey("order", "nope"))).isInstanceOf(OperationException.class)
        .hasMessageContaining("no run 'nope' of DAG 'order'");
    assertThatThrownBy(() -> ops().clear(ClearRequest.ofRun("order", key.runId(),
        TaskSelection.tasks(List.of("missing")), ACTOR))).isInstanceOf(OperationException.class)
        .hasMessageContaining("has no task 'missing'");
    assertThatThrownBy(() -> ops().markTask(MarkRequest.Task.of(new TaskInstanceKey("order", key.runId(), "zeta"),
        TaskState.RUNNING, ACTOR))).isInstanceOf(OperationException.class);
  }
}
