package io.contrail.scheduler;

import static io.contrail.testing.Fixtures.T0;
import static io.contrail.testing.Fixtures.aRun;
import static io.contrail.testing.Fixtures.aTaskInstance;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.DagRun;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a scheduler pass writes: one update per task instance, however many states it passes through. */
class PassCommitterTest {
  private final DagRun run = aRun("d").build();

  @Test
  void aTaskScheduledAndQueuedInOnePassIsWrittenOnceFromItsStoredRowToQueued() {
    TaskInstance a = aTaskInstance(run, "a");
    TaskInstance b = aTaskInstance(run, "b");
    TaskInstance aScheduled = a.toScheduled(T0);
    TaskInstance bScheduled = b.toScheduled(T0);
    List<TaskChange> pass = List.of(TaskChange.of(a, aScheduled), TaskChange.of(b, bScheduled),
        TaskChange.of(aScheduled, aScheduled.toQueued(T0, 7)));
    int[] writeOf = new int[pass.size()];

    List<TaskChange> writes = PassCommitter.writes(pass, writeOf);

    assertThat(writes).hasSize(2);
    assertThat(writeOf).containsExactly(0, 1, 0);
    assertThat(writes.get(0).before()).isEqualTo(a);
    assertThat(writes.get(0).after().state()).isEqualTo(TaskState.QUEUED);
    assertThat(writes.get(0).after()).isEqualTo(pass.get(2).after());
    assertThat(writes.get(1)).isEqualTo(pass.get(1));
  }

  @Test
  void changesThatDoNotFollowEachOtherAreWrittenAsTheyAre() {
    TaskInstance a = aTaskInstance(run, "a");
    TaskInstance aScheduled = a.toScheduled(T0);
    // the second change starts from another row than the first one leaves: two compare-and-sets
    TaskInstance elsewhere = aTaskInstance(run, "a", "other_pool", 1).toScheduled(T0);
    List<TaskChange> pass = List.of(TaskChange.of(a, aScheduled), TaskChange.of(elsewhere, elsewhere.toQueued(T0, 7)));
    int[] writeOf = new int[pass.size()];

    assertThat(PassCommitter.writes(pass, writeOf)).isEqualTo(pass);
    assertThat(writeOf).containsExactly(0, 1);
  }
}
