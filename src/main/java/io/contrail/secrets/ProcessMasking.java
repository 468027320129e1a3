package io.contrail.secrets;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The maskers of this process, for the outputs that exist before any composition root does or are
 * built by reflection: component log lines (logback instantiates {@link MaskingConverter} itself)
 * and the CLI's stdout and stderr. Each {@code Contrail} root installs its masker while it is open;
 * with none installed the text rules of {@link SecretsMasker#defaults()} still apply. This is the
 * one static of the masking, kept at the logging boundary as OpenTelemetry keeps its global.
 */
public final class ProcessMasking {
  private static final SecretsMasker RULES_ONLY = SecretsMasker.defaults();
  private static final List<SecretsMasker> INSTALLED = new CopyOnWriteArrayList<>();

  private ProcessMasking() {}

  /** Masks this process's outputs with {@code masker} until {@link #uninstall}. */
  public static void install(SecretsMasker masker) {
    INSTALLED.add(masker);
  }

  public static void uninstall(SecretsMasker masker) {
    INSTALLED.remove(masker);
  }

  /** {@code text} masked by every installed masker (by the text rules alone when none is). */
  public static String mask(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    if (INSTALLED.isEmpty()) {
      return RULES_ONLY.mask(text);
    }
    String out = text;
    for (SecretsMasker m : INSTALLED) {
      out = m.mask(out);
    }
    return out;
  }
}
