package io.contrail.cli;

import io.contrail.roles.Role;
import io.contrail.roles.SchedulerProcess;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scheduler}: the scheduler loop (with its executor) alone. */
@Command(name = "scheduler", description = "Run the scheduler loop (with its executor) until stopped.")
final class SchedulerCommand implements Callable<Integer> {
  @Option(names = "--num-runs", paramLabel = "N", description = "Stop after this many scheduler loops (default: run until stopped).")
  int numRuns;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    UserInput.atLeast("--num-runs", numRuns, 0);
    return SchedulerProcess.run(Role.SCHEDULER, Main.env(spec), numRuns, System.out);
  }
}
