package io.contrail.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A short command's schema check: it knows every shipped migration, and migrates only when one is missing. */
class MigrationsTest {
  @Test
  void theShippedVersionsAreThoseOfTheMigrationFiles() throws Exception {
    Set<String> files;
    try (Stream<Path> s = Files.list(Path.of("src/main/resources/db/migration"))) {
      files = s.map(p -> p.getFileName().toString().replaceFirst("^V([0-9_]+)__.*$", "$1").replace('_', '.'))
          .collect(Collectors.toSet());
    }
    assertThat(files).contains("1", "80");
    assertThat(Migrations.versions()).containsAll(files);
  }

  @Test
  void aNewDatabaseIsMigratedAndACurrentOneIsLeftAlone() {
    try (Database db = new Database("jdbc:h2:mem:migrations_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", null, 2)) {
      int applied = db.migrateIfBehind();
      assertThat(applied).isEqualTo(Migrations.versions().size());
      assertThat(db.pendingMigrations()).isEmpty();
      assertThat(db.migrateIfBehind()).as("nothing applied the second time").isZero();
      // one shipped migration missing from the history: Flyway is asked, and applies nothing it already has
      db.sql().update("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '80'");
      assertThat(db.pendingMigrations()).containsExactly("80");
    }
  }
}
