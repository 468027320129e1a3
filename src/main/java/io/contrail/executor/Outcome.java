package io.contrail.executor;

/** How one attempt ended: success, or failure with an exit code and/or a reason. */
record Outcome(boolean success, Integer exitCode, String error, Throwable exception) {
  public static Outcome ok(Integer exitCode) {
    return new Outcome(true, exitCode, null, null);
  }

  public static Outcome failed(Integer exitCode, String error) {
    return new Outcome(false, exitCode, error, null);
  }

  public static Outcome failed(Throwable t) {
    return new Outcome(false, null, t.getClass().getName() + ": " + t.getMessage(), t);
  }
}
