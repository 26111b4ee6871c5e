# Shared by bench/search/run.sh and bench/aggs/run.sh (sourced, not run): the build, the private
# servers (quarryd with its own Redis, PostgreSQL 15, Sphinx searchd — all on loopback, all
# stopped on exit) and the load step, which keeps the loaded data in WORK_DIR so that the query
# phase can run later, on a quiet machine, without loading again.
#
# Layout of WORK_DIR (default /work/bench-data/N):
#   reviews.ndjson          `quarry generate N --seed SEED`
#   flat.tsv                the same documents for the peers (bench.py flatten)
#   search.tsv, aggs.tsv    the fixed query mix (bench.py queries)
#   quarry/data             quarryd's data dir: index "reviews", 2 shards, the mapping of scripts/steam_reviews_template.json
#   raw-xapian/shard-0      one database, the layout of a quarryd shard (bench_raw_xapian_ingest)
#   sqlite.db               table reviews + FTS5 (external content) + indexes
#   pg/data                 a private PostgreSQL cluster (owner: postgres), database "bench"
#   sphinx/plain.*, rt.*    Sphinx plain index (indexer, tsvpipe) and real-time index (SphinxQL INSERT)
#   *.loaded                one marker per finished load; a system with its marker is not loaded again
#   results/                JSONL results and markdown tables of each query run
# shellcheck shell=bash
set -euo pipefail

BENCH_COMMON=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_COMMON/../.." && pwd)
# The review mapping is the shipped Steam review template's; bench_init writes it out as a file
# for the tools that take a "mappings" object. Unless INDEX_PHRASES=0, the systems that can index
# adjacent word pairs to make exact phrases cheaper do: Quarry's index maps `review` with
# `index_phrases` (Elasticsearch's option) and Sphinx's indexes have `bigram_index = all`. Raw
# Xapian keeps the template's layout (its phrase matcher uses no pairs); SQLite FTS5 and
# PostgreSQL have no such option.
REVIEW_TEMPLATE="$ROOT/scripts/steam_reviews_template.json"
MAPPING=""
QUARRY_CREATE=""
SPHINX_INDEX_CONF=""
PY=/usr/bin/python3
BENCH_PY="$BENCH_COMMON/bench.py"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
INDEX=reviews
ALL_SYSTEMS="quarry raw-xapian sphinx-plain sphinx-rt sqlite postgres"

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() { log "error: $*"; exit 1; }

bench_init() {  # N
  N=$1
  SEED=${SEED:-42}
  [[ "$N" =~ ^[0-9]+$ && "$N" -gt 0 ]] || die "N must be a positive integer"
  WORK_DIR=${WORK_DIR:-/work/bench-data/$N}
  mkdir -p "$WORK_DIR" "$WORK_DIR/results"
  for tool in curl jq indexer searchd "$PGBIN/initdb" "$PGBIN/pg_ctl" runuser; do
    command -v "$tool" >/dev/null || die "$tool is required (apt-get install -y sphinxsearch postgresql-15 jq curl)"
  done
  "$PY" -c 'import psycopg2, pymysql' 2>/dev/null || die "apt-get install -y python3-psycopg2 python3-pymysql"
  RUN=$(mktemp -d "${TMPDIR:-/tmp}/quarry-bench.XXXXXX")
  chmod 755 "$RUN"
  MAPPING="$RUN/reviews_mapping.json"
  jq '.template.mappings' "$REVIEW_TEMPLATE" >"$MAPPING" || die "cannot read $REVIEW_TEMPLATE"
  QUARRY_CREATE="$RUN/quarry_create.json"
  jq --argjson phrases "$([[ "${INDEX_PHRASES:-1}" == 0 ]] && echo false || echo true)" \
    '{settings: {number_of_shards: 2, number_of_replicas: 0, refresh_interval: "1s"},
      mappings: (.properties.review.index_phrases = $phrases)}' "$MAPPING" >"$QUARRY_CREATE"
  SPHINX_INDEX_CONF="$RUN/sphinx_index.conf"
  echo "  bigram_index = $([[ "${INDEX_PHRASES:-1}" == 0 ]] && echo none || echo all)" >"$SPHINX_INDEX_CONF"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# ---------------------------------------------------------------- build (Release) and private copies
