package io.contrail.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
  @TempDir Path tmp;

  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void whatContrailCreatesIsItsUsersAlone() throws IOException {
    Path dir = PrivateFiles.createDirectories(tmp.resolve("a/b/c"));
    assertThat(mode(tmp.resolve("a"))).isEqualTo("rwx------");
    assertThat(mode(dir)).isEqualTo("rwx------");
    PrivateFiles.writeNew(dir.resolve("cfg"), "x");
    assertThat(mode(dir.resolve("cfg"))).isEqualTo("rw-------");
    try (OutputStream out = PrivateFiles.append(dir.resolve("log"))) {
      out.write('a');
    }
    try (OutputStream out = PrivateFiles.append(dir.resolve("log"))) {
      out.write('b');
    }
    assertThat(Files.readString(dir.resolve("log"))).isEqualTo("ab");
    assertThat(mode(dir.resolve("log"))).isEqualTo("rw-------");
    assertThat(PrivateFiles.readableByOthers(dir.resolve("log"))).isFalse();
  }

  @Test
  void restrictNarrowsWhatOthersMade() throws IOException {
    Path file = Files.createFile(tmp.resolve("f"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    assertThat(PrivateFiles.readableByOthers(file)).isTrue();
    PrivateFiles.restrict(file);
    PrivateFiles.restrict(tmp);
    PrivateFiles.restrict(tmp.resolve("missing"));
    assertThat(mode(file)).isEqualTo("rw-------");
    assertThat(mode(tmp)).isEqualTo("rwx------");
  }
}
