package io.contrail.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract on a real PostgreSQL: one embedded server for the class, a new database
 * for each test.
 */
class PostgresStoreTest extends JdbcStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  private String databaseName;

  @BeforeAll
  static void startServer() throws IOException {
    server = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected Database openEmptyDatabase() {
    databaseName = "t" + DATABASES.incrementAndGet();
    admin("CREATE DATABASE " + databaseName);
    return new Database(server.getJdbcUrl("postgres", databaseName), "postgres", null, 4);
  }

  @Override
  protected void dropDatabase(Database closed) {
    admin("DROP DATABASE IF EXISTS " + databaseName);
  }

  private static void admin(String ddl) {
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute(ddl);
    } catch (SQLException e) {
      throw new IllegalStateException(ddl + ": " + e.getMessage(), e);
    }
  }
}
