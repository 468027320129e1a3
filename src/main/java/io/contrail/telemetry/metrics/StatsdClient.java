package io.contrail.telemetry.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends StatsD lines as UDP datagrams, one line per datagram, from a non-blocking channel connected
 * to the StatsD host (so it receives from nobody else): a full
 * socket buffer, an unknown host or any I/O error drops the line (counted), never blocks and never
 * throws.
 */
final class StatsdClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatsdClient.class);

  private final InetSocketAddress target;
  private final DatagramChannel channel;
  private final SelfMetrics self;
  private volatile boolean warned;

  StatsdClient(String host, int port, SelfMetrics self) {
    this.self = self;
    this.target = new InetSocketAddress(host, port);
    DatagramChannel ch = null;
    if (target.isUnresolved()) {
      LOG.warn("StatsD host {} does not resolve; StatsD metrics are dropped", host);
    } else {
      try {
        ch = DatagramChannel.open();
        ch.configureBlocking(false);
        // connected: the socket takes datagrams from the StatsD host only, not from anyone on the network
        ch.connect(target);
      } catch (IOException e) {
        LOG.warn("cannot open a UDP socket for StatsD; StatsD metrics are dropped: {}", e.toString());
      }
    }
    this.channel = ch;
  }

  void send(String line) {
    if (channel == null) {
      self.dropped("statsd", "send_failed");
      return;
    }
    try {
      if (channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8))) == 0) {
        self.dropped("statsd", "send_failed");
      }
    } catch (IOException | RuntimeException e) {
      self.dropped("statsd", "send_failed");
      if (!warned) {
        warned = true;
        LOG.warn("StatsD send to {} failed (further failures are only counted): {}", target, e.toString());
      }
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to send
      }
    }
  }
}
