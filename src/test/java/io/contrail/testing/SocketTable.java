package io.contrail.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The kernel's socket table, read from {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and
 * {@code udp6} and matched to a process through the socket inodes in {@code /proc/<pid>/fd}: the
 * sockets a process listens on — TCP in state LISTEN, UDP bound without a peer (it takes datagrams
 * from anyone) — with their local addresses, as {@code ss -ltunp} would show them.
 */
public final class SocketTable {
  /** One listening socket of the process. */
  public record Socket(String protocol, InetAddress address, int port) {
    public boolean loopback() {
      return address.isLoopbackAddress() || isMappedLoopback(address);
    }

    @Override
    public String toString() {
      return protocol + " " + address.getHostAddress() + ":" + port;
    }
  }

  private SocketTable() {}

  /** What this JVM listens on. */
  public static List<Socket> listening() {
    return listening(ProcessHandle.current().pid());
  }

  public static List<Socket> listening(long pid) {
    Set<String> inodes = socketInodes(pid);
    List<Socket> out = new ArrayList<>();
    for (String protocol : List.of("tcp", "tcp6", "udp", "udp6")) {
      Path table = Path.of("/proc/net", protocol);
      if (!Files.exists(table)) {
        continue;
      }
      List<String> lines = read(table);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        boolean listens = protocol.startsWith("tcp") ? f[3].equals("0A") : f[2].endsWith(":0000");
        if (listens && inodes.contains(f[9])) {
          String[] local = f[1].split(":");
          out.add(new Socket(protocol, address(local[0]), Integer.parseInt(local[1], 16)));
        }
      }
    }
    return out;
  }

  private static Set<String> socketInodes(long pid) {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      fds.forEach(fd -> {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor went away while we looked
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return inodes;
  }

  /** /proc/net prints addresses as host-order 32-bit words in hex. */
  private static InetAddress address(String hex) {
    byte[] raw = HexFormat.of().parseHex(hex);
    byte[] bytes = new byte[raw.length];
    for (int word = 0; word < raw.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        bytes[word + i] = raw[word + 3 - i];
      }
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isMappedLoopback(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff && b[12] == 127;
  }

  private static List<String> read(Path table) {
    try {
      return Files.readAllLines(table);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
