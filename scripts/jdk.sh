# Sourced by ./contrail and scripts/test: prints the JAVA_HOME of the JDK to use (>= 17).
# Order: $JAVA_HOME if it is >= 17, else the newest JDK under /usr/lib/jvm, else `java` on the PATH.
contrail_jdk_version() {
  local v="" line
  # the JDK's release file says it without starting a JVM, read by bash itself: every ./contrail
  # command asks, for every JDK under /usr/lib/jvm, and a sed per JDK was 10 ms of each command
  if [ -f "$1/release" ]; then
    while IFS= read -r line; do
      if [[ "$line" =~ ^JAVA_VERSION=\"([0-9]+) ]]; then v="${BASH_REMATCH[1]}"; break; fi
    done < "$1/release"
  fi
  if [ -z "$v" ]; then
    v="$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  fi
  echo "${v:-0}"
}
contrail_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(contrail_jdk_version "$JAVA_HOME")" -ge 17 ]; then
    echo "$JAVA_HOME"; return 0
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [ -x "$d/bin/javac" ] || continue
    v="$(contrail_jdk_version "$d")"
    if [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  if [ "$best_v" -ge 17 ]; then echo "$best"; return 0; fi
  if command -v javac >/dev/null 2>&1; then
    d="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
    if [ "$(contrail_jdk_version "$d")" -ge 17 ]; then echo "$d"; return 0; fi
  fi
  echo "contrail: no JDK 17 or newer found (looked at JAVA_HOME, /usr/lib/jvm and the PATH); install one, e.g. apt-get install openjdk-17-jdk" >&2
  return 1
}
