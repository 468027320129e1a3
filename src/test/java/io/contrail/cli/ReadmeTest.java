package io.contrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.config.Environment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Keeps the README and docs/ honest about the CLI: every {@code ./contrail ...} line in a code
 * block, every {@code `contrail ...`} span in the text and every command in a CLI table's first
 * column must name an existing command path of the real command tree, with options that command
 * has and no more positional arguments than it takes. Nothing is run: the words are resolved
 * against picocli's model, as {@link CommandTreeTest} walks it. It also pins the README's two
 * set-up commands and that {@code .ci/run} runs the same test command.
 */
class ReadmeTest {
  private static final Path README = Path.of("README.md");
  private static final Pattern FENCE = Pattern.compile("(?ms)^```[^\\n]*\\n(.*?)^```");
  private static final Pattern SPAN = Pattern.compile("`([^`]+)`");
  private static final Pattern COMMAND_SPAN = Pattern.compile("^(\\./)?contrail(\\s|$)");
  private static final Pattern TOKEN = Pattern.compile("'[^']*'|\"[^\"]*\"|\\S+");

  /** One documented command line and where it was found. */
  record Documented(String where, String line) {}

  private static List<Path> documents() throws IOException {
    List<Path> files = new ArrayList<>(List.of(README, Path.of("deploy/README.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  static List<Documented> commandsIn(String where, String text) {
    List<Documented> found = new ArrayList<>();
    Matcher fences = FENCE.matcher(text);
    StringBuilder prose = new StringBuilder();
    int end = 0;
    while (fences.find()) {
      prose.append(text, end, fences.start());
      end = fences.end();
      for (String line : fences.group(1).split("\n")) {
        int at = line.indexOf("./contrail");
        if (at >= 0) {
          found.add(new Documented(where, shellCommand(line.substring(at))));
        }
      }
    }
    prose.append(text.substring(end));
    boolean inCommandTable = false;
    for (String line : prose.toString().split("\n")) {
      if (line.startsWith("| command |")) {
        inCommandTable = true;
        continue;
      }
      if (!line.startsWith("|")) {
        inCommandTable = false;
      }
      if (inCommandTable && !line.startsWith("|---")) {
        found.addAll(tableCommands(where, firstCell(line)));
      }
    }
    // inline spans may wrap across lines of a paragraph
    Matcher spans = SPAN.matcher(prose.toString().replace("\\|", "|"));
    while (spans.find()) {
      String span = spans.group(1).replaceAll("\\s+", " ").strip();
      if (COMMAND_SPAN.matcher(span).find()) {
        found.add(new Documented(where, span.replaceFirst("^(\\./)?contrail", "./contrail")));
      }
    }
    return found;
  }

  /** A table row's first cell without the bars; an escaped bar belongs to the cell. */
  private static String firstCell(String row) {
    String cells = row.substring(1).replace("\\|", "\u0000");
    int bar = cells.indexOf('|');
    return (bar < 0 ? cells : cells.substring(0, bar)).replace("\u0000", "|");
  }

  /** Each span of a command cell is a command; a span of options alone belongs to the one before. */
  private static List<Documented> tableCommands(String where, String cell) {
    List<Documented> found = new ArrayList<>();
    Matcher spans = SPAN.matcher(cell);
    String previous = null;
    while (spans.find()) {
      String span = spans.group(1).strip();
      boolean alias = cell.substring(0, spans.start()).endsWith("alias ");
      if (alias && previous != null) {
        String parent = previous.substring(0, previous.indexOf(' ', "./contrail ".length()));
        found.add(new Documented(where, parent + " " + span));
      } else if (span.startsWith("-") && previous != null) {
        found.add(new Documented(where, previous + " " + span));
      } else {
        previous = "./contrail " + span;
        found.add(new Documented(where, previous));
      }
    }
    return found;
  }

  /** The command itself: up to a comment, a pipe or the next command of the line. */
  private static String shellCommand(String fromContrail) {
    String line = fromContrail.split("\\s#|\\s\\|\\s|&&|;|\\)")[0];
    return line.strip();
  }

  /** Why a documented line does not resolve, or null when it does. */
  static String problem(String line) {
    List<String> words = new ArrayList<>();
    // a placeholder such as <trace id> is one word, even with a space in it
    Matcher tokens = TOKEN.matcher(line.replaceAll("<[^>]*>", "X"));
    while (tokens.find()) {
      words.add(tokens.group());
    }
    if (words.isEmpty() || !words.get(0).equals("./contrail")) {
      return "does not start with ./contrail";
    }
    CommandLine command = Main.commandLine(Environment.of(Map.of()));
    int i = 1;
    while (i < words.size() && command.getSubcommands().containsKey(words.get(i))) {
      command = command.getSubcommands().get(words.get(i));
      i++;
    }
    CommandSpec spec = command.getCommandSpec();
    String name = spec.qualifiedName(" ");
    int positionals = 0;
    for (; i < words.size(); i++) {
      String word = words.get(i).replaceAll("^\\[+|[\\],]+$", "");
      if (word.isEmpty() || word.equals("...") || word.equals("[...]")) {
        continue;
      }
      if (word.startsWith("-")) {
        String optionName = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
        OptionSpec option = spec.findOption(optionName);
        if (option == null) {
          return "`" + name + "` has no option " + optionName;
        }
        if (!word.contains("=") && option.arity().max() > 0 && i + 1 < words.size()) {
          i++; // its value
        }
        continue;
      }
      positionals++;
    }
    boolean hasSubcommands = !command.getSubcommands().isEmpty() && !spec.name().equals("help");
    if (hasSubcommands && positionals > 0) {
      return "`" + name + "` has no command '" + firstPositional(words) + "' (it has: "
          + String.join(", ", command.getSubcommands().keySet()) + ")";
    }
    int most = 0;
    for (PositionalParamSpec p : spec.positionalParameters()) {
      most = p.arity().max() == Integer.MAX_VALUE ? Integer.MAX_VALUE : most + p.arity().max();
      if (most == Integer.MAX_VALUE) {
        break;
      }
    }
    if (positionals > most) {
      return "`" + name + "` takes " + most + " positional argument(s), the line gives " + positionals;
    }
    return null;
  }

  private static String firstPositional(List<String> words) {
    CommandLine command = Main.commandLine(Environment.of(Map.of()));
    for (String w : words.subList(1, words.size())) {
      if (!command.getSubcommands().containsKey(w)) {
        return w;
      }
      command = command.getSubcommands().get(w);
    }
    return "";
  }

  @Test
  void everyDocumentedCommandExistsWithTheOptionsItShows() throws IOException {
    List<Documented> all = new ArrayList<>();
    for (Path doc : documents()) {
      all.addAll(commandsIn(doc.toString(), Files.readString(doc, StandardCharsets.UTF_8)));
    }
    assertThat(all).as("commands found in the README and docs/").hasSizeGreaterThan(40);
    List<String> wrong = new ArrayList<>();
    for (Documented d : all) {
      String problem = problem(d.line());
      if (problem != null) {
        wrong.add(d.where() + ": `" + d.line() + "`: " + problem);
      }
    }
    assertThat(wrong).as("documented commands that the CLI does not have").isEmpty();
  }

  @Test
  void aCommandThatDoesNotExistIsCaughtWhereverItIsDocumented() {
    String doc = """
        ```bash
        ./contrail dags frobnicate example_etl   # no such command
        CONTRAIL__TRACES__OTEL_ON=true ./contrail dags test example_etl --fast
        ```
        Then `./contrail runs show a b c` and

        | command | does |
        |---|---|
        | `pools drain NAME` | nothing |
        | `tasks states DAG_ID RUN_ID` (alias `states-of-run`) | nothing |
        | `runs list [--dag ID] [--since T]` | nothing |
        """;
    List<String> problems = commandsIn("doc", doc).stream().map(d -> problem(d.line())).toList();
    assertThat(problems).containsExactly(
        "`contrail dags` has no command 'frobnicate' (it has: " + String.join(", ",
            Main.commandLine(Environment.of(Map.of())).getSubcommands().get("dags").getSubcommands().keySet()) + ")",
        "`contrail dags test` has no option --fast",
        "`contrail pools` has no command 'drain' (it has: list, set)",
        null,
        "`contrail tasks` has no command 'states-of-run' (it has: " + String.join(", ",
            Main.commandLine(Environment.of(Map.of())).getSubcommands().get("tasks").getSubcommands().keySet()) + ")",
        "`contrail runs list` has no option --since",
        "`contrail runs show` takes 2 positional argument(s), the line gives 3");
  }

  @Test
  void theReadmeKeepsItsTwoSetUpCommandsAndCiRunsTheSameTestCommand() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    String setUp = readme.substring(readme.indexOf("## Set up"), readme.indexOf("## Quickstart"));
    assertThat(setUp).contains("\n./contrail standalone ").contains("\n./scripts/test ");
    assertThat(Files.readString(Path.of(".ci/run"), StandardCharsets.UTF_8)).contains("\nexec ./scripts/test\n");
  }
}
