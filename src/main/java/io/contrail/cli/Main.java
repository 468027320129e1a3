package io.contrail.cli;

import io.contrail.config.Environment;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.secrets.MaskingOutputStream;
import io.contrail.secrets.ProcessMasking;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code contrail} command line: one command per role ({@code standalone}, {@code scheduler})
 * plus the commands that inspect and operate an installation. The environment is read once here
 * and handed to whichever composition root the command starts. Every command and subcommand
 * takes {@code --help}/{@code -h} and {@code --verbose} (both inherited from here); what a failure
 * exits with is decided in one place, {@link ExitCodes}.
 */
@Command(name = "contrail", mixinStandardHelpOptions = true, version = "contrail 0.1.0",
    scope = ScopeType.INHERIT, sortOptions = false,
    description = "A workflow orchestrator whose every run leaves a trail.",
    footer = {"", "Exit codes: 0 success, 1 the run or check failed, 2 bad input or configuration,",
        "3 the environment is not usable (database unreachable, port taken), 70 internal error.",
        "`contrail help COMMAND [SUBCOMMAND]` or `contrail COMMAND --help` describes one command."})
public final class Main implements Callable<Integer> {
  /**
   * The commands, in the order usage lists them. Only the one a command line names is built (picocli
   * reflects over every option of every command it is given, parsing annotations and making a proxy
   * class for each kind: that was most of a short command's start-up); usage, {@code help} and a
   * name that matches none get them all.
   */
  static final Map<String, Class<?>> COMMANDS = commands(StandaloneCommand.class, SchedulerCommand.class,
      ApiServerCommand.class, DbCommand.class, DagsCommand.class, RunsCommand.class, TasksCommand.class,
      PoolsCommand.class, TracesCommand.class, BenchCommand.class, WorkerCommand.class, WorkersCommand.class,
      HelpCommand.class);

  /** The commands that run until stopped and log as servers do. */
  static final List<String> SERVER_COMMANDS = List.of("standalone", "scheduler", "api-server", "worker");

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  // read from the arguments before picocli runs (ProcessLogging sets up logging first); declared so
  // that every command accepts it and --help lists it
  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Log what Contrail and the OpenTelemetry SDK do, with stack traces; on an internal error,"
          + " print its stack trace here too (it always goes to the log file).")
  boolean verbose;

  private final Environment env;

  private Main(Environment env) {
    this.env = env;
  }

  /** {@code contrail} alone: what it can do, and exit code 2 since nothing was asked. */
  @Override
  public Integer call() {
    return ParentCommand.usage(spec);
  }

  public static void main(String[] args) {
    // everything this process prints — tables, JSON, errors, progress, log lines — is masked
    // (UTF-8, as execute's writers encode it)
    Charset charset = StandardCharsets.UTF_8;
    MaskingOutputStream out = new MaskingOutputStream(new FileOutputStream(FileDescriptor.out), ProcessMasking::mask, charset);
    MaskingOutputStream err = new MaskingOutputStream(new FileOutputStream(FileDescriptor.err), ProcessMasking::mask, charset);
    System.setOut(new PrintStream(out, true, charset));
    System.setErr(new PrintStream(err, true, charset));
    int code;
    try {
      Environment env = Environment.capture();
      ProcessLogging.configure(env.home(), isServer(args), List.of(args).contains("--verbose"));
      code = execute(env, args);
    } finally {
      System.out.flush();
      System.err.flush();
      flushLine(out);
      flushLine(err);
    }
    System.exit(code);
  }

  private static void flushLine(MaskingOutputStream stream) {
    try {
      stream.flushLine();
    } catch (java.io.IOException e) {
      // the terminal is gone: nothing left to show
    }
  }

  /** The environment the process started with, for any command. */
  static Environment env(CommandLine.Model.CommandSpec spec) {
    return ((Main) spec.root().userObject()).env;
  }

  /** The shared wiring in {@code role}, on the process's environment. */
  static Contrail contrail(CommandLine.Model.CommandSpec spec, Role role) {
    return Contrail.start(role, env(spec));
  }

  static boolean isServer(String... args) {
    return args.length > 0 && SERVER_COMMANDS.contains(args[0]);
  }

  /** Runs the CLI on {@code env}, printing to the process's stdout and stderr; returns its exit code. */
  public static int execute(Environment env, String... args) {
    return execute(env, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8), args);
  }

  /** Runs the CLI on {@code env} with its output going to {@code out} and {@code err}; returns its exit code. */
  public static int execute(Environment env, PrintWriter out, PrintWriter err, String... args) {
    // the OpenTelemetry SDK logs through java.util.logging: route it to the same log output
    if (!org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()) {
      org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
      org.slf4j.bridge.SLF4JBridgeHandler.install();
    }
    CommandLine cli = commandLine(env, args);
    cli.setOut(out);
    cli.setErr(err);
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The whole command tree, with the exit-code and error-message policy of {@link ExitCodes}. */
  static CommandLine commandLine(Environment env) {
    return commandLine(env, new String[0]);
  }

  /** The command tree {@code args} need: the command they name, or all of them. */
  static CommandLine commandLine(Environment env, String... args) {
    CommandLine cli = new CommandLine(new Main(env));
    Class<?> named = COMMANDS.get(firstCommand(args));
    if (named != null && named != HelpCommand.class) {
      cli.addSubcommand(named);
    } else {
      COMMANDS.values().forEach(cli::addSubcommand);
    }
    cli.setExecutionExceptionHandler(ExitCodes::handle);
    cli.setParameterExceptionHandler(ExitCodes::badUsage);
    return cli;
  }

  /** The first argument that is not one of the top-level options (none of which takes a value). */
  private static String firstCommand(String... args) {
    for (String a : args) {
      if (!a.startsWith("-")) {
        return a;
      }
    }
    return "";
  }

  private static Map<String, Class<?>> commands(Class<?>... classes) {
    Map<String, Class<?>> byName = new LinkedHashMap<>();
    for (Class<?> c : classes) {
      byName.put(c.getAnnotation(Command.class).name(), c);
    }
    return Collections.unmodifiableMap(byName);
  }

  /** A mistake in what the user asked for, reported as one line and exit code 2. */
  static final class UserError extends RuntimeException {
    UserError(String message) {
      super(message);
    }

    UserError(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
