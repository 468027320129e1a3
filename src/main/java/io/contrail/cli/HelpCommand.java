package io.contrail.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code contrail help [COMMAND [SUBCOMMAND]]}: the usage of any command in the tree, however deep
 * ({@code contrail help runs list}); picocli's own help command stops at the first level.
 */
@Command(name = "help", helpCommand = true, mixinStandardHelpOptions = true,
    description = "Show the usage of a command: `contrail help dags test`.")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Callable<Integer> {
  @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command (and subcommands) to describe.")
  List<String> path = new ArrayList<>();

  private CommandLine self;
  private PrintWriter out;
  private PrintWriter err;

  @Override
  public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out,
      PrintWriter err) {
    this.self = helpCommandLine;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    CommandLine target = self.getParent();
    List<String> walked = new ArrayList<>();
    for (String name : path) {
      CommandLine next = target.getSubcommands().get(name);
      if (next == null) {
        err.printf("error: `contrail%s` has no command '%s' (it has: %s)%n", walked.isEmpty() ? "" : " "
            + String.join(" ", walked), name, String.join(", ", target.getSubcommands().keySet()));
        err.flush();
        return ExitCodes.BAD_INPUT;
      }
      walked.add(name);
      target = next;
    }
    target.usage(out);
    out.flush();
    return ExitCodes.OK;
  }
}
