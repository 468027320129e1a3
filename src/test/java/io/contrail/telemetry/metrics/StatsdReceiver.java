package io.contrail.telemetry.metrics;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A real UDP socket on an ephemeral port collecting the StatsD lines sent to it. */
final class StatsdReceiver implements AutoCloseable {
  private final DatagramSocket socket;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  StatsdReceiver() throws SocketException {
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::receive, "statsd-receiver");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Polls until {@code done} holds for the lines received, or the timeout passes. */
  List<String> await(Predicate<List<String>> done, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(lines()) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return lines();
  }

  List<String> awaitLine(Predicate<String> line, Duration timeout) throws InterruptedException {
    return await(ls -> ls.stream().anyMatch(line), timeout);
  }

  private void receive() {
    byte[] buf = new byte[65_536];
    while (!socket.isClosed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (IOException closed) {
        return;
      }
      for (String line : new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isEmpty()) {
          lines.add(line);
        }
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
