package io.contrail.storage;

import static io.contrail.testing.Fixtures.T0;
import static io.contrail.testing.Fixtures.aRun;
import static io.contrail.testing.Fixtures.aTaskInstanceOnQueue;
import static io.contrail.testing.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.DagRun;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claiming queued task instances (executor = distributed) on a real database, H2 and PostgreSQL:
 * only queued rows of the worker's queues, highest priority first; concurrent claimers get
 * disjoint batches; a claim is a compare-and-set like every write (a row claimed, handed back or
 * owned by another job meanwhile is not taken, a worker declared dead claims nothing, and the
 * job that queued a row can no longer write it once a worker holds it).
 */
abstract class WorkerStoreContract {
  private Database db;
  private Stores stores;
  private WorkerStore workers;
  private long scheduler;

  protected abstract Database openEmptyDatabase();

  protected void dropDatabase(Database closed) {}

  @BeforeEach
  void open() {
    db = openEmptyDatabase();
    db.migrate();
    stores = Stores.jdbc(db);
    workers = Stores.workers(db);
    scheduler = stores.jobs().start("scheduler", "host-s", 1, T0);
  }

  @AfterEach
  void close() {
    db.close();
    dropDatabase(db);
  }

  /** A run whose task instances (queue, priority) are all queued by the scheduler's job. */
  private List<TaskInstance> queued(String runId, String queue, int... priorities) {
    DagRun run = aRun("d").runId(runId).build();
    List<TaskInstance> created = new ArrayList<>();
    for (int i = 0; i < priorities.length; i++) {
      created.add(aTaskInstanceOnQueue(run, "t" + i, queue, priorities[i]));
    }
    stores.runs().createRun(run, created);
    List<TaskInstance> out = new ArrayList<>();
    for (TaskInstance ti : created) {
      TaskInstance scheduled = ti.toScheduled(at(1));
      assertThat(stores.runs().update(TaskChange.of(ti, scheduled).by(scheduler))).isTrue();
      TaskInstance q = scheduled.toQueued(at(2), scheduler);
      assertThat(stores.runs().update(TaskChange.of(scheduled, q).by(scheduler))).isTrue();
      out.add(q);
    }
    return out;
  }

  /** A worker's job, registered as a worker of the default queue (as every worker is before it claims). */
  private long worker(String host) {
    long job = stores.jobs().start("worker", host, 2, T0);
    workers.register(job, List.of("default"), 4, T0);
    return job;
  }

  @Test
  void claimTakesQueuedRowsOfItsQueuesHighestPriorityFirstAndOwnsThem() {
    queued("r1", "default", 1, 9, 5);
    queued("r2", "heavy", 7);
    long w = worker("host-w");
    List<TaskInstance> claimed = workers.claim(w, "host-w", List.of("default"), 2);
    assertThat(claimed).extracting(TaskInstance::taskId).containsExactly("t1", "t2"); // weights 9, 5
    assertThat(claimed).allSatisfy(ti -> {
      TaskInstance stored = stores.runs().taskInstance(ti.key()).orElseThrow();
      assertThat(stored.state()).isEqualTo(TaskState.QUEUED);
      assertThat(stored.lease().jobId()).isEqualTo(w);
      assertThat(stored.lease().hostname()).isEqualTo("host-w");
      assertThat(stored).isEqualTo(ti);
    });
    assertThat(workers.claim(w, "host-w", List.of("default"), 10)).extracting(TaskInstance::taskId).containsExactly("t0");
    assertThat(workers.claim(w, "host-w", List.of("default"), 10)).isEmpty();
    assertThat(workers.claim(w, "host-w", List.of("default", "heavy"), 10)).extracting(TaskInstance::runId)
        .containsExactly("r2");
  }

  @Test
  void rowsNotQueuedAreNotClaimed() {
    DagRun run = aRun("d").runId("r").build();
    TaskInstance ti = aTaskInstanceOnQueue(run, "t", "default", 1);
    stores.runs().createRun(run, List.of(ti));
    TaskInstance scheduled = ti.toScheduled(at(1));
    stores.runs().update(TaskChange.of(ti, scheduled).by(scheduler));
    assertThat(workers.claim(worker("h"), "h", List.of("default"), 10)).isEmpty();
  }

