package io.contrail.roles;

import io.contrail.security.PrivateFiles;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded database's wake-up across processes, where PostgreSQL would NOTIFY: a scheduler
 * listens on a UDP port of 127.0.0.1 and writes it, with a random token, to {@code
 * CONTRAIL_HOME/scheduler_wake_port} (readable by the installation's user only); a CLI command
 * that queued a run sends the token there once, and the scheduler starts the run now rather than
 * at its next loop. Only who can read the file can wake the scheduler, and a wake-up only runs a
 * loop early. Idle, the listener is a thread blocked in {@code receive}: no CPU. A datagram that
 * is lost or a scheduler that is not there costs nothing but the loop interval.
 */
final class LocalWakePort implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalWakePort.class);
  static final String FILE = "scheduler_wake_port";
  private static volatile LocalWakePort inThisProcess;

  private final DatagramSocket socket;
  private final Path file;
  private final String line;
  private final Thread thread;

  private LocalWakePort(DatagramSocket socket, Path file, String token, Runnable onWake) {
    this.socket = socket;
    this.file = file;
    this.line = socket.getLocalPort() + " " + token;
    byte[] expected = token.getBytes(StandardCharsets.US_ASCII);
    this.thread = new Thread(() -> {
      byte[] buf = new byte[128];
      while (!socket.isClosed()) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          socket.receive(p);
        } catch (IOException e) {
          return; // closed
        }
        if (java.util.Arrays.equals(buf, 0, p.getLength(), expected, 0, expected.length)) {
          onWake.run();
        }
      }
    }, "contrail-wake-port");
    thread.setDaemon(true);
  }

  /** Listens for wake-ups of this installation; null (with a warning) when the port or file cannot be made. */
  static LocalWakePort listen(Path home, Runnable onWake) {
    byte[] raw = new byte[16];
    new SecureRandom().nextBytes(raw);
    String token = HexFormat.of().formatHex(raw);
    try {
      DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      LocalWakePort port = new LocalWakePort(socket, home.resolve(FILE), token, onWake);
      Path tmp = home.resolve(FILE + ".tmp" + ProcessHandle.current().pid());
      Files.deleteIfExists(tmp);
      PrivateFiles.writeNew(tmp, port.line + "\n");
      Files.move(tmp, port.file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      port.thread.start();
      inThisProcess = port;
      return port;
    } catch (IOException | RuntimeException e) {
      LOG.warn("runs triggered by other processes wait for the next loop: cannot open the wake-up port: {}",
          e.toString());
      return null;
    }
  }

  /** Wakes the scheduler of this installation, if one listens in another process; never throws. */
  static void send(Path home) {
    if (inThisProcess != null) {
      return; // this process is the scheduler: it started the run itself
    }
    try {
      String[] f = Files.readString(home.resolve(FILE)).strip().split(" ");
      byte[] token = f[1].getBytes(StandardCharsets.US_ASCII);
      try (DatagramSocket s = new DatagramSocket()) {
        s.send(new DatagramPacket(token, token.length, InetAddress.getLoopbackAddress(), Integer.parseInt(f[0])));
      }
    } catch (IOException | RuntimeException e) {
      // no scheduler listening here (or not readable): it starts the run at its next loop
    }
  }

  @Override
  public void close() {
    inThisProcess = null;
    socket.close();
    try {
      if (Files.exists(file) && Files.readString(file).strip().equals(line)) {
        Files.delete(file); // still ours: another scheduler may have taken over since
      }
    } catch (IOException e) {
      // left behind: a sender's datagram then goes nowhere
    }
  }
}
