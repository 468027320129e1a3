package io.contrail.bench;

import io.contrail.api.Dag;
import io.contrail.roles.Contrail;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
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
 * live OTLP receiver, and with the receiver down. After one unrecorded warm-up round of each mode
 * (the JIT compiles the hot paths of all three), {@code rounds} rounds run the three modes, each in
 * a process role of its own on the same database, in an order that rotates per round so no mode
 * always follows another. Per mode: min / median / max of tasks/s (run start to run end, as stored)
 * and of the benchmark process's CPU per task (utime + stime from /proc/self/stat, the run only);
 * per round the ratios traced ÷ off and receiver down ÷ off, whose medians are the figures.
 *
 * <p>Telemetry must really be on: every traced round's spans (the run, each task_run and its
 * attempt) are counted at the receiver by trace id, and the scenario fails if any is missing;
 * a receiver-down round must leave its spans waiting in the outbox (it fails otherwise). Those are
 * then deleted, so that each traced round exports its own spans and not an earlier round's backlog
 * (that recovery is what {@code bench outbox} measures).
 */
final class Overhead {
  private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(120);

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
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort(); // closed again at once: nothing listens there
    }
    Map<Mode, List<Round>> byMode = new EnumMap<>(Mode.class);
    for (Mode m : Mode.values()) {
      byMode.put(m, new ArrayList<>());
    }
    List<Double> ratioTraced = new ArrayList<>();
    List<Double> ratioDown = new ArrayList<>();
    try (OtlpReceiver receiver = new OtlpReceiver(projectDir, true)) {
      for (Mode m : Mode.values()) {
        progress("warm-up", m, round(env, tasks, m, receiver, deadPort, telemetryConfig)); // not recorded
      }
      Mode[] modes = Mode.values();
      for (int i = 0; i < rounds; i++) {
        Map<Mode, Round> thisRound = new EnumMap<>(Mode.class);
        for (int j = 0; j < modes.length; j++) {
          Mode m = modes[(i + j) % modes.length];
          thisRound.put(m, round(env, tasks, m, receiver, deadPort, telemetryConfig));
          progress("round " + (i + 1) + "/" + rounds, m, thisRound.get(m));
        }
        thisRound.forEach((m, r) -> byMode.get(m).add(r));
        double off = thisRound.get(Mode.OFF).tasksPerSecond();
        ratioTraced.add(thisRound.get(Mode.TRACED).tasksPerSecond() / off);
        ratioDown.add(thisRound.get(Mode.RECEIVER_DOWN).tasksPerSecond() / off);
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("tasks", tasks);
    r.put("rounds", rounds);
    r.put("warm", "yes: one unrecorded warm-up round of each mode first");
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

  /** One line per round on stderr, with the time, so a long run shows where it is (and a profile can be cut by mode). */
  private static void progress(String round, Mode mode, Round r) {
    System.err.printf("%s overhead %s %s: %.1f tasks/s, %.3f CPU-ms/task%n", java.time.Instant.now(), round, mode.id,
        r.tasksPerSecond(), r.cpuMsPerTask());
  }

  private static List<Double> tps(List<Round> rounds) {
    return rounds.stream().map(Round::tasksPerSecond).toList();
  }

  /** One run of {@code tasks} noop tasks in a process of its own with the mode's telemetry. */
  private static Round round(BenchEnvironment env, int tasks, Mode mode, OtlpReceiver receiver, int deadPort,
      Map<String, String> telemetryConfig) throws InterruptedException {
    Map<String, String> overrides = switch (mode) {
      case OFF -> Map.of();
      case TRACED -> telemetryOn(receiver.grpcPort(), telemetryConfig);
      case RECEIVER_DOWN -> telemetryOn(deadPort, telemetryConfig);
    };
    long expected = 1 + 2L * tasks; // the run, each task_run and its one attempt
    DagRun run;
    long waiting;
    long self = ProcessHandle.current().pid();
    double cpu0;
    double rcpu0;
    try (Contrail app = env.open(overrides)) {
      Dag dag = BenchDags.wide("bench_overhead_" + mode.id + "_" + System.nanoTime(), tasks, false);
      cpu0 = BenchProcesses.cpuSeconds(self);
      rcpu0 = receiver.cpuSeconds();
      run = BenchDags.run(app, dag, 1).get(0);
      waiting = app.database().sql().queryOne("SELECT COUNT(*) FROM span_outbox", rs -> rs.getLong(1)).orElse(0L);
      if (mode == Mode.RECEIVER_DOWN) {
        if (waiting < expected) {
          throw new IllegalStateException("receiver down: only " + waiting + " of " + expected
              + " spans wait in the outbox: was tracing on?");
        }
        app.database().sql().update("DELETE FROM span_outbox"); // not the next traced round's work
      } else if (mode == Mode.OFF && waiting > 0) {
        throw new IllegalStateException("telemetry off, yet " + waiting + " spans wait in the outbox");
      }
    }
    // the process's CPU from the run's start until it closed (a traced process ships the rest of its spans then)
    double cpuMs = (BenchProcesses.cpuSeconds(self) - cpu0) * 1000;
    if (run.state() != RunState.SUCCESS) {
      throw new IllegalStateException(mode.id + " round: the run ended " + run.state().id());
    }
    long spans = mode == Mode.RECEIVER_DOWN ? waiting : 0;
    if (mode == Mode.TRACED) {
      String traceId = run.trace().traceId();
      long deadline = System.nanoTime() + ARRIVAL_TIMEOUT.toNanos();
      spans = receiver.arrivals(traceId).spans();
      while (spans < expected && System.nanoTime() < deadline) {
        Thread.sleep(20);
        spans = receiver.arrivals(traceId).spans();
      }
      if (spans < expected) {
        throw new IllegalStateException("traced round: " + spans + " of " + expected + " spans of trace " + traceId
            + " arrived at the receiver");
      }
    }
    double receiverCpuMs = (receiver.cpuSeconds() - rcpu0) * 1000;
    double seconds = Duration.between(run.times().startDate(), run.times().endDate()).toNanos() / 1e9;
    return new Round(tasks / seconds, cpuMs / tasks, receiverCpuMs / tasks, spans);
  }

  private static Map<String, String> telemetryOn(int port, Map<String, String> telemetryConfig) {
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
