package io.contrail.storage;

import static io.contrail.testing.Fixtures.T0;
import static io.contrail.testing.Fixtures.aRun;
import static io.contrail.testing.Fixtures.aTaskInstance;
import static io.contrail.testing.Fixtures.anEtlDag;
import static io.contrail.testing.Fixtures.at;
import static io.contrail.testing.Fixtures.attemptOf;
import static io.contrail.testing.Fixtures.running;
import static io.contrail.testing.Fixtures.states;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.api.TaskSpec;
import io.contrail.dag.ImportError;
import io.contrail.run.DagRun;
import io.contrail.run.ProcessIdentity;
import io.contrail.run.RunKey;
import io.contrail.run.RunSpec;
import io.contrail.run.RunState;
import io.contrail.run.RunTrace;
import io.contrail.run.RunType;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.run.TraceContext;
import io.contrail.run.TraceIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour half of the storage contract: every promise of the stores the scheduler, executor,
 * API and CLI rely on, run unchanged against each database ({@link JdbcStoreContract}) and against
 * the in-memory fakes the scheduler's tests use ({@link InMemoryStoreTest}), so a fake cannot
 * behave differently from the real thing. Each test gets empty stores.
 */
abstract class StoreContract {
  private DagStore dags;
  private RunStore runs;
  private PoolStore pools;
  private JobStore jobs;

  /** Empty stores that no other test uses. */
  protected abstract Stores openStores();

  /** Frees what {@link #openStores} made. */
  protected void closeStores() {}

  @BeforeEach
  void open() {
    Stores stores = openStores();
    dags = stores.dags();
    runs = stores.runs();
    pools = stores.pools();
    jobs = stores.jobs();
  }

  @AfterEach
  void close() {
    closeStores();
  }

  // --- DAGs -----------------------------------------------------------------------------------

  @Test
  void upsertedDagReadsBackIdentically() {
    Dag dag = anEtlDag("etl");

    assertThat(dags.upsert(dag, "hash-1", true, T0)).isTrue();

    StoredDag stored = dags.find("etl").orElseThrow();
    assertThat(stored.dag()).isEqualTo(dag);
    assertThat(stored.dag().task("transform").spec()).isEqualTo(TaskSpec.sleep(Duration.ofMillis(1500)));
    assertThat(stored.dag().startDate()).isEqualTo(dag.startDate());
    assertThat(stored.fileHash()).isEqualTo("hash-1");
    assertThat(stored.active()).isTrue();
    assertThat(stored.lastParsedAt()).isEqualTo(T0);
  }

  @Test
  void dagListingsSayWhatTheDefinitionsSay() {
    Dag etl = anEtlDag("etl");
    Dag manual = Dag.builder("manual").startDate(Instant.parse("2026-01-01T00:00:00Z"))
        .task(TaskDefinition.builder("only", TaskSpec.shell("true"))).fileloc("/dags/manual.yaml").build();
    dags.upsert(etl, "h", true, T0);
    dags.upsert(manual, "h", false, T0);
    dags.deactivateAllExcept(List.of("etl"));

    assertThat(dags.listings()).containsExactly(
        new DagStore.DagListing("etl", true, true, "@daily", 3, List.of("etl", "nightly"), etl.fileloc()),
        new DagStore.DagListing("manual", false, false, null, 1, List.of(), "/dags/manual.yaml"));
  }

  @Test
  void reparsedDagIsUpdatedButKeepsItsPausedFlag() {
    dags.upsert(anEtlDag("etl"), "hash-1", true, T0);
    dags.setPaused("etl", false);
    Dag changed = anEtlDag("etl").withFileloc("/dags/moved.yaml");

    assertThat(dags.upsert(changed, "hash-2", true, at(60))).isFalse();

    StoredDag stored = dags.find("etl").orElseThrow();
    assertThat(stored.paused()).isFalse();
    assertThat(stored.dag()).isEqualTo(changed);
    assertThat(stored.fileHash()).isEqualTo("hash-2");
    assertThat(stored.lastParsedAt()).isEqualTo(at(60));
  }

