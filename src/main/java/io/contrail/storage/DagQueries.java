package io.contrail.storage;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The REST API's reads of DAGs and of what surrounds them: DAG lists filtered, sorted and paged in
 * SQL, the import errors, and the scheduler jobs whose heartbeats health reports.
 */
public interface DagQueries {
  /** Sort keys of a DAG list (the display name is the dag_id). */
  enum DagColumn { DAG_ID }

  /**
   * @param paused null for paused and unpaused
   * @param excludeStale leave out DAGs whose file is gone or broken
   * @param tags the DAG has any of these tags ({@code allTags}: all of them); empty for no filter
   */
  record DagQuery(int limit, int offset, List<Listing.Sort<DagColumn>> sort, Boolean paused, boolean excludeStale,
      Listing.Match dagId, List<String> tags, boolean allTags) {
    public DagQuery {
      sort = List.copyOf(sort);
      tags = List.copyOf(tags);
    }
  }

  Page<StoredDag> dags(DagQuery query);

  /** The logical date of each DAG's latest scheduled or backfill run, for its next run; DAGs without one are absent. */
  Map<String, Instant> latestScheduledLogicalDates(Collection<String> dagIds);

  /** Queued or running runs per DAG; DAGs without any are absent. */
  Map<String, Integer> activeRunCounts(Collection<String> dagIds);

  /** One import error as stored, with its id and when it was recorded. */
  record StoredImportError(long id, String filename, int line, String message, Instant timestamp) {}

  /** Sort keys of the import error list. */
  enum ImportErrorColumn { ID, TIMESTAMP, FILENAME, MESSAGE }

  Page<StoredImportError> importErrors(int limit, int offset, List<Listing.Sort<ImportErrorColumn>> sort,
      Listing.Match filename);

  Optional<StoredImportError> importError(long id);

  /** The running job of these types with the latest heartbeat, else the last one that ran; empty if none ever did. */
  Optional<Job> latestJob(Collection<String> jobTypes);
}
