package io.contrail.cli;

import io.contrail.operations.OperationResult;
import io.contrail.run.DagRun;
import io.contrail.run.RunChange;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * What the commands that change runs share: the {@code --yes}, {@code --dry-run} and
 * {@code --json} options, the list of changes shown before asking (from the operation's dry run),
 * the confirmation itself, and who the change is recorded as made by.
 */
final class Operate {
  /** Options of every command that changes runs. */
  static final class Options {
    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes;
    @Option(names = "--dry-run", description = "Only show what would change.") boolean dryRun;
    @Option(names = "--json", description = "Print what changed as JSON.") boolean json;
  }

  private Operate() {}

  /** Who a change from this CLI is recorded as made by: {@code cli:<user>@<host>}. */
  static String actor(String hostname) {
    return "cli:" + System.getProperty("user.name", "unknown") + "@" + hostname;
  }

  /**
   * Shows the plan and asks for confirmation unless {@code --yes}; runs {@code apply} when
   * confirmed. Returns the exit code: 0 done (or nothing to do, or a dry run), 1 not confirmed.
   */
  static int confirmAndApply(PrintWriter out, Options o, String what, OperationResult plan,
      Function<Boolean, OperationResult> apply) {
    PrintWriter text = o.json ? new PrintWriter(System.err, true) : out;
    if (plan.isEmpty()) {
      text.println("nothing to " + what + ": no task instance matches");
      text.flush();
      if (o.json) {
        Output.json(out, json(plan));
      }
      return 0;
    }
    describe(text, what, plan);
    if (o.dryRun) {
      text.println("(dry run: nothing changed)");
      text.flush();
      if (o.json) {
        Output.json(out, json(plan));
      }
      return 0;
    }
    if (!o.yes && !confirmed(text)) {
      text.println("aborted: nothing changed (answer y, or pass --yes)");
      text.flush();
      return 1;
    }
    OperationResult done = apply.apply(true);
    if (o.json) {
      Output.json(out, json(done));
    } else {
      out.printf("done: %d task instance(s) in %d run(s) changed%n", done.taskChanges().size(), done.runs().size());
      out.flush();
    }
    return 0;
  }

  /** Lists the changes run by run, as the confirmation prompt shows them. */
  static void describe(PrintWriter out, String what, OperationResult plan) {
    out.printf("%s %d task instance(s) in %d run(s):%n", what, plan.taskChanges().size(), plan.runs().size());
    for (RunChange r : plan.runs()) {
      DagRun before = r.before();
      DagRun after = r.after();
      out.printf("  run %s of %s: %s%n", before.runId(), before.dagId(), before.state() == after.state()
          ? before.state().id() : before.state().id() + " -> " + after.state().id());
      for (TaskChange t : r.tasks()) {
        TaskInstance b = t.before();
        TaskInstance a = t.after();
        String tries = a.state() == io.contrail.run.TaskState.NONE || a.state() == io.contrail.run.TaskState.RESTARTING
            ? "  (next try " + (a.tryNumber() + 1) + ", up to " + a.tries().max() + ")" : "";
        String stop = b.state() == io.contrail.run.TaskState.RUNNING ? "  (its running try is stopped)" : "";
        out.printf("    %-24s %s -> %s%s%s%n", b.taskId(), b.state().id(), a.state().id(), tries, stop);
      }
    }
    out.flush();
  }

  /** Asks on stdin; only y or yes (any case) confirms, end of input does not. */
  static boolean confirmed(PrintWriter out) {
    out.print("Proceed? [y/N] ");
    out.flush();
    try {
      String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    } catch (IOException e) {
      return false;
    } finally {
      out.println();
    }
  }

  static Map<String, Object> json(OperationResult result) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("applied", result.applied() && !result.isEmpty());
    List<Map<String, Object>> runs = new ArrayList<>();
    for (RunChange r : result.runs()) {
      // conf keys redacted by name; values the process knows as secret are masked on stdout
      Map<String, Object> run = RunsCommand.runJson(r.after(), io.contrail.secrets.SecretsMasker.defaults());
      run.put("state_before", r.before().state().id());
      List<Map<String, Object>> tis = new ArrayList<>();
      for (TaskChange t : r.tasks()) {
        Map<String, Object> ti = RunsCommand.taskJson(t.after());
        ti.put("state_before", t.before().state().id());
        tis.add(ti);
      }
      run.put("task_instances", tis);
      runs.add(run);
    }
    m.put("runs", runs);
    return m;
  }
}
