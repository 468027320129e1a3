package io.contrail.executor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a shell task's command needs a shell at all, and if not, splits it into the
 * program's arguments. A command is simple when bash would run it as one external program with
 * literal arguments, with nothing for bash to expand or redirect:
 *
 * <ul>
 *   <li>words separated by spaces or tabs, each made of letters, digits, {@code _ - . / , : = + @ %}
 *       (and non-ASCII characters), {@code '...'} (anything but {@code '}) or {@code "..."} (anything
 *       but {@code $ ` \ "});
 *   <li>the first word has no {@code =} (that would be a variable assignment) and names a program
 *       bash would find as a file: on the task's {@code PATH}, or a path with a {@code /}, an
 *       executable regular file that begins with {@code #!} or is an ELF binary (a script without
 *       {@code #!} is run by bash itself, so it goes to bash);
 *   <li>the first word is not a bash keyword or builtin, except {@code true}, {@code false} and
 *       {@code echo} when no argument starts with {@code --} (their programs behave as the
 *       builtins then);
 *   <li>the environment exports no bash functions ({@code BASH_FUNC_*}) and no {@code BASH_ENV}.
 * </ul>
 *
 * Everything else — a {@code $}, a backslash, {@code ; & | < > ( ) { } [ ] * ? ~ # !}, a line
 * break, an unknown program — keeps full bash semantics.
 */
final class SimpleCommand {
  private static final Set<String> BASH_WORDS = Set.of(
      // reserved words
      "!", "case", "coproc", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in", "select",
      "then", "time", "until", "while", "{", "}", "[[", "]]",
      // builtins (bash 5.2)
      ".", ":", "[", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "command", "compgen", "complete",
      "compopt", "continue", "declare", "dirs", "disown", "enable", "eval", "exec", "exit", "export", "fc", "fg",
      "getopts", "hash", "help", "history", "jobs", "kill", "let", "local", "logout", "mapfile", "popd", "printf",
      "pushd", "pwd", "read", "readarray", "readonly", "return", "set", "shift", "shopt", "source", "suspend", "test",
      "times", "trap", "type", "typeset", "ulimit", "umask", "unalias", "unset", "wait");
  /** Builtins whose program of the same name does the same with plain arguments. */
  private static final Set<String> SAME_AS_PROGRAM = Set.of("true", "false", "echo");

  private SimpleCommand() {}

  /**
   * The argv of {@code command} when it needs no shell (see the class comment), else empty.
   *
   * @param env the task process's environment (its PATH is searched)
   * @param cwd the folder the command runs in (relative program paths and empty PATH entries)
   */
  static Optional<List<String>> argv(String command, Map<String, String> env, Path cwd) {
    if (command == null || env.containsKey("BASH_ENV") || env.keySet().stream().anyMatch(k -> k.startsWith("BASH_FUNC_"))) {
      return Optional.empty();
    }
    Optional<List<String>> words = words(command);
    if (words.isEmpty() || words.get().isEmpty()) {
      return Optional.empty();
    }
    List<String> argv = words.get();
    String program = argv.get(0);
    if (program.isEmpty() || program.contains("=")) {
      return Optional.empty();
    }
    if (BASH_WORDS.contains(program)) {
      return Optional.empty();
    }
    if (SAME_AS_PROGRAM.contains(program) && argv.stream().skip(1).anyMatch(a -> a.startsWith("--"))) {
      return Optional.empty();
    }
    return resolve(program, env.get("PATH"), cwd).filter(SimpleCommand::isExecutable).map(p -> argv);
  }

  /** The words of {@code command} with quotes removed, or empty when it has anything bash would interpret. */
  static Optional<List<String>> words(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    int n = command.length();
    for (int i = 0; i < n; i++) {
      char c = command.charAt(i);
      if (c == ' ' || c == '\t') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        continue;
      }
      if (word == null) {
        word = new StringBuilder();
      }
      if (c == '\'') {
        int close = command.indexOf('\'', i + 1);
        if (close < 0) {
          return Optional.empty();
        }
        word.append(command, i + 1, close);
        i = close;
      } else if (c == '"') {
        int j = i + 1;
        while (j < n && command.charAt(j) != '"') {
          char q = command.charAt(j);
          if (q == '$' || q == '`' || q == '\\') {
            return Optional.empty();
          }
          j++;
        }
        if (j == n) {
          return Optional.empty();
        }
        word.append(command, i + 1, j);
        i = j;
      } else if (isPlain(c)) {
        word.append(c);
      } else {
        return Optional.empty();
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return Optional.of(words);
  }

  private static boolean isPlain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "_-./,:=+@%".indexOf(c) >= 0
        || (c >= 0x80 && !Character.isWhitespace(c) && !Character.isISOControl(c));
  }

  /** Where bash would find {@code program}: a path with a slash as given, else the first PATH entry holding it. */
  private static Optional<Path> resolve(String program, String path, Path cwd) {
    if (program.contains("/")) {
      return Optional.of(cwd.resolve(program));
    }
    if (path == null) {
      return Optional.empty(); // bash would search its own default PATH: leave that to bash
    }
    for (String dir : path.split(":", -1)) {
      Path candidate = (dir.isEmpty() ? cwd : cwd.resolve(dir)).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** An executable regular file the kernel runs itself: an ELF binary or a script with {@code #!}. */
  private static boolean isExecutable(Path file) {
    if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
      return false;
    }
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      int read = in.readNBytes(head, 0, 4);
      return (read >= 2 && head[0] == '#' && head[1] == '!')
          || (read == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F');
    } catch (IOException e) {
      return false;
    }
  }
}
