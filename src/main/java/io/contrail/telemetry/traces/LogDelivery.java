package io.contrail.telemetry.traces;

import io.contrail.secrets.SecretsMasker;
import io.opentelemetry.exporter.logging.SystemOutLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The exporters the log outbox delivers through (see {@link Delivery}), each behind the
 * {@link MaskingLogRecordExporter}, so every record leaves with its body and attributes masked.
 */
final class LogDelivery extends Delivery<LogRecordData> {
  LogDelivery(List<LogRecordExporter> exporters, Duration baseTimeout, SecretsMasker masker) {
    this(split(exporters, masker), baseTimeout);
  }

  private LogDelivery(Split split, Duration baseTimeout) {
    super(split.delivery, split.console, baseTimeout);
  }

  private record Split(List<Function<Duration, Sink<LogRecordData>>> delivery, List<Sink<LogRecordData>> console) {}

  private static Split split(List<LogRecordExporter> exporters, SecretsMasker masker) {
    List<Function<Duration, Sink<LogRecordData>>> d = new ArrayList<>();
    List<Sink<LogRecordData>> c = new ArrayList<>();
    for (LogRecordExporter e : exporters) {
      if (e instanceof OtlpGrpcLogRecordExporter grpc) {
        d.add(t -> sink(grpc.toBuilder().setRetryPolicy(null).setTimeout(t).build(), masker));
      } else if (e instanceof OtlpHttpLogRecordExporter http) {
        d.add(t -> sink(http.toBuilder().setRetryPolicy(null).setTimeout(t).build(), masker));
      } else if (e instanceof SystemOutLogRecordExporter) {
        c.add(sink(e, masker));
      } else {
        d.add(t -> sink(e, masker)); // an exporter from a jar on the classpath: used as it is
      }
    }
    return new Split(d, c);
  }

  private static Sink<LogRecordData> sink(LogRecordExporter e, SecretsMasker masker) {
    LogRecordExporter masking = new MaskingLogRecordExporter(e, masker);
    return new Sink<>() {
      @Override
      public CompletableResultCode export(Collection<LogRecordData> items) {
        return masking.export(items);
      }

      @Override
      public CompletableResultCode shutdown() {
        return masking.shutdown();
      }
    };
  }
}
