package io.contrail.telemetry.traces;

import io.contrail.secrets.SecretsMasker;
import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.contrail.run.RunKey;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import io.contrail.telemetry.ContrailResource;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;

/**
 * A run's spans read from the database — the run, its task instances and attempts that have
 * finished, with the ids, times and attributes the outbox exports — and their OTLP/JSON form
 * ({@code ExportTraceServiceRequest}), for the REST API's {@code .../trace}: a UI or a script can
 * draw a run's trace without a tracing backend, whether traces are exported or not. The resource
 * is this process's.
 */
public final class RunSpans {
  private final OutboxExporter builder;

  public RunSpans(ContrailConfig config, Environment env, RunStore runs, DagStore dags, SecretsMasker masker) {
    java.util.function.Function<String, io.opentelemetry.sdk.resources.Resource> resources = Tracing.resources(config,
        ContrailResource.create(config, config.traces().otelService(), env), env.hostname());
    // the outbox's own span building, without an outbox or an exporter: nothing is claimed or sent
    this.builder = new OutboxExporter(null, runs, dags, new SpanMapper(resources, masker), SpanExporter.composite(),
        Clock.systemUTC(), OutboxExporter.Options.defaults());
  }

  /** The finished spans of the run; empty when there is no such run. */
  public List<SpanData> of(RunKey key) {
    return builder.spansOf(key);
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
