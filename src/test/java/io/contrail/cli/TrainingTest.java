package io.contrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's archives are only as good as their training runs: a training command that fails
 * stops early and leaves the classes of the rest of it out, so every command must succeed; and a
 * group the launcher names but the training does not know would get no archive.
 */
class TrainingTest {
  @Test
  void everyTrainingCommandOfEveryGroupSucceedsOnAPreparedInstallation(@TempDir Path home) {
    assertThat(Training.prepare(home)).isTrue();
    for (Map.Entry<String, List<List<String>>> group : Training.GROUPS.entrySet()) {
      assertThat(Training.train(home, group.getValue())).as("training commands of %s that failed", group.getKey())
          .isEmpty();
    }
  }

  @Test
  void theLauncherNamesTheGroupsTheTrainingKnows() throws IOException {
    String launcher = Files.readString(Path.of("contrail"));
    Matcher m = Pattern.compile("case \"\\$\\{1:-}\" in ([a-z|]+)\\) GROUP=").matcher(launcher);
    assertThat(m.find()).as("the launcher's group case").isTrue();
    List<String> named = List.of((m.group(1) + "|other").split("\\|"));
    assertThat(named).containsExactlyInAnyOrderElementsOf(Training.GROUPS.keySet());
  }
}
