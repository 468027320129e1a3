package io.contrail.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrail.testing.SocketTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database's generated, non-admin access (a real H2 file database in a temporary home). */
class EmbeddedH2Test {
  private static final int ADMIN_RIGHTS_REQUIRED = 90040;
  private static final int WRONG_USER_OR_PASSWORD = 28000;

  @TempDir Path home;

  private String url() {
    return "jdbc:h2:file:" + home.resolve("contrail");
  }

  private Database open() {
    return Database.open(url(), "sa", "", 2, home);
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  /** The H2 error code of {@code sql} on a connection as the user Contrail works as; 0 if it ran. */
  private int errorCode(String sql) throws IOException {
    String password = Files.readString(home.resolve("database_password")).strip();
    try (Connection c = DriverManager.getConnection(url() + ";AUTO_SERVER=TRUE", "CONTRAIL", password);
        Statement s = c.createStatement()) {
      s.execute(sql);
      return 0;
    } catch (SQLException e) {
      return e.getErrorCode();
    }
  }

  /**
   * A thread interrupted while it commits (a task stopped, an executor shut down) must not close
   * the database for every other thread: on H2's default file system it does ("IO Exception:
   * .../contrail.mv.db", every later statement failing) — measured before the async file system.
   */
  @Test
  void aThreadInterruptedWhileItCommitsLeavesTheDatabaseOpenForEveryoneElse() throws Exception {
    try (Database db = open()) {
      db.sql().update("CREATE TABLE noise (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(1000))");
      java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
      Thread writer = new Thread(() -> {
        for (int i = 0; i < 1500; i++) {
          try {
            db.sql().update("INSERT INTO noise (v) VALUES (?)", "x".repeat(900));
          } catch (RuntimeException e) {
            failed.incrementAndGet(); // an interrupted pool wait may refuse a statement; the database must not
          }
          Thread.interrupted();
        }
      });
      writer.start();
      while (writer.isAlive()) {
        writer.interrupt();
        Thread.sleep(1);
      }
      db.sql().update("INSERT INTO noise (v) VALUES ('after')");
      long rows = db.sql().queryOne("SELECT COUNT(*) FROM noise", rs -> rs.getLong(1)).orElseThrow();
      assertThat(rows).as("inserts that got through, with %d refused", failed.get()).isEqualTo(1501 - failed.get());
      assertThat(failed.get()).as("most statements ran despite the interrupts").isLessThan(750);
    }
  }

  @Test
  void contrailWorksAsAUserThatMayMigrateButNeitherLoadCodeNorTouchFiles() throws Exception {
    try (Database db = open()) {
      assertThat(db.migrate()).as("migrations run as the non-admin user").isPositive();
      Stores.jdbc(db).pools().ensure("p", 3, "pool");
      Files.writeString(home.resolve("x.sql"), "CREATE TABLE stolen (a INT);");
      for (String sql : List.of(
          "CREATE ALIAS GETPROP FOR 'java.lang.System.getProperty'",
          "CREATE ALIAS RUN AS 'String run() { return \"x\"; }'",
          "CREATE TRIGGER T BEFORE INSERT ON pool FOR EACH ROW CALL 'org.h2.api.Trigger'",
          "CREATE AGGREGATE A FOR 'java.lang.Object'",
          "CREATE LINKED TABLE L('org.h2.Driver', 'jdbc:h2:mem:x', '', '', 'T')",
          "CREATE USER EVIL PASSWORD 'x' ADMIN",
          "RUNSCRIPT FROM '" + home.resolve("x.sql") + "'",
          "SCRIPT TO '" + home.resolve("dump.sql") + "'",
          "BACKUP TO '" + home.resolve("b.zip") + "'",
          "CALL CSVWRITE('" + home.resolve("w.csv") + "', 'SELECT 1')",
          "CALL FILE_WRITE('x', '" + home.resolve("w.txt") + "')",
          "SELECT FILE_READ('/etc/hostname')",
          "SET WRITE_DELAY 500")) {
        assertThat(errorCode(sql)).as(sql).isEqualTo(ADMIN_RIGHTS_REQUIRED);
      }
      assertThat(errorCode("SELECT COUNT(*) FROM pool")).as("the data is there to work with").isZero();
      assertThat(db.sql().query("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'",
          rs -> rs.getString(1))).as("commits reach the file at once").isNotEmpty().containsOnly("0");
      assertThat(db.secrets()).containsExactly(Files.readString(home.resolve("database_password")).strip(),
          Files.readString(home.resolve("database_admin_password")).strip());
    }
    for (String file : List.of("database_password", "database_admin_password", "contrail.mv.db")) {
      assertThat(mode(home.resolve(file))).as(file).isEqualTo("rw-------");
    }
    assertThat(Files.exists(home.resolve("w.csv")) || Files.exists(home.resolve("dump.sql"))).isFalse();
  }

  @Test
  void theAutoServerListensOnLoopbackOnlyAndTheLockFileIsPrivate() throws Exception {
    try (Database db = open()) {
      db.migrate();
      Path lock = home.resolve("contrail.lock.db");
      assertThat(mode(lock)).isEqualTo("rw-------");
      Properties p = new Properties();
      try (var in = Files.newInputStream(lock)) {
        p.load(in);
      }
      int port = Integer.parseInt(p.getProperty("server").replaceAll(".*:", ""));
      assertThat(SocketTable.listening().stream().filter(s -> s.port() == port).toList())
          .as("sockets listening on the auto-server's port %d", port)
          .isNotEmpty().allMatch(SocketTable.Socket::loopback);
    }
  }

  @Test
  void aDatabaseMadeWithAnEmptyAdminPasswordIsSecuredAndKeepsItsRuns() throws Exception {
    // what Contrail before generated passwords did: sa with an empty password
    try (Database legacy = new Database(url(), "sa", "", 2)) {
      legacy.migrate();
      Stores.jdbc(legacy).pools().ensure("kept", 7, "made before");
    }
    try (Database db = open()) {
      assertThat(db.migrate()).isZero();
      assertThat(db.sql().query("SELECT slots FROM pool WHERE pool = 'kept'", rs -> rs.getInt(1))).containsExactly(7);
    }
    assertThatThrownBy(() -> DriverManager.getConnection(url(), "sa", "").close())
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(WRONG_USER_OR_PASSWORD));
    String admin = Files.readString(home.resolve("database_admin_password")).strip();
    try (Connection c = DriverManager.getConnection(url(), "sa", admin)) {
      assertThat(c.isValid(1)).as("the admin keeps its account, with the generated password").isTrue();
    }
    try (Database again = open()) {
      assertThat(again.sql().query("SELECT COUNT(*) FROM pool WHERE pool = 'kept'", rs -> rs.getInt(1))).containsExactly(1);
    }
  }

  @Test
  void aConfiguredUrlWithAnAdminOnlySettingStillOpens() throws Exception {
    // WRITE_DELAY needs admin rights: the admin's opening connection applies it, the pool's URL drops it
    try (Database db = Database.open(url() + ";WRITE_DELAY=0", "sa", "", 2, home)) {
      assertThat(db.migrate()).isPositive();
      Stores.jdbc(db).pools().ensure("p", 3, "pool");
      assertThat(db.url()).doesNotContainIgnoringCase("WRITE_DELAY");
    }
  }

  @Test
  void passwordsThatNoLongerFitGiveAClearError() throws Exception {
    try (Database db = open()) {
      db.migrate();
    }
    Files.writeString(home.resolve("database_password"), "not-the-password\n");
    Files.writeString(home.resolve("database_admin_password"), "not-this-either\n");
    assertThatThrownBy(this::open).isInstanceOf(StorageException.class)
        .hasMessageContaining("cannot log in to the embedded database")
        .hasMessageContaining("set [database] user and password")
        .hasMessageNotContaining("not-the-password");
  }
}
