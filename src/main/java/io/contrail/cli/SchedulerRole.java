package io.contrail.cli;

import io.contrail.config.ContrailConfig;
import io.contrail.scheduler.Scheduler;

/**
 * Runs the scheduler role in the foreground until SIGTERM/SIGINT (or N loops); on a signal the
 * loop stops and waits while running tasks finish or are handed back for retry.
 */
final class SchedulerRole {
  private SchedulerRole() {}

  static int run(String jobType, int numRuns) {
    App app = App.open(true, jobType);
    ContrailConfig c = app.config();
    Scheduler scheduler = app.scheduler(true, true, key -> true, run -> { });
    System.out.printf("Contrail %s%n  home:      %s%n  dags:      %s%n  database:  %s%n  executor:  %s (parallelism %d)%n  logs:      %s%n",
        jobType, c.home(), c.core().dagsFolder(), app.database().url(), c.core().executor(),
        c.core().parallelism(), c.logs().baseLogFolder());
    System.out.println("Press Ctrl+C to stop.");
    System.out.flush();
    Signals.onTerminate(scheduler::requestStop);
    try {
      scheduler.start(jobType, app.hostname());
      scheduler.loop(numRuns, () -> false);
    } finally {
      app.close();
    }
    return 0;
  }
}
