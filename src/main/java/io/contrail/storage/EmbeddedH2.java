package io.contrail.storage;

import io.contrail.security.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded H2 database's access, when {@code [database] password} is empty (the default):
 * Contrail works as the non-admin user {@code CONTRAIL}, whose generated password is kept in
 * {@code CONTRAIL_HOME/database_password} (0600). It may change the schema ({@code ALTER ANY
 * SCHEMA}: migrations) and the data, but H2 refuses it everything that loads code or touches
 * files — {@code CREATE ALIAS}, {@code CREATE TRIGGER}, linked tables, {@code FILE_READ},
 * {@code CSVWRITE}, {@code RUNSCRIPT}, {@code SCRIPT}, {@code BACKUP} need admin rights — so the
 * connections the auto-server serves to other processes cannot run Java in this one. The admin
 * ({@code [database] user}, default {@code sa}) gets a generated password of its own in
 * {@code CONTRAIL_HOME/database_admin_password}; a process uses it only while it starts, to open
 * the file with {@code WRITE_DELAY=0} and make sure the user exists. A database made by an older
 * Contrail (admin with an empty password) is secured the first time: the admin's password is set
 * and the user created.
 */
final class EmbeddedH2 {
  static final String USER = "CONTRAIL";
  static final String PASSWORD_FILE = "database_password";
  static final String ADMIN_PASSWORD_FILE = "database_admin_password";
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedH2.class);
  private static final int WRONG_USER_OR_PASSWORD = 28000;
  private static final Duration BUSY_TIMEOUT = Duration.ofSeconds(20);
  /** Settings of a URL that need admin rights: the connection that opens the file applies them. */
  private static final java.util.regex.Pattern ADMIN_SETTINGS = java.util.regex.Pattern.compile("(?i);\\s*WRITE_DELAY\\s*=[^;]*");

  /**
   * What the pool connects with, and the probe connection, open until the pool has its first one
   * (so the database file is not opened twice by one process start). When {@code poolMayUse}, the
   * probe is already the pool's kind of connection (the user's, through another process's server)
   * and becomes the pool's first one.
   */
  record Access(String url, String user, String password, String adminPassword, Connection probe,
      boolean poolMayUse) {
    @Override
    public String toString() {
      return "Access[url=" + url + ", user=" + user + ", password=***]";
    }
  }

  private EmbeddedH2() {}

  /** True for an embedded H2 file URL without a configured password: Contrail manages the access. */
  static boolean managed(String url, String password) {
    return isFileUrl(url) && (password == null || password.isEmpty());
  }

  static boolean isFileUrl(String url) {
    return url.startsWith("jdbc:h2:file:") || url.startsWith("jdbc:h2:~") || url.startsWith("jdbc:h2:/")
        || url.startsWith(ASYNC);
  }

  private static final String ASYNC = "jdbc:h2:async:";

  /**
   * The same database file on H2's {@code async:} file system. H2's default file system uses a
   * {@link java.nio.channels.FileChannel}, which the JDK closes when a thread is interrupted inside
   * a read or write: H2 then closes the whole database for every thread ("IO Exception ...
   * .mv.db"), and a task stopped at the wrong moment (executor shutdown, a user's stop, a JUnit
   * timeout) would take the scheduler down with it. The async file system's operations complete
   * whatever the interrupt (the flag stays set for the caller), so interrupts are harmless to the
   * database. Other processes may still open the file with a {@code file:} URL: the lock file is
   * the same.
   */
  static String onAsyncFileSystem(String url) {
    if (url.startsWith(ASYNC)) {
      return url;
    }
    if (url.startsWith("jdbc:h2:file:")) {
      return ASYNC + url.substring("jdbc:h2:file:".length());
    }
    return ASYNC + url.substring("jdbc:h2:".length());
  }

  /**
   * The credentials of the user {@code CONTRAIL} on {@code url}, creating the database, the user or
   * the passwords as needed.
   *
   * @param url the normalised URL (auto-server on), without settings that need admin rights
   * @param admin the admin user's name ({@code [database] user})
   */
  static Access open(Path home, String url, String admin) {
    String password;
    String adminPassword;
    try {
      password = PasswordFile.readOrCreate(home.resolve(PASSWORD_FILE));
      adminPassword = PasswordFile.readOrCreate(home.resolve(ADMIN_PASSWORD_FILE));
    } catch (IOException e) {
      throw new StorageException("cannot read or create the database passwords in " + home + ": " + e, e);
    }
    Connection joined = joinServer(url, password);
    if (joined != null) {
      return new Access(withoutAdminSettings(url), USER, password, adminPassword, joined, true);
    }
    String adminUser = admin == null || admin.isBlank() ? "SA" : admin;
    long deadline = System.nanoTime() + BUSY_TIMEOUT.toNanos();
    Connection probe;
    while (true) {
      try {
        probe = adminConnection(url, adminUser, adminPassword);
        createUser(probe, password);
        break;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new StorageException("cannot open the embedded database " + url + ": " + e.getMessage(), e);
        }
        // another process is opening or closing the file right now (lock file, auto-server): again
        sleep(200);
      }
    }
    restrictFiles(url);
    return new Access(withoutAdminSettings(url), USER, password, adminPassword, probe, false);
  }

  /**
   * A connection as {@code CONTRAIL} through the auto-server of the process that holds the database
   * (a scheduler or standalone beside a CLI command), or null. That process opened the file as the
   * admin (with {@code WRITE_DELAY}) and made sure of the user, so a command need not log in as the
   * admin too: one connection fewer at every start. Null when no lock file names a server, when the
   * login fails (the admin path then sets the password again), or when the connection opened the file
   * itself (a stale lock file): that one is closed and the admin opens the file with its settings.
   */
  private static Connection joinServer(String url, String password) {
    Path lock = lockFile(url);
    if (lock == null || !Files.isRegularFile(lock)) {
      return null;
    }
    Connection c = null;
    try {
      c = JdbcDrivers.connect(withoutAdminSettings(url), USER, password);
      if (c instanceof org.h2.jdbc.JdbcConnection h2 && h2.getSession() instanceof org.h2.engine.SessionRemote) {
        return c;
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debug("cannot join the server of {} as {}: {}", url, USER, e.toString());
    }
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.debug("closing {}: {}", url, e.toString());
      }
    }
    return null;
  }

  /**
   * The admin's connection, which opens the database (creating it the first time) with
   * {@code WRITE_DELAY=0}: H2 takes the write delay from the URL of the connection that opens the
   * file, and only an admin may give it. A database an older Contrail made (admin with an empty
   * password) gets the generated admin password here.
   */
  private static Connection adminConnection(String url, String adminUser, String adminPassword) throws SQLException {
    // a WRITE_DELAY of the configured URL is the user's choice; otherwise every commit reaches the file at once
    String opening = ADMIN_SETTINGS.matcher(url).find() ? url : url + ";WRITE_DELAY=0";
    try {
      return JdbcDrivers.connect(opening, adminUser, adminPassword);
    } catch (SQLException e) {
      if (e.getErrorCode() != WRONG_USER_OR_PASSWORD) {
        throw e;
      }
    }
    Connection legacy;
    try {
      legacy = JdbcDrivers.connect(opening, adminUser, "");
    } catch (SQLException e) {
      if (e.getErrorCode() == WRONG_USER_OR_PASSWORD) {
        throw new StorageException("cannot log in to the embedded database " + url + " as " + adminUser
            + " with the password in " + ADMIN_PASSWORD_FILE + " (nor with an empty one): if it has a password"
            + " of your own, set [database] user and password", e);
      }
      throw e;
    }
    try (Statement s = legacy.createStatement()) {
      s.execute("ALTER USER " + quote(adminUser) + " SET PASSWORD '" + adminPassword + "'");
    } catch (SQLException e) {
      legacy.close();
      throw e;
    }
    LOG.info("the embedded database {} had an empty admin password: it now has generated passwords, kept in {} and {}",
        url, PASSWORD_FILE, ADMIN_PASSWORD_FILE);
    return legacy;
  }

  /**
   * {@code url} without the settings only an admin may give (the pool connects as {@code CONTRAIL},
   * and H2 refuses a connection whose URL sets them); the admin's opening connection applied them.
   */
  static String withoutAdminSettings(String url) {
    return ADMIN_SETTINGS.matcher(url).replaceAll("");
  }

  private static void createUser(Connection admin, String password) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute("CREATE USER IF NOT EXISTS " + USER + " PASSWORD '" + password + "'");
      s.execute("ALTER USER " + USER + " SET PASSWORD '" + password + "'");
      // DDL for migrations and every table's data; not admin: no aliases, triggers, files, users
      s.execute("GRANT ALTER ANY SCHEMA TO " + USER);
    }
  }

  /** The database's own files (H2 creates them 0644 and the lock file again on every open): 0600. */
  private static void restrictFiles(String url) {
    String base = filePath(url);
    for (String suffix : new String[] {".mv.db", ".lock.db", ".trace.db"}) {
      try {
        PrivateFiles.restrict(Path.of(base + suffix));
      } catch (IOException | RuntimeException e) {
        LOG.debug("cannot restrict {}{}: {}", base, suffix, e.toString());
      }
    }
  }

  /** The database's path without the {@code .mv.db} suffix, from a file URL. */
  private static String filePath(String url) {
    String base = url.substring("jdbc:h2:".length());
    base = base.startsWith("file:") ? base.substring("file:".length()) : base;
    base = base.startsWith("async:") ? base.substring("async:".length()) : base;
    int semicolon = base.indexOf(';');
    base = semicolon < 0 ? base : base.substring(0, semicolon);
    if (base.startsWith("~")) {
      base = System.getProperty("user.home") + base.substring(1);
    }
    return base;
  }

  private static Path lockFile(String url) {
    try {
      return Path.of(filePath(url) + ".lock.db");
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String quote(String identifier) {
    return "\"" + identifier.toUpperCase(Locale.ROOT).replace("\"", "\"\"") + "\"";
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while opening the embedded database", e);
    }
  }
}
