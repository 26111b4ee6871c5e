#!/usr/bin/python3
"""Driver shared by bench/search and bench/aggs: data conversion, peer loading, the query mix,
the timed passes against each system, the sanity check and the tables.

Run with Debian's /usr/bin/python3 (python3-psycopg2, python3-pymysql; sqlite3 is built in).
The shell scripts (bench/search/run.sh, bench/aggs/run.sh, bench/common/lib.sh) start and stop
the servers; this file only talks to them.

Clients: one OS process per concurrent client (fork), so that the clients do not share the GIL.
Each keeps one connection open for the whole pass: Quarry over HTTP/1.1 keep-alive through a
minimal raw-socket client (prebuilt request bytes, Content-Length framing, json.loads of the body),
PostgreSQL through psycopg2, Sphinx through pymysql (SphinxQL), SQLite in-process (sqlite3 module),
raw Xapian through bench_raw_xapian_search (C++, in-process Xapian, one thread per client).
"""
import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
import multiprocessing as mp

from clients import AggUnsupported, make_client
from connect import pg_connect, sphinx_connect


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- data conversion
def sanitize(text):
    return text.replace("\\", " ").replace("\t", " ").replace("\n", " ").replace("\r", " ")


def cmd_flatten(a):
    """NDJSON -> one TSV shared by the peers (Sphinx tsvpipe, PostgreSQL COPY, SQLite):
    id, review, app_id, created (epoch s), recommended (0/1), votes_helpful, playtime_forever.
    id is the line number (1-based): Sphinx needs positive integer ids."""
    n = 0
    with open(a.data, encoding="utf-8") as f, open(a.out + ".tmp", "w", encoding="utf-8") as o:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            n += 1
            o.write("%d\t%s\t%d\t%d\t%d\t%d\t%d\n" % (
                n, sanitize(d.get("review") or ""), int(d["app_id"]), int(d["timestamp_created"]),
                1 if d.get("recommended") else 0, int(d.get("votes_helpful") or 0),
                int((d.get("author") or {}).get("playtime_forever") or 0)))
    os.rename(a.out + ".tmp", a.out)
    log(f"flattened {n} documents into {a.out}")


