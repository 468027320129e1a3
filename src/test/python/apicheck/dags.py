"""Listing, filtering, reading, pausing and deleting DAGs; error shapes."""
from __future__ import annotations

import airflow_client.client as ac
from airflow_client.client.models import (
    DAGPatchBody,
)

from .base import Base, Skip, quote_id, no_leak
from .contract import require_fields


class DagChecks(Base):
    """GET/PATCH/DELETE /api/v2/dags and /dags/{dag_id}, /details, and the error bodies they give."""

    # dags ----------------------------------------------------------------------------------------

    def c_dags_list(self):
        api = self.api(ac.DAGApi)
        resp = api.get_dags(limit=100)
        ids = [d.dag_id for d in resp.dags]
        for want in (self.a.dag_id, self.a.failing_dag_id):
            assert want in ids, f"{want} not in {ids}"
        assert resp.total_entries >= len(ids), f"total_entries {resp.total_entries} < {len(ids)} listed"
        raw = self.raw("GET", "/api/v2/dags", query={"limit": 100}).json()
        require_fields(raw, "DAGCollectionResponse")
        for d in raw["dags"]:
            require_fields(d, "DAGResponse")
            for t in d["tags"]:
                require_fields(t, "DagTagResponse")
        return f"total_entries={resp.total_entries}"

    def c_dags_paging(self):
        api = self.api(ac.DAGApi)
        total = api.get_dags(limit=100).total_entries
        assert total >= 2, f"need 2 DAGs to page, have {total}"
        p0, p1 = api.get_dags(limit=1, offset=0), api.get_dags(limit=1, offset=1)
        assert len(p0.dags) == 1 and len(p1.dags) == 1, "limit=1 did not give one DAG"
        assert p0.dags[0].dag_id != p1.dags[0].dag_id, "offset=1 gave the same DAG as offset=0"
        assert p0.total_entries == total == p1.total_entries, "total_entries changes with limit/offset"
        beyond = api.get_dags(limit=10, offset=total)
        assert beyond.dags == [] and beyond.total_entries == total, "offset past the end"
        zero = api.get_dags(limit=0)
        return f"limit=0 gives {len(zero.dags)} DAGs"

    def c_dags_order(self):
        api = self.api(ac.DAGApi)
        asc = [d.dag_id for d in api.get_dags(limit=100).dags]
        desc = [d.dag_id for d in api.get_dags(limit=100, order_by=["-dag_id"]).dags]
        assert asc == sorted(asc), f"default order is not dag_id ascending: {asc}"
        assert desc == sorted(asc, reverse=True), f"order_by=-dag_id: {desc}"
        multi = [d.dag_id for d in api.get_dags(limit=100, order_by=["-dag_display_name", "dag_id"]).dags]
        assert len(multi) == len(asc), "multi-key order_by"

    def c_dags_pattern(self):
        api = self.api(ac.DAGApi)
        dag = self.a.dag_id
        middle = dag[1:-1] if len(dag) > 2 else dag
        got = [d.dag_id for d in api.get_dags(dag_id_pattern=middle.upper(), limit=100).dags]
        assert dag in got, f"dag_id_pattern={middle.upper()!r} (case-insensitive substring) missed {dag}: {got}"
        assert all(middle.lower() in g.lower() for g in got), f"pattern {middle!r} matched {got}"
        none = api.get_dags(dag_id_pattern="no-such-dag-" + self.tag)
        assert none.total_entries == 0 and none.dags == [], "pattern that matches nothing"
        both = api.get_dags(dag_id_pattern=f"{self.a.dag_id}|{self.a.failing_dag_id}", limit=100)
        bids = {d.dag_id for d in both.dags}
        assert {self.a.dag_id, self.a.failing_dag_id} <= bids, f"'a|b' is OR in Airflow: {bids}"
        allp = api.get_dags(dag_id_pattern="~", limit=100)
        assert allp.total_entries == api.get_dags(limit=100).total_entries, "'~' matches everything"
        return f"{middle.upper()!r} -> {got}"

    def c_dags_tags(self):
        api = self.api(ac.DAGApi)
        d = api.get_dag(self.a.dag_id)
        if not d.tags:
            raise Skip(f"{self.a.dag_id} has no tags")
        tag = d.tags[0].name
        got = api.get_dags(tags=[tag], limit=100)
        assert self.a.dag_id in [x.dag_id for x in got.dags], f"tags={tag} missed {self.a.dag_id}"
        assert all(tag in [t.name for t in x.tags] for x in got.dags), "a DAG without the tag was listed"
        assert got.total_entries == len(got.dags)
        nothing = api.get_dags(tags=["no-such-tag-" + self.tag])
        assert nothing.total_entries == 0
        return f"tags={tag} -> {got.total_entries}"

    def c_dag_get(self):
        d = self.api(ac.DAGApi).get_dag(self.a.dag_id)
        assert d.dag_id == self.a.dag_id
        assert isinstance(d.owners, list) and isinstance(d.tags, list) and isinstance(d.fileloc, str)
        raw = self.raw("GET", f"/api/v2/dags/{quote_id(self.a.dag_id)}").json()
        require_fields(raw, "DAGResponse")
        return f"owners={d.owners} tags={[t.name for t in d.tags]} timetable={d.timetable_summary}"

    def c_dag_details(self):
        d = self.api(ac.DAGApi).get_dag_details(self.a.dag_id)
        assert d.dag_id == self.a.dag_id
        assert isinstance(d.catchup, bool) and isinstance(d.render_template_as_native_obj, bool)
        assert d.concurrency == d.max_active_tasks, "concurrency mirrors max_active_tasks"
        raw = self.raw("GET", f"/api/v2/dags/{quote_id(self.a.dag_id)}/details").json()
        require_fields(raw, "DAGResponse")
        require_fields(raw, "DAGDetailsResponse_extra")
        return f"timezone={d.timezone} catchup={d.catchup} params={d.params}"

    def c_dag_not_found(self):
        d = self.api_error(lambda: self.api(ac.DAGApi).get_dag("no_such_dag_" + self.tag), 404, "unknown DAG")
        self.expect_error(self.raw("GET", f"/api/v2/dags/no_such_dag_{self.tag}/details"), 404, "details")
        assert isinstance(d, str), f"404 detail should be a string: {d!r}"
        return f"detail={d!r}"

    def c_unpause(self):
        api = self.api(ac.DAGApi)
        for dag in (self.a.dag_id, self.a.failing_dag_id):
            paused = api.patch_dag(dag, DAGPatchBody(is_paused=True), update_mask=["is_paused"])
            assert paused.is_paused is True, f"{dag}: PATCH is_paused=true answered {paused.is_paused}"
            assert api.get_dag(dag).is_paused is True
            d = api.patch_dag(dag, DAGPatchBody(is_paused=False))
            assert d.is_paused is False and api.get_dag(dag).is_paused is False, f"{dag} still paused"

    def c_dags_paused(self):
        api = self.api(ac.DAGApi)
        unpaused = api.get_dags(paused=False, limit=100)
        paused = api.get_dags(paused=True, limit=100)
        assert all(not d.is_paused for d in unpaused.dags) and all(d.is_paused for d in paused.dags)
        assert self.a.dag_id in [d.dag_id for d in unpaused.dags]
        total = api.get_dags(limit=100).total_entries
        assert unpaused.total_entries + paused.total_entries == total, "paused + unpaused != all"
        return f"paused={paused.total_entries} unpaused={unpaused.total_entries}"

    def c_patch_invalid(self):
        p = f"/api/v2/dags/{quote_id(self.a.dag_id)}"
        self.expect_error(self.raw("PATCH", p, body={"is_paused": "sometimes"}), 422, "is_paused not a boolean")
        self.expect_error(self.raw("PATCH", p, body={"is_paused": False, "bogus": 1}), 422, "unknown field")
        self.expect_error(self.raw("PATCH", "/api/v2/dags/no_such_dag_" + self.tag, body={"is_paused": False}),
                          404, "PATCH unknown DAG")
        r = self.raw("PATCH", p, body=b"{not json", headers={"Content-Type": "application/json"})
        self.expect_error(r, 422, "malformed JSON body")

    def c_422(self):
        d = self.expect_error(self.raw("GET", "/api/v2/dags", query={"limit": -1}), 422, "limit=-1")
        self.expect_error(self.raw("GET", "/api/v2/dags", query={"paused": "perhaps"}), 422, "paused=perhaps")
        return f"detail[0]={d[0] if isinstance(d, list) else d}"

    def c_bad_order_by(self):
        r = self.raw("GET", "/api/v2/dags", query={"order_by": "no_such_column"})
        d = self.expect_error(r, 400, "order_by=no_such_column")
        return f"detail={d!r}"

    # deleting a DAG ------------------------------------------------------------------------------

    def c_dag_delete(self):
        if not self.a.delete_dag_id:
            raise Skip("no --delete-dag-id given")
        api = self.api(ac.DAGApi)
        api.get_dag(self.a.delete_dag_id)
        r = self.raw("DELETE", f"/api/v2/dags/{quote_id(self.a.delete_dag_id)}")
        self.expect_status(r, 200, 204, what="DELETE dag")
        no_leak(r, "DELETE dag")
        self.expect_error(self.raw("GET", f"/api/v2/dags/{quote_id(self.a.delete_dag_id)}"), 404, "deleted DAG")
        return f"{r.status} body={r.text[:80]!r}"

    def c_dag_delete_unknown(self):
        self.expect_error(self.raw("DELETE", f"/api/v2/dags/no_such_dag_{self.tag}"), 404, "delete unknown DAG")
