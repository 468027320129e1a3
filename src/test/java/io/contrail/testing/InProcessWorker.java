package io.contrail.testing;

import io.contrail.operations.RunRequest;
import io.contrail.roles.Foreground;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code executor = distributed} in the test's JVM: a scheduler that only queues and one {@code
 * contrail worker} that claims and runs, two Contrail processes' composition roots on one H2
 * database, each with its own settings (set them on {@link #scheduler} and {@link #worker} before
 * the first run).
 */
public final class InProcessWorker implements AutoCloseable {
  public final InProcessContrail scheduler;
  public final InProcessContrail worker;
  private Worker running;
  private Thread thread;

  /** @param hostname the worker process's host name (its HOSTNAME) */
  public InProcessWorker(Path home, String hostname) {
    String url = "jdbc:h2:mem:workers-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    scheduler = new InProcessContrail(home).role(Role.SCHEDULER).set("CONTRAIL__DATABASE__URL", url)
        .set("CONTRAIL__CORE__EXECUTOR", "distributed");
    worker = new InProcessContrail(home).role(Role.WORKER).set("CONTRAIL__DATABASE__URL", url)
        .set("CONTRAIL__CORE__EXECUTOR", "distributed").set("HOSTNAME", hostname);
  }

  /** The worker's current job (it starts on first use). */
  public long workerJob() {
    return startWorker().jobId();
  }

  /** One manual run of the DAG, queued by the scheduler and run by the worker; the finished run row. */
  public DagRun run(String dagId) {
    startWorker();
    DagRun created = scheduler.contrail().runCreator().createNew(scheduler.find(dagId),
        RunRequest.manual(null, null, null));
    Foreground.runToCompletion(scheduler.contrail(), Set.of(created.key()), r -> { });
    return scheduler.stores().runs().findRun(created.key()).orElseThrow();
  }

  private Worker startWorker() {
    if (running == null) {
      scheduler.contrail(); // migrates the database first
      running = worker.contrail().worker(new Worker.Settings(List.of("default"), 2, Duration.ofMillis(50),
          Duration.ofSeconds(5), worker.contrail().hostname()));
      running.start();
      thread = new Thread(running::run, "in-process-worker");
      thread.setDaemon(true);
      thread.start();
    }
    return running;
  }

  @Override
  public void close() throws InterruptedException {
    if (running != null) {
      running.requestStop();
      thread.join(10_000);
    }
    worker.close();
    scheduler.close();
  }
}
