package io.contrail.run;

import java.util.Locale;

/** State of a DAG run: queued, running, then success or failed. */
public enum RunState {
  QUEUED, RUNNING, SUCCESS, FAILED;

  public boolean isFinished() {
    return this == SUCCESS || this == FAILED;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RunState parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
