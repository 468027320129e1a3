package io.contrail.cli;

import io.contrail.config.Environment;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import io.contrail.secrets.MaskingOutputStream;
import io.contrail.secrets.ProcessMasking;
import io.contrail.telemetry.JulBridge;
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

  /**
   * The subcommands of each group, in the order its usage lists them; as with {@link #COMMANDS},
   * only the one a command line names is built.
   */
  static final Map<Class<?>, List<Class<?>>> SUBCOMMANDS = Map.of(
      DagsCommand.class, List.of(DagsCommand.ListDags.class, DagsCommand.Show.class, DagsCommand.Pause.class,
          DagsCommand.Unpause.class, DagsCommand.Trigger.class, DagTestCommand.class, BackfillCommand.class,
          DagsCommand.ImportErrors.class, DeleteCommands.Dag.class),
      DbCommand.class, List.of(DbCommand.Migrate.class, DbCommand.Check.class),
      PoolsCommand.class, List.of(PoolsCommand.ListPools.class, PoolsCommand.Set.class),
      RunsCommand.class, List.of(RunsCommand.ListRuns.class, RunsCommand.Show.class, ClearCommands.Runs.class,
          MarkCommands.Run.class, DeleteCommands.Run.class),
      TasksCommand.class, List.of(TasksCommand.Logs.class, ClearCommands.Tasks.class, MarkCommands.Task.class,
          TaskOperationCommands.Test.class, TaskOperationCommands.States.class),
      TracesCommand.class, List.of(TracesCommand.Show.class, TracesCommand.CriticalPathOf.class,
          TracesCommand.Export.class),
      WorkersCommand.class, List.of(WorkersCommand.ListWorkers.class));

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
    // before anything logs: SLF4J takes logback from LoggingProvider without a service look-up
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", LoggingProvider.class.getName());
      // SLF4J would say on stderr that it did so
      System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "WARN"));
    }
    // picocli looks for Groovy otherwise: a class that is not there is looked for in every jar
    if (System.getProperty("picocli.disable.closures") == null) {
      System.setProperty("picocli.disable.closures", "true");
    }
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
    // a server's libraries log through java.util.logging too (the OpenTelemetry SDK, the PostgreSQL
    // driver): route it to the same log output; a short command does so when it first needs it
    if (isServer(args)) {
      JulBridge.install();
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
    List<String> words = commandWords(args);
    Class<?> named = words.isEmpty() ? null : COMMANDS.get(words.get(0));
    if (named != null && named != HelpCommand.class) {
      cli.addSubcommand(group(named, words.size() > 1 ? words.get(1) : ""));
    } else {
      COMMANDS.values().forEach(c -> cli.addSubcommand(group(c, "")));
    }
    cli.setExecutionExceptionHandler(ExitCodes::handle);
    cli.setParameterExceptionHandler(ExitCodes::badUsage);
    return cli;
  }

  /**
   * The command and subcommand names {@code args} start with: their first two arguments that are not
   * options (neither the top level nor a group has an option that takes a value).
   */
  private static List<String> commandWords(String... args) {
    List<String> words = new java.util.ArrayList<>(2);
    for (String a : args) {
      if (!a.startsWith("-")) {
        words.add(a);
        if (words.size() == 2) {
          break;
        }
      }
    }
    return words;
  }

  /** A command, with the subcommand {@code name} names if it is a group that has one, else with all of them. */
  private static CommandLine group(Class<?> command, String name) {
    CommandLine cli = new CommandLine(command);
    List<Class<?>> subcommands = SUBCOMMANDS.getOrDefault(command, List.of());
    List<Class<?>> named = subcommands.stream().filter(c -> names(c).contains(name)).toList();
    (named.isEmpty() ? subcommands : named).forEach(c -> cli.addSubcommand(group(c, "")));
    return cli;
  }

  private static List<String> names(Class<?> command) {
    Command c = command.getAnnotation(Command.class);
    List<String> names = new java.util.ArrayList<>(List.of(c.aliases()));
    names.add(c.name());
    return names;
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
