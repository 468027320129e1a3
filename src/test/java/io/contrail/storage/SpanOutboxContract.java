package io.contrail.storage;

import static io.contrail.testing.Fixtures.T0;
import static io.contrail.testing.Fixtures.aRun;
import static io.contrail.testing.Fixtures.aTaskInstance;
import static io.contrail.testing.Fixtures.at;
import static io.contrail.testing.Fixtures.attemptOf;
import static io.contrail.testing.Fixtures.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.AttemptStatus;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The span outbox on a real database (H2 and PostgreSQL): what enters it — in the transaction
 * that finishes a run, task instance or attempt, by every path that finishes one — and how
 * batches are claimed, released, taken over and deleted. Each test gets an empty, migrated schema.
 */
abstract class SpanOutboxContract {
  static final String RESOURCE = "{\"schema_url\":null,\"attributes\":[[\"service.instance.id\",\"STRING\",\"p1\"]]}";
  private static final Duration LEASE = Duration.ofSeconds(30);

  private Database db;
  /** Stores of a process with tracing on. */
  private Stores traced;
  /** Stores of a process with tracing off. */
  private Stores untraced;
  private SpanOutbox outbox;
  private final AtomicInteger runs = new AtomicInteger();

  protected abstract Database openEmptyDatabase();

  protected void dropDatabase(Database closed) {}

  @BeforeEach
  void open() {
    db = openEmptyDatabase();
    db.migrate();
    traced = Stores.jdbc(db, SpanRecording.of(() -> RESOURCE));
    untraced = Stores.jdbc(db);
    outbox = Stores.spanOutbox(db);
  }

  @AfterEach
  void close() {
    db.close();
    dropDatabase(db);
  }

  /** A run of one task "t" that succeeded on its first try, finished through {@code stores}. */
  private DagRun finishedRun(Stores stores, DagRun queued) {
    DagRun run = queued;
    stores.runs().createRun(run, List.of(aTaskInstance(run, "t")));
    DagRun started = run.toRunning(at(1));
    stores.runs().transition(run, started);
    TaskInstance ti = stores.runs().taskInstances(run.key()).get(0);
    TaskInstance r = running(ti, 1);
    stores.runs().update(new TaskChange(ti, r, attemptOf(r, null, null)));
    TaskInstance done = r.toFinished(true, at(5), Duration.ZERO, false);
    stores.runs().update(new TaskChange(r, done, attemptOf(done, 0, null)));
    DagRun finished = started.toFinished(RunState.SUCCESS, at(6));
    stores.runs().transition(started, finished);
    return finished;
  }

  private DagRun finishedRun(Stores stores) {
    return finishedRun(stores, aRun("d").runId("r" + runs.incrementAndGet()).build());
  }

  private SpanOutbox.Batch claim(String token, Instant now) {
    return outbox.claim(null, token, 100, now, timeouts -> LEASE);
  }

  @Test
  void aFinishedSampledRunQueuesItsRunTaskAndAttemptWithTheFinishingProcesssResource() {
    DagRun run = finishedRun(traced);

    assertThat(outbox.pending()).isEqualTo(3);
    SpanOutbox.Batch batch = claim("a", at(10));
    assertThat(batch.claimed()).isEqualTo(3);
    assertThat(batch.runs()).extracting(s -> s.row().key()).containsExactly(run.key());
    assertThat(batch.runs().get(0).row().state()).isEqualTo(RunState.SUCCESS);
    assertThat(batch.tasks()).extracting(s -> s.row().state()).containsExactly(TaskState.SUCCESS);
    assertThat(batch.attempts()).extracting(s -> s.row().status().exitCode()).containsExactly(0);
    Long resource = batch.runs().get(0).resourceId();
    assertThat(resource).isNotNull();
    assertThat(batch.tasks().get(0).resourceId()).isEqualTo(resource);
    assertThat(batch.attempts().get(0).resourceId()).isEqualTo(resource);
    assertThat(outbox.resource(resource)).contains(RESOURCE);
    // the same rows read for traces export name the same resource
    assertThat(outbox.finishedRows(run.key()).attempts()).extracting(SpanOutbox.Stored::resourceId).containsExactly(resource);
  }

  @Test
  void unsampledRunsAndRunsFinishedWithTracingOffNeverEnterIt() {
    finishedRun(traced, aRun("d").runId("unsampled").unsampled().build());
    DagRun quiet = finishedRun(untraced);

    assertThat(outbox.pending()).isZero();
    assertThat(outbox.finishedRows(quiet.key()).runs()).extracting(SpanOutbox.Stored::resourceId).containsOnlyNulls();
  }

