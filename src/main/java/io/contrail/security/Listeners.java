package io.contrail.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The listener policy: nothing Contrail serves listens beyond this machine unless configured, and a
 * listener without authentication may bind to a loopback address only. {@link #requireAuthBeyondLoopback}
 * is the rule for listeners that can authenticate (the REST API with {@code auth = none});
 * {@link #isLoopback} tells a bind address of this machine's own interfaces ({@code 127.0.0.1},
 * {@code ::1}, {@code localhost}) from one other machines can reach ({@code 0.0.0.0}, a LAN address).
 */
public final class Listeners {
  private Listeners() {}

  /** True when {@code host} names a loopback address only; a wildcard or unknown name is not. */
  public static boolean isLoopback(String host) {
    if (host == null || host.isBlank()) {
      return false; // an empty bind address means every interface
    }
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost")) {
      return true;
    }
    try {
      InetAddress[] all = InetAddress.getAllByName(h);
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Refuses a listener without authentication on an address beyond loopback; the caller (the
   * configuration's validation) reports the message with the setting's origin and stops start-up.
   *
   * @param listener what listens, for the message ("the REST API")
   * @param authenticated whether the listener asks for credentials
   * @throws IllegalArgumentException naming the listener, the address and what to do
   */
  public static void requireAuthBeyondLoopback(String listener, String host, boolean authenticated) {
    if (!authenticated && !isLoopback(host)) {
      throw new IllegalArgumentException(listener + " has no authentication, so it may listen on a loopback"
          + " address only (127.0.0.1, ::1, localhost), not on '" + host + "'; turn authentication on to serve"
          + " other machines, or keep it on loopback behind an authenticating reverse proxy (docs/security.md)");
    }
  }
}
