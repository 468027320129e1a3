package io.contrail.telemetry.traces;

import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The exporters the span outbox delivers through (see {@link Delivery}): each autoconfigured OTLP
 * span exporter rebuilt per timeout level without the SDK's retries; the console exporter of
 * {@code otel_debugging_on} prints every batch sent.
 */
final class DeliveryExporters extends Delivery<SpanData> {
  /**
   * @param exporters the autoconfigured span exporters
   * @param baseTimeout the configured export timeout (OTEL_EXPORTER_OTLP_TIMEOUT, 10 s by default)
   */
  DeliveryExporters(List<SpanExporter> exporters, Duration baseTimeout) {
    this(split(exporters), baseTimeout);
  }

  private DeliveryExporters(Split split, Duration baseTimeout) {
    super(split.delivery, split.console, baseTimeout);
  }

  private record Split(List<Function<Duration, Sink<SpanData>>> delivery, List<Sink<SpanData>> console) {}

  private static Split split(List<SpanExporter> exporters) {
    List<Function<Duration, Sink<SpanData>>> d = new ArrayList<>();
    List<Sink<SpanData>> c = new ArrayList<>();
    for (SpanExporter e : exporters) {
      if (e instanceof OtlpGrpcSpanExporter grpc) {
        d.add(t -> sink(grpc.toBuilder().setRetryPolicy(null).setTimeout(t).build()));
      } else if (e instanceof OtlpHttpSpanExporter http) {
        d.add(t -> sink(http.toBuilder().setRetryPolicy(null).setTimeout(t).build()));
      } else if (e instanceof LoggingSpanExporter) {
        c.add(sink(e));
      } else {
        d.add(t -> sink(e)); // an exporter from a jar on the classpath: used as it is
      }
    }
    return new Split(d, c);
  }

  private static Sink<SpanData> sink(SpanExporter e) {
    return new Sink<>() {
      @Override
      public CompletableResultCode export(Collection<SpanData> items) {
        return e.export(items);
      }

      @Override
      public CompletableResultCode shutdown() {
        return e.shutdown();
      }
    };
  }
}
