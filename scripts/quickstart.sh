#!/usr/bin/env bash
# The first of the two README commands: installs what is missing, builds, starts quarryd (with
# its own Redis) on 127.0.0.1:9200 in the background, loads 100,000 generated demo reviews on the
# first start, and prints what to open or curl.  Stop it with scripts/stop.sh.
set -euo pipefail
QUARRY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$QUARRY_ROOT/scripts/setup.sh"

PORT="${QUARRY_PORT:-9200}"
DATA_DIR="${QUARRY_DATA_DIR:-$QUARRY_ROOT/data}"
URL="http://127.0.0.1:$PORT"
DEMO_DOCS="${QUARRY_DEMO_DOCS:-100000}"
mkdir -p "$DATA_DIR"

if curl -fsS "$URL/" >/dev/null 2>&1; then
  echo "==> quarryd already answers on $URL"
else
  echo "==> starting quarryd on $URL (data in $DATA_DIR, log in $DATA_DIR/quarryd.log)"
  nohup "$BUILD_DIR/server/quarryd" --host 127.0.0.1 --port "$PORT" --data-dir "$DATA_DIR" \
    >"$DATA_DIR/quarryd.log" 2>&1 &
  echo $! >"$DATA_DIR/quarryd.pid"
  for _ in $(seq 1 100); do
    curl -fsS "$URL/" >/dev/null 2>&1 && break
    kill -0 "$(cat "$DATA_DIR/quarryd.pid")" 2>/dev/null || { cat "$DATA_DIR/quarryd.log"; exit 1; }
    sleep 0.2
  done
fi

# The shipped Steam review template (mapping, 2 shards) applies to every new index named
# reviews* or steam-reviews*; installing it again updates it in place.
echo "==> installing the index template [steam-reviews] (scripts/steam_reviews_template.json)"
curl -fsS -XPUT "$URL/_index_template/steam-reviews" -H 'Content-Type: application/json' \
  --data-binary @"$QUARRY_ROOT/scripts/steam_reviews_template.json" >/dev/null ||
  { echo "quarryd on $URL refused the template (an older quarryd still running? scripts/stop.sh, then again)"; exit 1; }

if ! curl -fsS -o /dev/null "$URL/reviews" 2>/dev/null; then
  echo "==> loading $DEMO_DOCS generated demo reviews into index [reviews]"
  # No mapping here: the template gives the index its mapping and settings.
  curl -fsS -XPUT "$URL/reviews" >/dev/null
  "$BUILD_DIR/server/quarry" generate "$DEMO_DOCS" --seed 42 |
    "$BUILD_DIR/server/quarry" load - --url "$URL" --index reviews --id-field review_id --refresh
fi

cat <<MSG

Quarry is running on $URL  (stop it with: scripts/stop.sh)
Open $URL/_ui/ in a browser to explore the reviews.
Try:
  curl '$URL/'
  curl '$URL/_cat/indices?v'
  curl '$URL/_index_template/steam-reviews?pretty'
  curl '$URL/reviews/_search?pretty' -H 'Content-Type: application/json' -d '{"query":{"match":{"review":"crash"}},"size":3}'
  curl '$URL/reviews/_count?pretty' -H 'Content-Type: application/json' -d '{"query":{"term":{"recommended":false}}}'
MSG
