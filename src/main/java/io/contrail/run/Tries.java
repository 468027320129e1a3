package io.contrail.run;

/**
 * How many tries of a task instance have started ({@code number}), how many it may have
 * ({@code max}), and how often a graceful stop has handed a running try back ({@code handbacks}),
 * which [scheduler] max_handbacks bounds.
 */
public record Tries(int number, int max, int handbacks) {
  public Tries(int number, int max) {
    this(number, max, 0);
  }

  /** Tries remain after the current one. */
  public boolean remaining() {
    return number < max;
  }
}
