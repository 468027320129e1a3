package io.contrail.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Collector installer on a machine without Go, and its cache keyed by the builder manifest. */
class PeersTest {
  private static final Path MANIFEST = Peers.projectRoot().resolve("scripts/peers/otelcol-builder.yaml");

  @Test
  void withoutGoTheCollectorInstallerFailsAtOnceNamingWhatIsMissing(@TempDir Path cache) {
    long t0 = System.nanoTime();
    Peers.Result r = Peers.run("otelcol.sh", noGo(cache), Duration.ofSeconds(30));
    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("no Go toolchain").contains("Go >= 1.21");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aCollectorBuiltFromTheSameManifestIsReusedWithoutGo(@TempDir Path cache) throws Exception {
    Path cached = fakeBinary(cache.resolve("otelcol-" + version() + "-" + manifestKey()));
    Peers.Result r = Peers.run("otelcol.sh", noGo(cache), Duration.ofSeconds(30));
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout().strip()).isEqualTo(cached.toString());
  }

  @Test
  void aCollectorBuiltFromAnotherManifestIsNotReused(@TempDir Path cache) throws Exception {
    fakeBinary(cache.resolve("otelcol-" + version() + "-000000000000"));
    Peers.Result r = Peers.run("otelcol.sh", noGo(cache), Duration.ofSeconds(30));
    assertThat(r.exitCode()).as("it would have to build, and cannot without Go: %s", r).isEqualTo(2);
  }

  private static Map<String, String> noGo(Path cache) {
    return Map.of("CONTRAIL_PEERS_CACHE", cache.toString(), "CONTRAIL_GO", cache.resolve("no-go-here").toString());
  }

  private static Path fakeBinary(Path dir) throws Exception {
    Files.createDirectories(dir);
    Path bin = dir.resolve("otelcol-contrail");
    Files.writeString(bin, "#!/bin/sh\n");
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  private static String version() throws Exception {
    Matcher m = Pattern.compile("(?m)^  version: *([0-9.]+)").matcher(Files.readString(MANIFEST));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static String manifestKey() throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(MANIFEST));
    return HexFormat.of().formatHex(hash).substring(0, 12);
  }
}
