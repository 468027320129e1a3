package io.contrail.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scheduler}: the scheduler loop (with its executor) alone. */
@Command(name = "scheduler", mixinStandardHelpOptions = true, description = "Run the scheduler loop.")
final class SchedulerCommand implements Callable<Integer> {
  @Option(names = "--num-runs", description = "Stop after this many scheduler loops (default: run until stopped).")
  int numRuns;

  @Override
  public Integer call() {
    return SchedulerRole.run("scheduler", numRuns);
  }
}
