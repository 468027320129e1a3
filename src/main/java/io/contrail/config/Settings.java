package io.contrail.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Raw string settings, each remembering where it came from (default, file line, environment
 * variable), so the typed binding can name the origin of a bad value. Later puts win, which is how
 * the file overrides defaults and the environment overrides the file.
 */
final class Settings {
  /** One raw value and the place it was read from. */
  record Setting(String section, String key, String value, String origin) {
    ConfigException invalid(String reason) {
      return new ConfigException(origin + " = '" + value + "': " + reason);
    }
  }

  private final Map<String, Setting> values = new HashMap<>();
  private final Map<String, String> tags = new LinkedHashMap<>();

  static Settings defaults(Path home) {
    Settings settings = new Settings();
    for (ConfigSchema.KeyDef key : ConfigSchema.keys()) {
      settings.put(key.section(), key.name(), key.defaultValue(home),
          "default [" + key.section() + "] " + key.name());
    }
    return settings;
  }

  void put(String section, String key, String value, String origin) {
    values.put(section + "." + key, new Setting(section, key, value, origin));
  }

  void putTag(String key, String value) {
    tags.put(key, value);
  }

  Setting get(String section, String key) {
    Setting setting = values.get(section + "." + key);
    if (setting == null) {
      throw new IllegalStateException("no default for [" + section + "] " + key);
    }
    return setting;
  }

  Map<String, String> tags() {
    return Collections.unmodifiableMap(tags);
  }
}
