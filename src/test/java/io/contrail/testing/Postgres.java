package io.contrail.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL (embedded binaries from Maven Central) for the whole test JVM, started on
 * first use and stopped when the JVM exits; each caller gets a database of its own.
 */
public final class Postgres {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  private Postgres() {}

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
      }
      EmbeddedPostgres started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException ignored) {
          // the JVM is going away
        }
      }));
    }
    return server;
  }

  /** A new, empty database; its JDBC URL (user postgres, no password). */
  public static String newDatabase(String prefix) {
    String name = prefix + DATABASES.incrementAndGet();
    admin("CREATE DATABASE " + name);
    return server().getJdbcUrl("postgres", name);
  }

  /** The name of the database a {@link #newDatabase} URL points at. */
  public static String nameOf(String url) {
    String path = url.substring(url.lastIndexOf('/') + 1);
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  public static void dropDatabase(String url) {
    admin("DROP DATABASE IF EXISTS " + nameOf(url) + " WITH (FORCE)");
  }

  private static void admin(String ddl) {
    try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute(ddl);
    } catch (SQLException e) {
      throw new IllegalStateException(ddl + ": " + e.getMessage(), e);
    }
  }
}
