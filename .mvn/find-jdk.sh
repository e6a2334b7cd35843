# Sourced by ./mvnw, bin/* and .ci/run: points JAVA_HOME at a JDK 25+ so a fresh machine
# whose default `java` is older builds unchanged. Respects JAVA_HOME when it is new enough.
forecaster_jdk_major() { # $1 = JDK home; prints its feature version, or nothing
  local rel="$1/release" v=""
  if [ -r "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")
  elif [ -x "$1/bin/java" ]; then
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  fi
  printf '%s' "$v"
}
forecaster_find_jdk() {
  local need=25 best="" best_v=0 d v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(forecaster_jdk_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$need" ]; then return 0; fi
  fi
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* /usr/java/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -x "$d/bin/javac" ] || continue
    v=$(forecaster_jdk_major "$d")
    if [ -n "$v" ] && [ "$v" -ge "$need" ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(forecaster_jdk_major "$d")
    if [ -n "$v" ] && [ "$v" -ge "$need" ]; then best="$d"; fi
  fi
  if [ -z "$best" ]; then
    echo "error: forecaster needs a JDK $need or newer (found JAVA_HOME='${JAVA_HOME:-}', default java: $(java -version 2>&1 | head -n1))." >&2
    echo "       Install one (e.g. Temurin 25 under /usr/lib/jvm) or set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}
