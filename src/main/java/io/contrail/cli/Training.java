package io.contrail.cli;

import io.contrail.config.Environment;
import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training runs of the launcher's class-data archives (the JDK's AOT cache from JDK 25, a
 * dynamic CDS archive before): one archive per command group ({@code dags}, {@code runs} ...), made
 * by running the group's common commands once in one JVM against a throwaway installation with the
 * bundled example DAGs, so that the archive written when that JVM exits holds the classes those
 * commands load, parsed and linked. A command started with its group's archive skips most of its
 * class loading. Nothing here is printed; the throwaway home is deleted.
 *
 * <p>Every class in an archive is loaded at the start of every command that uses it, so an archive
 * holds only what its group loads where it usually runs: beside a running standalone or scheduler.
 * One archive for all commands loaded 5,000 classes at every start, 1,900 of them (Jackson's
 * databind and YAML, cron) never used by {@code runs list}: 25 ms of each start. A JVM of its own
 * ({@code --serve}) migrates the throwaway database, triggers a run and holds the database open
 * while the commands run, so they reach it as such a command does, through the embedded database's
 * server: neither Flyway (430 classes; a command on an up-to-date database never loads it) nor the
 * database engine is archived, and a command on PostgreSQL loads neither either.
 */
public final class Training {
  /**
   * The command groups with an archive of their own and what trains each; the launcher names the
   * same groups (any other command uses {@code other}'s).
   */
  static final Map<String, List<List<String>>> GROUPS = Map.of(
      "dags", List.of(
          List.of("dags", "list"),
          List.of("dags", "list", "--json"),
          List.of("dags", "show", "example_etl"),
          List.of("dags", "trigger", "example_etl", "--run-id", "training-cli"),
          List.of("dags", "trigger", "example_etl", "--run-id", "training-json", "--json"),
          List.of("dags", "list-import-errors"),
          List.of("dags", "--help")),
      "runs", List.of(
          List.of("runs", "list"),
          List.of("runs", "list", "--json"),
          List.of("runs", "show", "example_etl", "training"),
          List.of("runs", "--help")),
      "tasks", List.of(
          List.of("tasks", "--help")),
      "pools", List.of(
          List.of("pools", "list")),
      "workers", List.of(
          List.of("workers", "list")),
      "other", List.of(
          List.of("--help"),
          List.of("--version")));

  private Training() {}

  /** {@code Training GROUP} trains the archive of that command group. */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length == 2 && args[0].equals("--serve")) {
      serve(Path.of(args[1]));
      return;
    }
    List<List<String>> commands = GROUPS.get(args.length == 1 ? args[0] : "other");
    if (commands == null) {
      System.exit(2);
    }
    Path home = Files.createTempDirectory("contrail-training-");
    Process server = null;
    try {
      server = startServer(home); // if that fails, the commands open the database here: only the archive differs
      ProcessLogging.configure(home, false, false);
      train(home, commands);
    } finally {
      if (server != null) {
        server.getOutputStream().close(); // its cue to close the database and exit
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
      try (Stream<Path> files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(0);
  }

  /**
   * The installation's "standalone" for the training, in a JVM of its own (same JDK and classpath,
   * no archive flags): migrates the database, triggers the run the commands show, keeps it open — the training's commands then reach it
   * through the embedded database's server, as a command beside a running standalone does — says
   * {@code ready}, and closes it when its standard input ends.
   */
  private static void serve(Path home) throws IOException {
    ProcessLogging.configure(home, false, false);
    Environment env = environment(home);
    if (!prepare(home)) {
      System.exit(1);
    }
    try (Contrail open = Contrail.start(Role.CLI, env)) {
      System.out.println("ready");
      System.out.flush();
      System.in.transferTo(OutputStream.nullOutputStream());
    }
    System.exit(0);
  }

  /** Migrates the installation in {@code home} and triggers the run the training commands show. */
  static boolean prepare(Path home) {
    Environment env = environment(home);
    return Main.execute(env, nowhere(), nowhere(), "db", "migrate") == 0
        && Main.execute(env, nowhere(), nowhere(), "dags", "trigger", "example_etl", "--run-id", "training") == 0;
  }

  /** Starts {@link #serve} for {@code home} and waits until it holds the database; null if it could not. */
  private static Process startServer(Path home) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Training.class.getName(), "--serve",
        home.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    if (!"ready".equals(line)) {
      p.destroyForcibly();
      return null;
    }
    return p;
  }

  private static Environment environment(Path home) {
    return Environment.of(Map.of("CONTRAIL_HOME", home.toString(), "CONTRAIL__CORE__LOAD_EXAMPLES", "true"));
  }

  private static PrintWriter nowhere() {
    return new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
  }

  /** Runs training commands against the installation in {@code home}; returns those that did not exit 0. */
  static List<String> train(Path home, List<List<String>> commands) {
    Environment env = environment(home);
    PrintWriter nowhere = nowhere();
    List<String> failed = new ArrayList<>();
    for (List<String> command : commands) {
      if (Main.execute(env, nowhere, nowhere, command.toArray(String[]::new)) != 0) {
        failed.add(String.join(" ", command));
      }
    }
    return failed;
  }
}
