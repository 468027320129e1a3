package io.contrail.cli;

import io.contrail.roles.Role;
import io.contrail.storage.Stores;
import io.contrail.storage.WorkerStore;
import io.contrail.worker.WorkerListing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code workers list}: the distributed workers on this database. */
@Command(name = "workers", description = "Distributed workers (executor = distributed).")
final class WorkersCommand extends ParentCommand {
  @Command(name = "list", description = "Workers running now or ended within the last hour: host, queues,"
      + " concurrency, running tasks, last heartbeat, state (running, stopping, stopped, or lost: declared dead,"
      + " or silent past zombie_threshold_ms).")
  static final class ListWorkers implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        Instant now = c.app().clock().instant();
        List<WorkerStore.WorkerInfo> workers = WorkerListing.list(Stores.workers(c.app().database()), now,
            Duration.ofMillis(c.app().config().scheduler().zombieThresholdMs()));
        if (json) {
          List<Map<String, Object>> out = new ArrayList<>();
          for (WorkerStore.WorkerInfo w : workers) {
            out.add(WorkerListing.view(w, t -> t));
          }
          c.json(out);
        } else {
          List<List<String>> rows = new ArrayList<>();
          for (WorkerStore.WorkerInfo w : workers) {
            rows.add(List.of(String.valueOf(w.jobId()), w.hostname(), String.valueOf(w.pid()), String.join(",", w.queues()),
                String.valueOf(w.concurrency()), String.valueOf(w.running()), Output.time(w.latestHeartbeat()),
                w.state()));
          }
          Output.table(c.out(), List.of("job", "host", "pid", "queues", "concurrency", "running", "last heartbeat",
              "state"), rows);
        }
        return ExitCodes.OK;
      }
    }
  }
}
