package io.contrail.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The ways a raw contrail.cfg value becomes a typed one; each failure is a {@link ConfigException}
 * naming the value's origin (file line or variable), section, key and reason.
 */
enum Parser {
  /** Chosen from the component's type: boolean, int (positive), long (milliseconds), Path, List of regexes, String. */
  BY_TYPE,
  TEXT,
  BOOLEAN,
  POSITIVE_INT,
  MILLIS,
  PORT,
  /** A port to listen on: 1-65535, or 0 for any free one (tests). */
  LISTEN_PORT,
  ONE_OF,
  PATH,
  JDBC_URL,
  PATTERNS,
  /** Comma-separated names, lower-cased, blanks dropped. */
  NAMES,
  /** A bind address: a host name or an IP address, no port. */
  HOST,
  /** An ISO date (midnight UTC) or instant; empty is none (null). */
  OPTIONAL_INSTANT,
  /** A port number; empty is none (null). */
  OPTIONAL_PORT,
  /** A port to listen on, or 0 for none (the listener is off). */
  PORT_OR_OFF;

  /** The parser a key declared with {@code declared} uses for a component of {@code type}. */
  static Parser resolve(Parser declared, Class<?> type, String[] oneOf) {
    if (declared != BY_TYPE) {
      return declared;
    }
    if (oneOf.length > 0) {
      return ONE_OF;
    }
    if (type == boolean.class) {
      return BOOLEAN;
    }
    if (type == int.class) {
      return POSITIVE_INT;
    }
    if (type == long.class) {
      return MILLIS;
    }
    if (type == Path.class) {
      return PATH;
    }
    if (type == List.class) {
      return PATTERNS;
    }
    if (type == String.class) {
      return TEXT;
    }
    if (type == java.time.Instant.class) {
      return OPTIONAL_INSTANT;
    }
    throw new IllegalStateException("no parser for a config value of type " + type);
  }

  Object parse(Settings.Setting s, Path home, String[] oneOf) {
    String value = s.value();
    return switch (this) {
      case BY_TYPE -> throw new IllegalStateException("unresolved parser for " + s.key());
      case TEXT -> value;
      case BOOLEAN -> switch (value.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1" -> true;
        case "false", "no", "0" -> false;
        default -> throw s.invalid("not a boolean (true/false/yes/no/1/0)");
      };
      case POSITIVE_INT -> (int) range(s, 1, Integer.MAX_VALUE, "must be a positive integer");
      case MILLIS -> range(s, 1, Long.MAX_VALUE, "must be a positive number of milliseconds");
      case PORT -> (int) range(s, 1, 65535, "not a port number (1-65535)");
      case LISTEN_PORT -> (int) range(s, 0, 65535, "not a port number (1-65535, or 0 for any free port)");
      case ONE_OF -> oneOf(s, oneOf);
      case PATH -> path(s, home);
      case JDBC_URL -> jdbcUrl(s);
      case PATTERNS -> patterns(s);
      case NAMES -> names(s);
      case HOST -> host(s);
      case OPTIONAL_INSTANT -> instant(s);
      case PORT_OR_OFF -> (int) range(s, 0, 65535, "not a port number (1-65535, or 0 for off)");
      case OPTIONAL_PORT -> s.value().isBlank() ? null : (Integer) (int) range(s, 1, 65535, "not a port number (1-65535)");
    };
  }

  private static long range(Settings.Setting s, long min, long max, String reason) {
    long n;
    try {
      n = Long.parseLong(s.value().strip());
    } catch (NumberFormatException e) {
      throw s.invalid(reason);
    }
    if (n < min || n > max) {
      throw s.invalid(reason);
    }
    return n;
  }

  private static String oneOf(Settings.Setting s, String[] allowed) {
    String value = s.value().toLowerCase(Locale.ROOT);
    if (!Arrays.asList(allowed).contains(value)) {
      throw s.invalid("must be one of " + String.join(", ", Arrays.stream(allowed).sorted().toList()));
    }
    return value;
  }

  /** Expands a leading ~ to user.home; a relative path is taken relative to CONTRAIL_HOME. */
  private static Path path(Settings.Setting s, Path home) {
    if (s.value().isBlank()) {
      throw s.invalid("must be a path");
    }
    return home.resolve(expandTilde(s.value())).normalize();
  }

  static String expandTilde(String value) {
    if (value.equals("~") || value.startsWith("~/")) {
      return System.getProperty("user.home") + value.substring(1);
    }
    return value;
  }

  private static String jdbcUrl(Settings.Setting s) {
    String url = s.value();
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw s.invalid("must start with jdbc:h2: or jdbc:postgresql:");
    }
    // H2 would expand ~ itself; doing it here makes the logged URL show the real file.
    String fileUrl = "jdbc:h2:file:";
    if (url.startsWith(fileUrl)) {
      return fileUrl + expandTilde(url.substring(fileUrl.length()));
    }
    return url;
  }

  private static List<String> names(Settings.Setting s) {
    List<String> names = new ArrayList<>();
    for (String part : s.value().split(",")) {
      if (!part.isBlank()) {
        names.add(part.strip().toLowerCase(Locale.ROOT));
      }
    }
    return List.copyOf(names);
  }

  private static String host(Settings.Setting s) {
    String host = s.value().strip();
    if (!host.matches("[A-Za-z0-9.-]+|\\[?[0-9A-Fa-f:.]+]?")) {
      throw s.invalid("not a host name or IP address (127.0.0.1, 0.0.0.0, ::1, a host name)");
    }
    return host;
  }

  private static java.time.Instant instant(Settings.Setting s) {
    String v = s.value().strip();
    if (v.isEmpty()) {
      return null;
    }
    try {
      return v.length() <= 10 ? java.time.LocalDate.parse(v).atStartOfDay().toInstant(java.time.ZoneOffset.UTC)
          : java.time.Instant.parse(v);
    } catch (java.time.format.DateTimeParseException e) {
      throw s.invalid("not an ISO date (2026-01-01) or instant (2026-01-01T00:00:00Z)");
    }
  }

  private static List<Pattern> patterns(Settings.Setting s) {
    List<Pattern> patterns = new ArrayList<>();
    for (String part : s.value().split(",")) {
      String regex = part.strip();
      if (regex.isEmpty()) {
        continue;
      }
      try {
        patterns.add(Pattern.compile(regex));
      } catch (PatternSyntaxException e) {
        throw s.invalid("'" + regex + "' is not a valid regular expression: " + e.getDescription());
      }
    }
    return List.copyOf(patterns);
  }
}
