package io.contrail.scheduler;

import static io.contrail.testing.Fixtures.aDag;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.api.Dag;
import io.contrail.operations.RunCreator;
import io.contrail.operations.RunRequest;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.RunStore;
import io.contrail.storage.memory.InMemoryDagStore;
import io.contrail.storage.memory.InMemoryJobStore;
import io.contrail.storage.memory.InMemoryRunStore;
import io.contrail.telemetry.Telemetry;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's working set across full loops: a run that is cheap to read is read again every
 * loop; one whose read is slow keeps its copy for a while (what the executor and the wake-ups
 * report keeps it current), unless a user's operation changed the run or reports may have been
 * lost.
 */
class ActiveRunsTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  private final InMemoryRunStore store = new InMemoryRunStore(new InMemoryJobStore());
  private final InMemoryDagStore dags = new InMemoryDagStore();
  private final AtomicInteger fullReads = new AtomicInteger();
  private volatile long readMillis;
  private final ActiveRuns active = new ActiveRuns(countingReads(store), new DagCache(dags));

  /** The store, counting (and slowing down by readMillis) the full reads of a run's task instances. */
  private RunStore countingReads(RunStore delegate) {
    return (RunStore) Proxy.newProxyInstance(RunStore.class.getClassLoader(), new Class<?>[] {RunStore.class},
        (proxy, method, args) -> {
          if (method.getName().equals("taskInstances") && args != null && args.length == 1
              && args[0] instanceof RunKey) {
            fullReads.incrementAndGet();
            Thread.sleep(readMillis);
          }
          try {
            return method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private DagRun aRun() {
    Dag dag = aDag("wide").task("a").task("b").task("c").build();
    dags.upsert(dag, "hash", false, NOW);
    return new RunCreator(store, Telemetry.NOOP, Sampler.alwaysOn(), Clock.fixed(NOW, ZoneOffset.UTC), SecretsMasker.defaults())
        .createNew(dag, RunRequest.manual("r1", null, null));
  }

  @Test
  void aRunThatIsCheapToReadIsReadAgainEveryLoop() {
    DagRun run = aRun();
    for (int warm = 0; warm < 3; warm++) { // the first reads of a fresh JVM load classes
      active.readAllAgain();
      active.refresh(List.of(run));
    }
    fullReads.set(0);
    active.refresh(List.of(run)); // three rows from memory: far under 5 ms
    active.refresh(List.of(run));
    assertThat(fullReads).hasValue(2);
  }

  @Test
  void aRunThatIsSlowToReadKeepsItsCopyUntilAUserChangesItOrReportsMayHaveBeenLost() {
    DagRun run = aRun();
    TaskInstance a = store.taskInstances(run.key()).stream().filter(ti -> ti.taskId().equals("a")).findFirst()
        .orElseThrow();
    assertThat(store.update(TaskChange.of(a, a.toScheduled(NOW)))).isTrue();
    readMillis = 150; // a wide run: read again in full 1.5 s later at the earliest
    RunProgress first = active.refresh(List.of(run)).get(0);
    assertThat(active.scheduled().size()).as("a, waiting for a slot").isEqualTo(1);
    assertThat(active.refresh(List.of(run))).containsExactly(first);
    assertThat(fullReads).as("the copy was kept").hasValue(1);
    assertThat(active.scheduled().size()).as("the kept copy's scheduled task still waits").isEqualTo(1);

    // a clear or mark by a user (another process) counts up the run's revision: read at once
    DagRun cleared = new DagRun(run.key(), run.state(), run.spec(), run.times(), run.trace(), run.revision() + 1);
    RunProgress afterClear = active.refresh(List.of(cleared)).get(0);
    assertThat(afterClear).isNotSameAs(first);
    assertThat(fullReads).hasValue(2);
    assertThat(active.refresh(List.of(cleared))).containsExactly(afterClear);
    assertThat(fullReads).hasValue(2);

    // the wake-up connection was lost: every run is read in full at the next loop
    active.readAllAgain();
    active.refresh(List.of(cleared));
    assertThat(fullReads).hasValue(3);

    // a run no longer running is dropped, its scheduled tasks with it; when it runs again it is read
    assertThat(active.refresh(List.of())).isEmpty();
    assertThat(active.scheduled().isEmpty()).isTrue();
    active.refresh(List.of(cleared));
    assertThat(fullReads).hasValue(4);
  }
}
