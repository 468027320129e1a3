package io.contrail.analysis;

/** Escaping for HTML and SVG text and attribute values, shared by the renderers. */
final class Markup {
  private Markup() {}

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      append(out, s.charAt(i));
    }
    return out.toString();
  }

  /**
   * Appends {@code c} escaped; control characters other than newline and tab are dropped (XML 1.0
   * forbids most of them, and a log's bell or NUL has no place in a page).
   */
  static void append(StringBuilder out, char c) {
    switch (c) {
      case '<' -> out.append("&lt;");
      case '>' -> out.append("&gt;");
      case '&' -> out.append("&amp;");
      case '"' -> out.append("&quot;");
      case '\'' -> out.append("&#39;");
      default -> {
        if (c >= 0x20 && c != 0x7f || c == '\n' || c == '\t') {
          out.append(c);
        }
      }
    }
  }
}
