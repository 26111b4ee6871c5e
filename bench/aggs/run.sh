#!/usr/bin/env bash
# Aggregation benchmark: Quarry's `_search` with size 0 + aggs against raw Xapian (a MatchSpy
# reading value slots, one thread), Sphinx (plain and real-time; GROUP BY on attributes), SQLite
# and PostgreSQL (GROUP BY, with indexes on the grouped columns), on the data bench/search loads.
#
#   bench/aggs/run.sh [N=1000000] [all|load|query]
#
# The load step is bench/search's (bench/common/lib.sh): a data set loaded by either is reused.
# The requests (bench/common/clients.py, `agg` of each client):
#   A  reviews per game (app_id), top 10, for a full-text match (5 words drawn with seed $SEED)
#   B  reviews per year (timestamp_created) over everything
#   C  average votes_helpful per verdict (recommended), for a full-text match
#   D  the dashboard: per game top 10, per month split by verdict, percentiles of
#      author.playtime_forever — one request for Quarry; the equivalent statements in turn for
#      the SQL peers (Sphinx has no percentiles: its D leaves them out and is marked so)
# Each is run REPS (10) times after one warm-up, 1 client; the median is reported. A request a
# system cannot answer is reported as "error" with the reason under the table.
#
# Environment: as bench/search/run.sh (SEED, WORK_DIR, SYSTEMS, QUIET_WAIT, BUILD_DIR,
# SKIP_BUILD, KEEP) plus REPS.
# Output: the table on stdout; WORK_DIR/results/aggs-<time>.{jsonl,md}.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../common/lib.sh
source "$HERE/../common/lib.sh"

bench_init "${1:-1000000}"
PHASE=${2:-all}
[[ "$PHASE" == all || "$PHASE" == load || "$PHASE" == query ]] || die "phase must be all, load or query"
bench_build
if [[ "$PHASE" != query ]]; then bench_load; fi
[[ "$PHASE" == load ]] && { log "load done: $WORK_DIR"; exit 0; }

bench_start_all
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$WORK_DIR/results/aggs-$STAMP.jsonl"
for system in ${SYSTEMS:-$ALL_SYSTEMS}; do
  warm_cache "$system"
  wait_quiet
  log "$system"
  "$PY" "$BENCH_PY" aggs --system "$system" "${CONN[@]}" --queries "$WORK_DIR/aggs.tsv" --out "$OUT" \
    --pids "$(system_pids "$system")" --reps "${REPS:-10}" ||
    log "$system failed (see above)"
done
{
  echo
  bench_header "Aggregations"
  echo
  echo "Median latency in ms, 1 client."
  echo
  "$PY" "$BENCH_PY" report --results "$OUT" --bench aggs
  echo
  echo "others: share of the machine used by other processes during the system's measurement (noise)."
} | tee "$WORK_DIR/results/aggs-$STAMP.md"
log "results: $OUT"
