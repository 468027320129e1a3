package io.contrail.telemetry.traces;

import io.contrail.secrets.SecretsMasker;
import io.contrail.config.ContrailConfig;
import io.contrail.telemetry.OtelSettings;
import io.contrail.run.RunKey;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.SpanOutbox;
import io.contrail.telemetry.ContrailResource;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A run's spans read from the database — the run, its task instances and attempts that have
 * finished, with the ids, times and attributes the outbox exports — and their OTLP/JSON form
 * ({@code ExportTraceServiceRequest}), for the REST API's {@code .../trace}: a UI or a script can
 * draw a run's trace without a tracing backend, whether traces are exported or not. Each span
 * carries the resource stored with its row, as the outbox sends it.
 */
public final class RunSpans {
  private final SpanOutbox outbox;
  private final SpanBatches batches;

  public RunSpans(ContrailConfig config, OtelSettings otel, SpanOutbox outbox, RunStore runs, DagStore dags,
      SecretsMasker masker) {
    this.outbox = outbox;
    // the outbox's own span building (stored resources first, this process's otherwise), without
    // claiming or sending anything
    this.batches = new SpanBatches(runs, dags, new SpanResources(ContrailResource.process(config, otel),
        config.traces().servicePerDag(), outbox::resource), masker);
  }

  /** The finished spans of the run; empty when there is no such run. */
  public List<SpanData> of(RunKey key) {
    return batches.build(outbox.finishedRows(key));
  }

  /** The spans as an OTLP/JSON {@code ExportTraceServiceRequest} ({@code {"resourceSpans": [...]}}). */
  public static byte[] otlpJson(List<SpanData> spans) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TraceRequestMarshaler.create(spans).writeJsonTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
