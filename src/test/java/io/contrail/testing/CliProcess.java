package io.contrail.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrail.cli.Main;
import io.contrail.config.Environment;
import io.contrail.storage.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The one way tests start the {@code contrail} CLI as real child processes, against one
 * CONTRAIL_HOME, the way a user would: same JVM binary and classpath as the test, a timeout, and
 * stdout and stderr captured to files (no pipe can fill up and stall a long-running scheduler).
 * Every OTEL_* and CONTRAIL* variable of the test's own environment is scrubbed, so only what a
 * test sets with {@link #env} reaches the child. {@link #call} runs a command in the test's JVM
 * instead, on the same environment: for the many commands (queries, polling) where a process of
 * their own adds nothing but a JVM start. {@link CliExtension} gives each test one.
 */
public final class CliProcess implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(40);

  private final Path home;
  private final Path outputs;
  private final Map<String, String> env = new HashMap<>();
  private final List<Background> started = new ArrayList<>();
  private final List<Long> strayPids = new ArrayList<>();
  private final AtomicInteger counter = new AtomicInteger();

  /** What one finished command printed and returned. */
  public record Result(List<String> args, int exitCode, String stdout, String stderr) {
    /** Everything the command printed, stdout then stderr. */
    public String out() {
      return stdout + stderr;
    }

    public JsonNode json() {
      try {
        return JSON.readTree(stdout);
      } catch (IOException e) {
        throw new AssertionError("not JSON from " + this, e);
      }
    }

    @Override
    public String toString() {
      return "contrail " + String.join(" ", args) + " -> exit " + exitCode + "\n--- stdout\n" + stdout
          + "--- stderr\n" + stderr;
    }
  }

  /** A command running in the background, such as {@code standalone}. */
  public final class Background {
    public final Process process;
    final Path stdout;
    final Path stderr;

    Background(Process process, Path stdout, Path stderr) {
      this.process = process;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    public long pid() {
      return process.pid();
    }

    public String stdout() {
      return read(stdout);
    }

    public String stderr() {
      return read(stderr);
    }

    /** Waits for the process to exit; null when it is still running after {@code timeout}. */
    public Integer waitFor(Duration timeout) throws InterruptedException {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** Waits until the process printed {@code text} (stdout or stderr), failing after 30 s or when it exits. */
    public void awaitOutput(String text) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!stdout().contains(text) && !stderr().contains(text)) {
        assertThat(process.isAlive()).as("%s", this).isTrue();
        assertThat(System.nanoTime()).as("'%s' printed within 30s by %s", text, this).isLessThan(deadline);
        sleep(Duration.ofMillis(100));
      }
    }

    @Override
    public String toString() {
      String alive = process.isAlive() ? "running" : "exited " + process.exitValue();
      return "background pid " + pid() + " (" + alive + ")\n--- stdout\n" + stdout() + "--- stderr\n" + stderr();
    }
  }

  public CliProcess(Path home) {
    this.home = home;
    this.outputs = home.resolve("cli-output");
    try {
      Files.createDirectories(outputs);
      Files.createDirectories(dagsFolder());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env.put("CONTRAIL__CORE__LOAD_EXAMPLES", "false");
    env.put("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "200");
    env.put("CONTRAIL__SCHEDULER__JOB_HEARTBEAT_MS", "200");
    env.put("CONTRAIL__SCHEDULER__DAG_DIR_LIST_INTERVAL_MS", "1000");
    // the child JVM's class-data archive is written on first use: here, not inside a test's time limit
    ChildJvm.command();
    // standalone serves the REST API: on a free port, so that tests never collide on 8080
    env.put("CONTRAIL__API__PORT", "0");
  }

  public Path home() {
    return home;
  }

  public Path dagsFolder() {
    return home.resolve("dags");
  }

  /**
   * The installation's embedded database, opened the way its processes open it (as the user
   * CONTRAIL with the password generated into the home), joining a running standalone's.
   */
  public Database database() {
    return Database.open("jdbc:h2:file:" + home.resolve("contrail"), "sa", "", 2, home);
  }

  /** Sets a CONTRAIL__SECTION__KEY override (or any variable) for the commands started from now on. */
  public CliProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Writes {@code dags/<name>.yaml}. */
  public Path dag(String name, String yaml) {
    Path file = dagsFolder().resolve(name + ".yaml");
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Runs a command to its end (failing the test after {@link #COMMAND_TIMEOUT}). */
  public Result run(String... args) {
    Background b = start(args);
    try {
      Integer code = b.waitFor(COMMAND_TIMEOUT);
      if (code == null) {
        kill(b.process.toHandle());
        fail("contrail %s did not finish within %s\n%s", String.join(" ", args), COMMAND_TIMEOUT, b);
      }
      return new Result(List.of(args), code, b.stdout(), b.stderr());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Runs a command in this JVM, through the same {@code Main.execute} as the process would, on the
   * same environment and CONTRAIL_HOME. Only for commands that neither run servers nor depend on
   * signals; while a server runs, it joins the server's embedded database like any other client.
   */
  public Result call(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(Environment.of(environment()), new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(List.of(args), code, out.toString(), err.toString());
  }

  /** {@link #call} a command that must exit 0. */
  public Result callOk(String... args) {
    Result r = call(args);
    assertThat(r.exitCode()).as("exit code of %s", r).isZero();
    return r;
  }

  /** {@link #call} a {@code --json} command that must exit 0 and parse its output. */
  public JsonNode callJson(String... args) {
    return callOk(args).json();
  }

  /** Runs a command that must exit 0 and returns what it printed. */
  public Result ok(String... args) {
    Result r = run(args);
    assertThat(r.exitCode()).as("exit code of %s", r).isZero();
    return r;
  }

  /** Runs a {@code --json} command that must exit 0 and parses its output. */
  public JsonNode json(String... args) {
    return ok(args).json();
  }

  /** {@code runs show DAG RUN --json}, in this JVM. */
  public JsonNode showRun(String dagId, String runId) {
    return callJson("runs", "show", dagId, runId, "--json");
  }

  /** Polls {@code runs show --json} until the run matches, failing after {@code timeout}. */
  public JsonNode awaitRun(String dagId, String runId, Duration timeout, Predicate<JsonNode> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Result last = null;
    while (System.nanoTime() < deadline) {
      last = call("runs", "show", dagId, runId, "--json");
      if (last.exitCode() == 0 && condition.test(last.json())) {
        return last.json();
      }
      sleep(Duration.ofMillis(300));
    }
    StringBuilder servers = new StringBuilder();
    for (Background b : started) {
      servers.append("\n=== ").append(b);
    }
    throw new AssertionError("run " + dagId + "/" + runId + " did not reach the expected state within "
        + timeout + "; last: " + last + "\nbackground commands:" + servers);
  }

  /** Starts a command in the background; {@link #close} kills it if the test did not stop it. */
  public Background start(String... args) {
    List<String> command = ChildJvm.command();
    command.add("io.contrail.cli.Main");
    command.addAll(List.of(args));
    int n = counter.incrementAndGet();
    String name = String.format("%03d-%s", n, args.length == 0 ? "help" : args[0]);
    Path out = outputs.resolve(name + ".out");
    Path err = outputs.resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(home.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(environment());
    try {
      Background b = new Background(pb.start(), out, err);
      started.add(b);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test's environment without OTEL_* and CONTRAIL* variables, plus CONTRAIL_HOME and {@link #env}. */
  private Map<String, String> environment() {
    Map<String, String> vars = new HashMap<>(System.getenv());
    vars.keySet().removeIf(k -> k.startsWith("CONTRAIL") || k.startsWith("OTEL_"));
    vars.put("CONTRAIL_HOME", home.toString());
    vars.putAll(env);
    return vars;
  }

  public static JsonNode task(JsonNode run, String taskId) {
    for (JsonNode ti : run.get("task_instances")) {
      if (ti.get("task_id").asText().equals(taskId)) {
        return ti;
      }
    }
    throw new AssertionError("no task instance " + taskId + " in " + run.toPrettyString());
  }

  public static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  public static long readPid(Path file) {
    try {
      return Long.parseLong(Files.readString(file).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until a task has written its pid to {@code file} (failing after {@code timeout}) and reads it. */
  public static long awaitPid(Path file, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!(Files.exists(file) && Files.size(file) > 0) && System.nanoTime() < deadline) {
        sleep(Duration.ofMillis(50));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(file).as("a pid written within %s", timeout).exists();
    return readPid(file);
  }

  public static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void kill(ProcessHandle handle) {
    handle.descendants().forEach(ProcessHandle::destroyForcibly);
    handle.destroyForcibly();
  }

  /** A task process the test knows of, killed by {@link #close} should the test fail before it is gone. */
  public void killOnClose(long pid) {
    strayPids.add(pid);
  }

  /** Kills every background command still running, with the task processes it started. */
  @Override
  public void close() {
    strayPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    for (Background b : started) {
      if (b.process.isAlive()) {
        kill(b.process.toHandle());
      }
    }
  }
}
