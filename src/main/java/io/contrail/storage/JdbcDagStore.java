package io.contrail.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.api.Dag;
import io.contrail.dag.ImportError;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link DagStore} on the metadata database (H2 or PostgreSQL). */
final class JdbcDagStore implements DagStore {
  static final String COLUMNS = "dag_id, serialized, file_hash, is_paused, is_active, last_parsed_at";
  private final Sql sql;

  JdbcDagStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public boolean upsert(Dag dag, String fileHash, boolean pausedIfNew, Instant now) {
    String serialized = Json.write(dag);
    return sql.inTransaction(tx -> {
      int updated = tx.update(
          "UPDATE dag SET fileloc = ?, file_hash = ?, serialized = ?, is_active = TRUE, schedule = ?,"
              + " description = ?, last_parsed_at = ? WHERE dag_id = ?",
          dag.fileloc(), fileHash, serialized, dag.schedule(), dag.description(), now, dag.dagId());
      if (updated == 0) {
        tx.update("INSERT INTO dag (dag_id, fileloc, file_hash, serialized, is_paused, is_active, schedule,"
                + " description, last_parsed_at) VALUES (?, ?, ?, ?, ?, TRUE, ?, ?, ?)",
            dag.dagId(), dag.fileloc(), fileHash, serialized, pausedIfNew, dag.schedule(),
            dag.description(), now);
      }
      writeTags(tx, dag);
      return updated == 0;
    });
  }

  /** The DAG's tags as rows, so that DAG lists filter by tag in SQL. */
  private static void writeTags(Sql.Tx tx, Dag dag) throws SQLException {
    tx.update("DELETE FROM dag_tag WHERE dag_id = ?", dag.dagId());
    List<Object[]> rows = new ArrayList<>();
    for (String tag : new java.util.LinkedHashSet<>(dag.tags())) {
      if (tag != null && !tag.isEmpty() && tag.length() <= 250) {
        rows.add(new Object[] {dag.dagId(), tag});
      }
    }
    tx.batch("INSERT INTO dag_tag (dag_id, name) VALUES (?, ?)", rows);
  }

  @Override
  public void deactivateAllExcept(Collection<String> present) {
    Set<String> keep = new HashSet<>(present);
    sql.inTransaction(tx -> {
      List<String> active = tx.query("SELECT dag_id FROM dag WHERE is_active = TRUE", rs -> rs.getString(1));
      List<Object[]> gone = new ArrayList<>();
      for (String id : active) {
        if (!keep.contains(id)) {
          gone.add(new Object[] {id});
        }
      }
      return tx.batch("UPDATE dag SET is_active = FALSE WHERE dag_id = ?", gone);
    });
  }

  @Override
  public Optional<StoredDag> find(String dagId) {
    return sql.queryOne("SELECT " + COLUMNS + " FROM dag WHERE dag_id = ?", JdbcDagStore::map, dagId);
  }

  @Override
  public Optional<String> fileHash(String dagId) {
    return sql.queryOne("SELECT file_hash FROM dag WHERE dag_id = ?", rs -> rs.getString(1), dagId);
  }

  @Override
  public List<StoredDag> list() {
    return sql.query("SELECT " + COLUMNS + " FROM dag ORDER BY dag_id", JdbcDagStore::map);
  }

  /**
   * From the serialized definitions' JSON trees: a command listing DAGs spends no time making
   * Jackson's deserializers for every class of a DAG's definition (about 25 ms of its start-up).
   */
  @Override
  public List<DagListing> listings() {
    return sql.query("SELECT dag_id, is_paused, is_active, serialized FROM dag ORDER BY dag_id", rs -> {
      JsonNode dag = Json.tree(rs.getString(4));
      List<String> tags = new ArrayList<>();
      dag.path("tags").forEach(t -> tags.add(t.asText()));
      JsonNode schedule = dag.path("schedule");
      return new DagListing(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3),
          schedule.isTextual() ? schedule.asText() : null, dag.path("tasks").size(), List.copyOf(tags),
          dag.path("fileloc").asText(null));
    });
  }

  @Override
  public List<DagSummary> summaries() {
    return sql.query("SELECT dag_id, is_paused, is_active, schedule, file_hash FROM dag ORDER BY dag_id",
        rs -> new DagSummary(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getString(4), rs.getString(5)));
  }

  @Override
  public boolean setPaused(String dagId, boolean paused) {
    return sql.update("UPDATE dag SET is_paused = ? WHERE dag_id = ?", paused, dagId) > 0;
  }

  @Override
  public void replaceImportErrors(List<ImportError> errors, Instant now) {
    // An error that is still there keeps its row, so its id (the REST API's import_error_id) and
    // timestamp stay the same from one scan of dags_folder to the next.
    sql.inTransaction(tx -> {
      Map<List<Object>, Long> stored = new HashMap<>();
      tx.query("SELECT id, filename, line, message FROM import_error", rs -> stored.put(
          List.of(rs.getString(2), rs.getInt(3), rs.getString(4)), rs.getLong(1)));
      List<Object[]> rows = new ArrayList<>();
      for (ImportError e : errors) {
        String message = truncate(e.message(), 10_000);
        if (stored.remove(List.of(tail(e.file(), 2000), e.line(), message)) == null) {
          rows.add(new Object[] {tail(e.file(), 2000), e.line(), message, now});
        }
      }
      List<Object[]> gone = stored.values().stream().map(id -> new Object[] {id}).toList();
      tx.batch("DELETE FROM import_error WHERE id = ?", gone);
      return tx.batch("INSERT INTO import_error (filename, line, message, created_at) VALUES (?, ?, ?, ?)", rows);
    });
  }

  @Override
  public List<ImportError> importErrors() {
    return sql.query("SELECT filename, line, message FROM import_error ORDER BY filename, line",
        rs -> new ImportError(rs.getString(1), rs.getInt(2), rs.getString(3)));
  }

  @Override
  public Optional<String> folderFingerprint(String dagsFolder) {
    return sql.queryOne("SELECT fingerprint FROM dag_folder_sync WHERE folder_key = ?", rs -> rs.getString(1),
        folderKey(dagsFolder));
  }

  @Override
  public void recordFolderFingerprint(String dagsFolder, String fingerprint, Instant now) {
    String key = folderKey(dagsFolder);
    sql.inTransaction(tx -> {
      if (tx.update("UPDATE dag_folder_sync SET fingerprint = ?, synced_at = ? WHERE folder_key = ?", fingerprint, now,
          key) == 0) {
        tx.update("INSERT INTO dag_folder_sync (folder_key, dags_folder, fingerprint, synced_at) VALUES (?, ?, ?, ?)",
            key, tail(dagsFolder, 2000), fingerprint, now);
      }
      return null;
    });
  }

  private static String folderKey(String dagsFolder) {
    return JdbcSpanResources.digest(dagsFolder);
  }

  static StoredDag map(ResultSet rs) throws SQLException {
    Dag dag = Json.read(rs.getString("serialized"), Dag.class);
    return new StoredDag(dag, rs.getString("file_hash"), rs.getBoolean("is_paused"),
        rs.getBoolean("is_active"), Sql.instant(rs, "last_parsed_at"));
  }

  /** The end of a path too long for its column (the end names the file), marked as cut. */
  static String tail(String s, int max) {
    return s.length() <= max ? s : "..." + s.substring(s.length() - (max - 3));
  }

  static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
