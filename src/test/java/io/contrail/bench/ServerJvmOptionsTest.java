package io.contrail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the server roles' settings file is read: the same rules as the launcher's loop over it. */
class ServerJvmOptionsTest {
  private static final List<String> FILE = List.of("# comment", "", "MALLOC_ARENA_MAX=2", "-XX:+UseSerialGC",
      "  -Xmx192m  ", "scheduler,worker: -Xmx96m", "-Xss512k");

  @Test
  void optionsInOrderVariablesApartCommentsSkipped() {
    ServerJvmOptions o = ServerJvmOptions.parse(FILE, "", "standalone");

    assertThat(o.jvmOptions()).containsExactly("-XX:+UseSerialGC", "-Xmx192m", "-Xss512k");
    assertThat(o.environment()).isEqualTo(Map.of("MALLOC_ARENA_MAX", "2"));
  }

  @Test
  void aLineForSomeRolesAppliesToThoseAlone() {
    assertThat(ServerJvmOptions.parse(FILE, "", "worker").jvmOptions())
        .containsExactly("-XX:+UseSerialGC", "-Xmx192m", "-Xmx96m", "-Xss512k");
    assertThat(ServerJvmOptions.parse(FILE, "", "scheduler").jvmOptions()).contains("-Xmx96m");
    assertThat(ServerJvmOptions.parse(FILE, "", "api-server").jvmOptions()).doesNotContain("-Xmx96m");
  }

  @Test
  void userOptionsComeLastAndAUserCollectorReplacesTheFilesOne() {
    ServerJvmOptions o = ServerJvmOptions.parse(FILE, " -Xmx1g  -XX:+UseG1GC ", "bench");

    assertThat(o.jvmOptions()).containsExactly("-Xmx192m", "-Xss512k", "-Xmx1g", "-XX:+UseG1GC");
  }

  @Test
  void aUserFlagThatOnlyMentionsGcKeepsTheFilesCollector() {
    assertThat(ServerJvmOptions.parse(FILE, "-XX:+UseStringDeduplication", "bench").jvmOptions())
        .startsWith("-XX:+UseSerialGC").endsWith("-XX:+UseStringDeduplication");
  }
}
