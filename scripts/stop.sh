#!/usr/bin/env bash
# Stops the quarryd started by quickstart.sh (SIGTERM: it commits what is buffered and stops its Redis).
set -euo pipefail
QUARRY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${QUARRY_DATA_DIR:-$QUARRY_ROOT/data}"
PID_FILE="$DATA_DIR/quarryd.pid"
[ -f "$PID_FILE" ] || { echo "no $PID_FILE: quarryd was not started by quickstart.sh"; exit 0; }
PID="$(cat "$PID_FILE")"
if kill -0 "$PID" 2>/dev/null; then
  kill -TERM "$PID"
  for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
fi
rm -f "$PID_FILE"
echo "quarryd stopped"
