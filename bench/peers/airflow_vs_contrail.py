"""Side-by-side peer benchmark: Apache Airflow 3.3.2 against Contrail on one PostgreSQL.

Run by bench/peers/airflow-vs-contrail inside Airflow's virtual environment (it only needs the
standard library). Starts one PostgreSQL (fsync on) with a database per system, Airflow
(api-server, scheduler, dag-processor, LocalExecutor) and `contrail standalone`, the same two
DAGs in each (wide-100: 100 independent shell tasks running `true`; chain-20: 20 chained ones),
and measures through each system's REST API (/api/v2, the same paths on both):

- start -> healthy: the processes started until /api/v2/monitor/health says the metadatabase and
  the scheduler are healthy, and until both DAGs are listed unpaused (dags ready);
- trigger -> success: POST .../dagRuns sent until a GET of the run, polled every --poll-ms, says
  success; --warmup unmeasured pairs, then --pairs measured pairs per DAG, alternated (the order
  within a pair flips every pair so drift on a shared machine hits both alike);
- chain-20's task-to-task gap: next task's start_date minus previous task's end_date, from the
  API's task instances; p50 per run;
- peak RSS: sum of VmRSS over each system's process tree, sampled every 200 ms while the runs go
  (PostgreSQL's backends serving each database reported apart, since they are shared pages).

Every process it starts is in a process group of its own, listed in RUN_DIR/pgids for the bash
driver's trap; on exit (normal, exception, SIGTERM/SIGINT) it kills them and stops PostgreSQL.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

AIRFLOW = "airflow"
CONTRAIL = "contrail"
TERMINAL = {"success", "failed"}


# ---------------------------------------------------------------- processes

class Processes:
    """The processes this run started, each in its own process group, killed at exit."""

    def __init__(self, run_dir: Path):
        self.pgid_file = run_dir / "pgids"
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.stop_hooks: list = []

    def start(self, name: str, argv: list[str], env: dict, log: Path, cwd: Path | None = None) -> subprocess.Popen:
        out = open(log, "ab")
        p = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        out.close()
        self.procs.append((name, p))
        with open(self.pgid_file, "a") as f:
            f.write(f"{p.pid}\n")
        return p

    def check_alive(self):
        for name, p in self.procs:
            if p.poll() is not None:
                raise RuntimeError(f"{name} (pid {p.pid}) exited with {p.returncode}; see its log")

    def kill_all(self):
        for _, p in reversed(self.procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        for _, p in reversed(self.procs):
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(p.pid, signal.SIGKILL)   # the group: task processes a parent left behind
            except ProcessLookupError:
                pass
        self.procs.clear()
        for hook in reversed(self.stop_hooks):
            try:
                hook()
            except Exception as e:  # noqa: BLE001 - clean-up goes on
                print(f"clean-up: {e}", file=sys.stderr)
        self.stop_hooks.clear()


def run(argv, env=None, user=None, check=True, capture=False, cwd=None):
    if user:
        argv = ["runuser", "-u", user, "--"] + argv
    r = subprocess.run(argv, env=env, cwd=cwd, check=False, text=True,
                       stdout=subprocess.PIPE if capture else None, stderr=subprocess.PIPE if capture else None)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {r.returncode}: {(r.stderr or '').strip()[-2000:]}")
    return r


# ---------------------------------------------------------------- PostgreSQL

def find_pg_bin() -> Path:
    given = os.environ.get("PEERS_PG_BIN")
    if given:
        return Path(given)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError("no PostgreSQL server binaries: install Debian's postgresql (or set PEERS_PG_BIN)")
    return found[-1].parent


def start_postgres(run_dir: Path, port: int, procs: Processes) -> dict:
    pg_bin = find_pg_bin()
    data = run_dir / "pg"
    sock = run_dir / "pg-sock"
    user = "postgres" if os.geteuid() == 0 else None   # initdb refuses root
    data.mkdir()
    sock.mkdir()
    if user:
        shutil.chown(run_dir, user="root")
        os.chmod(run_dir, 0o755)
        shutil.chown(data, user=user)
        shutil.chown(sock, user=user)
    run([str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        user=user, capture=True)
    conf = (f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{sock}'\n"
            "fsync = on\nsynchronous_commit = on\nmax_connections = 300\nshared_buffers = 128MB\n")
    with open(data / "postgresql.conf", "a") as f:
        f.write(conf)
    log = run_dir / "postgres.log"
    log.touch()
    if user:
        shutil.chown(log, user=user)
    t0 = time.monotonic()
    run([str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "start"], user=user, capture=True)
    procs.stop_hooks.append(lambda: run([str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                                        user=user, capture=True, check=False))
    psql = [str(pg_bin / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qAt"]
    for db in (AIRFLOW, CONTRAIL):
        run(psql + ["-c", f"CREATE DATABASE {db}"], capture=True)
    version = run(psql + ["-c", "SHOW server_version"], capture=True).stdout.strip()
    fsync = run(psql + ["-c", "SHOW fsync"], capture=True).stdout.strip()
    pid = int((data / "postmaster.pid").read_text().split()[0])
    return {"version": version, "fsync": fsync, "bin": str(pg_bin), "postmaster_pid": pid,
            "start_s": round(time.monotonic() - t0, 3)}


# ---------------------------------------------------------------- HTTP

class Api:
    """One keep-alive HTTP connection to a system's REST API."""

    def __init__(self, port: int):
        self.port = port
        self.token = None
        self.conn = None

    def request(self, method: str, path: str, body=None, auth=True, timeout=30):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                raw = r.read()
                try:
                    payload = json.loads(raw) if raw else None
                except ValueError:
                    payload = raw.decode(errors="replace")
                return r.status, payload
            except (http.client.HTTPException, OSError):
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError

    def login(self, username: str, password: str):
        status, body = self.request("POST", "/auth/token", {"username": username, "password": password}, auth=False)
        if status not in (200, 201) or not isinstance(body, dict) or "access_token" not in body:
            raise RuntimeError(f"POST /auth/token on port {self.port}: {status} {body}")
        self.token = body["access_token"]


