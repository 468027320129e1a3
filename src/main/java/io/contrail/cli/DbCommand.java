package io.contrail.cli;

import io.contrail.roles.Contrail;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code db migrate} and {@code db check}. */
@Command(name = "db", description = "Metadata database schema.")
final class DbCommand extends ParentCommand {

  @Command(name = "migrate", description = "Apply pending schema migrations.")
  static final class Migrate implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Contrail.unmigrated(Main.env(spec))) {
        int applied = app.database().migrate();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("applied", applied);
          m.put("schema_version", app.database().currentVersion());
          m.put("database", app.database().url());
          Output.json(out, m);
        } else {
          out.printf("applied %d migration(s); schema version %s (%s)%n", applied,
              app.database().currentVersion(), app.database().url());
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "check", description = "Check that the database is reachable and its schema current (exit 1 if not).")
  static final class Check implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Contrail.unmigrated(Main.env(spec))) {
        List<String> pending = app.database().pendingMigrations();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("current", pending.isEmpty());
          m.put("schema_version", app.database().currentVersion());
          m.put("pending_migrations", pending);
          m.put("database", app.database().url());
          Output.json(out, m);
        } else if (pending.isEmpty()) {
          out.printf("ok: schema version %s is current (%s)%n", app.database().currentVersion(), app.database().url());
        } else {
          out.printf("schema version %s; pending migrations: %s — run `contrail db migrate`%n",
              app.database().currentVersion(), String.join(", ", pending));
        }
        return pending.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
      }
    }
  }
}
