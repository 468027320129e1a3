package io.contrail.telemetry.metrics;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The Prometheus endpoint's reader without the legacy names: on a scrape endpoint one metric name
 * per DAG and task ({@code contrail_ti_finish_<dag_id>_<task_id>_success_total}) only adds series
 * Prometheus users filter by label anyway, so /metrics shows the names with ids as labels, whatever
 * legacy_names_on says. OTLP (and a Collector in front of Prometheus) still gets them.
 */
final class WithoutLegacyNames implements MetricReader {
  private final MetricReader delegate;
  private final Set<String> legacyInstruments;

  WithoutLegacyNames(MetricReader delegate, Set<String> legacyInstruments) {
    this.delegate = delegate;
    this.legacyInstruments = legacyInstruments;
  }

  @Override
  public void register(CollectionRegistration registration) {
    delegate.register(new CollectionRegistration() {
      @Override
      public Collection<MetricData> collectAllMetrics() {
        Collection<MetricData> all = registration.collectAllMetrics();
        if (legacyInstruments.isEmpty()) {
          return all;
        }
        List<MetricData> kept = new ArrayList<>(all.size());
        for (MetricData m : all) {
          if (!legacyInstruments.contains(m.getName())) {
            kept.add(m);
          }
        }
        return kept;
      }
    });
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return delegate.getAggregationTemporality(instrumentType);
  }

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return delegate.getDefaultAggregation(instrumentType);
  }

  @Override
  public MemoryMode getMemoryMode() {
    return delegate.getMemoryMode();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return delegate.forceFlush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return "WithoutLegacyNames{" + delegate + "}";
  }
}