  @Test
  void theStoredDefinitionsHashIsReadWithoutTheDag() {
    assertThat(dags.fileHash("etl")).isEmpty();
    dags.upsert(anEtlDag("etl"), "hash-1", true, T0);
    assertThat(dags.fileHash("etl")).contains("hash-1");

    dags.upsert(anEtlDag("etl").withFileloc("/dags/moved.yaml"), "hash-2", true, at(60));

    assertThat(dags.fileHash("etl")).contains("hash-2");
  }

  @Test
  void newDagStartsPausedOnlyWhenPausedIfNew() {
    dags.upsert(anEtlDag("paused_dag"), "h", true, T0);
    dags.upsert(anEtlDag("live_dag"), "h", false, T0);

    assertThat(dags.find("paused_dag").orElseThrow().paused()).isTrue();
    assertThat(dags.find("live_dag").orElseThrow().paused()).isFalse();
  }

  @Test
  void pausingAnUnknownDagReportsFalse() {
    assertThat(dags.setPaused("nope", true)).isFalse();
    assertThat(dags.find("nope")).isEmpty();
  }

  @Test
  void dagsWhoseFilesAreGoneBecomeInactiveAndComeBackWhenReparsed() {
    dags.upsert(anEtlDag("a"), "h", false, T0);
    dags.upsert(anEtlDag("b"), "h", false, T0);
    dags.upsert(anEtlDag("c"), "h", false, T0);

    dags.deactivateAllExcept(List.of("b"));

    assertThat(dags.list()).extracting(StoredDag::dagId, StoredDag::active)
        .containsExactly(
            tuple("a", false),
            tuple("b", true),
            tuple("c", false));

    dags.upsert(anEtlDag("a"), "h", false, at(60));
    assertThat(dags.find("a").orElseThrow().active()).isTrue();
  }

  @Test
  void importErrorsAreReplacedNotAccumulated() {
    dags.replaceImportErrors(List.of(new ImportError("/dags/old.yaml", 3, "bad indent")), T0);

    dags.replaceImportErrors(List.of(
        new ImportError("/dags/z.yaml", 0, "cycle between tasks: a -> b -> a"),
        new ImportError("/dags/a.yaml", 7, "unknown task type 'bash'")), at(60));

    assertThat(dags.importErrors()).containsExactly(
        new ImportError("/dags/a.yaml", 7, "unknown task type 'bash'"),
        new ImportError("/dags/z.yaml", 0, "cycle between tasks: a -> b -> a"));

    dags.replaceImportErrors(List.of(), at(120));
    assertThat(dags.importErrors()).isEmpty();
  }

  // --- runs -----------------------------------------------------------------------------------

  @Test
  void createdRunReadsBackWithEveryFieldAndItsTaskInstances() {
    DagRun run = aRun("etl").type(RunType.SCHEDULED).state(RunState.RUNNING).started(at(5))
        .parentSpanId(TraceIds.newSpanId()).build();
    List<TaskInstance> tis = List.of(aTaskInstance(run, "load"), aTaskInstance(run, "extract", "cpu", 2));

    assertThat(runs.createRun(run, tis)).isTrue();

    assertThat(runs.findRun(run.key())).contains(run);
    assertThat(runs.taskInstances(run.key())).containsExactly(tis.get(1), tis.get(0));
    assertThat(runs.taskInstance(tis.get(0).key())).contains(tis.get(0));
  }

  @Test
  void scheduledRunKeepsTheIdsOfTheLoopSpanThatCreatedIt() {
    String loopTraceId = TraceIds.newTraceId();
    String loopSpanId = TraceIds.newSpanId();
    DagRun run = aRun("etl").type(RunType.SCHEDULED).creator(loopTraceId, loopSpanId).build();

    runs.createRun(run, List.of());

    DagRun read = runs.findRun(run.key()).orElseThrow();
    assertThat(read).isEqualTo(run);
    assertThat(read.trace().createdBy().traceId()).isEqualTo(loopTraceId);
    assertThat(read.trace().createdBy().spanId()).isEqualTo(loopSpanId);
    assertThat(runs.runsInState(RunState.QUEUED)).contains(run);
  }

