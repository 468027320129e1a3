#!/bin/sh
# The image's entrypoint: Contrail's CLI on the JVM settings ./contrail gives the server roles
# (server-jvm.options beside this script, a copy of scripts/server-jvm.options: its NAME=VALUE
# lines are environment variables, set unless already set; "ROLE,ROLE: OPTION" lines apply when the
# command is one of those roles; the others are JVM options), then
# CONTRAIL_JAVA_OPTS, which wins; a collector chosen there replaces the file's.
set -eu
dir="$(cd "$(dirname "$0")" && pwd)"
args=""
while IFS= read -r o || [ -n "$o" ]; do
  case "$o" in
    ''|'#'*) ;;
    [A-Z_]*=*)
      n="${o%%=*}"
      if [ -z "$(printenv "$n" || true)" ]; then export "$o"; fi ;;
    *": "*)
      case ",${o%%:*}," in
        *",${1:-},"*) args="$args ${o#*: }" ;;
      esac ;;
    -XX:+Use*GC)
      case " ${CONTRAIL_JAVA_OPTS:-} " in
        *" -XX:+Use"*"GC "*) ;;
        *) args="$args $o" ;;
      esac ;;
    *) args="$args $o" ;;
  esac
done < "$dir/server-jvm.options"
# shellcheck disable=SC2086 # the options are words
exec java $args ${CONTRAIL_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "$dir/contrail.jar:$dir/lib/*" \
  io.contrail.cli.Main "$@"
