package io.contrail.telemetry.traces;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.storage.SpanOutbox;
import io.contrail.storage.Stores;
import io.contrail.testing.InProcessContrail;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process paused between claiming a batch of spans and sending it (SIGSTOP, a long pause) whose
 * job is declared dead meanwhile: its claims are released and another process sends the spans.
 * When it wakes it must not send them too. (Looking into batches ScaleOutChaosTest saw twice, the
 * second copy a second after a frozen worker was continued; a freeze while the export is in flight
 * can still repeat a batch, as docs/traces.md says.)
 */
class PausedExporterTest {
  @TempDir Path home;
  InProcessContrail contrail;

  @BeforeEach
  void setUp() {
    contrail = new InProcessContrail(home).set("CONTRAIL__TRACES__OTEL_ON", true).role(Role.CLI).dag("one.yaml", """
        dag_id: one
        schedule: null
        start_date: 2026-01-01T00:00:00Z
        paused: false
        tasks:
          - {task_id: only, type: noop}
        """);
  }

  @AfterEach
  void tearDown() {
    contrail.close();
  }

  @Test
  void aBatchWhoseClaimWasReleasedWhileTheProcessWasPausedIsNotSentByIt() {
    DagRun run = contrail.run("one");
    SpanOutbox outbox = Stores.spanOutbox(contrail.contrail().database());
    long job = contrail.stores().jobs().start("worker", "h", 1, Instant.now());
    InMemorySpanExporter other = InMemorySpanExporter.create();
    AtomicBoolean pausedOnce = new AtomicBoolean();
    // the claim succeeds, then the process "pauses": another declares its job dead, which
    // releases its claims, and sends the spans
    SpanOutbox pausedAfterClaim = new Delegating(outbox) {
      @Override
      public Batch claim(Long jobId, String token, int limit, Instant now, IntFunction<Duration> lease) {
        Batch batch = super.claim(jobId, token, limit, now, lease);
        if (batch.claimed() > 0 && pausedOnce.compareAndSet(false, true)) {
          assertThat(contrail.stores().jobs().markFailed(job, Instant.now())).isTrue();
          Outboxes.exporter(contrail, other).drain();
        }
        return batch;
      }
    };
    InMemorySpanExporter paused = InMemorySpanExporter.create();
    OutboxExporter woken = exporter(pausedAfterClaim, paused);
    woken.claimFor(job);
    woken.drain();

    assertThat(pausedOnce).isTrue();
    assertThat(other.getFinishedSpanItems()).extracting(SpanData::getName)
        .containsExactlyInAnyOrder("dag_run.one", "task_run.only", "task_attempt.only");
    assertThat(paused.getFinishedSpanItems()).as("spans the woken process sent again").isEmpty();
    assertThat(outbox.pending()).isZero();
    assertThat(other.getFinishedSpanItems()).allMatch(s -> s.getTraceId().equals(run.trace().traceId()));
  }

  private OutboxExporter exporter(SpanOutbox outbox, InMemorySpanExporter to) {
    return new OutboxExporter(outbox, Outboxes.batches(contrail, Resource.getDefault(), false), new DeliveryExporters(List.of(to), Duration.ofSeconds(5)), Clock.systemUTC(),
        new OutboxExporter.Options(50, Duration.ZERO, Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofMillis(10),
            Duration.ofMillis(100)));
  }

  /** A span outbox that passes every call on. */
  private static class Delegating implements SpanOutbox {
    private final SpanOutbox to;

    Delegating(SpanOutbox to) {
      this.to = to;
    }

    @Override
    public Batch claim(Long jobId, String token, int limit, Instant now, IntFunction<Duration> lease) {
      return to.claim(jobId, token, limit, now, lease);
    }

    @Override
    public int claimedUnder(String token) {
      return to.claimedUnder(token);
    }

    @Override
    public Batch finishedRows(RunKey run) {
      return to.finishedRows(run);
    }

    @Override
    public void delete(String token) {
      to.delete(token);
    }

    @Override
    public void release(String token, boolean timedOut) {
      to.release(token, timedOut);
    }

    @Override
    public long pending() {
      return to.pending();
    }

    @Override
    public Optional<String> resource(long id) {
      return to.resource(id);
    }

    @Override
    public boolean startExporting(Instant now, Instant history) {
      return to.startExporting(now, history);
    }
  }
}