  @Test
  void runWithoutOptionalFieldsReadsBackWithNulls() {
    DagRun bare = DagRun.queued(new RunKey("etl", "manual__bare"), new RunSpec(RunType.MANUAL, T0, null, null, null),
        T0, new RunTrace(TraceContext.newTrace(0), null, null));

    runs.createRun(bare, List.of());

    assertThat(runs.findRun(bare.key())).contains(bare);
    assertThat(runs.taskInstances(bare.key())).isEmpty();
  }

  @Test
  void duplicateRunIdIsRefusedAndChangesNothing() {
    DagRun first = aRun("etl").runId("manual__1").build();
    runs.createRun(first, List.of(aTaskInstance(first, "extract")));
    DagRun second = aRun("etl").runId("manual__1").state(RunState.RUNNING).queuedAt(at(10)).build();

    assertThat(runs.createRun(second, List.of(aTaskInstance(second, "extract"), aTaskInstance(second, "load"))))
        .isFalse();

    assertThat(runs.findRun(first.key())).contains(first);
    assertThat(runs.taskInstances(first.key())).hasSize(1);
  }

  @Test
  void twoSchedulersCreatingTheSameRunAtOnceCreateItOnce() throws Exception {
    DagRun run = aRun("etl").runId("scheduled__race").build();
    List<TaskInstance> tis = List.of(aTaskInstance(run, "extract"));

    List<Boolean> results = concurrently(() -> runs.createRun(run, tis), () -> runs.createRun(run, tis));

    assertThat(results).containsExactlyInAnyOrder(true, false);
    assertThat(runs.findRun(run.key())).contains(run);
  }

  @Test
  void runsAreListedNewestFirstOverallAndPerDag() {
    DagRun old = aRun("a").runId("r1").queuedAt(at(0)).build();
    DagRun mid = aRun("b").runId("r2").queuedAt(at(10)).build();
    DagRun recent = aRun("a").runId("r3").queuedAt(at(20)).build();
    for (DagRun r : List.of(mid, recent, old)) {
      runs.createRun(r, List.of());
    }

    assertThat(runs.listRuns(null, 10)).containsExactly(recent, mid, old);
    assertThat(runs.listRuns(null, 2)).containsExactly(recent, mid);
    assertThat(runs.listRuns("a", 10)).containsExactly(recent, old);
    assertThat(runs.listRuns("unknown", 10)).isEmpty();
  }

  @Test
  void runsInStateFindsOnlyThatStateOldestFirst() {
    DagRun queuedLate = aRun("a").runId("q2").queuedAt(at(10)).build();
    DagRun queuedEarly = aRun("b").runId("q1").queuedAt(at(0)).build();
    DagRun running = aRun("a").runId("r").state(RunState.RUNNING).build();
    for (DagRun r : List.of(queuedLate, queuedEarly, running)) {
      runs.createRun(r, List.of());
    }

    assertThat(runs.runsInState(RunState.QUEUED)).containsExactly(queuedEarly, queuedLate);
    assertThat(runs.runsInState(RunState.RUNNING)).containsExactly(running);
    assertThat(runs.runsInState(RunState.FAILED)).isEmpty();
  }

  @Test
  void countRunsCountsOneDagInOneState() {
    runs.createRun(aRun("a").runId("1").state(RunState.RUNNING).build(), List.of());
    runs.createRun(aRun("a").runId("2").state(RunState.RUNNING).build(), List.of());
    runs.createRun(aRun("a").runId("3").state(RunState.QUEUED).build(), List.of());
    runs.createRun(aRun("b").runId("4").state(RunState.RUNNING).build(), List.of());

    assertThat(runs.countRuns("a", RunState.RUNNING)).isEqualTo(2);
    assertThat(runs.countRuns("a", RunState.QUEUED)).isEqualTo(1);
    assertThat(runs.countRuns("a", RunState.SUCCESS)).isZero();
    assertThat(runs.countRuns("c", RunState.RUNNING)).isZero();
  }

