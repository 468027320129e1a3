package io.contrail.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A live OTLP receiver for the overhead benchmark: {@code @elastic/mockotlpserver} from npm
 * (gRPC 4317, HTTP 4318), installed under {@code test-peers/} on first use; its output is
 * discarded. The benchmark needs node and npm, as the tests do.
 */
final class OtlpReceiver implements AutoCloseable {
  private final Process process;

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
    process = new ProcessBuilder(bin.toString(), "--hostname=127.0.0.1", "-o", "trace-json")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!listening(4317) || !listening(4318)) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        close();
        throw new IllegalStateException("mockotlpserver did not listen on 4317/4318 (is another one running?)");
      }
      Thread.sleep(100);
    }
  }

  static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
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
