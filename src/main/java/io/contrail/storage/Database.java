package io.contrail.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

/**
 * The metadata database: a connection pool and the versioned schema migrations. H2 file URLs get
 * {@code AUTO_SERVER=TRUE} so CLI commands can use the database while {@code standalone} has it
 * open — its server listens on 127.0.0.1 only — and {@code WRITE_DELAY=0} so every commit reaches
 * the file before the process can die. {@link #open} gives the embedded database generated
 * credentials of a user without admin rights ({@link EmbeddedH2}).
 */
public final class Database implements AutoCloseable {
  static {
    // H2 reads this once, when its classes load, and binds the auto-server's port to it; every
    // Contrail process reaches H2 through this class first. Set explicitly (-Dh2.bindAddress), it wins.
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1");
    }
  }

  private final HikariDataSource dataSource;
  private Flyway flyway; // built when first needed: loading Flyway is most of a short command's start
  private final Sql sql;
  private final String url;
  private final List<String> secrets;
  private final String user;
  private final String password;

  /**
   * The database of an installation: with an embedded H2 file URL and no password configured, the
   * generated access of {@link EmbeddedH2} (files in {@code home}); otherwise the given credentials.
   */
  public static Database open(String url, String user, String password, int poolSize, Path home) {
    if (!EmbeddedH2.managed(url, password)) {
      return new Database(url, user, password, poolSize);
    }
    // the settings that need admin rights (WRITE_DELAY) were made persistent by EmbeddedH2
    EmbeddedH2.Access access = EmbeddedH2.open(home, normalizeUrl(url, false), user);
    boolean handedOver = false;
    try {
      Database db = new Database(access.url(), access.user(), access.password(), poolSize,
          List.of(access.password(), access.adminPassword()), access.poolMayUse() ? access.probe() : null);
      // the pool opens its first connection as it starts: a probe it may use is that one
      handedOver = access.poolMayUse();
      return db;
    } finally {
      if (!handedOver) {
        try {
          access.probe().close();
        } catch (SQLException e) {
          // the pool has its own connections by now
        }
      }
    }
  }

  public Database(String url, String user, String password, int poolSize) {
    this(normalizeUrl(url, true), user, password, poolSize,
        password == null || password.isEmpty() ? List.of() : List.of(password), null);
  }

  /** @param first a connection of {@code user} to {@code normalizedUrl} the pool starts with, or null */
  private Database(String normalizedUrl, String user, String password, int poolSize, List<String> secrets,
      Connection first) {
    this.url = normalizedUrl;
    this.secrets = List.copyOf(secrets);
    this.user = user;
    this.password = password;
    HikariConfig hc = new HikariConfig();
    javax.sql.DataSource driver = JdbcDrivers.dataSource(this.url, first);
    if (driver != null) {
      hc.setDataSource(driver);
    } else {
      hc.setJdbcUrl(this.url);
    }
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
    this.sql = new Sql(dataSource);
  }

  static String normalizeUrl(String url, boolean writeDelay) {
    if (!EmbeddedH2.isFileUrl(url)) {
      return url;
    }
    String upper = url.toUpperCase(java.util.Locale.ROOT);
    StringBuilder b = new StringBuilder(EmbeddedH2.onAsyncFileSystem(url));
    if (!upper.contains("AUTO_SERVER=")) {
      b.append(";AUTO_SERVER=TRUE");
    }
    if (writeDelay && !upper.contains("WRITE_DELAY=")) {
      // H2 otherwise writes commits up to 500 ms late: a scheduler killed with SIGKILL would lose
      // its last state changes and run those tasks again after the restart
      b.append(";WRITE_DELAY=0");
    }
    return b.toString();
  }

  public String url() {
    return url;
  }

  /** The passwords this database is opened with (configured or generated), for the secrets masker. */
  public List<String> secrets() {
    return secrets;
  }

  public boolean isPostgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  /**
   * A connection of its own, outside the pool, for a thread that holds one for as long as the
   * process runs (PostgreSQL LISTEN); the caller closes it.
   */
  public Connection openDedicated() throws SQLException {
    return JdbcDrivers.connect(url, user, password);
  }

  public Sql sql() {
    return sql;
  }

  private synchronized Flyway flyway() {
    if (flyway == null) {
      flyway = Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:" + MIGRATIONS)
          // each feature owns a range of versions and they land in any order: a database migrated
          // to V70 before the REST API's V50/V51 arrived applies them too, rather than failing
          .outOfOrder(true)
          .loggers("slf4j")
          .load();
    }
    return flyway;
  }

  /**
   * Applies pending migrations unless every migration this build has is already applied, which
   * one query of Flyway's history table tells without starting Flyway (a short CLI command's
   * case); returns how many were applied. {@link #migrate} is the full check, which also
   * validates the applied migrations' checksums.
   */
  public int migrateIfBehind() {
    Set<String> shipped = Migrations.versions();
    if (!shipped.isEmpty()) {
      try (Connection c = dataSource.getConnection();
          java.sql.Statement st = c.createStatement();
          java.sql.ResultSet rs = st.executeQuery(
              "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" = TRUE AND \"version\" IS NOT NULL")) {
        Set<String> applied = new java.util.HashSet<>();
        while (rs.next()) {
          applied.add(rs.getString(1));
        }
        if (applied.containsAll(shipped)) {
          return 0;
        }
      } catch (SQLException e) {
        // no history table yet (a new database) or another layout: Flyway decides
      }
    }
    return migrate();
  }

  /** Where the migrations are, on the classpath. */
  static final String MIGRATIONS = "db/migration";

  /** Applies pending migrations; returns how many were applied. */
  public int migrate() {
    try {
      return flyway().migrate().migrationsExecuted;
    } catch (RuntimeException e) {
      throw new StorageException("cannot migrate the database at " + url + ": " + e.getMessage(), e);
    }
  }

  /** Versions not yet applied; empty when the schema is current. */
  public List<String> pendingMigrations() {
    return Arrays.stream(flyway().info().pending())
        .map(MigrationInfo::getVersion)
        .map(String::valueOf)
        .toList();
  }

  public String currentVersion() {
    MigrationInfo current = flyway().info().current();
    return current == null ? "none" : String.valueOf(current.getVersion());
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
