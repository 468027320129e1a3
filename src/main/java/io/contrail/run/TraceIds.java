package io.contrail.run;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;

/**
 * W3C trace context ids allocated when a run, task instance or attempt row is created and stored
 * with it, so that any process can later build the span with the same ids.
 */
public final class TraceIds {
  private static final Random RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private TraceIds() {}

  /** 32 lower-case hex characters, never all zero. */
  public static String newTraceId() {
    return randomHex(16);
  }

  /** 16 lower-case hex characters, never all zero. */
  public static String newSpanId() {
    return randomHex(8);
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    do {
      RANDOM.nextBytes(b);
    } while (allZero(b));
    return HEX.formatHex(b);
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
