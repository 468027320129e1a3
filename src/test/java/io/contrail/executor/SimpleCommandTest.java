package io.contrail.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which commands run without bash: plain words naming a program; anything bash would interpret keeps bash. */
class SimpleCommandTest {
  @TempDir Path dir;
  final Map<String, String> env = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin");

  private boolean direct(String command) {
    return SimpleCommand.argv(command, env, dir).isPresent();
  }

  @Test
  void plainWordsAndQuotesAreSplitAsBashWould() {
    assertThat(SimpleCommand.argv("  echo  hello\t'a b'  \"c  d\" e'f'\"g\" ''", env, dir))
        .contains(List.of("echo", "hello", "a b", "c  d", "efg", ""));
    assertThat(SimpleCommand.argv("true", env, dir)).contains(List.of("true"));
    assertThat(SimpleCommand.argv("sleep 0.1", env, dir)).contains(List.of("sleep", "0.1"));
    assertThat(SimpleCommand.argv("env -u X a=1 --flag,x:y@z%+", env, dir)).isPresent();
  }

  @Test
  void anythingBashWouldExpandRedirectOrChainKeepsBash() {
    for (String c : List.of("echo $HOME", "echo ${x}", "echo `date`", "echo $(date)", "true; true", "true && false",
        "true || x", "echo a | cat", "echo a > f", "cat < f", "sleep 1 &", "(true)", "{ true; }", "ls *.txt",
        "ls ?", "ls [ab]", "ls ~", "echo a # comment", "echo \\x", "echo \"$x\"", "echo \"a\\b\"", "echo \"`x`\"",
        "! true", "echo 'open", "echo \"open", "true\ntrue", "echo {a,b}", "")) {
      assertThat(direct(c)).as(c).isFalse();
    }
  }

  @Test
  void builtinsKeywordsAssignmentsAndUnknownProgramsKeepBash() {
    for (String c : List.of("cd /tmp", "exit 3", "export A=1", "source x", ". x", "exec true", "set -e", "printf x",
        "test -f x", "pwd", "kill 1", "read x", "wait", "time true", "if", "A=1 env", "no-such-program-anywhere",
        "echo --help", "true --version")) {
      assertThat(direct(c)).as(c).isFalse();
    }
    assertThat(direct("echo -n hi")).isTrue();
    assertThat(direct("false")).isTrue();
  }

  @Test
  void scriptsNeedAnInterpreterLineAndTheExecutableBit() throws Exception {
    Path withShebang = Files.writeString(dir.resolve("a.sh"), "#!/bin/sh\necho a\n");
    Path without = Files.writeString(dir.resolve("b.sh"), "echo b\n");
    Path notExecutable = Files.writeString(dir.resolve("c.sh"), "#!/bin/sh\necho c\n");
    withShebang.toFile().setExecutable(true);
    without.toFile().setExecutable(true);

    assertThat(direct("./a.sh arg")).isTrue();
    assertThat(direct(withShebang.toString())).isTrue();
    assertThat(direct("./b.sh")).as("bash runs a script without #! itself").isFalse();
    assertThat(direct("./" + notExecutable.getFileName())).isFalse();
    assertThat(direct("./missing.sh")).isFalse();
  }

  @Test
  void exportedFunctionsOrBashEnvKeepBash() {
    assertThat(SimpleCommand.argv("true", Map.of("PATH", "/usr/bin:/bin", "BASH_FUNC_true%%", "() { echo x; }"), dir))
        .isEmpty();
    assertThat(SimpleCommand.argv("true", Map.of("PATH", "/usr/bin:/bin", "BASH_ENV", "/etc/x"), dir)).isEmpty();
    assertThat(SimpleCommand.argv("true", Map.of(), dir)).as("no PATH: bash's default search").isEmpty();
  }
}