  @Test
  void twoConcurrentClaimersGetDisjointBatchesThatTogetherTakeEveryRow() throws Exception {
    int[] weights = new int[60];
    java.util.Arrays.fill(weights, 1);
    queued("r", "default", weights);
    long a = worker("a");
    long b = worker("b");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<List<TaskInstanceKey>>> results = new ArrayList<>();
      for (long w : new long[] {a, b}) {
        results.add(pool.submit(() -> {
          go.await();
          List<TaskInstanceKey> mine = new ArrayList<>();
          for (int empty = 0, rounds = 0; empty < 3 && rounds < 500; rounds++) {
            List<TaskInstance> batch = workers.claim(w, "h" + w, List.of("default"), 4);
            batch.forEach(ti -> mine.add(ti.key()));
            empty = batch.isEmpty() ? empty + 1 : 0;
          }
          return mine;
        }));
      }
      go.countDown();
      List<TaskInstanceKey> first = results.get(0).get();
      List<TaskInstanceKey> second = results.get(1).get();
      Set<TaskInstanceKey> overlap = new HashSet<>(first);
      overlap.retainAll(second);
      assertThat(overlap).as("rows claimed by both workers").isEmpty();
      assertThat(first.size() + second.size()).isEqualTo(60);
      assertThat(new HashSet<>(first)).hasSize(first.size());
      for (TaskInstanceKey k : first) {
        assertThat(stores.runs().taskInstance(k).orElseThrow().lease().jobId()).isEqualTo(a);
      }
      for (TaskInstanceKey k : second) {
        assertThat(stores.runs().taskInstance(k).orElseThrow().lease().jobId()).isEqualTo(b);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentClaimersOfDifferentQueuesTakeOnlyTheirQueuesRowsNeverMoreThanAskedAndEachRowOnce()
      throws Exception {
    int[] weights = new int[30];
    java.util.Arrays.fill(weights, 1);
    queued("d", "default", weights);
    queued("h", "heavy", weights);
    queued("g", "gpu", weights); // served by no claimer: stays queued
    // a: default only, b: heavy only, c: both; each claims batches of at most 4
    long a = worker("a");
    long b = worker("b");
    long c = worker("c");
    java.util.Map<Long, List<String>> serves = java.util.Map.of(a, List.of("default"), b, List.of("heavy"), c,
        List.of("default", "heavy"));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    CountDownLatch go = new CountDownLatch(1);
    try {
      java.util.Map<Long, Future<List<TaskInstance>>> results = new java.util.HashMap<>();
      for (long w : new long[] {a, b, c}) {
        results.put(w, pool.submit(() -> {
          go.await();
          List<TaskInstance> mine = new ArrayList<>();
          for (int empty = 0, rounds = 0; empty < 3 && rounds < 500; rounds++) {
            List<TaskInstance> batch = workers.claim(w, "h" + w, serves.get(w), 4);
            assertThat(batch.size()).as("one claim's batch").isLessThanOrEqualTo(4);
            mine.addAll(batch);
            empty = batch.isEmpty() ? empty + 1 : 0;
          }
          return mine;
        }));
      }
      go.countDown();
      Set<TaskInstanceKey> all = new HashSet<>();
      int total = 0;
      for (long w : new long[] {a, b, c}) {
        List<TaskInstance> mine = results.get(w).get();
        total += mine.size();
        all.addAll(mine.stream().map(TaskInstance::key).toList());
        for (TaskInstance ti : mine) {
          TaskInstance stored = stores.runs().taskInstance(ti.key()).orElseThrow();
          assertThat(serves.get(w)).as("queue of %s claimed by %s", ti.key(), w).contains(stored.profile().queue());
          assertThat(stored.lease().jobId()).as("owner of %s", ti.key()).isEqualTo(w);
        }
      }
      assertThat(total).as("rows claimed, counting each claim").isEqualTo(60).isEqualTo(all.size());
      assertThat(all).extracting(TaskInstanceKey::runId).containsOnly("d", "h");
      assertThat(workers.claim(a, "ha", List.of("gpu"), 64)).as("the gpu rows, left for a worker of that queue")
          .hasSize(30);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A fixed timestamp literal both databases read. */
  private static final String TS = "TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00+00'";

  /** Rows x = 1..%d, for INSERT ... SELECT: PostgreSQL's generate_series, H2's SYSTEM_RANGE. */
  private String series() {
    return db.isPostgres() ? "generate_series(1, %d) AS s(x)" : "SYSTEM_RANGE(1, %d) AS s(x)";
  }

  @Test
  void theClaimReadsTheQueueByItsIndexNotTheHistory() {
    // 20,000 finished task instances of 5,000 runs, and a few queued
    db.sql().update("INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, queued_at, trace_id, span_id,"
        + " trace_flags) SELECT 'hist', 'r' || x, 'manual', 'success', " + TS + ", " + TS
        + ", LPAD(CAST(x AS VARCHAR), 32, '0'), LPAD(CAST(x AS VARCHAR), 16, '0'), 1 FROM " + series().formatted(5_000));
    db.sql().update("INSERT INTO task_instance (dag_id, run_id, task_id, state, try_number, max_tries, task_type, pool,"
        + " pool_slots, priority_weight, span_id, trace_flags) SELECT 'hist', 'r' || (1 + (x - 1) / 4), 't' || x,"
        + " 'success', 1, 1, 'shell', 'default_pool', 1, 1, LPAD(CAST(x AS VARCHAR), 16, '0'), 1 FROM "
        + series().formatted(20_000));
    queued("now", "default", 1, 2, 3);
    if (db.isPostgres()) {
      db.sql().update("ANALYZE");
    }
    String plan = String.join("\n", db.sql().query("EXPLAIN " + JdbcWorkerStore.claimSql(2, 64, db.isPostgres()),
        rs -> rs.getString(1), "default", "heavy"));
    // the claim index, led by state: the rows read are the queued ones
    if (db.isPostgres()) {
      assertThat(plan).as(plan).doesNotContainPattern("Seq Scan on task_instance\\b")
          .containsPattern("Index Scan using task_instance_claim_idx on task_instance");
    } else {
      assertThat(plan.toLowerCase(java.util.Locale.ROOT)).as(plan).doesNotContain("task_instance.tablescan")
          .contains("task_instance_claim_idx");
    }
    assertThat(workers.claim(worker("h"), "h", List.of("default", "heavy"), 64)).extracting(TaskInstance::taskId)
        .containsExactly("t2", "t1", "t0");
  }

  @Test
  void aClaimReadsTheRowsItTakesNotTheWholeQueue() {
    // 3,000 rows queued on one queue: the claim of 64 must not read and sort them all (it did, at
    // about 4 ms of PostgreSQL CPU per claim with 1,000 queued) but stop in the index's order
    db.sql().update("INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, queued_at, trace_id, span_id,"
        + " trace_flags) VALUES ('wide', 'r', 'manual', 'running', " + TS + ", " + TS + ", '" + "1".repeat(32) + "', '"
        + "1".repeat(16) + "', 1)");
    db.sql().update("INSERT INTO task_instance (dag_id, run_id, task_id, state, try_number, max_tries, task_type, pool,"
        + " pool_slots, priority_weight, queued_at, span_id, trace_flags, queue) SELECT 'wide', 'r', 't' || x, 'queued', 1,"
        + " 1, 'noop', 'default_pool', 1, 1 + MOD(x, 3), " + TS + ", LPAD(CAST(x AS VARCHAR), 16, '0'), 1, 'default' FROM "
        + series().formatted(3_000));
    if (db.isPostgres()) {
      db.sql().update("ANALYZE");
    }
    String plan = String.join("\n", db.sql().query("EXPLAIN " + JdbcWorkerStore.claimSql(1, 64, db.isPostgres()),
        rs -> rs.getString(1), "default"));
    if (db.isPostgres()) {
      assertThat(plan).as(plan).doesNotContain("Sort").contains("Index Scan using task_instance_claim_idx");
    } else {
      assertThat(plan.toLowerCase(java.util.Locale.ROOT)).as(plan).contains("task_instance_claim_idx")
          .contains("index sorted");
    }
    List<TaskInstance> claimed = workers.claim(worker("h"), "h", List.of("default"), 64);
    assertThat(claimed).hasSize(64).allSatisfy(ti -> assertThat(ti.profile().priorityWeight()).isEqualTo(3));
  }

  @Test
  void aClaimIsACompareAndSet() {
    List<TaskInstance> rows = queued("r", "default", 1, 1);
    long w = worker("h");
    // a worker declared dead claims nothing
    long dead = worker("gone");
    assertThat(stores.jobs().markFailed(dead, at(3))).isTrue();
    assertThat(workers.claim(dead, "gone", List.of("default"), 10)).isEmpty();
    assertThat(workers.claim(w, "h", List.of("default"), 1)).hasSize(1);
    TaskInstance claimed = stores.runs().taskInstance(rows.get(0).key()).orElseThrow().lease().jobId() == w
        ? rows.get(0) : rows.get(1);
    // the scheduler's copy of the row (queued by it) no longer matches: its write is refused
    assertThat(stores.runs().update(TaskChange.of(claimed, claimed.toHandedBack()).by(scheduler))).isFalse();
    // another worker cannot take a claimed row, but takes the one left
    long other = worker("h2");
    assertThat(workers.claim(other, "h2", List.of("default"), 10)).extracting(TaskInstance::key)
        .doesNotContain(claimed.key()).hasSize(1);
    assertThat(workers.claim(w, "h", List.of("default"), 10)).isEmpty();
  }

  @Test
  void workersListShowsQueuesRunningCountAndLostWorkers() {
    long w = stores.jobs().start("worker", "host-w", 2, T0);
    workers.register(w, List.of("default", "heavy"), 8, at(1));
    workers.report(w, 3, "running", at(2));
    long gone = worker("host-g");
    stores.jobs().markFailed(gone, at(3));
    List<WorkerStore.WorkerInfo> list = workers.list(T0);
    assertThat(list).extracting(WorkerStore.WorkerInfo::jobId).containsExactly(gone, w);
    assertThat(list.get(1)).satisfies(i -> {
      assertThat(i.hostname()).isEqualTo("host-w");
      assertThat(i.queues()).containsExactly("default", "heavy");
      assertThat(i.concurrency()).isEqualTo(8);
      assertThat(i.running()).isEqualTo(3);
      assertThat(i.state()).isEqualTo("running");
    });
    assertThat(list.get(0).state()).isEqualTo("lost");
    assertThat(workers.list(at(10))).extracting(WorkerStore.WorkerInfo::jobId).containsExactly(w);
  }
}
