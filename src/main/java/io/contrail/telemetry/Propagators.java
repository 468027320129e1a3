package io.contrail.telemetry;

import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.extension.trace.propagation.JaegerPropagator;
import io.opentelemetry.extension.trace.propagation.OtTracePropagator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The propagators OTEL_PROPAGATORS (or the otel.propagators system property) names, as the SDK's
 * autoconfiguration maps them: tracecontext, baggage, b3 (single header), b3multi, jaeger,
 * ottrace, none; default tracecontext,baggage. Used for http tasks' outgoing headers whether or
 * not traces are on. An unknown name is logged and skipped: telemetry never fails a task.
 */
public final class Propagators {
  private static final Logger LOG = LoggerFactory.getLogger(Propagators.class);
  public static final String DEFAULT = "tracecontext,baggage";

  private Propagators() {}

  /** The propagator list configured for this process, or null when none is set. */
  public static String configured(Map<String, String> env) {
    String value = System.getProperty("otel.propagators", env.get("OTEL_PROPAGATORS"));
    return value == null || value.isBlank() ? null : value.trim();
  }

  public static TextMapPropagator fromEnvironment(Map<String, String> env) {
    String names = configured(env);
    return parse(names == null ? DEFAULT : names);
  }

  public static TextMapPropagator parse(String names) {
    List<TextMapPropagator> list = new ArrayList<>();
    for (String raw : names.split(",")) {
      String name = raw.trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "" -> { }
        case "none" -> {
          return TextMapPropagator.noop();
        }
        case "tracecontext" -> list.add(W3CTraceContextPropagator.getInstance());
        case "baggage" -> list.add(W3CBaggagePropagator.getInstance());
        case "b3" -> list.add(B3Propagator.injectingSingleHeader());
        case "b3multi" -> list.add(B3Propagator.injectingMultiHeaders());
        case "jaeger" -> list.add(JaegerPropagator.getInstance());
        case "ottrace" -> list.add(OtTracePropagator.getInstance());
        default -> LOG.warn("OTEL_PROPAGATORS: unknown propagator '{}' ignored (known: tracecontext, baggage,"
            + " b3, b3multi, jaeger, ottrace, none)", name);
      }
    }
    return TextMapPropagator.composite(list);
  }
}