def parse_time(s: str | None) -> float | None:
    if not s:
        return None
    s = s.replace("Z", "+00:00")
    m = re.match(r"^(.*T\d\d:\d\d:\d\d)(\.\d+)?(.*)$", s)
    if m and m.group(2):
        s = m.group(1) + m.group(2)[:7].ljust(7, "0") + m.group(3)
    return dt.datetime.fromisoformat(s).timestamp()


# ---------------------------------------------------------------- RSS sampling

def proc_table():
    """pid -> (ppid, rss_kib, cmdline) for every process."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            with open(f"/proc/{pid}/status") as f:
                ppid, rss = None, 0
                for line in f:
                    if line.startswith("PPid:"):
                        ppid = int(line.split()[1])
                    elif line.startswith("VmRSS:"):
                        rss = int(line.split()[1])
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            table[pid] = (ppid, rss, cmd)
        except (OSError, ValueError):
            continue
    return table


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(roots) -> float:
    """utime + stime of a process tree, with the children each member reaped (cutime + cstime):
    the difference between two calls is the CPU the tree used in between, short-lived task
    processes included."""
    total = 0
    for pid in tree(proc_table(), roots):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])
        except (OSError, IndexError, ValueError):
            continue
    return total / CLK_TCK


def tree(table, roots):
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    seen, stack = set(), [r for r in roots if r in table]
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        stack.extend(children.get(pid, []))
    return seen


def pss_kib(pid) -> int:
    """Proportional set size: shared pages divided among the processes sharing them (forked
    Airflow workers share most of their pages with their parent, which VmRSS counts again each)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler(threading.Thread):
    """Peak of the summed VmRSS (and PSS) of each system's process tree, and of PostgreSQL's
    backends per database."""

    def __init__(self, roots: dict, postmaster: int, interval=0.2):
        super().__init__(daemon=True)
        self.roots, self.postmaster, self.interval = roots, postmaster, interval
        self.peak = {k: {"rss_kib": 0, "processes": 0} for k in roots}
        self.peak_db = {k: {"rss_kib": 0, "backends": 0} for k in roots}
        self.peak_pss = {k: 0 for k in roots}
        self.samples = 0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            table = proc_table()
            for name, roots in self.roots.items():
                pids = tree(table, roots)
                rss = sum(table[p][1] for p in pids)
                if rss > self.peak[name]["rss_kib"]:
                    self.peak[name] = {"rss_kib": rss, "processes": len(pids)}
                if self.samples % 5 == 0:   # PSS walks page tables: every 5th sample
                    self.peak_pss[name] = max(self.peak_pss[name], sum(pss_kib(p) for p in pids))
            backends = {k: [0, 0] for k in self.roots}
            for pid in tree(table, [self.postmaster]):
                cmd = table[pid][2]
                for db in self.roots:   # backend titles: "postgres: USER DB HOST(PORT) STATE"
                    if re.match(rf"^postgres: \S+ {db} ", cmd):
                        backends[db][0] += table[pid][1]
                        backends[db][1] += 1
            for db, (rss, n) in backends.items():
                if rss > self.peak_db[db]["rss_kib"]:
                    self.peak_db[db] = {"rss_kib": rss, "backends": n}
            self.samples += 1
            self.stopped.wait(self.interval)

    def result(self):
        return {name: {"peak_rss_mib": round(self.peak[name]["rss_kib"] / 1024, 1),
                       "processes_at_peak": self.peak[name]["processes"],
                       "peak_pss_mib": round(self.peak_pss[name] / 1024, 1),
                       "peak_db_backends_rss_mib": round(self.peak_db[name]["rss_kib"] / 1024, 1),
                       "db_backends_at_peak": self.peak_db[name]["backends"]}
                for name in self.roots} | {"samples": self.samples, "interval_s": self.interval}


