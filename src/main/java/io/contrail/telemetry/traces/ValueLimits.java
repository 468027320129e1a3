package io.contrail.telemetry.traces;

/**
 * Keeps huge values out of telemetry: a span attribute, event attribute or log record body longer
 * than 4 KiB is cut (secrets are masked before, by the process's masker).
 */
final class ValueLimits {
  static final int MAX_VALUE_CHARS = 4096;

  private ValueLimits() {}

  static String truncate(String value) {
    if (value == null || value.length() <= MAX_VALUE_CHARS) {
      return value;
    }
    return value.substring(0, MAX_VALUE_CHARS - 14) + "...(truncated)";
  }
}
