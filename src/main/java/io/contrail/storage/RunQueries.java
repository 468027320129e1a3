package io.contrail.storage;

import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.RunType;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The REST API's reads of runs and task instances: filtered, sorted and paged in SQL, so a listing
 * costs the same with 100 runs or 100,000.
 */
public interface RunQueries {
  /** Sort keys and range-filter columns of a run list; {@code CREATED} is creation order (Airflow's id). */
  enum RunColumn { CREATED, STATE, DAG_ID, RUN_ID, LOGICAL_DATE, RUN_AFTER, START_DATE, END_DATE, DURATION, CONF }

  /**
   * @param dagId the DAG whose runs are listed, or null for every DAG
   * @param states runs in any of these states; empty for no filter (likewise {@code types})
   * @param times bounds per timestamp column (LOGICAL_DATE, RUN_AFTER, START_DATE, END_DATE)
   * @param durationSeconds bounds on end_date - start_date, in seconds
   * @param confContains a substring of the run's conf as stored, or null
   */
  record RunQuery(String dagId, int limit, int offset, List<Listing.Sort<RunColumn>> sort, Set<RunState> states,
      Set<RunType> types, Listing.Match dagIdMatch, Listing.Match runIdMatch, Listing.Match userMatch,
      String confContains, Map<RunColumn, Listing.Range<Instant>> times, Listing.Range<Double> durationSeconds) {
    public RunQuery {
      sort = List.copyOf(sort);
      states = Set.copyOf(states);
      types = Set.copyOf(types);
      times = Map.copyOf(times);
    }
  }

  Page<DagRun> runs(RunQuery query);

  /** Sort keys and filter columns of a task instance list; {@code KEY} is (dag_id, run_id, task_id). */
  enum TaskColumn { KEY, STATE, START_DATE, END_DATE, DURATION, TRY_NUMBER, LOGICAL_DATE, RUN_AFTER, OPERATOR }

  /**
   * @param dagId the DAG, or null for every DAG; {@code runId} likewise
   * @param states task instances in any of these states; empty for no filter
   * @param taskTypes task types (the operator); empty for no filter (likewise {@code pools})
   */
  record TaskQuery(String dagId, String runId, int limit, int offset, List<Listing.Sort<TaskColumn>> sort,
      Set<TaskState> states, String taskId, Listing.Match taskIdMatch, Listing.Match dagIdMatch,
      Listing.Match runIdMatch, Set<String> pools, Set<String> taskTypes, Set<Integer> tryNumbers,
      Map<TaskColumn, Listing.Range<Instant>> times, Listing.Range<Double> durationSeconds) {
    public TaskQuery {
      sort = List.copyOf(sort);
      states = Set.copyOf(states);
      pools = Set.copyOf(pools);
      taskTypes = Set.copyOf(taskTypes);
      tryNumbers = Set.copyOf(tryNumbers);
      times = Map.copyOf(times);
    }
  }

  /** A task instance with what its response shows of its run, and the user's note on it (or null). */
  record TaskRow(TaskInstance ti, DagRun run, String note) {}

  Page<TaskRow> taskInstances(TaskQuery query);
}
