package io.contrail.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the reference of every contrail.cfg key, generated from the key
 * declarations. When a key is added, renamed or re-documented, this test fails and leaves the
 * current text in target/configuration.md: copy it over docs/configuration.md.
 */
class ConfigReferenceTest {
  private static final Path DOC = Path.of("docs/configuration.md");

  @Test
  void docsConfigurationMdListsEveryKeyAsDeclared() throws IOException {
    String generated = ConfigSchema.referenceMarkdown();
    String committed = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
    if (!committed.equals(generated)) {
      Path fresh = Path.of("target/configuration.md");
      Files.createDirectories(fresh.getParent());
      Files.writeString(fresh, generated, StandardCharsets.UTF_8);
    }
    assertThat(committed).as("docs/configuration.md is out of date: cp target/configuration.md docs/configuration.md")
        .isEqualTo(generated);
  }

  @Test
  void theReferenceNamesEverySectionKeyAndVariable() {
    String md = ConfigSchema.referenceMarkdown();
    for (ConfigSchema.Section section : ConfigSchema.SECTIONS) {
      assertThat(md).contains("## [" + section.name() + "]");
      for (ConfigSchema.KeyDef key : section.keys()) {
        assertThat(md).contains("| `" + key.name() + "` |")
            .contains("`CONTRAIL__" + section.name().toUpperCase() + "__" + key.name().toUpperCase() + "`");
      }
    }
    assertThat(md).contains("`CONTRAIL__CORE__PARALLELISM`").contains("`$CONTRAIL_HOME/dags`")
        .contains("grpc \\| http/protobuf");
  }
}
