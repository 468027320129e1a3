package io.contrail.telemetry.traces;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.testing.InProcessContrail;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An http task sends its attempt's span context in the headers OTEL_PROPAGATORS names. */
class HttpTaskPropagationTest {
  private static final String DAG = """
      dag_id: hooks
      schedule: null
      start_date: 2026-01-01T00:00:00Z
      paused: false
      tasks:
        - task_id: call
          type: http
          url: http://127.0.0.1:%d/hook
          headers: {X-Custom: kept}
          expect_status: [200]
      """;

  @TempDir Path home;
  HttpServer server;
  final List<Headers> received = new CopyOnWriteArrayList<>();
  InProcessContrail runs;

  @BeforeEach
  void setUp() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", exchange -> {
      received.add(exchange.getRequestHeaders());
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    runs = new InProcessContrail(home).dag("hooks.yaml", DAG.formatted(server.getAddress().getPort()));
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
    runs.close();
  }

  private String attemptSpanId(DagRun run) {
    return runs.stores().runs().attempts(run.key()).stream().filter(a -> a.taskId().equals("call"))
        .map(TaskAttempt::spanId).findFirst().orElseThrow();
  }

  private Headers onlyRequest(DagRun run) {
    assertThat(run.state()).isEqualTo(RunState.SUCCESS);
    assertThat(received).hasSize(1);
    return received.get(0);
  }

  @Test
  void byDefaultTheW3cTraceparentNamesTheAttemptSpan() {
    DagRun run = runs.run("hooks", null, null);
    Headers h = onlyRequest(run);

    assertThat(h.get("traceparent")).containsExactly("00-" + run.trace().traceId() + "-" + attemptSpanId(run) + "-01");
    assertThat(h.getFirst("X-Custom")).isEqualTo("kept");
    assertThat(h.containsKey("b3")).isFalse();
  }

  @Test
  void theDefaultOfTheEnvironmentIsW3cToo() {
    runs.set("OTEL_PROPAGATORS", "tracecontext,baggage");
    DagRun run = runs.run("hooks", null, null);

    assertThat(onlyRequest(run).getFirst("traceparent"))
        .isEqualTo("00-" + run.trace().traceId() + "-" + attemptSpanId(run) + "-01");
  }

  @Test
  void anUnsampledRunSendsItsUnsampledFlag() {
    DagRun run = runs.run("hooks", "{\"contrail.trace_sampled\": false}", null);

    assertThat(onlyRequest(run).getFirst("traceparent")).isEqualTo("00-" + run.trace().traceId() + "-" + attemptSpanId(run) + "-00");
  }

  @Test
  void b3SendsTheSingleB3HeaderInstead() {
    runs.set("OTEL_PROPAGATORS", "b3");
    DagRun run = runs.run("hooks", null, null);
    Headers h = onlyRequest(run);

    assertThat(h.getFirst("b3")).isEqualTo(run.trace().traceId() + "-" + attemptSpanId(run) + "-1");
    assertThat(h.containsKey("traceparent")).isFalse();
  }

  @Test
  void tracecontextAndB3multiSendBoth() {
    runs.set("OTEL_PROPAGATORS", "tracecontext, b3multi");
    DagRun run = runs.run("hooks", null, null);
    Headers h = onlyRequest(run);
    String span = attemptSpanId(run);

    assertThat(h.getFirst("traceparent")).isEqualTo("00-" + run.trace().traceId() + "-" + span + "-01");
    assertThat(h.getFirst("X-B3-TraceId")).isEqualTo(run.trace().traceId());
    assertThat(h.getFirst("X-B3-SpanId")).isEqualTo(span);
    assertThat(h.getFirst("X-B3-Sampled")).isEqualTo("1");
    assertThat(h.containsKey("b3")).isFalse();
  }

  @Test
  void noneSendsNoTraceHeaders() {
    runs.set("OTEL_PROPAGATORS", "none");
    Headers h = onlyRequest(runs.run("hooks", null, null));

    assertThat(h.containsKey("traceparent")).isFalse();
    assertThat(h.containsKey("b3")).isFalse();
  }
}
