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
 * {@link WorkerStore} on the metadata database. The claim is {@code SELECT ... FOR UPDATE SKIP
 * LOCKED} (PostgreSQL, and H2 2.x, which has the same clause) followed by one batch of
 * compare-and-sets in the same transaction: the lock keeps two claimers off the same rows, and the
 * compare-and-set keeps the claim correct even where a database's lock would not (a row recovered
 * or handed back between the read and the write is simply not claimed).
 */
final class JdbcWorkerStore implements WorkerStore {
  private static final String CLAIM = "UPDATE task_instance SET job_id = ?, hostname = ?"
      + " WHERE dag_id = ? AND run_id = ? AND task_id = ? AND state = 'queued' AND try_number = ?"
      + " AND job_id IS NOT DISTINCT FROM ?" + JdbcRunStore.WRITER_ALIVE;
  private final Sql sql;

  JdbcWorkerStore(Sql sql) {
    this.sql = sql;
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

  /** The claim's read: the first queued rows of these queues, locked; rows locked by another claim are skipped. */
  static String claimSql(int queues, int limit) {
    return "SELECT " + JdbcRunStore.TI_COLUMNS + " FROM task_instance WHERE state = 'queued' AND queue IN ("
        + JdbcRunStore.marks(queues) + ") ORDER BY priority_weight DESC, queued_at, dag_id, run_id, task_id"
        + " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY FOR UPDATE SKIP LOCKED";
  }

  @Override
  public List<TaskInstance> claim(long jobId, String hostname, Collection<String> queues, int limit) {
    if (queues.isEmpty() || limit <= 0) {
      return List.of();
    }
    return sql.inTransaction(tx -> {
      List<TaskInstance> queued = tx.query(claimSql(queues.size(), limit), JdbcRunStore::mapTi, queues.toArray());
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
