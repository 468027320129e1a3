package io.contrail.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.dag.ImportError;
import io.contrail.operations.RunRequest;
import io.contrail.roles.Contrail;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskInstance;
import io.contrail.scheduler.Scheduler;
import io.contrail.storage.Job;
import io.contrail.testing.InProcessContrail;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DAG folder an operator would not want: a 16 MB scalar, a 3 MB scalar that takes SnakeYAML longer than a 1 s parse limit
 * (about 3 s on an idle machine, so a 3 s limit was sometimes not reached) and
 * a value longer than its column, beside a good DAG. The good DAG's run keeps a normal
 * task-to-task gap and the job's heartbeat stays fresh while DAG processing is busy, and every
 * broken file ends as an import error.
 */
class DagFolderChaosTest {
  @TempDir Path home;

  @Test
  void badFilesNeverStallTheLoopTheHeartbeatOrTheOtherDags() throws Exception {
    try (InProcessContrail in = new InProcessContrail(home)
        .set("CONTRAIL__CORE__DAGBAG_IMPORT_TIMEOUT_MS", 1000)
        .set("CONTRAIL__CORE__MAX_DAG_FILE_BYTES", 4 << 20)
        .set("CONTRAIL__SCHEDULER__DAG_DIR_LIST_INTERVAL_MS", 100)
        .set("CONTRAIL__SCHEDULER__JOB_HEARTBEAT_MS", 100)
        .dag("chain.yaml", """
            dag_id: chain
            tasks:
              - {task_id: a, type: shell, command: 'true'}
              - {task_id: b, type: shell, command: 'true', depends_on: [a]}
              - {task_id: c, type: shell, command: 'true', depends_on: [b]}
            """)) {
      Contrail contrail = in.contrail(); // chain synced; the bad files arrive for the scheduler's DAG processing
      Path dags = home.resolve("dags");
      Path huge = dags.resolve("huge.yaml");
      try (Writer w = Files.newBufferedWriter(huge)) {
        w.write("dag_id: huge\ndescription: ");
        String chunk = "y".repeat(1 << 16);
        for (int i = 0; i < 256; i++) {
          w.write(chunk); // 16 MiB in one scalar
        }
        w.write("\ntasks: []\n");
      }
      Path slow = Files.writeString(dags.resolve("slow.yaml"),
          "dag_id: slow\ndescription: " + "z".repeat(3_000_000) + "\ntasks: []\n");
      Path tooLong = Files.writeString(dags.resolve("too_long.yaml"),
          "dag_id: too_long\ntasks:\n  - task_id: t\n    type: noop\n    pool: " + "p".repeat(300) + "\n");

      DagRun run = contrail.runCreator().createNew(in.find("chain"), RunRequest.manual(null, null, null));
      List<Instant> heartbeatsSeen = new CopyOnWriteArrayList<>();
      Scheduler scheduler = contrail.scheduler(Scheduler.Scope.only(Set.of(run.key()), r -> { }))
          .dagSync(contrail.dagSync()).build();
      long job = scheduler.start();
      Thread loop = new Thread(() -> scheduler.loop(0, () -> false), "chaos-loop");
      long t0 = System.nanoTime();
      Instant started = Instant.now();
      loop.start();
      try {
        // run and broken files both done: the run should not have waited for the parse
        Instant runDone = null;
        while (System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos()) {
          contrail.stores().jobs().find(job).map(Job::latestHeartbeat).ifPresent(heartbeatsSeen::add);
          if (runDone == null && contrail.stores().runs().findRun(run.key()).orElseThrow().state().isFinished()) {
            runDone = Instant.now();
          }
          if (runDone != null && contrail.stores().dags().importErrors().size() == 3) {
            break;
          }
          Thread.sleep(50);
        }
        assertThat(runDone).as("the run finished").isNotNull();
        System.out.printf("run done after %d ms%n", Duration.between(started, runDone).toMillis());
      } finally {
        scheduler.requestStop();
        loop.join(15_000);
      }

      assertThat(contrail.stores().runs().findRun(run.key()).orElseThrow().state().id()).isEqualTo("success");
      List<TaskInstance> tis = contrail.stores().runs().taskInstances(run.key()).stream()
          .sorted(Comparator.comparing(ti -> ti.times().startDate())).toList();
      for (int i = 1; i < tis.size(); i++) {
        Duration gap = Duration.between(tis.get(i - 1).times().endDate(), tis.get(i).times().startDate());
        assertThat(gap).as("gap from %s to %s while DAG processing parses the broken files",
            tis.get(i - 1).taskId(), tis.get(i).taskId()).isLessThan(Duration.ofMillis(800));
      }
      // the heartbeat moved on while the slow parse was under way, at its own pace
      assertThat(heartbeatsSeen.stream().distinct().count()).as("distinct heartbeats seen").isGreaterThan(5);
      for (int i = 1; i < heartbeatsSeen.size(); i++) {
        assertThat(Duration.between(heartbeatsSeen.get(i - 1), heartbeatsSeen.get(i)))
            .as("time between heartbeats").isLessThan(Duration.ofSeconds(1));
      }
      List<ImportError> errors = contrail.stores().dags().importErrors();
      assertThat(errors).extracting(ImportError::file)
          .containsExactlyInAnyOrder(huge.toString(), slow.toString(), tooLong.toString());
      assertThat(errors).filteredOn(e -> e.file().equals(huge.toString())).singleElement()
          .satisfies(e -> assertThat(e.message()).contains("max_dag_file_bytes"));
      assertThat(errors).filteredOn(e -> e.file().equals(slow.toString())).singleElement()
          .satisfies(e -> assertThat(e.message()).contains("dagbag_import_timeout_ms"));
      assertThat(errors).filteredOn(e -> e.file().equals(tooLong.toString())).singleElement()
          .satisfies(e -> assertThat(e.line()).isEqualTo(5));
      assertThat(contrail.stores().dags().find("chain")).isPresent();
    }
  }
}
