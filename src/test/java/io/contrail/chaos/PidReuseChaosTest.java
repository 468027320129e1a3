package io.contrail.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.contrail.executor.ProcessControl;
import io.contrail.run.ProcessIdentity;
import io.contrail.testing.PidReuse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A task's process ended and the kernel gave its pid to an unrelated process (emulated through
 * ns_last_pid, as root): killing the task's leftover group must leave that process alone, since
 * its start time is not the task's.
 */
class PidReuseChaosTest {

  @Test
  void aReusedPidIsNeverKilledAsTheTasksProcess() throws Exception {
    Optional<String> why = PidReuse.unavailable();
    assumeTrue(why.isEmpty(), () -> "PID reuse cannot be emulated: " + why.orElse(""));
    Process task = new ProcessBuilder("setsid", "true").start();
    ProcessIdentity leader = ProcessIdentity.of(task.toHandle());
    task.waitFor();
    // start times have clock-tick precision (10 ms): a real reuse comes far later than this
    Thread.sleep(50);
    Optional<Process> stranger = PidReuse.startWithPid(leader.pid(), List.of("setsid", "sleep", "30"));
    assumeTrue(stranger.isPresent(), "other processes kept taking pid " + leader.pid());
    try {
      assertThat(stranger.get().pid()).isEqualTo(leader.pid());
      Thread.sleep(100); // setsid has exec'd sleep, leading its own group under the reused pid

      assertThat(ProcessControl.groupAlive(leader)).as("the task's group seen as alive").isFalse();
      assertThat(ProcessControl.killGroup(leader, Duration.ofSeconds(1))).isEqualTo(ProcessControl.Kill.NOT_OURS);
      assertThat(stranger.get().isAlive()).as("the unrelated process with the reused pid").isTrue();
    } finally {
      stranger.get().destroyForcibly();
    }
  }
}
