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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real OTLP receiver for tests: {@code @elastic/mockotlpserver} from npm, installed under {@code
 * test-peers/} on first use, started through its library API by {@code scripts/peers/otlp-receiver.js}
 * on free ports — OTLP/gRPC on {@link #grpcPort}, OTLP/HTTP on {@link #httpPort} — so tests run
 * side by side and beside a Collector holding 4317/4318. Every request it receives is parsed from
 * its JSON output.
 */
public final class MockOtlpServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private volatile int grpcPort;
  private volatile int httpPort;
  private final List<JsonNode> traceRequests = new CopyOnWriteArrayList<>();
  private final List<Instant> traceRequestTimes = new CopyOnWriteArrayList<>();
  private final List<JsonNode> metricRequests = new CopyOnWriteArrayList<>();
  private final List<JsonNode> logRequests = new CopyOnWriteArrayList<>();

  private MockOtlpServer(int grpcPort) throws IOException, InterruptedException {
    Path modules = binary().getParent().getParent();
    ProcessBuilder pb = new ProcessBuilder("node", Peers.projectRoot().resolve("scripts/peers/otlp-receiver.js").toString())
        .redirectErrorStream(true);
    pb.environment().put("NODE_PATH", modules.toString());
    pb.environment().put("OTLP_RECEIVER_GRPC_PORT", String.valueOf(grpcPort));
    process = pb.start();
    CountDownLatch listening = new CountDownLatch(1);
    Thread reader = new Thread(() -> read(listening), "mockotlpserver-output");
    reader.setDaemon(true);
    reader.start();
    if (!listening.await(30, TimeUnit.SECONDS)) {
      close();
      throw new IllegalStateException("the OTLP receiver (scripts/peers/otlp-receiver.js) did not start within 30 s");
    }
  }

  /** The OTLP/gRPC port. */
  public int grpcPort() {
    return grpcPort;
  }

  /** The OTLP/HTTP port. */
  public int httpPort() {
    return httpPort;
  }

  /** The port of {@code protocol}: {@code grpc} or {@code http/protobuf}. */
  public int port(String protocol) {
    return protocol.equals("grpc") ? grpcPort : httpPort;
  }

  /** Starts the receiver on free ports. */
  public static MockOtlpServer start() {
    return startOn(0);
  }

  /** Starts the receiver with OTLP/gRPC on {@code grpcPort} (0: a free one), for a collector that comes back. */
  public static MockOtlpServer startOn(int grpcPort) {
    try {
      return new MockOtlpServer(grpcPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * test-peers/node_modules/.bin/mockotlpserver under the project, installed with npm when missing;
   * a file lock keeps test JVMs running side by side from installing into the same folder at once.
   */
  static synchronized Path binary() throws IOException, InterruptedException {
    Path peers = Path.of(System.getProperty("user.dir")).resolve("test-peers");
    Path bin = peers.resolve("node_modules/.bin/mockotlpserver");
    if (Files.isExecutable(bin)) {
      return bin;
    }
    Files.createDirectories(peers);
    try (FileChannel lockFile = FileChannel.open(peers.resolve(".install.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
      if (!Files.isExecutable(bin)) {
        Process npm = new ProcessBuilder("npm", "install", "--no-save", "--no-audit", "--no-fund",
            "--prefix", peers.toString(), "@elastic/mockotlpserver@0.10.0")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.isExecutable(bin)) {
          throw new IllegalStateException("cannot install @elastic/mockotlpserver with npm into " + peers);
        }
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
          traceRequestTimes.add(Instant.now());
          traceRequests.add(doc);
        } else if (doc.has("resourceMetrics")) {
          metricRequests.add(doc);
        } else if (doc.has("resourceLogs")) {
          logRequests.add(doc);
        } else if (doc.has("listening")) {
          grpcPort = doc.path("listening").path("grpc").asInt();
          httpPort = doc.path("listening").path("http").asInt();
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
    spanRequests().forEach(r -> out.addAll(r.spans()));
    return out;
  }

  /** One export request of spans: when the receiver printed it, and its spans (as {@link #spans}). */
  public record SpanRequest(Instant receivedAt, List<JsonNode> spans) {}

  /** The span export requests received so far, in the order they came in. */
  public List<SpanRequest> spanRequests() {
    List<SpanRequest> out = new ArrayList<>();
    List<JsonNode> requests = List.copyOf(traceRequests);
    for (int i = 0; i < requests.size(); i++) {
      List<JsonNode> spans = new ArrayList<>();
      for (JsonNode rs : requests.get(i).path("resourceSpans")) {
        for (JsonNode ss : rs.path("scopeSpans")) {
          for (JsonNode span : ss.path("spans")) {
            ObjectNode copy = span.deepCopy();
            copy.set("resource", rs.path("resource").path("attributes"));
            spans.add(copy);
          }
        }
      }
      out.add(new SpanRequest(traceRequestTimes.get(i), spans));
    }
    return out;
  }

  public List<JsonNode> metricRequests() {
    return List.copyOf(metricRequests);
  }

  public List<JsonNode> logRequests() {
    return List.copyOf(logRequests);
  }

  /** Every log record received so far; each carries its resource's attributes under "resource". */
  public List<JsonNode> logRecords() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode req : logRequests) {
      for (JsonNode rl : req.path("resourceLogs")) {
        for (JsonNode sl : rl.path("scopeLogs")) {
          for (JsonNode record : sl.path("logRecords")) {
            ObjectNode copy = record.deepCopy();
            copy.set("resource", rl.path("resource").path("attributes"));
            copy.set("scope", sl.path("scope"));
            out.add(copy);
          }
        }
      }
    }
    return out;
  }

  /** Waits until the received log records satisfy {@code done}; returns them either way. */
  public List<JsonNode> awaitLogRecords(Predicate<List<JsonNode>> done, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonNode> records = logRecords();
    while (!done.test(records) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      records = logRecords();
    }
    return records;
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
  }
}
