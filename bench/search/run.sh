#!/usr/bin/env bash
# Search benchmark: Quarry over HTTP against raw Xapian, Sphinx (plain and real-time), SQLite FTS5
# and PostgreSQL full-text search, on the same generated reviews and the same fixed query mix.
#
#   bench/search/run.sh [N=1000000] [all|load|query]
#
# load  : generates N reviews (`quarry generate N --seed $SEED`) and loads every system that is
#         not loaded yet in WORK_DIR (default /work/bench-data/N; see bench/common/lib.sh): Quarry
#         (2 shards, the mapping of scripts/steam_reviews_template.json with `index_phrases` on
#         `review` unless INDEX_PHRASES=0 (Sphinx's indexes then get `bigram_index = all`),
#         refreshed until _count == N), raw Xapian (one
#         database, quarryd's layout), SQLite FTS5, PostgreSQL (tsvector 'simple' + GIN), Sphinx
#         plain (indexer) and real-time (SphinxQL INSERT). Load times are logged, not reported.
# query : starts every server on loopback from the loaded data and runs, for each system in turn,
#         the query mix (QUERIES=400 by default: term, two-term AND, phrase, term + app_id filter,
#         top 10 each; words drawn with seed $SEED from the generated vocabulary): a warm-up
#         (WARMUP=5 s, 2 clients), every query once with 1 client (median and p99 latency), then
#         DURATION=15 s with 2 and with 8 concurrent clients (queries/s). Then an exact hit-count
#         check (Quarry and raw Xapian must agree) and one table.
# all   : both (default).
#
# Environment: SEED (42), WORK_DIR, INDEX_PHRASES (1: word pairs indexed by Quarry and Sphinx; 0: not), SYSTEMS (subset of "quarry raw-xapian sphinx-plain sphinx-rt
# sqlite postgres"), LOAD_SYSTEMS (the same, for the load step), QUERIES, WARMUP, DURATION,
# QUIET_WAIT (600 s: the longest wait for a quiet machine before each system), WITH_SOURCE=1
# (Quarry's hits carry _source; by default `"_source": false`: ids and scores, as the peers
# return), BUILD_DIR, SKIP_BUILD=1, KEEP=1 (keep the run's temp dir).
# Output: the table on stdout; WORK_DIR/results/search-<time>.{jsonl,md}.
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
OUT="$WORK_DIR/results/search-$STAMP.jsonl"
for system in ${SYSTEMS:-$ALL_SYSTEMS}; do
  warm_cache "$system"
  wait_quiet
  log "$system"
  "$PY" "$BENCH_PY" search --system "$system" "${CONN[@]}" --queries "$WORK_DIR/search.tsv" --out "$OUT" \
    --pids "$(system_pids "$system")" --warmup "${WARMUP:-5}" --duration "${DURATION:-15}" ||
    log "$system failed (see above)"
done
CHECK=$("$PY" "$BENCH_PY" check --systems "$(echo "${SYSTEMS:-$ALL_SYSTEMS}" | tr ' ' ',')" "${CONN[@]}" \
  --queries "$WORK_DIR/search.tsv" --out "$OUT")
{
  echo
  bench_header "Search"
  echo
  "$PY" "$BENCH_PY" report --results "$OUT" --bench search
  echo
  echo "others: share of the machine used by other processes during the system's measurement (noise)."
  echo "Quarry: Python raw-socket HTTP/1.1 keep-alive client, one process per client (bench/common/clients.py);" \
    "hits $([[ "${WITH_SOURCE:-0}" == 1 ]] && echo "with _source" || echo "without _source (ids and scores, as the peers return)")."
  if [[ "${INDEX_PHRASES:-1}" == 0 ]]; then
    echo "Word pairs: not indexed (INDEX_PHRASES=0): Quarry's index has the review template's mapping as is."
  else
    echo "Word pairs indexed where the system can: Quarry's \`review\` with \`index_phrases: true\`," \
      "Sphinx's indexes with \`bigram_index = all\` (raw Xapian, SQLite and PostgreSQL have no such option)."
  fi
  echo
  echo "Exact hit counts (sanity check):"
  echo
  echo "$CHECK"
} | tee "$WORK_DIR/results/search-$STAMP.md"
log "results: $OUT"
