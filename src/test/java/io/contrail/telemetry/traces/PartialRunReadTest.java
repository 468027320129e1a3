package io.contrail.telemetry.traces;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.operations.ClearRequest;
import io.contrail.operations.MarkRequest;
import io.contrail.operations.RunOperations;
import io.contrail.operations.TaskSelection;
import io.contrail.roles.Foreground;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.RunStore;
import io.contrail.storage.SpanOutbox;
import io.contrail.storage.Stores;
import io.contrail.testing.InProcessContrail;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch of task and attempt spans without their run's own span reads only the rows of its tasks
 * and their upstream tasks, not the whole run, and builds exactly the spans a read of the whole
 * run builds — with a clear's kept task_run spans, upstream and previous links, and a mark event.
 */
class PartialRunReadTest {
  @TempDir Path home;
  InProcessContrail contrail;

  @AfterEach
  void close() {
    contrail.close();
  }

  @Test
  void aBatchWithoutItsRunsSpanReadsOnlyItsTasksAndBuildsTheSameSpans() throws Exception {
    Path marker = home.resolve("fixed");
    contrail = new InProcessContrail(home).set("CONTRAIL__TRACES__OTEL_ON", true).role(Role.CLI).dag("seg.yaml", """
        dag_id: seg
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: check
            type: shell
            command: 'test -f %s'
          - task_id: after
            type: noop
            depends_on: [check]
          - task_id: apart
            type: noop
        """.formatted(marker));
    DagRun first = contrail.run("seg");
    Files.writeString(marker, "");
    RunOperations ops = contrail.contrail().operations();
    ops.clear(ClearRequest.ofRun("seg", first.runId(), TaskSelection.tasks(List.of("check")).withDownstream(true),
        "test:me"));
    Foreground.runToCompletion(contrail.contrail(), Set.of(first.key()), r -> { });
    ops.markTask(MarkRequest.Task.of(new TaskInstanceKey("seg", first.runId(), "after"), TaskState.FAILED, "test:me"));
    SpanOutbox outbox = Stores.spanOutbox(contrail.contrail().database());
    SpanOutbox.Batch whole = outbox.finishedRows(first.key());
    List<SpanData> expected = batches(contrail.stores().runs(), outbox).build(whole).stream()
        .filter(s -> !s.getName().startsWith("dag_run.")).toList();
    assertThat(expected).extracting(SpanData::getName).contains("task_run.check", "task_run.after", "task_attempt.check");

    // the spans of "after" alone: its rows and its upstream's are read, "apart"'s never
    List<String> reads = new ArrayList<>();
    SpanOutbox.Batch afterOnly = new SpanOutbox.Batch("t", 0, 0, List.of(),
        whole.tasks().stream().filter(t -> t.row().taskId().equals("after")).toList(),
        whole.attempts().stream().filter(a -> a.row().taskId().equals("after")).toList());
    List<SpanData> after = batches(counting(contrail.stores().runs(), reads), outbox).build(afterOnly);
    assertThat(after).isNotEmpty().containsExactlyElementsOf(expected.stream()
        .filter(s -> s.getName().endsWith(".after")).toList());
    assertThat(reads).as("no read of every task or try of the run").doesNotContain("taskInstances/1", "attempts/1",
        "taskSegments/1");
    assertThat(reads).contains("taskInstances/2");

    // every task and attempt span without the run's: the same spans as from the whole run
    SpanOutbox.Batch withoutRun = new SpanOutbox.Batch("t", 0, 0, List.of(), whole.tasks(), whole.attempts());
    assertThat(batches(contrail.stores().runs(), outbox).build(withoutRun)).containsExactlyElementsOf(expected);
  }

  private SpanBatches batches(RunStore runs, SpanOutbox outbox) {
    return new SpanBatches(runs, contrail.stores().dags(), new SpanResources(Resource.getDefault(), false,
        outbox::resource), SecretsMasker.defaults());
  }

  /** The store, noting each read of task instances, attempts or task segments as name/argument count. */
  private static RunStore counting(RunStore store, List<String> reads) {
    return (RunStore) Proxy.newProxyInstance(RunStore.class.getClassLoader(), new Class<?>[] {RunStore.class},
        (proxy, method, args) -> {
          if (Set.of("taskInstances", "attempts", "taskSegments").contains(method.getName())) {
            reads.add(method.getName() + "/" + (args == null ? 0 : args.length));
          }
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
