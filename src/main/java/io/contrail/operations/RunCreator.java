package io.contrail.operations;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.RunStore;
import io.contrail.telemetry.Telemetry;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place runs are created, whoever asks: the scheduler for due intervals, the CLI for
 * triggers, tests and backfills, and later the REST API. Plans the run and its task instances
 * (ids, sampling decision), stores them in one transaction and reports the new run to telemetry.
 */
public final class RunCreator {
  private static final Logger LOG = LoggerFactory.getLogger(RunCreator.class);

  private final RunStore runs;
  private final Telemetry telemetry;
  private final RunPlanner planner;
  private final Clock clock;
  private final SecretsMasker masker;
  private final List<Consumer<DagRun>> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param sampler the configured SDK's sampler: it decides whether each new run's trace is sampled
   * @param masker learns each new run's secrets (its conf, its DAG's task env and headers)
   */
  public RunCreator(RunStore runs, Telemetry telemetry, Sampler sampler, Clock clock, SecretsMasker masker) {
    this.runs = runs;
    this.telemetry = telemetry;
    this.planner = new RunPlanner(sampler);
    this.clock = clock;
    this.masker = masker;
  }

  /**
   * Tells {@code listener} of every run this creator stores, after its transaction committed (a
   * scheduler in the same process starts a triggered run at once instead of at its next loop).
   */
  public void onCreated(Consumer<DagRun> listener) {
    listeners.add(listener);
  }

  /** Creates the run; empty when a run with its id exists already (nothing is changed then). */
  public Optional<DagRun> create(Dag dag, RunRequest request) {
    RunPlanner.NewRun planned = plan(dag, request);
    return store(dag, planned) ? Optional.of(planned.run()) : Optional.empty();
  }

  /** Creates the run or fails, naming it, when its id is taken. */
  public DagRun createNew(Dag dag, RunRequest request) {
    RunPlanner.NewRun planned = plan(dag, request);
    if (!store(dag, planned)) {
      throw new IllegalArgumentException("run '" + planned.run().runId() + "' of DAG '" + dag.dagId()
          + "' already exists");
    }
    return planned.run();
  }

  private RunPlanner.NewRun plan(Dag dag, RunRequest request) {
    RunPlanner.NewRun planned = planner.plan(dag, request, clock.instant());
    // before anything about the run is stored, logged or exported
    RunSecrets.register(masker, planned.run(), dag);
    return planned;
  }

  private boolean store(Dag dag, RunPlanner.NewRun planned) {
    DagRun run = planned.run();
    java.time.Instant deadline = dag.deadline() == null ? null
        : dag.deadline().dueAt(run.times().queuedAt(), run.spec().logicalDate());
    if (!runs.createRun(run, planned.taskInstances(), deadline)) {
      return false;
    }
    telemetry.runCreated(planned.run(), planned.taskInstances());
    LOG.debug("created run {}", planned.run().key());
    for (Consumer<DagRun> l : listeners) {
      try {
        l.accept(run);
      } catch (RuntimeException e) {
        LOG.warn("a listener of new runs failed: {}", e.toString());
      }
    }
    return true;
  }
}
