package io.contrail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher gives the server roles the JVM settings of scripts/server-jvm.options — the same
 * list the benchmarks give their scheduler and worker processes — and CONTRAIL_JAVA_OPTS after
 * them. The launcher runs from a copy of the repository's launcher files whose jar is up to date,
 * so nothing is built: once with the real JDK (the JVM reports the heap and collector it took),
 * and with a stand-in {@code java} that prints its arguments and environment.
 */
class LauncherServerJvmTest {
  private static final Path OPTIONS = Path.of(ServerJvmOptions.FILE);

  @TempDir Path root;

  @Test
  void aSchedulerStartsWithTheBoundedHeapAndCollectorOfTheOptionsFile() throws Exception {
    copyLauncher();
    ServerJvmOptions file = ServerJvmOptions.read(OPTIONS, "", "scheduler");
    String out = launch(System.getProperty("java.home"), "-XX:+PrintCommandLineFlags", "scheduler");

    assertThat(out).contains("-XX:MaxHeapSize=" + bytes(option(file, "-Xmx")) + " ");
    assertThat(out).contains(option(file, "-XX:+Use") + " ");
    assertThat(out).doesNotContain("Multiple garbage collectors");
  }

  @Test
  void contrailJavaOptsWinsOverTheFileAndMayChooseAnotherCollector() throws Exception {
    copyLauncher();
    String out = launch(System.getProperty("java.home"), "-XX:+PrintCommandLineFlags -Xmx300m -XX:+UseG1GC",
        "worker");

    assertThat(out).contains("-XX:MaxHeapSize=314572800 ").contains("-XX:+UseG1GC ");
    assertThat(out).doesNotContain("Multiple garbage collectors");
  }

  @Test
  void everyServerRoleGetsTheFilesOptionsAndEnvironmentButCliCommandsDoNot() throws Exception {
    copyLauncher();
    Path fakeJdk = fakeJdk();
    for (String role : List.of("standalone", "scheduler", "api-server", "worker", "bench")) {
      ServerJvmOptions expected = ServerJvmOptions.read(OPTIONS, "-Xss1m", role);
      String out = launch(fakeJdk.toString(), "-Xss1m", role);
      List<String> args = List.of(out.lines().filter(l -> l.startsWith("args: ")).findFirst().orElseThrow()
          .substring("args: ".length()).split(" "));
      assertThat(args).as(role).containsSubsequence(expected.jvmOptions());
      assertThat(args.indexOf("-Xss1m")).as(role + ": CONTRAIL_JAVA_OPTS after the file's -Xss")
          .isGreaterThan(args.lastIndexOf(option(ServerJvmOptions.read(OPTIONS, "", role), "-Xss")));
      expected.environment().forEach((k, v) -> assertThat(out).as(role).contains("env: " + k + "=" + v));
    }
    String cli = launch(fakeJdk.toString(), "", "dags");
    assertThat(cli).doesNotContain(option(ServerJvmOptions.read(OPTIONS, "", "standalone"), "-Xmx"));
  }

  @Test
  void theKubernetesImagesEntrypointStartsEveryCommandWithTheSameSettings() throws Exception {
    // the image runs deploy/kubernetes/contrail-entrypoint.sh from /opt/contrail, beside a copy of
    // the options file, the jar and its libraries (the Dockerfile): that layout, with this build
    String dockerfile = Files.readString(Path.of("deploy/kubernetes/Dockerfile"));
    assertThat(dockerfile).contains("COPY scripts/server-jvm.options /opt/contrail/server-jvm.options")
        .contains("COPY deploy/kubernetes/contrail-entrypoint.sh /opt/contrail/contrail-entrypoint.sh")
        .contains("ENTRYPOINT [\"/opt/contrail/contrail-entrypoint.sh\"]");
    Path image = imageLayout();
    ServerJvmOptions file = ServerJvmOptions.read(OPTIONS, "", "dags");

    String out = entrypoint(image, "-XX:+PrintCommandLineFlags", "--version");
    assertThat(out).contains("-XX:MaxHeapSize=" + bytes(option(file, "-Xmx")) + " ")
        .contains(option(file, "-XX:+Use") + " ").containsPattern("(?m)^contrail \\S+");
    // a role's own line: the worker's heap, not the one for all
    String worker = entrypoint(image, "-XX:+PrintCommandLineFlags", "worker", "--help");
    assertThat(worker).contains("-XX:MaxHeapSize="
        + bytes(option(ServerJvmOptions.read(OPTIONS, "", "worker"), "-Xmx")) + " ");

    String chosen = entrypoint(image, "-XX:+PrintCommandLineFlags -Xmx300m -XX:+UseG1GC", "--version");
    assertThat(chosen).contains("-XX:MaxHeapSize=314572800 ").contains("-XX:+UseG1GC ")
        .doesNotContain("Multiple garbage collectors");
  }

