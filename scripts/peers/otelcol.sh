#!/usr/bin/env bash
# Prints the path of an OpenTelemetry Collector built from Go modules with the Collector's own
# builder (ocb), from the component list in otelcol-builder.yaml; builds it first when it is not
# cached (about 4 minutes on 2 cores, once). The cache key is the manifest's hash, so editing the
# manifest builds a new binary next to the old one. Concurrent callers wait on a lock instead of
# building twice, and a build only becomes visible once complete (atomic rename).
#
#   scripts/peers/otelcol.sh            -> ~/.cache/contrail-peers/otelcol-0.161.0-<hash>/otelcol-contrail
#
# Needs Go >= 1.21 ($CONTRAIL_GO, else on PATH, else /usr/local/go/bin); the Collector's modules want a newer Go,
# which `go` then fetches from the Go module proxy by itself (GOTOOLCHAIN=auto).
# Cache root: $CONTRAIL_PEERS_CACHE, else ~/.cache/contrail-peers.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MANIFEST="$HERE/otelcol-builder.yaml"
VERSION="$(sed -n 's/^  version: *\([0-9.]*\).*/\1/p' "$MANIFEST")"
CACHE="${CONTRAIL_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/contrail-peers}"
KEY="$(sha256sum "$MANIFEST" | cut -c1-12)"
DIR="$CACHE/otelcol-$VERSION-$KEY"
BIN="$DIR/otelcol-contrail"

say() { echo "otelcol.sh: $*" >&2; }

if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi

if [[ -n "${CONTRAIL_GO:-}" ]]; then   # a chosen Go binary (tests use it to simulate a machine without Go)
  GO="$CONTRAIL_GO"
else
  GO="$(command -v go || true)"
  [[ -z "$GO" && -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go
fi
if [[ -z "$GO" || ! -x "$GO" ]]; then
  say "no Go toolchain: building the OpenTelemetry Collector $VERSION needs Go >= 1.21 on PATH or in /usr/local/go/bin (Debian bookworm's golang is 1.19, too old; see scripts/peers/README.md)"
  exit 2
fi
GO_MINOR="$("$GO" env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
if [[ -z "$GO_MINOR" || "$GO_MINOR" -lt 21 ]]; then
  say "$GO is $("$GO" env GOVERSION); building the OpenTelemetry Collector $VERSION needs Go >= 1.21 (which fetches the newer toolchain the modules ask for)"
  exit 2
fi
export PATH="$(dirname "$GO"):$PATH"
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
[[ "$GOTOOLCHAIN" == local ]] && export GOTOOLCHAIN=auto

mkdir -p "$CACHE"
exec 9>"$CACHE/otelcol.lock"
if ! flock -n 9; then
  say "another process is building the Collector; waiting for it"
  flock 9
fi
if [[ -x "$BIN" ]]; then   # built while we waited
  echo "$BIN"
  exit 0
fi

OCB="$CACHE/ocb-$VERSION/builder"
LOG="$CACHE/otelcol-$VERSION-$KEY.log"
: >"$LOG"
if [[ ! -x "$OCB" ]]; then
  say "installing the Collector builder v$VERSION (log: $LOG)"
  if ! GOBIN="$CACHE/ocb-$VERSION" "$GO" install "go.opentelemetry.io/collector/cmd/builder@v$VERSION" >>"$LOG" 2>&1; then
    say "installing the builder failed; last lines of $LOG:"
    tail -n 30 "$LOG" >&2
    exit 1
  fi
fi

WORK="$(mktemp -d "$CACHE/.otelcol-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
say "building the OpenTelemetry Collector $VERSION from $MANIFEST (a few minutes, once; log: $LOG)"
start=$SECONDS
if ! (cd "$WORK" && "$OCB" --config="$MANIFEST") >>"$LOG" 2>&1; then
  say "the Collector build failed; last lines of $LOG:"
  tail -n 30 "$LOG" >&2
  exit 1
fi
mkdir -p "$WORK/out"
cp "$WORK/dist/otelcol-contrail" "$WORK/out/"
cp "$MANIFEST" "$WORK/out/otelcol-builder.yaml"
mv -T "$WORK/out" "$DIR"
say "built $BIN in $((SECONDS - start)) s"
echo "$BIN"
