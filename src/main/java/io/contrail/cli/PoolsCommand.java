package io.contrail.cli;

import io.contrail.roles.Contrail;
import io.contrail.roles.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pools list} and {@code pools set NAME SLOTS}. */
@Command(name = "pools", mixinStandardHelpOptions = true, description = "Pools limit how many tasks run at once.",
    subcommands = {PoolsCommand.ListPools.class, PoolsCommand.Set.class})
final class PoolsCommand {

  @Command(name = "list", description = "Pools with their slots and the slots in use.")
  static final class ListPools implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        Map<String, Integer> slots = app.stores().pools().slots();
        Map<String, Integer> used = app.stores().pools().occupiedSlots();
        List<Map<String, Object>> json = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        slots.forEach((pool, n) -> {
          int u = used.getOrDefault(pool, 0);
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("pool", pool);
          m.put("slots", n);
          m.put("occupied", u);
          json.add(m);
          rows.add(List.of(pool, String.valueOf(n), String.valueOf(u)));
        });
        if (this.json) {
          Output.json(spec.commandLine().getOut(), json);
        } else {
          Output.table(spec.commandLine().getOut(), List.of("pool", "slots", "occupied"), rows);
        }
        return 0;
      }
    }
  }

  @Command(name = "set", description = "Create a pool or change its number of slots.")
  static final class Set implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "POOL") String pool;
    @Parameters(index = "1", paramLabel = "SLOTS") int slots;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (slots < 0) {
        throw new Main.UserError("SLOTS must be 0 or more, got " + slots);
      }
      try (Contrail app = Main.contrail(spec, Role.CLI)) {
        app.stores().pools().setSlots(pool, slots);
        System.out.printf("pool %s has %d slots%n", pool, slots);
        return 0;
      }
    }
  }
}
