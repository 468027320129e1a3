package io.contrail.cli;

import io.contrail.config.ConfigException;
import io.contrail.config.Environment;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.storage.StorageException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code contrail} command line: one command per role ({@code standalone}, {@code scheduler})
 * plus the commands that inspect and operate an installation. The environment is read once here
 * and handed to whichever composition root the command starts.
 */
@Command(name = "contrail", mixinStandardHelpOptions = true, version = "contrail 0.1.0",
    description = "A workflow orchestrator whose every run leaves a trail.",
    subcommands = {StandaloneCommand.class, SchedulerCommand.class, DbCommand.class, DagsCommand.class,
        RunsCommand.class, TasksCommand.class, PoolsCommand.class, TracesCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final Environment env;

  private Main(Environment env) {
    this.env = env;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(Environment.capture(), args));
  }

  /** The environment the process started with, for any command. */
  static Environment env(CommandLine.Model.CommandSpec spec) {
    return ((Main) spec.root().userObject()).env;
  }

  /** The shared wiring in {@code role}, on the process's environment. */
  static Contrail contrail(CommandLine.Model.CommandSpec spec, Role role) {
    return Contrail.start(role, env(spec));
  }

  /** Runs the CLI on {@code env} and returns its exit code (2 for bad input or configuration). */
  public static int execute(Environment env, String... args) {
    boolean server = args.length > 0 && (args[0].equals("standalone") || args[0].equals("scheduler"));
    System.setProperty("contrail.log.level", server ? "INFO" : "WARN");
    // the OpenTelemetry SDK logs through java.util.logging: route it to the same log output
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    CommandLine cli = new CommandLine(new Main(env));
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
