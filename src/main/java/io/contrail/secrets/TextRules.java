package io.contrail.secrets;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shapes in which a secret shows up in free text whatever its value: the password of a URL's
 * user info ({@code postgres://u:pass@h/db}), and the value after a secret-looking name in a query
 * or command-line parameter ({@code ?access_token=...}, {@code --token=...}), a JSON or Python
 * pair ({@code "password": "..."}), a header or YAML line ({@code Authorization: Bearer ...}), and
 * a bearer token. Every pattern is linear (possessive where it repeats), so no input can make
 * masking slow.
 */
final class TextRules {
  static final String MASK = SecretsMasker.MASK;

  static final Pattern USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]{0,30}://[^\\s/?#@:\"']*+):([^\\s/?#@\"']++)@");
  private static final Pattern JSON_PAIR = Pattern.compile(
      "\"([^\"\\\\\\r\\n]{1,200})\"(\\s*+:\\s*+)\"((?:[^\"\\\\]++|\\\\.)*+)\"");
  private static final Pattern PY_PAIR = Pattern.compile(
      "'([^'\\\\\\r\\n]{1,200})'(\\s*+:\\s*+)'((?:[^'\\\\]++|\\\\.)*+)'");
  static final Pattern ASSIGN = Pattern.compile(
      "(?<![A-Za-z0-9_.-])([A-Za-z_-][A-Za-z0-9_.-]{0,200}+)=(\"[^\"]*+\"|'[^']*+'|[^\\s&#;,\"']++)");
  private static final Pattern HEADER = Pattern.compile(
      "(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_-]{0,100}+)(\\s*+:[ \\t]*+)((?:Bearer|Basic|Token|Digest|Bot)[ \\t]++)?([^\\s\"',;]++)");
  private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)([ \\t]++)([A-Za-z0-9._~+/=-]{4,}+)");

  private TextRules() {}

  static String apply(String text, SecretNames names) {
    String out = text;
    if (out.contains("://")) {
      out = USERINFO.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@"));
    }
    if (out.indexOf('"') >= 0) {
      out = pairs(out, JSON_PAIR, '"', names);
    }
    if (out.indexOf('\'') >= 0) {
      out = pairs(out, PY_PAIR, '\'', names);
    }
    if (out.indexOf('=') >= 0) {
      out = ASSIGN.matcher(out).replaceAll(m -> Matcher.quoteReplacement(names.looksSecret(m.group(1))
          ? m.group(1) + "=" + MASK : m.group()));
    }
    if (out.indexOf(':') >= 0) {
      out = HEADER.matcher(out).replaceAll(m -> Matcher.quoteReplacement(names.looksSecret(m.group(1))
          && !m.group(4).startsWith("//") ? m.group(1) + m.group(2) + (m.group(3) == null ? "" : m.group(3)) + MASK
          : m.group()));
    }
    if (out.regionMatches(true, 0, "bearer", 0, 6) || out.contains("earer")) {
      out = BEARER.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
    }
    return out;
  }

  private static String pairs(String text, Pattern pattern, char quote, SecretNames names) {
    return pattern.matcher(text).replaceAll(m -> Matcher.quoteReplacement(names.looksSecret(m.group(1))
        ? quote + m.group(1) + quote + m.group(2) + quote + MASK + quote : m.group()));
  }

  /** Calls {@code found} with each URL password and each value of a secret-named parameter in {@code text}. */
  static void secretsIn(String text, SecretNames names, Consumer<String> found) {
    if (text.contains("://")) {
      Matcher m = USERINFO.matcher(text);
      while (m.find()) {
        found.accept(m.group(2));
      }
    }
    if (text.indexOf('=') >= 0) {
      Matcher m = ASSIGN.matcher(text);
      while (m.find()) {
        if (names.looksSecret(m.group(1))) {
          String v = m.group(2);
          found.accept(v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') ? v.substring(1, v.length() - 1) : v);
        }
      }
    }
  }
}
