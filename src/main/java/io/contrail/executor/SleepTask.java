package io.contrail.executor;

import io.contrail.api.SleepSpec;
import java.time.Duration;

/** A {@code type: sleep} task: waits for its duration; fails if execution_timeout is shorter. */
final class SleepTask implements TaskBody<SleepSpec> {
  @Override
  public Outcome run(AttemptContext ctx, SleepSpec spec) throws InterruptedException {
    Duration d = spec.duration();
    if (ctx.timeout() != null && ctx.timeout().compareTo(d) < 0) {
      Thread.sleep(ctx.timeout().toMillis());
      return Outcome.failed(null, "execution_timeout of " + Durations.format(ctx.timeout()) + " exceeded");
    }
    ctx.log().println("[contrail] sleeping " + Durations.format(d));
    Thread.sleep(d.toMillis());
    return Outcome.ok(null);
  }
}
