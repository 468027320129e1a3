package io.contrail.executor;

import io.contrail.run.TaskInstanceKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Where each attempt's output lives: {@code logs/dag_id=D/run_id=R/task_id=T/attempt=N.log}, and
 * beside it {@code attempt=N.exit}, the exit status a shell task's wrapper records (see
 * {@link AttemptExit}). A
 * folder name over the file systems' 255-byte limit (a 250-character dag_id plus "dag_id=") is cut
 * and ends in a checksum of the whole name, so it stays unique and the same for every reader.
 */
public final class TaskLogs {
  private static final int MAX_NAME_BYTES = 255;

  private TaskLogs() {}

  /** The folder of every log of a DAG's runs. */
  public static Path dagFolder(Path logsRoot, String dagId) {
    return logsRoot.resolve(folder("dag_id=" + dagId));
  }

  /** The folder of every log of one run. */
  public static Path runFolder(Path logsRoot, io.contrail.run.RunKey run) {
    return dagFolder(logsRoot, run.dagId()).resolve(folder("run_id=" + run.runId()));
  }

  public static Path attemptLog(Path logsRoot, TaskInstanceKey key, int tryNumber) {
    return taskFolder(logsRoot, key).resolve("attempt=" + tryNumber + ".log");
  }

  /** The file where the wrapper of a shell task's try records how its command exited. */
  public static Path exitFile(Path logsRoot, TaskInstanceKey key, int tryNumber) {
    return taskFolder(logsRoot, key).resolve("attempt=" + tryNumber + ".exit");
  }

  private static Path taskFolder(Path logsRoot, TaskInstanceKey key) {
    return logsRoot.resolve(folder("dag_id=" + key.dagId()))
        .resolve(folder("run_id=" + key.runId()))
        .resolve(folder("task_id=" + key.taskId()));
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
    return runFolder.resolve(folder("task_id=" + taskId)).resolve("callback=" + kind + ".try=" + tryNumber + ".log");
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
