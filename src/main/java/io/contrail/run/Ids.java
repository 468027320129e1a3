package io.contrail.run;

/**
 * The one check of the identifiers users choose, for every way in (YAML, the Java DAG API, the CLI,
 * later the REST API): a dag_id or task_id is 1-{@value #MAX_LENGTH} characters of {@code A-Z a-z
 * 0-9 _ . -} (as Airflow's, and what metric names carry), a run_id also allows {@code :} and
 * {@code +} (generated ids are ISO-8601 instants, {@code manual__2026-01-01T00:00:00.000000Z},
 * {@code +10000-01-01T00:00:00Z}). No id is only dots. So an id can never name another folder when
 * it becomes part of a log path, a URL or a metric name. The error names the first bad character
 * and where it is.
 */
public final class Ids {
  public static final int MAX_LENGTH = 250;
  static final String ID_CHARS = "A-Z a-z 0-9 _ . -";
  static final String RUN_ID_CHARS = "A-Z a-z 0-9 _ . : + -";

  private Ids() {}

  /** An id a user chose that is not one of these: bad input, whichever way it came in. */
  public static final class InvalidIdException extends IllegalArgumentException {
    InvalidIdException(String message) {
      super(message);
    }
  }

  /** {@code dagId}, or an IllegalArgumentException naming what is wrong with it. */
  public static String dagId(String dagId) {
    return check("dag_id", dagId, false);
  }

  public static String taskId(String taskId) {
    return check("task_id", taskId, false);
  }

  public static String runId(String runId) {
    return check("run_id", runId, true);
  }

  private static String check(String kind, String id, boolean runId) {
    String allowed = runId ? RUN_ID_CHARS : ID_CHARS;
    if (id == null || id.isEmpty()) {
      throw new InvalidIdException(kind + " must not be empty: it is 1-" + MAX_LENGTH + " characters of " + allowed);
    }
    if (id.length() > MAX_LENGTH) {
      throw new InvalidIdException(kind + " '" + shown(id.substring(0, 40)) + "...' is " + id.length()
          + " characters long; at most " + MAX_LENGTH + " are allowed");
    }
    boolean onlyDots = true;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!allowed(c, runId)) {
        throw new InvalidIdException(kind + " '" + shown(id) + "' has " + describe(c) + " at position "
            + (i + 1) + ": only " + allowed + " are allowed");
      }
      onlyDots &= c == '.';
    }
    if (onlyDots) {
      throw new InvalidIdException(kind + " '" + id + "' is only dots: it would name a folder, not a " + kind);
    }
    return id;
  }

  private static boolean allowed(char c, boolean runId) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '_' || c == '.' || c == '-' || (runId && (c == ':' || c == '+'));
  }

  private static String describe(char c) {
    if (c == ' ') {
      return "a space";
    }
    if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
      return String.format("the character U+%04X", (int) c);
    }
    return "'" + c + "'";
  }

  /** The id as it can be printed: control characters (a newline in a CLI argument) as '?'. */
  private static String shown(String id) {
    StringBuilder b = new StringBuilder(id.length());
    id.codePoints().forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
    return b.toString();
  }
}