# ---------------------------------------------------------------- the two systems

def write_airflow_dags(folder: Path, wide: int, chain: int, max_active_tasks: int):
    folder.mkdir(parents=True)
    head = ("from datetime import datetime\n"
            "from airflow.sdk import DAG\n"
            "from airflow.providers.standard.operators.bash import BashOperator\n\n")
    (folder / "wide.py").write_text(head + (
        f'with DAG("wide-{wide}", schedule=None, start_date=datetime(2026, 1, 1), catchup=False,\n'
        f'         is_paused_upon_creation=False, max_active_tasks={max_active_tasks}, max_active_runs=16):\n'
        f'    for i in range({wide}):\n'
        f'        BashOperator(task_id=f"t{{i:03d}}", bash_command="true")\n'))
    (folder / "chain.py").write_text(head + (
        f'with DAG("chain-{chain}", schedule=None, start_date=datetime(2026, 1, 1), catchup=False,\n'
        f'         is_paused_upon_creation=False, max_active_tasks={max_active_tasks}, max_active_runs=16):\n'
        f'    previous = None\n'
        f'    for i in range({chain}):\n'
        f'        task = BashOperator(task_id=f"t{{i:03d}}", bash_command="true")\n'
        f'        if previous is not None:\n'
        f'            previous >> task\n'
        f'        previous = task\n'))


def write_contrail_dags(folder: Path, wide: int, chain: int, max_active_tasks: int):
    folder.mkdir(parents=True)
    head = ("schedule: null\nstart_date: 2026-01-01T00:00:00Z\ncatchup: false\npaused: false\n"
            f"max_active_runs: 16\nmax_active_tasks: {max_active_tasks}\ntasks:\n")
    (folder / "wide.yaml").write_text(f"dag_id: wide-{wide}\n" + head + "".join(
        f"  - task_id: t{i:03d}\n    type: shell\n    command: \"true\"\n" for i in range(wide)))
    (folder / "chain.yaml").write_text(f"dag_id: chain-{chain}\n" + head + "".join(
        f"  - task_id: t{i:03d}\n    type: shell\n    command: \"true\"\n"
        + (f"    depends_on: [t{i - 1:03d}]\n" if i else "") for i in range(chain)))


def wait_healthy(name: str, api: Api, procs: Processes, t0: float, components: list[str], timeout: float) -> float:
    last = None
    while time.monotonic() - t0 < timeout:
        procs.check_alive()
        try:
            status, body = api.request("GET", "/api/v2/monitor/health", auth=False, timeout=5)
            last = (status, body)
            if status == 200 and isinstance(body, dict) and all(
                    (body.get(c) or {}).get("status") == "healthy" for c in components):
                return time.monotonic() - t0
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{name} not healthy after {timeout} s: last answer {last}")


