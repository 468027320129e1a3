package io.contrail.logserver;

import io.contrail.storage.LogServerDirectory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Fetches a log from a worker's {@link LogServer}, signing the request. What can go wrong is told
 * in one sentence naming the server's host:port and the reason — refused, timed out, unknown host,
 * signature refused — as a {@link Unreachable}, never a stack trace for the user.
 */
public final class LogServerClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  /** Bytes of a log from {@code offset} on, out of {@code size} bytes the file had. */
  public record Fetched(byte[] bytes, long offset, long size) {}

  /** The log server could not be asked, or refused: the message says which and why. */
  public static final class Unreachable extends Exception {
    Unreachable(String message) {
      super(message);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final LogTokens tokens;

  public LogServerClient(LogTokens tokens) {
    this.tokens = tokens;
  }

  /**
   * {@code file} (relative to the worker's base_log_folder, '/'-separated) from {@code server}:
   * its last {@code tail} bytes when {@code tail > 0}, else all of it; empty when the server has no
   * such file (yet).
   */
  public Optional<Fetched> fetch(LogServerDirectory.Address server, String file, long tail) throws Unreachable {
    URI uri;
    try {
      uri = new URI("http", null, server.host(), server.port(), LogServer.PREFIX + file, tail > 0 ? "tail=" + tail : null, null);
    } catch (URISyntaxException e) {
      throw new Unreachable("the log server address " + server + " is not usable: " + e.getMessage());
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + tokens.sign(file)).GET().build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      throw unreachable(server, "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
    } catch (HttpTimeoutException e) {
      throw unreachable(server, "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (ConnectException e) {
      throw unreachable(server, "connection refused (is the worker stopped?)");
    } catch (IOException e) {
      throw unreachable(server, reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable(server, "interrupted");
    }
    int status = response.statusCode();
    String body = new String(response.body(), StandardCharsets.UTF_8).strip();
    if (status == 404) {
      return Optional.empty();
    }
    if (status == 401 || status == 403) {
      throw new Unreachable("the log server at " + server + " refused the request (" + status + ": " + body
          + "); the worker and this process must share [worker] log_server_secret (or [api] jwt_secret)");
    }
    if (status != 200) {
      throw new Unreachable("the log server at " + server + " answered " + status + ": " + body);
    }
    long offset = header(response, "X-Log-Offset", 0);
    long size = header(response, "X-Log-Size", offset + response.body().length);
    return Optional.of(new Fetched(response.body(), offset, size));
  }

  private static long header(HttpResponse<?> response, String name, long otherwise) {
    try {
      return response.headers().firstValue(name).map(Long::parseLong).orElse(otherwise);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static String reason(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof ConnectException) {
        return "connection refused (is the worker stopped?)";
      }
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static Unreachable unreachable(LogServerDirectory.Address server, String why) {
    return new Unreachable("cannot reach the log server of the worker at " + server + ": " + why);
  }
}
