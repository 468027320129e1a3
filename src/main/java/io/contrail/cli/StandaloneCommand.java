package io.contrail.cli;

import io.contrail.roles.Role;
import io.contrail.roles.SchedulerProcess;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code standalone}: scheduler and executor in one process on the configured (embedded) database. */
@Command(name = "standalone",
    description = "Run scheduler and executor in one process (embedded database and example DAGs by default).")
final class StandaloneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return SchedulerProcess.run(Role.STANDALONE, Main.env(spec), 0, System.out);
  }
}
