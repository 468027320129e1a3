package io.contrail.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

/**
 * The metadata database: a connection pool and the versioned schema migrations. H2 file URLs get
 * {@code AUTO_SERVER=TRUE} so CLI commands can use the database while {@code standalone} has it
 * open, and {@code WRITE_DELAY=0} so every commit reaches the file before the process can die.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final Flyway flyway;
  private final Sql sql;
  private final String url;

  public Database(String url, String user, String password, int poolSize) {
    this.url = normalizeUrl(url);
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(this.url);
    if (user != null && !user.isBlank()) {
      hc.setUsername(user);
    }
    if (password != null && !password.isBlank()) {
      hc.setPassword(password);
    }
    hc.setMaximumPoolSize(Math.max(2, poolSize));
    hc.setMinimumIdle(1);
    hc.setPoolName("contrail-db");
    hc.setAutoCommit(true);
    hc.setConnectionTimeout(30_000);
    if (this.url.toUpperCase(java.util.Locale.ROOT).contains(";AUTO_SERVER=TRUE")) {
      // Two processes opening the embedded database at the same moment (standalone starting while a
      // CLI command runs, or a restart right after a crash) race for H2's lock file, and the loser
      // fails with "Locked by another process" / "Lock file recently modified". Retrying the first
      // connection lets it find the winner's server and join it instead of exiting.
      hc.setInitializationFailTimeout(20_000);
    }
    this.dataSource = new HikariDataSource(hc);
    this.flyway = Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .loggers("slf4j")
        .load();
    this.sql = new Sql(dataSource);
  }

  static String normalizeUrl(String url) {
    if (!url.startsWith("jdbc:h2:file:") && !url.startsWith("jdbc:h2:~") && !url.startsWith("jdbc:h2:/")) {
      return url;
    }
    String upper = url.toUpperCase(java.util.Locale.ROOT);
    StringBuilder b = new StringBuilder(url);
    if (!upper.contains("AUTO_SERVER=")) {
      b.append(";AUTO_SERVER=TRUE");
    }
    if (!upper.contains("WRITE_DELAY=")) {
      // H2 otherwise writes commits up to 500 ms late: a scheduler killed with SIGKILL would lose
      // its last state changes and run those tasks again after the restart
      b.append(";WRITE_DELAY=0");
    }
    return b.toString();
  }

  public String url() {
    return url;
  }

  public boolean isPostgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  public Sql sql() {
    return sql;
  }

  /** Applies pending migrations; returns how many were applied. */
  public int migrate() {
    try {
      return flyway.migrate().migrationsExecuted;
    } catch (RuntimeException e) {
      throw new StorageException("cannot migrate the database at " + url + ": " + e.getMessage(), e);
    }
  }

  /** Versions not yet applied; empty when the schema is current. */
  public List<String> pendingMigrations() {
    return Arrays.stream(flyway.info().pending())
        .map(MigrationInfo::getVersion)
        .map(String::valueOf)
        .toList();
  }

  public String currentVersion() {
    MigrationInfo current = flyway.info().current();
    return current == null ? "none" : String.valueOf(current.getVersion());
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
