package io.contrail.config;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every section and key contrail.cfg knows, read from the {@link Key} declarations on the section
 * records of {@link ContrailConfig}. The one list drives the default file, the defaults
 * themselves, unknown-key detection and binding, so none of them can drift apart.
 */
final class ConfigSchema {
  /** Free-form section: any key is a static tag, so it has no known keys. */
  static final String METRICS_TAGS = "metrics_tags";

  /** One key: where it lives, its default (with {@code ${home}}), comment and parser. */
  record KeyDef(String section, String name, String rawDefault, String comment, Parser parser,
      String[] oneOf, RecordComponent component) {
    String defaultValue(Path home) {
      return rawDefault.replace("${home}", home.toString());
    }
  }

  /** One section record and its keys in declaration order. */
  record Section(String name, Class<?> type, List<KeyDef> keys) {}

  /** The sections in file order; metrics_tags has no record and no keys. */
  static final List<Section> SECTIONS = sections();

  private ConfigSchema() {}

  private static List<Section> sections() {
    List<Section> sections = new ArrayList<>();
    for (RecordComponent c : ContrailConfig.class.getRecordComponents()) {
      String name = snakeCase(c.getName());
      if (c.getType().isRecord()) {
        List<KeyDef> keys = new ArrayList<>();
        for (RecordComponent k : c.getType().getRecordComponents()) {
          Key key = k.getAnnotation(Key.class);
          if (key == null) {
            throw new IllegalStateException(c.getType().getName() + "." + k.getName() + " has no @Key");
          }
          keys.add(new KeyDef(name, snakeCase(k.getName()), key.value(), key.comment(),
              Parser.resolve(key.parser(), k.getType(), key.oneOf()), key.oneOf(), k));
        }
        sections.add(new Section(name, c.getType(), List.copyOf(keys)));
      } else if (name.equals(METRICS_TAGS)) {
        sections.add(new Section(name, null, List.of()));
      }
    }
    return List.copyOf(sections);
  }

  static String snakeCase(String camel) {
    StringBuilder b = new StringBuilder();
    for (char ch : camel.toCharArray()) {
      if (Character.isUpperCase(ch)) {
        b.append('_').append(Character.toLowerCase(ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }

  static List<KeyDef> keys() {
    return SECTIONS.stream().flatMap(s -> s.keys().stream()).toList();
  }

  /** Section name to its keys, in file order; metrics_tags is present with no keys. */
  static Map<String, Map<String, KeyDef>> bySection() {
    Map<String, Map<String, KeyDef>> sections = new LinkedHashMap<>();
    for (Section s : SECTIONS) {
      Map<String, KeyDef> keys = new LinkedHashMap<>();
      s.keys().forEach(k -> keys.put(k.name(), k));
      sections.put(s.name(), keys);
    }
    return sections;
  }

  static String defaultFileText(Path home) {
    StringBuilder text = new StringBuilder()
        .append("; Contrail configuration. Every key can be overridden by an environment variable\n")
        .append("; CONTRAIL__<SECTION>__<KEY>, e.g. CONTRAIL__CORE__PARALLELISM=8.\n");
    for (Section section : SECTIONS) {
      text.append('\n');
      if (section.name().equals(METRICS_TAGS)) {
        text.append(pad("[" + METRICS_TAGS + "]"))
            .append("; static tags on every metric AND every span resource\n")
            .append("; cluster_id = blue\n");
        continue;
      }
      text.append('[').append(section.name()).append("]\n");
      for (KeyDef key : section.keys()) {
        text.append(pad(key.name() + " = " + key.defaultValue(home))).append("; ")
            .append(key.comment()).append('\n');
      }
    }
    return text.toString();
  }

  private static String pad(String s) {
    return s.length() >= 34 ? s + "  " : s + " ".repeat(35 - s.length());
  }
}
