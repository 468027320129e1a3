package io.contrail.run;

/** How many tries of a task instance have started ({@code number}) and how many it may have ({@code max}). */
public record Tries(int number, int max) {
  /** Tries remain after the current one. */
  public boolean remaining() {
    return number < max;
  }
}
