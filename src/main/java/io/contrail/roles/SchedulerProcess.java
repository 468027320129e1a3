package io.contrail.roles;

import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.contrail.rest.RestApi;
import io.contrail.run.RunType;
import io.contrail.scheduler.Scheduler;
import java.io.PrintStream;

/**
 * The root of the {@code standalone} and {@code scheduler} roles: the scheduler loop over every
 * run, keeping dags_folder in step and creating scheduled runs, in the foreground until SIGTERM or
 * SIGINT (or N loops); on a signal the loop stops and waits while running tasks finish or are
 * handed back for retry. {@code standalone} also serves the REST API ({@link ApiServerProcess}).
 */
public final class SchedulerProcess {
  private SchedulerProcess() {}

  /** Runs the role; returns its exit code. */
  public static int run(Role role, Environment env, int numLoops, PrintStream out) {
    try (Contrail contrail = Contrail.start(role, env);
        RestApi.Started api = role.servesApi() ? ApiServerProcess.start(contrail, null) : null) {
      ContrailConfig c = contrail.config();
      Scheduler scheduler = contrail.scheduler(Scheduler.Scope.everything()).dagSync(contrail.dagSync()).build();
      startTriggeredRunsAtOnce(contrail, scheduler);
      contrail.wakeAcrossProcesses(scheduler);
      out.printf("Contrail %s%n  home:      %s%n  dags:      %s%n  database:  %s%n  executor:  %s (parallelism %d)%n"
              + "  logs:      %s%n", role.id(), c.home(), c.core().dagsFolder(), contrail.database().url(),
          c.core().executor(), c.core().parallelism(), c.logs().baseLogFolder());
      if (api != null) {
        api.banner().forEach(line -> out.println("  " + line));
      }
      out.println("Press Ctrl+C to stop.");
      out.flush();
      Signals.onTerminate(scheduler::requestStop);
      contrail.callbackRunner();
      scheduler.start();
      scheduler.loop(numLoops, () -> false);
    }
    return 0;
  }

  /**
   * A run triggered in this process (through its REST API) is started by {@code scheduler} at
   * once, not at its next loop; scheduled runs are the scheduler's own.
   */
  public static void startTriggeredRunsAtOnce(Contrail contrail, Scheduler scheduler) {
    contrail.runCreator().onCreated(run -> {
      if (run.runType() != RunType.SCHEDULED) {
        scheduler.runQueued();
      }
    });
  }
}
