package io.contrail.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The span_resource table: each distinct process resource once, found again by the SHA-256 of its
 * stored attributes. Rows are never changed, so lookups by id are cached for the process's life.
 */
final class JdbcSpanResources {
  private final Sql sql;
  private final Map<Long, String> byId = new ConcurrentHashMap<>();

  JdbcSpanResources(Sql sql) {
    this.sql = sql;
  }

  /** The id of these attributes, inserting them when no process stored them before. */
  long register(String attributes) {
    String digest = digest(attributes);
    for (int attempt = 0; ; attempt++) {
      Optional<Long> known = sql.queryOne("SELECT id FROM span_resource WHERE digest = ?", rs -> rs.getLong(1), digest);
      if (known.isPresent()) {
        return known.get();
      }
      try {
        return sql.inTransaction(tx -> tx.insertReturningId(
            "INSERT INTO span_resource (digest, attributes, created_at) VALUES (?, ?, ?)",
            digest, attributes, Clock.systemUTC().instant()));
      } catch (StorageException e) {
        // another process inserted the same resource between the select and the insert
        if (attempt > 0 || !(e.getCause() instanceof SQLException s) || !Sql.isUniqueViolation(s)) {
          throw e;
        }
      }
    }
  }

  Optional<String> find(long id) {
    String cached = byId.get(id);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<String> found = sql.queryOne("SELECT attributes FROM span_resource WHERE id = ?", rs -> rs.getString(1), id);
    found.ifPresent(a -> byId.put(id, a));
    return found;
  }

  static String digest(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
  }
}
