package io.contrail.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A live OTLP receiver for the overhead benchmark: {@code @elastic/mockotlpserver} from npm,
 * installed under {@code test-peers/} on first use and started by {@code
 * scripts/peers/otlp-receiver.js} on a free port (a Collector may hold 4317 already); what it
 * receives is discarded. The benchmark needs node and npm, as the tests do.
 */
final class OtlpReceiver implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("\"grpc\":(\\d+)");

  private final Process process;
  private final int grpcPort;

  OtlpReceiver(Path projectDir) throws IOException, InterruptedException {
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
    process = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    Matcher m = first == null ? null : LISTENING.matcher(first);
    if (m == null || !m.find()) {
      close();
      throw new IllegalStateException("the OTLP receiver did not start (scripts/peers/otlp-receiver.js)");
    }
    grpcPort = Integer.parseInt(m.group(1));
    Thread drain = new Thread(() -> {
      try {
        while (out.readLine() != null) {
          // what the receiver got is not needed, but its pipe must not fill up
        }
      } catch (IOException ignored) {
        // the receiver stopped
      }
    }, "otlp-receiver-output");
    drain.setDaemon(true);
    drain.start();
  }

  int grpcPort() {
    return grpcPort;
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
