package io.contrail.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the Contrail CLI as a real child process on this test's classpath and a CONTRAIL_HOME. */
final class TraceCli {
  record Result(int exitCode, String out) {}

  private final Path home;
  private final Map<String, String> env = new HashMap<>();

  TraceCli(Path home) throws IOException {
    this.home = home;
    Files.createDirectories(home.resolve("dags"));
    env.put("CONTRAIL_HOME", home.toString());
    env.put("CONTRAIL__CORE__LOAD_EXAMPLES", "false");
    env.put("CONTRAIL__CORE__DAGS_FOLDER", home.resolve("dags").toString());
    env.put("CONTRAIL__TRACES__OTEL_ON", "true");
  }

  TraceCli env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** Child output is kept under target/e2e-logs for a failing test's post-mortem. */
  private static Path logDir() throws IOException {
    return Files.createDirectories(Path.of("target", "e2e-logs"));
  }

  Path dags() {
    return home.resolve("dags");
  }

  private Path lastStartLog;

  /** Waits until the last started process printed {@code text} (e.g. that its job started). */
  void awaitStartOutput(String text, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (Files.exists(lastStartLog) && Files.readString(lastStartLog, StandardCharsets.UTF_8).contains(text)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + text + "' within " + timeoutMs + " ms:\n" + Files.readString(lastStartLog));
  }

  Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), "io.contrail.cli.Main"));
    cmd.addAll(List.of(args));
    lastStartLog = logDir().resolve("out-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(lastStartLog.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("CONTRAIL"));
    pb.environment().putAll(env);
    return pb.start();
  }

  Result run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.contrail.cli.Main"));
    cmd.addAll(List.of(args));
    File out = logDir().resolve("out-" + System.nanoTime() + ".log").toFile();
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out);
    pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("CONTRAIL"));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("contrail " + String.join(" ", args) + " did not end within 60 s:\n"
          + Files.readString(out.toPath(), StandardCharsets.UTF_8));
    }
    return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8));
  }
}
