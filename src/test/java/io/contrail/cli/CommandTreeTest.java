package io.contrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.config.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Walks the whole command tree, so a command added later cannot miss what every command must
 * have: {@code --help}, {@code -h} and {@code contrail help PATH} print its usage and exit 0, a
 * group run alone prints its usage to stderr and exits 2, and every command that prints takes
 * {@code --json}. Runs in this JVM: none of this opens a database.
 */
class CommandTreeTest {
  /** Commands that run until stopped and print a banner, not a result. */
  private static final List<String> WITHOUT_JSON = List.of("contrail standalone", "contrail scheduler", "contrail api-server",
      "contrail worker",
      "contrail help");

  private record Printed(int exitCode, String out, String err) {}

  private static Printed contrail(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(Environment.of(Map.of("CONTRAIL_HOME", "/nonexistent/contrail-home")),
        new PrintWriter(out), new PrintWriter(err), args);
    return new Printed(code, out.toString(), err.toString());
  }

  private static List<CommandLine> everyCommand() {
    List<CommandLine> all = new ArrayList<>();
    List<CommandLine> todo = new ArrayList<>(List.of(Main.commandLine(Environment.of(Map.of()))));
    while (!todo.isEmpty()) {
      CommandLine c = todo.remove(0);
      all.add(c);
      todo.addAll(c.getSubcommands().values());
    }
    return all;
  }

  private static List<String> path(CommandLine c) {
    List<String> names = new ArrayList<>(List.of(c.getCommandSpec().qualifiedName(" ").split(" ")));
    names.remove(0); // "contrail"
    return names;
  }

  private static String[] args(List<String> path, String... more) {
    List<String> all = new ArrayList<>(path);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void theTreeHasEveryDocumentedCommand() {
    List<String> names = everyCommand().stream().map(c -> c.getCommandSpec().qualifiedName(" ")).toList();
    assertThat(names).contains("contrail standalone", "contrail scheduler", "contrail api-server", "contrail db migrate", "contrail db check",
        "contrail dags list", "contrail dags show", "contrail dags pause", "contrail dags unpause",
        "contrail dags trigger", "contrail dags test", "contrail dags backfill", "contrail dags list-import-errors",
        "contrail runs list", "contrail runs show", "contrail tasks logs", "contrail pools list", "contrail pools set",
        "contrail traces show", "contrail traces export", "contrail bench", "contrail help",
        "contrail tasks clear", "contrail tasks mark", "contrail tasks test", "contrail tasks states",
        "contrail runs clear", "contrail runs mark", "contrail runs delete", "contrail dags delete",
        "contrail worker", "contrail workers list");
  }

  @Test
  void helpAndDashHAndTheHelpCommandPrintTheUsageOfEveryCommand() {
    for (CommandLine c : everyCommand()) {
      String name = c.getCommandSpec().qualifiedName(" ");
      List<String> path = path(c);
      Printed help = contrail(args(path, "--help"));
      assertThat(help.exitCode()).as("exit code of `%s --help`: %s", name, help).isZero();
      assertThat(help.out()).as("`%s --help`", name).startsWith("Usage: " + name);
      assertThat(help.err()).as("stderr of `%s --help`", name).isEmpty();

      Printed h = contrail(args(path, "-h"));
      assertThat(h.exitCode()).as("exit code of `%s -h`", name).isZero();
      assertThat(h.out()).as("`%s -h`", name).isEqualTo(help.out());

      List<String> viaHelp = new ArrayList<>(List.of("help"));
      viaHelp.addAll(path);
      Printed command = contrail(viaHelp.toArray(String[]::new));
      assertThat(command.exitCode()).as("exit code of `contrail %s`", String.join(" ", viaHelp)).isZero();
      assertThat(command.out()).as("`contrail %s`", String.join(" ", viaHelp)).isEqualTo(help.out());
    }
  }

  @Test
  void aGroupRunAloneShowsItsUsageOnStderrAndExitsTwo() {
    for (CommandLine c : everyCommand()) {
      if (c.getSubcommands().isEmpty() || c.getCommandSpec().name().equals("help")) {
        continue;
      }
      String name = c.getCommandSpec().qualifiedName(" ");
      Printed alone = contrail(args(path(c)));
      assertThat(alone.exitCode()).as("exit code of `%s`", name).isEqualTo(2);
      assertThat(alone.err()).as("`%s`", name).startsWith("Usage: " + name);
      assertThat(alone.out()).as("stdout of `%s`", name).isEmpty();
    }
  }

  @Test
  void everyCommandThatPrintsTakesJson() {
    for (CommandLine c : everyCommand()) {
      String name = c.getCommandSpec().qualifiedName(" ");
      if (!c.getSubcommands().isEmpty() || WITHOUT_JSON.contains(name)) {
        continue;
      }
      assertThat(c.getCommandSpec().findOption("--json")).as("--json of `%s`", name).isNotNull();
    }
  }

  @Test
  void unknownCommandsAndOptionsAreOneLineAndExitTwo() {
    Printed option = contrail("dags", "list", "--bogus");
    assertThat(option.exitCode()).isEqualTo(2);
    assertThat(option.err().strip()).isEqualTo("error: Unknown option: '--bogus' (see `contrail dags list --help`)");

    Printed missing = contrail("runs", "show", "only_a_dag");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err().strip()).startsWith("error: Missing required parameter: 'RUN_ID'").doesNotContain("\n");

    Printed helpOfNothing = contrail("help", "runs", "nope");
    assertThat(helpOfNothing.exitCode()).isEqualTo(2);
    assertThat(helpOfNothing.err().strip()).isEqualTo("error: `contrail runs` has no command 'nope' (it has: list, show, clear, mark,"
        + " delete)");
  }
}
