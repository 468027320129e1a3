package io.contrail.security;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The file policy of CONTRAIL_HOME: everything Contrail creates there — folders, the
 * configuration, generated passwords, the database, logs — is readable by its own user only
 * (folders 0700, files 0600), the effect of a {@code umask 077} for what Contrail writes itself
 * (the JVM cannot set its umask, and tasks keep the user's). Files made by others (H2's lock and
 * database files) are narrowed with {@link #restrict} once they exist. On a file system without
 * POSIX permissions the calls do what they can and skip the modes.
 */
public final class PrivateFiles {
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /** Creates {@code dir} and its missing parents, each created one 0700; existing ones are left as they are. */
  public static Path createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    return isPosix(dir) ? Files.createDirectories(dir, attribute(DIRECTORY)) : Files.createDirectories(dir);
  }

  /** Writes {@code text} to a new file, 0600 from its first byte; FileAlreadyExistsException if it exists. */
  public static void writeNew(Path file, String text) throws IOException {
    try (OutputStream out = Files.newOutputStream(createFile(file), StandardOpenOption.WRITE)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Creates an empty 0600 file (throws FileAlreadyExistsException if it exists). */
  public static Path createFile(Path file) throws IOException {
    return isPosix(file) ? Files.createFile(file, attribute(FILE)) : Files.createFile(file);
  }

  /** An output stream appending to {@code file}, which is created 0600 when missing. */
  public static OutputStream append(Path file) throws IOException {
    try {
      createFile(file);
    } catch (FileAlreadyExistsException exists) {
      // appending to a log a previous run of this try left
    }
    return Files.newOutputStream(file, StandardOpenOption.APPEND);
  }

  /** Narrows an existing file to 0600, or a folder to 0700; does nothing to a missing path. */
  public static void restrict(Path path) throws IOException {
    if (!Files.exists(path) || !isPosix(path)) {
      return;
    }
    Files.setPosixFilePermissions(path, Files.isDirectory(path) ? DIRECTORY : FILE);
  }

  /** True when users other than the owner may read {@code path} (group or others have r). */
  public static boolean readableByOthers(Path path) {
    try {
      if (!isPosix(path)) {
        return false;
      }
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(path);
      return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
    return PosixFilePermissions.asFileAttribute(permissions);
  }
}
