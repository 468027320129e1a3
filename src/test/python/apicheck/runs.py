"""Triggering, waiting for, listing, clearing and deleting DAG runs."""
from __future__ import annotations

import datetime as dt
import json
import secrets
import time

import airflow_client.client as ac
from airflow_client.client.models import (
    DAGRunClearBody,
    DagRunState,
    DagRunTriggeredByType,
    DagRunType,
    TriggerDAGRunPostBody,
)

from .base import Base, Note, quote_id, one_line
from .contract import FINISHED_RUN_STATES, RUN_STATES, require_fields, check_datetimes


class RunChecks(Base):
    """/api/v2/dags/{dag_id}/dagRuns and the run resource, `~` across DAGs, /wait, /clear."""

    # runs ----------------------------------------------------------------------------------------

    def c_trigger(self):
        api = self.api(ac.DagRunApi)
        run_id = f"check_{self.tag}_ok"
        trace = secrets.token_hex(16)
        self.s.traceparent = f"00-{trace}-{secrets.token_hex(8)}-01"
        conf = {"greeting": f"from-check-{self.tag}", "n": 1, "nested": {"list": [1, 2]}}
        before = dt.datetime.now(dt.timezone.utc)
        run = api.trigger_dag_run(
            self.a.dag_id, TriggerDAGRunPostBody(dag_run_id=run_id, conf=conf, logical_date=None, note="by the check"),
            _headers={"traceparent": self.s.traceparent})
        self.s.ok_run, self.s.ok_run_started = run_id, before - dt.timedelta(seconds=2)
        assert run.dag_run_id == run_id and run.dag_id == self.a.dag_id
        assert run.conf == conf, f"conf came back as {run.conf}"
        assert run.run_type == DagRunType.MANUAL, run.run_type
        assert run.state.value in ("queued", "running"), f"new run is {run.state}"
        assert run.triggered_by in (DagRunTriggeredByType.REST_API, None), run.triggered_by
        assert run.note == "by the check", f"note {run.note!r}"
        assert run.logical_date is None, f"logical_date null was given, got {run.logical_date}"
        assert run.run_after is not None
        raw = self.raw("GET", self.run_path(self.a.dag_id, run_id)).json()
        require_fields(raw, "DAGRunResponse")
        for v in raw["dag_versions"]:
            require_fields(v, "DagVersionResponse")
        return f"state={run.state.value} triggered_by={run.triggered_by} user={run.triggering_user_name}"

    def c_trigger_dup(self):
        run_id = self._need(self.s.ok_run)
        r = self.raw("POST", f"/api/v2/dags/{quote_id(self.a.dag_id)}/dagRuns",
                     body={"dag_run_id": run_id, "logical_date": None})
        d = self.expect_error(r, 409, "trigger with an existing dag_run_id")
        return f"detail={d!r}"

    def c_trigger_unknown(self):
        r = self.raw("POST", f"/api/v2/dags/no_such_dag_{self.tag}/dagRuns", body={"logical_date": None})
        self.expect_error(r, 404, "trigger unknown DAG")

    def c_trigger_invalid(self):
        p = f"/api/v2/dags/{quote_id(self.a.dag_id)}/dagRuns"
        self.expect_error(self.raw("POST", p, body={"logical_date": None, "conf": "not-an-object"}), 422, "conf string")
        self.expect_error(self.raw("POST", p, body={"logical_date": None, "surprise": 1}), 422, "unknown field")
        self.expect_error(self.raw("POST", p, body={"logical_date": "yesterday"}), 422, "logical_date not a date")
        r = self.raw("POST", p, body={})
        return f"body {{}} (no logical_date) -> {r.status}"

    def c_wait_stream(self):
        run_id = self._need(self.s.ok_run)
        lines: list[dict] = []

        def read(resp):
            for line in resp:
                if line.strip():
                    lines.append(json.loads(line))
            return b""

        t0 = time.monotonic()
        r = self.raw("GET", self.run_path(self.a.dag_id, run_id) + "/wait", query={"interval": 0.5},
                     headers={"Accept": "application/x-ndjson"}, stream=read, timeout=self.a.timeout)
        self.expect_status(r, 200, what="wait")
        assert lines, "wait streamed no lines"
        for ln in lines:
            assert set(ln) <= {"state", "results"} and ln["state"] in RUN_STATES, f"wait line {ln}"
        assert lines[-1]["state"] in FINISHED_RUN_STATES, f"stream ended at {lines[-1]}"
        assert all(ln["state"] not in FINISHED_RUN_STATES for ln in lines[:-1]), "lines after the finish"
        assert lines[-1]["state"] == "success", f"{self.a.dag_id} run ended {lines[-1]['state']}"
        r404 = self.raw("GET", self.run_path(self.a.dag_id, "no_such_run") + "/wait", query={"interval": 1})
        self.expect_error(r404, 404, "wait for unknown run")
        self.expect_error(self.raw("GET", self.run_path(self.a.dag_id, run_id) + "/wait"), 422, "wait w/o interval")
        return (f"{len(lines)} lines in {time.monotonic() - t0:.1f}s, Content-Type="
                f"{r.headers.get('content-type')!r}, last={lines[-1]}")

    def c_wait_client(self):
        run_id = self._need(self.s.ok_run)
        got = self.api(ac.DagRunApi).wait_dag_run_until_finished(self.a.dag_id, run_id, interval=0.5)
        # One line (the run already finished) reaches the client as a dict; more lines as text.
        if isinstance(got, (bytes, str)):
            got = json.loads(str(got).strip().splitlines()[-1])
        assert isinstance(got, dict) and got.get("state") == "success", f"client wait gave {got!r}"
        return f"{got}"

    def c_run_get(self):
        run_id = self._need(self.s.ok_run)
        run = self.api(ac.DagRunApi).get_dag_run(self.a.dag_id, run_id)
        assert run.state == DagRunState.SUCCESS, run.state
        assert run.start_date and run.end_date and run.end_date >= run.start_date
        assert run.queued_at is not None and run.duration is not None and run.duration >= 0
        want = (run.end_date - run.start_date).total_seconds()
        assert abs(run.duration - want) < 1, f"duration {run.duration} != end-start {want}"
        raw = self.raw("GET", self.run_path(self.a.dag_id, run_id)).json()
        require_fields(raw, "DAGRunResponse")
        check_datetimes(raw, "DAGRunResponse")
        r404 = self.raw("GET", self.run_path(self.a.dag_id, "no_such_run_" + self.tag))
        self.expect_error(r404, 404, "unknown run")
        return f"duration={run.duration:.2f}s start={raw['start_date']}"

    def c_run_clear_dry(self):
        run_id = self._need(self.s.ok_run)
        r = self.raw("POST", self.run_path(self.a.dag_id, run_id) + "/clear", body={"dry_run": True})
        self.expect_status(r, 200, what="clear run dry_run")
        body = r.json()
        assert "task_instances" in body and "total_entries" in body, f"dry-run clear gave {r.text[:200]}"
        ids = sorted(t["task_id"] for t in body["task_instances"])
        assert ids == sorted(self.s.ok_tasks), f"dry run would clear {ids}"
        try:
            self.api(ac.DagRunApi).clear_dag_run(self.a.dag_id, run_id, DAGRunClearBody(dry_run=True))
        except ValueError as e:
            if "Multiple matches" not in str(e):
                raise
            raise Note(f"would clear {ids}; the 3.3.2 client cannot parse its own dry-run answer "
                       "(TaskInstanceResponse also matches NewTaskResponse in a oneOf): "
                       f"{one_line(str(e))[:100]}")
        return f"would clear {ids}"

    def c_run_clear(self):
        run_id = self._need(self.s.ok_run)
        run = self.api(ac.DagRunApi).clear_dag_run(self.a.dag_id, run_id, DAGRunClearBody(dry_run=False))
        run = run.actual_instance
        assert getattr(run, "dag_run_id", None) == run_id, f"clear gave {run!r:.200}"
        assert run.state.value in ("queued", "running"), f"cleared run is {run.state}"
        state = self.wait_run(self.a.dag_id, run_id)
        assert state == "success", state
        task = self._first_task()
        tries = self.api(ac.TaskInstanceApi).get_task_instance_tries(self.a.dag_id, run_id, task)
        assert sorted(t.try_number for t in tries.task_instances) == [1, 2]
        return f"re-ran -> {state}"

    def c_runs_all(self):
        api = self.api(ac.DagRunApi)
        got = api.get_dag_runs("~", limit=100)
        ids = {(r.dag_id, r.dag_run_id) for r in got.dag_runs}
        for want in ((self.a.dag_id, self.s.ok_run), (self.a.failing_dag_id, self.s.fail_run)):
            if want[1]:
                assert want in ids, f"{want} not in runs of '~'"
        assert got.total_entries >= 2
        raw = self.raw("GET", "/api/v2/dags/~/dagRuns", query={"limit": 2}).json()
        require_fields(raw, "DAGRunCollectionResponse")
        assert "total_entries" in raw and isinstance(raw["total_entries"], int), "total_entries"
        for r in raw["dag_runs"]:
            require_fields(r, "DAGRunResponse")
        pat = api.get_dag_runs("~", dag_id_pattern=self.a.failing_dag_id, limit=100)
        assert pat.dag_runs and all(r.dag_id == self.a.failing_dag_id for r in pat.dag_runs), "dag_id_pattern"
        return f"total_entries={got.total_entries} across {len({d for d, _ in ids})} DAGs"

    def c_runs_filters(self):
        api = self.api(ac.DagRunApi)
        started = self._need(self.s.ok_run_started)
        desc = api.get_dag_runs("~", order_by=["-start_date"], limit=100).dag_runs
        starts = [r.start_date for r in desc if r.start_date]
        assert starts == sorted(starts, reverse=True), "order_by=-start_date"
        asc = api.get_dag_runs("~", order_by=["run_after"], limit=100).dag_runs
        assert [r.run_after for r in asc] == sorted(r.run_after for r in asc), "order_by=run_after"
        ok = api.get_dag_runs(self.a.dag_id, state=["success"], limit=100)
        assert ok.dag_runs and all(r.state == DagRunState.SUCCESS for r in ok.dag_runs), "state=success"
        two = api.get_dag_runs("~", state=["success", "failed"], limit=100)
        assert all(r.state.value in ("success", "failed") for r in two.dag_runs)
        recent = api.get_dag_runs(self.a.dag_id, start_date_gte=started, limit=100)
        assert self.s.ok_run in [r.dag_run_id for r in recent.dag_runs], "start_date_gte missed our run"
        older = api.get_dag_runs(self.a.dag_id, start_date_lt=started, limit=100)
        assert self.s.ok_run not in [r.dag_run_id for r in older.dag_runs], "start_date_lt kept our run"
        ra = api.get_dag_runs(self.a.dag_id, run_after_gte=started, run_after_lte=started + dt.timedelta(hours=1))
        assert self.s.ok_run in [r.dag_run_id for r in ra.dag_runs], "run_after range missed our run"
        # the client sends datetimes as isoformat(); check a 'Z' form by hand, as curl users write it
        z = started.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        rz = self.raw("GET", f"/api/v2/dags/{quote_id(self.a.dag_id)}/dagRuns", query={"start_date_gte": z})
        self.expect_status(rz, 200, what=f"start_date_gte={z}")
        assert self.s.ok_run in [r["dag_run_id"] for r in rz.json()["dag_runs"]]
        paged = api.get_dag_runs("~", limit=1, offset=1)
        assert len(paged.dag_runs) == 1 and paged.total_entries == api.get_dag_runs("~").total_entries
        bad = self.raw("GET", "/api/v2/dags/~/dagRuns", query={"start_date_gte": "not-a-date"})
        self.expect_error(bad, 422, "start_date_gte=not-a-date")
        self.expect_error(self.raw("GET", "/api/v2/dags/no_such_dag_x/dagRuns"), 404, "runs of unknown DAG")
        return "state, order_by, start_date and run_after filters"

    def c_run_delete(self):
        run_id = f"check_{self.tag}_delete"
        api = self.api(ac.DagRunApi)
        api.trigger_dag_run(self.a.dag_id, TriggerDAGRunPostBody(dag_run_id=run_id, logical_date=None))
        self.wait_run(self.a.dag_id, run_id)
        r = self.raw("DELETE", self.run_path(self.a.dag_id, run_id))
        self.expect_status(r, 204, what="DELETE run")
        assert r.body == b"", f"204 with a body {r.body[:100]!r}"
        self.expect_error(self.raw("GET", self.run_path(self.a.dag_id, run_id)), 404, "deleted run")
        self.expect_error(self.raw("DELETE", self.run_path(self.a.dag_id, run_id)), 404, "delete twice")
        tis = self.raw("GET", self.run_path(self.a.dag_id, run_id) + "/taskInstances")
        self.expect_status(tis, 404, 200, what="task instances of a deleted run")
        if tis.status == 200:
            assert tis.json()["task_instances"] == [], "task instances outlived their run"
        return f"204, then 404; its task instances -> {tis.status}"
