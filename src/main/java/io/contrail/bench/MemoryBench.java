package io.contrail.bench;

import io.contrail.roles.Contrail;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code memory} scenario: a {@code contrail scheduler} process started as the launcher starts
 * it (its JVM settings from {@link ServerJvmOptions}), with traces and metrics on to an OTLP port
 * nothing listens on, runs {@code runs} runs of {@code tasks} noop tasks one after another; the
 * benchmark process only creates the runs and waits for them. Its VmRSS is sampled from /proc
 * every 200 ms; after the last run come its VmHWM (peak RSS), its heap after a full GC (jcmd
 * GC.run, then jstat), and, when CONTRAIL_JAVA_OPTS turned Native Memory Tracking on, the JVM's
 * own account of where the memory went (jcmd VM.native_memory).
 */
final class MemoryBench {
  static final String DAG = "bench_memory";
  private static final Pattern NMT_LINE = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
  private static final Pattern NMT_TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");

  private MemoryBench() {}

  /** @param config CONTRAIL__ overrides of the scheduler process (bench --config), over the scenario's own */
  static Map<String, Object> run(BenchEnvironment env, int runs, int tasks, Map<String, String> config)
      throws IOException {
    int downPort = freePort();
    Map<String, String> overrides = new LinkedHashMap<>(Map.of(
        "CONTRAIL__TRACES__OTEL_ON", "true", "CONTRAIL__TRACES__OTEL_PORT", String.valueOf(downPort),
        "CONTRAIL__METRICS__OTEL_ON", "true", "CONTRAIL__METRICS__OTEL_PORT", String.valueOf(downPort)));
    overrides.putAll(config);
    DistributedBench.writeDag(env, DAG, tasks, "type: noop");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    r.put("process", "contrail scheduler (executor local), a JVM of its own started as the launcher starts it;"
        + " OTLP traces and metrics to 127.0.0.1:" + downPort + ", where nothing listens");
    // the scheduler starts first: on H2 it is the process that holds the database (and its page cache)
    try (BenchProcesses procs = new BenchProcesses(env.home().resolve("bench-processes").resolve("memory"),
        env.processVariables(overrides))) {
      BenchProcesses.Child scheduler = procs.start("scheduler", "scheduler");
      long pid = scheduler.pid();
      r.put("gc", BenchProcesses.collector(scheduler));
      r.put("jvm_options", String.join(" ", procs.jvm().jvmOptions()));
      r.put("environment", procs.jvm().environment());
      r.put("config", config);
      List<Long> samples = new CopyOnWriteArrayList<>();
      List<Long> perRun = new ArrayList<>();
      int failed = 0;
      Thread sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          long kb = status(pid, "VmRSS");
          if (kb > 0) {
            samples.add(kb);
          }
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "bench-rss-sampler");
      sampler.setDaemon(true);
      sampler.start();
      try (Contrail app = env.open(Map.of())) {
        awaitDag(app);
        long warmFrom = 0;
        for (int i = 0; i < runs; i++) {
          DagRun run = DistributedBench.runToEnd(app, DAG, tasks);
          failed += run.state() == RunState.SUCCESS ? 0 : 1;
          perRun.add(status(pid, "VmRSS") / 1024);
          if (i == 0) {
            warmFrom = samples.size(); // the first run compiles the hot code: its samples are the cold ones
          }
        }
        sampler.interrupt();
        r.put("runs", runs);
        r.put("finished_task_instances", finishedTaskInstances(app));
        r.put("failed_runs", failed);
        List<Double> warm = samples.subList((int) Math.min(warmFrom, Math.max(0, samples.size() - 1)), samples.size())
            .stream().map(kb -> kb / 1024.0).toList();
        r.put("rss_mb_after_each_run", perRun);
        r.put("rss_mb_samples", warm.size());
        r.put("rss_mb", Scenarios.spread(warm, 0) + " (min / median / max, sampled every 200 ms after the first run)");
        r.put("vm_hwm_mb", status(pid, "VmHWM") / 1024);
        r.put("heap_after_full_gc_mb", heapAfterFullGcMb(pid));
        r.put("rss_mb_after_full_gc", status(pid, "VmRSS") / 1024);
        if (String.join(" ", procs.jvm().jvmOptions()).contains("-XX:NativeMemoryTracking=")) {
          r.put("native_memory_committed_mb", nativeMemory(pid));
        }
      } finally {
        sampler.interrupt();
      }
    }
    return r;
  }

  private static void awaitDag(Contrail app) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (app.stores().dags().find(DAG).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the scheduler did not sync " + DAG + " within 60 s");
      }
      BenchProcesses.sleep(100);
    }
  }

  private static long finishedTaskInstances(Contrail app) {
    return app.database().sql().queryOne("SELECT COUNT(*) FROM task_instance WHERE state IN ('success', 'failed')",
        rs -> rs.getLong(1)).orElse(0L);
  }

  /** A field of /proc/PID/status in kB (VmRSS, VmHWM), -1 if unreadable. */
  static long status(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Heap in use after {@code jcmd PID GC.run}: survivor, eden and old space used, from {@code jstat -gc}. */
  static double heapAfterFullGcMb(long pid) {
    tool("jcmd", Long.toString(pid), "GC.run");
    String[] lines = tool("jstat", "-gc", Long.toString(pid)).strip().split("\n");
    String[] names = lines[0].strip().split("\\s+");
    String[] values = lines[lines.length - 1].strip().split("\\s+");
    double kb = 0;
    for (int i = 0; i < names.length && i < values.length; i++) {
      if (List.of("S0U", "S1U", "EU", "OU").contains(names[i])) {
        kb += Double.parseDouble(values[i]);
      }
    }
    return Scenarios.round(kb / 1024, 1);
  }

  /** Committed MB per Native Memory Tracking category, largest first, and the total. */
  static Map<String, Long> nativeMemory(long pid) {
    Map<String, Long> committed = new LinkedHashMap<>();
    for (String line : tool("jcmd", Long.toString(pid), "VM.native_memory", "summary", "scale=KB").split("\n")) {
      Matcher total = NMT_TOTAL.matcher(line.strip());
      if (total.find()) {
        committed.put("Total", Long.parseLong(total.group(2)) / 1024);
      }
      Matcher m = NMT_LINE.matcher(line.strip());
      if (m.find()) {
        committed.put(m.group(1).strip(), Long.parseLong(m.group(3)) / 1024);
      }
    }
    Map<String, Long> sorted = new LinkedHashMap<>();
    committed.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** Runs a tool of the benchmark's JDK (jcmd, jstat) and returns its output. */
  private static String tool(String name, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", name).toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
