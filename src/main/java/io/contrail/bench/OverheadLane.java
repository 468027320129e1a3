package io.contrail.bench;

import io.contrail.api.Dag;
import io.contrail.config.Environment;
import io.contrail.executor.TaskLogs;
import io.contrail.roles.Contrail;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One mode of {@code bench overhead} in a JVM of its own, for all of its rounds: a scheduler runs
 * one telemetry configuration for its whole life, and so does a lane, so its JIT compiles the code
 * of that configuration only. (In one JVM the modes took turns, and in round 6 of a profiled run
 * the compiler still had an eighth of a traced round's CPU samples against a twelfth of an off
 * round's: code compiled for one mode's profile, recompiled for the next.) The lane is the
 * benchmark's classpath started with the launcher's settings for the benchmark itself (those the
 * scheduler process of the earlier, single-JVM scenario had: 256 MB of heap), on an installation
 * of its own; it reads {@code round} lines on stdin and answers each with one line on stdout.
 */
final class OverheadLane implements AutoCloseable {
  private static final String ANSWER = "overhead-lane ";

  /** What a lane reports of one round; the parent counts the traced round's spans at the receiver by trace id. */
  record Result(double tasksPerSecond, double cpuMsPerTask, String traceId, long waitingSpans) {}

  private final Overhead.Mode mode;
  private final Process process;
  private final Writer commands;
  private final BufferedReader answers;
  private final Path log;

  /**
   * Starts the lane of {@code mode}: telemetry to {@code port} (the live receiver, or a port where
   * nothing listens), {@code tasks} noop tasks per round, on a database like {@code env}'s.
   */
  OverheadLane(BenchEnvironment env, Overhead.Mode mode, int tasks, int port, Map<String, String> telemetryConfig) {
    this.mode = mode;
    this.log = env.home().resolve("overhead-lane-" + mode.id + ".log");
    ServerJvmOptions jvm = BenchProcesses.serverJvmOptions("bench");
    // the benchmark's own log levels (WARN unless --verbose): a line per task at INFO cost a lane half its throughput
    List<String> levels = new ArrayList<>();
    for (String level : List.of("contrail.log.level", "contrail.otel.log.level")) {
      if (System.getProperty(level) != null) {
        levels.add("-D" + level + "=" + System.getProperty(level));
      }
    }
    List<String> command = BenchProcesses.javaCommand(levels, jvm, OverheadLane.class.getName());
    command.addAll(List.of(mode.name(), String.valueOf(tasks), env.db(),
        env.parallelism() == null ? "-" : String.valueOf(env.parallelism()), String.valueOf(port)));
    telemetryConfig.forEach((k, v) -> command.add(k + "=" + v));
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
    jvm.environment().forEach(pb.environment()::putIfAbsent);
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the overhead lane " + command, e);
    }
    commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Runs one round in the lane and waits for its figures. */
  Result round() throws IOException {
    commands.write("round\n");
    commands.flush();
    String line;
    while ((line = answers.readLine()) != null) {
      if (line.startsWith(ANSWER)) {
        String[] f = line.substring(ANSWER.length()).split(" ");
        return new Result(Double.parseDouble(f[0]), Double.parseDouble(f[1]), f[2], Long.parseLong(f[3]));
      }
    }
    throw new IllegalStateException("the " + mode.id + " lane ended without its round's figures:\n"
        + BenchProcesses.tail(Files.readString(log)));
  }

  @Override
  public void close() {
    try {
      commands.close(); // end of input: the lane exits
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
    }
  }

  /** The lane: {@code MODE TASKS DB PARALLELISM PORT [NAME=VALUE ...]}, then one round per {@code round} line. */
  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    System.setOut(System.err); // the answers own stdout
    Overhead.Mode mode = Overhead.Mode.valueOf(args[0]);
    int tasks = Integer.parseInt(args[1]);
    Integer parallelism = "-".equals(args[3]) ? null : Integer.valueOf(args[3]);
    int port = Integer.parseInt(args[4]);
    Map<String, String> config = new LinkedHashMap<>();
    for (int i = 5; i < args.length; i++) {
      config.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
    }
    Map<String, String> overrides = mode == Overhead.Mode.OFF ? Map.of() : Overhead.telemetryOn(port, config);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (BenchEnvironment env = new BenchEnvironment(Environment.capture(), args[2], parallelism)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.strip().equals("round")) {
          Result r = round(env, mode, tasks, overrides);
          out.printf(Locale.ROOT, "%s%.3f %.6f %s %d%n", ANSWER, r.tasksPerSecond(), r.cpuMsPerTask(), r.traceId(),
              r.waitingSpans());
          out.flush();
        }
      }
    }
    System.exit(0); // a telemetry thread must not keep the lane alive
  }

  /** One run of {@code tasks} noop tasks in a Contrail process opened for it and closed after it. */
  private static Result round(BenchEnvironment env, Overhead.Mode mode, int tasks, Map<String, String> overrides) {
    long expected = 1 + 2L * tasks; // the run, each task_run and its one attempt
    long self = ProcessHandle.current().pid();
    DagRun run;
    long waiting;
    double cpu0;
    Path logs;
    try (Contrail app = env.open(overrides)) {
      Dag dag = BenchDags.wide("bench_overhead_" + mode.id + "_" + System.nanoTime(), tasks, false);
      cpu0 = BenchProcesses.cpuSeconds(self);
      run = BenchDags.run(app, dag, 1).get(0);
      logs = TaskLogs.dagFolder(app.config().logs().baseLogFolder(), dag.dagId());
      waiting = app.database().sql().queryOne("SELECT COUNT(*) FROM span_outbox", rs -> rs.getLong(1)).orElse(0L);
      if (mode == Overhead.Mode.RECEIVER_DOWN) {
        if (waiting < expected) {
          throw new IllegalStateException("receiver down: only " + waiting + " of " + expected
              + " spans wait in the outbox: was tracing on?");
        }
        app.database().sql().update("DELETE FROM span_outbox"); // not the next round's work
      } else if (mode == Overhead.Mode.OFF && waiting > 0) {
        throw new IllegalStateException("telemetry off, yet " + waiting + " spans wait in the outbox");
      }
    }
    // the process's CPU from the run's start until it closed (a traced process ships the rest of its spans then)
    double cpuMs = (BenchProcesses.cpuSeconds(self) - cpu0) * 1000;
    // each task's attempt log, after the CPU is read: left for the end, 26 rounds' 260,000 files and
    // folders took minutes to delete, past the parent's wait for the lane, into the next benchmark
    TaskLogs.deleteTree(logs);
    if (run.state() != RunState.SUCCESS) {
      throw new IllegalStateException(mode.id + " round: the run ended " + run.state().id());
    }
    double seconds = java.time.Duration.between(run.times().startDate(), run.times().endDate()).toNanos() / 1e9;
    return new Result(tasks / seconds, cpuMs / tasks, run.trace().traceId(), waiting);
  }
}
