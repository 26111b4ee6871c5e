"""The clients of the benchmarks, one per system: each keeps one connection and answers
search(q) -> number of hits returned, count(q) -> exact hit count, agg(q) -> a short text summary
of the buckets. q is a row of the query file (see bench.py `queries`). Quarry's requests are
written per Elasticsearch's documented syntax; the peers' are the equivalent SQL / SphinxQL.
One instance per process; not thread-safe."""
import json
import os
import socket

from connect import pg_connect, sphinx_connect

PERCENTS = [1, 5, 25, 50, 75, 95, 99]  # Elasticsearch's default percentiles
# Quarry's search hits carry _source only with WITH_SOURCE=1: by default every system returns the
# ids (and scores) of the top 10, since Sphinx's indexes do not store the text.
WITH_SOURCE = os.environ.get("WITH_SOURCE", "0") == "1"


class QuarryClient:
    """HTTP/1.1 keep-alive over one socket; requests prebuilt as bytes."""

    def __init__(self, a):
        self.host, self.port, self.index = "127.0.0.1", a.quarry_port, "reviews"
        self.sock = None
        self.buf = b""

    def _connect(self):
        self.sock = socket.create_connection((self.host, self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def request(self, path, body):
        try:
            return self._request(path, body)
        except Exception:
            if self.sock is not None:
                self.sock.close()
            self.sock = None  # reconnect on the next request
            raise

    def _request(self, path, body):
        if self.sock is None:
            self._connect()
        data = json.dumps(body).encode()
        req = (f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(data)}\r\n\r\n").encode() + data
        self.sock.sendall(req)
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise IOError("connection closed by quarryd")
            self.buf += chunk
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = None
        close = False
        for h in lines[1:]:
            k, _, v = h.partition(b":")
            k = k.strip().lower()
            if k == b"content-length":
                length = int(v)
            elif k == b"connection" and v.strip().lower() == b"close":
                close = True
            elif k == b"transfer-encoding":
                raise IOError("chunked responses are not supported by this client")
        while len(rest) < length:
            chunk = self.sock.recv(max(65536, length - len(rest)))
            if not chunk:
                raise IOError("connection closed by quarryd")
            rest += chunk
        body, self.buf = rest[:length], rest[length:]
        if close:
            self.sock.close()
            self.sock = None
        return status, json.loads(body)

    @staticmethod
    def search_body(q, count=False):
        kind = q[0]
        if kind == "term":
            query = {"match": {"review": q[1]}}
        elif kind == "and":
            query = {"match": {"review": {"query": f"{q[1]} {q[2]}", "operator": "and"}}}
        elif kind == "phrase":
            query = {"match_phrase": {"review": f"{q[1]} {q[2]}"}}
        elif kind == "filter":
            query = {"bool": {"must": [{"match": {"review": q[1]}}],
                              "filter": [{"term": {"app_id": int(q[2])}}]}}
        else:
            raise ValueError(kind)
        body = {"query": query, "size": 10}
        if not WITH_SOURCE:
            body["_source"] = False  # ids and scores, what the peers return (Sphinx stores no text)
        if count:
            body["track_total_hits"] = True
        return body

    def search(self, q):
        status, r = self.request(f"/{self.index}/_search", self.search_body(q))
        if status != 200:
            raise IOError(f"HTTP {status}: {json.dumps(r)[:300]}")
        return len(r["hits"]["hits"])

    def count(self, q):
        status, r = self.request(f"/{self.index}/_search", self.search_body(q, count=True))
        if status != 200:
            raise IOError(f"HTTP {status}: {json.dumps(r)[:300]}")
        return r["hits"]["total"]["value"]

    # Aggregations, written per Elasticsearch's documented syntax.
    @staticmethod
    def agg_body(q):
        kind = q[0]
        match = {"match": {"review": q[1]}} if len(q) > 1 else None
        if kind == "aggA":
            body = {"size": 0, "query": match, "aggs": {"games": {"terms": {"field": "app_id", "size": 10}}}}
        elif kind == "aggB":
            body = {"size": 0, "aggs": {"years": {"date_histogram": {
                "field": "timestamp_created", "calendar_interval": "year"}}}}
        elif kind == "aggC":
            body = {"size": 0, "query": match, "aggs": {"verdict": {
                "terms": {"field": "recommended"}, "aggs": {"helpful": {"avg": {"field": "votes_helpful"}}}}}}
        elif kind == "aggD":
            body = {"size": 0, "aggs": {
                "games": {"terms": {"field": "app_id", "size": 10}},
                "per_month": {"date_histogram": {"field": "timestamp_created", "calendar_interval": "month"},
                              "aggs": {"verdict": {"terms": {"field": "recommended"}}}},
                "playtime": {"percentiles": {"field": "author.playtime_forever", "percents": PERCENTS}}}}
        else:
            raise ValueError(kind)
        return body

    def agg(self, q):
        status, r = self.request(f"/{self.index}/_search", self.agg_body(q))
        if status != 200 or "error" in r:
            err = r.get("error", {})
            reason = err.get("reason") if isinstance(err, dict) else err
            raise AggUnsupported(f"HTTP {status} {err.get('type') if isinstance(err, dict) else ''}: {reason}")
        ag = r["aggregations"]
        if q[0] == "aggA":
            return "top " + " ".join(f"{b['key']}:{b['doc_count']}" for b in ag["games"]["buckets"])
        if q[0] == "aggB":
            return "years " + " ".join(f"{b.get('key_as_string', b['key'])}:{b['doc_count']}" for b in ag["years"]["buckets"])
        if q[0] == "aggC":
            return "avg " + " ".join(f"{b.get('key_as_string', b['key'])}:{b['helpful']['value']}" for b in ag["verdict"]["buckets"])
        return ("top " + " ".join(f"{b['key']}:{b['doc_count']}" for b in ag["games"]["buckets"])
                + f" months={len(ag['per_month']['buckets'])} p50={ag['playtime']['values'].get('50.0')}")


class AggUnsupported(Exception):
    pass


class SqliteClient:
    def __init__(self, a):
        import sqlite3
        self.c = sqlite3.connect(f"file:{a.sqlite_db}?mode=ro", uri=True, check_same_thread=False)
        self.c.execute("PRAGMA cache_size=-262144")  # 256 MB page cache per connection
        self.c.execute("PRAGMA mmap_size=8589934592")

    @staticmethod
    def match(q):
        if q[0] == "term" or q[0] == "filter":
            return f'"{q[1]}"'
        if q[0] == "and":
            return f'"{q[1]}" AND "{q[2]}"'
        return f'"{q[1]} {q[2]}"'

    def search(self, q):
        if q[0] == "filter":
            rows = self.c.execute("SELECT f.rowid FROM fts f JOIN reviews r ON r.id = f.rowid "
                                  "WHERE fts MATCH ? AND r.app_id = ? ORDER BY bm25(fts) LIMIT 10",
                                  (self.match(q), int(q[2]))).fetchall()
        else:
            rows = self.c.execute("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 10",
                                  (self.match(q),)).fetchall()
        return len(rows)

    def count(self, q):
        if q[0] == "filter":
            return self.c.execute("SELECT count(*) FROM fts f JOIN reviews r ON r.id = f.rowid "
                                  "WHERE fts MATCH ? AND r.app_id = ?", (self.match(q), int(q[2]))).fetchone()[0]
        return self.c.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (self.match(q),)).fetchone()[0]

    def agg(self, q):
        c = self.c
        if q[0] == "aggA":
            rows = c.execute("SELECT app_id, count(*) n FROM reviews WHERE id IN "
                             "(SELECT rowid FROM fts WHERE fts MATCH ?) GROUP BY app_id ORDER BY n DESC, app_id LIMIT 10",
                             (f'"{q[1]}"',)).fetchall()
            return "top " + " ".join(f"{k}:{n}" for k, n in rows)
        if q[0] == "aggB":
            rows = c.execute("SELECT strftime('%Y', created, 'unixepoch') y, count(*) FROM reviews "
                             "GROUP BY y ORDER BY y").fetchall()
            return "years " + " ".join(f"{k}:{n}" for k, n in rows)
        if q[0] == "aggC":
            rows = c.execute("SELECT recommended, avg(votes_helpful) FROM reviews WHERE id IN "
                             "(SELECT rowid FROM fts WHERE fts MATCH ?) GROUP BY recommended ORDER BY recommended",
                             (f'"{q[1]}"',)).fetchall()
            return "avg " + " ".join(f"{'true' if k else 'false'}:{v}" for k, v in rows)
        games = c.execute("SELECT app_id, count(*) n FROM reviews GROUP BY app_id ORDER BY n DESC, app_id LIMIT 10").fetchall()
        months = c.execute("SELECT strftime('%Y-%m', created, 'unixepoch') m, recommended, count(*) FROM reviews "
                           "GROUP BY m, recommended").fetchall()
        n = c.execute("SELECT count(playtime) FROM reviews").fetchone()[0]
        pct = {}
        for p in PERCENTS:
            k = int(p / 100 * (n - 1))
            pct[p] = c.execute("SELECT playtime FROM reviews WHERE playtime IS NOT NULL ORDER BY playtime "
                               "LIMIT 1 OFFSET ?", (k,)).fetchone()[0]
        return ("top " + " ".join(f"{k}:{v}" for k, v in games)
                + f" months={len({m for m, _, _ in months})} p50={pct[50]}")


class PgClient:
    def __init__(self, a):
        self.conn = pg_connect(a)
        self.cur = self.conn.cursor()
        self.cur.execute("SET TIME ZONE 'UTC'")

    @staticmethod
    def tsq(q):
        if q[0] == "phrase":
            return "phraseto_tsquery('simple', %s)", f"{q[1]} {q[2]}"
        if q[0] == "and":
            return "plainto_tsquery('simple', %s)", f"{q[1]} {q[2]}"
        return "plainto_tsquery('simple', %s)", q[1]

    def search(self, q):
        fn, arg = self.tsq(q)
        if q[0] == "filter":
            self.cur.execute(f"SELECT id FROM reviews, {fn} q WHERE tsv @@ q AND app_id = %s "
                             "ORDER BY ts_rank(tsv, q) DESC LIMIT 10", (arg, int(q[2])))
        else:
            self.cur.execute(f"SELECT id FROM reviews, {fn} q WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC LIMIT 10",
                             (arg,))
        return len(self.cur.fetchall())

    def count(self, q):
        fn, arg = self.tsq(q)
        if q[0] == "filter":
            self.cur.execute(f"SELECT count(*) FROM reviews WHERE tsv @@ {fn} AND app_id = %s", (arg, int(q[2])))
        else:
            self.cur.execute(f"SELECT count(*) FROM reviews WHERE tsv @@ {fn}", (arg,))
        return self.cur.fetchone()[0]

    def agg(self, q):
        cur = self.cur
        if q[0] == "aggA":
            cur.execute("SELECT app_id, count(*) n FROM reviews WHERE tsv @@ plainto_tsquery('simple', %s) "
                        "GROUP BY app_id ORDER BY n DESC, app_id LIMIT 10", (q[1],))
            return "top " + " ".join(f"{k}:{n}" for k, n in cur.fetchall())
        if q[0] == "aggB":
            cur.execute("SELECT extract(year FROM created)::int y, count(*) FROM reviews GROUP BY y ORDER BY y")
            return "years " + " ".join(f"{k}:{n}" for k, n in cur.fetchall())
        if q[0] == "aggC":
            cur.execute("SELECT recommended, avg(votes_helpful) FROM reviews WHERE tsv @@ plainto_tsquery('simple', %s) "
                        "GROUP BY recommended ORDER BY recommended", (q[1],))
            return "avg " + " ".join(f"{'true' if k else 'false'}:{float(v)}" for k, v in cur.fetchall())
        cur.execute("SELECT app_id, count(*) n FROM reviews GROUP BY app_id ORDER BY n DESC, app_id LIMIT 10")
        games = cur.fetchall()
        cur.execute("SELECT date_trunc('month', created) m, recommended, count(*) FROM reviews GROUP BY m, recommended")
        months = cur.fetchall()
        cur.execute("SELECT percentile_disc(%s::float8[]) WITHIN GROUP (ORDER BY playtime) FROM reviews",
                    ([p / 100 for p in PERCENTS],))
        pct = cur.fetchone()[0]
        return ("top " + " ".join(f"{k}:{v}" for k, v in games)
                + f" months={len({m for m, _, _ in months})} p50={pct[PERCENTS.index(50)]}")


class SphinxClient:
    def __init__(self, a, index):
        self.conn = sphinx_connect(a.sphinx_port)
        self.cur = self.conn.cursor()
        self.index = index

    @staticmethod
    def match(q):
        if q[0] == "phrase":
            return f'"{q[1]} {q[2]}"'
        if q[0] == "and":
            return f"{q[1]} {q[2]}"
        return q[1]

    def search(self, q):
        extra = f" AND app_id = {int(q[2])}" if q[0] == "filter" else ""
        self.cur.execute(f"SELECT id FROM {self.index} WHERE MATCH('{self.match(q)}'){extra} LIMIT 10")
        return len(self.cur.fetchall())

    def count(self, q):
        self.search(q)
        self.cur.execute("SHOW META")
        return int(dict(self.cur.fetchall())["total_found"])

    def agg(self, q):
        cur, ix = self.cur, self.index
        if q[0] == "aggA":
            cur.execute(f"SELECT app_id, COUNT(*) AS n FROM {ix} WHERE MATCH('{q[1]}') GROUP BY app_id "
                        "ORDER BY n DESC LIMIT 10")
            return "top " + " ".join(f"{k}:{n}" for k, n in cur.fetchall())
        if q[0] == "aggB":
            cur.execute(f"SELECT YEAR(created) AS y, COUNT(*) AS n FROM {ix} GROUP BY y ORDER BY y ASC LIMIT 1000")
            return "years " + " ".join(f"{k}:{n}" for k, n in cur.fetchall())
        if q[0] == "aggC":
            cur.execute(f"SELECT recommended, AVG(votes_helpful) AS h FROM {ix} WHERE MATCH('{q[1]}') "
                        "GROUP BY recommended ORDER BY recommended ASC")
            return "avg " + " ".join(f"{'true' if int(k) else 'false'}:{float(v)}" for k, v in cur.fetchall())
        cur.execute(f"SELECT app_id, COUNT(*) AS n FROM {ix} GROUP BY app_id ORDER BY n DESC LIMIT 10")
        games = cur.fetchall()
        cur.execute(f"SELECT YEARMONTH(created) * 2 + recommended AS k, COUNT(*) AS n FROM {ix} GROUP BY k LIMIT 1000")
        months = cur.fetchall()
        # Sphinx has no percentile function: D is answered without the playtime percentiles.
        return ("top " + " ".join(f"{k}:{v}" for k, v in games)
                + f" months={len({int(k) // 2 for k, _ in months})} p50=n/a")


def make_client(system, a):
    if system == "quarry":
        return QuarryClient(a)
    if system == "sqlite":
        return SqliteClient(a)
    if system == "postgres":
        return PgClient(a)
    if system == "sphinx-plain":
        return SphinxClient(a, "plain")
    if system == "sphinx-rt":
        return SphinxClient(a, "rt")
    raise ValueError(system)
