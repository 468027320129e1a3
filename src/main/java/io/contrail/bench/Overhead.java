package io.contrail.bench;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Telemetry overhead: the throughput scenario with telemetry off, with traces and metrics on to a
 * live OTLP receiver, and with the receiver down — alternated within one run so the machine's
 * noise hits all three alike, after an unrecorded warm-up; the median of each is divided by the
 * median with telemetry off.
 */
final class Overhead {
  private Overhead() {}

  static Map<String, Object> run(BenchEnvironment env, int tasks, int rounds, Path projectDir) throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort(); // closed again at once: nothing listens there
    }
    List<Double> off = new ArrayList<>();
    List<Double> traced = new ArrayList<>();
    List<Double> down = new ArrayList<>();
    try (OtlpReceiver receiver = new OtlpReceiver(projectDir)) {
      // one unrecorded round first: the JIT compiles the hot paths, so round 1 is not penalised
      tps(env, tasks, Map.of());
      tps(env, tasks, telemetryOn(receiver.grpcPort()));
      for (int i = 0; i < rounds; i++) {
        off.add(tps(env, tasks, Map.of()));
        traced.add(tps(env, tasks, telemetryOn(receiver.grpcPort())));
        down.add(tps(env, tasks, telemetryOn(deadPort)));
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("tasks", tasks);
    r.put("rounds", rounds);
    r.put("tasks_per_second_off", off);
    r.put("tasks_per_second_traced", traced);
    r.put("tasks_per_second_receiver_down", down);
    double offMedian = median(off);
    r.put("ratio_traced", Scenarios.round(median(traced) / offMedian, 3));
    r.put("ratio_receiver_down", Scenarios.round(median(down) / offMedian, 3));
    return r;
  }

  private static Map<String, String> telemetryOn(int port) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("CONTRAIL__TRACES__OTEL_ON", "true");
    m.put("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(port));
    m.put("CONTRAIL__METRICS__OTEL_ON", "true");
    m.put("CONTRAIL__METRICS__OTEL_PORT", String.valueOf(port));
    m.put("CONTRAIL__METRICS__OTEL_INTERVAL_MILLISECONDS", "1000");
    return m;
  }

  private static double tps(BenchEnvironment env, int tasks, Map<String, String> overrides) {
    return (Double) Scenarios.throughput(env, tasks, false, overrides).get("tasks_per_second");
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
