package io.contrail.run;

import java.util.Locale;
import java.util.Map;

/**
 * Decides, when a run is created, whether its trace is sampled — OpenTelemetry's standard
 * samplers as named by OTEL_TRACES_SAMPLER (always_on, always_off, traceidratio and the
 * parentbased_ variants, ratio from OTEL_TRACES_SAMPLER_ARG), with the SDK's algorithms, so the
 * decision stored in trace_flags matches what an SDK would have decided.
 */
@FunctionalInterface
public interface RunSampler {
  /** The SDK default: a new trace is sampled; a joined trace follows its parent's flag. */
  RunSampler PARENT_BASED_ALWAYS_ON = (traceId, parentSampled) -> parentSampled == null || parentSampled;

  /** The sampler this process's environment names (read once). */
  RunSampler FROM_ENVIRONMENT = fromEnvironment(System.getenv());

  /** @param parentSampled the caller's sampled flag, or null when the run starts a new trace */
  boolean sample(String traceId, Boolean parentSampled);

  static RunSampler fromEnvironment(Map<String, String> env) {
    String name = System.getProperty("otel.traces.sampler", env.getOrDefault("OTEL_TRACES_SAMPLER", "parentbased_always_on"));
    String arg = System.getProperty("otel.traces.sampler.arg", env.get("OTEL_TRACES_SAMPLER_ARG"));
    return parse(name, arg);
  }

  static RunSampler parse(String name, String arg) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    boolean parentBased = n.startsWith("parentbased_");
    String root = parentBased ? n.substring("parentbased_".length()) : n;
    RunSampler rootSampler = switch (root) {
      case "always_on" -> (t, p) -> true;
      case "always_off" -> (t, p) -> false;
      case "traceidratio" -> ratio(parseRatio(arg));
      default -> throw new IllegalArgumentException("OTEL_TRACES_SAMPLER '" + name
          + "' is not one of always_on, always_off, traceidratio, parentbased_always_on,"
          + " parentbased_always_off, parentbased_traceidratio");
    };
    if (!parentBased) {
      return rootSampler;
    }
    return (t, p) -> p != null ? p : rootSampler.sample(t, null);
  }

  private static double parseRatio(String arg) {
    if (arg == null || arg.isBlank()) {
      return 1.0;
    }
    try {
      double r = Double.parseDouble(arg.trim());
      if (r < 0 || r > 1) {
        throw new NumberFormatException();
      }
      return r;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("OTEL_TRACES_SAMPLER_ARG '" + arg + "' is not a ratio between 0 and 1");
    }
  }

  /** The SDK's TraceIdRatioBased: the trace id's low 8 bytes against ratio x Long.MAX_VALUE. */
  private static RunSampler ratio(double ratio) {
    long upper = ratio == 1.0 ? Long.MAX_VALUE : ratio == 0.0 ? Long.MIN_VALUE : (long) (ratio * Long.MAX_VALUE);
    return (traceId, p) -> Math.abs(Long.parseUnsignedLong(traceId.substring(16), 16)) < upper;
  }
}
