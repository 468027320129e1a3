package io.contrail.cli;

import io.contrail.roles.Contrail;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code db migrate} and {@code db check}. */
@Command(name = "db", description = "Metadata database schema.", mixinStandardHelpOptions = true,
    subcommands = {DbCommand.Migrate.class, DbCommand.Check.class})
final class DbCommand {

  @Command(name = "migrate", description = "Apply pending schema migrations.")
  static final class Migrate implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Contrail.unmigrated(Main.env(spec))) {
        int applied = app.database().migrate();
        System.out.printf("applied %d migration(s); schema version %s (%s)%n", applied,
            app.database().currentVersion(), app.database().url());
        return 0;
      }
    }
  }

  @Command(name = "check", description = "Check that the database is reachable and its schema current (exit 1 if not).")
  static final class Check implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Contrail.unmigrated(Main.env(spec))) {
        List<String> pending = app.database().pendingMigrations();
        if (pending.isEmpty()) {
          System.out.printf("ok: schema version %s is current (%s)%n", app.database().currentVersion(), app.database().url());
          return 0;
        }
        System.out.printf("schema version %s; pending migrations: %s — run `contrail db migrate`%n",
            app.database().currentVersion(), String.join(", ", pending));
        return 1;
      }
    }
  }
}
