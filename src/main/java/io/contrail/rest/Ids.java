package io.contrail.rest;

import java.util.regex.Pattern;

/**
 * Checks every id taken from a request path before it reaches a store or a file name: dag and task
 * ids and run ids by the one check every entry point uses ({@link io.contrail.run.Ids}), pool
 * names. An id that cannot exist is answered like one that
 * does not: 404. {@code ..}, {@code /}, {@code \}, NUL and their encodings never get through.
 */
public final class Ids {
  private static final Pattern POOL = Pattern.compile("[A-Za-z0-9_.:+-]{1,250}");

  private Ids() {}

  public static boolean isDagId(String id) {
    return valid(() -> io.contrail.run.Ids.dagId(id));
  }

  public static boolean isTaskId(String id) {
    return valid(() -> io.contrail.run.Ids.taskId(id));
  }

  public static boolean isRunId(String id) {
    return valid(() -> io.contrail.run.Ids.runId(id));
  }

  private static boolean valid(Runnable check) {
    try {
      check.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static boolean isPoolName(String name) {
    return name != null && POOL.matcher(name).matches() && !dotsOnly(name);
  }

  private static boolean dotsOnly(String id) {
    return id.chars().allMatch(c -> c == '.');
  }

  /** The id as it may appear in a message: control characters escaped, cut at 260 characters. */
  public static String printable(String id) {
    StringBuilder b = new StringBuilder();
    id.codePoints().limit(260).forEach(c -> {
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }
}
