package io.contrail.cli;

import io.contrail.bench.Bench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bench SCENARIO}: throughput, latency and telemetry overhead, measured, not asserted. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark (throughput | latency | db-ceiling | overhead | memory) and append its figures to bench/RESULTS.md.")
final class BenchCommand implements Callable<Integer> {
  @Parameters(paramLabel = "SCENARIO", description = "throughput, latency, db-ceiling, overhead or memory") String scenario;
  @Option(names = "--db", defaultValue = "h2", description = "h2 (embedded default) or postgres (embedded, fsync on); default ${DEFAULT-VALUE}") String db;
  @Option(names = "--tasks", description = "Tasks per run (throughput/db-ceiling/overhead default 1000, memory default 10000).") Integer tasks;
  @Option(names = "--chain", defaultValue = "200", description = "Length of the latency chain (default ${DEFAULT-VALUE}).") int chain;
  @Option(names = "--shell", description = "throughput: shell tasks running `true` instead of noop.") boolean shell;
  @Option(names = "--rounds", defaultValue = "3", description = "overhead: rounds of off/traced/receiver-down (default ${DEFAULT-VALUE}).") int rounds;
  @Option(names = "--runs", defaultValue = "10", description = "memory: runs of --tasks tasks (default ${DEFAULT-VALUE}).") int runs;
  @Option(names = "--results", defaultValue = "bench/RESULTS.md", description = "Results file to append to (default ${DEFAULT-VALUE}).") Path results;
  @Option(names = "--parallelism", description = "Executor parallelism (default: [core] parallelism, 32).") Integer parallelism;
  @Option(names = "--json", description = "Print the figures as JSON.") boolean json;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var figures = new Bench(Main.env(spec), db, parallelism, results, Path.of(System.getProperty("contrail.root", System.getProperty("user.dir")))).run(scenario, tasks, chain, shell, rounds, runs);
    if (json) {
      System.out.println(io.contrail.storage.Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(figures));
    } else {
      figures.forEach((k, v) -> System.out.printf("%-32s %s%n", k, v));
    }
    return 0;
  }
}