def read_flat(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            yield int(p[0]), p[1], int(p[2]), int(p[3]), int(p[4]), int(p[5]), int(p[6])


WORD = re.compile(r"^[a-z]{3,}$")


def review_words(text):
    """Whitespace tokens that every system tokenizes the same way (lowercase ASCII letters, 3+),
    with a flag telling whether the token was followed by punctuation (ends a phrase)."""
    out = []
    for tok in text.lower().split():
        core = tok.rstrip(".,!?;:")
        out.append((core, core != tok) if WORD.match(core) else (None, True))
    return out


def cmd_queries(a):
    """The fixed query mix, drawn with a fixed seed from the vocabulary of the first SAMPLE
    English reviews: words and adjacent word pairs found in at least 0.1% of them."""
    rng = random.Random(a.seed)
    docs = []
    with open(a.data, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d.get("language") == "english":
                docs.append((int(d["app_id"]), review_words(d.get("review") or "")))
            if len(docs) >= a.sample:
                break
    df, bf = {}, {}
    for _, words in docs:
        ws = {w for w, _ in words if w}
        bs = {(words[i][0], words[i + 1][0]) for i in range(len(words) - 1)
              if words[i][0] and words[i + 1][0] and not words[i][1]}
        for w in ws:
            df[w] = df.get(w, 0) + 1
        for b in bs:
            bf[b] = bf.get(b, 0) + 1
    floor = max(2, len(docs) // 1000)
    vocab = sorted(w for w, c in df.items() if c >= floor)
    bigrams = sorted(b for b, c in bf.items() if c >= floor)
    log(f"vocabulary: {len(vocab)} words and {len(bigrams)} word pairs in >= {floor} of {len(docs)} English reviews")
    per_kind = a.count // 4
    queries = []
    for i in range(per_kind):
        queries.append(["term", rng.choice(vocab)])
        # Two words that occur together in one sampled review (not necessarily adjacent).
        while True:
            _, words = rng.choice(docs)
            ws = sorted({w for w, _ in words if w and df.get(w, 0) >= floor})
            if len(ws) >= 2:
                queries.append(["and", *rng.sample(ws, 2)])
                break
        queries.append(["phrase", *rng.choice(bigrams)])
        while True:
            app, words = rng.choice(docs)
            ws = sorted({w for w, _ in words if w and df.get(w, 0) >= floor})
            if ws:
                queries.append(["filter", rng.choice(ws), str(app)])
                break
    with open(os.path.join(a.out_dir, "search.tsv"), "w") as o:
        for q in queries:
            o.write("\t".join(q) + "\n")
    # Aggregation words: mid-frequency (1%..20% of the sample), several so no cache holds one answer.
    mid = [w for w in vocab if len(docs) * 0.01 <= df[w] <= len(docs) * 0.2]
    aggw = rng.sample(mid, min(5, len(mid)))
    with open(os.path.join(a.out_dir, "aggs.tsv"), "w") as o:
        for w in aggw:
            o.write(f"aggA\t{w}\n")
        o.write("aggB\n")
        for w in aggw:
            o.write(f"aggC\t{w}\n")
        o.write("aggD\n")
    log(f"wrote {len(queries)} search queries and aggregation words {aggw} to {a.out_dir}")


# ----------------------------------------------------------------------------- loaders
def cmd_load_sqlite(a):
    import sqlite3
    tmp = a.db + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    c = sqlite3.connect(tmp)
    c.executescript("""
      PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
      CREATE TABLE reviews(id INTEGER PRIMARY KEY, review TEXT, app_id INTEGER, created INTEGER,
                           recommended INTEGER, votes_helpful INTEGER, playtime INTEGER);
      CREATE VIRTUAL TABLE fts USING fts5(review, content='reviews', content_rowid='id');
    """)
    batch = []
    n = 0
    for row in read_flat(a.flat):
        batch.append(row)
        if len(batch) >= 10000:
            c.executemany("INSERT INTO reviews VALUES (?,?,?,?,?,?,?)", batch)
            n += len(batch)
            batch = []
    if batch:
        c.executemany("INSERT INTO reviews VALUES (?,?,?,?,?,?,?)", batch)
        n += len(batch)
    c.commit()
    log(f"sqlite: {n} rows; building the FTS5 index and the secondary indexes")
    c.executescript("""
      INSERT INTO fts(fts) VALUES ('rebuild');
      INSERT INTO fts(fts) VALUES ('optimize');
      CREATE INDEX reviews_app ON reviews(app_id, recommended, votes_helpful);
      CREATE INDEX reviews_created ON reviews(created, recommended);
      CREATE INDEX reviews_playtime ON reviews(playtime);
      ANALYZE;
    """)
    c.commit()
    c.close()
    os.rename(tmp, a.db)
    log(f"sqlite: loaded {a.db}")


def cmd_load_pg(a):
    conn = pg_connect(a)
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS reviews")
    cur.execute("""CREATE TABLE reviews(id bigint PRIMARY KEY, review text, app_id int,
                   created_s bigint, recommended boolean, votes_helpful int, playtime int,
                   created timestamptz GENERATED ALWAYS AS (to_timestamp(created_s)) STORED,
                   tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', review)) STORED)""")
    with open(a.flat, encoding="utf-8") as f:
        cur.copy_expert("COPY reviews(id, review, app_id, created_s, recommended, votes_helpful, playtime) "
                        "FROM STDIN", f)
    log("postgres: copied; building indexes")
    cur.execute("CREATE INDEX reviews_tsv ON reviews USING gin(tsv)")
    cur.execute("CREATE INDEX reviews_app ON reviews(app_id, recommended, votes_helpful)")
    cur.execute("CREATE INDEX reviews_created ON reviews(created, recommended)")
    cur.execute("CREATE INDEX reviews_playtime ON reviews(playtime)")
    cur.execute("VACUUM ANALYZE reviews")
    cur.execute("SELECT count(*) FROM reviews")
    log(f"postgres: loaded {cur.fetchone()[0]} rows")


def cmd_load_sphinx_rt(a):
    conn = sphinx_connect(a.sphinx_port)
    cur = conn.cursor()
    from pymysql.converters import escape_string
    batch = []
    n = 0

    def flush():
        nonlocal batch, n
        if batch:
            cur.execute("INSERT INTO rt (id, review, app_id, created, recommended, votes_helpful, playtime) VALUES "
                        + ",".join(batch))
            n += len(batch)
            batch = []

    for (i, text, app, created, rec, helpful, play) in read_flat(a.flat):
        batch.append("(%d,'%s',%d,%d,%d,%d,%d)" % (i, escape_string(text), app, created, rec, helpful, play))
        if len(batch) >= 500:
            flush()
    flush()
    cur.execute("FLUSH RTINDEX rt")
    log(f"sphinx rt: inserted {n} documents")


# ----------------------------------------------------------------------------- clients
# ----------------------------------------------------------------------------- measurement
def read_queries(path):
    with open(path) as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip()]


def sys_busy_s():
    with open("/proc/stat") as f:
        p = f.readline().split()
    t = os.sysconf("SC_CLK_TCK")
    return (int(p[1]) + int(p[2]) + int(p[3]) + int(p[6]) + int(p[7]) + int(p[8])) / t


def proc_tree_cpu_s(pids):
    """CPU seconds (incl. reaped children) of the given processes and all their descendants."""
    if not pids:
        return 0.0
    parent = {}
    stats = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rfind(")") + 2:].split()
        parent[int(d)] = int(rest[1])
        stats[int(d)] = sum(int(x) for x in rest[11:15])
    roots = set(pids)
    total = 0
    for pid, ticks in stats.items():
        p, seen = pid, 0
        while p and seen < 64:
            if p in roots:
                total += ticks
                break
            p = parent.get(p, 0)
            seen += 1
    return total / os.sysconf("SC_CLK_TCK")


def children_cpu_s():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    s = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime + s.ru_utime + s.ru_stime


class Noise:
    """Share of the machine used by processes other than the system under test and its clients."""

    def __init__(self, pids):
        self.pids = pids
        self.b0, self.c0, self.s0, self.t0 = sys_busy_s(), children_cpu_s(), proc_tree_cpu_s(pids), time.monotonic()

    def others(self):
        busy = sys_busy_s() - self.b0
        own = (children_cpu_s() - self.c0) + (proc_tree_cpu_s(self.pids) - self.s0)
        wall = time.monotonic() - self.t0
        return min(1.0, max(0.0, (busy - own) / (wall * os.cpu_count())))


def _worker(system, a, queries, offset, duration, barrier, out):
    try:
        client = make_client(system, a)
        barrier.wait()
        lat, t_start = [], time.monotonic()
        n = len(queries)
        k = 0
        while True:
            q = queries[(offset + k) % n]
            t0 = time.monotonic()
            client.search(q)
            lat.append(((offset + k) % n, time.monotonic() - t0))
            k += 1
            if duration is None and k >= n:
                break
            if duration is not None and time.monotonic() - t_start >= duration:
                break
        out.put(("ok", t_start, time.monotonic(), lat))
    except Exception as e:  # reported to the parent, which fails the pass
        try:
            barrier.abort()
        except Exception:
            pass
        out.put(("error", 0, 0, repr(e)))


def client_pass(system, a, queries, clients, duration):
    """clients processes; duration None = each client runs the whole list once (latency pass),
    else each loops over the list (from its own offset) for `duration` seconds."""
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(clients)
    out = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(system, a, queries, (i * len(queries)) // clients, duration,
                                               barrier, out)) for i in range(clients)]
    for p in procs:
        p.start()
    res = [out.get() for _ in procs]
    for p in procs:
        p.join()
    errs = [r[3] for r in res if r[0] == "error"]
    if errs:
        raise RuntimeError(f"{system}: {errs[0]}")
    start = min(r[1] for r in res)
    end = max(r[2] for r in res)
    lat = [x for r in res for x in r[3]]
    return lat, end - start


