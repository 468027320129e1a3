"""Pools and import errors."""
from __future__ import annotations

import json

import airflow_client.client as ac
from airflow_client.client.models import (
    ActionsInner3,
    BulkBodyPoolBody,
    BulkCreateActionPoolBody,
    BulkDeleteActionPoolBody,
    BulkUpdateActionPoolBody,
    EntitiesInner3,
    PoolBody,
    PoolPatchBody,
)

from .base import Base, Note, one_line
from .contract import require_fields, check_datetimes


class PoolChecks(Base):
    """/api/v2/pools (CRUD and bulk) and /api/v2/importErrors."""

    # pools ---------------------------------------------------------------------------------------

    def c_pools_list(self):
        got = self.api(ac.PoolApi).get_pools()
        names = [p.name for p in got.pools]
        assert "default_pool" in names, f"no default_pool in {names}"
        raw = self.raw("GET", "/api/v2/pools").json()
        require_fields(raw, "PoolCollectionResponse")
        for p in raw["pools"]:
            require_fields(p, "PoolResponse")
        d = next(p for p in got.pools if p.name == "default_pool")
        return f"default_pool slots={d.slots} open={d.open_slots}"

    def c_pool_create(self):
        name = f"check_pool_{self.tag}"
        p = self.api(ac.PoolApi).post_pool(PoolBody(name=name, slots=3, description="made by the check"))
        self.s.pool = name
        assert p.name == name and p.slots == 3 and p.open_slots == 3 and p.occupied_slots == 0
        assert p.description == "made by the check" and p.include_deferred is False
        r = self.raw("POST", "/api/v2/pools", body={"name": name + "_raw", "slots": 1})
        self.expect_status(r, 201, what="POST pool (status code)")
        require_fields(r.json(), "PoolResponse")
        self.expect_status(self.raw("DELETE", f"/api/v2/pools/{name}_raw"), 204, what="delete _raw pool")

    def c_pool_dup(self):
        name = self._need(self.s.pool)
        d = self.expect_error(self.raw("POST", "/api/v2/pools", body={"name": name, "slots": 1}), 409, "dup pool")
        return f"detail={one_line(str(d))[:120]}"

    def c_pool_get(self):
        name = self._need(self.s.pool)
        p = self.api(ac.PoolApi).get_pool(name)
        assert p.name == name and p.slots == 3
        self.expect_error(self.raw("GET", f"/api/v2/pools/no_such_pool_{self.tag}"), 404, "unknown pool")
        found = self.api(ac.PoolApi).get_pools(pool_name_pattern=self.tag)
        assert [x.name for x in found.pools] == [name], f"pool_name_pattern found {[x.name for x in found.pools]}"

    def c_pool_patch(self):
        name = self._need(self.s.pool)
        api = self.api(ac.PoolApi)
        # update_mask limits the change to slots although the body says more
        p = api.patch_pool(name, PoolPatchBody(pool=name, slots=5, include_deferred=True, description="masked"),
                           update_mask=["slots"])
        assert (p.slots, p.description, p.include_deferred) == (5, "made by the check", False), p
        p = api.patch_pool(name, PoolPatchBody(pool=name, slots=6, description="patched", include_deferred=True))
        assert (p.slots, p.description, p.include_deferred) == (6, "patched", True), p
        assert api.get_pool(name).slots == 6
        self.expect_error(self.raw("PATCH", f"/api/v2/pools/no_such_pool_{self.tag}", body={"slots": 1},
                                   query={"update_mask": "slots"}), 404, "patch unknown pool")
        self.expect_error(self.raw("PATCH", f"/api/v2/pools/{name}", body={"pool": "other", "slots": 1,
                                   "include_deferred": False}), 400, "body renames the pool")
        # The document makes every PoolPatchBody field optional, but Airflow 3.3 validates the body of a
        # non-default pool as a whole pool (pool, slots, include_deferred required), mask or not.
        r = self.raw("PATCH", f"/api/v2/pools/{name}", body={"slots": 7}, query={"update_mask": "slots"})
        if r.status == 422 and not self.a.contrail:
            raise Note(f"partial body {{'slots': 7}} -> 422 {one_line(r.text)[:150]}")
        self.expect_status(r, 200, what="PATCH pool with only slots")
        assert r.json()["slots"] == 7

    def c_pool_bulk(self):
        api = self.api(ac.PoolApi)
        n1, n2 = f"check_bulk1_{self.tag}", f"check_bulk2_{self.tag}"
        body = BulkBodyPoolBody(actions=[
            ActionsInner3(BulkCreateActionPoolBody(action="create", entities=[PoolBody(name=n1, slots=1),
                                                                             PoolBody(name=n2, slots=2)])),
            ActionsInner3(BulkUpdateActionPoolBody(action="update", entities=[PoolBody(name=n1, slots=4)])),
            ActionsInner3(BulkDeleteActionPoolBody(action="delete", entities=[EntitiesInner3(n2)])),
        ])
        resp = api.bulk_pools(body)
        assert sorted(resp.create.success) == sorted([n1, n2]), f"create {resp.create}"
        assert resp.update.success == [n1] and resp.delete.success == [n2], f"{resp.update} {resp.delete}"
        assert api.get_pool(n1).slots == 4
        again = api.bulk_pools(BulkBodyPoolBody(actions=[ActionsInner3(BulkCreateActionPoolBody(
            action="create", entities=[PoolBody(name=n1, slots=1)]))]))
        assert again.create.errors, f"re-creating {n1} with action_on_existence=fail gave no error: {again}"
        api.bulk_pools(BulkBodyPoolBody(actions=[ActionsInner3(BulkDeleteActionPoolBody(
            action="delete", entities=[EntitiesInner3(n1)]))]))
        self.expect_status(self.raw("GET", f"/api/v2/pools/{n1}"), 404, what="bulk-deleted pool")
        return f"errors entry: {one_line(json.dumps(again.create.errors[0]))[:140]}"

    def c_pool_invalid(self):
        self.expect_error(self.raw("POST", "/api/v2/pools", body={"name": "x" + self.tag, "slots": "many"}),
                          422, "slots not an int")
        self.expect_error(self.raw("POST", "/api/v2/pools", body={"slots": 1}), 422, "no name")
        self.expect_error(self.raw("POST", "/api/v2/pools", body={"name": "y" + self.tag, "slots": -2}),
                          422, "slots below -1")

    def c_pool_delete(self):
        name = self._need(self.s.pool)
        r = self.raw("DELETE", f"/api/v2/pools/{name}")
        self.expect_status(r, 204, what="DELETE pool")
        self.expect_error(self.raw("GET", f"/api/v2/pools/{name}"), 404, "deleted pool")
        self.expect_error(self.raw("DELETE", f"/api/v2/pools/{name}"), 404, "delete pool twice")

    def c_pool_delete_default(self):
        d = self.expect_error(self.raw("DELETE", "/api/v2/pools/default_pool"), 400, "delete default_pool")
        return f"detail={d!r}"

    # import errors -------------------------------------------------------------------------------

    def c_import_errors(self):
        got = self.api(ac.ImportErrorApi).get_import_errors(limit=100)
        raw = self.raw("GET", "/api/v2/importErrors", query={"limit": 100}).json()
        require_fields(raw, "ImportErrorCollectionResponse")
        for e in raw["import_errors"]:
            require_fields(e, "ImportErrorResponse")
            check_datetimes(e, "ImportErrorResponse")
        if not self.a.expect_import_error:
            return f"total_entries={got.total_entries} (no --expect-import-error)"
        hits = [e for e in got.import_errors if self.a.expect_import_error in e.filename]
        assert hits, f"no import error for *{self.a.expect_import_error}*: {[e.filename for e in got.import_errors]}"
        e = hits[0]
        assert e.stack_trace.strip(), "empty stack_trace"
        one = self.api(ac.ImportErrorApi).get_import_error(e.import_error_id)
        assert one.filename == e.filename and one.stack_trace == e.stack_trace
        self.expect_error(self.raw("GET", "/api/v2/importErrors/987654321"), 404, "unknown import error")
        pat = self.api(ac.ImportErrorApi).get_import_errors(filename_pattern=self.a.expect_import_error)
        assert e.import_error_id in [x.import_error_id for x in pat.import_errors], "filename_pattern"
        return f"{e.filename}: {one_line(e.stack_trace.strip().splitlines()[-1])[:80]}"