  @Test
  void aTryThatFailsWithRetriesLeftQueuesOnlyItsAttempt() {
    DagRun run = aRun("d").state(RunState.RUNNING).build();
    TaskInstance ti = aTaskInstance(run, "t");
    traced.runs().createRun(run, List.of(ti));
    TaskInstance r = running(ti, 1);
    traced.runs().update(new TaskChange(ti, r, attemptOf(r, null, null)));
    TaskInstance retry = r.toFinished(false, at(5), Duration.ofSeconds(10), false);
    assertThat(retry.state()).isEqualTo(TaskState.UP_FOR_RETRY);
    traced.runs().update(new TaskChange(r, retry,
        TaskAttempt.started(r, "local").finished(AttemptStatus.failed(1, "boom"), null, at(5))));

    SpanOutbox.Batch batch = claim("a", at(10));
    assertThat(batch.tasks()).isEmpty();
    assertThat(batch.attempts()).extracting(s -> s.row().tryNumber()).containsExactly(1);
  }

  @Test
  void groupCommittedPassesAndRecoveredTriesAreQueuedLikeAnyOther() {
    DagRun run = aRun("d").state(RunState.RUNNING).build();
    TaskInstance a = aTaskInstance(run, "a");
    TaskInstance b = aTaskInstance(run, "b");
    TaskInstance c = aTaskInstance(run, "c");
    traced.runs().createRun(run, List.of(a, b, c));
    TaskInstance ra = running(a, 1);
    TaskInstance rb = running(b, 1);
    traced.runs().updateAll(List.of(new TaskChange(a, ra, attemptOf(ra, null, null)),
        new TaskChange(b, rb, attemptOf(rb, null, null))));
    TaskInstance da = ra.toFinished(true, at(5), Duration.ZERO, false);
    TaskInstance db2 = rb.toFinished(true, at(5), Duration.ZERO, false);
    // one group commit: two finished tries, plus one change that loses its compare-and-set
    boolean[] applied = traced.runs().updateAll(List.of(new TaskChange(ra, da, attemptOf(da, 0, null)),
        new TaskChange(rb, db2, attemptOf(db2, 0, null)), new TaskChange(ra, da, attemptOf(da, 0, null))));
    assertThat(applied).containsExactly(true, true, false);
    assertThat(outbox.pending()).isEqualTo(4);
    // the zombie reaper: a queued try whose scheduler died is failed with an attempt of its own
    TaskInstance qc = c.toScheduled(at(1)).toQueued(at(2), 7);
    traced.runs().update(TaskChange.of(c, qc));
    TaskInstance failed = qc.toFinished(false, at(9), Duration.ZERO, false);
    TaskAttempt recovered = TaskAttempt.started(qc, null).finished(AttemptStatus.failed(null, "recovered"), null, at(9));
    traced.runs().update(new TaskChange(qc, failed, recovered));

    assertThat(failed.state()).isEqualTo(TaskState.UP_FOR_RETRY);
    assertThat(outbox.pending()).isEqualTo(5);
  }

  @Test
  void aBatchIsHeldByOneClaimUntilDeletedReleasedOrItsLeaseEnds() {
    finishedRun(traced);

    assertThat(claim("a", at(10)).claimed()).isEqualTo(3);
    assertThat(claim("b", at(11)).claimed()).isZero();
    outbox.release("a", false);
    assertThat(claim("c", at(12)).claimed()).isEqualTo(3);
    // c's process died: once the lease is over another may take the rows
    assertThat(claim("d", at(12 + 31)).claimed()).isEqualTo(3);
    assertThat(outbox.claimedUnder("c")).as("what c still holds").isZero();
    assertThat(outbox.claimedUnder("d")).isEqualTo(3);
    outbox.delete("c"); // c's late delete removes nothing that d holds
    assertThat(outbox.pending()).isEqualTo(3);
    outbox.delete("d");
    assertThat(outbox.pending()).isZero();
    assertThat(claim("e", at(100)).claimed()).isZero();
  }

  @Test
  void aTimedOutBatchComesBackWithItsTimeoutCountForALongerLease() {
    finishedRun(traced);
    List<Integer> asked = new ArrayList<>();

    outbox.claim(null, "a", 100, at(10), t -> {
      asked.add(t);
      return LEASE;
    });
    outbox.release("a", true);
    SpanOutbox.Batch again = outbox.claim(null, "b", 100, at(11), t -> {
      asked.add(t);
      return Duration.ofMinutes(2);
    });

    assertThat(asked).containsExactly(0, 1);
    assertThat(again.timeouts()).isEqualTo(1);
    assertThat(claim("c", at(11 + 60)).claimed()).as("held for the longer lease").isZero();
    outbox.release("b", false); // refused this time: the count stays
    assertThat(claim("d", at(12)).timeouts()).isEqualTo(1);
  }

