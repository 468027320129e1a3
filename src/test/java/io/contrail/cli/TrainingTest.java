package io.contrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's archive is only as good as its training run: a training command that fails
 * stops early and leaves the classes of the rest of it out, so every command must succeed.
 */
class TrainingTest {
  @Test
  void everyTrainingCommandSucceedsOnAFreshInstallation(@TempDir Path home) {
    assertThat(Training.train(home)).as("training commands that failed").isEmpty();
  }
}
