"""Logging in, tokens, roles; version and health."""
from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse

import airflow_client.client as ac

from .base import Base, Skip, Note, quote_id, b64url, jwt_part, hs_sign, no_leak
from .contract import require_fields, parse_dt


class AuthChecks(Base):
    """POST /auth/token and what a token does or does not open; version and health."""

    # auth ----------------------------------------------------------------------------------------

    def c_token(self):
        r = self.login(self.a.username, self.a.password)
        self.expect_status(r, 201, what="POST /auth/token")
        assert r.headers.get("content-type", "").startswith("application/json"), r.headers
        tok = r.json().get("access_token")
        assert isinstance(tok, str) and tok.count(".") == 2, f"access_token is not a JWT: {r.text[:200]}"
        self.s.token = tok
        hdr = jwt_part(tok, 0)
        return f"201, JWT alg={hdr.get('alg')}"

    def c_token_form(self):
        body = urllib.parse.urlencode({"username": self.a.username, "password": self.a.password}).encode()
        r = self.raw("POST", "/auth/token", token=False, body=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.expect_status(r, 201, what="form-encoded POST /auth/token")
        assert "access_token" in r.json()

    def c_token_cli(self):
        # airflowctl logs in here, not at /auth/token
        r = self.login(self.a.username, self.a.password, "/auth/token/cli")
        self.expect_status(r, 201, what="POST /auth/token/cli")
        assert r.json().get("access_token", "").count(".") == 2

    def c_wrong_password(self):
        r = self.login(self.a.username, self.a.password + "-wrong")
        d = self.expect_error(r, 401, "wrong password")
        r2 = self.login("no-such-user-" + self.tag, "x")
        self.expect_error(r2, 401, "unknown user")
        return f"detail={d!r}"

    def c_login_missing_field(self):
        r = self.raw("POST", "/auth/token", token=False, body={"username": self.a.username})
        self.expect_status(r, 400, 401, 422, what="login without password")
        no_leak(r, "login without password")
        return f"{r.status}"

    def c_no_token(self):
        r = self.raw("GET", "/api/v2/dags", token=False)
        d = self.expect_error(r, 401, "GET /api/v2/dags without a token")
        return f"detail={d!r}"

    def reject_token(self, tokens: dict[str, str]) -> str | None:
        """Each token must be refused with 401. Airflow 3.3 answers 403 "Invalid JWT token" to a token
        it cannot verify (401 only to a missing or expired one); that passes with a NOTE unless --contrail."""
        got = {}
        for what, tok in tokens.items():
            r = self.raw("GET", "/api/v2/dags", token=tok)
            if r.status == 403 and not self.a.contrail:
                got[what] = self.expect_error(r, 403, what)
                continue
            self.expect_error(r, 401, what)
        if got:
            raise Note(f"403 (not 401) for {list(got)}: detail={next(iter(got.values()))!r}")
        return None

    def c_garbage_token(self):
        r = self.raw("GET", "/api/v2/dags", token=False, headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
        self.expect_error(r, 401, "Basic auth instead of a bearer token")
        return self.reject_token({"'garbage'": "garbage", "'a.b.c'": "a.b.c", "'Bearer'": "Bearer"})

    def c_tampered_token(self):
        tok = self._need(self.s.token)
        h, p, s = tok.split(".")
        claims = jwt_part(tok, 1)
        claims["sub"] = claims.get("sub", "x") + "x"
        flipped = s[:-2] + ("AA" if not s.endswith("AA") else "BB")
        return self.reject_token({"payload changed": f"{h}.{b64url(json.dumps(claims).encode())}.{s}",
                                  "signature changed": f"{h}.{p}.{flipped}"})

    def c_alg_none(self):
        tok = self._need(self.s.token)
        claims = jwt_part(tok, 1)
        none = f"{b64url(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{b64url(json.dumps(claims).encode())}."
        return self.reject_token({"alg=none": none})

    def c_expired(self):
        tok = self._need(self.s.token)
        if not self.a.jwt_secret:
            raise Skip("needs --jwt-secret to sign a token that differs from a valid one only in exp")
        hdr, claims = jwt_part(tok, 0), jwt_part(tok, 1)
        now = int(time.time())
        valid = dict(claims, iat=now - 10, nbf=now - 10, exp=now + 600)
        expired = dict(claims, iat=now - 7200, nbf=now - 7200, exp=now - 3600)
        # the control: our own signature is accepted, so the 401 below is about exp alone
        r = self.raw("GET", "/api/v2/dags", token=hs_sign(hdr, valid, self.a.jwt_secret), query={"limit": 1})
        self.expect_status(r, 200, what="re-signed valid token (control; is --jwt-secret right?)")
        d = self.expect_error(self.raw("GET", "/api/v2/dags", token=hs_sign(hdr, expired, self.a.jwt_secret)),
                              401, "expired token")
        return f"detail={d!r}"

    # version, health ------------------------------------------------------------------------------

    def c_version(self):
        v = ac.VersionApi(self.client(None)).get_version()  # no token: Airflow serves it to anyone
        assert v.version, "empty version"
        require_fields(self.raw("GET", "/api/v2/version", token=False).json(), "VersionInfo")
        return f"version={v.version} git_version={v.git_version}"

    def c_health(self):
        h = ac.MonitorApi(self.client(None)).get_health()
        raw = self.raw("GET", "/api/v2/monitor/health", token=False)
        self.expect_status(raw, 200, what="health")
        require_fields(raw.json(), "HealthInfoResponse")
        assert h.metadatabase.status == "healthy", f"metadatabase {h.metadatabase.status}"
        assert h.scheduler.status == "healthy", f"scheduler {h.scheduler.status}"
        beat = parse_dt(h.scheduler.latest_scheduler_heartbeat, "latest_scheduler_heartbeat")
        age = (dt.datetime.now(dt.timezone.utc) - beat).total_seconds()
        assert -5 < age < 120, f"scheduler heartbeat {age:.0f}s old"
        for comp in ("triggerer", "dag_processor"):
            c = raw.json().get(comp)
            assert c is None or c.get("status") in ("healthy", "unhealthy", None), f"{comp}: {c}"
        dp = raw.json().get("dag_processor") or {}
        return (f"scheduler heartbeat {age:.1f}s ago; triggerer={raw.json()['triggerer']}; "
                f"dag_processor={dp.get('status')}")

    # roles ---------------------------------------------------------------------------------------

    def _viewer(self) -> str:
        if not self.a.viewer_username:
            raise Skip("no --viewer-username given")
        if not self.s.viewer_token:
            r = self.login(self.a.viewer_username, self.a.viewer_password or "")
            self.expect_status(r, 201, what="viewer login")
            self.s.viewer_token = r.json()["access_token"]
        return self.s.viewer_token

    def c_viewer_read(self):
        tok = self._viewer()
        got = ac.DAGApi(self.client(tok)).get_dags()
        assert self.a.dag_id in [d.dag_id for d in got.dags]
        runs = ac.DagRunApi(self.client(tok)).get_dag_runs("~")
        return f"viewer sees {got.total_entries} DAGs, {runs.total_entries} runs"

    def c_viewer_trigger(self):
        tok = self._viewer()
        r = self.raw("POST", f"/api/v2/dags/{quote_id(self.a.dag_id)}/dagRuns", token=tok,
                     body={"dag_run_id": f"check_{self.tag}_viewer", "logical_date": None})
        d = self.expect_error(r, 403, "viewer triggers")
        gone = self.raw("GET", self.run_path(self.a.dag_id, f"check_{self.tag}_viewer"))
        self.expect_status(gone, 404, what="the refused run must not exist")
        return f"detail={d!r}"

    def c_viewer_pause(self):
        tok = self._viewer()
        r = self.raw("PATCH", f"/api/v2/dags/{quote_id(self.a.dag_id)}", token=tok, body={"is_paused": True})
        self.expect_error(r, 403, "viewer pauses")
        self.expect_error(self.raw("POST", "/api/v2/pools", token=tok, body={"name": "v" + self.tag, "slots": 1}),
                          403, "viewer creates a pool")
        assert self.api(ac.DAGApi).get_dag(self.a.dag_id).is_paused is False, "the viewer's PATCH paused the DAG"