  @Test
  void latestLogicalDateLooksOnlyAtTheGivenRunTypes() {
    runs.createRun(aRun("etl").type(RunType.SCHEDULED).logicalDate(at(0)).build(), List.of());
    runs.createRun(aRun("etl").type(RunType.SCHEDULED).logicalDate(at(86_400)).build(), List.of());
    runs.createRun(aRun("etl").type(RunType.BACKFILL).logicalDate(at(172_800)).build(), List.of());
    runs.createRun(aRun("etl").type(RunType.MANUAL).logicalDate(at(999_999)).build(), List.of());
    runs.createRun(aRun("other").type(RunType.SCHEDULED).logicalDate(at(999_999)).build(), List.of());

    assertThat(runs.latestLogicalDate("etl", List.of(RunType.SCHEDULED))).contains(at(86_400));
    assertThat(runs.latestLogicalDate("etl", List.of(RunType.SCHEDULED, RunType.BACKFILL)))
        .contains(at(172_800));
    assertThat(runs.latestLogicalDate("new_dag", List.of(RunType.SCHEDULED))).isEmpty();
    assertThat(runs.latestLogicalDate("etl", List.of())).isEmpty();
  }

  @Test
  void runExistsMatchesDagTypeAndLogicalDate() {
    runs.createRun(aRun("etl").type(RunType.SCHEDULED).logicalDate(at(0)).build(), List.of());

    assertThat(runs.runExists("etl", RunType.SCHEDULED, at(0))).isTrue();
    assertThat(runs.runExists("etl", RunType.BACKFILL, at(0))).isFalse();
    assertThat(runs.runExists("etl", RunType.SCHEDULED, at(1))).isFalse();
    assertThat(runs.runExists("other", RunType.SCHEDULED, at(0))).isFalse();
  }

  @Test
  void runTransitionIsACompareAndSetOnItsState() {
    DagRun run = aRun("etl").build();
    runs.createRun(run, List.of());

    assertThat(runs.transition(run, run.toRunning(at(1)))).isTrue();
    assertThat(runs.transition(run, run.toRunning(at(2)))).as("another scheduler started it first").isFalse();

    DagRun started = runs.findRun(run.key()).orElseThrow();
    assertThat(started.state()).isEqualTo(RunState.RUNNING);
    assertThat(started.times().startDate()).isEqualTo(at(1));
    assertThat(started.times().endDate()).isNull();

    assertThat(runs.transition(started, started.toFinished(RunState.SUCCESS, at(9)))).isTrue();
    DagRun finished = runs.findRun(run.key()).orElseThrow();
    assertThat(finished.state()).isEqualTo(RunState.SUCCESS);
    assertThat(finished.times().startDate()).as("kept from the start").isEqualTo(at(1));
    assertThat(finished.times().endDate()).isEqualTo(at(9));
    assertThat(finished.times().queuedAt()).isEqualTo(run.times().queuedAt());
  }

  // --- task instances -------------------------------------------------------------------------

  @Test
  void taskInstanceUpdateWritesEveryChangedField() {
    DagRun run = aRun("etl").build();
    TaskInstance none = aTaskInstance(run, "extract");
    runs.createRun(run, List.of(none));
    TaskInstance queued = none.toScheduled(at(1)).toQueued(at(2), 42L);

    assertThat(runs.update(TaskChange.of(none, queued))).isTrue();
    TaskInstance withPid = queued.toRunning(at(3), "worker-1", new ProcessIdentity(4711L, at(3)));
    assertThat(runs.update(TaskChange.of(queued, withPid))).isTrue();

    assertThat(runs.taskInstance(none.key())).contains(withPid);
    assertThat(withPid.tryNumber()).isEqualTo(1);
  }

  @Test
  void twoProcessesUpdatingFromTheSameStateExactlyOneWins() throws Exception {
    DagRun run = aRun("etl").build();
    TaskInstance none = aTaskInstance(run, "extract");
    runs.createRun(run, List.of(none));
    TaskInstance scheduled = none.toScheduled(at(1));
    runs.update(TaskChange.of(none, scheduled));
    TaskInstance byJob1 = scheduled.toQueued(at(2), 1L);
    TaskInstance byJob2 = scheduled.toQueued(at(2), 2L);

    List<Boolean> results = concurrently(
        () -> runs.update(TaskChange.of(scheduled, byJob1)), () -> runs.update(TaskChange.of(scheduled, byJob2)));

    assertThat(results).containsExactlyInAnyOrder(true, false);
    TaskInstance winner = results.get(0) ? byJob1 : byJob2;
    assertThat(runs.taskInstance(none.key())).contains(winner);
  }

