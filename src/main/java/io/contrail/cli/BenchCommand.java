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
    description = {"Run a benchmark (throughput | latency | db-ceiling | overhead | memory | outbox | api | trigger"
        + " | distributed | distributed-latency) on a throw-away installation and print its figures; --record also"
        + " appends them to bench/RESULTS.md.",
        "distributed: a `contrail scheduler` and N `contrail worker` processes (JVMs of their own) on PostgreSQL with"
        + " fsync on, 10,000 noop and 1,000 shell tasks per round for each --workers count: tasks/s, CPU per task,"
        + " the ratio to the database's INSERT+COMMIT ceiling. distributed-latency: task-to-task gaps along a"
        + " --chain across processes (the first --workers count of workers)."})
final class BenchCommand implements Callable<Integer> {
  static final List<String> SCENARIOS = List.of("throughput", "latency", "db-ceiling", "overhead", "memory", "outbox", "api", "trigger",
      "distributed", "distributed-latency");

  @Parameters(paramLabel = "SCENARIO", description = "throughput, latency, db-ceiling, overhead, memory, outbox, api, trigger, distributed or distributed-latency") String scenario;
  @Option(names = "--db", paramLabel = "DB", description = "h2 (embedded default) or postgres (embedded, fsync on); default h2, postgres for the distributed scenarios (which run on PostgreSQL only)") String db;
  @Option(names = "--tasks", paramLabel = "N", description = "Tasks per run (throughput/db-ceiling default 1000, overhead 5000, memory default 10000, outbox default 2000); api: runs of one DAG beside 1000 DAGs (default 100000); trigger: triggers per phase (default 200); distributed: noop tasks per round (default 10000), shell tasks a tenth of it (default 1000).") Integer tasks;
  @Option(names = "--chain", paramLabel = "N", defaultValue = "200", description = "Length of the latency chain, latency and distributed-latency (default ${DEFAULT-VALUE}).") int chain;
  @Option(names = "--shell", description = "throughput: shell tasks running `true` instead of noop.") boolean shell;
  @Option(names = "--rounds", paramLabel = "N", description = "throughput: warm runs measured after the cold one and an unrecorded warm-up that lasts until the CPU per task stops falling (default 3); overhead: measured rounds of off/traced/receiver-down, each mode in a JVM of its own warmed until its CPU per task stops falling (default 7); outbox: traced runs per history size; distributed, distributed-latency: measured rounds after one cold round (default 3).") Integer rounds;
  @Option(names = "--workers", paramLabel = "N[,N...]", split = ",", defaultValue = "1,2,4",
      description = "distributed: worker processes to measure with, each count on fresh processes; distributed-latency: the first count (default ${DEFAULT-VALUE}).")
  List<Integer> workers;
  @Option(names = "--config", paramLabel = "SECTION.NAME=VALUE",
      description = "distributed scenarios and memory: a setting of the scheduler (and worker) processes, repeatable (e.g. worker.poll_interval_ms=50);"
          + " overhead: a setting of the traced and receiver-down rounds (e.g. metrics.otel_on=false for traces alone);"
          + " over the scenarios' own: core.parallelism=1024, core.default_pool_slots=1024, scheduler.loop_interval_ms=100, worker.poll_interval_ms=100, worker.concurrency=32.")
  List<String> config = new java.util.ArrayList<>();
  @Option(names = "--history", paramLabel = "N[,N...]", split = ",", defaultValue = "10000,100000,1000000",
      description = "outbox: finished task instances in the database to measure at (default ${DEFAULT-VALUE}).")
  List<Integer> history;
  @Option(names = "--runs", paramLabel = "N", defaultValue = "10", description = "memory: runs of --tasks tasks (default ${DEFAULT-VALUE}).") int runs;
  @Option(names = "--parallelism", paramLabel = "N", description = "Executor parallelism (default: [core] parallelism, 32; distributed scenarios 1024).") Integer parallelism;
  @Option(names = "--statements", paramLabel = "N", defaultValue = "0", description = "distributed: also print the N statements PostgreSQL spent most time in over the noop rounds (pg_stat_statements, loaded for this run only).") int statements;
  @Option(names = "--record", description = "Also append the figures, dated and with this machine's details, to the results file.") boolean record;
  @Option(names = "--results", paramLabel = "FILE", defaultValue = "bench/RESULTS.md", description = "The results file --record appends to (default ${DEFAULT-VALUE}).") Path results;
  @Option(names = "--json", description = "Print the figures as JSON.") boolean json;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!SCENARIOS.contains(scenario)) {
      throw new Main.UserError("unknown scenario '" + scenario + "' (expected " + String.join(", ", SCENARIOS) + ")");
    }
    boolean distributed = scenario.startsWith("distributed");
    if (db == null) {
      db = distributed ? "postgres" : "h2";
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
    if (rounds == null) {
      rounds = scenario.equals("overhead") ? 7 : 3;
    }
    UserInput.atLeast("--rounds", rounds, 1);
    UserInput.atLeast("--runs", runs, 1);
    for (int h : history) {
      UserInput.atLeast("--history", h, 0);
    }
    if (distributed && db.equals("h2")) {
      throw new Main.UserError("bench " + scenario + " measures workers on PostgreSQL (SKIP LOCKED claims, fsync on);"
          + " use --db postgres or leave --db out");
    }
    for (int w : workers) {
      UserInput.atLeast("--workers", w, 1);
    }
    Map<String, String> processConfig = new java.util.LinkedHashMap<>();
    for (String c : config) {
      int eq = c.indexOf('=');
      int dot = c.indexOf('.');
      if (eq < 0 || dot < 1 || dot > eq - 2) {
        throw new Main.UserError("--config '" + c + "': expected SECTION.NAME=VALUE, e.g. worker.poll_interval_ms=50");
      }
      processConfig.put("CONTRAIL__" + c.substring(0, dot).toUpperCase(java.util.Locale.ROOT) + "__"
          + c.substring(dot + 1, eq).toUpperCase(java.util.Locale.ROOT), c.substring(eq + 1));
    }
    Bench bench = new Bench(Main.env(spec), db, parallelism,
        Path.of(System.getProperty("contrail.root", System.getProperty("user.dir")))).distributed(workers, processConfig).statements(statements);
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
