package io.contrail.cli;

import io.contrail.config.Environment;
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
import java.util.stream.Stream;

/**
 * The training run of the launcher's class-data archive (the JDK's AOT cache from JDK 25, a
 * dynamic CDS archive before): the short commands users type most, run once in one JVM against a
 * throwaway installation with the bundled example DAGs, so that the archive written when this JVM
 * exits holds the classes those commands load, parsed and linked. A command started with that
 * archive skips most of its class loading. Nothing here is printed; the throwaway home is deleted.
 */
public final class Training {
  private static final List<List<String>> COMMANDS = List.of(
      List.of("db", "migrate"),
      List.of("dags", "list"),
      List.of("dags", "list", "--json"),
      List.of("dags", "show", "example_etl"),
      List.of("dags", "trigger", "example_etl", "--run-id", "training"),
      List.of("dags", "trigger", "example_etl", "--run-id", "training-json", "--json"),
      List.of("runs", "list"),
      List.of("runs", "list", "--json"),
      List.of("runs", "show", "example_etl", "training"),
      List.of("tasks", "--help"),
      List.of("pools", "list"),
      List.of("workers", "list"),
      List.of("dags", "list-import-errors"),
      List.of("--help"),
      List.of("dags", "--help"));

  private Training() {}

  public static void main(String[] args) throws IOException {
    Path home = Files.createTempDirectory("contrail-training-");
    try {
      ProcessLogging.configure(home, false, false);
      train(home);
    } finally {
      try (Stream<Path> files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(0);
  }

  /** Runs the training commands against an installation in {@code home}; returns those that did not exit 0. */
  static List<String> train(Path home) {
    Environment env = Environment.of(Map.of("CONTRAIL_HOME", home.toString(), "CONTRAIL__CORE__LOAD_EXAMPLES", "true"));
    PrintWriter nowhere = new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    List<String> failed = new ArrayList<>();
    for (List<String> command : COMMANDS) {
      if (Main.execute(env, nowhere, nowhere, command.toArray(String[]::new)) != 0) {
        failed.add(String.join(" ", command));
      }
    }
    return failed;
  }
}
