package io.contrail.executor;

import io.contrail.run.Ids;
import io.contrail.run.TaskInstanceKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Where each attempt's output lives: {@code logs/dag_id=D/run_id=R/task_id=T/attempt=N.log}, always
 * inside the logs folder; a shell task's exit is recorded in its log ({@link AttemptExit}), the
 * wrappers of earlier versions wrote it beside the log to {@code attempt=N.exit}. A
 * folder name over the file systems' 255-byte limit (a 250-character dag_id plus "dag_id=") is cut
 * and ends in a checksum of the whole name, so it stays unique and the same for every reader.
 */
public final class TaskLogs {
  private static final int MAX_NAME_BYTES = 255;

  private TaskLogs() {}

  /** The folder of every log of a DAG's runs (checked as {@link #attemptLog} is). */
  public static Path dagFolder(Path logsRoot, String dagId) {
    return under(logsRoot, 1, folder("dag_id=" + Ids.dagId(dagId)));
  }

  /** The folder of every log of one run (checked as {@link #attemptLog} is). */
  public static Path runFolder(Path logsRoot, io.contrail.run.RunKey run) {
    return under(logsRoot, 2, folder("dag_id=" + Ids.dagId(run.dagId())), folder("run_id=" + Ids.runId(run.runId())));
  }

  /**
   * The log file of one try. Only ids {@link Ids} accepts make a path, and the path must still lie
   * under {@code logsRoot} once normalised; anything else (a run id {@code ../../x} stored before ids
   * were checked) is an IllegalArgumentException naming the id.
   */
  public static Path attemptLog(Path logsRoot, TaskInstanceKey key, int tryNumber) {
    return checked(logsRoot, key, "attempt=" + tryNumber + ".log");
  }

  /**
   * Deletes a folder of logs and everything in it, if it exists: files as the walk meets them and
   * each folder once it is empty, so a run of 100,000 tasks costs one pass and no sort of its paths.
   */
  public static void deleteTree(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try {
      Files.walkFileTree(folder, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException failed) throws IOException {
          if (failed instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE; // deleted meanwhile by another process: gone either way
          }
          throw failed;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException failed) throws IOException {
          if (failed != null && !(failed instanceof NoSuchFileException)) {
            throw failed;
          }
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + folder + ": " + e.getMessage(), e);
    }
  }

  /**
   * The file where the wrapper of a shell task's try recorded how its command exited before
   * versions of 2026-12-06, which record it in the log: read only to recover such a try.
   */
  public static Path exitFile(Path logsRoot, TaskInstanceKey key, int tryNumber) {
    return checked(logsRoot, key, "attempt=" + tryNumber + ".exit");
  }

  private static Path checked(Path logsRoot, TaskInstanceKey key, String fileName) {
    return under(logsRoot, 4, folder("dag_id=" + Ids.dagId(key.dagId())), folder("run_id=" + Ids.runId(key.runId())),
        folder("task_id=" + Ids.taskId(key.taskId())), fileName);
  }

  private static Path under(Path logsRoot, int depth, String... names) {
    Path root = logsRoot.toAbsolutePath().normalize();
    Path file = root;
    for (String name : names) {
      file = file.resolve(name);
    }
    file = file.normalize();
    if (!file.startsWith(root) || file.getNameCount() != root.getNameCount() + depth) {
      throw new IllegalArgumentException("a log path for " + String.join("/", names) + " would be " + file
          + ", outside " + root);
    }
    return file;
  }

  /**
   * The log of one callback: {@code .../task_id=T/callback=on_failure.try=N.log} for a task's,
   * {@code logs/dag_id=D/run_id=R/callback=on_success.log} for the run's own.
   */
  public static Path callbackLog(Path logsRoot, io.contrail.run.RunKey run, String taskId, String kind, int tryNumber) {
    Path runFolder = runFolder(logsRoot, run);
    if (taskId == null) {
      return runFolder.resolve("callback=" + kind + ".log");
    }
    return runFolder.resolve(folder("task_id=" + Ids.taskId(taskId))).resolve("callback=" + kind + ".try=" + tryNumber + ".log");
  }

  static String folder(String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_NAME_BYTES) {
      return name;
    }
    CRC32 crc = new CRC32();
    crc.update(bytes);
    String suffix = "~" + HexFormat.of().toHexDigits((int) crc.getValue());
    StringBuilder cut = new StringBuilder();
    int used = 0;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (used + len > MAX_NAME_BYTES - suffix.length()) {
        break;
      }
      cut.appendCodePoint(cp);
      used += len;
      i += Character.charCount(cp);
    }
    return cut + suffix;
  }
}
