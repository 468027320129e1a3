package io.contrail.storage;

import io.contrail.telemetry.JulBridge;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections from the two drivers Contrail ships (H2, PostgreSQL) without {@link DriverManager},
 * whose first use looks up every {@code java.sql.Driver} service on the class path: reading all 113
 * jars, most of a short command's cost of reaching the database. Other URLs go through
 * DriverManager as usual (a driver the operator put on the class path).
 */
final class JdbcDrivers {
  private static final Driver H2 = new org.h2.Driver();

  private JdbcDrivers() {}

  /** A connection to {@code url}; {@code user} and {@code password} may be null or blank (none). */
  static Connection connect(String url, String user, String password) throws SQLException {
    Properties properties = credentials(user, password);
    Driver driver = shipped(url);
    if (driver == null) {
      return DriverManager.getConnection(url, properties);
    }
    Connection c = driver.connect(url, properties);
    if (c == null) {
      throw new SQLException("the driver does not accept the URL " + url, "08001");
    }
    return c;
  }

  /**
   * The pool's source of connections for a shipped driver's URL, or null for any other URL.
   *
   * @param first a connection to {@code url} already open (with the pool's credentials), handed out
   *     first instead of opening one more; or null
   */
  static DataSource dataSource(String url, Connection first) {
    return shipped(url) == null ? null : new UrlDataSource(url, first);
  }

  private static Driver shipped(String url) {
    if (url.startsWith("jdbc:h2:")) {
      return H2;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      // the PostgreSQL driver logs through java.util.logging
      JulBridge.install();
      return Postgres.DRIVER;
    }
    return null;
  }

  /** Loaded when first used: the driver's classes initialise java.util.logging. */
  private static final class Postgres {
    static final Driver DRIVER = new org.postgresql.Driver();
  }

  private static Properties credentials(String user, String password) {
    Properties p = new Properties();
    if (user != null && !user.isBlank()) {
      p.setProperty("user", user);
    }
    if (password != null && !password.isBlank()) {
      p.setProperty("password", password);
    }
    return p;
  }

  /** The few DataSource methods HikariCP calls, over {@link #connect}. */
  private static final class UrlDataSource implements DataSource {
    private final String url;
    private final java.util.concurrent.atomic.AtomicReference<Connection> first;

    UrlDataSource(String url, Connection first) {
      this.url = url;
      this.first = new java.util.concurrent.atomic.AtomicReference<>(first);
    }

    @Override
    public Connection getConnection() throws SQLException {
      return getConnection(null, null);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      Connection open = first.getAndSet(null);
      if (open != null && !open.isClosed()) {
        return open;
      }
      return connect(url, user, password);
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
      // nothing is logged through a writer
    }

    /** Where HikariCP's own data source puts it too: the PostgreSQL driver reads it (setting it loads no driver). */
    @Override
    public void setLoginTimeout(int seconds) {
      DriverManager.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
      return DriverManager.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      if (type.isInstance(this)) {
        return type.cast(this);
      }
      throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return type.isInstance(this);
    }

    @Override
    public String toString() {
      return "DataSource[" + url.replaceAll("(?i)(password=)[^&;]*", "$1***") + "]";
    }
  }
}
