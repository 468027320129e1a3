package io.contrail.scheduler;

import static io.contrail.testing.Fixtures.aDag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.contrail.api.Dag;
import io.contrail.operations.RunCreator;
import io.contrail.operations.RunRequest;
import io.contrail.executor.LogLines;
import io.contrail.executor.ProcessControl;
import io.contrail.executor.TaskLogs;
import io.contrail.run.DagRun;
import io.contrail.run.ProcessIdentity;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.RunType;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.Stores;
import io.contrail.storage.memory.InMemoryDagStore;
import io.contrail.storage.memory.InMemoryJobStore;
import io.contrail.storage.memory.InMemoryPoolStore;
import io.contrail.storage.memory.InMemoryRunStore;
import io.contrail.telemetry.Telemetry;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link Scheduler} over in-memory stores, a test clock and a fake executor: runs are
 * created, started, advanced and their tasks handed over as a user would see in {@code runs show}.
 */
class SchedulerFlowTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration HEARTBEAT = Duration.ofSeconds(5);
  private static final Duration ZOMBIE_THRESHOLD = Duration.ofSeconds(30);

  /** A JVM that once had this pid: gone, whatever runs under the number now. */
  private static final ProcessIdentity GONE_JVM = new ProcessIdentity(ProcessHandle.current().pid(), Instant.EPOCH);

  private final TestClock clock = new TestClock(NOW);
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryRunStore runs = new InMemoryRunStore(jobs);
  private final InMemoryDagStore dags = new InMemoryDagStore();
  private final InMemoryPoolStore pools = new InMemoryPoolStore(runs);
  @TempDir Path logs;
  private final FakeExecutor executor = new FakeExecutor(runs, clock, 32);
  private final List<DagRun> finishedRuns = new ArrayList<>();
  private final AtomicInteger fullLoops = new AtomicInteger();
  private final RunCreator creator = new RunCreator(runs, Telemetry.NOOP, Sampler.parentBased(Sampler.alwaysOn()), clock,
      SecretsMasker.defaults());
  private Scheduler scheduler;

  @BeforeEach
  void startScheduler() {
    pools.ensure("default_pool", 128, "");
    Telemetry countingLoops = new Telemetry() {
      @Override
      public void schedulerLoop(Loop loop) {
        fullLoops.incrementAndGet();
      }
    };
    scheduler = Scheduler.builder(new Stores(dags, runs, pools, jobs))
        .executor(finished -> {
          executor.onFinished(key -> finished.accept(key, null)); // "re-read the run", as after a lost write
          return executor;
        })
        .runCreator(creator)
        .clock(clock)
        .telemetry(countingLoops)
        .intervals(new Scheduler.Intervals(Duration.ofHours(1), HEARTBEAT, ZOMBIE_THRESHOLD, Duration.ofMinutes(1),
            Duration.ofSeconds(1)))
        .scope(new Scheduler.Scope(true, key -> true, finishedRuns::add))
        .hostname("test-host")
        .logsRoot(logs)
        .build();
    scheduler.start();
  }

  @AfterEach
  void stopScheduler() {
    scheduler.loop(1, () -> true); // shuts the scheduler down: heartbeat, recovery threads
  }

  // --- scheduled runs -------------------------------------------------------------------------

  @Test
  void catchupCreatesARunForEveryMissedIntervalInOneLoop() {
    addDag(aDag("hourly").schedule("@hourly").startDate(NOW.minus(Duration.ofHours(3))).catchup(true)
        .task("a").build());

    scheduler.loop(1, () -> false);

    assertThat(runs.listRuns("hourly", 10)).extracting(DagRun::runType, r -> r.spec().logicalDate(), DagRun::state)
        .containsExactlyInAnyOrder(
            tuple(RunType.SCHEDULED, NOW.minus(Duration.ofHours(3)), RunState.RUNNING),
            tuple(RunType.SCHEDULED, NOW.minus(Duration.ofHours(2)), RunState.RUNNING),
            tuple(RunType.SCHEDULED, NOW.minus(Duration.ofHours(1)), RunState.RUNNING));
    assertThat(executor.handedTaskIds()).containsExactly("a", "a", "a");
    assertThat(executor.isShutDown()).as("maxLoops=1 shuts the executor down").isTrue();
    assertThat(jobs.find(scheduler.jobId()).orElseThrow().state()).isEqualTo("success");
  }

  @Test
  void withoutCatchupOnlyTheLatestIntervalGetsARun() {
    addDag(aDag("hourly").schedule("@hourly").startDate(NOW.minus(Duration.ofHours(3))).catchup(false)
        .task("a").build());

    scheduler.loop(1, () -> false);

    assertThat(runs.listRuns("hourly", 10)).singleElement().satisfies(run -> {
      assertThat(run.runId()).isEqualTo("scheduled__2026-03-01T09:00:00Z");
      assertThat(run.spec().dataIntervalEnd()).isEqualTo(NOW);
    });
  }

  @Test
  void pausedDagGetsNoRuns() {
    addDag(aDag("hourly").schedule("@hourly").startDate(NOW.minus(Duration.ofHours(3))).catchup(true)
        .task("a").build());
    dags.setPaused("hourly", true);

    scheduler.runOnce();

    assertThat(runs.listRuns("hourly", 10)).isEmpty();
  }

  @Test
  void maxActiveRunsOneKeepsTheNextRunQueuedUntilTheFirstFinishes() {
    addDag(aDag("hourly").schedule("@hourly").startDate(NOW.minus(Duration.ofHours(2))).catchup(true)
        .maxActiveRuns(1).task("a").build());
    String first = "scheduled__2026-03-01T08:00:00Z";
    String second = "scheduled__2026-03-01T09:00:00Z";

    scheduler.runOnce();
    scheduler.runOnce();

    assertThat(runState("hourly", first)).isEqualTo(RunState.RUNNING);
    assertThat(runState("hourly", second)).isEqualTo(RunState.QUEUED);
    assertThat(executor.handed()).extracting(TaskInstance::runId).containsExactly(first);

    executor.succeed(first, "a");
    scheduler.runOnce();
    scheduler.runOnce();

    assertThat(runState("hourly", first)).isEqualTo(RunState.SUCCESS);
    assertThat(runState("hourly", second)).isEqualTo(RunState.RUNNING);
    assertThat(executor.handed()).extracting(TaskInstance::runId).containsExactly(first, second);
  }

  // --- task flow ------------------------------------------------------------------------------

  @Test
  void completedTaskSchedulesItsDownstreamAndTheRunSucceeds() {
    RunKey run = trigger(aDag("etl").task("extract").task("transform", "extract").build());

    scheduler.runOnce();
    assertThat(executor.handedTaskIds()).containsExactly("extract");
    assertThat(taskStates(run)).containsEntry("transform", TaskState.NONE);

    executor.succeed("extract");
    scheduler.runOnce();
    assertThat(executor.handedTaskIds()).containsExactly("extract", "transform");

    executor.succeed("transform");
    scheduler.runOnce();
    assertThat(runState(run)).isEqualTo(RunState.SUCCESS);
    assertThat(finishedRuns).extracting(DagRun::runId).containsExactly(run.runId());
  }

  @Test
  void finishedTaskStartsItsDownstreamWithoutWaitingForTheNextLoop() {
    RunKey run = trigger(aDag("etl").task("extract").task("transform", "extract").task("load", "transform").build());
    executor.autoFinish(ti -> true);

    assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> scheduler.loop(0, () -> runState(run).isFinished()));

    assertThat(executor.handedTaskIds()).containsExactly("extract", "transform", "load");
    assertThat(runState(run)).isEqualTo(RunState.SUCCESS);
    assertThat(fullLoops).as("the clock never reached the next full loop").hasValue(1);
  }

  @Test
  void retryStartsWhenItsDelayIsOverWithoutWaitingForTheNextLoop() {
    RunKey run = trigger(aDag("etl").task("flaky", b -> b.retries(1).retryDelay(Duration.ofMillis(100))).build());
    executor.autoFinish(ti -> ti.tryNumber() > 1);
    clock.startTicking();

    assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> scheduler.loop(0, () -> runState(run).isFinished()));

    assertThat(executor.handed()).extracting(TaskInstance::tryNumber).containsExactly(1, 2);
    assertThat(runState(run)).isEqualTo(RunState.SUCCESS);
    assertThat(fullLoops).as("loops are an hour apart").hasValue(1);
  }

  @Test
  void failedTaskFailsTheRunAndMarksItsDownstreamUpstreamFailed() {
    RunKey run = trigger(aDag("etl").task("extract").task("transform", "extract").task("load", "transform").build());

    scheduler.runOnce();
    executor.fail("extract");
    scheduler.runOnce();

    assertThat(taskStates(run)).containsExactlyInAnyOrderEntriesOf(Map.of("extract", TaskState.FAILED,
        "transform", TaskState.UPSTREAM_FAILED, "load", TaskState.UPSTREAM_FAILED));
    assertThat(runState(run)).isEqualTo(RunState.FAILED);
  }

  @Test
  void failedTaskIsRetriedOnceItsRetryDelayHasPassed() {
    RunKey run = trigger(aDag("etl").task("flaky", b -> b.retries(1).retryDelay(Duration.ofSeconds(30))).build());

    scheduler.runOnce();
    executor.fail("flaky");
    scheduler.runOnce();
    clock.advance(Duration.ofSeconds(29));
    scheduler.runOnce();

    assertThat(taskStates(run)).containsEntry("flaky", TaskState.UP_FOR_RETRY);
    assertThat(executor.handed()).hasSize(1);

    clock.advance(Duration.ofSeconds(1));
    scheduler.runOnce();

    assertThat(executor.handed()).extracting(TaskInstance::tryNumber).containsExactly(1, 2);
    executor.succeed("flaky");
    scheduler.runOnce();
    assertThat(runState(run)).isEqualTo(RunState.SUCCESS);
  }

  @Test
  void poolWithOneSlotQueuesOnlyOneOfTwoTasks() {
    pools.setSlots("single", 1);
    RunKey run = trigger(aDag("etl").task("a", b -> b.pool("single").priorityWeight(2))
        .task("b", b -> b.pool("single")).build());

    scheduler.runOnce();

    assertThat(executor.handedTaskIds()).containsExactly("a");
    assertThat(taskStates(run)).containsEntry("b", TaskState.SCHEDULED);

    executor.succeed("a");
    scheduler.runOnce();

    assertThat(executor.handedTaskIds()).containsExactly("a", "b");
  }

  @Test
  void maxActiveTasksLimitsTheTasksOfADagRunningAtOnce() {
    trigger(aDag("etl").maxActiveTasks(2).task("a").task("b").task("c").build());

    scheduler.runOnce();

    assertThat(executor.handed()).hasSize(2);
  }

  // --- recovery of a dead job's tasks --------------------------------------------------------

  @Test
  void deadJobsTasksAreRecoveredRunningOnesFailOrRetryQueuedOnesGoBack() {
    RunKey run = trigger(aDag("etl").task("retrying", b -> b.retries(1).retryDelay(Duration.ofSeconds(30)))
        .task("last_try").task("waiting").build());
    scheduler.runOnce();
    List<TaskInstance> handedToTheLiveScheduler = executor.handed();
    long dead = deadJob("test-host", GONE_JVM);
    moveToJob(handedToTheLiveScheduler, dead, List.of("retrying", "last_try"));

    clock.advance(HEARTBEAT);
    scheduler.runOnce();

    Map<String, TaskInstance> tis = taskInstances(run);
    assertThat(tis.get("retrying").state()).isEqualTo(TaskState.UP_FOR_RETRY);
    assertThat(tis.get("retrying").times().nextRetryAt()).isEqualTo(clock.instant().plusSeconds(30));
    assertThat(tis.get("last_try").state()).isEqualTo(TaskState.FAILED);
    assertThat(tis.get("waiting").state()).isEqualTo(TaskState.SCHEDULED);
    assertThat(tis.get("waiting").tryNumber()).as("the try is given back").isZero();
    assertThat(tis.get("waiting").lease().jobId()).isNull();
    assertThat(runs.attempt(tis.get("last_try").key(), 1)).hasValueSatisfying(a -> {
      assertThat(a.state()).isEqualTo(TaskState.FAILED);
      assertThat(a.status().error()).contains("stopped heartbeating").contains("which is gone");
    });

    scheduler.runOnce();

    assertThat(executor.handed()).last().satisfies(ti -> {
      assertThat(ti.taskId()).isEqualTo("waiting");
      assertThat(ti.tryNumber()).isEqualTo(1);
      assertThat(ti.lease().jobId()).isEqualTo(scheduler.jobId());
    });
  }

  @Test
  void zombiesAreLookedForOncePerHeartbeatInterval() {
    RunKey run = trigger(aDag("etl").task("a").build());
    scheduler.runOnce();
    moveToJob(executor.handed(), deadJob("test-host", GONE_JVM), List.of("a"));

    clock.advance(HEARTBEAT.minusSeconds(1));
    scheduler.runOnce();
    assertThat(taskStates(run)).containsEntry("a", TaskState.RUNNING);

    clock.advance(Duration.ofSeconds(1));
    scheduler.runOnce();
    assertThat(taskStates(run)).containsEntry("a", TaskState.FAILED);
  }

  @Test
  void tasksOfAJobThatStillHeartbeatsAreLeftAlone() {
    RunKey run = trigger(aDag("etl").task("a").build());
    scheduler.runOnce();
    long alive = jobs.start("scheduler", "other-host", 4242, NOW);
    moveToJob(executor.handed(), alive, List.of("a"));

    clock.advance(HEARTBEAT);
    jobs.heartbeat(alive, clock.instant());
    scheduler.runOnce();

    assertThat(taskStates(run)).containsEntry("a", TaskState.RUNNING);
  }

  @Test
  void tryThatRanInsideADeadJobsJvmStillAliveWaitsUntilThatJvmIsGone() throws Exception {
    RunKey run = trigger(aDag("etl").task("a").build());
    scheduler.runOnce();
    Process stoppedJvm = new ProcessBuilder("sleep", "60").start();
    try {
      moveToJob(executor.handed(), deadJob("test-host", ProcessIdentity.of(stoppedJvm.toHandle())), List.of("a"));

      clock.advance(HEARTBEAT);
      scheduler.runOnce();
      assertThat(taskStates(run)).as("its JVM may resume and go on").containsEntry("a", TaskState.RUNNING);

      stoppedJvm.destroyForcibly().waitFor();
      clock.advance(HEARTBEAT);
      scheduler.runOnce();
      assertThat(taskStates(run)).containsEntry("a", TaskState.FAILED);
    } finally {
      stoppedJvm.destroyForcibly();
    }
  }

  @Test
  void tryOnAnotherHostIsLeftToAProcessOnThatHost() {
    RunKey run = trigger(aDag("etl").task("a").build());
    scheduler.runOnce();
    long dead = deadJob("far-host", GONE_JVM);
    moveToJob(executor.handed(), dead, List.of("a"), "far-host", null);

    clock.advance(HEARTBEAT);
    scheduler.runOnce();

    assertThat(taskStates(run)).containsEntry("a", TaskState.RUNNING);
  }

  @Test
  void shellTryThatFinishedAfterItsJobDiedKeepsItsRecordedSuccessAndEnd() throws Exception {
    finishedShellTryIsAdopted((running, end) -> {
      Path log = TaskLogs.attemptLog(logs, running.key(), 1);
      Files.createDirectories(log.getParent());
      // the wrapper's lines: the command's output, then its exit line
      Files.writeString(log, LogLines.format(NOW, LogLines.Stream.STDOUT, "done") + "\n" + LogLines.exitLine(end, 0));
    });
  }

  @Test
  void shellTryOfAnEarlierVersionsWrapperIsAdoptedFromItsExitFile() throws Exception {
    finishedShellTryIsAdopted((running, end) -> {
      Path exitFile = TaskLogs.exitFile(logs, running.key(), 1);
      Files.createDirectories(exitFile.getParent());
      Files.writeString(exitFile, "exit_code=0 ended_at=" + end.getEpochSecond() + "." + "234000\n");
    });
  }

  @Test
  void directlyRunProgramThatEndedAfterItsJobDiedKeepsItsRecordedSuccess() throws Exception {
    // no process recorded: a command run without the wrapper, its pid recorded only with the attempt
    finishedShellTryIsAdopted(false, (running, end) -> {
      Path log = TaskLogs.attemptLog(logs, running.key(), 1);
      Files.createDirectories(log.getParent());
      Files.writeString(log, LogLines.format(NOW, LogLines.Stream.STDOUT, "done") + "\n" + LogLines.exitLine(end, 0));
    });
  }

  @Test
  void directlyRunProgramOfADeadJobIsFoundByItsEnvironmentKilledAndItsTryRetried() throws Exception {
    RunKey run = trigger(aDag("etl").shellTask("a", "sleep 60", b -> b.retries(1).retryDelay(Duration.ZERO)).build());
    scheduler.runOnce();
    long dead = deadJob("test-host", GONE_JVM);
    moveToJob(executor.handed(), dead, List.of("a"), "test-host", null);
    TaskInstance running = runs.taskInstances(run).get(0);
    // the program as the executor starts it, in a session of its own with the try's variable; and
    // one of another job's run of the same try, which is not this try's to kill
    Process program = program(ProcessControl.tryValue(running.key(), 1, dead));
    Process other = program(ProcessControl.tryValue(running.key(), 1, dead + 1));
    try {
      clock.advance(HEARTBEAT);
      scheduler.runOnce();

      assertThat(program.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("found and killed").isTrue();
      assertThat(other.isAlive()).as("another job's program is left alone").isTrue();
      assertThat(runs.attempt(running.key(), 1)).hasValueSatisfying(a -> {
        assertThat(a.state()).isEqualTo(TaskState.FAILED);
        assertThat(a.status().error()).contains("leftover processes (pid " + program.pid());
      });
      scheduler.runOnce();
      assertThat(runs.taskInstances(run).get(0).tryNumber()).as("retried as a new try").isEqualTo(2);
    } finally {
      program.destroyForcibly();
      other.destroyForcibly();
    }
  }

  private static Process program(String tryValue) throws java.io.IOException {
    ProcessBuilder pb = new ProcessBuilder("setsid", "sleep", "60");
    pb.environment().put(ProcessControl.TRY_VARIABLE, tryValue);
    return pb.start();
  }

  private interface ExitRecorder {
    void record(TaskInstance running, Instant end) throws Exception;
  }

  private void finishedShellTryIsAdopted(ExitRecorder recorder) throws Exception {
    finishedShellTryIsAdopted(true, recorder);
  }

  private void finishedShellTryIsAdopted(boolean processRecorded, ExitRecorder recorder) throws Exception {
    RunKey run = trigger(aDag("etl").shellTask("a", "true", b -> b.retries(2)).build());
    scheduler.runOnce();
    long dead = deadJob("test-host", GONE_JVM);
    Process finished = new ProcessBuilder("true").start();
    ProcessIdentity leader = processRecorded ? ProcessIdentity.of(finished.toHandle()) : null;
    finished.waitFor();
    moveToJob(executor.handed(), dead, List.of("a"), "test-host", leader);
    TaskInstance running = runs.taskInstances(run).get(0);
    Instant end = NOW.plusMillis(1234);
    recorder.record(running, end);

    clock.advance(HEARTBEAT);
    scheduler.runOnce();

    TaskInstance ti = runs.taskInstances(run).get(0);
    assertThat(ti.state()).as("success stays success").isEqualTo(TaskState.SUCCESS);
    assertThat(ti.tryNumber()).isEqualTo(1);
    assertThat(ti.times().endDate()).isEqualTo(end);
    assertThat(runs.attempt(ti.key(), 1)).hasValueSatisfying(a -> {
      assertThat(a.state()).isEqualTo(TaskState.SUCCESS);
      assertThat(a.endDate()).isEqualTo(end);
      assertThat(a.status().exitCode()).isZero();
    });
    scheduler.runOnce();
    assertThat(runState(run)).isEqualTo(RunState.SUCCESS);
    assertThat(executor.handed()).as("nothing ran again").hasSize(1);
  }

  @Test
  void shellTryWhoseProcessLeftNoExitStatusFailsAndIsRetried() throws Exception {
    RunKey run = trigger(aDag("etl").task("a", b -> b.retries(1).retryDelay(Duration.ZERO)).build());
    scheduler.runOnce();
    long dead = deadJob("test-host", GONE_JVM);
    Process killed = new ProcessBuilder("sleep", "60").start();
    ProcessIdentity leader = ProcessIdentity.of(killed.toHandle());
    killed.destroyForcibly().waitFor();
    moveToJob(executor.handed(), dead, List.of("a"), "test-host", leader);
    TaskInstance running = runs.taskInstances(run).get(0);

    clock.advance(HEARTBEAT);
    scheduler.runOnce();

    assertThat(runs.attempt(running.key(), 1)).hasValueSatisfying(a -> {
      assertThat(a.state()).isEqualTo(TaskState.FAILED);
      assertThat(a.status().error()).contains("had ended");
    });
    scheduler.runOnce();
    assertThat(executor.handed()).extracting(TaskInstance::tryNumber).containsExactly(1, 2);
  }

  @Test
  void recoveryNeverKillsAnUnrelatedProcessThatInheritedTheTrysPid() throws Exception {
    java.util.Optional<String> why = io.contrail.testing.PidReuse.unavailable();
    org.junit.jupiter.api.Assumptions.assumeTrue(why.isEmpty(), () -> "PID reuse cannot be emulated: " + why.orElse(""));
    RunKey run = trigger(aDag("etl").task("a", b -> b.retries(1).retryDelay(Duration.ZERO)).build());
    scheduler.runOnce();
    long dead = deadJob("test-host", GONE_JVM);
    Process ended = new ProcessBuilder("setsid", "true").start();
    ProcessIdentity leader = ProcessIdentity.of(ended.toHandle());
    ended.waitFor();
    Thread.sleep(50); // start times have clock-tick precision; a real reuse comes far later
    java.util.Optional<Process> stranger = io.contrail.testing.PidReuse.startWithPid(leader.pid(),
        List.of("setsid", "sleep", "30"));
    org.junit.jupiter.api.Assumptions.assumeTrue(stranger.isPresent(), "other processes kept taking the pid");
    try {
      moveToJob(executor.handed(), dead, List.of("a"), "test-host", leader);
      TaskInstance running = runs.taskInstances(run).get(0);

      clock.advance(HEARTBEAT);
      scheduler.runOnce();

      assertThat(stranger.get().isAlive()).as("the process that got pid %d later", leader.pid()).isTrue();
      assertThat(runs.attempt(running.key(), 1)).hasValueSatisfying(a -> {
        assertThat(a.state()).isEqualTo(TaskState.FAILED);
        assertThat(a.status().error()).contains("now belongs to another process, which was left alone");
      });
      scheduler.runOnce();
      assertThat(executor.handed()).extracting(TaskInstance::tryNumber).containsExactly(1, 2);
    } finally {
      stranger.get().destroyForcibly();
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  private void addDag(Dag dag) {
    dags.upsert(dag, "hash-" + dag.dagId(), false, clock.instant());
  }

  /** Adds the DAG (manual only) and triggers a run of it. */
  private RunKey trigger(Dag dag) {
    addDag(dag);
    return creator.createNew(dag, RunRequest.manual(null, null, null)).key();
  }

  /**
   * Pretends the handed tasks were queued by {@code job} instead, and the ones named in
   * {@code running} started there: what the database shows after that scheduler died.
   */
  private void moveToJob(List<TaskInstance> handed, long job, List<String> running) {
    moveToJob(handed, job, running, "test-host", null);
  }

  /** A job of {@code process} on {@code host} that another scheduler has declared dead. */
  private long deadJob(String host, ProcessIdentity process) {
    long dead = jobs.start("scheduler", host, process, NOW.minus(Duration.ofMinutes(10)));
    jobs.markFailed(dead, NOW);
    return dead;
  }

  private void moveToJob(List<TaskInstance> handed, long job, List<String> running, String host,
      ProcessIdentity process) {
    for (TaskInstance queued : handed) {
      TaskInstance stored = runs.taskInstance(queued.key()).orElseThrow();
      TaskInstance theirs = stored.toHandedBack().toQueued(NOW, job);
      assertThat(runs.update(TaskChange.of(stored, stored.toHandedBack()))).isTrue();
      assertThat(runs.update(TaskChange.of(stored.toHandedBack(), theirs))).isTrue();
      if (running.contains(queued.taskId())) {
        assertThat(runs.update(TaskChange.of(theirs, theirs.toRunning(NOW, host, process)))).isTrue();
      }
    }
  }

  private RunState runState(RunKey key) {
    return runs.findRun(key).orElseThrow().state();
  }

  private RunState runState(String dagId, String runId) {
    return runState(new RunKey(dagId, runId));
  }

  private Map<String, TaskInstance> taskInstances(RunKey key) {
    return runs.taskInstances(key).stream().collect(Collectors.toMap(TaskInstance::taskId, ti -> ti));
  }

  private Map<String, TaskState> taskStates(RunKey key) {
    return runs.taskInstances(key).stream().collect(Collectors.toMap(TaskInstance::taskId, TaskInstance::state));
  }
}
