package io.contrail.rest.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Secrets generated on first start and kept in {@code CONTRAIL_HOME}, readable by their owner only
 * (0600 from the moment the file exists): the admin password ({@code api_admin_password}, as
 * {@code airflow standalone} keeps its generated one) and the token signing key
 * ({@code api_secret_key}). Later starts, and other processes on the same home, read the same value.
 */
public final class SecretFiles {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private SecretFiles() {}

  /** The secret in {@code file}, created with {@code bytes} random bytes (URL-safe base64) if absent. */
  public static String readOrCreate(Path file, int bytes) {
    try {
      if (Files.notExists(file)) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        Files.createDirectories(file.getParent());
        try {
          FileAttribute<?>[] attrs = supportsPosix(file) ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
          Files.write(Files.createFile(file, attrs), (secret + "\n").getBytes(StandardCharsets.UTF_8),
              StandardOpenOption.WRITE);
          return secret;
        } catch (FileAlreadyExistsException racedWithAnotherProcess) {
          // another process on this home created it first: use theirs
        }
      }
      String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (secret.isEmpty()) {
        throw new IllegalStateException(file + " is empty; delete it to have a new secret generated");
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean supportsPosix(Path file) {
    return file.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
