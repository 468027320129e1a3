#!/usr/bin/env bash
# Prints the path of a Jaeger v2 binary (github.com/jaegertracing/jaeger/cmd/jaeger, module v1.76.0
# = Jaeger v2.13.0), building it from Go modules first when it is not cached: about 15 minutes on 2
# cores, once. A Go build has no UI assets: the query API (/api/traces/<id>, /api/v3) works, the web
# UI page does not. Used to check deploy/jaeger.yaml by hand; the test suite does not build it.
#
#   scripts/peers/jaeger.sh             -> ~/.cache/contrail-peers/jaeger-1.76.0/jaeger
#
# `go install ...@v1.76.0` refuses the module (it has a replace directive), so the build goes through
# a scratch module that repeats the replace. Go as for otelcol.sh; cache root $CONTRAIL_PEERS_CACHE.
set -euo pipefail
VERSION=1.76.0
CACHE="${CONTRAIL_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/contrail-peers}"
DIR="$CACHE/jaeger-$VERSION"
BIN="$DIR/jaeger"

say() { echo "jaeger.sh: $*" >&2; }

if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi
GO="${CONTRAIL_GO:-$(command -v go || echo /usr/local/go/bin/go)}"
if [[ ! -x "$GO" ]]; then
  say "no Go toolchain (need Go >= 1.21 on PATH or in /usr/local/go/bin)"
  exit 2
fi
export GOTOOLCHAIN=auto

mkdir -p "$CACHE"
exec 9>"$CACHE/jaeger.lock"
flock 9
if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi
WORK="$(mktemp -d "$CACHE/.jaeger-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
LOG="$CACHE/jaeger-$VERSION.log"
say "building Jaeger v2 (module v$VERSION) from Go modules (about 15 minutes, once; log: $LOG)"
start=$SECONDS
if ! (cd "$WORK" && "$GO" mod init contrail.local/jaeger-peer \
      && "$GO" mod edit -replace github.com/Shopify/sarama=github.com/Shopify/sarama@v1.33.0 \
      && "$GO" get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@v$VERSION" \
      && GOBIN="$WORK/out" "$GO" install tool) >"$LOG" 2>&1; then
  say "the Jaeger build failed; last lines of $LOG:"
  tail -n 30 "$LOG" >&2
  exit 1
fi
mv -T "$WORK/out" "$DIR"
say "built $BIN in $((SECONDS - start)) s"
echo "$BIN"
