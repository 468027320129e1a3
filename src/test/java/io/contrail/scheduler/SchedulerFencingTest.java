package io.contrail.scheduler;

import static io.contrail.testing.Fixtures.aDag;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.api.Dag;
import io.contrail.operations.RunCreator;
import io.contrail.operations.RunRequest;
import io.contrail.run.RunKey;
import io.contrail.run.TaskInstance;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.Job;
import io.contrail.storage.Stores;
import io.contrail.storage.memory.InMemoryStores;
import io.contrail.telemetry.Telemetry;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A scheduler whose job another process declared dead, on real threads and the real clock: it
 * stops that job's tries, writes nothing more under the old id, registers a new job and goes on.
 */
class SchedulerFencingTest {
  private final Stores stores = InMemoryStores.create();
  private final Clock clock = Clock.systemUTC();
  private final FakeExecutor executor = new FakeExecutor(stores.runs(), clock, 8);
  private final RunCreator creator = new RunCreator(stores.runs(), Telemetry.NOOP, Sampler.alwaysOn(), clock,
      SecretsMasker.defaults());
  private final Scheduler scheduler = Scheduler.builder(stores)
      .executor(finished -> {
        executor.onFinished(key -> finished.accept(key, null));
        return executor;
      })
      .runCreator(creator)
      .clock(clock)
      .intervals(new Scheduler.Intervals(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(600),
          Duration.ofMinutes(1), Duration.ofSeconds(1)))
      .hostname("test-host")
      .build();
  private Thread loop;

  @AfterEach
  void stop() throws InterruptedException {
    scheduler.requestStop();
    if (loop != null) {
      loop.join(10_000);
    }
  }

  @Test
  void jobDeclaredDeadStopsItsTriesAndGoesOnAsANewJob() throws Exception {
    pools();
    Dag dag = aDag("etl").task("a").build();
    stores.dags().upsert(dag, "h", false, clock.instant());
    RunKey run = creator.createNew(dag, RunRequest.manual(null, null, null)).key();
    long first = scheduler.start();
    loop = new Thread(() -> scheduler.loop(0, () -> false), "test-loop");
    loop.start();
    await(() -> executor.handed().size() == 1);
    assertThat(executor.handed().get(0).lease().jobId()).isEqualTo(first);

    stores.jobs().markFailed(first, clock.instant()); // another scheduler declared it dead

    // the new job id is set before the lost-job listeners run (on the heartbeat thread): wait for both
    await(() -> scheduler.jobId() != first && !executor.fencedJobs().isEmpty());
    assertThat(executor.fencedJobs()).containsExactly(first);
    long second = scheduler.jobId();
    assertThat(stores.jobs().find(second).map(Job::state)).hasValue("running");
    assertThat(stores.jobs().find(first).map(Job::state)).hasValue("failed");
    // the dead job's queued try goes back to scheduled and is queued again, under the new job
    await(() -> executor.handed().size() == 2);
    TaskInstance again = executor.handed().get(1);
    assertThat(again.lease().jobId()).isEqualTo(second);
    assertThat(again.tryNumber()).as("the queued try was never used").isEqualTo(1);
    executor.succeed("a");
    await(() -> stores.runs().findRun(run).orElseThrow().state().isFinished());
    assertThat(stores.runs().findRun(run).orElseThrow().state().id()).isEqualTo("success");
  }

  private void pools() {
    stores.pools().ensure("default_pool", 128, "");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met within 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
