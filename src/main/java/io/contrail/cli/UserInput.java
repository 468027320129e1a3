package io.contrail.cli;

import java.util.function.Supplier;

/**
 * Marks the calls whose {@link IllegalArgumentException} is about what the user typed (a run conf
 * that is not JSON, a run id that is taken, a backfill range without slots): those become one line
 * and exit code 2. Anywhere else the same exception is a bug and exits as an internal error.
 */
final class UserInput {
  private UserInput() {}

  static <T> T check(Supplier<T> call) {
    try {
      return call.get();
    } catch (IllegalArgumentException e) {
      throw new Main.UserError(e.getMessage(), e);
    }
  }

  /** {@code value} of {@code option} must be at least {@code min}. */
  static int atLeast(String option, int value, int min) {
    if (value < min) {
      throw new Main.UserError(option + " must be at least " + min + ", not " + value);
    }
    return value;
  }
}
