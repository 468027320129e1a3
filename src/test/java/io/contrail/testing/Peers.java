package io.contrail.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real peer binaries for tests, from the idempotent installers in {@code scripts/peers/} (the ones
 * {@code .ci/run} calls before the suite). Each installer runs at most once per test JVM: its
 * answer, or its failure with the installer's own message, is remembered, so a failed 4-minute
 * Collector build is not started again by the next test. The installers cache what they build under
 * {@code ~/.cache/contrail-peers} and lock against each other, so the Collector is built once per
 * machine, not once per run.
 */
public final class Peers {
  private static final Map<String, Object> RESULTS = new HashMap<>();

  /** What an installer printed and returned. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private Peers() {}

  /** The OpenTelemetry Collector built from scripts/peers/otelcol-builder.yaml. */
  public static Path otelcol() {
    return install("otelcol.sh", Duration.ofMinutes(30));
  }

  /**
   * The directory holding kubeconform (built from Go modules) and Kubernetes' OpenAPI document
   * {@code swagger.json} (from the k8s.io/kubernetes module), see scripts/peers/kubeconform.sh.
   */
  public static Path kubeconform() {
    return install("kubeconform.sh", Duration.ofMinutes(15));
  }

  /** Prometheus 2.x from Debian's package; promtool is in the same directory. */
  public static Path prometheus() {
    return install("prometheus.sh", Duration.ofMinutes(5));
  }

  /**
   * The Python virtual environment with Airflow's REST clients and schemathesis
   * (scripts/peers/python-requirements.txt); its interpreter is {@code bin/python}.
   */
  public static Path pythonVenv() {
    return install("python.sh", Duration.ofMinutes(10));
  }

  /** The project's root directory (Maven runs tests there). */
  public static Path projectRoot() {
    return Path.of(System.getProperty("user.dir")).toAbsolutePath();
  }

  private static synchronized Path install(String script, Duration timeout) {
    Object known = RESULTS.computeIfAbsent(script, s -> {
      Result r = run(s, Map.of(), timeout);
      Path bin = Path.of(r.stdout().strip());
      if (r.exitCode() != 0 || !Files.isExecutable(bin)) {
        return new IllegalStateException("scripts/peers/" + s + " failed (exit " + r.exitCode() + "):\n"
            + r.stderr().strip());
      }
      return bin;
    });
    if (known instanceof IllegalStateException failure) {
      throw new IllegalStateException(failure.getMessage(), failure);
    }
    return (Path) known;
  }

  /** Runs {@code scripts/peers/<script>} with extra environment, failing after {@code timeout}. */
  public static Result run(String script, Map<String, String> env, Duration timeout) {
    Path file = projectRoot().resolve("scripts/peers").resolve(script);
    try {
      Path out = Files.createTempFile("peer-" + script, ".out");
      Path err = Files.createTempFile("peer-" + script, ".err");
      try {
        ProcessBuilder pb = new ProcessBuilder(file.toString()).redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          return new Result(-1, "", "scripts/peers/" + script + " did not finish within " + timeout + "\n"
              + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
