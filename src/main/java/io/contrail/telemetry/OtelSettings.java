package io.contrail.telemetry;

import io.contrail.config.ConfigException;
import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The OpenTelemetry settings of one process, from its {@link Environment}: the OTEL_* variables
 * and {@code -Dotel.*} properties, read by the SDK's own autoconfiguration once at start-up. Gives
 * the sampler that decides whether a new run's trace is sampled and the propagators http tasks
 * inject with — the SDK's, with the SDK's names and algorithms — and the base of every SDK this
 * process builds (traces, metrics), so all of them see the same values. A setting the SDK rejects
 * is a {@link ConfigException} before the process starts working.
 */
public final class OtelSettings {
  private static final Sampler DEFAULT_SAMPLER = Sampler.parentBased(Sampler.alwaysOn());
  private final Environment env;
  private final Map<String, String> properties;
  private volatile Resolved resolved;

  /** What autoconfiguration made of the settings. */
  private record Resolved(Sampler sampler, TextMapPropagator propagator, Resource resource) {}

  private OtelSettings(Environment env, Map<String, String> properties) {
    this.env = env;
    this.properties = properties;
  }

  /** Reads and checks the settings; every exporter stays off here, so this starts nothing. */
  public static OtelSettings resolve(Environment env) {
    OtelSettings settings = deferred(env);
    settings.resolved();
    return settings;
  }

  /**
   * The settings, read and checked when first asked for: a short command that starts no run and
   * exports nothing (listing DAGs) does not build an SDK; one that does reports a rejected setting
   * then, as a configuration error.
   */
  public static OtelSettings deferred(Environment env) {
    Map<String, String> properties = new HashMap<>(env.otelProperties());
    // Contrail always accepted propagator names in any case; the SDK wants them lower-case
    properties.computeIfPresent("otel.propagators", (k, v) -> v.toLowerCase(Locale.ROOT));
    return new OtelSettings(env, Map.copyOf(properties));
  }

  private Resolved resolved() {
    Resolved r = resolved;
    if (r == null) {
      synchronized (this) {
        r = resolved;
        if (r == null) {
          r = resolveNow(properties);
          resolved = r;
        }
      }
    }
    return r;
  }

  private static Resolved resolveNow(Map<String, String> properties) {
    Map<String, String> none = Map.of("otel.traces.exporter", "none", "otel.metrics.exporter", "none",
        "otel.logs.exporter", "none");
    AtomicReference<Sampler> sampler = new AtomicReference<>();
    AtomicReference<Resource> resource = new AtomicReference<>(Resource.getDefault());
    OpenTelemetrySdk probe = build(() -> sdk(properties, Map.of(), none)
        .addSamplerCustomizer((s, cfg) -> {
          sampler.set(s);
          return s;
        })
        .addResourceCustomizer((r, cfg) -> {
          resource.set(r);
          return r;
        }));
    TextMapPropagator propagator = probe.getPropagators().getTextMapPropagator();
    probe.close();
    // OTEL_SDK_DISABLED=true builds no tracer provider, so no sampler: the SDK's default then
    Sampler chosen = sampler.get() != null ? sampler.get() : DEFAULT_SAMPLER;
    return new Resolved(chosen, propagator, resource.get());
  }

  /** What the process was started with. */
  public Environment environment() {
    return env;
  }

  /** The sampler OTEL_TRACES_SAMPLER names (parentbased_always_on by default). */
  public Sampler sampler() {
    return resolved().sampler();
  }

