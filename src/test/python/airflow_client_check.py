#!/usr/bin/env python3
"""Conformance check for a server that claims Airflow 3's REST API v2 (issue #13).

Drives the server with Airflow's own Python client (apache-airflow-client 3.3.2, which validates
every response against its typed models: required fields, enums, types) and, for what the client
cannot express (raw status codes, streaming, headers, hostile paths), with plain HTTP. Optionally
drives airflowctl too. Prints one line per check (PASS / FAIL / SKIP / NOTE) and a closing
"N passed, N failed, N skipped" line; exits 1 if any check failed.

The same script runs against real Airflow 3.3.2 (the reference) and against Contrail; `--contrail`
adds the checks for what Contrail does beyond Airflow (trace ids on runs, task instances and tries,
the traceparent header on trigger, the /trace endpoint, its own OpenAPI document, text/plain logs).
Where Airflow itself answers differently from what issue #13 asks, the check prints a NOTE against
Airflow and asserts the issue's behaviour under --contrail.

The server must have: DAG --dag-id whose tasks all succeed (and whose log contains --expect-log),
DAG --failing-dag-id with task --failing-task-id that fails (no retries), optionally DAG
--delete-dag-id that may be deleted, and optionally a DAG file that fails to import (its file name
containing --expect-import-error). The check unpauses the DAGs it triggers and leaves pools it
creates deleted.

This file holds the order of the checks and the command line; the checks themselves live in the
apicheck package beside it, one module per area (auth, dags, runs, tasks, pools, security, extras).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from typing import Callable

from apicheck.auth import AuthChecks
from apicheck.base import Skip
from apicheck.dags import DagChecks
from apicheck.extras import ExtraChecks
from apicheck.pools import PoolChecks
from apicheck.runs import RunChecks
from apicheck.security import SecurityChecks
from apicheck.tasks import TaskChecks


class Check(AuthChecks, DagChecks, RunChecks, TaskChecks, PoolChecks, SecurityChecks, ExtraChecks):
    """Every check, in the order they build on each other."""

    def all(self) -> None:
        a = self.a
        steps: list[tuple[str, Callable[[], str | None]]] = [
            ("auth.token", self.c_token),
            ("auth.token_form_urlencoded", self.c_token_form),
            ("auth.token_cli", self.c_token_cli),
            ("auth.wrong_password", self.c_wrong_password),
            ("auth.login_missing_field", self.c_login_missing_field),
            ("auth.no_token", self.c_no_token),
            ("auth.garbage_token", self.c_garbage_token),
            ("auth.tampered_token", self.c_tampered_token),
            ("auth.alg_none_token", self.c_alg_none),
            ("auth.expired_token", self.c_expired),
            ("version", self.c_version),
            ("health", self.c_health),
            ("dags.list", self.c_dags_list),
            ("dags.limit_offset", self.c_dags_paging),
            ("dags.order_by", self.c_dags_order),
            ("dags.dag_id_pattern", self.c_dags_pattern),
            ("dags.tags", self.c_dags_tags),
            ("dags.get", self.c_dag_get),
            ("dags.details", self.c_dag_details),
            ("dags.not_found", self.c_dag_not_found),
            ("dags.unpause", self.c_unpause),
            ("dags.paused_filter", self.c_dags_paused),
            ("dags.patch_invalid_body", self.c_patch_invalid),
            ("errors.validation_422", self.c_422),
            ("errors.bad_order_by", self.c_bad_order_by),
            ("runs.trigger", self.c_trigger),
            ("runs.trigger_duplicate_409", self.c_trigger_dup),
            ("runs.trigger_unknown_dag_404", self.c_trigger_unknown),
            ("runs.trigger_invalid_body_422", self.c_trigger_invalid),
            ("runs.wait_ndjson", self.c_wait_stream),
            ("runs.wait_client", self.c_wait_client),
            ("runs.get", self.c_run_get),
            ("tis.list", self.c_tis_list),
            ("tis.get", self.c_ti_get),
            ("tis.tries", self.c_tries),
            ("tis.try_detail", self.c_try_detail),
            ("logs.json", self.c_log_json),
            ("logs.ndjson", self.c_log_ndjson),
            ("logs.text_plain", self.c_log_text),
            ("logs.missing_try_404", self.c_log_404),
            ("runs.trigger_failing", self.c_trigger_failing),
            ("tis.failed_states", self.c_failed_states),
            ("clear.task_dry_run", self.c_clear_dry),
            ("clear.failed_task", self.c_clear_failed),
            ("mark.task_success", self.c_mark_task),
            ("mark.task_bad_state_422", self.c_mark_bad_state),
            ("mark.run", self.c_mark_run),
            ("runs.clear_dry_run", self.c_run_clear_dry),
            ("runs.clear", self.c_run_clear),
            ("runs.list_all_dags", self.c_runs_all),
            ("runs.list_filters", self.c_runs_filters),
            ("runs.delete", self.c_run_delete),
            ("pools.list", self.c_pools_list),
            ("pools.create", self.c_pool_create),
            ("pools.create_duplicate_409", self.c_pool_dup),
            ("pools.get", self.c_pool_get),
            ("pools.patch", self.c_pool_patch),
            ("pools.bulk", self.c_pool_bulk),
            ("pools.invalid_422", self.c_pool_invalid),
            ("pools.delete", self.c_pool_delete),
            ("pools.delete_default_400", self.c_pool_delete_default),
            ("import_errors", self.c_import_errors),
            ("auth.viewer_reads", self.c_viewer_read),
            ("auth.viewer_trigger_403", self.c_viewer_trigger),
            ("auth.viewer_pause_403", self.c_viewer_pause),
            ("security.log_path_traversal", self.c_traversal),
            ("security.run_id_traversal", self.c_run_id_traversal),
            ("dags.delete", self.c_dag_delete),
            ("dags.delete_unknown_404", self.c_dag_delete_unknown),
        ]
        if a.airflowctl:
            steps += [("airflowctl.dags_list_and_trigger", self.c_airflowctl)]
        if a.contrail:
            steps += [
                ("contrail.trace_fields", self.c_trace_fields),
                ("contrail.traceparent_parent", self.c_traceparent_parent),
                ("contrail.trace_endpoint", self.c_trace_endpoint),
                ("contrail.openapi_json", self.c_openapi),
            ]
        for name, fn in steps:
            if a.only and not any(re.search(p, name) for p in a.only):
                continue
            if a.without_clear_mark and CLEAR_MARK.match(name):
                self.run(name, self.skip_clear_mark)
                continue
            self.run(name, fn)

    @staticmethod
    def skip_clear_mark() -> None:
        raise Skip("--without-clear-mark: the server does not offer clearing and marking (yet)")


# the checks --without-clear-mark skips: clearing and marking task instances and runs
CLEAR_MARK = re.compile(r"^(clear\.|mark\.|runs\.clear)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8080 (no /api/v2)")
    p.add_argument("--username", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--dag-id", required=True, help="a DAG whose tasks all succeed")
    p.add_argument("--failing-dag-id", required=True, help="a DAG with a task that fails (no retries)")
    p.add_argument("--failing-task-id", required=True, help="the task of --failing-dag-id that fails")
    p.add_argument("--delete-dag-id", help="a DAG the check may delete")
    p.add_argument("--viewer-username", help="an account with the viewer role")
    p.add_argument("--viewer-password")
    p.add_argument("--jwt-secret", help="the server's HMAC signing secret, to forge an expired token")
    p.add_argument("--expect-log", help="text the --dag-id task log must contain; {tag} is replaced by the "
                                        "run's tag (the conf sent has greeting=from-check-{tag})")
    p.add_argument("--log-task", help="task of --dag-id whose log is read (default: first by name)")
    p.add_argument("--expect-import-error", help="part of the file name of a DAG file that fails to import")
    p.add_argument("--airflowctl", nargs="?", const="auto", help="also drive airflowctl (path, or found)")
    p.add_argument("--contrail", action="store_true", help="also check what Contrail adds to Airflow's API")
    p.add_argument("--without-clear-mark", action="store_true",
                   help="skip the clear and mark checks, for a server that does not offer them yet")
    p.add_argument("--timeout", type=float, default=180, help="seconds to wait for a run to finish")
    p.add_argument("--only", action="append", help="regex: run only checks whose name matches (repeatable)")
    p.add_argument("-v", "--verbose", action="store_true", help="print tracebacks of failures")
    args = p.parse_args(argv)
    c = Check(args)
    t0 = time.monotonic()
    c.all()
    print(f"# {args.base_url} in {time.monotonic() - t0:.1f}s")
    print(f"{c.passed} passed, {c.failed} failed, {c.skipped} skipped")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
