package io.contrail.executor;

import io.contrail.api.JavaSpec;
import io.contrail.api.Task;
import io.contrail.api.TaskContext;
import io.contrail.storage.Json;
import io.contrail.telemetry.TraceContexts;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.CountDownLatch;
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
final class JavaTask implements TaskBody<JavaSpec> {
  private static final long STOP_WAIT_SECONDS = 5;
  private final Supplier<ClassLoader> classLoader;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "contrail-java-task");
    t.setDaemon(true);
    return t;
  });

  JavaTask(Supplier<ClassLoader> classLoader) {
    this.classLoader = classLoader;
  }

  @Override
  public Outcome run(AttemptContext ctx, JavaSpec spec) throws InterruptedException {
    Task task;
    try {
      Class<?> type = Class.forName(spec.className(), true, classLoader.get());
      if (!Task.class.isAssignableFrom(type)) {
        return Outcome.failed(null, spec.className() + " does not implement " + Task.class.getName());
      }
      task = (Task) type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return Outcome.failed(null, "cannot load task class " + spec.className() + ": " + e);
    }
    TaskContext context = new TaskContext(ctx.run().dagId(), ctx.run().runId(), ctx.ti().taskId(),
        ctx.ti().tryNumber(), ctx.run().spec().logicalDate(), Json.readObject(ctx.run().spec().conf()), ctx.log(),
        TraceContexts.traceparent(ctx.attemptSpan()));
    Context attempt = ctx.otelContext();
    CountDownLatch ended = new CountDownLatch(1);
    Future<?> f = threads.submit(() -> {
      // spans the task starts become children of the attempt span
      try (Scope ignored = attempt.makeCurrent()) {
        task.execute(context);
      } finally {
        ended.countDown();
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
      // the try counts as stopped only once the task's thread has ended (or ignored us for a while)
      Thread.interrupted();
      try {
        ended.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException again) {
        // stop waiting
      }
      throw e;
    }
  }
}
