package io.contrail.telemetry.traces;

import io.opentelemetry.sdk.trace.IdGenerator;
import java.util.function.Supplier;

/**
 * The SDK's id generator, which can be told the ids of the next root span started on this thread:
 * a {@code scheduler.loop} span must have the ids the scheduler allocated when the loop started
 * (and stored with the runs it created), and the SDK tracer takes no given ids. Every other span
 * gets random ids as with {@link IdGenerator#random()}.
 */
final class LoopIds implements IdGenerator {
  static final LoopIds INSTANCE = new LoopIds();

  private static final IdGenerator RANDOM = IdGenerator.random();
  /** {trace id, span id} still to hand out on this thread; each is handed out once. */
  private static final ThreadLocal<String[]> NEXT = new ThreadLocal<>();

  private LoopIds() {}

  /** Runs {@code start} (which starts one root span) with that span's ids fixed; null ids: random. */
  static <T> T withIds(String traceId, String spanId, Supplier<T> start) {
    NEXT.set(new String[] {traceId, spanId});
    try {
      return start.get();
    } finally {
      NEXT.remove();
    }
  }

  @Override
  public String generateSpanId() {
    String given = take(1);
    return given != null ? given : RANDOM.generateSpanId();
  }

  @Override
  public String generateTraceId() {
    String given = take(0);
    return given != null ? given : RANDOM.generateTraceId();
  }

  private static String take(int i) {
    String[] next = NEXT.get();
    if (next == null) {
      return null;
    }
    String id = next[i];
    next[i] = null;
    return id;
  }
}
