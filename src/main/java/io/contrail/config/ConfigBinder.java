package io.contrail.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns raw {@link Settings} into a typed {@link ContrailConfig}, validating every value with the
 * parser its {@link Key} declares. Values are matched to record components by name, never by
 * position. Each failure names the value's origin, so the user learns which line or variable to fix.
 */
final class ConfigBinder {
  private ConfigBinder() {}

  static ContrailConfig bind(Path home, Settings settings) {
    Map<String, Object> sections = new HashMap<>();
    for (ConfigSchema.Section section : ConfigSchema.SECTIONS) {
      if (section.type() == null) {
        continue;
      }
      Map<String, Object> values = new HashMap<>();
      for (ConfigSchema.KeyDef key : section.keys()) {
        Settings.Setting s = settings.get(key.section(), key.name());
        values.put(key.component().getName(), key.parser().parse(s, home, key.oneOf()));
      }
      sections.put(section.name(), construct(section.type(), values));
    }
    Map<String, Object> top = new HashMap<>();
    for (RecordComponent c : ContrailConfig.class.getRecordComponents()) {
      String name = ConfigSchema.snakeCase(c.getName());
      top.put(c.getName(), switch (name) {
        case "home" -> home;
        case ConfigSchema.METRICS_TAGS -> settings.tags();
        default -> sections.get(name);
      });
    }
    return construct(ContrailConfig.class, top);
  }

  /** Calls the record's canonical constructor with each component's value looked up by name. */
  private static <T> T construct(Class<T> type, Map<String, Object> byName) {
    RecordComponent[] components = type.getRecordComponents();
    Object[] args = Arrays.stream(components).map(c -> byName.get(c.getName())).toArray();
    try {
      Constructor<T> ctor = type.getDeclaredConstructor(
          Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getName(), e);
    }
  }
}
