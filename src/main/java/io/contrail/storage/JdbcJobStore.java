package io.contrail.storage;

import io.contrail.run.ProcessIdentity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link JobStore} on the metadata database. */
final class JdbcJobStore implements JobStore {
  private static final String COLUMNS = "id, job_type, hostname, pid, state, start_date, end_date, latest_heartbeat,"
      + " process_started_at";
  static final String RELEASE_CLAIMS = "UPDATE span_outbox SET claimed_by_job = NULL, claim_token = NULL,"
      + " claim_until = NULL WHERE claimed_by_job = ?";
  private final Sql sql;

  JdbcJobStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public long start(String jobType, String hostname, ProcessIdentity process, Instant now) {
    return sql.inTransaction(tx -> tx.insertReturningId(
        "INSERT INTO job (job_type, hostname, pid, state, start_date, latest_heartbeat, process_started_at)"
            + " VALUES (?, ?, ?, 'running', ?, ?, ?)",
        jobType, hostname, process.pid(), now, now, Sql.ts(process.startedAt())));
  }

  @Override
  public boolean heartbeat(long id, Instant now) {
    return sql.update("UPDATE job SET latest_heartbeat = ? WHERE id = ? AND state = 'running'", now, id) == 1;
  }

  @Override
  public void end(long id, String state, Instant now) {
    sql.update("UPDATE job SET state = ?, end_date = ? WHERE id = ? AND state = 'running'", state, now, id);
  }

  @Override
  public Optional<Job> find(long id) {
    return sql.queryOne("SELECT " + COLUMNS + " FROM job WHERE id = ?", JdbcJobStore::map, id);
  }

  @Override
  public List<Job> staleJobs(Instant before) {
    return sql.query("SELECT " + COLUMNS + " FROM job WHERE state = 'running' AND latest_heartbeat < ? ORDER BY id",
        JdbcJobStore::map, before);
  }

  /**
   * Declares the job dead and, in the same transaction, releases the span outbox rows it had
   * claimed: their spans are exported by the next process that claims them, at once rather than
   * when the claim's lease ends (issue #10).
   */
  @Override
  public boolean markFailed(long id, Instant now) {
    return sql.inTransaction(tx -> {
      if (tx.update("UPDATE job SET state = 'failed', end_date = ? WHERE id = ? AND state = 'running'", now, id) != 1) {
        return false;
      }
      tx.update(RELEASE_CLAIMS, id);
      tx.update(JdbcLogOutbox.RELEASE_CLAIMS, id);
      return true;
    });
  }

  private static Job map(ResultSet rs) throws SQLException {
    return new Job(rs.getLong("id"), rs.getString("job_type"), rs.getString("hostname"),
        rs.getLong("pid"), rs.getString("state"), Sql.instant(rs, "start_date"),
        Sql.instant(rs, "end_date"), Sql.instant(rs, "latest_heartbeat"), Sql.instant(rs, "process_started_at"));
  }
}
