package io.contrail.executor;

import io.contrail.api.Task;
import io.contrail.api.TaskContext;
import io.contrail.storage.Json;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A {@code type: java} task: instantiates the named {@link Task} class (from the classpath or a jar
 * in dags_folder) and calls it on its own thread, so execution_timeout can interrupt it.
 */
final class JavaTask implements TaskBody {
  private final Supplier<ClassLoader> classLoader;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "contrail-java-task");
    t.setDaemon(true);
    return t;
  });

  JavaTask(Supplier<ClassLoader> classLoader) {
    this.classLoader = classLoader;
  }

  /** The attempt's span as a remote parent, from its W3C traceparent. */
  static Context attemptContext(String traceparent) {
    if (traceparent == null) {
      return Context.root();
    }
    String[] p = traceparent.split("-");
    if (p.length != 4) {
      return Context.root();
    }
    SpanContext sc = SpanContext.createFromRemoteParent(p[1], p[2],
        TraceFlags.fromByte((byte) Integer.parseInt(p[3], 16)), TraceState.getDefault());
    return sc.isValid() ? Context.root().with(Span.wrap(sc)) : Context.root();
  }

  @Override
  public Outcome run(AttemptContext ctx) throws InterruptedException {
    Task task;
    try {
      Class<?> type = Class.forName(ctx.task().className(), true, classLoader.get());
      if (!Task.class.isAssignableFrom(type)) {
        return Outcome.failed(null, ctx.task().className() + " does not implement " + Task.class.getName());
      }
      task = (Task) type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return Outcome.failed(null, "cannot load task class " + ctx.task().className() + ": " + e);
    }
    TaskContext context = new TaskContext(ctx.run().dagId(), ctx.run().runId(), ctx.ti().taskId(),
        ctx.ti().tryNumber(), ctx.run().logicalDate(), Json.readObject(ctx.run().conf()), ctx.log(),
        ctx.traceparent());
    Context attempt = attemptContext(ctx.traceparent());
    Future<?> f = threads.submit(() -> {
      // spans the task starts become children of the attempt span
      try (Scope ignored = attempt.makeCurrent()) {
        task.execute(context);
      }
      return null;
    });
    try {
      if (ctx.timeout() == null) {
        f.get();
      } else {
        f.get(ctx.timeout().toMillis(), TimeUnit.MILLISECONDS);
      }
      return Outcome.ok(null);
    } catch (TimeoutException e) {
      f.cancel(true);
      return Outcome.failed(null, "execution_timeout of " + Durations.format(ctx.timeout()) + " exceeded");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      cause.printStackTrace(ctx.log());
      return Outcome.failed(cause);
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    }
  }
}