  @Test
  void declaringTheClaimingJobDeadReleasesItsClaimsAtOnce() {
    finishedRun(traced);
    long job = traced.jobs().start("scheduler", "h", 1, at(0));
    long survivor = traced.jobs().start("scheduler", "h", 2, at(0));

    assertThat(outbox.claim(job, "a", 100, at(10), t -> LEASE).claimed()).isEqualTo(3);
    assertThat(claim("b", at(11)).claimed()).isZero();
    assertThat(traced.jobs().markFailed(survivor, at(11))).isTrue(); // another job's death frees nothing
    assertThat(claim("b", at(11)).claimed()).isZero();
    assertThat(outbox.claimedUnder("a")).isEqualTo(3);
    assertThat(traced.jobs().markFailed(job, at(12))).isTrue();
    assertThat(outbox.claimedUnder("a")).as("what the dead job's claim still holds").isZero();
    assertThat(claim("c", at(12)).claimed()).as("well before the lease ends").isEqualTo(3);
  }

  @Test
  void processesClaimingAtOnceGetDisjointBatches() throws Exception {
    for (int i = 0; i < 20; i++) {
      finishedRun(traced);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> claims = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        int process = p;
        claims.add(pool.submit(() -> {
          List<String> mine = new ArrayList<>();
          for (int round = 0; round < 10; round++) {
            SpanOutbox.Batch b = outbox.claim((long) process, "p" + process + "-" + round, 4, at(10), t -> LEASE);
            b.runs().forEach(r -> mine.add("run " + r.row().key()));
            b.tasks().forEach(r -> mine.add("task " + r.row().key()));
            b.attempts().forEach(r -> mine.add("attempt " + r.row().key() + " " + r.row().tryNumber()));
          }
          return mine;
        }));
      }
      List<String> all = new ArrayList<>();
      for (Future<List<String>> f : claims) {
        all.addAll(f.get());
      }
      Set<String> distinct = new HashSet<>(all);
      assertThat(all).hasSize(distinct.size());
      assertThat(distinct).hasSize(60);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theFirstStartWithTracingOnQueuesWhatRunsNowButNoHistory() {
    finishedRun(untraced);
    DagRun inProgress = aRun("d").runId("now").state(RunState.RUNNING).build();
    TaskInstance done = aTaskInstance(inProgress, "done");
    untraced.runs().createRun(inProgress, List.of(done, aTaskInstance(inProgress, "later")));
    TaskInstance r = running(done, 1);
    untraced.runs().update(new TaskChange(done, r, attemptOf(r, null, null)));
    TaskInstance ok = r.toFinished(true, at(5), Duration.ZERO, false);
    untraced.runs().update(new TaskChange(r, ok, attemptOf(ok, 0, null)));

    assertThat(outbox.startExporting(at(20), null)).isTrue();
    SpanOutbox.Batch batch = claim("a", at(21));
    assertThat(batch.runs()).isEmpty();
    assertThat(batch.tasks()).extracting(s -> s.row().taskId()).containsExactly("done");
    assertThat(batch.attempts()).extracting(s -> s.row().taskId()).containsExactly("done");
    // the database remembers: no later start queues anything again
    outbox.delete("a");
    assertThat(outbox.startExporting(at(30), T0.minus(Duration.ofDays(9999)))).isFalse();
    assertThat(outbox.pending()).isZero();
  }

  @Test
  void firstExportSinceAlsoQueuesTheRunsQueuedSinceThen() {
    finishedRun(untraced, aRun("d").runId("old").queuedAt(T0.minus(Duration.ofDays(10))).build());
    DagRun recent = finishedRun(untraced, aRun("d").runId("recent").queuedAt(T0.minus(Duration.ofDays(1))).build());

    assertThat(outbox.startExporting(at(20), T0.minus(Duration.ofDays(5)))).isTrue();

    SpanOutbox.Batch batch = claim("a", at(21));
    assertThat(batch.claimed()).isEqualTo(3);
    assertThat(batch.runs()).extracting(s -> s.row().key()).containsExactly(recent.key());
    assertThat(batch.runs()).extracting(SpanOutbox.Stored::resourceId).containsOnlyNulls();
  }

  @Test
  void rowsOfADeletedRunAreClaimedWithoutSpans() {
    DagRun run = finishedRun(traced);
    db.sql().update("DELETE FROM dag_run WHERE dag_id = ? AND run_id = ?", run.dagId(), run.runId());

    SpanOutbox.Batch batch = claim("a", at(10));
    assertThat(batch.claimed()).isEqualTo(3);
    assertThat(batch.spans()).isZero();
  }

  // --- cost: the plans with a history ------------------------------------------------------

  /** A set of rows numbered x = 1..n to insert from ({@code SYSTEM_RANGE} on H2, {@code generate_series} on PostgreSQL). */
  private String series(int n) {
    return db.isPostgres() ? "generate_series(1, " + n + ") AS s(x)" : "SYSTEM_RANGE(1, " + n + ") AS s(x)";
  }

  /** 5,000 finished runs of 4 task instances (and tries) each, and 5,000 of those waiting in the outbox. */
  private void seedHistory() {
    String ts = "TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00+00'";
    Sql sql = db.sql();
    sql.update("INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, queued_at, start_date, end_date,"
        + " trace_id, span_id, trace_flags) SELECT 'hist', 'r' || (x - 1), 'manual', 'success', " + ts + ", " + ts + ", "
        + ts + ", " + ts + ", LPAD(CAST(x AS VARCHAR), 32, '0'), LPAD(CAST(x AS VARCHAR), 16, '0'), 1 FROM " + series(5_000));
    sql.update("INSERT INTO task_instance (dag_id, run_id, task_id, state, try_number, max_tries, task_type, pool,"
        + " pool_slots, priority_weight, start_date, end_date, span_id, trace_flags) SELECT 'hist', 'r' || ((x - 1) / 4),"
        + " 't' || x, 'success', 1, 1, 'noop', 'default_pool', 1, 1, " + ts + ", " + ts + ", LPAD(CAST(x AS VARCHAR), 16, '0'), 1"
        + " FROM " + series(20_000));
    sql.update("INSERT INTO task_instance_history (dag_id, run_id, task_id, try_number, state, start_date, end_date, span_id)"
        + " SELECT 'hist', 'r' || ((x - 1) / 4), 't' || x, 1, 'success', " + ts + ", " + ts + ", LPAD(CAST(x AS VARCHAR), 16, '0')"
        + " FROM " + series(20_000));
    sql.update("INSERT INTO span_outbox (kind, dag_id, run_id, task_id) SELECT 'task', 'hist', 'r' || ((x - 1) / 4), 't' || x"
        + " FROM " + series(5_000));
    if (db.isPostgres()) {
      sql.update("ANALYZE");
    }
  }

  private String plan(String query, Object... args) {
    return String.join("\n", db.sql().query("EXPLAIN " + query, rs -> rs.getString(1), args));
  }

  /** The history tables are read by primary key only: no scan of dag_run, task_instance or task_instance_history. */
  private void assertNoHistoryScan(String plan) {
    for (String table : List.of("dag_run", "task_instance", "task_instance_history")) {
      if (db.isPostgres()) {
        assertThat(plan).as(plan).doesNotContainPattern("Seq Scan on " + table + "\\b");
      } else {
        assertThat(plan).as(plan).doesNotContainIgnoringCase("PUBLIC." + table + ".tableScan");
      }
    }
  }

  @Test
  void claimingAndReadingABatchUseTheOutboxsIndexesAndTheHistorysPrimaryKeysOnly() {
    seedHistory();

    String claim = plan(JdbcSpanOutbox.claimSql(512), at(0));
    if (db.isPostgres()) {
      assertThat(claim).as(claim).contains("Index Scan using span_outbox_pkey").contains("Limit");
    } else {
      assertThat(claim).as(claim).contains("PRIMARY_KEY").contains("index sorted");
    }
    for (String load : List.of(JdbcSpanOutbox.LOAD_RUNS, JdbcSpanOutbox.LOAD_TASKS, JdbcSpanOutbox.LOAD_ATTEMPTS)) {
      String p = plan(load, "token");
      assertNoHistoryScan(p);
      assertThat(p.toLowerCase(java.util.Locale.ROOT)).as(p).contains("span_outbox_token_idx");
    }
    for (String byToken : List.of(JdbcSpanOutbox.DELETE, JdbcSpanOutbox.releaseSql(true))) {
      String p = plan(byToken, "token");
      assertThat(p.toLowerCase(java.util.Locale.ROOT)).as(p).contains("span_outbox_token_idx");
    }
    String dead = plan(JdbcJobStore.RELEASE_CLAIMS, 42L);
    assertThat(dead.toLowerCase(java.util.Locale.ROOT)).as(dead).contains("span_outbox_job_idx");
    // and a claim over that backlog still works batch by batch
    SpanOutbox.Batch batch = outbox.claim(null, "t1", 512, at(0), t -> LEASE);
    assertThat(batch.claimed()).isEqualTo(512);
    assertThat(batch.tasks()).hasSize(512);
  }
}
