package io.contrail.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskProfile;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which scheduled tasks go to the executor now, within slots, DAG limits and pools. */
class QueueDecisionTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Map<String, Integer> DEFAULT_POOL = Map.of("default_pool", 128);

  @Test
  void highestPriorityWeightGoesFirstThenTheEarliestScheduled() {
    TaskInstance low = scheduled("etl", "low", 1, T0);
    TaskInstance highLate = scheduled("etl", "high_late", 10, T0.plusSeconds(5));
    TaskInstance highEarly = scheduled("etl", "high_early", 10, T0);

    QueueDecision.Result result = QueueDecision.select(List.of(low, highLate, highEarly), 10,
        Map.of(), Map.of(), DEFAULT_POOL, Map.of());

    assertThat(taskIds(result)).containsExactly("high_early", "high_late", "low");
  }

  @Test
  void noMoreTasksThanOpenExecutorSlots() {
    List<TaskInstance> tasks = List.of(scheduled("etl", "a", 3, T0), scheduled("etl", "b", 2, T0),
        scheduled("etl", "c", 1, T0));

    QueueDecision.Result result = QueueDecision.select(tasks, 2, Map.of(), Map.of(), DEFAULT_POOL, Map.of());

    assertThat(taskIds(result)).containsExactly("a", "b");
  }

  @Test
  void fullExecutorQueuesNothing() {
    QueueDecision.Result result = QueueDecision.select(List.of(scheduled("etl", "a", 1, T0)), 0,
        Map.of(), Map.of(), DEFAULT_POOL, Map.of());

    assertThat(result.toQueue()).isEmpty();
  }

  @Test
  void maxActiveTasksCountsTasksAlreadyQueuedOrRunningPerDag() {
    List<TaskInstance> tasks = List.of(scheduled("etl", "a", 3, T0), scheduled("etl", "b", 2, T0),
        scheduled("report", "r", 1, T0));

    QueueDecision.Result result = QueueDecision.select(tasks, 10, Map.of("etl", 1),
        Map.of("etl", 2, "report", 2), DEFAULT_POOL, Map.of());

    assertThat(taskIds(result)).containsExactly("a", "r");
    assertThat(result.starvingForDag()).isEqualTo(1);
    assertThat(result.starvingForPool()).isZero();
  }

  @Test
  void poolSlotsLimitTasksAcrossDagsAndCountWhatIsAlreadyOccupied() {
    List<TaskInstance> tasks = List.of(scheduled("etl", "a", 3, T0, "db", 1),
        scheduled("report", "b", 2, T0, "db", 1), scheduled("etl", "c", 1, T0, "default_pool", 1));

    QueueDecision.Result result = QueueDecision.select(tasks, 10, Map.of(), Map.of(),
        Map.of("db", 2, "default_pool", 128), Map.of("db", 1));

    assertThat(taskIds(result)).containsExactly("a", "c");
    assertThat(result.starvingForPool()).isEqualTo(1);
    assertThat(result.starvingByPool()).containsExactly(Map.entry("db", 1));
  }

  @Test
  void taskTakingSeveralPoolSlotsWaitsUntilAllAreFreeWhileSmallerOnesPass() {
    List<TaskInstance> tasks = List.of(scheduled("etl", "big", 5, T0, "cpu", 3),
        scheduled("etl", "small", 1, T0, "cpu", 1));

    QueueDecision.Result result = QueueDecision.select(tasks, 10, Map.of(), Map.of(),
        Map.of("cpu", 4), Map.of("cpu", 2));

    assertThat(taskIds(result)).containsExactly("small");
    assertThat(result.starvingByPool()).containsExactly(Map.entry("cpu", 1));
  }

  @Test
  void taskFillsAPoolExactly() {
    QueueDecision.Result result = QueueDecision.select(List.of(scheduled("etl", "big", 1, T0, "cpu", 3)),
        10, Map.of(), Map.of(), Map.of("cpu", 4), Map.of("cpu", 1));

    assertThat(taskIds(result)).containsExactly("big");
  }

  @Test
  void taskInAPoolThatDoesNotExistStarves() {
    QueueDecision.Result result = QueueDecision.select(List.of(scheduled("etl", "a", 1, T0, "missing", 1)),
        10, Map.of(), Map.of(), DEFAULT_POOL, Map.of());

    assertThat(result.toQueue()).isEmpty();
    assertThat(result.starvingForPool()).isEqualTo(1);
  }

  private static List<String> taskIds(QueueDecision.Result result) {
    return result.toQueue().stream().map(TaskInstance::taskId).toList();
  }

  private static TaskInstance scheduled(String dagId, String taskId, int weight, Instant at) {
    return scheduled(dagId, taskId, weight, at, "default_pool", 1);
  }

  private static TaskInstance scheduled(String dagId, String taskId, int weight, Instant at,
      String pool, int poolSlots) {
    return TaskInstance.create(new TaskInstanceKey(dagId, "manual__1", taskId),
        new TaskProfile("noop", pool, poolSlots, weight), 1, 1).toScheduled(at);
  }
}
