package io.contrail.storage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@link DagQueries} on the metadata database (H2 or PostgreSQL). */
final class JdbcDagQueries implements DagQueries {
  private static final String IMPORT_ERROR_COLUMNS = "id, filename, line, message, created_at";
  private final Sql sql;

  JdbcDagQueries(Sql sql) {
    this.sql = sql;
  }

  @Override
  public Page<StoredDag> dags(DagQuery q) {
    Where where = new Where();
    if (q.excludeStale()) {
      where.add("d.is_active = TRUE");
    }
    if (q.paused() != null) {
      where.add("d.is_paused = ?", q.paused());
    }
    where.match("d.dag_id", q.dagId());
    if (!q.tags().isEmpty()) {
      if (q.allTags()) {
        for (String tag : q.tags()) {
          where.add("EXISTS (SELECT 1 FROM dag_tag t WHERE t.dag_id = d.dag_id AND t.name = ?)", tag);
        }
      } else {
        String in = q.tags().stream().map(t -> "?").collect(Collectors.joining(","));
        where.add("EXISTS (SELECT 1 FROM dag_tag t WHERE t.dag_id = d.dag_id AND t.name IN (" + in + "))",
            q.tags().toArray());
      }
    }
    String order = Where.orderBy(q.sort(), c -> "d.dag_id", c -> false, "d.dag_id");
    return sql.inTransaction(tx -> {
      long total = tx.query("SELECT COUNT(*) FROM dag d" + where.sql(), rs -> rs.getLong(1), where.args()).get(0);
      List<StoredDag> page = q.limit() == 0 ? List.of() : tx.query("SELECT " + prefixed("d.", JdbcDagStore.COLUMNS)
          + " FROM dag d" + where.sql() + order + Where.page(), JdbcDagStore::map, where.argsThen(q.offset(), q.limit()));
      return new Page<>(page, total);
    });
  }

  @Override
  public Map<String, Instant> latestScheduledLogicalDates(Collection<String> dagIds) {
    Map<String, Instant> out = new HashMap<>();
    if (dagIds.isEmpty()) {
      return out;
    }
    Where where = new Where().in("dag_id", dagIds).add("run_type IN ('scheduled', 'backfill')");
    sql.query("SELECT dag_id, MAX(logical_date) AS d FROM dag_run" + where.sql() + " GROUP BY dag_id",
        rs -> out.put(rs.getString(1), Sql.instant(rs, "d")), where.args());
    return out;
  }

  @Override
  public Map<String, Integer> activeRunCounts(Collection<String> dagIds) {
    Map<String, Integer> out = new HashMap<>();
    if (dagIds.isEmpty()) {
      return out;
    }
    Where where = new Where().in("dag_id", dagIds).add("state IN ('queued', 'running')");
    sql.query("SELECT dag_id, COUNT(*) FROM dag_run" + where.sql() + " GROUP BY dag_id",
        rs -> out.put(rs.getString(1), rs.getInt(2)), where.args());
    return out;
  }

  @Override
  public Page<StoredImportError> importErrors(int limit, int offset, List<Listing.Sort<ImportErrorColumn>> sort,
      Listing.Match filename) {
    Where where = new Where().match("filename", filename);
    String order = Where.orderBy(sort, c -> switch (c) {
      case ID -> "id";
      case TIMESTAMP -> "created_at";
      case FILENAME -> "filename";
      case MESSAGE -> "message";
    }, c -> false, "id");
    return sql.inTransaction(tx -> {
      long total = tx.query("SELECT COUNT(*) FROM import_error" + where.sql(), rs -> rs.getLong(1), where.args()).get(0);
      List<StoredImportError> page = limit == 0 ? List.of() : tx.query("SELECT " + IMPORT_ERROR_COLUMNS
          + " FROM import_error" + where.sql() + order + Where.page(), JdbcDagQueries::mapImportError,
          where.argsThen(offset, limit));
      return new Page<>(page, total);
    });
  }

  @Override
  public Optional<StoredImportError> importError(long id) {
    return sql.queryOne("SELECT " + IMPORT_ERROR_COLUMNS + " FROM import_error WHERE id = ?",
        JdbcDagQueries::mapImportError, id);
  }

  @Override
  public Optional<Job> latestJob(Collection<String> jobTypes) {
    if (jobTypes.isEmpty()) {
      return Optional.empty();
    }
    Where where = new Where().in("job_type", jobTypes);
    // a running job first, then the most recent heartbeat
    return sql.queryOne("SELECT id, job_type, hostname, pid, state, start_date, end_date, latest_heartbeat FROM job"
        + where.sql() + " ORDER BY CASE WHEN state = 'running' THEN 0 ELSE 1 END, latest_heartbeat DESC"
        + " FETCH FIRST 1 ROWS ONLY", rs -> new Job(rs.getLong("id"), rs.getString("job_type"),
        rs.getString("hostname"), rs.getLong("pid"), rs.getString("state"), Sql.instant(rs, "start_date"),
        Sql.instant(rs, "end_date"), Sql.instant(rs, "latest_heartbeat")), where.args());
  }

  private static StoredImportError mapImportError(ResultSet rs) throws SQLException {
    return new StoredImportError(rs.getLong("id"), rs.getString("filename"), rs.getInt("line"),
        rs.getString("message"), Sql.instant(rs, "created_at"));
  }

  static String prefixed(String prefix, String columns) {
    return java.util.Arrays.stream(columns.split(",")).map(c -> prefix + c.strip()).collect(Collectors.joining(", "));
  }
}
