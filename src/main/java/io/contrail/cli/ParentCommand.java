package io.contrail.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code dags}, {@code runs} ...): run alone it prints its
 * usage to stderr and exits 2, since nothing was asked of it.
 */
abstract class ParentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return usage(spec);
  }

  static int usage(CommandSpec spec) {
    spec.commandLine().usage(spec.commandLine().getErr());
    spec.commandLine().getErr().flush();
    return ExitCodes.BAD_INPUT;
  }
}
