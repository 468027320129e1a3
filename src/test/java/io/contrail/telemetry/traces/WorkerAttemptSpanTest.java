package io.contrail.telemetry.traces;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.testing.InProcessWorker;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A try run by a distributed worker: its attempt span, built from the database as the outbox and
 * {@code traces export} build it, names the worker's job and host, so a trace says which worker
 * ran each try.
 */
class WorkerAttemptSpanTest {
  @TempDir Path home;

  @Test
  void anAttemptRunByAWorkerCarriesTheWorkersJobIdAndHostName() throws Exception {
    try (InProcessWorker w = new InProcessWorker(home, "worker-host-7")) {
      w.scheduler.dag("two.yaml", """
          dag_id: two
          schedule: null
          paused: false
          start_date: 2026-01-01
          tasks:
            - {task_id: first, type: noop}
            - {task_id: second, type: shell, command: 'true', depends_on: [first]}
          """);
      long job = w.workerJob();
      DagRun run = w.run("two");
      assertThat(run.state()).isEqualTo(RunState.SUCCESS);

      List<SpanData> spans = Outboxes.spansOf(w.scheduler, run, Resource.getDefault(), false);
      for (String task : List.of("first", "second")) {
        SpanData attempt = Outboxes.named(spans, "task_attempt." + task).orElseThrow();
        assertThat(attempt.getAttributes().get(AttributeKey.longKey("contrail.job_id"))).as(task).isEqualTo(job);
        assertThat(attempt.getAttributes().get(AttributeKey.stringKey("host.name"))).as(task)
            .isEqualTo("worker-host-7");
        assertThat(attempt.getAttributes().get(AttributeKey.stringKey("contrail.executor"))).as(task)
            .isEqualTo("distributed");
      }
      assertThat(w.scheduler.stores().jobs().find(job).orElseThrow().jobType())
          .as("the job is the worker's own, not the scheduler's that queued the tries").isEqualTo("worker");
    }
  }
}
