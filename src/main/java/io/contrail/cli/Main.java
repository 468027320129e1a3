package io.contrail.cli;

import io.contrail.config.ConfigException;
import io.contrail.storage.StorageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code contrail} command line. */
@Command(name = "contrail", mixinStandardHelpOptions = true, version = "contrail 0.1.0",
    description = "A workflow orchestrator whose every run leaves a trail.",
    subcommands = {StandaloneCommand.class, SchedulerCommand.class, DbCommand.class, DagsCommand.class,
        RunsCommand.class, TasksCommand.class, PoolsCommand.class, TracesCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code (2 for bad input or configuration). */
  public static int execute(String... args) {
    boolean server = args.length > 0 && (args[0].equals("standalone") || args[0].equals("scheduler"));
    System.setProperty("contrail.log.level", server ? "INFO" : "WARN");
    // the OpenTelemetry SDK logs through java.util.logging: route it to the same log output
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigException || e instanceof IllegalArgumentException
          || e instanceof StorageException || e instanceof UserError) {
        cmd.getErr().println("error: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cli.execute(args);
  }

  /** A mistake in what the user asked for, reported as one line and exit code 2. */
  static final class UserError extends RuntimeException {
    UserError(String message) {
      super(message);
    }
  }
}
