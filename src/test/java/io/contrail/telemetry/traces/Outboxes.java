package io.contrail.telemetry.traces;

import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.Stores;
import io.contrail.testing.InProcessContrail;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Clock;
import java.time.Duration;

/** An outbox exporter on an in-process Contrail's database, with short timings, for span tests. */
final class Outboxes {
  private Outboxes() {}

  static OutboxExporter exporter(InProcessContrail contrail, SpanExporter exporter) {
    return new OutboxExporter(Stores.spanOutbox(contrail.contrail().database()), contrail.stores().runs(),
        contrail.stores().dags(), new SpanMapper(dagId -> Resource.getDefault(), SecretsMasker.defaults()), exporter, Clock.systemUTC(),
        new OutboxExporter.Options(50, Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofMillis(10), Duration.ofMillis(100)));
  }
}
