package io.contrail.storage;

import io.contrail.security.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A generated password kept in a file of CONTRAIL_HOME, readable by its owner only (0600). The
 * first process to need it writes it — under a temporary name, then linked into place, which
 * fails if another process got there first — so every process reads the same complete password.
 */
final class PasswordFile {
  /** Made when a password is first generated: seeding it is a few ms of every command's start otherwise. */
  private static final class Random {
    static final SecureRandom INSTANCE = new SecureRandom();
  }

  private PasswordFile() {}

  /** The password in {@code file}, written there first (32 URL-safe characters) if there is none. */
  static String readOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return read(file);
    }
    PrivateFiles.createDirectories(file.getParent());
    byte[] bytes = new byte[24];
    String password;
    do {
      Random.INSTANCE.nextBytes(bytes);
      password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (password.startsWith("-")); // a leading '-' reads as an option to command-line tools (airflowctl --password)
    Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(temp);
    PrivateFiles.writeNew(temp, password + "\n");
    try {
      Files.createLink(file, temp);
    } catch (FileAlreadyExistsException lost) {
      // another process wrote it first: everyone uses theirs
    } finally {
      Files.deleteIfExists(temp);
    }
    return read(file);
  }

  private static String read(Path file) throws IOException {
    String password = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (password.isEmpty()) {
      throw new IOException(file + " is empty: it must hold the password Contrail generated for the database");
    }
    if (!password.matches("[A-Za-z0-9_.~+/=-]+")) {
      // it goes into SQL as a literal: only characters that need no quoting
      throw new IOException(file + " holds characters other than A-Z a-z 0-9 _ . ~ + / = -");
    }
    return password;
  }
}