  /** /opt/contrail as the image has it: the entrypoint, the options, the classes as contrail.jar, lib/. */
  private Path imageLayout() throws IOException {
    Path image = root.resolve("opt-contrail");
    Files.createDirectories(image.resolve("lib"));
    Files.copy(Path.of("deploy/kubernetes/contrail-entrypoint.sh"), image.resolve("contrail-entrypoint.sh"));
    Files.copy(OPTIONS, image.resolve("server-jvm.options"));
    Files.createSymbolicLink(image.resolve("contrail.jar"), Path.of("target/classes").toAbsolutePath());
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path jar = Path.of(entry);
      if (entry.endsWith(".jar") && !Files.exists(image.resolve("lib").resolve(jar.getFileName()))) {
        Files.createSymbolicLink(image.resolve("lib").resolve(jar.getFileName()), jar.toAbsolutePath());
      }
    }
    return image;
  }

  private String entrypoint(Path image, String javaOpts, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("sh", image.resolve("contrail-entrypoint.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("CONTRAIL") || k.equals("MALLOC_ARENA_MAX"));
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator + env.get("PATH"));
    env.put("CONTRAIL_JAVA_OPTS", javaOpts);
    env.put("CONTRAIL_HOME", root.resolve("home").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** The option the JVM takes: the last one with this prefix. */
  private static String option(ServerJvmOptions o, String prefix) {
    return o.jvmOptions().stream().filter(s -> s.startsWith(prefix)).reduce((first, second) -> second)
        .orElseThrow(() -> new AssertionError(OPTIONS + " has no " + prefix + " option"));
  }

  private static long bytes(String xmx) {
    String v = xmx.substring("-Xmx".length()).toLowerCase(java.util.Locale.ROOT);
    long unit = switch (v.charAt(v.length() - 1)) {
      case 'k' -> 1024L;
      case 'm' -> 1024L * 1024;
      case 'g' -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    return Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1)) * unit;
  }

  /** The launcher, its scripts and an empty jar newer than (absent) sources: the launcher builds nothing. */
  private void copyLauncher() throws IOException {
    Files.createDirectories(root.resolve("scripts"));
    Files.createDirectories(root.resolve("target"));
    Files.copy(Path.of("contrail"), root.resolve("contrail"));
    Files.copy(Path.of("scripts/jdk.sh"), root.resolve("scripts/jdk.sh"));
    Files.copy(OPTIONS, root.resolve(ServerJvmOptions.FILE));
    Files.createFile(root.resolve("target/contrail.jar"));
  }

  /** A JAVA_HOME whose java prints its arguments and MALLOC_ARENA_MAX instead of starting a JVM. */
  private Path fakeJdk() throws IOException {
    Path jdk = root.resolve("fake-jdk");
    Files.createDirectories(jdk.resolve("bin"));
    Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"17.0.1\"\n");
    Files.writeString(jdk.resolve("bin/javac"), "#!/bin/sh\n");
    Files.writeString(jdk.resolve("bin/java"), "#!/bin/sh\necho \"args: $*\"\nenv | sed 's/^/env: /'\n");
    for (String tool : List.of("javac", "java")) {
      Files.setPosixFilePermissions(jdk.resolve("bin").resolve(tool), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return jdk;
  }

  private String launch(String javaHome, String javaOpts, String role) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("contrail").toString(), role));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("CONTRAIL") || k.equals("MALLOC_ARENA_MAX"));
    env.put("JAVA_HOME", javaHome);
    env.put("CONTRAIL_JAVA_OPTS", javaOpts);
    env.put("CONTRAIL_HOME", root.resolve("home").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
