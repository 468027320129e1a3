"""The plumbing every check uses: the typed client, raw HTTP, expectations, shared state."""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import http.client
import json
import re
import time
import traceback
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import airflow_client.client as ac
from airflow_client.client.exceptions import ApiException

from .contract import FINISHED_RUN_STATES


# What must never leak out of an error response: file contents reached by traversal, or a stack trace.
LEAKS = [re.compile(p) for p in (r"root:[x*]?:0:0", r"Traceback \(most recent call last\)",
                                 r"\bat (java|org|com|io)\.[\w.$]+\(", r"Exception in thread")]


class Skip(Exception):
    """A check that cannot run here (an option not given, or a check it depends on failed)."""


class Note(Exception):
    """A check that passed with a remark: the server did what Airflow does, not what issue #13 asks."""


@dataclass
class Raw:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class State:
    """What earlier checks learned, for the later ones."""
    token: str | None = None
    viewer_token: str | None = None
    ok_run: str | None = None
    ok_run_started: dt.datetime | None = None
    ok_tasks: list[str] = field(default_factory=list)
    traceparent: str | None = None
    fail_run: str | None = None
    pool: str | None = None


class Base:
    """Runs checks and gives them the client, raw HTTP and the expectations they assert with."""

    def __init__(self, args: argparse.Namespace):
        self.a = args
        self.s = State()
        self.passed = self.failed = self.skipped = 0
        url = urllib.parse.urlsplit(args.base_url.rstrip("/"))
        if url.scheme not in ("http", "https") or not url.hostname:
            raise SystemExit(f"--base-url must be an http(s) URL, got {args.base_url!r}")
        self.url = url
        self.tag = uuid.uuid4().hex[:8]  # makes run ids and pool names unique per invocation

    # ---- plumbing -------------------------------------------------------------------------------

    def run(self, name: str, fn: Callable[[], str | None]) -> bool:
        try:
            detail = fn()
        except Skip as e:
            self.skipped += 1
            print(f"SKIP {name}: {e}", flush=True)
            return False
        except Note as e:
            self.passed += 1
            print(f"NOTE {name}: {e}", flush=True)
            return True
        except Exception as e:  # noqa: BLE001 - every failure is reported, the run goes on
            self.failed += 1
            msg = f"{type(e).__name__}: {e}" if not isinstance(e, AssertionError) else str(e)
            print(f"FAIL {name}: {one_line(msg)}", flush=True)
            if self.a.verbose:
                traceback.print_exc()
            return False
        self.passed += 1
        print(f"PASS {name}{': ' + detail if detail else ''}", flush=True)
        return True

    def client(self, token: str | None) -> ac.ApiClient:
        cfg = ac.Configuration(host=self.a.base_url.rstrip("/"))
        cfg.access_token = token
        return ac.ApiClient(cfg)

    def api(self, cls, token: str | None = None):
        if token is None:
            if not self.s.token:
                raise Skip("needs a token (auth.token failed)")
            token = self.s.token
        return cls(self.client(token))

    def raw(self, method: str, path: str, *, token: str | None | bool = True, headers: dict | None = None,
            body: bytes | dict | None = None, query: dict | list | None = None, stream=None,
            timeout: float = 30) -> Raw:
        """One HTTP request with the path sent exactly as given (no dot-segment normalisation)."""
        hdrs = {"Accept": "application/json"}
        if token is True:
            if not self.s.token:
                raise Skip("needs a token (auth.token failed)")
            hdrs["Authorization"] = f"Bearer {self.s.token}"
        elif isinstance(token, str):
            hdrs["Authorization"] = f"Bearer {token}"
        if isinstance(body, dict):
            body = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        full = self.url.path + path
        if query:
            full += "?" + urllib.parse.urlencode(query, doseq=True)
        conn_cls = http.client.HTTPSConnection if self.url.scheme == "https" else http.client.HTTPConnection
        conn = conn_cls(self.url.hostname, self.url.port, timeout=timeout)
        try:
            conn.putrequest(method, full, skip_accept_encoding=True)
            for k, v in hdrs.items():
                conn.putheader(k, v)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            rh = {k.lower(): v for k, v in resp.getheaders()}
            if stream is not None:
                return Raw(resp.status, rh, stream(resp))
            return Raw(resp.status, rh, resp.read())
        finally:
            conn.close()

    def login(self, username: str, password: str, path: str = "/auth/token") -> Raw:
        return self.raw("POST", path, token=False, body={"username": username, "password": password})

    def run_path(self, dag_id: str, run_id: str) -> str:
        return f"/api/v2/dags/{quote_id(dag_id)}/dagRuns/{quote_id(run_id)}"

    def wait_run(self, dag_id: str, run_id: str) -> str:
        """Polls GET dagRun until it finishes; returns the final state."""
        api = self.api(ac.DagRunApi)
        deadline = time.monotonic() + self.a.timeout
        while time.monotonic() < deadline:
            run = api.get_dag_run(dag_id, run_id)
            if run.state.value in FINISHED_RUN_STATES:
                return run.state.value
            time.sleep(0.5)
        raise AssertionError(f"run {dag_id}/{run_id} not finished after {self.a.timeout}s")

    def expect_status(self, r: Raw, *codes: int, what: str) -> None:
        if r.status not in codes:
            raise AssertionError(f"{what}: expected {'/'.join(map(str, codes))}, got {r.status} {r.text[:300]}")

    def expect_error(self, r: Raw, code: int, what: str) -> Any:
        """An Airflow-shaped error: the status, JSON with `detail`, nothing leaked."""
        self.expect_status(r, code, what=what)
        no_leak(r, what)
        assert r.headers.get("content-type", "").startswith("application/json"), \
            f"{what}: error Content-Type {r.headers.get('content-type')!r}, expected application/json"
        body = r.json()
        assert isinstance(body, dict) and "detail" in body, f"{what}: error body without 'detail': {r.text[:200]}"
        if code == 422:
            assert isinstance(body["detail"], (list, str)), f"{what}: 422 detail is {type(body['detail'])}"
            if isinstance(body["detail"], list):
                for item in body["detail"]:
                    assert {"loc", "msg", "type"} <= set(item), f"{what}: 422 detail item {item}"
        return body["detail"]

    def api_error(self, call: Callable[[], Any], code: int, what: str) -> Any:
        """Calls the typed client expecting an error status; returns the parsed `detail`."""
        try:
            got = call()
        except ApiException as e:
            assert e.status == code, f"{what}: expected {code}, got {e.status} {str(e.body)[:300]}"
            body = json.loads(e.body) if e.body else {}
            assert "detail" in body, f"{what}: error body without 'detail': {e.body!r:.200}"
            return body["detail"]
        raise AssertionError(f"{what}: expected {code}, got success {str(got)[:200]}")

    # helpers -------------------------------------------------------------------------------------

    def _need(self, v):
        if v is None:
            raise Skip("depends on an earlier check that failed")
        return v

    def _first_task(self) -> str:
        if not self.s.ok_tasks:
            raise Skip("depends on tis.list")
        return sorted(self.s.ok_tasks)[0] if self.a.log_task is None else self.a.log_task


def quote_id(s: str) -> str:
    return urllib.parse.quote(s, safe="~")


def b64url(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt_part(tok: str, i: int) -> dict:
    seg = tok.split(".")[i]
    return json.loads(base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4)))


def hs_sign(header: dict, claims: dict, secret: str) -> str:
    alg = header.get("alg", "HS512")
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}.get(alg)
    if digest is None:
        raise Skip(f"token alg {alg}: --jwt-secret only works for HMAC tokens")
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    sig = hmac.new(secret.encode(), signing_input.encode(), digest).digest()
    return f"{signing_input}.{b64url(sig)}"


def log_line(c: Any) -> str:
    if isinstance(c, str):
        return c
    d = c.to_dict() if hasattr(c, "to_dict") else dict(c)
    return str(d.get("event", "")) + " " + json.dumps({k: v for k, v in d.items() if k != "event"}, default=str)


def one_line(s: str) -> str:
    return " ".join(s.split())


def no_leak(r: Raw, what: str) -> None:
    for p in LEAKS:
        assert not p.search(r.text), f"{what}: the response leaks {p.pattern!r}: {r.text[:200]!r}"
