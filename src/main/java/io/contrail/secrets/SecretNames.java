package io.contrail.secrets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a name (a conf key, an environment variable, an HTTP header, a URL parameter)
 * looks like it holds a secret, as Airflow's secrets masker does: the name contains password,
 * passwd, passphrase, secret, token, credential, authorization, api_key, private_key, access_key,
 * cookie ... anywhere ({@code db_password}, {@code accessToken}), or one of its words is pwd, key,
 * auth, private or signature ({@code secret_key}, {@code X-Api-Key}, {@code pwd}) — words, so that
 * {@code monkey} and {@code author} are not secrets. {@code [core] sensitive_var_conn_names} adds
 * names, matched anywhere in the name like the built-in ones.
 */
public final class SecretNames {
  private static final List<String> ANYWHERE = List.of("password", "passwd", "passphrase", "secret", "token",
      "credential", "authorization", "api_key", "apikey", "private_key", "privatekey", "access_key", "accesskey",
      "keyfile", "service_account", "cookie");
  private static final Set<String> WORDS = Set.of("pwd", "key", "keys", "auth", "private", "signature");
  private static final SecretNames DEFAULTS = new SecretNames(List.of());

  private final List<String> extra;

  private SecretNames(List<String> extra) {
    this.extra = List.copyOf(extra);
  }

  /** The built-in names only. */
  public static SecretNames defaults() {
    return DEFAULTS;
  }

  /** The built-in names plus {@code more} (matched anywhere in a name, case-insensitive). */
  public static SecretNames with(Collection<String> more) {
    List<String> names = new ArrayList<>();
    for (String n : more) {
      String normal = normalise(n);
      if (!normal.isEmpty()) {
        names.add(normal);
      }
    }
    return names.isEmpty() ? DEFAULTS : new SecretNames(names);
  }

  /** True when a value under this name must never be shown. */
  public boolean looksSecret(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    String normal = normalise(name);
    for (String s : ANYWHERE) {
      if (normal.contains(s)) {
        return true;
      }
    }
    for (String s : extra) {
      if (normal.contains(s)) {
        return true;
      }
    }
    for (String word : normal.split("_")) {
      if (WORDS.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Lower case with every word boundary as one underscore: {@code X-Api-Key}, {@code apiKey} and
   * {@code api.key} all become {@code x_api_key} / {@code api_key}.
   */
  static String normalise(String name) {
    StringBuilder b = new StringBuilder(name.length() + 4);
    char previous = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        if (Character.isUpperCase(c) && Character.isLowerCase(previous)) {
          b.append('_');
        }
        b.append(Character.toLowerCase(c));
      } else if (b.length() > 0 && b.charAt(b.length() - 1) != '_') {
        b.append('_');
      }
      previous = c;
    }
    int end = b.length();
    while (end > 0 && b.charAt(end - 1) == '_') {
      end--;
    }
    return b.substring(0, end).toLowerCase(Locale.ROOT);
  }
}
