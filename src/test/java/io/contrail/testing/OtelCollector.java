package io.contrail.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenTelemetry Collector process ({@link Peers#otelcol()}) running a config file, its log
 * (the Collector logs to stderr) kept in a file for assertions such as "no deprecation warning".
 */
public final class OtelCollector implements AutoCloseable {
  private final LoggedProcess process;

  private OtelCollector(LoggedProcess process) {
    this.process = process;
  }

  /** {@code otelcol validate --config=FILE}: exit code and everything it printed (as stdout). */
  public static Peers.Result validate(Path binary, Path config) {
    try {
      Process p = new ProcessBuilder(binary.toString(), "validate", "--config=" + config).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("otelcol validate did not finish within 60 s:\n" + output);
      }
      return new Peers.Result(p.exitValue(), output, "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts the Collector on {@code config} and waits until it reports that every pipeline runs. */
  public static OtelCollector start(Path binary, Path config, Path log) {
    return new OtelCollector(LoggedProcess.start(List.of(binary.toString(), "--config=" + config), log,
        Duration.ofSeconds(30), p -> p.log().contains("Everything is ready")));
  }

  /** Everything the Collector logged so far. */
  public String log() {
    return process.log();
  }

  /** Log lines at level warn or error (in the Collector's console format the level is the 2nd field). */
  public List<String> warnings() {
    return log().lines().filter(l -> l.contains("\twarn\t") || l.contains("\terror\t")).toList();
  }

  @Override
  public void close() {
    process.close();
  }
}