bench_build() {
  if [[ -z "${BUILD_DIR:-}" ]]; then
    if grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$ROOT/build/CMakeCache.txt" 2>/dev/null; then
      BUILD_DIR="$ROOT/build"
    else
      BUILD_DIR="$ROOT/build-release"
    fi
  fi
  if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
    log "configuring $BUILD_DIR (Release)"
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DQUARRY_BUILD_TESTS=OFF >/dev/null
  fi
  grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BUILD_DIR/CMakeCache.txt" ||
    die "$BUILD_DIR is not a Release build; set BUILD_DIR"
  cmake "$BUILD_DIR" >/dev/null  # bench/CMakeLists.txt globs its subdirectories
  if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building in $BUILD_DIR"
    nice -n 10 make -C "$BUILD_DIR" -j2 quarryd quarry bench_raw_xapian_ingest bench_raw_xapian_search \
      >"$BUILD_DIR/bench-search-build.log" 2>&1 ||
      { tail -30 "$BUILD_DIR/bench-search-build.log" >&2; die "build failed"; }
  fi
  # Private copies: the build tree is shared and may be rebuilt during the run.
  mkdir -p "$RUN/bin"
  cp "$BUILD_DIR/server/quarryd" "$BUILD_DIR/server/quarry" "$BUILD_DIR/bench/ingest/bench_raw_xapian_ingest" \
    "$BUILD_DIR/bench/search/bench_raw_xapian_search" "$RUN/bin/"
  QUARRYD="$RUN/bin/quarryd"
  QUARRY="$RUN/bin/quarry"
  RAW_INGEST="$RUN/bin/bench_raw_xapian_ingest"
  RAW_SEARCH="$RUN/bin/bench_raw_xapian_search"
}

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- quarryd (+ its private Redis)
QPID="" QDIR="" RPID="" QPORT=""
start_quarryd() {  # data-dir
  QDIR=$1
  mkdir -p "$QDIR"
  # shellcheck disable=SC2086
  "$QUARRYD" --port 0 --data-dir "$QDIR" ${QUARRYD_ARGS:-} >"$RUN/quarryd.stdout" 2>"$RUN/quarryd.stderr" &
  QPID=$!
  local url=""
  for _ in $(seq 1 600); do
    url=$(sed -n 's/^quarryd listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$RUN/quarryd.stdout" | head -1)
    [[ -n "$url" ]] && break
    kill -0 "$QPID" 2>/dev/null || { tail -20 "$RUN/quarryd.stderr" >&2; die "quarryd exited"; }
    sleep 0.1
  done
  [[ -n "$url" ]] || die "quarryd did not start in 60 s"
  QURL=$url
  QPORT=${url##*:}
  for _ in $(seq 1 50); do [[ -s "$QDIR/redis/redis.pid" ]] && break; sleep 0.1; done
  RPID=$(cat "$QDIR/redis/redis.pid" 2>/dev/null || true)
  log "quarryd $QPID on $QURL (Redis $RPID)"
}
quarry_count() { curl -sS "$QURL/$INDEX/_count" 2>/dev/null | jq -r '.count // 0' 2>/dev/null || echo 0; }
wait_quarry_count() {  # expected count; bounded: COUNT_WAIT seconds (default 2 h: a niced load on a busy machine)
  local c=0 t_end=$(( $(date +%s) + ${COUNT_WAIT:-7200} ))
  while (( $(date +%s) < t_end )); do
    c=$(quarry_count)
    [[ "$c" -ge "$1" ]] && return 0
    kill -0 "$QPID" 2>/dev/null || { tail -5 "$RUN/quarryd.stderr" >&2; die "quarryd died"; }
    sleep 1
  done
  die "_count is $c after ${COUNT_WAIT:-7200} s, expected $1"
}
stop_quarryd() {
  if [[ -n "$QPID" ]] && kill -0 "$QPID" 2>/dev/null; then
    kill -TERM "$QPID" 2>/dev/null || true
    for _ in $(seq 1 600); do kill -0 "$QPID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$QPID" 2>/dev/null; then log "quarryd $QPID did not stop in 60 s; killing it"; kill -KILL "$QPID" 2>/dev/null || true; fi
    wait "$QPID" 2>/dev/null || true
  fi
  QPID=""
  # quarryd shuts its Redis down; make sure of it (only that one: pid file checked against cmdline).
  if [[ -n "$RPID" ]] && kill -0 "$RPID" 2>/dev/null &&
     tr '\0' ' ' <"/proc/$RPID/cmdline" 2>/dev/null | grep -q "redis-server.*$QDIR"; then
    for _ in $(seq 1 50); do kill -0 "$RPID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$RPID" 2>/dev/null && redis-cli -s "$QDIR/redis/redis.sock" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do kill -0 "$RPID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$RPID" 2>/dev/null && kill -KILL "$RPID" 2>/dev/null || true
  fi
  RPID=""
}

# ---------------------------------------------------------------- PostgreSQL 15 (private cluster)
PGPORT="" PGDATA_DIR="" PG_PID=""
pg_as() { runuser -u postgres -- "$@"; }
start_pg() {
  PGDATA_DIR="$WORK_DIR/pg/data"
  PGPORT=$(free_port)
  mkdir -p "$WORK_DIR/pg" "$RUN/pg-socket"
  chown postgres "$WORK_DIR/pg" "$RUN/pg-socket"
  if [[ ! -f "$PGDATA_DIR/PG_VERSION" ]]; then
    log "postgres: initdb $PGDATA_DIR"
    pg_as "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$RUN/initdb.log" 2>&1 ||
      { cat "$RUN/initdb.log" >&2; die "initdb failed"; }
    # What a careful user sets on a 2-core machine with plenty of memory for this data set.
    cat >>"$PGDATA_DIR/postgresql.conf" <<EOF
shared_buffers = 2GB
effective_cache_size = 8GB
work_mem = 64MB
maintenance_work_mem = 1GB
max_wal_size = 8GB
checkpoint_timeout = 30min
synchronous_commit = off
timezone = 'UTC'
max_parallel_workers_per_gather = 2
jit = off
EOF
  fi
  pg_as "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$RUN/pg-socket/postgres.log" -w -t 120 \
    -o "-p $PGPORT -k $RUN/pg-socket -c listen_addresses=127.0.0.1" start >/dev/null ||
    { tail -20 "$RUN/pg-socket/postgres.log" >&2; die "postgres did not start"; }
  PG_PID=$(head -1 "$PGDATA_DIR/postmaster.pid")
  pg_as psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='bench'" |
    grep -q 1 || pg_as psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "CREATE DATABASE bench" >/dev/null
  log "postgres $PG_PID on 127.0.0.1:$PGPORT"
}
stop_pg() {
  if [[ -n "$PG_PID" ]]; then
    pg_as "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 120 stop >/dev/null 2>&1 || true
  fi
  PG_PID=""
}

# ---------------------------------------------------------------- Sphinx (plain + real-time)
SPHINX_PORT="" SPHINX_PID="" SPHINX_CONF=""
write_sphinx_conf() {
  mkdir -p "$WORK_DIR/sphinx/binlog"
  SPHINX_CONF="$RUN/sphinx.conf"
  SPHINX_PORT=${SPHINX_PORT:-$(free_port)}
  cat >"$SPHINX_CONF" <<EOF
source flat
{
  type = tsvpipe
  tsvpipe_command = cat $WORK_DIR/flat.tsv
  tsvpipe_field = review
  tsvpipe_attr_uint = app_id
  tsvpipe_attr_timestamp = created
  tsvpipe_attr_bool = recommended
  tsvpipe_attr_uint = votes_helpful
  tsvpipe_attr_uint = playtime
}
index plain
{
  source = flat
  path = $WORK_DIR/sphinx/plain
  docinfo = extern
$(cat "$SPHINX_INDEX_CONF")
}
index rt
{
  type = rt
  path = $WORK_DIR/sphinx/rt
  rt_field = review
  rt_attr_uint = app_id
  rt_attr_timestamp = created
  rt_attr_bool = recommended
  rt_attr_uint = votes_helpful
  rt_attr_uint = playtime
  rt_mem_limit = 256M
$(cat "$SPHINX_INDEX_CONF")
}
indexer
{
  mem_limit = 1024M
}
searchd
{
  listen = 127.0.0.1:$SPHINX_PORT:mysql41
  log = $RUN/searchd.log
  query_log = $RUN/searchd-query.log
  pid_file = $RUN/searchd.pid
  binlog_path = $WORK_DIR/sphinx/binlog
  workers = threads
  max_packet_size = 32M
  read_timeout = 30
}
EOF
}
start_sphinx() {
  write_sphinx_conf
  TZ=UTC searchd --config "$SPHINX_CONF" --nodetach >"$RUN/searchd.stdout" 2>&1 &
  SPHINX_PID=$!
  for _ in $(seq 1 600); do
    "$PY" -c "import pymysql; pymysql.connect(host='127.0.0.1', port=$SPHINX_PORT, user='').close()" 2>/dev/null && break
    kill -0 "$SPHINX_PID" 2>/dev/null || { tail -20 "$RUN/searchd.stdout" >&2; die "searchd exited"; }
    sleep 0.2
  done
  log "searchd $SPHINX_PID on 127.0.0.1:$SPHINX_PORT"
}
stop_sphinx() {
  if [[ -n "$SPHINX_PID" ]] && kill -0 "$SPHINX_PID" 2>/dev/null; then
    kill -TERM "$SPHINX_PID" 2>/dev/null || true
    for _ in $(seq 1 600); do kill -0 "$SPHINX_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SPHINX_PID" 2>/dev/null && kill -KILL "$SPHINX_PID" 2>/dev/null || true
    wait "$SPHINX_PID" 2>/dev/null || true
  fi
  SPHINX_PID=""
}

bench_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_quarryd
  stop_sphinx
  stop_pg
  if [[ "${KEEP:-0}" == 1 ]]; then log "kept $RUN"; else rm -rf "$RUN"; fi
  exit $rc
}

# ---------------------------------------------------------------- the load step
# Loads every system (of LOAD_SYSTEMS, default all) that has no marker in WORK_DIR yet. Each
# system is loaded under its own lock, so several load runs with different LOAD_SYSTEMS can run
# at the same time (e.g. Quarry in one, the peers in another). Load times are logged, not reported.
load_quarry() {
  rm -rf "$WORK_DIR/quarry"
  start_quarryd "$WORK_DIR/quarry/data"
  curl -sS --fail-with-body -X PUT "$QURL/$INDEX" -H 'Content-Type: application/json' \
    --data-binary @"$QUARRY_CREATE" >"$RUN/create.out" || { cat "$RUN/create.out" >&2; die "index creation failed"; }
  "$QUARRY" load "$WORK_DIR/reviews.ndjson" --index "$INDEX" --id-field review_id --batch-size 1000 \
    --concurrency 4 --max-tries 100 --url "$QURL" --no-progress >"$RUN/load.out" 2>&1 ||
    { tail -5 "$RUN/load.out" >&2; die "quarry load failed"; }
  wait_quarry_count "$N"
  stop_quarryd
  cp "$QUARRY_CREATE" "$(loaded_config quarry)"
}
load_raw_xapian() {
  rm -rf "$WORK_DIR/raw-xapian"
  "$RAW_INGEST" --input "$WORK_DIR/reviews.ndjson" --mapping "$MAPPING" --db-dir "$WORK_DIR/raw-xapian" \
    --shards 1 --id-field review_id --commit-interval-ms 999999999 --max-uncommitted 100000 >"$RUN/raw.out" ||
    die "raw Xapian ingest failed"
}
load_sqlite() {
  rm -f "$WORK_DIR/sqlite.db"
  "$PY" "$BENCH_PY" load-sqlite --flat "$WORK_DIR/flat.tsv" --db "$WORK_DIR/sqlite.db"
}
load_postgres() {
  start_pg
  "$PY" "$BENCH_PY" load-pg --pg-port "$PGPORT" --flat "$WORK_DIR/flat.tsv"
  stop_pg
}
load_sphinx_plain() {
  write_sphinx_conf
  TZ=UTC indexer --config "$SPHINX_CONF" plain >"$RUN/indexer.log" 2>&1 || { tail -20 "$RUN/indexer.log" >&2; die "indexer failed"; }
  grep -E 'total [0-9]+ docs' "$RUN/indexer.log" | head -1 >&2 || true
  cp "$SPHINX_INDEX_CONF" "$(loaded_config sphinx-plain)"
}
load_sphinx_rt() {
  rm -f "$WORK_DIR"/sphinx/rt.* "$WORK_DIR"/sphinx/binlog/*
  start_sphinx
  "$PY" "$BENCH_PY" load-sphinx-rt --sphinx-port "$SPHINX_PORT" --flat "$WORK_DIR/flat.tsv"
  stop_sphinx
  cp "$SPHINX_INDEX_CONF" "$(loaded_config sphinx-rt)"
}
# What a system was loaded with, where INDEX_PHRASES changes it: a copy of its index settings,
# kept beside its data. A load step reloads a system whose copy differs from this run's; a query
# phase refuses to measure it.
loaded_config() {  # system
  case $1 in
    quarry) echo "$WORK_DIR/quarry/create.json" ;;
    sphinx-plain) echo "$WORK_DIR/sphinx/plain.bench-conf" ;;
    sphinx-rt) echo "$WORK_DIR/sphinx/rt.bench-conf" ;;
  esac
}
config_matches() {  # system
  case $1 in
    quarry) cmp -s "$QUARRY_CREATE" "$(loaded_config quarry)" ;;
    sphinx-*) cmp -s "$SPHINX_INDEX_CONF" "$(loaded_config "$1")" ;;
    *) return 0 ;;
  esac
}
load_one() {  # system
  local s=$1 fd t0
  [[ " ${LOAD_SYSTEMS:-$ALL_SYSTEMS} " == *" $s "* ]] || return 0
  [[ -f "$WORK_DIR/$s.loaded" ]] && return 0
  exec {fd}>"$WORK_DIR/.$s.lock"
  if ! flock -n "$fd"; then log "$s: being loaded by another run; skipped here"; exec {fd}>&-; return 0; fi
  if [[ ! -f "$WORK_DIR/$s.loaded" ]]; then
    t0=$(date +%s)
    log "$s: loading"
    "load_${s//-/_}"
    touch "$WORK_DIR/$s.loaded"
    log "$s: loaded in $(( $(date +%s) - t0 )) s"
  fi
  exec {fd}>&-
}
bench_load() {
  local fd
  exec {fd}>"$WORK_DIR/.data.lock"
  flock -w 7200 "$fd" || die "timed out waiting for another run to write the data"
  if [[ ! -f "$WORK_DIR/reviews.loaded" ]]; then
    log "generating $N reviews (seed $SEED)"
    "$QUARRY" generate "$N" --seed "$SEED" --out "$WORK_DIR/reviews.ndjson"
    [[ $(grep -c . "$WORK_DIR/reviews.ndjson") -eq "$N" ]] || die "reviews.ndjson does not have $N documents"
    rm -f "$WORK_DIR"/*.loaded "$WORK_DIR/flat.tsv" "$WORK_DIR/search.tsv"
    touch "$WORK_DIR/reviews.loaded"
  fi
  [[ -f "$WORK_DIR/flat.tsv" ]] || "$PY" "$BENCH_PY" flatten --data "$WORK_DIR/reviews.ndjson" --out "$WORK_DIR/flat.tsv"
  [[ -f "$WORK_DIR/search.tsv" ]] ||
    "$PY" "$BENCH_PY" queries --data "$WORK_DIR/reviews.ndjson" --out-dir "$WORK_DIR" --seed "$SEED" --count "${QUERIES:-400}"
  exec {fd}>&-
  for s in $ALL_SYSTEMS; do
    if [[ -f "$WORK_DIR/$s.loaded" ]] && ! config_matches "$s"; then
      log "$s: loaded with other index settings (INDEX_PHRASES); reloading"
      rm -f "$WORK_DIR/$s.loaded"
    fi
    load_one "$s"
  done
}

# Starts every server for the query phase (from the loaded data) and sets CONN (bench.py options).
bench_start_all() {
  # One query phase at a time per data set (and never during a load of the same system).
  exec 9>"$WORK_DIR/.query.lock"
  flock -n 9 || die "another query phase is using $WORK_DIR"
  for s in $ALL_SYSTEMS; do
    exec 8>"$WORK_DIR/.$s.lock"
    flock -n 8 || die "$s is being loaded in $WORK_DIR"
    exec 8>&-
  done
  for s in $ALL_SYSTEMS; do [[ -f "$WORK_DIR/$s.loaded" ]] || die "$s is not loaded in $WORK_DIR: run the load step"; done
  for s in $ALL_SYSTEMS; do
    config_matches "$s" || die "$s in $WORK_DIR was loaded with other index settings (INDEX_PHRASES): run the load step"
  done
  start_quarryd "$WORK_DIR/quarry/data"
  wait_quarry_count "$N"
  start_pg
  start_sphinx
  CONN=(--n "$N" --quarry-port "$QPORT" --pg-port "$PGPORT" --sphinx-port "$SPHINX_PORT"
        --sqlite-db "$WORK_DIR/sqlite.db" --raw-bin "$RAW_SEARCH" --raw-db "$WORK_DIR/raw-xapian/shard-0"
        --mapping "$MAPPING")
}
# The processes whose CPU counts as the system's own (not noise).
system_pids() {
  case $1 in
    quarry) echo "$QPID,${RPID:-}" ;;
    postgres) echo "$PG_PID" ;;
    sphinx-*) echo "$SPHINX_PID" ;;
    *) echo "" ;;
  esac
}

# Reads a system's data files once before it is measured, so that every system runs with its data
# in the page cache: a 5 s warm-up cannot load 3 GB, and whichever system came first after a load
# or a cache flush would otherwise pay for disk reads that the others do not.
warm_cache() {  # system
  local paths=()
  case $1 in
    quarry) paths=("$WORK_DIR/quarry") ;;
    raw-xapian) paths=("$WORK_DIR/raw-xapian") ;;
    sphinx-*) paths=("$WORK_DIR/sphinx") ;;
    sqlite) paths=("$WORK_DIR/sqlite.db") ;;
    postgres) paths=("$WORK_DIR/pg") ;;
  esac
  ((${#paths[@]})) || return 0
  find "${paths[@]}" -type f -exec cat {} + >/dev/null 2>&1 || true
}

# Waits (bounded: QUIET_WAIT seconds, default 600) until other processes use less than a quarter
# of a core, so that runs on a shared machine are comparable.
sys_busy_s() { awk -v t="$(getconf CLK_TCK)" '/^cpu / { printf "%.1f", ($2 + $3 + $4 + $7 + $8 + $9) / t }' /proc/stat; }
wait_quiet() {
  local limit=${QUIET_WAIT:-600} waited=0 b0 b1
  while (( waited < limit )); do
    b0=$(sys_busy_s); sleep 3; b1=$(sys_busy_s)
    awk -v a="$b0" -v b="$b1" 'BEGIN { exit !(b - a < 0.75) }' && return 0
    (( waited == 0 )) && log "waiting for the machine to be quiet (others use $(awk -v a="$b0" -v b="$b1" 'BEGIN{printf "%.1f", (b-a)/3}') cores)"
    waited=$((waited + 3))
  done
  log "machine still busy after ${limit} s; running anyway (see 'others' in the table)"
}

bench_header() {  # title
  local commit dirty
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  dirty=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo "+dirty" || true)
  echo "$1: N=$N synthetic reviews (seed $SEED), $(nproc) cores, $(date -u +%Y-%m-%d), commit $commit$dirty;" \
    "Sphinx $(searchd --help 2>/dev/null | head -1 | awk '{print $2}'), PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), SQLite $("$PY" -c 'import sqlite3; print(sqlite3.sqlite_version)')"
}
