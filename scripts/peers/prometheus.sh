#!/usr/bin/env bash
# Prints the path of a Prometheus 2.x server binary taken from Debian's `prometheus` package
# (apt-get download + dpkg-deb -x: nothing is installed, no service starts), fetching it first
# when it is not cached. promtool sits next to it. The cache key is the Debian package version.
#
#   scripts/peers/prometheus.sh         -> ~/.cache/contrail-peers/prometheus-2.42.0+ds-5+deb12u1/prometheus
#
# Needs apt's package lists (`apt-get update` once on a fresh machine; .ci/run does it).
# Cache root: $CONTRAIL_PEERS_CACHE, else ~/.cache/contrail-peers.
set -euo pipefail
CACHE="${CONTRAIL_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/contrail-peers}"

say() { echo "prometheus.sh: $*" >&2; }

VERSION="$(apt-cache policy prometheus 2>/dev/null | sed -n 's/^ *Candidate: *//p')"
if [[ -z "$VERSION" || "$VERSION" == "(none)" ]]; then
  # no package lists: a binary fetched earlier still does
  cached="$(ls -d "$CACHE"/prometheus-2.*/prometheus 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$cached" ]]; then
    echo "$cached"
    exit 0
  fi
  say "apt knows no 'prometheus' package: run 'apt-get update' first (Debian's package provides Prometheus 2.x)"
  exit 2
fi
if [[ "$VERSION" != 2.* ]]; then
  say "Debian's prometheus package is $VERSION; the tests expect Prometheus 2.x"
  exit 2
fi
DIR="$CACHE/prometheus-$VERSION"
BIN="$DIR/prometheus"
if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/prometheus.lock"
flock 9
if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi
WORK="$(mktemp -d "$CACHE/.prometheus.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
if ! (cd "$WORK" && apt-get download -q "prometheus=$VERSION" >download.log 2>&1); then
  say "apt-get download prometheus=$VERSION failed:"
  cat "$WORK/download.log" >&2
  exit 1
fi
dpkg-deb -x "$WORK"/prometheus_*.deb "$WORK/root"
mkdir -p "$WORK/out"
cp "$WORK/root/usr/bin/prometheus" "$WORK/root/usr/bin/promtool" "$WORK/out/"
mv -T "$WORK/out" "$DIR"
echo "$BIN"
