"""Hostile path and run ids."""
from __future__ import annotations

from .base import Base, quote_id, no_leak


class SecurityChecks(Base):
    """Path traversal on the log endpoint and run ids that are not ids."""

    # security ------------------------------------------------------------------------------------

    def c_traversal(self):
        run_id, task = self._need(self.s.ok_run), self._first_task()
        d, r = quote_id(self.a.dag_id), quote_id(run_id)
        base = f"/api/v2/dags/{d}/dagRuns/{r}/taskInstances"
        paths = [
            f"{base}/../../../../../../etc/passwd/logs/1",
            f"{base}/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd/logs/1",
            f"{base}/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd/logs/1",
            f"{base}/%2e%2e/logs/1",
            f"{base}/../logs/1",
            f"{base}/{quote_id(task)}%00/logs/1",
            f"{base}/{quote_id(task)}%00..%2f..%2fetc%2fpasswd/logs/1",
            f"{base}/..%5c..%5c..%5cetc%5cpasswd/logs/1",
            f"{base}/{quote_id(task)}/logs/..%2f..%2f1",
            f"{base}/{quote_id(task)}/logs/1%00",
            f"/api/v2/dags/{d}/dagRuns/..%2f..%2f..%2f..%2fetc/taskInstances/{quote_id(task)}/logs/1",
            f"/api/v2/dags/{d}/dagRuns/%2e%2e/taskInstances/{quote_id(task)}/logs/1",
            f"/api/v2/dags/..%2f..%2f..%2f..%2fetc%2fpasswd/dagRuns/{r}/taskInstances/{quote_id(task)}/logs/1",
            "/api/v2/dags/%2e%2e/dagRuns/%2e%2e/taskInstances/%2e%2e/logs/1",
        ]
        seen = {}
        for p in paths:
            resp = self.raw("GET", p)
            assert 400 <= resp.status < 500, f"{p} -> {resp.status} {resp.text[:200]}"
            no_leak(resp, p)
            seen[resp.status] = seen.get(resp.status, 0) + 1
        h = self.raw("GET", "/api/v2/monitor/health", token=False)
        self.expect_status(h, 200, what="health after the traversal attempts")
        return f"{len(paths)} paths -> " + ", ".join(f"{k}x{v}" for k, v in sorted(seen.items()))

    def c_run_id_traversal(self):
        p = f"/api/v2/dags/{quote_id(self.a.dag_id)}/dagRuns"
        out = []
        for rid in ("../../x", "a/b", "..\\..\\x", "x\x00y", " ", ""):
            r = self.raw("POST", p, body={"dag_run_id": rid, "logical_date": None})
            no_leak(r, f"dag_run_id {rid!r}")
            if r.status in (200, 201):
                self.raw("DELETE", self.run_path(self.a.dag_id, r.json()["dag_run_id"]))
                if rid == "":
                    out.append("''->generated")  # an empty id means 'make one' in Airflow
                    continue
                raise AssertionError(f"dag_run_id {rid!r} accepted")
            assert 400 <= r.status < 500, f"dag_run_id {rid!r} -> {r.status}"
            out.append(f"{rid!r}->{r.status}")
        return ", ".join(out)