def wait_dags(name: str, api: Api, procs: Processes, t0: float, dag_ids: list[str], timeout: float) -> float:
    last = None
    while time.monotonic() - t0 < timeout:
        procs.check_alive()
        ok = True
        for dag_id in dag_ids:
            status, body = api.request("GET", f"/api/v2/dags/{dag_id}")
            last = (dag_id, status, body)
            if status != 200 or body.get("is_paused") is not False:
                ok = False
                break
        if ok:
            return time.monotonic() - t0
        time.sleep(0.1)
    raise RuntimeError(f"{name}: DAGs {dag_ids} not listed unpaused after {timeout} s: last {last}")


def start_airflow(a, run_dir: Path, procs: Processes, pg_port: int) -> tuple[Api, dict, list[int]]:
    home = run_dir / "airflow-home"
    home.mkdir()
    write_airflow_dags(home / "dags", a.wide, a.chain, a.max_active_tasks)
    pw_file = home / "simple_auth_manager_passwords.json.generated"
    env = dict(os.environ)
    env = {k: v for k, v in env.items() if not k.startswith("AIRFLOW")}
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://postgres@127.0.0.1:{pg_port}/{AIRFLOW}",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": str(a.parallelism),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{a.airflow_port}/execution/",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(pw_file),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(a.airflow_port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{a.airflow_port}",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(a.airflow_log_port),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(a.airflow_log_port + 1),
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
    })
    bin_ = Path(sys.executable).parent
    t = time.monotonic()
    run([str(bin_ / "airflow"), "db", "migrate"], env=env, capture=True)
    migrate_s = time.monotonic() - t
    api = Api(a.airflow_port)
    t0 = time.monotonic()
    roots = []
    for role in ("api-server", "scheduler", "dag-processor"):
        p = procs.start(f"airflow {role}", [str(bin_ / "airflow"), role], env, run_dir / f"airflow-{role}.log", cwd=home)
        roots.append(p.pid)
    healthy_s = wait_healthy("Airflow", api, procs, t0, ["metadatabase", "scheduler", "dag_processor"], a.start_timeout)
    password = None
    while time.monotonic() - t0 < a.start_timeout and password is None:
        if pw_file.exists():
            password = json.loads(pw_file.read_text()).get("admin")
        else:
            time.sleep(0.1)
    if password is None:
        raise RuntimeError(f"Airflow wrote no admin password into {pw_file}")
    api.login("admin", password)
    dags_s = wait_dags("Airflow", api, procs, t0, [f"wide-{a.wide}", f"chain-{a.chain}"], a.start_timeout)
    _, version = api.request("GET", "/api/v2/version")
    info = {"version": (version or {}).get("version"), "db_migrate_s": round(migrate_s, 3),
            "start_to_healthy_s": round(healthy_s, 3), "start_to_dags_ready_s": round(dags_s, 3),
            "settings": {k: v for k, v in env.items() if k.startswith("AIRFLOW__") and "SECRET" not in k}}
    return api, info, roots


