"""Task instances, their tries and logs; clearing and marking them."""
from __future__ import annotations

import json

import airflow_client.client as ac
from airflow_client.client.models import (
    ClearTaskInstancesBody,
    ClearTaskInstancesBodyTaskIdsInner,
    DAGRunPatchBody,
    DagRunState,
    PatchTaskInstanceBody,
    TaskInstanceState,
    TriggerDAGRunPostBody,
)

from .base import Base, Note, quote_id, log_line, one_line
from .contract import require_fields, check_datetimes


class TaskChecks(Base):
    """taskInstances, tries, logs (JSON, NDJSON, text), clearTaskInstances and PATCH (mark)."""

    def c_tis_list(self):
        run_id = self._need(self.s.ok_run)
        tis = self.api(ac.TaskInstanceApi).get_task_instances(self.a.dag_id, run_id)
        assert tis.task_instances, "no task instances"
        assert tis.total_entries == len(tis.task_instances)
        for ti in tis.task_instances:
            assert ti.dag_id == self.a.dag_id and ti.dag_run_id == run_id
            assert ti.state == TaskInstanceState.SUCCESS, f"task {ti.task_id} is {ti.state}, expected success"
            assert ti.try_number == 1 and ti.map_index == -1, f"{ti.task_id} try {ti.try_number} map {ti.map_index}"
        self.s.ok_tasks = [ti.task_id for ti in tis.task_instances]
        raw = self.raw("GET", self.run_path(self.a.dag_id, run_id) + "/taskInstances").json()
        require_fields(raw, "TaskInstanceCollectionResponse")
        for ti in raw["task_instances"]:
            require_fields(ti, "TaskInstanceResponse")
            check_datetimes(ti, "TaskInstanceResponse")
        one = self.api(ac.TaskInstanceApi).get_task_instances(self.a.dag_id, run_id, limit=1,
                                                             order_by=["-start_date"])
        assert len(one.task_instances) == 1 and one.total_entries == len(tis.task_instances)
        ok = self.api(ac.TaskInstanceApi).get_task_instances(self.a.dag_id, run_id, state=["success"])
        none = self.api(ac.TaskInstanceApi).get_task_instances(self.a.dag_id, run_id, state=["failed"])
        assert ok.total_entries == len(tis.task_instances) and none.total_entries == 0, "state filter"
        return f"{self.s.ok_tasks}"

    def c_ti_get(self):
        run_id, task = self._need(self.s.ok_run), self._first_task()
        ti = self.api(ac.TaskInstanceApi).get_task_instance(self.a.dag_id, run_id, task)
        assert ti.task_id == task and ti.state == TaskInstanceState.SUCCESS
        assert ti.start_date and ti.end_date and ti.duration is not None and ti.duration >= 0
        self.expect_error(self.raw("GET", self.run_path(self.a.dag_id, run_id) + "/taskInstances/nope"), 404, "no TI")
        return f"operator={ti.operator} pool={ti.pool} executor={ti.executor}"

    def c_tries(self):
        run_id, task = self._need(self.s.ok_run), self._first_task()
        tries = self.api(ac.TaskInstanceApi).get_task_instance_tries(self.a.dag_id, run_id, task)
        assert tries.total_entries == 1 == len(tries.task_instances), f"{tries.total_entries} tries"
        t = tries.task_instances[0]
        assert t.try_number == 1 and t.state == TaskInstanceState.SUCCESS and t.task_id == task
        raw = self.raw("GET", self.run_path(self.a.dag_id, run_id) + f"/taskInstances/{quote_id(task)}/tries").json()
        require_fields(raw, "TaskInstanceHistoryCollectionResponse")
        for x in raw["task_instances"]:
            require_fields(x, "TaskInstanceHistoryResponse")

    def c_try_detail(self):
        run_id, task = self._need(self.s.ok_run), self._first_task()
        t = self.api(ac.TaskInstanceApi).get_task_instance_try_details(self.a.dag_id, run_id, task, 1)
        assert t.try_number == 1 and t.state == TaskInstanceState.SUCCESS
        base = self.run_path(self.a.dag_id, run_id) + f"/taskInstances/{quote_id(task)}/tries"
        require_fields(self.raw("GET", base + "/1").json(), "TaskInstanceHistoryResponse")
        self.expect_error(self.raw("GET", base + "/99"), 404, "try 99")

    def c_log_json(self):
        run_id, task = self._need(self.s.ok_run), self._first_task()
        log = self.api(ac.TaskInstanceApi).get_log(self.a.dag_id, run_id, task, 1)
        content = log.content.actual_instance
        assert isinstance(content, list) and content, f"log content {content!r}"
        text = "\n".join(log_line(c) for c in content)
        if self.a.expect_log:
            want = self.a.expect_log.replace("{tag}", self.tag)
            assert want in text, f"log lacks {want!r}: {text[-500:]!r}"
        raw = self.raw("GET", self.run_path(self.a.dag_id, run_id) + f"/taskInstances/{quote_id(task)}/logs/1",
                       query={"full_content": "true"})
        self.expect_status(raw, 200, what="log JSON")
        body = raw.json()
        require_fields(body, "TaskInstancesLogResponse")
        kinds = {type(c).__name__ for c in body["content"]}
        first = body["content"][0]
        return f"{len(content)} entries ({'/'.join(sorted(kinds))}), first={json.dumps(first)[:120]}"

    def c_log_ndjson(self):
        run_id, task = self._need(self.s.ok_run), self._first_task()
        r = self.raw("GET", self.run_path(self.a.dag_id, run_id) + f"/taskInstances/{quote_id(task)}/logs/1",
                     headers={"Accept": "application/x-ndjson"})
        self.expect_status(r, 200, what="log NDJSON")
        assert r.headers.get("content-type", "").startswith("application/x-ndjson"), r.headers.get("content-type")
        lines = [json.loads(x) for x in r.text.splitlines() if x.strip()]
        assert lines and all(isinstance(x, dict) for x in lines), f"NDJSON lines {r.text[:200]!r}"
        return f"{len(lines)} lines, first={json.dumps(lines[0])[:120]}"

    def c_log_text(self):
        run_id, task = self._need(self.s.ok_run), self._first_task()
        r = self.raw("GET", self.run_path(self.a.dag_id, run_id) + f"/taskInstances/{quote_id(task)}/logs/1",
                     headers={"Accept": "text/plain"})
        if r.status == 406 and not self.a.contrail:
            raise Note(f"406 {r.text[:120]} (Airflow 3.3 serves JSON or NDJSON only; #13 asks text/plain)")
        self.expect_status(r, 200, what="log text/plain")
        assert r.headers.get("content-type", "").startswith("text/plain"), r.headers.get("content-type")
        if self.a.expect_log:
            want = self.a.expect_log.replace("{tag}", self.tag)
            assert want in r.text, f"text log lacks {want!r}"
        return f"{len(r.text)} chars"

    def c_log_404(self):
        run_id, task = self._need(self.s.ok_run), self._first_task()
        p = self.run_path(self.a.dag_id, run_id) + f"/taskInstances/{quote_id(task)}/logs/"
        self.expect_error(self.raw("GET", p + "99"), 404, "log of try 99")
        self.expect_error(self.raw("GET", p + "-1"), 422, "log of try -1")

    # failing DAG: clear, mark ----------------------------------------------------------------------

    def c_trigger_failing(self):
        run_id = f"check_{self.tag}_fail"
        run = self.api(ac.DagRunApi).trigger_dag_run(
            self.a.failing_dag_id, TriggerDAGRunPostBody(dag_run_id=run_id, logical_date=None))
        self.s.fail_run = run_id
        state = self.wait_run(self.a.failing_dag_id, run_id)
        assert state == "failed", f"{self.a.failing_dag_id} run ended {state}, expected failed"
        return f"{run.dag_run_id} -> {state}"

    def c_failed_states(self):
        run_id = self._need(self.s.fail_run)
        tis = self.api(ac.TaskInstanceApi).get_task_instances(self.a.failing_dag_id, run_id)
        states = {ti.task_id: ti.state.value if ti.state else None for ti in tis.task_instances}
        assert states.get(self.a.failing_task_id) == "failed", f"states {states}"
        return f"{states}"

    def c_clear_dry(self):
        run_id = self._need(self.s.fail_run)
        body = ClearTaskInstancesBody(dry_run=True, dag_run_id=run_id, only_failed=True,
                                      task_ids=[ClearTaskInstancesBodyTaskIdsInner(self.a.failing_task_id)])
        got = self.api(ac.TaskInstanceApi).post_clear_task_instances(self.a.failing_dag_id, body)
        ids = [ti.task_id for ti in got.task_instances]
        assert ids == [self.a.failing_task_id], f"dry run would clear {ids}"
        ti = self.api(ac.TaskInstanceApi).get_task_instance(self.a.failing_dag_id, run_id, self.a.failing_task_id)
        assert ti.state == TaskInstanceState.FAILED, f"dry run changed the state to {ti.state}"
        return f"would clear {ids}, total_entries={got.total_entries}"

    def c_clear_failed(self):
        run_id, task = self._need(self.s.fail_run), self.a.failing_task_id
        body = ClearTaskInstancesBody(dry_run=False, dag_run_id=run_id, only_failed=False, include_downstream=True,
                                      task_ids=[ClearTaskInstancesBodyTaskIdsInner(task)])
        got = self.api(ac.TaskInstanceApi).post_clear_task_instances(self.a.failing_dag_id, body)
        cleared = sorted(ti.task_id for ti in got.task_instances)
        assert task in cleared, f"cleared {cleared}"
        run = self.api(ac.DagRunApi).get_dag_run(self.a.failing_dag_id, run_id)
        assert run.state.value in ("queued", "running", "failed"), f"after clear the run is {run.state}"
        state = self.wait_run(self.a.failing_dag_id, run_id)
        tries = self.api(ac.TaskInstanceApi).get_task_instance_tries(self.a.failing_dag_id, run_id, task)
        nums = sorted(t.try_number for t in tries.task_instances)
        assert nums == [1, 2], f"tries after one clear: {nums}"
        assert all(t.state == TaskInstanceState.FAILED for t in tries.task_instances), "both tries failed"
        t1 = self.api(ac.TaskInstanceApi).get_task_instance_try_details(self.a.failing_dag_id, run_id, task, 1)
        assert t1.state == TaskInstanceState.FAILED
        ti = self.api(ac.TaskInstanceApi).get_task_instance(self.a.failing_dag_id, run_id, task)
        assert ti.try_number == 2, f"try_number {ti.try_number} after clear"
        log2 = self.raw("GET", self.run_path(self.a.failing_dag_id, run_id) + f"/taskInstances/{quote_id(task)}/logs/2")
        self.expect_status(log2, 200, what="log of try 2")
        return f"cleared {cleared}; re-ran -> {state}; tries {nums}"

    def c_mark_task(self):
        run_id, task = self._need(self.s.fail_run), self.a.failing_task_id
        got = self.api(ac.TaskInstanceApi).patch_task_instance(
            self.a.failing_dag_id, run_id, task, PatchTaskInstanceBody(new_state=TaskInstanceState.SUCCESS))
        assert [t.task_id for t in got.task_instances] == [task], f"marked {[t.task_id for t in got.task_instances]}"
        assert got.task_instances[0].state == TaskInstanceState.SUCCESS
        ti = self.api(ac.TaskInstanceApi).get_task_instance(self.a.failing_dag_id, run_id, task)
        assert ti.state == TaskInstanceState.SUCCESS, ti.state
        noted = self.api(ac.TaskInstanceApi).patch_task_instance(
            self.a.failing_dag_id, run_id, task, PatchTaskInstanceBody(note="marked by the check"),
            update_mask=["note"])
        assert noted.task_instances[0].note == "marked by the check", noted.task_instances[0].note
        return f"{task} -> success"

    def c_mark_bad_state(self):
        run_id, task = self._need(self.s.fail_run), self.a.failing_task_id
        p = self.run_path(self.a.failing_dag_id, run_id) + f"/taskInstances/{quote_id(task)}"
        d = self.expect_error(self.raw("PATCH", p, body={"new_state": "running"}), 422, "new_state=running")
        self.expect_error(self.raw("PATCH", p, body={"new_state": "bogus"}), 422, "new_state=bogus")
        return f"detail={one_line(json.dumps(d))[:160]}"

    def c_mark_run(self):
        run_id = self._need(self.s.fail_run)
        api = self.api(ac.DagRunApi)
        r = api.patch_dag_run(self.a.failing_dag_id, run_id, DAGRunPatchBody(state="failed"))
        assert r.state == DagRunState.FAILED, r.state
        r = api.patch_dag_run(self.a.failing_dag_id, run_id, DAGRunPatchBody(state="success"))
        assert r.state == DagRunState.SUCCESS and api.get_dag_run(self.a.failing_dag_id, run_id).state == r.state
        n = api.patch_dag_run(self.a.failing_dag_id, run_id, DAGRunPatchBody(note="run note"), update_mask=["note"])
        assert n.note == "run note" and n.state == DagRunState.SUCCESS
        p = self.run_path(self.a.failing_dag_id, run_id)
        self.expect_error(self.raw("PATCH", p, body={"state": "running"}), 422, "run state=running")
        return "failed -> success, note set"
