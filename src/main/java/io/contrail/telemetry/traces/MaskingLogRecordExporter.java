package io.contrail.telemetry.traces;

import io.contrail.secrets.SecretsMasker;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.common.ValueType;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Every OTel log record this process exports — attempt output and component log lines, whoever
 * logged them (Contrail, HikariCP, the SDK) — goes out with its body and its string attributes
 * ({@code exception.message}, {@code exception.stacktrace} ...) masked. A log record's body cannot
 * be changed once emitted, and the logback appender takes exceptions from the Throwable itself, so
 * this is the one place both are in reach.
 */
final class MaskingLogRecordExporter implements LogRecordExporter {
  private final LogRecordExporter delegate;
  private final SecretsMasker masker;

  MaskingLogRecordExporter(LogRecordExporter delegate, SecretsMasker masker) {
    this.delegate = delegate;
    this.masker = masker;
  }

  @Override
  public CompletableResultCode export(Collection<LogRecordData> logs) {
    List<LogRecordData> masked = new ArrayList<>(logs.size());
    logs.forEach(l -> masked.add(new Masked(l, masker)));
    return delegate.export(masked);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return "MaskingLogRecordExporter{" + delegate + "}";
  }

  /** String attributes masked (those under secret-looking keys replaced whole). */
  static Attributes mask(Attributes attributes, SecretsMasker masker) {
    AttributesBuilder b = Attributes.builder();
    attributes.forEach((key, value) -> put(b, key, value, masker));
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static void put(AttributesBuilder b, AttributeKey<?> key, Object value, SecretsMasker masker) {
    if (value instanceof String s) {
      b.put((AttributeKey<String>) key, masker.looksSecret(key.getKey()) ? SecretsMasker.MASK : masker.mask(s));
    } else if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof String) {
      b.put((AttributeKey<List<String>>) key, ((List<String>) list).stream().map(masker::mask).toList());
    } else {
      b.put((AttributeKey<Object>) key, value);
    }
  }

  /** A record as the delegate sees it: body and attributes masked, everything else as it was. */
  private static final class Masked implements LogRecordData {
    private final LogRecordData record;
    private final Value<?> body;
    private final Attributes attributes;

    Masked(LogRecordData record, SecretsMasker masker) {
      this.record = record;
      Value<?> original = record.getBodyValue();
      this.body = original != null && original.getType() == ValueType.STRING
          ? Value.of(masker.mask((String) original.getValue())) : original;
      this.attributes = mask(record.getAttributes(), masker);
    }

    @Override
    public Resource getResource() {
      return record.getResource();
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return record.getInstrumentationScopeInfo();
    }

    @Override
    public long getTimestampEpochNanos() {
      return record.getTimestampEpochNanos();
    }

    @Override
    public long getObservedTimestampEpochNanos() {
      return record.getObservedTimestampEpochNanos();
    }

    @Override
    public SpanContext getSpanContext() {
      return record.getSpanContext();
    }

    @Override
    public Severity getSeverity() {
      return record.getSeverity();
    }

    @Override
    public String getSeverityText() {
      return record.getSeverityText();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Body getBody() {
      return body != null && body.getType() == ValueType.STRING ? Body.string((String) body.getValue()) : record.getBody();
    }

    @Override
    public Value<?> getBodyValue() {
      return body;
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }

    @Override
    public int getTotalAttributeCount() {
      return record.getTotalAttributeCount();
    }

    @Override
    public String getEventName() {
      return record.getEventName();
    }
  }
}
