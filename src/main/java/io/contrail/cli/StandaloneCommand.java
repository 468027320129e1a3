package io.contrail.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code standalone}: scheduler and executor in one process on the configured (embedded) database. */
@Command(name = "standalone", mixinStandardHelpOptions = true,
    description = "Run scheduler and executor in one process (embedded database and example DAGs by default).")
final class StandaloneCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return SchedulerRole.run("standalone", 0);
  }
}
