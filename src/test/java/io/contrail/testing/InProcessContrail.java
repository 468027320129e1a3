package io.contrail.testing;

import io.contrail.api.Dag;
import io.contrail.config.ConfigLoader;
import io.contrail.config.Environment;
import io.contrail.operations.RunRequest;
import io.contrail.roles.Contrail;
import io.contrail.roles.Foreground;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.storage.Stores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Contrail in the test's JVM, wired by the production composition roots: a home in a temporary
 * folder, DAG files written there, a fresh in-memory H2 database (unless a test names another),
 * and the environment variables a test sets — OTEL_* included — as the process's one environment
 * snapshot. {@link #run} runs one manual run to its end as {@code dags test} does.
 */
public final class InProcessContrail implements AutoCloseable {
  private final Path home;
  private final Map<String, String> variables = new HashMap<>();
  private Role role = Role.DAGS_TEST;
  private Contrail contrail;

  public InProcessContrail(Path home) {
    this.home = home;
    variables.put("CONTRAIL_HOME", home.toString());
    variables.put("CONTRAIL__CORE__LOAD_EXAMPLES", "false");
    variables.put("CONTRAIL__CORE__DAGS_FOLDER", home.resolve("dags").toString());
    variables.put("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "200");
    variables.put("CONTRAIL__SCHEDULER__JOB_HEARTBEAT_MS", "200");
    variables.put("CONTRAIL__DATABASE__URL", "jdbc:h2:mem:test-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
  }

  /** Sets an environment variable (CONTRAIL__..., OTEL_...) of the process; only before it opens. */
  public InProcessContrail set(String variable, Object value) {
    if (contrail != null) {
      throw new IllegalStateException("set " + variable + " before Contrail opens");
    }
    variables.put(variable, String.valueOf(value));
    return this;
  }

  /** The role the process plays (default dags_test). */
  public InProcessContrail role(Role r) {
    this.role = r;
    return this;
  }

  /** Writes {@code dags/fileName}; once open, syncs dags_folder into the database at once. */
  public InProcessContrail dag(String fileName, String yaml) {
    try {
      Files.createDirectories(home.resolve("dags"));
      Files.writeString(home.resolve("dags").resolve(fileName), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (contrail != null) {
      contrail.dagSync().sync();
    }
    return this;
  }

  /** The process's environment snapshot. */
  public Environment environment() {
    return Environment.of(variables);
  }

  /** The composition root, opened (and dags_folder synced) on first use. */
  public Contrail contrail() {
    if (contrail == null) {
      Environment env = environment();
      contrail = Contrail.start(role, ConfigLoader.load(home, env.variables()), env);
      contrail.dagSync().sync();
    }
    return contrail;
  }

  public Stores stores() {
    return contrail().stores();
  }

  /** The DAG as the database has it. */
  public Dag find(String dagId) {
    return stores().dags().find(dagId).orElseThrow().dag();
  }

  /** One manual run of the DAG, run to completion in this process; the finished run row. */
  public DagRun run(String dagId) {
    return run(dagId, null, null);
  }

  public DagRun run(String dagId, String conf, String traceparent) {
    Contrail c = contrail();
    DagRun created = c.runCreator().createNew(find(dagId), RunRequest.manual(null, conf, traceparent));
    Foreground.runToCompletion(c, Set.of(created.key()), r -> { });
    return stores().runs().findRun(created.key()).orElseThrow();
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (contrail != null) {
      contrail.close();
    }
  }
}
