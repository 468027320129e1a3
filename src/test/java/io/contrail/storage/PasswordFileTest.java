package io.contrail.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated passwords are typed into command lines: none may read as an option. */
class PasswordFileTest {
  @Test
  void aGeneratedPasswordIs32UrlSafeCharactersNeverLeadingWithADashAndIsKept(@TempDir Path dir) throws Exception {
    for (int i = 0; i < 300; i++) { // a '-' leads 1 in 64 raw encodings
      Path file = dir.resolve("p" + i);
      String password = PasswordFile.readOrCreate(file);
      assertThat(password).hasSize(32).matches("[A-Za-z0-9_][A-Za-z0-9_-]{31}");
      assertThat(PasswordFile.readOrCreate(file)).as("read back, not made again").isEqualTo(password);
    }
  }
}
