#!/usr/bin/env bash
# Creates, once, the virtual environment with Apache Airflow 3.3.2 (PostgreSQL extra, standard
# provider) that bench/peers/airflow-vs-contrail runs as the peer, and prints its path on stdout
# (progress goes to stderr). Like scripts/peers/python.sh: keyed by the pins below and the Python
# version under ~/.cache/contrail-peers/airflow-3.3.2-<hash>, built under a flock, and counted as
# built only once its .complete marker exists, so an interrupted install is redone and an
# unchanged one is reused without touching the network.
# Airflow's constraints file (constraints-3.3.2/constraints-3.11.txt) lives on GitHub; it is used
# when reachable (or given as AIRFLOW_CONSTRAINTS=path-or-url). Without it pip resolves the pins
# freely, and the environment's `pip freeze` is kept next to it (freeze.txt) so a run's results can
# say exactly what ran.
# Exit codes: 0 ok, 2 no usable Python 3.10-3.13 with venv, 3 pip failed.
set -euo pipefail
AIRFLOW_VERSION=3.3.2
PINS=("apache-airflow[postgres]==$AIRFLOW_VERSION" "apache-airflow-providers-standard")
PY="${CONTRAIL_PEER_PYTHON:-$(command -v python3.11 || command -v python3 || true)}"

if [[ -z "$PY" ]] || ! "$PY" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else 1)' 2>/dev/null; then
  echo "airflow-venv.sh: need Python 3.10-3.13 (Airflow $AIRFLOW_VERSION's range), found '${PY:-none}'" >&2
  exit 2
fi
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "airflow-venv.sh: Python's venv support is missing (Debian: apt-get install python3-venv)" >&2
  exit 2
fi
PYVER="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
KEY="$(printf '%s\n' "${PINS[@]}" "$("$PY" -c 'import sys; print(sys.version)')" | sha256sum | cut -c1-12)"
BASE="${CONTRAIL_PEERS_CACHE:-$HOME/.cache/contrail-peers}"
VENV="$BASE/airflow-$AIRFLOW_VERSION-$KEY"
mkdir -p "$BASE"

if [[ ! -f "$VENV/.complete" ]]; then
  exec 9>"$VENV.lock"
  flock 9
  if [[ ! -f "$VENV/.complete" ]]; then   # another caller may have finished while we waited
    rm -rf "$VENV"
    echo "airflow-venv.sh: creating $VENV (a few minutes: Airflow and ~200 dependencies from PyPI)" >&2
    "$PY" -m venv "$VENV" >&2
    CONSTRAINTS="${AIRFLOW_CONSTRAINTS:-https://raw.githubusercontent.com/apache/airflow/constraints-$AIRFLOW_VERSION/constraints-$PYVER.txt}"
    CARGS=()
    if [[ -f "$CONSTRAINTS" ]] || curl -fsS --max-time 10 -o "$VENV/constraints.txt" "$CONSTRAINTS" 2>/dev/null; then
      [[ -f "$CONSTRAINTS" ]] && cp "$CONSTRAINTS" "$VENV/constraints.txt"
      CARGS=(--constraint "$VENV/constraints.txt")
      echo "airflow-venv.sh: using constraints $CONSTRAINTS" >&2
    else
      echo "airflow-venv.sh: constraints $CONSTRAINTS not reachable; resolving the pins without it" >&2
      rm -f "$VENV/constraints.txt"
    fi
    if ! "$VENV/bin/python" -m pip install --disable-pip-version-check -q "${CARGS[@]}" "${PINS[@]}" >&2; then
      echo "airflow-venv.sh: pip install ${PINS[*]} failed" >&2
      rm -rf "$VENV"
      exit 3
    fi
    "$VENV/bin/python" -m pip freeze --disable-pip-version-check > "$VENV/freeze.txt"
    touch "$VENV/.complete"
  fi
fi
echo "$VENV"
