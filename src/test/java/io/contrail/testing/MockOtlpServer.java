package io.contrail.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real OTLP receiver for tests: {@code @elastic/mockotlpserver} from npm (OTLP/gRPC on 4317,
 * OTLP/HTTP on 4318, fixed ports), installed under {@code test-peers/} by scripts/test (or here on
 * first use). Every request it receives is parsed from its JSON output. A file lock serialises
 * users across JVMs because the ports are fixed.
 */
public final class MockOtlpServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"), "contrail-mockotlpserver.lock");

  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Process process;
  private final List<JsonNode> traceRequests = new CopyOnWriteArrayList<>();
  private final List<JsonNode> metricRequests = new CopyOnWriteArrayList<>();
  private final List<JsonNode> logRequests = new CopyOnWriteArrayList<>();

  private MockOtlpServer() throws IOException, InterruptedException {
    lockChannel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    lock = lockChannel.lock();
    Path bin = binary();
    process = new ProcessBuilder(bin.toString(), "--hostname=127.0.0.1", "-o", "trace-json,metrics-json,logs-json")
        .redirectErrorStream(true).start();
    CountDownLatch listening = new CountDownLatch(2);
    Thread reader = new Thread(() -> read(listening), "mockotlpserver-output");
    reader.setDaemon(true);
    reader.start();
    if (!listening.await(30, TimeUnit.SECONDS)) {
      close();
      throw new IllegalStateException("mockotlpserver did not start listening on 4317 and 4318 within 30 s");
    }
  }

  /** Starts the receiver (waiting for any other test JVM using the fixed ports to finish). */
  public static MockOtlpServer start() {
    try {
      return new MockOtlpServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** test-peers/node_modules/.bin/mockotlpserver under the project, installed with npm when missing. */
  static synchronized Path binary() throws IOException, InterruptedException {
    Path peers = Path.of(System.getProperty("user.dir")).resolve("test-peers");
    Path bin = peers.resolve("node_modules/.bin/mockotlpserver");
    if (!Files.isExecutable(bin)) {
      Files.createDirectories(peers);
      Process npm = new ProcessBuilder("npm", "install", "--no-save", "--no-audit", "--no-fund",
          "--prefix", peers.toString(), "@elastic/mockotlpserver@0.10.0")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.isExecutable(bin)) {
        throw new IllegalStateException("cannot install @elastic/mockotlpserver with npm into " + peers);
      }
    }
    return bin;
  }

  private void read(CountDownLatch listening) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.startsWith("{")) {
          continue;
        }
        JsonNode doc;
        try {
          doc = JSON.readTree(line);
        } catch (IOException notJson) {
          continue;
        }
        if (doc.has("resourceSpans")) {
          traceRequests.add(doc);
        } else if (doc.has("resourceMetrics")) {
          metricRequests.add(doc);
        } else if (doc.has("resourceLogs")) {
          logRequests.add(doc);
        } else if (doc.path("msg").asText().contains("listening")) {
          listening.countDown();
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /** Every span received so far; each carries its resource's attributes under "resource". */
  public List<JsonNode> spans() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode req : traceRequests) {
      for (JsonNode rs : req.path("resourceSpans")) {
        for (JsonNode ss : rs.path("scopeSpans")) {
          for (JsonNode span : ss.path("spans")) {
            ObjectNode copy = span.deepCopy();
            copy.set("resource", rs.path("resource").path("attributes"));
            out.add(copy);
          }
        }
      }
    }
    return out;
  }

  public List<JsonNode> metricRequests() {
    return List.copyOf(metricRequests);
  }

  public List<JsonNode> logRequests() {
    return List.copyOf(logRequests);
  }

  /** Waits until the received spans satisfy {@code done}; returns them either way. */
  public List<JsonNode> awaitSpans(Predicate<List<JsonNode>> done, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonNode> spans = spans();
    while (!done.test(spans) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      spans = spans();
    }
    return spans;
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
    process.destroyForcibly();
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // the lock goes with the channel
    }
  }
}
