package io.contrail.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * HTML built with escaping by default: every value put into a template with {@link #f} is escaped
 * (text and quoted attributes alike) unless it already is {@link Raw} HTML made here. A DAG
 * description or a log line containing {@code <script>} therefore shows as text.
 */
final class Html {
  /** HTML that is already safe: made by {@link #f}, {@link #join} or from constant markup. */
  record Raw(String html) {
    @Override
    public String toString() {
      return html;
    }
  }

  static final Raw EMPTY = new Raw("");

  private Html() {}

  /** Constant markup (never a value from a user, a DAG or a log). */
  static Raw raw(String constant) {
    return new Raw(constant);
  }

  static String esc(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Raw r) {
      return r.html();
    }
    String s = value.toString();
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** {@code template} with each {@code {}} replaced by the next argument, escaped unless it is {@link Raw}. */
  static Raw f(String template, Object... args) {
    StringBuilder b = new StringBuilder(template.length() + 64);
    int arg = 0;
    int from = 0;
    for (int at = template.indexOf("{}"); at >= 0; at = template.indexOf("{}", from)) {
      b.append(template, from, at);
      if (arg >= args.length) {
        throw new IllegalArgumentException("template has more {} than arguments: " + template);
      }
      b.append(esc(args[arg++]));
      from = at + 2;
    }
    if (arg != args.length) {
      throw new IllegalArgumentException("template has fewer {} than arguments: " + template);
    }
    b.append(template, from, template.length());
    return new Raw(b.toString());
  }

  static Raw join(Collection<Raw> parts) {
    return new Raw(parts.stream().map(Raw::html).collect(Collectors.joining()));
  }

  /** One path segment, percent-encoded (run ids have {@code :} and {@code +}). */
  static String seg(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A query parameter value, percent-encoded. */
  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
