"""What Airflow 3.3.2's published OpenAPI document requires of a response, in a form the checks use."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from airflow_client.client.models import DagRunState, TaskInstanceState


FINISHED_RUN_STATES = {"success", "failed"}
RUN_STATES = {s.value for s in DagRunState}
TI_STATES = {s.value for s in TaskInstanceState}
TRACE_ID = re.compile(r"^[0-9a-f]{32}$")
SPAN_ID = re.compile(r"^[0-9a-f]{16}$")

# Fields the published OpenAPI document (v2-rest-api-generated.yaml of apache-airflow-core 3.3.2)
# marks required. Both Python clients (apache-airflow-client, airflowctl) treat required-but-nullable
# fields as optional, so they would not notice a server that leaves them out; clients generated from
# the document in stricter languages would, and Airflow always sends them. Every one of these must be
# present in the JSON (null where not applicable).
REQUIRED = {
    "VersionInfo": ["version", "git_version"],
    "HealthInfoResponse": ["metadatabase", "scheduler", "triggerer"],
    "DAGCollectionResponse": ["dags", "total_entries"],
    "DAGResponse": [
        "dag_id", "dag_display_name", "is_paused", "is_stale", "last_parsed_time", "last_parse_duration",
        "last_expired", "bundle_name", "bundle_version", "relative_fileloc", "fileloc", "description",
        "timetable_summary", "timetable_description", "timetable_partitioned", "timetable_periodic", "tags",
        "max_active_tasks", "max_active_runs", "max_consecutive_failed_dag_runs",
        "has_task_concurrency_limits", "has_import_errors", "next_dagrun_logical_date",
        "next_dagrun_data_interval_start", "next_dagrun_data_interval_end", "next_dagrun_run_after",
        "allowed_run_types", "owners", "is_backfillable", "file_token"],
    "DAGDetailsResponse_extra": [
        "catchup", "dag_run_timeout", "asset_expression", "doc_md", "start_date", "end_date",
        "is_paused_upon_creation", "params", "render_template_as_native_obj", "template_search_path",
        "timezone", "last_parsed", "default_args", "concurrency", "latest_dag_version"],
    "DagTagResponse": ["name", "dag_id", "dag_display_name"],
    "DAGRunCollectionResponse": ["dag_runs"],
    "DAGRunResponse": [
        "dag_run_id", "dag_id", "logical_date", "queued_at", "start_date", "end_date", "duration",
        "data_interval_start", "data_interval_end", "run_after", "last_scheduling_decision", "run_type",
        "state", "triggered_by", "triggering_user_name", "conf", "note", "dag_versions", "bundle_version",
        "dag_display_name", "partition_key", "partition_date"],
    "DagVersionResponse": ["id", "version_number", "dag_id", "bundle_name", "bundle_version", "created_at",
                           "dag_display_name", "bundle_url"],
    "TaskInstanceCollectionResponse": ["task_instances"],
    "TaskInstanceResponse": [
        "id", "task_id", "dag_id", "dag_run_id", "map_index", "logical_date", "run_after", "start_date",
        "end_date", "duration", "state", "try_number", "max_tries", "task_display_name", "dag_display_name",
        "hostname", "unixname", "pool", "pool_slots", "queue", "priority_weight", "operator", "operator_name",
        "queued_when", "scheduled_when", "pid", "executor", "executor_config", "note", "rendered_map_index",
        "trigger", "triggerer_job", "dag_version"],
    "TaskInstanceHistoryCollectionResponse": ["task_instances", "total_entries"],
    "TaskInstanceHistoryResponse": [
        "task_id", "dag_id", "dag_run_id", "map_index", "start_date", "end_date", "duration", "state",
        "try_number", "max_tries", "task_display_name", "dag_display_name", "hostname", "unixname", "pool",
        "pool_slots", "queue", "priority_weight", "operator", "operator_name", "queued_when",
        "scheduled_when", "pid", "executor", "executor_config", "dag_version"],
    "TaskInstancesLogResponse": ["content", "continuation_token"],
    "PoolCollectionResponse": ["pools", "total_entries"],
    "PoolResponse": ["name", "slots", "include_deferred", "occupied_slots", "running_slots", "queued_slots",
                     "scheduled_slots", "open_slots", "deferred_slots", "team_name"],
    "ImportErrorCollectionResponse": ["import_errors", "total_entries"],
    "ImportErrorResponse": ["import_error_id", "timestamp", "filename", "bundle_name", "stack_trace"],
}
# Response fields typed date-time in the document: an ISO 8601 string with an offset, or null.
DATETIME_FIELDS = {
    "last_parsed_time", "last_expired", "next_dagrun_logical_date", "next_dagrun_data_interval_start",
    "next_dagrun_data_interval_end", "next_dagrun_run_after", "start_date", "end_date", "last_parsed",
    "logical_date", "queued_at", "data_interval_start", "data_interval_end", "run_after",
    "last_scheduling_decision", "partition_date", "created_at", "queued_when", "scheduled_when", "timestamp",
}


def require_fields(obj: dict, model: str) -> None:
    missing = [f for f in REQUIRED[model] if f not in obj]
    assert not missing, f"{model} lacks required field(s) {missing} (send null when not applicable)"


def check_datetimes(obj: dict, model: str) -> None:
    for k, v in obj.items():
        if k in DATETIME_FIELDS and v is not None:
            parse_dt(v, f"{model}.{k}")


def parse_dt(v: Any, what: str) -> dt.datetime:
    assert isinstance(v, str), f"{what} is {type(v).__name__}, not an ISO 8601 string"
    d = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    assert d.tzinfo is not None, f"{what}={v!r} has no UTC offset"
    return d
