package io.contrail.cli;

import io.contrail.roles.WorkerProcess;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code worker}: takes queued tasks from the database and runs them ({@code executor = distributed}). */
@Command(name = "worker", description = "Take queued tasks of some queues from the database and run them"
    + " (executor = distributed), until stopped.")
final class WorkerCommand implements Callable<Integer> {
  @Option(names = "--concurrency", paramLabel = "N", description = "Tasks run at once (default: [worker] concurrency).")
  int concurrency;
  @Option(names = "--queues", paramLabel = "A,B", description = "Queues to take tasks from (default: [worker] queues).")
  String queues;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (spec.commandLine().getParseResult().hasMatchedOption("--concurrency")) {
      UserInput.atLeast("--concurrency", concurrency, 1);
    }
    return WorkerProcess.run(Main.env(spec), concurrency, queues, System.out);
  }
}
