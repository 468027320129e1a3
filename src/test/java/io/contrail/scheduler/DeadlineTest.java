package io.contrail.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.operations.RunRequest;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.testing.InProcessContrail;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Airflow 3.1's deadline alerts on the production schedulers: two of them, in this JVM, on one
 * embedded PostgreSQL; a run still running when its deadline passes gets its on_deadline_missed
 * callback exactly once (a ledger file counts it), and the run itself goes on to succeed.
 */
class DeadlineTest {
  @TempDir Path dir;

  @Test
  void aMissedDeadlineFiresOnceWithTwoSchedulersOnOnePostgres() throws Exception {
    Path ledger = dir.resolve("ledger");
    Path done = dir.resolve("done");
    String yaml = """
        dag_id: late
        schedule: null
        start_date: 2026-01-01
        deadline: {after: queued, within: 1s}
        on_deadline_missed: 'echo "missed {{ run_id }}" >> %s'
        tasks:
          - task_id: slow
            type: shell
            command: 'sleep 3; touch %s'
        """.formatted(ledger, done);
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      String url = pg.getJdbcUrl("postgres", "postgres");
      List<InProcessContrail> processes = new ArrayList<>();
      List<Scheduler> schedulers = new ArrayList<>();
      List<Thread> loops = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          InProcessContrail c = new InProcessContrail(dir.resolve("home" + i))
              .set("CONTRAIL__DATABASE__URL", url).set("CONTRAIL__DATABASE__USER", "postgres")
              .dag("late.yaml", yaml);
          processes.add(c);
          c.contrail().callbackRunner();
        }
        InProcessContrail first = processes.get(0);
        first.stores().dags().setPaused("late", false);
        DagRun run = first.contrail().runCreator().createNew(first.find("late"), RunRequest.manual("r1", null, null));
        for (InProcessContrail c : processes) {
          Scheduler s = c.contrail().scheduler(Scheduler.Scope.everything()).build();
          s.start();
          Thread t = new Thread(() -> s.loop(0, () -> false), "test-scheduler");
          t.start();
          schedulers.add(s);
          loops.add(t);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline
            && !(first.stores().runs().findRun(run.key()).orElseThrow().state().isFinished() && Files.exists(ledger))) {
          Thread.sleep(100);
        }
        Thread.sleep(1500); // a second firing, were there one, would land by now
        assertThat(first.stores().runs().findRun(run.key()).orElseThrow().state()).isEqualTo(RunState.SUCCESS);
        assertThat(Files.readAllLines(ledger)).containsExactly("missed r1");
      } finally {
        schedulers.forEach(Scheduler::requestStop);
        for (Thread t : loops) {
          t.join(Duration.ofSeconds(30).toMillis());
        }
        processes.forEach(InProcessContrail::close);
      }
    }
  }
}