  @Test
  void workerOfAnEarlierTryCannotFinishTheNewTry() {
    DagRun run = aRun("etl").build();
    TaskInstance none = aTaskInstance(run, "extract");
    runs.createRun(run, List.of(none));
    TaskInstance firstTry = running(none, 1L);
    runs.update(TaskChange.of(none, firstTry));
    // The scheduler declares the first worker dead and starts a second try, running again.
    TaskInstance retrying = firstTry.toFinished(false, at(4), Duration.ofSeconds(30), false);
    TaskInstance secondTry = retrying.toScheduled(at(40)).toQueued(at(41), 2L).toRunning(at(42), "worker-2");
    runs.update(TaskChange.of(firstTry, retrying));
    runs.update(TaskChange.of(retrying, secondTry));

    // The first worker still sees "running": same state, but its try is over.
    boolean zombieWon = runs.update(TaskChange.of(firstTry, firstTry.toFinished(true, at(50), Duration.ZERO, false)));

    assertThat(zombieWon).isFalse();
    assertThat(runs.taskInstance(none.key())).contains(secondTry);
  }

  @Test
  void someTasksOfARunAreReadWithTheirAttemptsAndNoOthers() {
    DagRun run = aRun("etl").build();
    List<TaskInstance> tis = List.of(aTaskInstance(run, "a"), aTaskInstance(run, "b"), aTaskInstance(run, "c"));
    runs.createRun(run, tis);
    for (TaskInstance none : tis) {
      TaskInstance queued = none.toScheduled(at(1)).toQueued(at(2), 7L);
      runs.update(TaskChange.of(none, queued));
      TaskInstance started = queued.toRunning(at(3), "worker-1", new ProcessIdentity(999L, at(2)));
      runs.update(new TaskChange(queued, started, attemptOf(started, null, null)));
    }

    assertThat(runs.taskInstances(run.key(), List.of("c", "a", "missing"))).extracting(TaskInstance::taskId)
        .containsExactlyInAnyOrder("a", "c");
    assertThat(runs.attempts(run.key(), List.of("b"))).extracting(TaskAttempt::taskId).containsExactly("b");
    assertThat(runs.taskSegments(run.key(), List.of("a"))).isEmpty();
    assertThat(runs.taskInstances(run.key(), List.of())).isEmpty();
  }

  @Test
  void attemptIsRecordedWhenStartedAndUpdatedWhenFinished() {
    DagRun run = aRun("etl").build();
    TaskInstance none = aTaskInstance(run, "extract");
    runs.createRun(run, List.of(none));
    TaskInstance queued = none.toScheduled(at(1)).toQueued(at(2), 7L);
    runs.update(TaskChange.of(none, queued));
    TaskInstance started = queued.toRunning(at(3), "worker-1", new ProcessIdentity(999L, at(2)));

    assertThat(runs.update(new TaskChange(queued, started, attemptOf(started, null, null)))).isTrue();
    assertThat(runs.attempt(started.key(), 1)).contains(attemptOf(started, null, null));

    TaskInstance failed = started.toFinished(false, at(9), Duration.ofSeconds(30), false);
    TaskAttempt finished = attemptOf(failed, 2, "exit code 2: no such file");
    assertThat(runs.update(new TaskChange(started, failed, finished))).isTrue();

    assertThat(runs.attempts(run.key())).containsExactly(finished);
    assertThat(finished.state()).isEqualTo(TaskState.UP_FOR_RETRY);
    assertThat(runs.attempt(started.key(), 2)).isEmpty();
  }

  @Test
  void refusedUpdateRecordsNoAttempt() {
    DagRun run = aRun("etl").build();
    TaskInstance none = aTaskInstance(run, "extract");
    runs.createRun(run, List.of(none));
    TaskInstance started = running(none, 1L);

    assertThat(runs.update(new TaskChange(none.toScheduled(at(1)), started, attemptOf(started, null, null)))).isFalse();

    assertThat(runs.attempts(run.key())).isEmpty();
    assertThat(runs.taskInstance(none.key())).contains(none);
  }

