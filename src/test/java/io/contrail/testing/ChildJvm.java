package io.contrail.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * How tests start a {@code contrail} JVM: the test's own java binary, the main classes and
 * dependencies only, and the options of {@code ./contrail} for short commands — C1 only, the
 * serial collector and a class-data archive (written once per test JVM, used by every child).
 * Class-data archives take jars only, so the main classes directory is packed into a jar once per
 * test JVM (the test classes are not needed by a child).
 */
final class ChildJvm {
  private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
  private static List<String> prefix;

  private ChildJvm() {}

  /** {@code java <options> -cp <classpath>}, ready for the main class and its arguments. */
  static synchronized List<String> command() {
    if (prefix == null) {
      prefix = build();
    }
    return new ArrayList<>(prefix);
  }

  private static List<String> build() {
    List<String> jars = new ArrayList<>();
    Path classes = null;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (Files.isDirectory(p)) {
        if (p.getFileName().toString().equals("classes")) {
          classes = p;
        }
      } else if (entry.endsWith(".jar") && !entry.contains("surefire")) {
        jars.add(entry);
      }
    }
    List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
    if (classes == null) {
      command.addAll(List.of("-cp", System.getProperty("java.class.path")));
      return command;
    }
    Path dir = classes.getParent().resolve("cli-test-jvm");
    removeLeftovers(dir);
    Path jar = dir.resolve("contrail-classes-" + ProcessHandle.current().pid() + ".jar");
    pack(classes, jar);
    jars.add(0, jar.toString());
    String classpath = String.join(File.pathSeparator, jars);
    Path archive = dir.resolve("contrail-" + ProcessHandle.current().pid() + ".jsa");
    if (archive(command, classpath, archive)) {
      command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
    }
    command.addAll(List.of("-cp", classpath));
    return command;
  }

  /**
   * Writes the class-data archive before any test's child starts: one {@code dags list} on a
   * throw-away home loads what every command needs (picocli, H2, Flyway, Jackson, the DAG parser).
   * Done here, once, rather than by the first child at its exit ({@code AutoCreateSharedArchive}),
   * because that dump makes the first command of a test JVM seconds slower, inside some test's
   * time limit. Without an archive (it failed, an old JDK) children simply start without one.
   */
  private static boolean archive(List<String> options, String classpath, Path archive) {
    Path home = null;
    try {
      home = Files.createTempDirectory("contrail-cds-");
      List<String> command = new ArrayList<>(options);
      command.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
          "-cp", classpath, "io.contrail.cli.Main", "dags", "list"));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().keySet().removeIf(k -> k.startsWith("CONTRAIL") || k.startsWith("OTEL_"));
      pb.environment().put("CONTRAIL_HOME", home.toString());
      Process p = pb.start();
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return false;
      }
      archive.toFile().deleteOnExit();
      return p.exitValue() == 0 && Files.size(archive) > 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      if (home != null) {
        try (Stream<Path> files = Files.walk(home)) {
          files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
          // a temporary folder left behind
        }
      }
    }
  }

  /** Jars and archives of test JVMs that are gone (killed before they could delete their own). */
  private static void removeLeftovers(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> {
        String name = f.getFileName().toString().replaceAll("\\D", "");
        boolean alive = !name.isEmpty() && ProcessHandle.of(Long.parseLong(name)).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
          f.toFile().delete();
        }
      });
    } catch (IOException | RuntimeException e) {
      // leftovers only cost disk space
    }
  }

  private static void pack(Path classes, Path jar) {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try {
      Files.createDirectories(jar.getParent());
      try (OutputStream file = Files.newOutputStream(jar);
           JarOutputStream out = new JarOutputStream(file, manifest);
           Stream<Path> all = Files.walk(classes)) {
        for (Path p : (Iterable<Path>) all.filter(p -> !p.equals(classes)).sorted()::iterator) {
          String name = classes.relativize(p).toString().replace(File.separatorChar, '/');
          // directory entries too: without them a class loader finds no "db/migration" folder,
          // and Flyway, scanning for it, would find no migrations
          if (Files.isDirectory(p)) {
            out.putNextEntry(new JarEntry(name + "/"));
          } else {
            out.putNextEntry(new JarEntry(name));
            Files.copy(p, out);
          }
          out.closeEntry();
        }
      }
      jar.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pack " + classes + " into " + jar, e);
    }
  }
}
