package io.contrail.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.ProcessIdentity;
import io.contrail.storage.Job;
import io.contrail.storage.JobStore;
import io.contrail.storage.memory.InMemoryJobStore;
import io.contrail.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A job's heartbeat on its own thread, what the process learns when declared dead, and when it may judge others. */
class JobLeaseTest {
  private static final Duration HEARTBEAT = Duration.ofMillis(50);
  private static final Duration THRESHOLD = Duration.ofMillis(600);

  private final InMemoryJobStore store = new InMemoryJobStore();
  private final SlowHeartbeats jobs = new SlowHeartbeats(store);
  private final JobLease lease = new JobLease(jobs, Clock.systemUTC(), Telemetry.NOOP, "scheduler", "host-1",
      ProcessIdentity.current(), HEARTBEAT, THRESHOLD);

  @AfterEach
  void close() {
    lease.close();
  }

  @Test
  void heartbeatsGoOnWhileTheRegisteringThreadIsBusy() throws Exception {
    long id = lease.register();
    Instant registered = store.find(id).orElseThrow().latestHeartbeat();

    Thread.sleep(400); // a slow loop, a long parse: the caller does not heartbeat

    assertThat(store.find(id).orElseThrow().latestHeartbeat()).isAfter(registered.plusMillis(200));
    assertThat(store.find(id).orElseThrow().process()).isEqualTo(ProcessIdentity.current());
  }

  @Test
  void jobDeclaredDeadIsLostAtItsNextHeartbeatAndRegistersAsANewJob() throws Exception {
    List<Long> stopped = new CopyOnWriteArrayList<>();
    lease.onLost(stopped::add);
    long first = lease.register();

    store.markFailed(first, Instant.now());

    await(lease::lost);
    // lost() is true first (the loop stops acting at once); the listeners are told right after
    await(() -> !stopped.isEmpty());
    assertThat(stopped).containsExactly(first);
    assertThat(lease.mayDeclareOthersDead()).as("a lost job judges nobody").isFalse();
    long second = lease.register();
    assertThat(second).isNotEqualTo(first);
    assertThat(lease.lost()).isFalse();
    Instant since = store.find(second).orElseThrow().latestHeartbeat();
    await(() -> store.find(second).orElseThrow().latestHeartbeat().isAfter(since));
    assertThat(store.find(first).map(Job::state)).hasValue("failed");
    assertThat(stopped).containsExactly(first);
  }

  @Test
  void othersAreJudgedOnlyAfterOwnHeartbeatsWereHealthyForAFewIntervals() throws Exception {
    lease.register();
    assertThat(lease.mayDeclareOthersDead()).as("just registered").isFalse();

    await(lease::mayDeclareOthersDead);
  }

  @Test
  void afterItsOwnPauseAProcessWaitsBeforeJudgingOthersAgain() throws Exception {
    lease.register();
    await(lease::mayDeclareOthersDead);

    jobs.stallNext(Duration.ofMillis(450)); // over half the threshold: a pause, or the database away
    await(() -> jobs.stalled.get() > 0 && !lease.mayDeclareOthersDead());
    await(() -> jobs.stalled.get() > 1);
    assertThat(lease.mayDeclareOthersDead()).as("right after the pause").isFalse();

    await(lease::mayDeclareOthersDead);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met within 5 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  /** The in-memory store, with one heartbeat that can be made to hang as if the process were stopped. */
  private static final class SlowHeartbeats implements JobStore {
    final InMemoryJobStore store;
    final AtomicLong stallMillis = new AtomicLong();
    final AtomicLong stalled = new AtomicLong();

    SlowHeartbeats(InMemoryJobStore store) {
      this.store = store;
    }

    void stallNext(Duration d) {
      stallMillis.set(d.toMillis());
    }

    @Override
    public long start(String jobType, String hostname, ProcessIdentity process, Instant now) {
      return store.start(jobType, hostname, process, now);
    }

    @Override
    public boolean heartbeat(long id, Instant now) {
      long stall = stallMillis.getAndSet(0);
      if (stall > 0) {
        stalled.incrementAndGet();
        try {
          Thread.sleep(stall);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        stalled.incrementAndGet();
      }
      return store.heartbeat(id, now);
    }

    @Override
    public void end(long id, String state, Instant now) {
      store.end(id, state, now);
    }

    @Override
    public Optional<Job> find(long id) {
      return store.find(id);
    }

    @Override
    public List<Job> staleJobs(Instant before) {
      return store.staleJobs(before);
    }

    @Override
    public boolean markFailed(long id, Instant now) {
      return store.markFailed(id, now);
    }
  }
}