def jvm_details(pid: int) -> dict:
    """JDK and collector of the running JVM, from its own flags (jcmd of the same JDK)."""
    try:
        exe = Path(os.readlink(f"/proc/{pid}/exe"))
        jcmd = exe.parent / "jcmd"
        flags = run([str(jcmd), str(pid), "VM.flags"], capture=True, check=False).stdout
        version = run([str(jcmd), str(pid), "VM.version"], capture=True, check=False).stdout
        gc = [g for g in ("G1", "Parallel", "Serial", "Z", "Shenandoah", "Epsilon") if f"-XX:+Use{g}GC" in flags]
        heap = re.search(r"-XX:MaxHeapSize=(\d+)", flags)
        vline = [line for line in version.splitlines() if "JDK" in line or "VM" in line]
        return {"java": str(exe), "jdk": " ".join(vline[:2]).strip(), "gc": gc[0] if gc else "unknown",
                "max_heap_mib": int(heap.group(1)) // 2**20 if heap else None}
    except OSError as e:
        return {"error": str(e)}


def find_java_child(pid: int) -> int:
    table = proc_table()
    for p in sorted(tree(table, [pid])):
        if "io.contrail.cli.Main" in table[p][2] and "java" in table[p][2].split(" ")[0]:
            return p
    return pid


def start_contrail(a, run_dir: Path, procs: Processes, pg_port: int) -> tuple[Api, dict, list[int]]:
    home = run_dir / "contrail-home"
    home.mkdir()
    write_contrail_dags(home / "dags", a.wide, a.chain, a.max_active_tasks)
    env = {k: v for k, v in os.environ.items() if not (k.startswith("CONTRAIL") or k.startswith("OTEL_"))}
    env.update({
        "CONTRAIL_HOME": str(home),
        "CONTRAIL__DATABASE__URL": f"jdbc:postgresql://127.0.0.1:{pg_port}/{CONTRAIL}",
        "CONTRAIL__DATABASE__USER": "postgres",
        "CONTRAIL__CORE__LOAD_EXAMPLES": "false",
        "CONTRAIL__CORE__DAGS_FOLDER": str(home / "dags"),
        "CONTRAIL__CORE__EXECUTOR": "local",
        "CONTRAIL__CORE__PARALLELISM": str(a.parallelism),
        "CONTRAIL__API__HOST": "127.0.0.1",
        "CONTRAIL__API__PORT": str(a.contrail_port),
        "CONTRAIL__WORKER__LOG_SERVER_PORT": "0",
    })
    launcher = str(Path(a.contrail_root) / "contrail")
    t = time.monotonic()
    run([launcher, "db", "migrate"], env=env, capture=True)
    migrate_s = time.monotonic() - t
    api = Api(a.contrail_port)
    t0 = time.monotonic()
    p = procs.start("contrail standalone", [launcher, "standalone"], env, run_dir / "contrail-standalone.log")
    healthy_s = wait_healthy("Contrail", api, procs, t0, ["metadatabase", "scheduler"], a.start_timeout)
    api.login("admin", (home / "api_admin_password").read_text().strip())
    dags_s = wait_dags("Contrail", api, procs, t0, [f"wide-{a.wide}", f"chain-{a.chain}"], a.start_timeout)
    _, version = api.request("GET", "/api/v2/version")
    info = {"version": (version or {}).get("version"), "db_migrate_s": round(migrate_s, 3),
            "start_to_healthy_s": round(healthy_s, 3), "start_to_dags_ready_s": round(dags_s, 3),
            "jvm": jvm_details(find_java_child(p.pid)),
            "settings": {k: v for k, v in env.items() if k.startswith("CONTRAIL__")}}
    return api, info, [p.pid]


# ---------------------------------------------------------------- one triggered run

def trigger_and_wait(api: Api, dag_id: str, poll_s: float, timeout: float) -> dict:
    run_id = f"peer__{uuid.uuid4().hex[:12]}"
    t0 = time.perf_counter()
    status, body = api.request("POST", f"/api/v2/dags/{dag_id}/dagRuns",
                               {"dag_run_id": run_id, "logical_date": None, "conf": {}})
    t_accepted = time.perf_counter()
    if status not in (200, 201):
        raise RuntimeError(f"POST /api/v2/dags/{dag_id}/dagRuns on port {api.port}: {status} {body}")
    state, polls = None, 0
    while True:
        status, body = api.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
        polls += 1
        if status == 200:
            state = body.get("state")
        if state in TERMINAL:
            t1 = time.perf_counter()
            break
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"{dag_id} run {run_id} on port {api.port} still {state} after {timeout} s")
        time.sleep(poll_s)
    run_body = body
    status, tis = api.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=100")
    instances = tis.get("task_instances", []) if isinstance(tis, dict) else []
    states = {}
    for ti in instances:
        states[ti.get("state")] = states.get(ti.get("state"), 0) + 1
    result = {"run_id": run_id, "state": state, "trigger_to_end_s": round(t1 - t0, 4),
              "post_ms": round((t_accepted - t0) * 1000, 2), "polls": polls,
              "task_states": states, "task_instances": len(instances),
              "api_queued_to_end_s": _span(run_body.get("queued_at"), run_body.get("end_date")),
              "api_start_to_end_s": _span(run_body.get("start_date"), run_body.get("end_date"))}
    ordered = sorted(instances, key=lambda ti: ti["task_id"])
    gaps = []
    if dag_id.startswith("chain-") and all(ti.get("start_date") and ti.get("end_date") for ti in ordered):
        gaps = [(parse_time(b["start_date"]) - parse_time(a["end_date"])) * 1000 for a, b in zip(ordered, ordered[1:])]
        result["gap_ms_p50"] = round(statistics.median(gaps), 2)
        result["gap_ms_max"] = round(max(gaps), 2)
    durations = [(parse_time(ti["end_date"]) - parse_time(ti["start_date"])) * 1000
                 for ti in instances if ti.get("start_date") and ti.get("end_date")]
    if durations:
        result["task_duration_ms_p50"] = round(statistics.median(durations), 2)
    return result


