package io.contrail.telemetry.traces;

import io.contrail.run.DagRun;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.SpanOutbox;
import io.contrail.storage.Stores;
import io.contrail.testing.InProcessContrail;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** An outbox exporter on an in-process Contrail's database, with short timings, for span tests. */
final class Outboxes {
  private Outboxes() {}

  static OutboxExporter exporter(InProcessContrail contrail, SpanExporter exporter) {
    SpanOutbox outbox = Stores.spanOutbox(contrail.contrail().database());
    return new OutboxExporter(outbox, batches(contrail, Resource.getDefault(), false), new DeliveryExporters(
        List.of(exporter), Duration.ofSeconds(5)), Clock.systemUTC(), new OutboxExporter.Options(50, Duration.ZERO,
        Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(100)));
  }

  /** The span builder on the process's database, with {@code process} for rows with no stored resource. */
  static SpanBatches batches(InProcessContrail contrail, Resource process, boolean servicePerDag) {
    SpanOutbox outbox = Stores.spanOutbox(contrail.contrail().database());
    return new SpanBatches(contrail.stores().runs(), contrail.stores().dags(),
        new SpanResources(process, servicePerDag, outbox::resource), SecretsMasker.defaults());
  }

  /** Every span of a finished run, as the outbox (or traces export) builds it. */
  static List<SpanData> spansOf(InProcessContrail contrail, DagRun run, Resource process, boolean servicePerDag) {
    return batches(contrail, process, servicePerDag)
        .build(Stores.spanOutbox(contrail.contrail().database()).finishedRows(run.key()));
  }

  static Optional<SpanData> named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst();
  }
}
