package io.contrail.telemetry;

import java.net.InetAddress;

/** This machine's host name, as recorded on task instances and in telemetry. */
public final class Hostnames {
  private static final String LOCAL = resolve();

  private Hostnames() {}

  public static String local() {
    return LOCAL;
  }

  private static String resolve() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }
}
