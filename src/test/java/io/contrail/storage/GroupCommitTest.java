package io.contrail.storage;

import static io.contrail.testing.Fixtures.aRun;
import static io.contrail.testing.Fixtures.aTaskInstance;
import static io.contrail.testing.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.DagRun;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.storage.memory.InMemoryJobStore;
import io.contrail.storage.memory.InMemoryRunStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The executor's group commit: concurrent changes are all written and each learns whether its
 * compare-and-set won; an idle writer waits without waking up (it used to wake ten times a second,
 * a standalone's idle CPU); closing writes what is queued, and later changes go straight to the store.
 */
class GroupCommitTest {
  private final InMemoryRunStore runs = new InMemoryRunStore(new InMemoryJobStore());

  @Test
  void changesFromManyThreadsAreWrittenAndAnIdleWriterSleepsUntilTheNext() throws Exception {
    DagRun run = aRun("etl").build();
    List<TaskInstance> tis = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      tis.add(aTaskInstance(run, "t" + i));
    }
    runs.createRun(run, tis);
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    GroupCommit commit = new GroupCommit(runs);
    ExecutorService threads = Executors.newFixedThreadPool(16);
    try {
      List<Future<Boolean>> won = new ArrayList<>();
      for (TaskInstance ti : tis) {
        won.add(threads.submit(() -> commit.write(TaskChange.of(ti, ti.toScheduled(at(1))))));
      }
      for (Future<Boolean> w : won) {
        assertThat(w.get()).isTrue();
      }
      // the same change again: its compare-and-set finds the row moved on
      assertThat(commit.write(TaskChange.of(tis.get(0), tis.get(0).toScheduled(at(2))))).isFalse();

      Thread writer = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("contrail-group-commit") && !before.contains(t)).findFirst().orElseThrow();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (writer.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(writer.getState()).as("an idle writer waits for work, with no timeout").isEqualTo(Thread.State.WAITING);

      commit.close();
      writer.join(5_000);
      assertThat(writer.isAlive()).isFalse();
      TaskInstance t1 = tis.get(1).toScheduled(at(1));
      assertThat(commit.write(TaskChange.of(t1, t1.toQueued(at(3), 7L)))).as("written after close").isTrue();
    } finally {
      threads.shutdownNow();
      commit.close();
    }
    assertThat(runs.taskInstance(tis.get(1).key()).orElseThrow().state().id()).isEqualTo("queued");
    assertThat(runs.taskInstance(tis.get(199).key()).orElseThrow().state().id()).isEqualTo("scheduled");
  }
}
