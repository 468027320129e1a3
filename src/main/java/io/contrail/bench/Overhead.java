package io.contrail.bench;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Telemetry overhead: the throughput scenario with telemetry off, with traces and metrics on to a
 * live OTLP receiver, and with the receiver down. Each mode runs in a JVM of its own for all its
 * rounds ({@link OverheadLane}), as a deployment runs one configuration, and is warmed first by
 * unrecorded rounds until its CPU per task stops falling (see {@link #settled}; at least
 * {@value #MIN_WARM_UP}, at most {@code maxWarmUp}). Then
 * {@code rounds} rounds run the three modes in an order that rotates per round, so no mode always
 * follows another, one at a time (the other lanes wait, idle). Per mode: min / median / max of
 * tasks/s (run start to run end, as stored) and of the lane's CPU per task (utime + stime from
 * /proc/self/stat, from the run's start until its process closed); per round the ratios traced ÷
 * off and receiver down ÷ off, whose medians are the figures.
 *
 * <p>Telemetry must really be on: every traced round's spans (the run, each task_run and its
 * attempt) are counted at the receiver by trace id, and the scenario fails if any is missing;
 * a receiver-down round must leave its spans waiting in the outbox (it fails otherwise). Those are
 * then deleted, so that each traced round exports its own spans and not an earlier round's backlog
 * (that recovery is what {@code bench outbox} measures).
 */
final class Overhead {
  private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(120);
  static final int MIN_WARM_UP = 6;
  static final int MAX_WARM_UP = 20;
  private static final int SETTLED_PERCENT = 5;

  enum Mode {
    OFF("off"), TRACED("traced"), RECEIVER_DOWN("receiver_down");

    final String id;

    Mode(String id) {
      this.id = id;
    }
  }

  /** One measured round of one mode. */
  record Round(double tasksPerSecond, double cpuMsPerTask, double receiverCpuMsPerTask, long spans) {}

  private Overhead() {}

  /** @param telemetryConfig CONTRAIL__ overrides of the two telemetry-on modes (--config), over the scenario's */
  static Map<String, Object> run(BenchEnvironment env, int tasks, int rounds, Path projectDir,
      Map<String, String> telemetryConfig) throws Exception {
    return run(env, tasks, rounds, MAX_WARM_UP, projectDir, telemetryConfig);
  }

  /** @param maxWarmUp the most unrecorded rounds a lane runs before its CPU per task has settled */
  static Map<String, Object> run(BenchEnvironment env, int tasks, int rounds, int maxWarmUp, Path projectDir,
      Map<String, String> telemetryConfig) throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort(); // closed again at once: nothing listens there
    }
    Map<Mode, List<Round>> byMode = new EnumMap<>(Mode.class);
    Map<Mode, List<Double>> warmUp = new EnumMap<>(Mode.class);
    List<Double> ratioTraced = new ArrayList<>();
    List<Double> ratioDown = new ArrayList<>();
    Map<Mode, OverheadLane> lanes = new EnumMap<>(Mode.class);
    try (OtlpReceiver receiver = new OtlpReceiver(projectDir, true)) {
      for (Mode m : Mode.values()) {
        byMode.put(m, new ArrayList<>());
        lanes.put(m, new OverheadLane(env, m, tasks, m == Mode.TRACED ? receiver.grpcPort() : deadPort, telemetryConfig));
      }
      for (Mode m : Mode.values()) {
        List<Double> cpu = new ArrayList<>();
        warmUp.put(m, cpu);
        while (cpu.size() < Math.min(MIN_WARM_UP, maxWarmUp) || cpu.size() < maxWarmUp && !settled(cpu)) {
          Round r = round(lanes.get(m), m, tasks, receiver);
          cpu.add(Scenarios.round(r.cpuMsPerTask(), 3));
          progress("warm-up " + cpu.size(), m, r); // not recorded
        }
      }
      Mode[] modes = Mode.values();
      for (int i = 0; i < rounds; i++) {
        Map<Mode, Round> thisRound = new EnumMap<>(Mode.class);
        for (int j = 0; j < modes.length; j++) {
          Mode m = modes[(i + j) % modes.length];
          thisRound.put(m, round(lanes.get(m), m, tasks, receiver));
          progress("round " + (i + 1) + "/" + rounds, m, thisRound.get(m));
        }
        thisRound.forEach((m, r) -> byMode.get(m).add(r));
        double off = thisRound.get(Mode.OFF).tasksPerSecond();
        ratioTraced.add(thisRound.get(Mode.TRACED).tasksPerSecond() / off);
        ratioDown.add(thisRound.get(Mode.RECEIVER_DOWN).tasksPerSecond() / off);
      }
    } finally {
      lanes.values().forEach(OverheadLane::close);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("tasks", tasks);
    r.put("rounds", rounds);
    r.put("warm", "yes: each mode in a JVM of its own, warmed by unrecorded rounds until the median CPU per task of"
        + " the last three was within " + SETTLED_PERCENT + "% of the three before (at least " + Math.min(MIN_WARM_UP, maxWarmUp) + ", at most " + maxWarmUp + ")");
    r.put("lane_jvm_options", String.join(" ", BenchProcesses.serverJvmOptions("bench").jvmOptions()));
    for (Mode m : Mode.values()) {
      r.put("warm_up_cpu_ms_per_task_" + m.id, warmUp.get(m));
    }
    r.put("telemetry_config", telemetryConfig);
    r.put("order", "rotating per round: off, traced, receiver_down; then traced, receiver_down, off; ...");
    for (Mode m : Mode.values()) {
      List<Round> rs = byMode.get(m);
      r.put("tasks_per_second_" + m.id, rs.stream().map(x -> Scenarios.round(x.tasksPerSecond(), 1)).toList());
      r.put("tasks_per_second_" + m.id + "_min_median_max", Scenarios.spread(rs.stream().map(Round::tasksPerSecond).toList(), 1));
      r.put("cpu_ms_per_task_" + m.id + "_min_median_max", Scenarios.spread(rs.stream().map(Round::cpuMsPerTask).toList(), 3));
    }
    r.put("receiver_cpu_ms_per_task_traced_min_median_max",
        Scenarios.spread(byMode.get(Mode.TRACED).stream().map(Round::receiverCpuMsPerTask).toList(), 3));
    r.put("spans_at_receiver_per_traced_round", byMode.get(Mode.TRACED).stream().map(Round::spans).toList());
    r.put("spans_waiting_per_receiver_down_round", byMode.get(Mode.RECEIVER_DOWN).stream().map(Round::spans).toList());
    r.put("ratio_traced_per_round", ratioTraced.stream().map(v -> Scenarios.round(v, 3)).toList());
    r.put("ratio_traced_min_median_max", Scenarios.spread(ratioTraced, 3));
    r.put("ratio_receiver_down_per_round", ratioDown.stream().map(v -> Scenarios.round(v, 3)).toList());
    r.put("ratio_receiver_down_min_median_max", Scenarios.spread(ratioDown, 3));
    r.put("ratio_traced", Scenarios.round(median(ratioTraced), 3));
    r.put("ratio_receiver_down", Scenarios.round(median(ratioDown), 3));
    r.put("ratio_of_medians_traced", Scenarios.round(median(tps(byMode.get(Mode.TRACED)))
        / median(tps(byMode.get(Mode.OFF))), 3));
    r.put("ratio_of_medians_receiver_down", Scenarios.round(median(tps(byMode.get(Mode.RECEIVER_DOWN)))
        / median(tps(byMode.get(Mode.OFF))), 3));
    return r;
  }

  /**
   * Whether a lane's CPU per task has stopped falling: the median of its last three warm-up rounds
   * is within SETTLED_PERCENT of the median of the three before. (A lane kept getting faster for
   * 15-19 rounds of 5,000 tasks — off: 3.98 to 0.85 CPU-ms per task — and comparing one round
   * with the one before mistook noise for the end of it after three.)
   */
  static boolean settled(List<Double> cpuMsPerTask) {
    int n = cpuMsPerTask.size();
    return n >= 6 && median(cpuMsPerTask.subList(n - 3, n))
        >= median(cpuMsPerTask.subList(n - 6, n - 3)) * (1 - SETTLED_PERCENT / 100.0);
  }

  /** One line per round on stderr, with the time, so a long run shows where it is (and a profile can be cut by mode). */
  private static void progress(String round, Mode mode, Round r) {
    System.err.printf("%s overhead %s %s: %.1f tasks/s, %.3f CPU-ms/task%n", java.time.Instant.now(), round, mode.id,
        r.tasksPerSecond(), r.cpuMsPerTask());
  }

  private static List<Double> tps(List<Round> rounds) {
    return rounds.stream().map(Round::tasksPerSecond).toList();
  }

  /**
   * One round in the mode's lane; a traced round is over when all its spans are at the receiver
   * (it fails if they do not all come), whose CPU is counted until then.
   */
  private static Round round(OverheadLane lane, Mode mode, int tasks, OtlpReceiver receiver) throws Exception {
    long expected = 1 + 2L * tasks; // the run, each task_run and its one attempt
    double rcpu0 = receiver.cpuSeconds();
    OverheadLane.Result result = lane.round();
    long spans = mode == Mode.RECEIVER_DOWN ? result.waitingSpans() : 0;
    if (mode == Mode.TRACED) {
      long deadline = System.nanoTime() + ARRIVAL_TIMEOUT.toNanos();
      spans = receiver.arrivals(result.traceId()).spans();
      while (spans < expected && System.nanoTime() < deadline) {
        Thread.sleep(20);
        spans = receiver.arrivals(result.traceId()).spans();
      }
      if (spans < expected) {
        throw new IllegalStateException("traced round: " + spans + " of " + expected + " spans of trace "
            + result.traceId() + " arrived at the receiver");
      }
    }
    double receiverCpuMs = (receiver.cpuSeconds() - rcpu0) * 1000;
    return new Round(result.tasksPerSecond(), result.cpuMsPerTask(), receiverCpuMs / tasks, spans);
  }

  static Map<String, String> telemetryOn(int port, Map<String, String> telemetryConfig) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("CONTRAIL__TRACES__OTEL_ON", "true");
    m.put("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(port));
    m.put("CONTRAIL__METRICS__OTEL_ON", "true");
    m.put("CONTRAIL__METRICS__OTEL_PORT", String.valueOf(port));
    m.put("CONTRAIL__METRICS__OTEL_INTERVAL_MILLISECONDS", "1000");
    m.putAll(telemetryConfig);
    return m;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
