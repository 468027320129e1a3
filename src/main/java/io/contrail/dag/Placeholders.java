package io.contrail.dag;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code {{ name }}} placeholders in task commands, URLs, headers and bodies from a context
 * map: {@code ds}, {@code logical_date}, {@code run_id}, {@code dag_id}, {@code task_id},
 * {@code try_number}, and dotted paths into nested maps such as {@code {{ conf.KEY }}}. An unknown
 * placeholder is left as written, so a typo shows up in the task's output instead of failing it.
 */
public final class Placeholders {
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_-]+)*)\\s*}}");
  private static final Object ABSENT = new Object();

  private Placeholders() {}

  public static String render(String template, Map<String, Object> context) {
    if (template == null || template.indexOf("{{") < 0) {
      return template;
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder(template.length());
    while (m.find()) {
      Object value = lookup(m.group(1), context == null ? Map.of() : context);
      String replacement = value == ABSENT ? m.group() : value == null ? "" : value.toString();
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Object lookup(String path, Map<?, ?> context) {
    Object current = context;
    for (String part : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> map) || !map.containsKey(part)) {
        return ABSENT;
      }
      current = map.get(part);
    }
    return current;
  }
}
