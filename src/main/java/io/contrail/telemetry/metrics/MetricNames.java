package io.contrail.telemetry.metrics;

/**
 * Makes any name acceptable to a backend without ever throwing: StatsD names keep only
 * {@code [A-Za-z0-9_.-]} and at most {@value #STATSD_MAX} characters; OpenTelemetry instrument
 * names start with a letter, keep {@code [A-Za-z0-9_./-]} and at most {@value #OTEL_MAX}
 * characters (the API's rule).
 */
final class MetricNames {
  static final int STATSD_MAX = 250;
  static final int OTEL_MAX = 255;
  /** DogStatsD tag values: the agent truncates at 200 characters, we keep a 250-char dag_id whole. */
  static final int TAG_MAX = 250;

  private MetricNames() {}

  static String prefixed(String prefix, String name) {
    return prefix == null || prefix.isEmpty() ? name : prefix + "." + name;
  }

  /** Odd characters replaced with '_'; null when it is longer than StatsD allows (dropped, counted). */
  static String statsd(String name) {
    String clean = replaceOdd(name, false);
    return clean.isEmpty() || clean.length() > STATSD_MAX ? null : clean;
  }

  /** Odd characters replaced with '_', a leading non-letter prefixed with 'm', cut at 255. */
  static String otel(String name) {
    String clean = replaceOdd(name, true);
    if (clean.isEmpty() || !isLetter(clean.charAt(0))) {
      clean = "m_" + clean;
    }
    return clean.length() > OTEL_MAX ? clean.substring(0, OTEL_MAX) : clean;
  }

  /** A DogStatsD tag key or value: no ',', '|', '#', ':' (in keys) or line breaks; cut at 250. */
  static String tag(String s, boolean key) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), TAG_MAX));
    for (int i = 0; i < s.length() && b.length() < TAG_MAX; i++) {
      char c = s.charAt(i);
      boolean bad = c == ',' || c == '|' || c == '#' || c == '@' || c < 0x20 || c == 0x7f
          || (key && c == ':') || Character.isWhitespace(c);
      b.append(bad ? '_' : c);
    }
    return b.toString();
  }

  private static String replaceOdd(String name, boolean slashOk) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = isLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'
          || (slashOk && c == '/');
      b.append(ok ? c : '_');
    }
    return b.toString();
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
