#!/usr/bin/env bash
# Creates, once, the Python virtual environment the REST API tests drive Airflow's own clients from
# (apache-airflow-client, airflowctl) and schemathesis, and prints its path on stdout (progress goes
# to stderr). The environment lives under ~/.cache/contrail-peers/ and is keyed by the pinned
# requirements and the Python version, so a changed pin gets a new one and an unchanged one is reused
# without touching the network. Safe to run concurrently: the build holds a lock, and the environment
# counts as built only once its .complete marker exists.
# Exit codes: 0 ok, 2 no usable Python 3.10+ or no venv support (Debian: apt-get install python3-venv),
# 3 pip failed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REQS="$HERE/python-requirements.txt"
PY="${CONTRAIL_PEER_PYTHON:-python3}"

if ! command -v "$PY" >/dev/null 2>&1; then
  echo "python.sh: '$PY' not found on PATH; install Python 3.10+ (Debian: apt-get install python3 python3-venv)" >&2
  exit 2
fi
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  echo "python.sh: $("$PY" --version 2>&1) is too old; airflowctl needs Python 3.10+" >&2
  exit 2
fi
# Debian's python3 ships venv without ensurepip unless python3-venv is installed; `python3 -m venv`
# then fails half-way, so check up front and say what to install.
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "python.sh: Python's venv support is missing for $("$PY" -c 'import sys; print(sys.executable)')" \
       "(Debian: apt-get install python3-venv)" >&2
  exit 2
fi

KEY="$( { cat "$REQS"; "$PY" -c 'import sys; print(sys.version)'; } | sha256sum | cut -c1-16)"
BASE="${CONTRAIL_PEERS_CACHE:-$HOME/.cache/contrail-peers}"
VENV="$BASE/python-$KEY"
mkdir -p "$BASE"

if [[ ! -f "$VENV/.complete" ]]; then
  exec 9>"$BASE/python-$KEY.lock"
  flock 9
  if [[ ! -f "$VENV/.complete" ]]; then   # another caller may have finished while we waited
    rm -rf "$VENV"   # a half-built one from an interrupted run
    echo "python.sh: creating $VENV" >&2
    "$PY" -m venv "$VENV" >&2
    if ! "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$REQS" >&2; then
      echo "python.sh: pip install -r $REQS failed" >&2
      rm -rf "$VENV"
      exit 3
    fi
    touch "$VENV/.complete"
  fi
fi
echo "$VENV"
