package io.contrail.cli;

import io.contrail.bench.Bench;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bench SCENARIO}: throughput, latency and telemetry overhead, measured, not asserted. */
@Command(name = "bench", sortOptions = false,
    description = {"Run a benchmark (throughput | latency | db-ceiling | overhead | memory | outbox | api | trigger) on a throw-away"
        + " installation and print its figures; --record also appends them to bench/RESULTS.md."})
final class BenchCommand implements Callable<Integer> {
  static final List<String> SCENARIOS = List.of("throughput", "latency", "db-ceiling", "overhead", "memory", "outbox", "api", "trigger");

  @Parameters(paramLabel = "SCENARIO", description = "throughput, latency, db-ceiling, overhead, memory, outbox, api or trigger") String scenario;
  @Option(names = "--db", paramLabel = "DB", defaultValue = "h2", description = "h2 (embedded default) or postgres (embedded, fsync on); default ${DEFAULT-VALUE}") String db;
  @Option(names = "--tasks", paramLabel = "N", description = "Tasks per run (throughput/db-ceiling/overhead default 1000, memory default 10000, outbox default 2000); api: runs of one DAG beside 1000 DAGs (default 100000); trigger: triggers per phase (default 200).") Integer tasks;
  @Option(names = "--chain", paramLabel = "N", defaultValue = "200", description = "Length of the latency chain (default ${DEFAULT-VALUE}).") int chain;
  @Option(names = "--shell", description = "throughput: shell tasks running `true` instead of noop.") boolean shell;
  @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", description = "overhead: rounds of off/traced/receiver-down; outbox: traced runs per history size (default ${DEFAULT-VALUE}).") int rounds;
  @Option(names = "--history", paramLabel = "N[,N...]", split = ",", defaultValue = "10000,100000,1000000",
      description = "outbox: finished task instances in the database to measure at (default ${DEFAULT-VALUE}).")
  List<Integer> history;
  @Option(names = "--runs", paramLabel = "N", defaultValue = "10", description = "memory: runs of --tasks tasks (default ${DEFAULT-VALUE}).") int runs;
  @Option(names = "--parallelism", paramLabel = "N", description = "Executor parallelism (default: [core] parallelism, 32).") Integer parallelism;
  @Option(names = "--record", description = "Also append the figures, dated and with this machine's details, to the results file.") boolean record;
  @Option(names = "--results", paramLabel = "FILE", defaultValue = "bench/RESULTS.md", description = "The results file --record appends to (default ${DEFAULT-VALUE}).") Path results;
  @Option(names = "--json", description = "Print the figures as JSON.") boolean json;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!SCENARIOS.contains(scenario)) {
      throw new Main.UserError("unknown scenario '" + scenario + "' (expected " + String.join(", ", SCENARIOS) + ")");
    }
    if (!db.equals("h2") && !db.equals("postgres")) {
      throw new Main.UserError("--db must be h2 or postgres, not '" + db + "'");
    }
    if (tasks != null) {
      UserInput.atLeast("--tasks", tasks, 1);
    }
    if (parallelism != null) {
      UserInput.atLeast("--parallelism", parallelism, 1);
    }
    UserInput.atLeast("--chain", chain, 2);
    UserInput.atLeast("--rounds", rounds, 1);
    UserInput.atLeast("--runs", runs, 1);
    for (int h : history) {
      UserInput.atLeast("--history", h, 0);
    }
    Bench bench = new Bench(Main.env(spec), db, parallelism,
        Path.of(System.getProperty("contrail.root", System.getProperty("user.dir"))));
    Map<String, Object> figures = bench.run(scenario, tasks, chain, shell, rounds, runs, history);
    if (json) {
      Output.json(spec.commandLine().getOut(), figures);
    } else {
      figures.forEach((k, v) -> spec.commandLine().getOut().printf("%-32s %s%n", k, v));
    }
    if (record) {
      Path file = bench.record(results, figures);
      spec.commandLine().getErr().printf("recorded in %s%n", file);
    }
    return ExitCodes.OK;
  }
}
