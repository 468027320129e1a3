package io.contrail.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A deliberately small INI reader: {@code [section]} headers, {@code key = value} lines, whole-line
 * comments starting with {@code ;} or {@code #}, and inline comments after whitespace and {@code ;}.
 * Section and key names are lower-cased so they match case-insensitively; values are kept as
 * written. Line numbers are kept so every later error can point at the line.
 */
final class IniParser {
  record Section(String name, int line) {}

  record Entry(String section, String key, String value, int line) {}

  record Ini(List<Section> sections, List<Entry> entries) {}

  private IniParser() {}

  static Ini parse(String text, String fileName) {
    List<Section> sections = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    String section = null;
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("[")) {
        String header = stripInlineComment(line);
        if (!header.endsWith("]") || header.length() < 3) {
          throw new ConfigException(fileName + " line " + lineNo + ": malformed section header '"
              + line + "', expected [section]");
        }
        section = header.substring(1, header.length() - 1).strip().toLowerCase(Locale.ROOT);
        sections.add(new Section(section, lineNo));
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            fileName + " line " + lineNo + ": expected 'key = value' but found '" + line + "'");
      }
      if (section == null) {
        throw new ConfigException(
            fileName + " line " + lineNo + ": key before the first [section] header");
      }
      String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = stripInlineComment(line.substring(eq + 1));
      entries.add(new Entry(section, key, value, lineNo));
    }
    return new Ini(List.copyOf(sections), List.copyOf(entries));
  }

  /**
   * Cuts a {@code ;} comment that starts the value or follows whitespace. A {@code ;} glued to text
   * stays, so a JDBC URL like {@code jdbc:h2:file:x;MODE=PostgreSQL} survives.
   */
  static String stripInlineComment(String raw) {
    String s = raw.strip();
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == ';' && (i == 0 || Character.isWhitespace(s.charAt(i - 1)))) {
        return s.substring(0, i).strip();
      }
    }
    return s;
  }
}
