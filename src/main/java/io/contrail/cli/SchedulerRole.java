package io.contrail.cli;

import io.contrail.config.ContrailConfig;
import io.contrail.scheduler.Scheduler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scheduler role in the foreground until SIGTERM/SIGINT (or N loops): the shutdown hook
 * asks the loop to stop and waits while running tasks finish or are handed back for retry.
 */
final class SchedulerRole {
  private SchedulerRole() {}

  static int run(String jobType, int numRuns) {
    App app = App.open();
    ContrailConfig c = app.config();
    Scheduler scheduler = app.scheduler(true, true, key -> true, run -> { });
    System.out.printf("Contrail %s%n  home:      %s%n  dags:      %s%n  database:  %s%n  executor:  %s (parallelism %d)%n  logs:      %s%n",
        jobType, c.home(), c.core().dagsFolder(), app.database().url(), c.core().executor(),
        c.core().parallelism(), c.logs().baseLogFolder());
    System.out.println("Press Ctrl+C to stop.");
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      scheduler.requestStop();
      try {
        stopped.await(c.scheduler().gracefulShutdownTimeoutMs() + 45_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "contrail-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      scheduler.start(jobType, app.hostname());
      scheduler.loop(numRuns, () -> false);
    } finally {
      app.close();
      stopped.countDown();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running: it is waiting for the latch released above
    }
    return 0;
  }
}
