package io.contrail.storage;

import java.util.Optional;

/** {@link LogServerDirectory} on the worker table; the lookup is by job hostname (job_hostname_idx). */
final class JdbcLogServerDirectory implements LogServerDirectory {
  private static final String FIND = "SELECT w.job_id, w.log_server_host, w.log_server_port FROM worker w"
      + " JOIN job j ON j.id = w.job_id WHERE j.hostname = ? AND w.log_server_port IS NOT NULL"
      + " ORDER BY CASE WHEN w.job_id = ? THEN 0 ELSE 1 END, w.job_id DESC FETCH FIRST 1 ROWS ONLY";
  private final Sql sql;

  JdbcLogServerDirectory(Sql sql) {
    this.sql = sql;
  }

  @Override
  public void advertise(long jobId, String host, int port) {
    sql.update("UPDATE worker SET log_server_host = ?, log_server_port = ? WHERE job_id = ?", host, port, jobId);
  }

  @Override
  public Optional<Address> find(String hostname, Long preferredJobId) {
    if (hostname == null) {
      return Optional.empty();
    }
    return sql.queryOne(FIND, rs -> new Address(rs.getLong("job_id"), rs.getString("log_server_host"),
        rs.getInt("log_server_port")), hostname, preferredJobId == null ? -1L : preferredJobId);
  }
}
