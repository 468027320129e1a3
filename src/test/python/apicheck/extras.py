"""airflowctl, and what Contrail adds to Airflow's API."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import airflow_client.client as ac
from airflow_client.client.models import (
    DagRunType,
)

from .base import Base, Skip, quote_id, one_line
from .contract import TRACE_ID, SPAN_ID


class ExtraChecks(Base):
    """airflowctl against the server; Contrail's trace fields, /trace and openapi.json."""

    # airflowctl ----------------------------------------------------------------------------------

    def c_airflowctl(self):
        exe = self.a.airflowctl if self.a.airflowctl != "auto" else shutil.which(
            "airflowctl", path=str(Path(sys.executable).parent)) or shutil.which("airflowctl")
        if not exe:
            raise Skip("airflowctl not found")
        with tempfile.TemporaryDirectory(prefix="airflowctl-") as home:
            # debug mode keeps the token in a file under AIRFLOW_HOME instead of a system keyring
            env = dict(os.environ, AIRFLOW_HOME=home, HOME=home, AIRFLOW_CLI_DEBUG_MODE="true",
                       AIRFLOW_CLI_API_RETRIES="1")

            def ctl(*argv):
                p = subprocess.run([exe, *argv], env=env, capture_output=True, text=True, timeout=120)
                assert p.returncode == 0, f"airflowctl {' '.join(argv)} exited {p.returncode}: " \
                                          f"{one_line(p.stdout + p.stderr)[-400:]}"
                return p.stdout

            # --opt=value: a generated password may begin with "-", which argparse takes for an option
            ctl("auth", "login", "--api-url=" + self.a.base_url.rstrip("/"),
                "--username=" + self.a.username, "--password=" + self.a.password)
            dags = json.loads(ctl("dags", "list", "-o", "json"))
            ids = [d["dag_id"] for d in (dags if isinstance(dags, list) else dags.get("dags", []))]
            assert self.a.dag_id in ids, f"airflowctl dags list: {ids}"
            run_id = f"check_{self.tag}_ctl"
            # (airflowctl 0.1.5 cannot send --conf: its argparse type is `dict`, which rejects any string)
            ctl("dags", "trigger", self.a.dag_id, "--dag-run-id", run_id)
            run = self.api(ac.DagRunApi).get_dag_run(self.a.dag_id, run_id)
            assert run.run_type == DagRunType.MANUAL, run.run_type
            got = json.loads(ctl("dagrun", "get", self.a.dag_id, run_id, "-o", "json"))
            assert (got[0] if isinstance(got, list) else got)["dag_run_id"] == run_id
            self.wait_run(self.a.dag_id, run_id)
        return f"listed {len(ids)} DAGs, triggered {run_id}"

    # contrail-only -------------------------------------------------------------------------------

    def c_trace_fields(self):
        run_id, task = self._need(self.s.ok_run), self._first_task()
        base = self.run_path(self.a.dag_id, run_id)
        objs = {"run": self.raw("GET", base).json(),
                "runs[]": self.raw("GET", f"/api/v2/dags/{quote_id(self.a.dag_id)}/dagRuns").json()["dag_runs"][0],
                "ti": self.raw("GET", base + f"/taskInstances/{quote_id(task)}").json(),
                "tis[]": self.raw("GET", base + "/taskInstances").json()["task_instances"][0],
                "try": self.raw("GET", base + f"/taskInstances/{quote_id(task)}/tries/1").json()}
        for what, o in objs.items():
            tid, sid, tp = o.get("trace_id"), o.get("span_id"), o.get("traceparent")
            assert tid and TRACE_ID.match(tid), f"{what}: trace_id {tid!r}"
            assert sid and SPAN_ID.match(sid), f"{what}: span_id {sid!r}"
            assert tp == f"00-{tid}-{sid}-01" or (tp and tp.startswith(f"00-{tid}-{sid}-")), f"{what}: {tp!r}"
        assert objs["ti"]["trace_id"] == objs["run"]["trace_id"], "a task instance's trace is its run's"

    def c_traceparent_parent(self):
        run = self.raw("GET", self.run_path(self.a.dag_id, self._need(self.s.ok_run))).json()
        want = self._need(self.s.traceparent).split("-")[1]
        assert run.get("trace_id") == want, f"run trace_id {run.get('trace_id')} != traceparent's {want}"

    def c_trace_endpoint(self):
        run_id = self._need(self.s.ok_run)
        run = self.raw("GET", self.run_path(self.a.dag_id, run_id)).json()
        r = self.raw("GET", self.run_path(self.a.dag_id, run_id) + "/trace")
        self.expect_status(r, 200, what="trace")
        spans = [s for rs in r.json()["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
        assert spans, "no spans"
        assert all(s["traceId"] == run["trace_id"] for s in spans), "spans from another trace"
        assert run["span_id"] in [s["spanId"] for s in spans], "the run's own span is missing"
        self.expect_error(self.raw("GET", self.run_path(self.a.dag_id, "no_such_run") + "/trace"), 404, "trace")
        return f"{len(spans)} spans"

    def c_openapi(self):
        r = self.raw("GET", "/api/v2/openapi.json", token=False)
        self.expect_status(r, 200, what="openapi.json")
        doc = r.json()
        assert str(doc.get("openapi", "")).startswith("3."), doc.get("openapi")
        for p in ("/api/v2/dags", "/api/v2/dags/{dag_id}/dagRuns", "/api/v2/pools", "/api/v2/monitor/health"):
            assert p in doc.get("paths", {}), f"{p} not described"
        return f"{len(doc['paths'])} paths"