  @Test
  void attemptsOfARunAreOrderedByTaskThenTry() {
    DagRun run = aRun("etl").build();
    TaskInstance load = aTaskInstance(run, "load");
    TaskInstance extract = aTaskInstance(run, "extract");
    runs.createRun(run, List.of(load, extract));
    TaskInstance loadTry1 = running(load, 1L);
    runs.update(new TaskChange(load, loadTry1, attemptOf(loadTry1, null, null)));
    TaskInstance loadRetry = loadTry1.toFinished(false, at(4), Duration.ofSeconds(1), false);
    runs.update(new TaskChange(loadTry1, loadRetry, attemptOf(loadRetry, 1, "boom")));
    TaskInstance loadTry2 = loadRetry.toScheduled(at(5)).toQueued(at(6), 1L).toRunning(at(7), "worker-1");
    runs.update(new TaskChange(loadRetry, loadTry2, attemptOf(loadTry2, null, null)));
    TaskInstance extractTry1 = running(extract, 1L);
    runs.update(new TaskChange(extract, extractTry1, attemptOf(extractTry1, null, null)));

    assertThat(runs.attempts(run.key()))
        .extracting(TaskAttempt::taskId, TaskAttempt::tryNumber, TaskAttempt::state)
        .containsExactly(
            tuple("extract", 1, TaskState.RUNNING),
            tuple("load", 1, TaskState.UP_FOR_RETRY),
            tuple("load", 2, TaskState.RUNNING));
    assertThat(runs.attempts(run.key())).extracting(TaskAttempt::spanId)
        .as("each try has its own span").doesNotHaveDuplicates();
  }

  @Test
  void taskInstancesInStatesSpansEveryRun() {
    DagRun runA = aRun("a").build();
    DagRun runB = aRun("b").build();
    TaskInstance a1 = aTaskInstance(runA, "t1");
    TaskInstance a2 = aTaskInstance(runA, "t2");
    TaskInstance b1 = aTaskInstance(runB, "t1");
    runs.createRun(runA, List.of(a1, a2));
    runs.createRun(runB, List.of(b1));
    TaskInstance a1Running = running(a1, 1L);
    TaskInstance b1Queued = b1.toScheduled(at(1)).toQueued(at(2), 1L);
    runs.update(TaskChange.of(a1, a1Running));
    runs.update(TaskChange.of(b1, b1Queued));

    assertThat(runs.taskInstancesInStates(EnumSet.of(TaskState.QUEUED, TaskState.RUNNING)))
        .containsExactlyInAnyOrder(a1Running, b1Queued);
    assertThat(runs.taskInstancesInStates(List.of(TaskState.NONE))).containsExactly(a2);
    assertThat(runs.taskInstancesInStates(List.of())).isEmpty();
    assertThat(states(runs.taskInstances(runA.key()))).containsExactly(TaskState.RUNNING, TaskState.NONE);
  }

  // --- fencing: every write names its job, a dead job writes nothing -----------------------------

  @Test
  void jobDeclaredDeadHasEveryWriteRefusedWhileALiveJobRecovers() {
    long owner = jobs.start("scheduler", "host-1", 1, T0);
    long recoverer = jobs.start("scheduler", "host-2", 2, T0);
    DagRun run = aRun("etl").build();
    TaskInstance none = aTaskInstance(run, "extract");
    runs.createRun(run, List.of(none));
    TaskInstance scheduled = none.toScheduled(at(1));
    runs.update(TaskChange.of(none, scheduled).by(recoverer));
    TaskInstance queued = scheduled.toQueued(at(2), owner);
    assertThat(runs.update(TaskChange.of(scheduled, queued).by(owner))).isTrue();

    jobs.markFailed(owner, at(40));

    TaskInstance running = queued.toRunning(at(41), "host-1");
    assertThat(runs.update(new TaskChange(queued, running, attemptOf(running, null, null)).by(owner)))
        .as("the dead owner starts its try").isFalse();
    assertThat(runs.updateAll(List.of(TaskChange.of(queued, running).by(owner)))).containsExactly(false);
    assertThat(runs.attempts(run.key())).as("no attempt row from a refused write").isEmpty();
    assertThat(runs.taskInstance(none.key())).contains(queued);
    assertThat(runs.update(TaskChange.of(queued, queued.toHandedBack()).by(recoverer)))
        .as("the live recoverer hands it back").isTrue();
    assertThat(runs.taskInstance(none.key()).orElseThrow().state()).isEqualTo(TaskState.SCHEDULED);
  }

