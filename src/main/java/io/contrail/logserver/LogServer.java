package io.contrail.logserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's log server (Airflow's workers serve logs on port 8793 the same way): {@code GET
 * /log/<file>} returns a file under {@code [logs] base_log_folder} from a byte offset
 * ({@code ?offset=N}) or its last bytes ({@code ?tail=N}), with its size in {@code X-Log-Size} and
 * where the body starts in {@code X-Log-Offset}. Every request carries a {@link LogTokens} JWT for
 * that very file ({@code Authorization: Bearer ...}); the path must stay under the logs folder once
 * normalised and with symbolic links followed. It is the JDK's HTTP server: no dependency, a few
 * threads.
 */
public final class LogServer implements AutoCloseable {
  static final String PREFIX = "/log/";
  private static final Logger LOG = LoggerFactory.getLogger(LogServer.class);

  private final HttpServer server;
  private final ExecutorService threads;
  private final Path root;
  private final LogTokens tokens;

  private LogServer(HttpServer server, ExecutorService threads, Path root, LogTokens tokens) {
    this.server = server;
    this.threads = threads;
    this.root = root;
    this.tokens = tokens;
  }

  /** Listens on {@code bindHost:port} (0: a free port) and serves {@code logsRoot}. */
  public static LogServer start(Path logsRoot, String bindHost, int port, LogTokens tokens) throws IOException {
    Path root = logsRoot.toAbsolutePath().normalize();
    HttpServer server = HttpServer.create(new InetSocketAddress(bindHost, port), 16);
    ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "log-server");
      t.setDaemon(true);
      return t;
    });
    LogServer logServer = new LogServer(server, threads, root, tokens);
    server.createContext("/", logServer::handle);
    server.setExecutor(threads);
    server.start();
    return logServer;
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET")) {
        ex.getResponseHeaders().set("Allow", "GET");
        send(ex, 405, "only GET");
        return;
      }
      String path = ex.getRequestURI().getPath();
      if (path == null || !path.startsWith(PREFIX) || path.length() == PREFIX.length()) {
        send(ex, 404, "not found: the log server serves /log/<file under base_log_folder>");
        return;
      }
      String name = path.substring(PREFIX.length());
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("Bearer ")) {
        send(ex, 401, "a signed request is required (Authorization: Bearer <JWT signed with the shared secret>)");
        return;
      }
      if (!tokens.permits(auth.substring("Bearer ".length()).strip(), name)) {
        send(ex, 403, "request refused: its token is not signed with this worker's log server secret"
            + " ([worker] log_server_secret, else [api] jwt_secret), has expired, or is for another file");
        return;
      }
      Path file = resolve(name);
      if (file == null) {
        send(ex, 403, "refused: " + name + " is not a file under the logs folder");
        return;
      }
      serve(ex, file, ex.getRequestURI().getRawQuery());
    } catch (RuntimeException e) {
      LOG.warn("log server: {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
      send(ex, 500, "internal error: " + e.getClass().getSimpleName());
    }
  }

  /** The file {@code name} names under the logs folder, or null when it would leave it. */
  private Path resolve(String name) throws IOException {
    if (name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0 || name.startsWith("/")) {
      return null;
    }
    Path file;
    try {
      file = root.resolve(name).normalize();
    } catch (InvalidPathException e) {
      return null;
    }
    if (!file.startsWith(root) || file.equals(root)) {
      return null;
    }
    if (Files.exists(file) && !file.toRealPath().startsWith(root.toRealPath())) {
      return null; // a symbolic link out of the logs folder
    }
    return file;
  }

  private void serve(HttpExchange ex, Path file, String query) throws IOException {
    long offset = -1;
    long tail = -1;
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        long n;
        try {
          n = Long.parseLong(value);
        } catch (NumberFormatException e) {
          n = -1;
        }
        if (!key.equals("offset") && !key.equals("tail")) {
          send(ex, 400, "unknown parameter '" + key + "': offset=N (bytes to skip) or tail=N (last N bytes)");
          return;
        }
        if (n < 0) {
          send(ex, 400, key + " must be a whole number of bytes, 0 or more; got '" + value + "'");
          return;
        }
        if (key.equals("offset")) {
          offset = n;
        } else {
          tail = n;
        }
      }
      if (offset >= 0 && tail >= 0) {
        send(ex, 400, "offset and tail exclude each other");
        return;
      }
    }
    if (!Files.isRegularFile(file)) {
      send(ex, 404, "no such log: " + root.relativize(file));
      return;
    }
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file); // a running try's log grows: serve what is there now
      long start = offset >= 0 ? Math.min(offset, size) : tail >= 0 ? Math.max(0, size - tail) : 0;
      in.skipNBytes(start);
      long length = size - start;
      ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      ex.getResponseHeaders().set("X-Log-Size", Long.toString(size));
      ex.getResponseHeaders().set("X-Log-Offset", Long.toString(start));
      ex.sendResponseHeaders(200, length == 0 ? -1 : length);
      if (length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          byte[] buf = new byte[64 * 1024];
          long left = length;
          while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
              break;
            }
            out.write(buf, 0, n);
            left -= n;
          }
        }
      }
    }
  }

  private static void send(HttpExchange ex, int status, String message) throws IOException {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    try {
      threads.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
