package io.contrail.logserver;

import io.contrail.executor.TaskLogs;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.storage.LogServerDirectory;
import io.contrail.storage.RunStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The log of one try for {@code tasks logs}, the REST API and the web UI: from this machine's
 * {@code [logs] base_log_folder} when the file is there, else from the log server of the worker
 * that ran the try (found by the try's hostname, the owning job first for the current try). When
 * that server cannot be reached the answer says which host:port and why, with what is known.
 */
public final class AttemptLogReader {
  /** Where a log came from; NO_LOG: the task writes none (a noop task), the text says so. */
  public enum Origin { LOCAL, WORKER, NONE, NO_LOG }

  /** What is shown for a try of a task that writes no log. */
  public static final String NO_LOG_TEXT = "*** A noop task runs no code and writes no log.\n";

  /**
   * What was read.
   *
   * @param bytes the log, or its last bytes when a tail was asked for
   * @param size the whole file's size in bytes
   * @param source the local path, or the log server's {@code host:port} and the file there
   * @param server the log server asked, or null when none was
   * @param problem why the log could not be read (null when it could, or when there is none yet)
   * @param hostname the host the try ran on, when recorded
   */
  public record AttemptLog(Origin origin, byte[] bytes, long size, String source, String server, String problem,
      String hostname) {
    /** Whether the log was looked for at a worker's log server (found there or not). */
    public boolean remote() {
      return server != null;
    }

    public String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Bytes of the file not in {@link #bytes} (left out of a tail). */
    public long skipped() {
      return Math.max(0, size - bytes.length);
    }
  }

  private final Path logsRoot;
  private final RunStore runs;
  private final LogServerDirectory servers;
  private final Supplier<LogServerClient> client;

  /** @param client made when first needed (it reads the shared secret) */
  public AttemptLogReader(Path logsRoot, RunStore runs, LogServerDirectory servers, Supplier<LogServerClient> client) {
    this.logsRoot = logsRoot.toAbsolutePath().normalize();
    this.runs = runs;
    this.servers = servers;
    this.client = client;
  }

  /** A reader for processes with {@code config}; the shared secret is read when a worker is asked first. */
  public static AttemptLogReader of(io.contrail.config.ContrailConfig config, RunStore runs, LogServerDirectory servers) {
    LogServerClient[] made = new LogServerClient[1];
    return new AttemptLogReader(config.logs().baseLogFolder(), runs, servers, () -> {
      synchronized (made) { // one client (one connection pool) per reader
        if (made[0] == null) {
          made[0] = new LogServerClient(LogTokens.of(config, java.time.Clock.systemUTC()));
        }
        return made[0];
      }
    });
  }

  /** The path this machine would keep the try's log at (checked ids, under the logs folder). */
  public Path localPath(TaskInstance ti, int tryNumber) {
    return TaskLogs.attemptLog(logsRoot, ti.key(), tryNumber).toAbsolutePath().normalize();
  }

  /** Try {@code tryNumber} of {@code ti}'s log; its last {@code tail} bytes when {@code tail > 0}. */
  public AttemptLog read(TaskInstance ti, int tryNumber, long tail) throws IOException {
    Path file = localPath(ti, tryNumber);
    String relative = logsRoot.relativize(file).toString().replace('\\', '/');
    Optional<AttemptLog> local = readLocal(file, tail);
    if (local.isPresent()) {
      return local.get();
    }
    if (ti.profile().writesNoLog()) {
      byte[] text = NO_LOG_TEXT.getBytes(StandardCharsets.UTF_8);
      return new AttemptLog(Origin.NO_LOG, text, text.length, "none (noop task)", null, null, null);
    }
    boolean current = tryNumber == ti.tryNumber();
    String hostname = runs.attempt(ti.key(), tryNumber).map(TaskAttempt::placement).map(p -> p.hostname())
        .orElse(current ? ti.lease().hostname() : null);
    if (hostname == null) {
      return none(file.toString(), null, null, null);
    }
    Optional<LogServerDirectory.Address> server = servers.find(hostname, current ? ti.lease().jobId() : null);
    if (server.isEmpty()) {
      return none(file.toString(), null, null, hostname);
    }
    String address = server.get().toString();
    String source = address + " " + relative;
    try {
      return client.get().fetch(server.get(), relative, tail)
          .map(f -> new AttemptLog(Origin.WORKER, f.bytes(), f.size(), source, address, null, hostname))
          .orElseGet(() -> none(source, address, null, hostname));
    } catch (LogServerClient.Unreachable e) {
      return none(source, address, e.getMessage(), hostname);
    }
  }

  private static AttemptLog none(String source, String server, String problem, String hostname) {
    return new AttemptLog(Origin.NONE, new byte[0], 0, source, server, problem, hostname);
  }

  /** The local file, never anything outside the logs folder (symbolic links followed). */
  private Optional<AttemptLog> readLocal(Path file, long tail) throws IOException {
    if (!file.startsWith(logsRoot)) {
      return Optional.empty();
    }
    try {
      Path real = file.toRealPath();
      if (!real.startsWith(logsRoot.toRealPath()) || !Files.isRegularFile(real)) {
        return Optional.empty();
      }
      try (InputStream in = Files.newInputStream(real)) {
        long size = Files.size(real);
        if (tail > 0 && size > tail) {
          in.skipNBytes(size - tail);
        }
        return Optional.of(new AttemptLog(Origin.LOCAL, in.readAllBytes(), size, file.toString(), null, null, null));
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
