#!/usr/bin/env bash
# The second of the two README commands: installs what is missing, builds, and runs the whole
# test suite: unit, API and browser tests (ctest; the API and browser tests start their own
# redis-server and quarryd on loopback ports) and Elasticsearch's own YAML REST tests from
# ../shared/es-conformance against a private quarryd, failing if fewer pass than recorded in
# tests/conformance/min_passed.txt.
# The conformance kit runs first so that ctest's summary is the last thing printed.
set -euo pipefail
QUARRY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$QUARRY_ROOT/scripts/setup.sh"

# The browser test (tests/e2e) needs node, npm and Debian's chromium, plus playwright-core from npm.
# Each is installed only when missing (commands are checked, not packages: a node from another
# source will do), and `npm ci` runs only when tests/e2e/package-lock.json changed since the last.
install_e2e_tools() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing for the browser test: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  local e2e="$QUARRY_ROOT/tests/e2e"
  if [ ! -f "$e2e/node_modules/.package-lock.json" ] || [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
    echo "==> npm ci in tests/e2e"
    (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
install_e2e_tools

KIT="$QUARRY_ROOT/../shared/es-conformance"
run_ctest() {
  echo "==> unit, API and browser tests"
  (cd "$BUILD_DIR" && ctest --output-on-failure -j2 --timeout 600)
}
if [ ! -f "$KIT/run.py" ]; then
  echo "==> conformance kit not found at $KIT: skipped"
  run_ctest
  exit 0
fi
PYTHON=python3
if ! "$PYTHON" -c 'import yaml' 2>/dev/null; then PYTHON=/usr/bin/python3; fi

echo "==> Elasticsearch conformance kit"
WORK="$(mktemp -d)"
QUARRYD_PID=""
cleanup() {
  if [ -n "$QUARRYD_PID" ] && kill -0 "$QUARRYD_PID" 2>/dev/null; then
    kill -TERM "$QUARRYD_PID"; wait "$QUARRYD_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
"$BUILD_DIR/server/quarryd" --host 127.0.0.1 --port 0 --data-dir "$WORK/data" >"$WORK/quarryd.out" 2>&1 &
QUARRYD_PID=$!
PORT=""
for _ in $(seq 1 200); do
  PORT="$(sed -n 's|^quarryd listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$WORK/quarryd.out")"
  [ -n "$PORT" ] && break
  kill -0 "$QUARRYD_PID" 2>/dev/null || { cat "$WORK/quarryd.out"; exit 1; }
  sleep 0.1
done
[ -n "$PORT" ] || { echo "quarryd did not start"; cat "$WORK/quarryd.out"; exit 1; }

set +e
"$PYTHON" "$KIT/run.py" --url "http://127.0.0.1:$PORT" >"$WORK/conformance.txt" 2>&1
set -e
grep -E '^(FAIL) ' "$WORK/conformance.txt" | sed 's/^/  /' | head -400 || true
sed -n '/^Totals per API folder:/,$p' "$WORK/conformance.txt"
PASSED="$(tail -1 "$WORK/conformance.txt" | sed -n 's/^\([0-9]*\) passed.*/\1/p')"
MIN="$(tr -dc '0-9' <"$QUARRY_ROOT/tests/conformance/min_passed.txt")"
echo "conformance: $PASSED passed (minimum recorded: $MIN)"
if [ -z "$PASSED" ] || [ "$PASSED" -lt "$MIN" ]; then
  echo "conformance pass count fell below the recorded minimum"
  exit 1
fi
cleanup
trap - EXIT
# Last, so that ctest's summary closes the output.
run_ctest
