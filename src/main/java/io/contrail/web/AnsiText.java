package io.contrail.web;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Log text as HTML: escaped, with ANSI SGR colours (30-37, 90-97, bold, reset) as spans and every
 * other escape sequence dropped. A LOCAL STAND-IN for {@code io.contrail.analysis.AnsiHtml.toHtml},
 * which has the same contract; the lead switches {@link #toHtml} to call it.
 */
final class AnsiText {
  private static final Pattern ESCAPE = Pattern.compile("\u001B\\[([0-9;]*)([A-Za-z])");
  private static final String[] COLOURS = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};

  private AnsiText() {}

  static String toHtml(String text) {
    StringBuilder out = new StringBuilder(text.length() + 64);
    Matcher m = ESCAPE.matcher(text);
    int from = 0;
    int open = 0;
    while (m.find()) {
      out.append(Html.esc(text.substring(from, m.start())));
      from = m.end();
      if (!m.group(2).equals("m")) {
        continue;
      }
      for (String code : (m.group(1).isEmpty() ? "0" : m.group(1)).split(";")) {
        int c = code.isEmpty() ? 0 : Integer.parseInt(code.length() > 3 ? "0" : code);
        if (c == 0 || c == 39) {
          out.append("</span>".repeat(open));
          open = 0;
        } else if (c == 1) {
          out.append("<span class=\"ansi-bold\">");
          open++;
        } else if (c >= 30 && c <= 37 || c >= 90 && c <= 97) {
          out.append("<span class=\"ansi-").append(c >= 90 ? "bright-" : "").append(COLOURS[c % 10]).append("\">");
          open++;
        }
      }
    }
    out.append(Html.esc(text.substring(from)));
    out.append("</span>".repeat(open));
    return out.toString();
  }
}