def raw_pass(a, queries_path, clients, duration=None, count=False):
    cmd = [a.raw_bin, "--db", a.raw_db, "--mapping", a.mapping, "--queries", queries_path, "--clients", str(clients)]
    if duration is not None:
        cmd += ["--duration", str(duration)]
    if count:
        cmd += ["--count"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    lat, wall, rows = [], 0.0, []
    for line in out.splitlines():
        p = line.split(" ", 4)
        if p[0] == "LAT":
            lat.append((int(p[1]), float(p[2]) / 1e6))
            rows.append((int(p[1]), int(p[3]), p[4] if len(p) > 4 else ""))
        elif p[0] == "WALL":
            wall = float(p[1])
    return lat, wall, rows


def pct(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    k = max(0, min(len(v) - 1, int(round(p / 100 * len(v) + 0.5)) - 1))
    return v[k]


def cmd_search(a):
    try:
        search_system(a)
    except Exception as e:  # one system failing must not lose the others' figures
        log(f"{a.system}: error: {e!r}")
        with open(a.out, "a") as o:
            o.write(json.dumps({"bench": "search", "system": a.system, "n": a.n, "error": repr(e)[:300]}) + "\n")
        sys.exit(1)


def search_system(a):
    queries = read_queries(a.queries)
    pids = [int(x) for x in a.pids.split(",") if x] if a.pids else []
    res = {"bench": "search", "system": a.system, "n": a.n}
    log(f"{a.system}: warm-up ({a.warmup} s, 2 clients)")
    run = (lambda c, d: raw_pass(a, a.queries, c, d)[:2]) if a.system == "raw-xapian" else \
          (lambda c, d: client_pass(a.system, a, queries, c, d))
    if a.warmup > 0:
        run(2, a.warmup)
    noise = Noise(pids)
    lat, wall = run(1, None)
    secs = [l for _, l in lat]
    res["median_ms"] = statistics.median(secs) * 1000
    res["p99_ms"] = pct(secs, 99) * 1000
    res["queries"] = len(secs)
    by_kind = {}
    for i, l in lat:
        by_kind.setdefault(queries[i][0], []).append(l)
    res["median_ms_by_kind"] = {k: statistics.median(v) * 1000 for k, v in by_kind.items()}
    res["p99_ms_by_kind"] = {k: pct(v, 99) * 1000 for k, v in by_kind.items()}
    log(f"{a.system}: 1 client: median {res['median_ms']:.2f} ms, p99 {res['p99_ms']:.2f} ms over {len(secs)} queries "
        f"({wall:.1f} s); by kind {json.dumps({k: round(v, 2) for k, v in res['median_ms_by_kind'].items()})}")
    for c in (2, 8):
        lat, wall = run(c, a.duration)
        res[f"qps_{c}"] = len(lat) / wall
        log(f"{a.system}: {c} clients: {res[f'qps_{c}']:.0f} queries/s ({len(lat)} in {wall:.1f} s)")
    res["others"] = noise.others()
    with open(a.out, "a") as o:
        o.write(json.dumps(res) + "\n")


def cmd_check(a):
    """Exact hit counts of the first queries of each kind in every system; Quarry and raw Xapian
    must agree (same analyzer, same index); the others tokenize slightly differently."""
    queries = read_queries(a.queries)
    pick = []
    for kind in ("term", "and", "phrase", "filter"):
        pick += [q for q in queries if q[0] == kind][:2]
    tmp = a.out + ".check.tsv"
    with open(tmp, "w") as f:
        for q in pick:
            f.write("\t".join(q) + "\n")
    counts = {}
    for system in a.systems.split(","):
        try:
            if system == "raw-xapian":
                _, _, rows = raw_pass(a, tmp, 1, count=True)
                counts[system] = [h for _, h, _ in sorted(rows)]
            else:
                c = make_client(system, a)
                counts[system] = [c.count(q) for q in pick]
        except Exception as e:
            log(f"check: {system} failed: {e!r}")
            counts[system] = ["error"] * len(pick)
    os.remove(tmp)
    systems = list(counts)
    print("| query | " + " | ".join(systems) + " |")
    print("|---|" + "---:|" * len(systems))
    bad = 0
    for i, q in enumerate(pick):
        print(f"| {' '.join(q)} | " + " | ".join(str(counts[s][i]) for s in systems) + " |")
        if "quarry" in counts and "raw-xapian" in counts and counts["quarry"][i] != counts["raw-xapian"][i]:
            bad += 1
    if bad:
        print(f"\nWARNING: Quarry and raw Xapian disagree on {bad} of {len(pick)} hit counts")
    else:
        print(f"\nQuarry and raw Xapian agree on all {len(pick)} hit counts.")


def cmd_aggs(a):
    queries = read_queries(a.queries)
    pids = [int(x) for x in a.pids.split(",") if x] if a.pids else []
    noise = Noise(pids)
    res = {"bench": "aggs", "system": a.system, "n": a.n, "median_ms": {}, "summary": {}, "error": {}}
    kinds = {}
    for q in queries:
        kinds.setdefault(q[0], []).append(q)
    if a.system == "raw-xapian":
        # One process, reps + 1 rounds over the file; the first round is a warm-up.
        path = _write_rounds(a, queries)
        lat_list, _, rows = raw_pass(a, path, 1)
        os.remove(path)
        summaries = {i: s for i, _, s in rows}
        lat = {}
        for i, l in lat_list:
            if i >= len(queries):
                q = queries[i % len(queries)]
                lat.setdefault(q[0], []).append(l)
                res["summary"].setdefault(q[0], (f"{' '.join(q[1:])}: " if len(q) > 1 else "") + summaries[i])
        for k, v in lat.items():
            res["median_ms"][k] = statistics.median(v) * 1000
    else:
        client = make_client(a.system, a)
        for kind, qs in kinds.items():
            times = []
            try:
                for r in range(a.reps + 1):
                    for q in [qs[r % len(qs)]]:
                        t0 = time.monotonic()
                        summary = client.agg(q)
                        dt = time.monotonic() - t0
                        if r > 0:
                            times.append(dt)
                        if r == 0:  # the answer to the kind's first request (as for raw Xapian)
                            res["summary"][kind] = f"{' '.join(q[1:])}: {summary}" if len(q) > 1 else summary
                res["median_ms"][kind] = statistics.median(times) * 1000
            except AggUnsupported as e:
                res["error"][kind] = str(e)
                log(f"{a.system} {kind}: error: {e}")
            except Exception as e:
                res["error"][kind] = repr(e)
                log(f"{a.system} {kind}: error: {e!r}")
                if a.system != "quarry":
                    client = make_client(a.system, a)
    res["others"] = noise.others()
    for k in sorted(res["median_ms"]):
        log(f"{a.system} {k}: median {res['median_ms'][k]:.1f} ms; {res['summary'].get(k, '')[:160]}")
    with open(a.out, "a") as o:
        o.write(json.dumps(res) + "\n")


def _write_rounds(a, queries):
    path = a.out + ".raw-aggs.tsv"
    with open(path, "w") as f:
        for r in range(a.reps + 1):
            for i, q in enumerate(queries):
                f.write("\t".join(q) + "\n")
    return path


# ----------------------------------------------------------------------------- report
ORDER = ["quarry", "raw-xapian", "sphinx-plain", "sphinx-rt", "sqlite", "postgres"]
LABEL = {"quarry": "Quarry (HTTP, 2 shards)", "raw-xapian": "raw Xapian (in-process, 1 thread/client)",
         "sphinx-plain": "Sphinx plain index", "sphinx-rt": "Sphinx real-time index",
         "sqlite": "SQLite FTS5", "postgres": "PostgreSQL FTS (GIN, simple)"}


def load_results(path, bench):
    rows = {}
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r["bench"] == bench:
                rows[r["system"]] = r  # the last run of a system wins
    return [rows[s] for s in ORDER if s in rows]


def fmt_ms(v):
    return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"


def cmd_report(a):
    rows = load_results(a.results, a.bench)
    if a.bench == "search":
        print("| system | median ms (1 client) | p99 ms (1 client) | queries/s, 2 clients | queries/s, 8 clients | others |")
        print("|---|---:|---:|---:|---:|---:|")
        for r in rows:
            if "error" in r:
                print(f"| {LABEL[r['system']]} | error | error | error | error | |")
                continue
            print(f"| {LABEL[r['system']]} | {fmt_ms(r['median_ms'])} | {fmt_ms(r['p99_ms'])} | {r['qps_2']:.0f} | "
                  f"{r['qps_8']:.0f} | {100 * r['others']:.0f}% |")
        for r in rows:
            if "error" in r:
                print(f"\n- error: {LABEL[r['system']]}: {r['error']}")
        print()
        print("Median ms by query kind (1 client):")
        print()
        kinds = ["term", "and", "phrase", "filter"]
        print("| system | " + " | ".join(kinds) + " |")
        print("|---|" + "---:|" * len(kinds))
        for r in rows:
            if "error" in r:
                continue
            print(f"| {LABEL[r['system']]} | " + " | ".join(fmt_ms(r['median_ms_by_kind'].get(k, float('nan')))
                                                          for k in kinds) + " |")
    else:
        kinds = [("aggA", "A: per game, top 10, for a match"), ("aggB", "B: per year, everything"),
                 ("aggC", "C: avg helpful per verdict, for a match"),
                 ("aggD", "D: dashboard (game / month x verdict / playtime percentiles)")]
        print("| system | " + " | ".join(t for _, t in kinds) + " | others |")
        print("|---|" + "---:|" * len(kinds) + "---:|")
        for r in rows:
            cells = []
            for k, _ in kinds:
                if k in r["median_ms"]:
                    cell = fmt_ms(r["median_ms"][k])
                    if k == "aggD" and r["system"].startswith("sphinx"):
                        cell += " (no percentiles)"
                    cells.append(cell)
                else:
                    cells.append("error")
            print(f"| {LABEL[r['system']]} | " + " | ".join(cells) + f" | {100 * r['others']:.0f}% |")
        errs = [(r["system"], k, e) for r in rows for k, e in r["error"].items()]
        if errs:
            print()
            for s, k, e in errs:
                print(f"- error: {LABEL[s]}, {k}: {e[:200]}")
        print()
        print("Answers (first bucket rows; the same data must give the same buckets):")
        print()
        for k, _ in kinds:
            for r in rows:
                if k in r["summary"]:
                    print(f"- {k} {r['system']}: {r['summary'][k][:150]}")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p):
        p.add_argument("--quarry-port", type=int, default=0)
        p.add_argument("--pg-port", type=int, default=0)
        p.add_argument("--sphinx-port", type=int, default=0)
        p.add_argument("--sqlite-db", default="")
        p.add_argument("--raw-bin", default="")
        p.add_argument("--raw-db", default="")
        p.add_argument("--mapping", default="")
        p.add_argument("--n", type=int, default=0)

    p = sub.add_parser("flatten"); p.add_argument("--data", required=True); p.add_argument("--out", required=True)
    p = sub.add_parser("queries"); p.add_argument("--data", required=True); p.add_argument("--out-dir", required=True)
    p.add_argument("--seed", type=int, default=42); p.add_argument("--count", type=int, default=400)
    p.add_argument("--sample", type=int, default=20000)
    p = sub.add_parser("load-sqlite"); p.add_argument("--flat", required=True); p.add_argument("--db", required=True)
    p = sub.add_parser("load-pg"); common(p); p.add_argument("--flat", required=True)
    p = sub.add_parser("load-sphinx-rt"); common(p); p.add_argument("--flat", required=True)
    for name in ("search", "aggs", "check"):
        p = sub.add_parser(name); common(p)
        p.add_argument("--queries", required=True); p.add_argument("--out", required=True)
        p.add_argument("--system", default=""); p.add_argument("--systems", default="")
        p.add_argument("--pids", default="")
        p.add_argument("--warmup", type=float, default=5); p.add_argument("--duration", type=float, default=15)
        p.add_argument("--reps", type=int, default=10)
    p = sub.add_parser("report"); p.add_argument("--results", required=True); p.add_argument("--bench", required=True)
    a = ap.parse_args()
    {"flatten": cmd_flatten, "queries": cmd_queries, "load-sqlite": cmd_load_sqlite, "load-pg": cmd_load_pg,
     "load-sphinx-rt": cmd_load_sphinx_rt, "search": cmd_search, "aggs": cmd_aggs, "check": cmd_check,
     "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    main()
