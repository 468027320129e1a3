package io.contrail.bench;

import io.contrail.storage.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A live OTLP receiver for the benchmarks: {@code @elastic/mockotlpserver} from npm, installed
 * under {@code test-peers/} on first use and started by {@code scripts/peers/otlp-receiver.js} on
 * free ports (a Collector may hold 4317/4318 already). What it receives is discarded, or with
 * {@code count} read to count the spans of each trace that arrived (the outbox benchmark checks
 * that its spans really reached the receiver). The benchmarks need node and npm, as the tests do.
 */
final class OtlpReceiver implements AutoCloseable {
  /** Spans of one trace received so far, and when the first and the latest arrived. */
  record Arrivals(long spans, Instant first, Instant last) {}

  private static final Pattern LISTENING = Pattern.compile("\"grpc\":(\\d+),\"http\":(\\d+)");

  private final Process process;
  private final int grpcPort;
  private final int httpPort;
  private final Map<String, Arrivals> arrivals = new ConcurrentHashMap<>();

  OtlpReceiver(Path projectDir) throws IOException, InterruptedException {
    this(projectDir, false);
  }

  OtlpReceiver(Path projectDir, boolean count) throws IOException, InterruptedException {
    Path peers = projectDir.resolve("test-peers");
    Path bin = peers.resolve("node_modules/.bin/mockotlpserver");
    if (!Files.isExecutable(bin)) {
      Process npm = new ProcessBuilder("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix",
          peers.toString(), "@elastic/mockotlpserver@0.10.0").inheritIO().start();
      if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
        throw new IllegalStateException("cannot install @elastic/mockotlpserver with npm into " + peers);
      }
    }
    ProcessBuilder pb = new ProcessBuilder("node", projectDir.resolve("scripts/peers/otlp-receiver.js").toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("NODE_PATH", peers.resolve("node_modules").toString());
    if (count) {
      // spans counted per trace by the receiver itself: printing every span as JSON (and parsing it
      // here) would cost more CPU on this machine than the telemetry being measured
      pb.environment().put("OTLP_RECEIVER_PRINT", "span-counts");
    }
    process = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    Matcher m = first == null ? null : LISTENING.matcher(first);
    if (m == null || !m.find()) {
      close();
      throw new IllegalStateException("the OTLP receiver did not start (scripts/peers/otlp-receiver.js)");
    }
    grpcPort = Integer.parseInt(m.group(1));
    httpPort = Integer.parseInt(m.group(2));
    // the pipe must not fill up even when what arrived is not counted
    Thread reader = new Thread(() -> read(out, count), "bench-otlp-receiver");
    reader.setDaemon(true);
    reader.start();
  }

  int grpcPort() {
    return grpcPort;
  }

  int httpPort() {
    return httpPort;
  }

  private void read(BufferedReader r, boolean count) {
    try (r) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!count || !line.startsWith("{\"spanCounts\"")) {
          continue;
        }
        Instant now = Instant.now();
        Map<String, Long> perTrace = new java.util.HashMap<>();
        Json.MAPPER.readTree(line).path("spanCounts").fields()
            .forEachRemaining(e -> perTrace.put(e.getKey(), e.getValue().asLong()));
        perTrace.forEach((trace, n) -> arrivals.merge(trace, new Arrivals(n, now, now),
            (a, b) -> new Arrivals(a.spans() + b.spans(), a.first(), b.last())));
      }
    } catch (IOException ignored) {
      // the receiver stopped
    }
  }

  /** What arrived of a trace so far (no spans: zero and nulls). */
  Arrivals arrivals(String traceId) {
    return arrivals.getOrDefault(traceId, new Arrivals(0, null, null));
  }

  /** CPU seconds the receiver (node) has used so far. */
  double cpuSeconds() {
    return BenchProcesses.cpuSeconds(process.pid());
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
