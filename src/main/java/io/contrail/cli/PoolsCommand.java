package io.contrail.cli;

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
@Command(name = "pools", description = "Pools limit how many tasks run at once.")
final class PoolsCommand extends ParentCommand {

  static Map<String, Object> poolJson(String pool, int slots, int occupied) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pool", pool);
    m.put("slots", slots);
    m.put("occupied", occupied);
    return m;
  }

  @Command(name = "list", description = "Pools with their slots and the slots in use.")
  static final class ListPools implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        Map<String, Integer> slots = c.app().stores().pools().slots();
        Map<String, Integer> used = c.app().stores().pools().occupiedSlots();
        List<Map<String, Object>> pools = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        slots.forEach((pool, n) -> {
          int u = used.getOrDefault(pool, 0);
          pools.add(poolJson(pool, n, u));
          rows.add(List.of(pool, String.valueOf(n), String.valueOf(u)));
        });
        if (json) {
          c.json(pools);
        } else {
          Output.table(c.out(), List.of("pool", "slots", "occupied"), rows);
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "set", description = "Create a pool or change its number of slots.")
  static final class Set implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "POOL", description = "The pool's name.") String pool;
    @Parameters(index = "1", paramLabel = "SLOTS", description = "Its slots, 0 or more.") int slots;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      UserInput.atLeast("SLOTS", slots, 0);
      if (!pool.matches("[A-Za-z0-9_.-]{1,250}")) {
        throw new Main.UserError("POOL '" + pool + "' must be 1-250 characters of A-Z a-z 0-9 _ . -");
      }
      try (CliContext c = CliContext.open(spec, Role.CLI)) {
        c.app().stores().pools().setSlots(pool, slots);
        if (json) {
          c.json(poolJson(pool, slots, c.app().stores().pools().occupiedSlots().getOrDefault(pool, 0)));
        } else {
          c.out().printf("pool %s has %d slots%n", pool, slots);
        }
        return ExitCodes.OK;
      }
    }
  }
}