  /**
   * {@link #sampler()}, resolved when it first decides: the run creator of a short command that
   * starts no run builds no SDK.
   */
  public Sampler deferredSampler() {
    Resolved r = resolved;
    if (r != null) {
      return r.sampler(); // a server resolved its settings at start
    }
    if (properties.keySet().stream().noneMatch(k -> k.startsWith("otel.traces.sampler"))) {
      // what the SDK's autoconfiguration gives without OTEL_TRACES_SAMPLER (and what resolveNow
      // falls back to), without building an SDK to learn it
      return DEFAULT_SAMPLER;
    }
    return new Sampler() {
      @Override
      public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind,
          Attributes attributes, List<LinkData> links) {
        return sampler().shouldSample(parent, traceId, name, kind, attributes, links);
      }

      @Override
      public String getDescription() {
        return sampler().getDescription();
      }

      @Override
      public String toString() {
        return getDescription();
      }
    };
  }

  /**
   * The resource the SDK's autoconfiguration builds (its defaults, resource providers on the
   * classpath, OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME), before Contrail adds its own.
   */
  public Resource resource() {
    return resolved().resource();
  }

  /** The propagators OTEL_PROPAGATORS names (tracecontext,baggage by default). */
  public TextMapPropagator propagator() {
    return resolved().propagator();
  }

  /**
   * The SDK builder of one telemetry pipeline: {@code defaults} (from contrail.cfg) under this
   * process's OTEL settings, under {@code forced} (what the pipeline must have, e.g. no metrics in
   * the traces SDK).
   */
  public AutoConfiguredOpenTelemetrySdkBuilder sdk(Map<String, String> defaults, Map<String, String> forced) {
    return sdk(properties, defaults, forced);
  }

  private static AutoConfiguredOpenTelemetrySdkBuilder sdk(Map<String, String> properties,
      Map<String, String> defaults, Map<String, String> forced) {
    JulBridge.install();
    Map<String, String> overrides = new HashMap<>(properties);
    overrides.putAll(forced);
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults)
        .addPropertiesCustomizer(cfg -> overrides)
        .disableShutdownHook();
  }

  /**
   * Builds an SDK, turning what autoconfiguration rejects into a one-line configuration error; a
   * failure of another kind (a port in use) is thrown as it is.
   */
  public static OpenTelemetrySdk build(Supplier<AutoConfiguredOpenTelemetrySdkBuilder> builder) {
    try {
      return builder.get().build().getOpenTelemetrySdk();
    } catch (ConfigurationException | IllegalArgumentException e) {
      throw new ConfigException("invalid OpenTelemetry setting (OTEL_* variables, -Dotel.* properties): "
          + reason(e), e);
    }
  }

  /**
   * The OTLP settings in force, for instrumented task processes: OTEL_EXPORTER_OTLP_* variables
   * set for Contrail are passed on, and contrail.cfg's [traces] endpoint and protocol fill in.
   * OTEL_PROPAGATORS (or -Dotel.propagators), when set, is passed on whether or not traces are on,
   * so that a task's own instrumentation propagates as Contrail does.
   */
  public Map<String, String> envForTasks(ContrailConfig.Traces traces) {
    Map<String, String> out = new HashMap<>();
    String propagators = env.otelSystemProperties().getOrDefault("otel.propagators", env.get("OTEL_PROPAGATORS"));
    if (propagators != null && !propagators.isBlank()) {
      out.put("OTEL_PROPAGATORS", propagators.trim());
    }
    if (!traces.otelOn()) {
      return Map.copyOf(out);
    }
    env.variables().forEach((k, v) -> {
      if (k.startsWith("OTEL_EXPORTER_OTLP_")) {
        out.put(k, v);
      }
    });
    out.putIfAbsent("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint(traces.otelSslActive(), traces.otelHost(), traces.otelPort()));
    out.putIfAbsent("OTEL_EXPORTER_OTLP_PROTOCOL", traces.otelProtocol());
    return Map.copyOf(out);
  }

  /** {@code http(s)://host:port}. */
  public static String endpoint(boolean ssl, String host, int port) {
    return (ssl ? "https://" : "http://") + host + ":" + port;
  }

  /** The SDK's message, with its cause's when it only says that something went wrong. */
  private static String reason(Throwable e) {
    String reason = firstLine(e.getMessage());
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !reason.contains(firstLine(cause.getMessage()))) {
      reason += ": " + firstLine(cause.getMessage());
    }
    return reason;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "rejected by the OpenTelemetry SDK";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
