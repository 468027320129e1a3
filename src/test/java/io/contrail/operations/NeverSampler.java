package io.contrail.operations;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSamplerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/** A sampler provider on the SDK's service loader, as a vendor's jar would add one: samples nothing. */
public final class NeverSampler implements ConfigurableSamplerProvider {
  static final String NAME = "contrail_test_never";

  @Override
  public Sampler createSampler(ConfigProperties config) {
    return Sampler.alwaysOff();
  }

  @Override
  public String getName() {
    return NAME;
  }
}
