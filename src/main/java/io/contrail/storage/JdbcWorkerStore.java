package io.contrail.storage;

import io.contrail.run.TaskInstance;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * {@link WorkerStore} on the metadata database. On PostgreSQL the claim is {@code SELECT ... FOR
 * UPDATE SKIP LOCKED} followed by one batch of compare-and-sets in the same transaction: the row
 * locks keep concurrent claimers off each other's rows without waiting. H2's SKIP LOCKED spins
 * when claims overlap, so on H2 (one machine, a few workers) claims take turns on one lock row
 * and read the queue plainly. Either way the compare-and-set is what makes the claim correct: a
 * row recovered, handed back or claimed between the read and the write is simply not taken.
 */
final class JdbcWorkerStore implements WorkerStore {
  private static final String CLAIM = "UPDATE task_instance SET job_id = ?, hostname = ?"
      + " WHERE dag_id = ? AND run_id = ? AND task_id = ? AND state = 'queued' AND try_number = ?"
      + " AND job_id IS NOT DISTINCT FROM ?"
      // never from another worker: PostgreSQL's FOR UPDATE returns the newest version of a row a
      // concurrent claim just committed, so the row as read may already name that worker
      + " AND NOT EXISTS (SELECT 1 FROM worker w WHERE w.job_id = task_instance.job_id)" + JdbcRunStore.WRITER_ALIVE;
  private final Sql sql;
  private final boolean skipLocked;

  /** @param skipLocked whether the database's SKIP LOCKED holds under concurrent claims (PostgreSQL) */
  JdbcWorkerStore(Sql sql, boolean skipLocked) {
    this.sql = sql;
    this.skipLocked = skipLocked;
  }

  @Override
  public void register(long jobId, List<String> queues, int concurrency, Instant now) {
    sql.update("INSERT INTO worker (job_id, queues, concurrency, running, state, reported_at) VALUES (?, ?, ?, 0,"
        + " 'running', ?)", jobId, String.join(",", queues), concurrency, now);
  }

  @Override
  public void report(long jobId, int running, String state, Instant now) {
    sql.update("UPDATE worker SET running = ?, state = ?, reported_at = ? WHERE job_id = ?", running, state, now, jobId);
  }

  /**
   * The claim's read: the first queued rows of these queues that no worker holds yet, locked
   * (PostgreSQL); rows locked by another claim are skipped.
   */
  static String claimSql(int queues, int limit, boolean skipLocked) {
    // a row a worker already claimed stays queued until its try starts: not claimable again. The
    // order is task_instance_claim_idx's, so the read stops at the rows it takes instead of sorting
    // the whole queue; with one queue the index's leading columns are named too (fixed by the
    // WHERE, they change nothing) because H2 sorts by an index only when the ORDER BY starts with
    // its first column. Rows of equal priority and queue time come in the index's order.
    String order = queues == 1 ? "state, queue, priority_weight DESC, queued_at" : "priority_weight DESC, queued_at";
    return "SELECT " + JdbcRunStore.TI_COLUMNS + " FROM task_instance t WHERE state = 'queued' AND queue IN ("
        + JdbcRunStore.marks(queues) + ") AND NOT EXISTS (SELECT 1 FROM worker w WHERE w.job_id = t.job_id)"
        + " ORDER BY " + order + " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY"
        + (skipLocked ? " FOR UPDATE SKIP LOCKED" : "");
  }

  @Override
  public List<TaskInstance> claim(long jobId, String hostname, Collection<String> queues, int limit) {
    if (queues.isEmpty() || limit <= 0) {
      return List.of();
    }
    return sql.inTransaction(tx -> {
      if (!skipLocked) {
        tx.update("UPDATE worker_claim_lock SET claims = claims + 1 WHERE id = 1"); // waits for a claim under way
      }
      List<TaskInstance> queued = tx.query(claimSql(queues.size(), limit, skipLocked), JdbcRunStore::mapTi,
          queues.toArray());
      if (queued.isEmpty()) {
        return List.of();
      }
      List<Object[]> rows = new ArrayList<>(queued.size());
      for (TaskInstance ti : queued) {
        rows.add(new Object[] {jobId, hostname, ti.dagId(), ti.runId(), ti.taskId(), ti.tryNumber(),
            Sql.num(ti.lease().jobId()), jobId, jobId});
      }
      int[] counts = tx.batchCounts(CLAIM, rows);
      List<TaskInstance> claimed = new ArrayList<>();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 1) {
          claimed.add(queued.get(i).claimedBy(jobId, hostname));
        }
      }
      return claimed;
    });
  }

  @Override
  public List<WorkerInfo> list(Instant stoppedSince) {
    return sql.query("SELECT w.job_id, j.hostname, j.pid, w.queues, w.concurrency, w.running, w.state AS worker_state,"
        + " j.state AS job_state, j.latest_heartbeat, j.start_date FROM worker w JOIN job j ON j.id = w.job_id"
        + " WHERE j.state = 'running' OR j.end_date >= ? ORDER BY w.job_id DESC", JdbcWorkerStore::map, stoppedSince);
  }

  /** A worker whose job was declared dead is {@code lost}, whatever it last reported. */
  private static WorkerInfo map(ResultSet rs) throws SQLException {
    String job = rs.getString("job_state");
    String state = "running".equals(job) ? rs.getString("worker_state") : "failed".equals(job) ? "lost" : "stopped";
    return new WorkerInfo(rs.getLong("job_id"), rs.getString("hostname"), rs.getLong("pid"),
        Arrays.asList(rs.getString("queues").split(",")), rs.getInt("concurrency"),
        "running".equals(job) ? rs.getInt("running") : 0, state, Sql.instant(rs, "latest_heartbeat"),
        Sql.instant(rs, "start_date"));
  }
}
