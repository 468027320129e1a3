package io.contrail.cli;

import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.scheduler.Scheduler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Runs chosen DAG runs to completion in this process ({@code dags test}, {@code dags backfill}):
 * a scheduler limited to those runs, with its own executor and job, that stops when all finished.
 * Runs finished by another process sharing the database count too.
 */
public final class Foreground {
  private Foreground() {}

  public static void runToCompletion(App app, Set<RunKey> runs, String jobType, Consumer<DagRun> onFinished) {
    Set<RunKey> finished = ConcurrentHashMap.newKeySet();
    Scheduler scheduler = app.scheduler(false, false, runs::contains, run -> {
      if (finished.add(run.key())) {
        onFinished.accept(run);
      }
    });
    long[] lastCheck = {0};
    Signals.onTerminate(scheduler::requestStop);
    scheduler.start(jobType, app.hostname());
    scheduler.loop(0, () -> {
      if (finished.size() >= runs.size()) {
        return true;
      }
      long now = System.currentTimeMillis();
      if (now - lastCheck[0] >= 1000) {
        lastCheck[0] = now;
        for (RunKey key : runs) {
          app.stores().runs().findRun(key).filter(r -> r.state().isFinished())
              .filter(r -> finished.add(r.key())).ifPresent(onFinished);
        }
      }
      return finished.size() >= runs.size();
    });
  }
}
