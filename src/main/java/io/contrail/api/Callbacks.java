package io.contrail.api;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The callbacks of a task (its own, over {@code default_args}') or of a DAG's runs, by when they
 * run. Empty by default.
 */
public record Callbacks(Map<CallbackKind, Callback> byKind) {
  public static final Callbacks NONE = new Callbacks(Map.of());

  public Callbacks {
    byKind = byKind == null ? Map.of() : Map.copyOf(byKind);
  }

  public Optional<Callback> get(CallbackKind kind) {
    return Optional.ofNullable(byKind.get(kind));
  }

  public boolean has(CallbackKind kind) {
    return byKind.containsKey(kind);
  }

  public boolean isEmpty() {
    return byKind.isEmpty();
  }

  /** These callbacks with {@code callback} for {@code kind}. */
  public Callbacks with(CallbackKind kind, Callback callback) {
    Map<CallbackKind, Callback> copy = new EnumMap<>(CallbackKind.class);
    copy.putAll(byKind);
    copy.put(kind, callback);
    return new Callbacks(copy);
  }
}
