#!/usr/bin/env bash
# Prints the directory holding kubeconform (built from Go modules) and Kubernetes' own OpenAPI
# document (api/openapi-spec/swagger.json of the k8s.io/kubernetes module, fetched from the Go
# module proxy), which the deploy/kubernetes test turns into kubeconform's schemas; builds and
# fetches them first when they are not cached (about 1 minute, once). No cluster and no schema
# download from GitHub is needed.
#
#   scripts/peers/kubeconform.sh   -> ~/.cache/contrail-peers/kubeconform-<v>-k8s-<v>/
#                                     (kubeconform, swagger.json)
#
# Needs Go >= 1.21 ($CONTRAIL_GO, else on PATH, else /usr/local/go/bin), as otelcol.sh.
# Cache root: $CONTRAIL_PEERS_CACHE, else ~/.cache/contrail-peers.
set -euo pipefail
KUBECONFORM=v0.7.0
KUBERNETES=v1.34.0
CACHE="${CONTRAIL_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/contrail-peers}"
DIR="$CACHE/kubeconform-$KUBECONFORM-k8s-$KUBERNETES"

say() { echo "kubeconform.sh: $*" >&2; }

if [[ -x "$DIR/kubeconform" && -f "$DIR/swagger.json" ]]; then
  echo "$DIR"
  exit 0
fi
if [[ -n "${CONTRAIL_GO:-}" ]]; then
  GO="$CONTRAIL_GO"
else
  GO="$(command -v go || true)"
  [[ -z "$GO" && -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go
fi
if [[ -z "$GO" || ! -x "$GO" ]]; then
  say "no Go toolchain: building kubeconform $KUBECONFORM needs Go >= 1.21 on PATH or in /usr/local/go/bin (see scripts/peers/README.md)"
  exit 2
fi
export PATH="$(dirname "$GO"):$PATH"
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
[[ "$GOTOOLCHAIN" == local ]] && export GOTOOLCHAIN=auto

mkdir -p "$CACHE"
exec 9>"$CACHE/kubeconform.lock"
if ! flock -n 9; then
  say "another process is building kubeconform; waiting for it"
  flock 9
fi
if [[ -x "$DIR/kubeconform" && -f "$DIR/swagger.json" ]]; then
  echo "$DIR"
  exit 0
fi
WORK="$(mktemp -d "$CACHE/.kubeconform.XXXXXX")"
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
LOG="$CACHE/kubeconform-$KUBECONFORM.log"
: >"$LOG"
say "building kubeconform $KUBECONFORM and fetching Kubernetes $KUBERNETES's OpenAPI document (once; log: $LOG)"
if ! GOBIN="$WORK/out" GOMODCACHE="$WORK/mod" "$GO" install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM" >>"$LOG" 2>&1; then
  say "building kubeconform failed; last lines of $LOG:"; tail -n 30 "$LOG" >&2; exit 1
fi
# k8s.io/kubernetes is not meant to be required as a module; `go mod download` fetches its zip all the same
if ! (cd "$WORK" && GOMODCACHE="$WORK/mod" GOFLAGS=-mod=mod "$GO" mod download -json "k8s.io/kubernetes@$KUBERNETES" >"$WORK/dl.json" 2>>"$LOG"); then
  say "fetching k8s.io/kubernetes@$KUBERNETES failed; last lines of $LOG:"; tail -n 30 "$LOG" >&2; exit 1
fi
SRC="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' "$WORK/dl.json")"
cp "$SRC/api/openapi-spec/swagger.json" "$WORK/out/swagger.json"
mv -T "$WORK/out" "$DIR"
say "ready: $DIR"
echo "$DIR"