  @Test
  void staleOwnerCannotWriteOverATryQueuedAgainWithTheSameNumber() {
    long first = jobs.start("scheduler", "host-1", 1, T0);
    long second = jobs.start("scheduler", "host-2", 2, T0);
    DagRun run = aRun("etl").build();
    TaskInstance none = aTaskInstance(run, "extract");
    runs.createRun(run, List.of(none));
    TaskInstance scheduled = none.toScheduled(at(1));
    runs.update(TaskChange.of(none, scheduled));
    TaskInstance byFirst = scheduled.toQueued(at(2), first);
    runs.update(TaskChange.of(scheduled, byFirst).by(first));
    // recovered (try given back), then queued again by the second job: same state, same try number
    runs.update(TaskChange.of(byFirst, byFirst.toHandedBack()).by(second));
    TaskInstance bySecond = byFirst.toHandedBack().toQueued(at(50), second);
    runs.update(TaskChange.of(byFirst.toHandedBack(), bySecond).by(second));
    assertThat(bySecond.tryNumber()).isEqualTo(byFirst.tryNumber());

    TaskInstance firstStarts = byFirst.toRunning(at(51), "host-1");
    assertThat(runs.update(TaskChange.of(byFirst, firstStarts).by(first))).as("written by the first job").isFalse();
    assertThat(runs.update(TaskChange.of(byFirst, firstStarts))).as("written by no job").isFalse();

    assertThat(runs.taskInstance(none.key())).contains(bySecond);
    assertThat(runs.update(TaskChange.of(bySecond, bySecond.toRunning(at(52), "host-2")).by(second))).isTrue();
  }

  @Test
  void runTransitionOfAJobDeclaredDeadIsRefused() {
    long dead = jobs.start("scheduler", "host-1", 1, T0);
    long alive = jobs.start("scheduler", "host-2", 2, T0);
    jobs.markFailed(dead, at(40));
    DagRun run = aRun("etl").build();
    runs.createRun(run, List.of());

    assertThat(runs.transition(run, run.toRunning(at(41)), dead)).isFalse();
    assertThat(runs.findRun(run.key()).orElseThrow().state()).isEqualTo(RunState.QUEUED);
    assertThat(runs.transition(run, run.toRunning(at(42)), alive)).isTrue();
    assertThat(runs.transition(run, run.toRunning(at(43)), null)).as("and only once").isFalse();
  }

  @Test
  void processIdentitiesOfTaskAndJobReadBack() {
    ProcessIdentity jvm = new ProcessIdentity(4242L, at(-60));
    long job = jobs.start("standalone", "host-1", jvm, T0);
    DagRun run = aRun("etl").build();
    TaskInstance none = aTaskInstance(run, "extract");
    runs.createRun(run, List.of(none));
    TaskInstance queued = none.toScheduled(at(1)).toQueued(at(2), job);
    runs.update(TaskChange.of(none, queued).by(job));
    ProcessIdentity leader = new ProcessIdentity(777L, Instant.parse("2026-03-01T10:15:33.456789Z"));
    TaskInstance running = queued.toRunning(at(3), "host-1", leader);

    assertThat(runs.update(TaskChange.of(queued, running).by(job))).isTrue();

    TaskInstance read = runs.taskInstance(none.key()).orElseThrow();
    assertThat(read.lease().process()).isEqualTo(leader);
    assertThat(read.lease().process().startedAt()).isEqualTo(Instant.parse("2026-03-01T10:15:33.456Z"));
    assertThat(read.lease().jobId()).isEqualTo(job);
    assertThat(jobs.find(job).orElseThrow().process()).isEqualTo(jvm);
  }

  // --- pools ----------------------------------------------------------------------------------

