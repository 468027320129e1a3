package io.contrail.bench;

import io.contrail.config.ConfigLoader;
import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.contrail.executor.TaskLogs;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.storage.Sql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A throw-away Contrail installation for one benchmark: a temporary CONTRAIL_HOME, and either an
 * H2 file database (the embedded default) or a real PostgreSQL started from Maven Central with
 * fsync and synchronous_commit on, as in production.
 */
final class BenchEnvironment implements AutoCloseable {
  private final Path home;
  private final EmbeddedPostgres postgres;
  private final Path postgresData;
  private final boolean statementsLoaded;
  private final String dbUrl;
  private final String db;

  private final Integer parallelism;
  private final Environment env;

  /** @param env the environment the benchmark process started with; its CONTRAIL__ overrides are dropped */
  BenchEnvironment(Environment env, String db, Integer parallelism) {
    this(env, db, parallelism, false);
  }

  /** @param statements load pg_stat_statements into the embedded PostgreSQL ({@link #topStatements}) */
  BenchEnvironment(Environment env, String db, Integer parallelism, boolean statements) {
    this.env = env;
    this.db = db;
    this.parallelism = parallelism;
    this.statementsLoaded = statements;
    try {
      home = Files.createTempDirectory("contrail-bench-");
      if ("postgres".equals(db)) {
        // a data directory of our own, so the postmaster's pid can be read (CPU of the database's processes)
        postgresData = Files.createTempDirectory("contrail-bench-pg-");
        postgres = EmbeddedPostgres.builder()
            .setDataDirectory(postgresData)
            .setCleanDataDirectory(true)
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("max_connections", "100")
            .setServerConfig("shared_preload_libraries", statements ? "pg_stat_statements" : "")
            .start();
        dbUrl = postgres.getJdbcUrl("postgres", "postgres");
      } else if ("h2".equals(db)) {
        postgres = null;
        postgresData = null;
        dbUrl = "jdbc:h2:file:" + home.resolve("contrail");
      } else {
        throw new IllegalArgumentException("--db must be h2 or postgres, got '" + db + "'");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Forgets what pg_stat_statements counted so far (when it was loaded). */
  void resetStatements(Sql sql) {
    if (statements()) {
      sql.update("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      sql.queryOne("SELECT pg_stat_statements_reset()", rs -> 1);
    }
  }

  private boolean statements() {
    return postgres != null && statementsLoaded;
  }

  /**
   * The {@code n} statements PostgreSQL spent most time in since {@link #resetStatements}: calls,
   * total and mean milliseconds (wall time inside the server, so on a busy machine also time
   * waiting for a core), rows, and the statement's first 160 characters.
   */
  List<String> topStatements(Sql sql, int n) {
    if (!statements() || n <= 0) {
      return List.of();
    }
    return sql.query("SELECT calls, total_exec_time, mean_exec_time, rows, query FROM pg_stat_statements"
        + " WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT " + n,
        rs -> String.format(java.util.Locale.ROOT, "%d calls, %.0f ms (%.3f ms each), %d rows: %s", rs.getLong(1),
            rs.getDouble(2), rs.getDouble(3), rs.getLong(4), abbreviate(rs.getString(5))));
  }

  private static String abbreviate(String query) {
    String q = query.replaceAll("\\s+", " ").strip();
    return q.length() <= 160 ? q : q.substring(0, 157) + "...";
  }

  String db() {
    return db;
  }

  /** [core] parallelism of its processes; null: the default. */
  Integer parallelism() {
    return parallelism;
  }

  String dbUrl() {
    return dbUrl;
  }

  Path home() {
    return home;
  }

  /** The PostgreSQL server's postmaster pid (its backends are its children); empty on H2. */
  java.util.OptionalLong postmasterPid() {
    if (postgresData == null) {
      return java.util.OptionalLong.empty();
    }
    try {
      return java.util.OptionalLong.of(Long.parseLong(
          Files.readAllLines(postgresData.resolve("postmaster.pid")).get(0).strip()));
    } catch (IOException | RuntimeException e) {
      return java.util.OptionalLong.empty();
    }
  }

  /**
   * The environment of a Contrail process started by the benchmark on this installation: the
   * benchmark's own variables without CONTRAIL* and OTEL_* ones, CONTRAIL_HOME, the database and
   * the given CONTRAIL__ overrides.
   */
  Map<String, String> processVariables(Map<String, String> overrides) {
    Map<String, String> vars = variables(overrides);
    vars.keySet().removeIf(k -> k.startsWith("OTEL_") || (k.startsWith("CONTRAIL") && !k.startsWith("CONTRAIL__")));
    vars.put("CONTRAIL_HOME", home.toString());
    return vars;
  }

  /** A configuration on this environment's database with the given CONTRAIL__ overrides. */
  ContrailConfig config(Map<String, String> overrides) {
    return ConfigLoader.load(home, variables(overrides));
  }

  private Map<String, String> variables(Map<String, String> overrides) {
    Map<String, String> vars = new HashMap<>(env.variables());
    vars.keySet().removeIf(k -> k.startsWith("CONTRAIL__"));
    vars.put("CONTRAIL__CORE__LOAD_EXAMPLES", "false");
    vars.put("CONTRAIL__DATABASE__URL", dbUrl);
    vars.put("CONTRAIL__DATABASE__USER", postgres != null ? "postgres" : "sa");
    if (parallelism != null) {
      vars.put("CONTRAIL__CORE__PARALLELISM", String.valueOf(parallelism));
    }
    vars.putAll(overrides);
    return vars;
  }

  /**
   * A benchmark process on this installation, with the given CONTRAIL__ overrides: the telemetry
   * it gets is that of a role that runs tasks, so traces on means its span outbox runs.
   */
  Contrail open(Map<String, String> overrides) {
    Map<String, String> vars = variables(overrides);
    return Contrail.start(Role.BENCH, ConfigLoader.load(home, vars),
        new Environment(vars, env.otelSystemProperties(), env.hostname()));
  }

  @Override
  public void close() {
    try {
      if (postgres != null) {
        postgres.close();
      }
      TaskLogs.deleteTree(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
