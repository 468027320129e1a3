package io.contrail.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Contrail processes of a distributed benchmark: {@code contrail scheduler} and {@code
 * contrail worker} as JVMs of their own on this machine, started as the launcher starts a server
 * role — the benchmark's own java binary and classpath, the JVM settings of
 * {@link ServerJvmOptions} — with their output in files under the installation. Also reads what the processes (and the
 * database's) spent on the CPUs, from /proc.
 */
final class BenchProcesses implements AutoCloseable {
  /** USER_HZ: the unit of /proc/PID/stat's utime and stime, 100 on every Linux architecture Java runs on. */
  private static final double TICKS_PER_SECOND = 100.0;
  private static final Pattern GC_FLAG = Pattern.compile("-XX:\\+Use(\\w+)GC\\b");

  /** One started process and where its output goes. */
  record Child(String name, Process process, Path stdout, Path stderr) {
    long pid() {
      return process.pid();
    }

    String output() {
      try {
        return Files.readString(stdout) + Files.readString(stderr);
      } catch (IOException e) {
        return "(output unreadable: " + e + ")";
      }
    }
  }

  private final Path outputs;
  private final Map<String, String> variables;
  private final ServerJvmOptions jvm;
  private final List<Child> children = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** A benchmark stopped by a signal runs no finally block: its processes must not outlive it. */
  private final Thread killOnExit = new Thread(() -> children.forEach(c -> c.process().destroyForcibly()),
      "bench-processes-kill");

  /** @param variables the whole environment of every process started (see {@link BenchEnvironment#processVariables}) */
  BenchProcesses(Path outputs, Map<String, String> variables) {
    this.outputs = outputs;
    this.variables = variables;
    this.jvm = serverJvmOptions("scheduler");
    Runtime.getRuntime().addShutdownHook(killOnExit);
    try {
      Files.createDirectories(outputs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code contrail ARGS...} and waits until it says it is up. */
  Child start(String name, String... args) {
    ServerJvmOptions role = serverJvmOptions(args[0]); // the role's own: scheduler, worker
    List<String> command = javaCommand(List.of("-XX:+PrintCommandLineFlags"), role, "io.contrail.cli.Main");
    command.addAll(List.of(args));
    Path out = outputs.resolve(name + ".out");
    Path err = outputs.resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(role.environment());
    pb.environment().putAll(variables);
    Child child;
    try {
      child = new Child(name, pb.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    children.add(child);
    awaitUp(child, Duration.ofSeconds(90));
    return child;
  }

  private static void awaitUp(Child child, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (child.output().contains("Press Ctrl+C to stop.")) {
        return;
      }
      if (!child.process().isAlive()) {
        throw new IllegalStateException(child.name() + " exited with " + child.process().exitValue()
            + " before it was up:\n" + tail(child.output()));
      }
      sleep(50);
    }
    throw new IllegalStateException(child.name() + " was not up within " + timeout + ":\n" + tail(child.output()));
  }

  /** The collector a child's JVM chose (from -XX:+PrintCommandLineFlags), e.g. G1; "?" if it did not say. */
  static String collector(Child child) {
    Matcher m = GC_FLAG.matcher(child.output());
    return m.find() ? m.group(1) : "?";
  }

  List<Child> children() {
    return List.copyOf(children);
  }

  /** CPU seconds (user + system) the started processes, and their ended children, have used so far. */
  double contrailCpuSeconds() {
    long ticks = 0;
    for (Child c : children) {
      ticks += cpuTicks(c.pid()).orElse(0);
    }
    return ticks / TICKS_PER_SECOND;
  }

  /**
   * CPU seconds of the PostgreSQL postmaster and its children (backends, WAL writer, checkpointer),
   * ended backends included.
   */
  static double postgresCpuSeconds(OptionalLong postmaster) {
    if (postmaster.isEmpty()) {
      return 0;
    }
    long pm = postmaster.getAsLong();
    long ticks = cpuTicks(pm).orElse(0);
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
        String[] f = statFields(p.resolve("stat"));
        if (f != null && f.length > 14 && Long.parseLong(f[1]) == pm) {
          ticks += ticks(f);
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** CPU seconds (user + system, and its ended children's) of one process so far; 0 when unreadable. */
  static double cpuSeconds(long pid) {
    return cpuTicks(pid).orElse(0) / TICKS_PER_SECOND;
  }

  /**
   * {utime + stime of this process, cutime + cstime of the children it waited for} in seconds
   * ({0, 0} where /proc cannot be read): a benchmark's own CPU apart from its task processes'.
   */
  static double[] ownAndChildrenCpuSeconds() {
    String[] f = statFields(Path.of("/proc/self/stat"));
    if (f == null || f.length < 15) {
      return new double[2];
    }
    return new double[] {(Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND,
        (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND};
  }

  private static OptionalLong cpuTicks(long pid) {
    String[] f = statFields(Path.of("/proc", Long.toString(pid), "stat"));
    return f == null || f.length < 15 ? OptionalLong.empty() : OptionalLong.of(ticks(f));
  }

  /**
   * utime + stime of the process, plus cutime + cstime: its children that ended and were waited for
   * — a worker's shell tasks, the postmaster's exited backends — so their CPU is counted too.
   */
  private static long ticks(String[] f) {
    return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /**
   * /proc/PID/stat's fields after the command name: [0] is state (field 3), [1] ppid, [11] utime,
   * [12] stime, [13] cutime, [14] cstime.
   */
  private static String[] statFields(Path stat) {
    try {
      String s = Files.readString(stat);
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null; // gone meanwhile, or not Linux
    }
  }

  /** SIGTERM to every process (workers stop gracefully), then SIGKILL to any still there after 30 s. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to
    }
    for (Child c : children) {
      c.process().destroy();
    }
    for (Child c : children) {
      try {
        if (!c.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          c.process().destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        c.process().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The JVM options (and environment) a started scheduler gets, as the launcher gives that role. */
  ServerJvmOptions jvm() {
    return jvm;
  }

  /**
   * The launcher's settings for server roles and the benchmark's CONTRAIL_JAVA_OPTS; the system
   * property {@code contrail.bench.server-jvm-options} names another file (e.g. /dev/null: the
   * JVM's defaults, to compare with).
   */
  static ServerJvmOptions serverJvmOptions(String role) {
    String file = System.getProperty("contrail.bench.server-jvm-options");
    return ServerJvmOptions.read(file != null ? Path.of(file) : Path.of(root(), ServerJvmOptions.FILE),
        System.getenv("CONTRAIL_JAVA_OPTS"), role);
  }

  /**
   * The command line of a JVM started from the benchmark: its java binary and classpath, then
   * {@code extra}, the role's settings and the project root, then {@code mainClass}; its arguments follow.
   */
  static List<String> javaCommand(List<String> extra, ServerJvmOptions role, String mainClass) {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "--enable-native-access=ALL-UNNAMED"));
    command.addAll(extra);
    command.addAll(role.jvmOptions());
    command.addAll(List.of("-Dcontrail.root=" + root(), "-cp", classpath(), mainClass));
    return command;
  }

  private static String root() {
    return System.getProperty("contrail.root", ".");
  }

  static String javaBinary() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The benchmark's classpath without the test runner's jars (when a test runs the benchmark). */
  private static String classpath() {
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.contains("surefire")) {
        entries.add(e);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  static String tail(String text) {
    return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
