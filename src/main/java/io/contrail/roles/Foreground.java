package io.contrail.roles;

import io.contrail.executor.CallbackRunner;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.scheduler.Scheduler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The root of {@code dags test}, {@code dags backfill} and the benchmarks: runs chosen DAG runs
 * to completion in this process — a scheduler limited to those runs, with its own executor and
 * job, that stops when all finished. Runs finished by another process sharing the database count
 * too.
 */
public final class Foreground {
  private static final java.time.Duration CALLBACK_WAIT = java.time.Duration.ofMinutes(2);

  private Foreground() {}

  /** Runs {@code runs} to their end; {@code onFinished} hears of each once. */
  public static void runToCompletion(Contrail contrail, Set<RunKey> runs, Consumer<DagRun> onFinished) {
    Set<RunKey> finished = ConcurrentHashMap.newKeySet();
    Consumer<DagRun> once = run -> {
      if (finished.add(run.key())) {
        onFinished.accept(run);
      }
    };
    Scheduler scheduler = contrail.scheduler(Scheduler.Scope.only(runs, once)).build();
    CallbackRunner callbacks = contrail.callbackRunner();
    long[] lastCheck = {0};
    Signals.onTerminate(scheduler::requestStop);
    scheduler.start();
    scheduler.loop(0, () -> {
      if (finished.size() >= runs.size()) {
        return true;
      }
      long now = System.currentTimeMillis();
      if (now - lastCheck[0] >= 1000) {
        lastCheck[0] = now;
        for (RunKey key : runs) {
          contrail.stores().runs().findRun(key).filter(r -> r.state().isFinished()).ifPresent(once);
        }
      }
      return finished.size() >= runs.size();
    });
    // the runs' callbacks run before the command exits (each has its own timeout)
    callbacks.drain(runs, CALLBACK_WAIT);
  }
}
