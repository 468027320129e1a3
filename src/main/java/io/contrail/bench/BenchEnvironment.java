package io.contrail.bench;

import io.contrail.cli.App;
import io.contrail.config.ConfigLoader;
import io.contrail.config.ContrailConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A throw-away Contrail installation for one benchmark: a temporary CONTRAIL_HOME, and either an
 * H2 file database (the embedded default) or a real PostgreSQL started from Maven Central with
 * fsync and synchronous_commit on, as in production.
 */
final class BenchEnvironment implements AutoCloseable {
  private final Path home;
  private final EmbeddedPostgres postgres;
  private final String dbUrl;
  private final String db;

  private final Integer parallelism;

  BenchEnvironment(String db, Integer parallelism) {
    this.db = db;
    this.parallelism = parallelism;
    try {
      home = Files.createTempDirectory("contrail-bench-");
      if ("postgres".equals(db)) {
        postgres = EmbeddedPostgres.builder()
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("max_connections", "100")
            .start();
        dbUrl = postgres.getJdbcUrl("postgres", "postgres");
      } else if ("h2".equals(db)) {
        postgres = null;
        dbUrl = "jdbc:h2:file:" + home.resolve("contrail");
      } else {
        throw new IllegalArgumentException("--db must be h2 or postgres, got '" + db + "'");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String db() {
    return db;
  }

  String dbUrl() {
    return dbUrl;
  }

  Path home() {
    return home;
  }

  /** A configuration on this environment's database with the given CONTRAIL__ overrides. */
  ContrailConfig config(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("CONTRAIL__"));
    env.put("CONTRAIL__CORE__LOAD_EXAMPLES", "false");
    env.put("CONTRAIL__DATABASE__URL", dbUrl);
    env.put("CONTRAIL__DATABASE__USER", postgres != null ? "postgres" : "sa");
    if (parallelism != null) {
      env.put("CONTRAIL__CORE__PARALLELISM", String.valueOf(parallelism));
    }
    env.putAll(overrides);
    return ConfigLoader.load(home, env);
  }

  App app(Map<String, String> overrides, String role) {
    return App.create(config(overrides), role);
  }

  @Override
  public void close() {
    try {
      if (postgres != null) {
        postgres.close();
      }
      try (Stream<Path> files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
