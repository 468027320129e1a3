package io.contrail.rest.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.contrail.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The accounts that may log in to the REST API, each with a role and a bcrypt hash of its password
 * (plain passwords are never kept: a generated or configured one is hashed at start-up). Checking
 * a password takes as long for an unknown name as for a known one, so the answer does not tell
 * which names exist.
 */
public final class Accounts {
  /** One account. */
  public record Account(String name, ApiRole role) {}

  private record Entry(Account account, byte[] hash) {}

  private static final int COST = 10;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,100}");
  private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");
  // verified against when the name is unknown, so that both cases cost one bcrypt check
  private static final byte[] DUMMY = BCrypt.withDefaults().hash(COST, "not-a-password".toCharArray());

  private final Map<String, Entry> entries;

  private Accounts(Map<String, Entry> entries) {
    this.entries = entries;
  }

  /**
   * The admin account with {@code adminPassword} (a bcrypt hash or the password itself) and the
   * {@code users} of [api] ({@code name:role:bcrypt-hash}, comma-separated); a bad entry fails
   * start-up naming it.
   */
  public static Accounts of(String adminUsername, String adminPassword, String users) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    requireName(adminUsername, "[api] admin_username");
    entries.put(adminUsername, new Entry(new Account(adminUsername, ApiRole.ADMIN), hashOf(adminPassword)));
    int n = 0;
    for (String raw : users.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      n++;
      String where = "[api] users, entry " + n + " (" + entry.split(":", 2)[0] + ")";
      String[] parts = entry.split(":", 3);
      if (parts.length != 3) {
        throw new ConfigException(where + ": expected name:role:bcrypt-hash");
      }
      requireName(parts[0], where);
      ApiRole role = ApiRole.parse(parts[1].strip()).orElseThrow(() -> new ConfigException(where + ": role '"
          + parts[1].strip() + "' is not one of admin, op, viewer"));
      String hash = parts[2].strip();
      if (!BCRYPT.matcher(hash).matches()) {
        throw new ConfigException(where + ": the password must be a bcrypt hash ($2b$...);"
            + " `contrail api-server --hash-password` prints one");
      }
      if (entries.put(parts[0], new Entry(new Account(parts[0], role), hash.getBytes(StandardCharsets.UTF_8))) != null) {
        throw new ConfigException(where + ": account '" + parts[0] + "' is defined twice");
      }
    }
    return new Accounts(entries);
  }

  /** A bcrypt hash of {@code password}, as {@code users} wants it. */
  public static String hash(String password) {
    return BCrypt.withDefaults().hashToString(12, password.toCharArray());
  }

  private static byte[] hashOf(String passwordOrHash) {
    if (BCRYPT.matcher(passwordOrHash).matches()) {
      return passwordOrHash.getBytes(StandardCharsets.UTF_8);
    }
    return BCrypt.withDefaults().hash(COST, passwordOrHash.toCharArray());
  }

  private static void requireName(String name, String where) {
    if (!NAME.matcher(name).matches()) {
      throw new ConfigException(where + ": account name '" + name + "' must be 1-100 of A-Z a-z 0-9 _ . @ -");
    }
  }

  /** The account when the password is right; empty otherwise, after the same work either way. */
  public Optional<Account> authenticate(String name, String password) {
    Entry e = entries.get(name);
    boolean ok = BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8),
        e == null ? DUMMY : e.hash()).verified;
    return ok && e != null ? Optional.of(e.account()) : Optional.empty();
  }

  /** The account of this name as configured now (a token of a removed account is refused). */
  public Optional<Account> find(String name) {
    Entry e = name == null ? null : entries.get(name);
    return e == null ? Optional.empty() : Optional.of(e.account());
  }
}
