package io.contrail.run;

import java.util.Locale;

/** How a run came to be; the prefix of its generated run id. */
public enum RunType {
  MANUAL, SCHEDULED, BACKFILL;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RunType parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
