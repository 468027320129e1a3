package io.contrail.telemetry.traces;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.contrail.secrets.SecretsMasker;
import io.contrail.security.PrivateFiles;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * With {@code [logs] otel_on}, every component log record (scheduler, executor, DAG processing,
 * the libraries) is appended, as it is logged, to this process's spool file under
 * {@code logs/component/} — one JSON object a line, masked, with the trace and span ids in force
 * (the current span, else the attempt's from the MDC) — and the log outbox ships the file like an
 * attempt's log. The file is written without buffering in this JVM, so a SIGKILL loses nothing
 * logged before it. A segment that passes {@link #SEGMENT_BYTES} ends with an end marker and a new
 * one begins; when this process's segments still waiting for export pass {@code maxBytes}, new
 * records are dropped, counted ({@link #dropped}) and said once on the other appenders.
 */
final class ComponentSpool extends UnsynchronizedAppenderBase<ILoggingEvent> {
  static final String FOLDER = "component";
  static final String END = "{\"end\":true}";
  static final long SEGMENT_BYTES = 8L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long RECHECK_NANOS = 5_000_000_000L;

  private final Path folder;
  private final long maxBytes;
  private final SecretsMasker masker;
  private final String prefix;
  private final List<Path> segments = new ArrayList<>();
  private final AtomicLong dropped = new AtomicLong();
  private final Logger root;
  private OutputStream out;
  private Path current;
  private long currentBytes;
  private int sequence;
  private boolean dropping;
  private long droppingSince;
  private long lastCheck;

  private static ComponentSpool shared;
  private static int users;

  /**
   * The process's spool, shared: logback's root logger is one per process, so two parts of one
   * process with logs on (a command and the SDK it opens) must not write each record twice. The
   * first caller's settings make it; it ends when the last user releases it.
   *
   * @param logsRoot [logs] base_log_folder; @param maxBytes [logs] component_spool_max_mb in bytes
   */
  static synchronized ComponentSpool acquire(Path logsRoot, long maxBytes, SecretsMasker masker) {
    if (shared == null) {
      shared = new ComponentSpool(logsRoot, maxBytes, masker);
    }
    users++;
    return shared;
  }

  /** One user is done with the process's spool; the last ends it (see {@link #close}). */
  static synchronized void release(ComponentSpool spool) {
    if (spool == shared && --users == 0) {
      shared = null;
      spool.close();
    }
  }

  private ComponentSpool(Path logsRoot, long maxBytes, SecretsMasker masker) {
    this.folder = logsRoot.resolve(FOLDER);
    this.maxBytes = maxBytes;
    this.masker = masker;
    ProcessHandle self = ProcessHandle.current();
    // pid and start time say whose file it is; the random part keeps spools of one JVM apart
    this.prefix = "pid" + self.pid() + "-" + startMillis(self) + "-"
        + java.util.UUID.randomUUID().toString().substring(0, 8) + "-";
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    setContext(context);
    setName("contrail-log-spool");
    start();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(this);
  }

  /** The start time in the file names: with the pid, who wrote a spool (see {@link #writerGone}). */
  static long startMillis(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  /** Whether the process that wrote spool file {@code name} is no longer running on this host. */
  static boolean writerGone(String name) {
    String[] parts = name.split("-");
    if (parts.length < 3 || !parts[0].startsWith("pid")) {
      return true;
    }
    try {
      long pid = Long.parseLong(parts[0].substring(3));
      long started = Long.parseLong(parts[1]);
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ComponentSpool::startMillis)
          .map(s -> s != started).orElse(true);
    } catch (NumberFormatException e) {
      return true;
    }
  }

  Path folder() {
    return folder;
  }

  /** Records dropped so far because the spool was full. */
  long dropped() {
    return dropped.get();
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    try {
      if (full()) {
        dropped.incrementAndGet();
        return;
      }
      byte[] line = (JSON.writeValueAsString(record(event)) + "\n").getBytes(StandardCharsets.UTF_8);
      if (out == null || currentBytes + line.length > SEGMENT_BYTES && currentBytes > 0) {
        rotate();
      }
      out.write(line);
      currentBytes += line.length;
    } catch (IOException | RuntimeException e) {
      dropped.incrementAndGet();
      addWarn("cannot write the component log spool: " + e);
    }
  }

  private ObjectNode record(ILoggingEvent event) {
    ObjectNode n = JSON.createObjectNode();
    Instant at = event.getInstant();
    n.put("t", at.getEpochSecond() * 1_000_000_000L + at.getNano());
    n.put("level", event.getLevel().toString());
    n.put("logger", event.getLoggerName());
    n.put("thread", event.getThreadName());
    n.put("msg", masker.mask(event.getFormattedMessage()));
    SpanContext span = Span.current().getSpanContext();
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (span.isValid()) {
      n.put("trace_id", span.getTraceId());
      n.put("span_id", span.getSpanId());
      n.put("flags", span.getTraceFlags().asByte());
    } else if (mdc.get("trace_id") != null && mdc.get("span_id") != null) {
      n.put("trace_id", mdc.get("trace_id"));
      n.put("span_id", mdc.get("span_id"));
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      n.put("exception.type", thrown.getClassName());
      if (thrown.getMessage() != null) {
        n.put("exception.message", masker.mask(thrown.getMessage()));
      }
      n.put("exception.stacktrace", masker.mask(ThrowableProxyUtil.asString(thrown)));
    }
    return n;
  }

  /** Whether this process's segments waiting for export use the whole allowance (checked every few seconds). */
  private boolean full() {
    long now = System.nanoTime();
    if (segments.isEmpty() || now - lastCheck < RECHECK_NANOS) {
      return dropping;
    }
    lastCheck = now;
    long waiting = 0;
    for (Iterator<Path> it = segments.iterator(); it.hasNext(); ) {
      Path p = it.next();
      try {
        waiting += Files.size(p);
      } catch (IOException gone) {
        if (!p.equals(current)) {
          it.remove(); // shipped and deleted
        }
      }
    }
    boolean was = dropping;
    dropping = waiting >= maxBytes;
    if (dropping && !was) {
      droppingSince = dropped.get();
      addWarn("component log spool full");
      say("component log records are dropped: " + waiting + " bytes wait for export in " + folder
          + " ([logs] component_spool_max_mb); the number dropped is counted in telemetry.logs.dropped");
    } else if (!dropping && was) {
      say((dropped.get() - droppingSince) + " component log record(s) were dropped while the spool was full");
    }
    return dropping;
  }

  /** Says it on the other appenders: this one is guarded against its own thread's records. */
  private void say(String message) {
    LoggerFactory.getLogger(ComponentSpool.class).warn(message);
  }

  private void rotate() throws IOException {
    endSegment();
    PrivateFiles.createDirectories(folder);
    current = folder.resolve(prefix + (sequence++) + ".jsonl");
    out = PrivateFiles.append(current);
    currentBytes = 0;
    segments.add(current);
  }

  private void endSegment() throws IOException {
    if (out != null) {
      out.write((END + "\n").getBytes(StandardCharsets.UTF_8));
      out.close();
      out = null;
    }
  }

  /** Detaches from logback and ends the segment, so the outbox knows the file is complete. */
  private synchronized void close() {
    root.detachAppender(this);
    stop();
    try {
      endSegment();
    } catch (IOException e) {
      // the writer is gone once this process ends: the outbox then takes the file as complete
    }
  }
}