def _span(a, b):
    if not a or not b:
        return None
    return round(parse_time(b) - parse_time(a), 4)


def mmm(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"min": round(min(values), 4), "median": round(statistics.median(values), 4),
            "max": round(max(values), 4), "n": len(values)}


def fmt(m, unit="s", scale=1.0, digits=2):
    if not m:
        return "n/a"
    return f"{m['min'] * scale:.{digits}f} / {m['median'] * scale:.{digits}f} / {m['max'] * scale:.{digits}f} {unit}"


def loadavg():
    try:
        return [float(x) for x in open("/proc/loadavg").read().split()[:3]]
    except OSError:
        return None


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--contrail-root", required=True)
    ap.add_argument("--json", help="write the results here (default: bench/peers/results/airflow-vs-contrail-<time>.json)")
    ap.add_argument("--pairs", type=int, default=5, help="measured pairs per DAG (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured pairs per DAG first (default 1)")
    ap.add_argument("--dags", default="wide,chain", help="which DAGs: wide,chain (default both)")
    ap.add_argument("--wide", type=int, default=100)
    ap.add_argument("--chain", type=int, default=20)
    ap.add_argument("--parallelism", type=int, default=32, help="[core] parallelism of both (default 32, both defaults)")
    ap.add_argument("--max-active-tasks", type=int, default=16, help="per DAG, both (default 16, both defaults)")
    ap.add_argument("--poll-ms", type=float, default=50)
    ap.add_argument("--idle-s", type=float, default=10, help="idle window before the runs in which each system's CPU use is measured")
    ap.add_argument("--run-timeout", type=float, default=600)
    ap.add_argument("--start-timeout", type=float, default=300)
    ap.add_argument("--freeze", help="the Airflow environment's pip freeze, to record its versions")
    ap.add_argument("--pg-port", type=int, default=28090)
    ap.add_argument("--airflow-port", type=int, default=28080)
    ap.add_argument("--airflow-log-port", type=int, default=28082, help="Airflow's worker log server (and +1: triggerer's)")
    ap.add_argument("--contrail-port", type=int, default=28081)
    a = ap.parse_args()
    if a.pairs < 1:
        ap.error("--pairs must be >= 1")
    run_dir = Path(a.run_dir)
    procs = Processes(run_dir)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)

    started = dt.datetime.now(dt.timezone.utc)
    results = {"benchmark": "airflow-vs-contrail", "started": started.isoformat(timespec="seconds"),
               "host": {"cpus": os.cpu_count(), "machine": platform.machine(), "kernel": platform.release(),
                        "python": platform.python_version(), "loadavg_start": loadavg()},
               "settings": {k: getattr(a, k) for k in ("pairs", "warmup", "wide", "chain", "parallelism",
                                                       "max_active_tasks", "poll_ms", "idle_s")}}
    if a.freeze and Path(a.freeze).exists():
        results["airflow_environment"] = [line for line in Path(a.freeze).read_text().splitlines()
                                          if re.match(r"(?i)^(apache-airflow|psycopg|sqlalchemy|uvicorn|fastapi)", line)]
    try:
        print(f"PostgreSQL on 127.0.0.1:{a.pg_port} (run dir {run_dir}) ...", flush=True)
        results["postgres"] = start_postgres(run_dir, a.pg_port, procs)
        print(f"  {results['postgres']['version']}, fsync {results['postgres']['fsync']}", flush=True)
        print(f"Airflow on 127.0.0.1:{a.airflow_port}: db migrate, api-server, scheduler, dag-processor ...", flush=True)
        af_api, results[AIRFLOW], af_roots = start_airflow(a, run_dir, procs, a.pg_port)
        print(f"  Airflow {results[AIRFLOW]['version']}: db migrate {results[AIRFLOW]['db_migrate_s']} s,"
              f" start -> healthy {results[AIRFLOW]['start_to_healthy_s']} s,"
              f" -> DAGs ready {results[AIRFLOW]['start_to_dags_ready_s']} s", flush=True)
        print(f"Contrail on 127.0.0.1:{a.contrail_port}: db migrate, standalone ...", flush=True)
        ct_api, results[CONTRAIL], ct_roots = start_contrail(a, run_dir, procs, a.pg_port)
        jvm = results[CONTRAIL]["jvm"]
        print(f"  Contrail {results[CONTRAIL]['version']}: db migrate {results[CONTRAIL]['db_migrate_s']} s,"
              f" start -> healthy {results[CONTRAIL]['start_to_healthy_s']} s,"
              f" -> DAGs ready {results[CONTRAIL]['start_to_dags_ready_s']} s; {jvm.get('jdk')}, GC {jvm.get('gc')}",
              flush=True)

        roots = {AIRFLOW: af_roots, CONTRAIL: ct_roots}
        print(f"idle for {a.idle_s} s: CPU of each system with nothing to run ...", flush=True)
        before = {k: cpu_seconds(v) for k, v in roots.items()}
        time.sleep(a.idle_s)
        results["idle_cpu_percent"] = {k: round(100 * (cpu_seconds(v) - before[k]) / a.idle_s, 1)
                                       for k, v in roots.items()}
        print(f"  idle CPU: Airflow {results['idle_cpu_percent'][AIRFLOW]} %,"
              f" Contrail {results['idle_cpu_percent'][CONTRAIL]} % of one core", flush=True)
        sampler = RssSampler({AIRFLOW: af_roots, CONTRAIL: ct_roots}, results["postgres"]["postmaster_pid"])
        sampler.start()
        apis = {AIRFLOW: af_api, CONTRAIL: ct_api}
        dag_ids = {"wide": f"wide-{a.wide}", "chain": f"chain-{a.chain}"}
        results["dags"] = {}
        for kind in [k.strip() for k in a.dags.split(",") if k.strip()]:
            dag_id = dag_ids[kind]
            rounds = []
            for i in range(a.warmup + a.pairs):
                order = [AIRFLOW, CONTRAIL] if i % 2 == 0 else [CONTRAIL, AIRFLOW]
                pair = {"pair": i - a.warmup + 1 if i >= a.warmup else None, "warmup": i < a.warmup, "order": order}
                for system in order:
                    procs.check_alive()
                    cpu0 = cpu_seconds(roots[system])
                    pair[system] = trigger_and_wait(apis[system], dag_id, a.poll_ms / 1000, a.run_timeout)
                    pair[system]["cpu_s"] = round(cpu_seconds(roots[system]) - cpu0, 2)
                    if pair[system]["state"] != "success":
                        raise RuntimeError(f"{system} {dag_id} run {pair[system]['run_id']} ended {pair[system]['state']}:"
                                           f" {pair[system]['task_states']}")
                pair["ratio"] = round(pair[AIRFLOW]["trigger_to_end_s"] / pair[CONTRAIL]["trigger_to_end_s"], 2)
                label = "warm-up" if pair["warmup"] else f"pair {pair['pair']}"
                print(f"  {dag_id} {label}: Airflow {pair[AIRFLOW]['trigger_to_end_s']:.3f} s,"
                      f" Contrail {pair[CONTRAIL]['trigger_to_end_s']:.3f} s, ratio {pair['ratio']}", flush=True)
                rounds.append(pair)
            measured = [r for r in rounds if not r["warmup"]]
            summary = {"dag_id": dag_id, "rounds": rounds,
                       "ratio_airflow_over_contrail": mmm([r["ratio"] for r in measured])}
            for system in (AIRFLOW, CONTRAIL):
                summary[system] = {
                    "trigger_to_success_s": mmm([r[system]["trigger_to_end_s"] for r in measured]),
                    "api_queued_to_end_s": mmm([r[system]["api_queued_to_end_s"] for r in measured]),
                    "cpu_s_per_run": mmm([r[system]["cpu_s"] for r in measured]),
                    "task_duration_ms_p50": mmm([r[system].get("task_duration_ms_p50") for r in measured])}
                if kind == "chain":
                    summary[system]["gap_ms_p50"] = mmm([r[system].get("gap_ms_p50") for r in measured])
            if kind == "chain":
                summary["gap_ratio"] = mmm([r[AIRFLOW]["gap_ms_p50"] / r[CONTRAIL]["gap_ms_p50"]
                                            for r in measured if r[CONTRAIL].get("gap_ms_p50")])
            results["dags"][kind] = summary
        sampler.stopped.set()
        sampler.join()
        results["memory"] = sampler.result()
        results["host"]["loadavg_end"] = loadavg()
        report(results)
        results["finished"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        out = Path(a.json) if a.json else Path(a.contrail_root) / "bench" / "peers" / "results" / \
            f"airflow-vs-contrail-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"results: {out}")
        return 0
    except KeyboardInterrupt as e:
        print(f"interrupted ({e}); stopping everything", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001
        print(f"airflow-vs-contrail: {e}\n  logs: {run_dir}/*.log", file=sys.stderr)
        return 1
    finally:
        procs.kill_all()


def report(r):
    print()
    print(f"Airflow {r[AIRFLOW]['version']} vs Contrail {r[CONTRAIL]['version']} on PostgreSQL {r['postgres']['version']}"
          f" (fsync {r['postgres']['fsync']}), {r['host']['cpus']} CPUs, load average at start {r['host']['loadavg_start']},"
          f" at end {r['host']['loadavg_end']}")
    jvm = r[CONTRAIL]["jvm"]
    print(f"Contrail JVM: {jvm.get('jdk')}, GC {jvm.get('gc')}; measured pairs follow {r['settings']['warmup']}"
          f" warm-up pair(s) per DAG in the same processes (JVM warm)")
    print(f"{'':34}{'Airflow':>28}{'Contrail':>28}")
    for key, label in (("db_migrate_s", "db migrate (s)"), ("start_to_healthy_s", "start -> healthy (s)"),
                       ("start_to_dags_ready_s", "start -> DAGs ready (s)")):
        print(f"{label:34}{r[AIRFLOW][key]:>28}{r[CONTRAIL][key]:>28}")
    for kind, s in r["dags"].items():
        n = s["ratio_airflow_over_contrail"]["n"]
        print(f"{s['dag_id']} trigger -> success, {n} pairs, min / median / max:")
        print(f"  {'Airflow':10}{fmt(s[AIRFLOW]['trigger_to_success_s'], digits=3)}")
        print(f"  {'Contrail':10}{fmt(s[CONTRAIL]['trigger_to_success_s'], digits=3)}")
        print(f"  {'ratio':10}{fmt(s['ratio_airflow_over_contrail'], unit='x', digits=1)}  (Airflow / Contrail, per pair)")
        print(f"  CPU per run (the system's process tree, tasks included): Airflow {fmt(s[AIRFLOW]['cpu_s_per_run'], unit='CPU-s')},"
              f" Contrail {fmt(s[CONTRAIL]['cpu_s_per_run'], unit='CPU-s')}")
        if "gap_ratio" in s:
            print(f"  task-to-task gap p50: Airflow {fmt(s[AIRFLOW]['gap_ms_p50'], unit='ms', digits=1)},"
                  f" Contrail {fmt(s[CONTRAIL]['gap_ms_p50'], unit='ms', digits=1)}; ratio {fmt(s['gap_ratio'], unit='x', digits=0)}")
    print(f"idle CPU (% of one core, {r['settings']['idle_s']} s before the runs): Airflow {r['idle_cpu_percent'][AIRFLOW]},"
          f" Contrail {r['idle_cpu_percent'][CONTRAIL]}")
    m = r["memory"]
    for system in (AIRFLOW, CONTRAIL):
        print(f"peak RSS {system:9}{m[system]['peak_rss_mib']:>9} MiB over {m[system]['processes_at_peak']} processes"
              f" (peak PSS {m[system]['peak_pss_mib']} MiB);"
              f" its PostgreSQL backends {m[system]['peak_db_backends_rss_mib']} MiB ({m[system]['db_backends_at_peak']})")


if __name__ == "__main__":
    sys.exit(main())
