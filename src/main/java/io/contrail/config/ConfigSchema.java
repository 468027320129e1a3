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

  /**
   * docs/configuration.md: every section and key with its default, environment variable and
   * meaning, from the same declarations as the default file, so the reference cannot miss a key.
   */
  static String referenceMarkdown() {
    StringBuilder md = new StringBuilder()
        .append("# Configuration reference\n\n")
        .append("<!-- Generated from the @Key declarations in io.contrail.config.ContrailConfig by\n")
        .append("     ConfigReferenceTest, which fails when this file is out of date. Do not edit by hand. -->\n\n")
        .append("`CONTRAIL_HOME/contrail.cfg` is an INI file, written on first start with these defaults and a\n")
        .append("comment on each key. Every key can be overridden by an environment variable `CONTRAIL__<SECTION>__<KEY>`;\n")
        .append("`$CONTRAIL_HOME` in a default stands for the home directory (default `~/contrail`). A wrong\n")
        .append("value, an unknown section or an unknown key stops start-up with a message naming the file and\n")
        .append("line (or the variable), the key and why (exit code 2).\n");
    for (Section section : SECTIONS) {
      md.append("\n## [").append(section.name()).append("]\n\n");
      if (section.name().equals(METRICS_TAGS)) {
        md.append("Free-form: every `key = value` is a static tag on every metric and every span's resource\n")
            .append("(for example `cluster_id = blue`).\n");
        continue;
      }
      md.append("| key | default | environment variable | meaning |\n|---|---|---|---|\n");
      for (KeyDef key : section.keys()) {
        String value = key.rawDefault().replace("${home}", "$CONTRAIL_HOME");
        md.append("| `").append(key.name()).append("` | ")
            .append(value.isEmpty() ? "(empty)" : "`" + value + "`").append(" | `CONTRAIL__")
            .append(section.name().toUpperCase(Locale.ROOT)).append("__").append(key.name().toUpperCase(Locale.ROOT))
            .append("` | ").append(key.comment().replace("|", "\\|")).append(" |\n");
      }
    }
    return md.toString();
  }

  private static String pad(String s) {
    return s.length() >= 34 ? s + "  " : s + " ".repeat(35 - s.length());
  }
}
