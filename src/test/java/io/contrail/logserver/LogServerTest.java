package io.contrail.logserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrail.storage.LogServerDirectory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's log server over a real socket: it serves files of its logs folder, from an offset or
 * as a tail, to signed requests only, and nothing outside the folder.
 */
class LogServerTest {
  private static final String SECRET = "the-shared-secret-of-this-deployment";
  private static final String FILE = "dag_id=d/run_id=r1/task_id=t/attempt=1.log";

  @TempDir Path dir;
  private Path logs;
  private LogServer server;
  private final LogTokens tokens = new LogTokens(SECRET, Clock.systemUTC());
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    logs = Files.createDirectories(dir.resolve("logs"));
    Path log = Files.createDirectories(logs.resolve("dag_id=d/run_id=r1/task_id=t")).resolve("attempt=1.log");
    Files.writeString(log, "line one\nline two\nline three\n");
    Files.writeString(dir.resolve("outside.txt"), "not a log\n");
    server = LogServer.start(logs, "127.0.0.1", 0, tokens);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String rawPathAndQuery, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + rawPathAndQuery));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSignedRequestGetsTheWholeLogWithItsSize() throws Exception {
    HttpResponse<String> r = get("/log/" + FILE, tokens.sign(FILE));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("line one\nline two\nline three\n");
    assertThat(r.headers().firstValue("X-Log-Size")).hasValue("29");
  }

  @Test
  void anOffsetSkipsBytesAndATailKeepsTheLast() throws Exception {
    HttpResponse<String> fromOffset = get("/log/" + FILE + "?offset=9", tokens.sign(FILE));
    assertThat(fromOffset.body()).isEqualTo("line two\nline three\n");
    assertThat(fromOffset.headers().firstValue("X-Log-Offset")).hasValue("9");
    HttpResponse<String> tail = get("/log/" + FILE + "?tail=11", tokens.sign(FILE));
    assertThat(tail.body()).isEqualTo("line three\n");
    assertThat(tail.headers().firstValue("X-Log-Offset")).hasValue("18");
    assertThat(get("/log/" + FILE + "?offset=1000", tokens.sign(FILE)).body()).isEmpty();
    HttpResponse<String> bad = get("/log/" + FILE + "?offset=-3", tokens.sign(FILE));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("offset must be a whole number of bytes");
    assertThat(get("/log/" + FILE + "?from=2", tokens.sign(FILE)).body()).contains("unknown parameter 'from'");
  }

  @Test
  void aRequestWithoutASignatureIsRefused() throws Exception {
    HttpResponse<String> r = get("/log/" + FILE, null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("a signed request is required").doesNotContain("line one");
  }

  @Test
  void aRequestSignedWithAnotherSecretExpiredOrForAnotherFileIsRefused() throws Exception {
    String wrong = new LogTokens("some-other-secret", Clock.systemUTC()).sign(FILE);
    HttpResponse<String> r = get("/log/" + FILE, wrong);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("not signed with this worker's log server secret").doesNotContain("line one");

    String old = new LogTokens(SECRET, Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC)).sign(FILE);
    assertThat(get("/log/" + FILE, old).statusCode()).isEqualTo(403);

    String forAnother = tokens.sign("dag_id=d/run_id=r1/task_id=t/attempt=2.log");
    assertThat(get("/log/" + FILE, forAnother).statusCode()).isEqualTo(403);

    String apiToken = com.auth0.jwt.JWT.create().withAudience("contrail").withSubject("admin")
        .withClaim("filename", FILE).withExpiresAt(Instant.now().plusSeconds(60))
        .sign(com.auth0.jwt.algorithms.Algorithm.HMAC512(SECRET));
    assertThat(get("/log/" + FILE, apiToken).statusCode()).as("a REST API token is no log request").isEqualTo(403);
  }

  @Test
  void nothingOutsideTheLogsFolderIsServedEvenWhenSigned() throws Exception {
    for (String path : new String[] {"../outside.txt", "dag_id=d/../../outside.txt", "%2e%2e/outside.txt"}) {
      String decoded = java.net.URLDecoder.decode(path, StandardCharsets.UTF_8);
      HttpResponse<String> r = get("/log/" + path, tokens.sign(decoded));
      assertThat(r.statusCode()).as(path).isIn(400, 403, 404);
      assertThat(r.body()).as(path).doesNotContain("not a log");
    }
    HttpResponse<String> absolute = get("/log/" + "/" + dir.resolve("outside.txt"), tokens.sign("/" + dir.resolve("outside.txt")));
    assertThat(absolute.body()).doesNotContain("not a log");
    Files.createSymbolicLink(logs.resolve("link.log"), dir.resolve("outside.txt"));
    HttpResponse<String> link = get("/log/link.log", tokens.sign("link.log"));
    assertThat(link.statusCode()).isEqualTo(403);
    assertThat(link.body()).doesNotContain("not a log");
  }

  @Test
  void aMissingLogIsNotFound() throws Exception {
    String file = "dag_id=d/run_id=r1/task_id=t/attempt=9.log";
    assertThat(get("/log/" + file, tokens.sign(file)).statusCode()).isEqualTo(404);
  }

  @Test
  void theClientFetchesATailAndNamesTheServerWhenItCannotBeRead() throws Exception {
    LogServerDirectory.Address here = new LogServerDirectory.Address(1, "127.0.0.1", server.port());
    LogServerClient.Fetched f = new LogServerClient(tokens).fetch(here, FILE, 11).orElseThrow();
    assertThat(new String(f.bytes(), StandardCharsets.UTF_8)).isEqualTo("line three\n");
    assertThat(f.size()).isEqualTo(29);
    assertThat(new LogServerClient(tokens).fetch(here, "dag_id=d/run_id=r1/task_id=t/attempt=2.log", 0)).isEmpty();

    assertThatThrownBy(() -> new LogServerClient(new LogTokens("wrong", Clock.systemUTC())).fetch(here, FILE, 0))
        .isInstanceOf(LogServerClient.Unreachable.class)
        .hasMessageContaining("the log server at 127.0.0.1:" + server.port() + " refused the request (403")
        .hasMessageContaining("log_server_secret");

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    LogServerDirectory.Address gone = new LogServerDirectory.Address(1, "127.0.0.1", closed);
    assertThatThrownBy(() -> new LogServerClient(tokens).fetch(gone, FILE, 0))
        .isInstanceOf(LogServerClient.Unreachable.class)
        .hasMessage("cannot reach the log server of the worker at 127.0.0.1:" + closed
            + ": connection refused (is the worker stopped?)");
  }
}
