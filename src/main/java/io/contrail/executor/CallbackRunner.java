package io.contrail.executor;

import io.contrail.api.Callback;
import io.contrail.api.Dag;
import io.contrail.api.HttpSpec;
import io.contrail.api.ShellSpec;
import io.contrail.api.TaskDefinition;
import io.contrail.run.CallbackRequest;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.storage.CallbackStore;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.StoredDag;
import io.contrail.telemetry.Telemetry;
import io.contrail.telemetry.TraceContexts;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the callbacks that state changes recorded (on_success, on_failure, on_retry,
 * on_deadline_missed), off the scheduler's critical path: its own thread claims them from the
 * database and two more run them, each with its timeout and its own log, inside a
 * {@code callback.<kind>} span under the span it concerns. A callback that fails or times out is
 * logged and recorded as failed; it never changes the state of a task or run. A callback claimed
 * by a process that died is claimed again when its lease ends, so each runs once unless its
 * process dies while running it.
 */
public final class CallbackRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CallbackRunner.class);
  private static final int THREADS = 2;
  /**
   * How long a claim holds: a process that dies while running a callback leaves it to be claimed
   * again after this; a callback whose timeout is longer may then run twice.
   */
  private static final Duration LEASE = Duration.ofMinutes(5);

  private final CallbackStore store;
  private final RunStore runs;
  private final DagStore dags;
  private final Clock clock;
  private final Telemetry telemetry;
  private final AttemptSettings settings;
  private final Duration poll;
  private final String owner = "callbacks:" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
  private final ShellTask shell = new ShellTask(false); // callbacks keep the wrapper: they are few
  private final HttpTask http = new HttpTask();
  private final Semaphore free = new Semaphore(THREADS);
  private final Semaphore pokes = new Semaphore(0);
  private final ExecutorService workers = Executors.newFixedThreadPool(THREADS, r -> {
    Thread t = new Thread(r, "contrail-callback");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean stopping;
  private Thread thread;

  public CallbackRunner(CallbackStore store, RunStore runs, DagStore dags, Clock clock, Telemetry telemetry,
      AttemptSettings settings, Duration poll) {
    this.store = store;
    this.runs = runs;
    this.dags = dags;
    this.clock = clock;
    this.telemetry = telemetry;
    this.settings = settings;
    this.poll = poll;
  }

  /** Starts claiming callbacks in the background. */
  public synchronized CallbackRunner start() {
    if (thread == null) {
      thread = new Thread(this::loop, "contrail-callbacks");
      thread.setDaemon(true);
      thread.start();
    }
    return this;
  }

  /** Something was recorded: look now rather than at the next poll. */
  public void poke() {
    if (pokes.availablePermits() == 0) {
      pokes.release();
    }
  }

  private void loop() {
    while (!stopping) {
      try {
        pokes.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
        pokes.drainPermits();
        claimAndRun();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("claiming callbacks failed: {}", e.toString());
      }
    }
  }

  /** Claims as many callbacks as there are free threads and starts them. */
  void claimAndRun() throws InterruptedException {
    int slots = free.availablePermits();
    if (slots == 0 || stopping) {
      return;
    }
    String token = owner + ":" + UUID.randomUUID();
    for (CallbackStore.Claimed c : store.claim(token, slots, clock.instant(), LEASE)) {
      free.acquire();
      workers.execute(() -> {
        try {
          run(c, token);
        } catch (RuntimeException e) {
          LOG.warn("callback {} of {} failed to run: {}", c.request().kind().id(), c.request().run(), e.toString());
        } finally {
          free.release();
          poke();
        }
      });
    }
  }

  /**
   * Waits until the callbacks of these runs have all ended (for foreground runs, which exit when
   * their runs finish), at most {@code max}.
   */
  public void drain(Collection<RunKey> keys, Duration max) {
    Instant deadline = clock.instant().plus(max);
    try {
      while (store.pending(keys) > 0 && clock.instant().isBefore(deadline)) {
        poke();
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(CallbackStore.Claimed claimed, String token) {
    CallbackRequest request = claimed.request();
    Optional<DagRun> run = runs.findRun(request.run());
    Dag dag = dags.find(request.run().dagId()).map(StoredDag::dag).orElse(null);
    Optional<Callback> callback = dag == null ? Optional.empty() : callbackOf(dag, request);
    if (run.isEmpty() || callback.isEmpty()) {
      store.finished(claimed.id(), token, "skipped", clock.instant());
      return;
    }
    // the run's conf and the DAG's literal secrets are masked in the callback's log too
    io.contrail.operations.RunSecrets.register(settings.masker(), run.get(), dag);
    Instant start = clock.instant();
    Telemetry.CallbackSpan span = telemetry.callbackStarted(request, start);
    Path logFile = TaskLogs.callbackLog(settings.logsRoot(), request.run(), request.taskId(), request.kind().id(),
        request.tryNumber());
    Outcome outcome;
    try {
      io.contrail.security.PrivateFiles.createDirectories(logFile.getParent());
      // a callback's log is as private and as masked as an attempt's
      try (PrintStream log = new PrintStream(new io.contrail.secrets.MaskingOutputStream(
          io.contrail.security.PrivateFiles.append(logFile), settings.masker()::mask), true, StandardCharsets.UTF_8)) {
        log.printf("[contrail] %s callback of %s%s (%s) started %s%n", request.kind().id(), request.run(),
            request.taskId() == null ? "" : " task " + request.taskId() + " try " + request.tryNumber(),
            request.state(), start);
        outcome = execute(callback.get(), request, run.get(), dag, logFile, log, span.traceparent());
        log.printf("[contrail] callback %s after %dms%s%n", outcome.success() ? "succeeded" : "failed",
            Duration.between(start, clock.instant()).toMillis(), outcome.error() == null ? "" : ": " + outcome.error());
      }
    } catch (IOException e) {
      outcome = Outcome.failed(null, "cannot write log " + logFile + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = Outcome.failed(null, "interrupted: the process is stopping");
    }
    Instant end = clock.instant();
    span.ended(end, outcome.success(), outcome.error());
    if (!outcome.success()) {
      LOG.warn("{} callback of {}{} failed: {} (see {})", request.kind().id(), request.run(),
          request.taskId() == null ? "" : " task " + request.taskId(), outcome.error(), logFile);
    }
    store.finished(claimed.id(), token, outcome.success() ? "success" : "failed", end);
  }

  private static Optional<Callback> callbackOf(Dag dag, CallbackRequest request) {
    if (request.taskId() == null) {
      return dag.callbacks().get(request.kind());
    }
    TaskDefinition task = dag.taskIndex().get(request.taskId());
    return task == null ? Optional.empty() : task.callbacks().get(request.kind());
  }

  private Outcome execute(Callback callback, CallbackRequest request, DagRun run, Dag dag, Path logFile,
      PrintStream log, String traceparent) throws InterruptedException {
    Map<String, Object> values = AttemptRunner.placeholders(run, request.taskId(), request.tryNumber());
    values.put("exception", request.error() == null ? "" : request.error());
    values.put("state", request.state());
    Map<String, String> env = AttemptRunner.environment(settings, run, request.taskId(), request.tryNumber(), traceparent);
    io.contrail.run.TraceContext parent = traceparent == null ? request.concerns()
        : TraceContexts.parse(traceparent).orElse(request.concerns());
    AttemptContext ctx = new AttemptContext(null, null, dag, run, values, env, logFile, log,
        AttemptRunner.workingDir(settings, dag), callback.timeout(), parent, settings.propagator(), process -> true, settings.masker());
    if (callback.action() instanceof ShellSpec s) {
      s.env().forEach((k, v) -> env.put(k, io.contrail.dag.Placeholders.render(v, values)));
      return shell.run(ctx, s);
    }
    return http.run(ctx, (HttpSpec) callback.action());
  }

  /** Stops claiming; callbacks running now get {@code grace} to end (what is not claimed waits for the next process). */
  public void close(Duration grace) {
    stopping = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      pokes.release();
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
