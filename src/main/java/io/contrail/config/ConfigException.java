package io.contrail.config;

/**
 * A configuration that cannot be used: a bad value, an unknown section or key, an unreadable file.
 * The message names where the setting came from (file and line, or environment variable), the
 * section and key, and the reason, so a user can fix it without reading code.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