  @Test
  void ensuringAnExistingPoolKeepsItsSize() {
    pools.ensure("default_pool", 128, "default");
    pools.setSlots("default_pool", 4);

    pools.ensure("default_pool", 128, "default");

    assertThat(pools.slots()).containsExactly(Map.entry("default_pool", 4));
  }

  @Test
  void setSlotsResizesOrCreatesAPool() {
    pools.ensure("cpu", 2, "cpu bound");

    pools.setSlots("cpu", 8);
    pools.setSlots("gpu", 1);

    assertThat(pools.slots()).containsExactly(Map.entry("cpu", 8), Map.entry("gpu", 1));
  }

  @Test
  void occupiedSlotsCountPoolSlotsOfQueuedAndRunningTasksOnly() {
    DagRun run = aRun("etl").build();
    TaskInstance big = aTaskInstance(run, "big", "cpu", 3);
    TaskInstance small = aTaskInstance(run, "small", "cpu", 1);
    TaskInstance waiting = aTaskInstance(run, "waiting", "cpu", 5);
    TaskInstance done = aTaskInstance(run, "done", "cpu", 7);
    TaskInstance other = aTaskInstance(run, "other", "io", 2);
    runs.createRun(run, List.of(big, small, waiting, done, other));
    runs.update(TaskChange.of(big, running(big, 1L)));
    runs.update(TaskChange.of(small, small.toScheduled(at(1)).toQueued(at(2), 1L)));
    runs.update(TaskChange.of(waiting, waiting.toScheduled(at(1))));
    TaskInstance doneRunning = running(done, 1L);
    runs.update(TaskChange.of(done, doneRunning));
    runs.update(TaskChange.of(doneRunning, doneRunning.toFinished(true, at(9), Duration.ZERO, false)));
    runs.update(TaskChange.of(other, running(other, 1L)));

    assertThat(pools.occupiedSlots()).containsOnly(Map.entry("cpu", 4), Map.entry("io", 2));
  }

  // --- scheduler jobs -------------------------------------------------------------------------

  @Test
  void startedJobIsRunningAndHeartbeats() {
    long id = jobs.start("scheduler", "host-1", 1234, T0);

    assertThat(jobs.heartbeat(id, at(5))).isTrue();

    assertThat(jobs.find(id)).contains(new Job(id, "scheduler", "host-1", 1234, "running", T0, null, at(5)));
    assertThat(jobs.start("scheduler", "host-2", 99, T0)).isNotEqualTo(id);
  }

  @Test
  void staleJobsAreRunningJobsWithAnOldHeartbeat() {
    long silent = jobs.start("scheduler", "host-1", 1, T0);
    long alive = jobs.start("scheduler", "host-2", 2, T0);
    long ended = jobs.start("scheduler", "host-3", 3, T0);
    jobs.heartbeat(alive, at(30));
    jobs.end(ended, "success", at(10));

    assertThat(jobs.staleJobs(at(20))).extracting(Job::id).containsExactly(silent);
    assertThat(jobs.find(ended).orElseThrow().state()).isEqualTo("success");
    assertThat(jobs.find(ended).orElseThrow().endDate()).isEqualTo(at(10));
  }

  @Test
  void staleJobIsMarkedFailedOnceAndCannotHeartbeatAgain() {
    long id = jobs.start("scheduler", "host-1", 1, T0);

    assertThat(jobs.markFailed(id, at(60))).isTrue();
    assertThat(jobs.markFailed(id, at(61))).as("another scheduler got there first").isFalse();
    assertThat(jobs.heartbeat(id, at(62))).as("the job learns it was declared dead").isFalse();

    Job failed = jobs.find(id).orElseThrow();
    assertThat(failed.state()).isEqualTo("failed");
    assertThat(failed.endDate()).isEqualTo(at(60));
    assertThat(failed.latestHeartbeat()).isEqualTo(T0);
    assertThat(jobs.staleJobs(at(1000))).isEmpty();
  }

  /** Runs both calls at the same moment on two threads; their results in argument order. */
  @SafeVarargs
  private static <T> List<T> concurrently(Callable<T>... calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.length);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = Arrays.stream(calls)
          .map(call -> pool.submit(() -> {
            go.await();
            return call.call();
          }))
          .toList();
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
