package io.contrail.bench;

import io.contrail.config.Environment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one benchmark scenario on a fresh installation and returns its figures; {@link #record}
 * appends them to the results file (only when asked: the file is tracked).
 */
public final class Bench {
  private final Environment environment;
  private final String db;
  private final Integer parallelism;
  private final Path projectDir;
  private List<Integer> workers = List.of(1, 2, 4);
  private Map<String, String> processConfig = Map.of();
  private int statements;

  /** @param environment what the benchmark process started with */
  public Bench(Environment environment, String db, Integer parallelism, Path projectDir) {
    this.environment = environment;
    this.db = db;
    this.parallelism = parallelism;
    this.projectDir = projectDir;
  }

  /**
   * The distributed scenarios' worker counts, and CONTRAIL__ overrides for their scheduler and
   * worker processes (over {@link DistributedBench#defaults}).
   */
  public Bench distributed(List<Integer> workerCounts, Map<String, String> config) {
    this.workers = List.copyOf(workerCounts);
    this.processConfig = Map.copyOf(config);
    return this;
  }

  /**
   * distributed: the {@code n} statements PostgreSQL spent most time in over each worker count's
   * noop rounds (pg_stat_statements, loaded for this run only), printed with the figures.
   */
  public Bench statements(int n) {
    this.statements = n;
    return this;
  }

  public Map<String, Object> run(String scenario, Integer tasks, int chain, boolean shell, int rounds, int runs)
      throws Exception {
    return run(scenario, tasks, chain, shell, rounds, runs, List.of(10_000, 100_000, 1_000_000));
  }

  /** @param history outbox: the history sizes (finished task instances) to measure at, ascending */
  public Map<String, Object> run(String scenario, Integer tasks, int chain, boolean shell, int rounds, int runs,
      List<Integer> history) throws Exception {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("scenario", scenario);
    figures.put("db", db);
    // what the figures were measured on: the JDK and the collector of this process
    figures.put("jdk", Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
    figures.put("gc", String.join(", ", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(java.lang.management.GarbageCollectorMXBean::getName).toList()));
    try (BenchEnvironment env = new BenchEnvironment(environment, db, parallelism, statements > 0)) {
      if (shell && scenario.equals("throughput")) {
        // shell tasks run directly and through the bash wrapper, alternated in this process
        figures.put("parallelism", env.config(Map.of()).core().parallelism());
        figures.putAll(ShellThroughput.run(env, tasks == null ? 1000 : tasks, rounds));
        return figures;
      }
      figures.put("parallelism", env.config(Map.of()).core().parallelism());
      Map<String, Object> r = switch (scenario) {
        case "throughput" -> Scenarios.throughput(env, tasks == null ? 1000 : tasks, shell, rounds, Map.of());
        case "latency" -> Scenarios.latency(env, chain, Map.of());
        case "db-ceiling" -> Scenarios.dbCeiling(env, tasks == null ? 10_000 : tasks);
        case "overhead" -> Overhead.run(env, tasks == null ? 5000 : tasks, rounds, projectDir, processConfig);
        case "outbox" -> OutboxBench.run(env, history.stream().sorted().toList(), tasks == null ? 2000 : tasks, rounds,
            projectDir);
        case "memory" -> MemoryBench.run(env, runs, tasks == null ? 10_000 : tasks, processConfig);
        case "api" -> ApiBench.run(env, 1000, tasks == null ? 100_000 : tasks, 500);
        case "trigger" -> TriggerBench.run(env, tasks == null ? 200 : tasks);
        case "distributed" -> DistributedBench.throughput(env, workers, tasks == null ? 10_000 : tasks,
            tasks == null ? 1000 : Math.max(1, tasks / 10), rounds, distributedOverrides(), statements);
        case "distributed-latency" -> DistributedBench.latency(env, workers.get(0), chain, rounds,
            distributedOverrides());
        default -> throw new IllegalArgumentException("unknown scenario '" + scenario + "' (throughput, latency,"
            + " db-ceiling, overhead, memory, outbox, api, trigger, distributed or distributed-latency)");
      };
      figures.putAll(r);
    }
    return figures;
  }

  private Map<String, String> distributedOverrides() {
    Map<String, String> o = new LinkedHashMap<>(DistributedBench.defaults());
    if (parallelism != null) {
      o.remove("CONTRAIL__CORE__PARALLELISM"); // --parallelism, which the environment applies
    }
    o.putAll(processConfig);
    return o;
  }

  /** Appends one dated row of {@code figures}, with this machine's details, to {@code results}. */
  public Path record(Path results, Map<String, Object> figures) throws java.io.IOException {
    Path file = projectDir.resolve(results);
    ResultsFile.append(file, String.valueOf(figures.get("scenario")), db, figures);
    return file;
  }
}
