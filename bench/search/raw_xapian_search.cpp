// bench_raw_xapian_search: the limit for Quarry's search and aggregation paths — Xapian in-process,
// no HTTP, no JSON, no shards: one database built by bench_raw_xapian_ingest --shards 1 (exactly
// the layout quarryd's shards have), queried with hand-built Xapian queries.
//
// Query file: one query per line, tab-separated, as bench/common/bench.py writes it:
//   term   W            single term on `review`
//   and    W1 W2        two-term AND
//   phrase W1 W2        phrase "W1 W2"
//   filter W APP_ID     term, filtered (no score) on app_id
//   aggA   W            reviews per game (app_id), top 10, for `review:W`
//   aggB                reviews per year (timestamp_created) over everything
//   aggC   W            average votes_helpful per recommended, for `review:W`
//   aggD                per game top 10 + per month x recommended + percentiles of
//                       author.playtime_forever, over everything (one pass)
// Search: top 10 by BM25 (k1 1.2, b 0.75, as Quarry), Enquire::get_mset(0, 10) (Xapian's own
// early termination; no exact count). Aggregations: a MatchSpy that reads the value slots of every
// matching document (get_mset(0, 0, doccount), BoolWeight), then the buckets are finalised.
//
// --clients C runs C threads, each with its own Xapian::Database handle (handles are not shared
// between threads); thread i takes queries i, i+C, i+2C, ... --rounds R repeats the file R times
// (the first --warmup rounds are not reported). --duration S: each client instead loops over the
// whole list, from its own offset, until S seconds have passed (throughput).
//
// Output on stdout: one line per query and round, "LAT <index> <microseconds> <hits> <summary>",
// then "WALL <seconds>" (measured rounds only). --count makes every search count all matches
// exactly (check_at_least = doccount) for the sanity check against the other systems.
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "index/json.h"
#include "index/mapping.h"

using Clock = std::chrono::steady_clock;
using quarry::index::Mapping;

namespace {

struct Layout {
  std::string review_prefix, app_prefix;
  int app_slot = -1, created_slot = -1, helpful_slot = -1, recommended_slot = -1, playtime_slot = -1;
};

struct Query {
  std::vector<std::string> f;  // kind, args...
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == '\t') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

// Days since 1970-01-01 -> civil year and month (Howard Hinnant's algorithm).
void civil_from_days(int64_t z, int* y, int* m) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yoe + era * 400 + (mm <= 2));
  *m = static_cast<int>(mm);
}

double slot_num(const Xapian::Document& d, int slot, bool* ok) {
  std::string v = d.get_value(slot);
  *ok = !v.empty();
  return v.empty() ? 0 : Xapian::sortable_unserialise(v);
}

// All aggregations in one spy; what it collects depends on the kind.
class AggSpy : public Xapian::MatchSpy {
 public:
  AggSpy(const Layout& l, char kind) : l_(l), kind_(kind) {}
  void operator()(const Xapian::Document& doc, double) override {
    bool ok;
    switch (kind_) {
      case 'A': {
        double a = slot_num(doc, l_.app_slot, &ok);
        if (ok) ++games_[static_cast<int64_t>(a)];
        break;
      }
      case 'B': {
        double ms = slot_num(doc, l_.created_slot, &ok);
        if (ok) {
          int y, m;
          civil_from_days(static_cast<int64_t>(std::floor(ms / 86400000.0)), &y, &m);
          ++years_[y];
        }
        break;
      }
      case 'C': {
        std::string r = doc.get_value(l_.recommended_slot);
        double h = slot_num(doc, l_.helpful_slot, &ok);
        if (!r.empty() && ok) {
          auto& s = verdict_[r == "1"];
          s.first += h;
          ++s.second;
        }
        break;
      }
      case 'D': {
        double a = slot_num(doc, l_.app_slot, &ok);
        if (ok) ++games_[static_cast<int64_t>(a)];
        double ms = slot_num(doc, l_.created_slot, &ok);
        std::string r = doc.get_value(l_.recommended_slot);
        if (ok) {
          int y, m;
          civil_from_days(static_cast<int64_t>(std::floor(ms / 86400000.0)), &y, &m);
          ++months_[(y * 12 + m - 1) * 2 + (r == "1")];
        }
        double p = slot_num(doc, l_.playtime_slot, &ok);
        if (ok) playtime_.push_back(p);
        break;
      }
    }
  }
  // A short text summary of the result (also keeps the work from being optimised away).
  std::string finish() {
    std::ostringstream o;
    auto top10 = [&](std::unordered_map<int64_t, uint64_t>& m) {
      std::vector<std::pair<int64_t, uint64_t>> v(m.begin(), m.end());
      size_t k = std::min<size_t>(10, v.size());
      std::partial_sort(v.begin(), v.begin() + k, v.end(), [](auto& a, auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
      o << "top";
      for (size_t i = 0; i < k; ++i) o << " " << v[i].first << ":" << v[i].second;
    };
    switch (kind_) {
      case 'A': top10(games_); break;
      case 'B':
        o << "years";
        for (auto& [y, c] : years_) o << " " << y << ":" << c;
        break;
      case 'C':
        o << "avg";
        for (auto& [r, s] : verdict_) o << " " << (r ? "true" : "false") << ":" << s.first / s.second;
        break;
      case 'D': {
        top10(games_);
        o << " months=" << months_.size() / 2 << " p50=";
        if (!playtime_.empty()) {
          for (double pct : {1.0, 5.0, 25.0, 50.0, 75.0, 95.0, 99.0}) {
            size_t k = static_cast<size_t>(pct / 100.0 * (playtime_.size() - 1));
            std::nth_element(playtime_.begin(), playtime_.begin() + k, playtime_.end());
            if (pct == 50.0) o << playtime_[k];
          }
        }
        break;
      }
    }
    return o.str();
  }

 private:
  const Layout& l_;
  char kind_;
  std::unordered_map<int64_t, uint64_t> games_;
  std::map<int, uint64_t> years_;
  std::map<bool, std::pair<double, uint64_t>> verdict_;
  std::map<int, uint64_t> months_;
  std::vector<double> playtime_;
};

struct Outcome {
  double us = 0;
  uint64_t hits = 0;
  std::string summary;
};

Outcome run_one(Xapian::Database& db, const Layout& l, const Query& q, bool exact_count) {
  const auto& f = q.f;
  const std::string& kind = f[0];
  auto term = [&](const std::string& w) { return Xapian::Query(l.review_prefix + w); };
  Outcome out;
  auto t0 = Clock::now();
  Xapian::Enquire enquire(db);
  if (kind.rfind("agg", 0) == 0) {
    char k = kind[3];
    Xapian::Query query = (k == 'A' || k == 'C') ? term(f.at(1)) : Xapian::Query::MatchAll;
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    AggSpy spy(l, k);
    enquire.add_matchspy(&spy);
    Xapian::MSet m = enquire.get_mset(0, 0, db.get_doccount());
    out.summary = spy.finish();
    out.hits = m.get_matches_estimated();
  } else {
    Xapian::Query query;
    if (kind == "term") query = term(f.at(1));
    else if (kind == "and") query = Xapian::Query(Xapian::Query::OP_AND, term(f.at(1)), term(f.at(2)));
    else if (kind == "phrase") {
      Xapian::Query parts[2] = {term(f.at(1)), term(f.at(2))};
      query = Xapian::Query(Xapian::Query::OP_PHRASE, parts, parts + 2, 2);
    } else if (kind == "filter")
      query = Xapian::Query(Xapian::Query::OP_FILTER, term(f.at(1)), Xapian::Query(l.app_prefix + f.at(2)));
    else throw std::runtime_error("unknown query kind " + kind);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.75, 0.5));
    Xapian::MSet m = exact_count ? enquire.get_mset(0, 10, db.get_doccount()) : enquire.get_mset(0, 10);
    std::ostringstream o;
    for (auto it = m.begin(); it != m.end(); ++it) o << (it == m.begin() ? "" : ",") << *it;
    out.summary = o.str();
    out.hits = exact_count ? m.get_matches_estimated() : m.size();
  }
  out.us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db_path, mapping_path, queries_path;
  int clients = 1, rounds = 1, warmup = 0;
  double duration = 0;
  bool exact = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("missing value for " + a);
      return argv[++i];
    };
    if (a == "--db") db_path = next();
    else if (a == "--mapping") mapping_path = next();
    else if (a == "--queries") queries_path = next();
    else if (a == "--clients") clients = std::stoi(next());
    else if (a == "--rounds") rounds = std::stoi(next());
    else if (a == "--warmup") warmup = std::stoi(next());
    else if (a == "--duration") duration = std::stod(next());
    else if (a == "--count") exact = true;
    else {
      std::cerr << "usage: bench_raw_xapian_search --db DIR --mapping MAPPING.json --queries FILE\n"
                   "       [--clients 1] [--rounds 1] [--warmup 0] [--count]\n";
      return 2;
    }
  }
  // The layout: the same mapping file gives the same prefixes and slots quarryd assigns.
  std::ifstream mf(mapping_path);
  std::stringstream ms;
  ms << mf.rdbuf();
  std::string mapping_text = ms.str();
  quarry::json::Document mj;
  if (auto st = quarry::json::parse(mapping_text, mj); !st.ok()) {
    std::cerr << mapping_path << ": " << st.message() << "\n";
    return 1;
  }
  auto mr = Mapping::from_es_json(mj.HasMember("mappings") ? mj["mappings"] : mj);
  if (!mr.ok()) {
    std::cerr << mr.status().message() << "\n";
    return 1;
  }
  const Mapping& mapping = mr.value();
  auto field = [&](const char* path) -> const quarry::index::FieldMapping& {
    auto* fm = mapping.find(path);
    if (!fm) throw std::runtime_error(std::string("mapping has no ") + path);
    return *fm;
  };
  Layout l;
  l.review_prefix = field("review").prefix;
  l.app_prefix = field("app_id").prefix;
  l.app_slot = field("app_id").slot;
  l.created_slot = field("timestamp_created").slot;
  l.helpful_slot = field("votes_helpful").slot;
  l.recommended_slot = field("recommended").slot;
  l.playtime_slot = field("author.playtime_forever").slot;

  std::vector<Query> queries;
  std::ifstream qf(queries_path);
  for (std::string line; std::getline(qf, line);) {
    if (!line.empty()) queries.push_back(Query{split_tabs(line)});
  }
  if (queries.empty()) {
    std::cerr << "no queries in " << queries_path << "\n";
    return 1;
  }

  std::vector<std::vector<std::pair<size_t, Outcome>>> results(clients);
  std::vector<std::string> errors(clients);
  double wall = 0;
  for (int round = 0; round < rounds; ++round) {
    const bool keep = round >= warmup;
    auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        try {
          Xapian::Database db(db_path);
          if (duration > 0) {
            // Throughput: loop over the whole list from this client's offset until the deadline.
            const size_t n = queries.size();
            for (size_t k = 0, start = c * n / clients;; ++k) {
              size_t i = (start + k) % n;
              Outcome o = run_one(db, l, queries[i], exact);
              if (keep) results[c].emplace_back(i, std::move(o));
              if (std::chrono::duration<double>(Clock::now() - t0).count() >= duration) break;
            }
          } else {
            for (size_t i = c; i < queries.size(); i += clients) {
              Outcome o = run_one(db, l, queries[i], exact);
              if (keep) results[c].emplace_back(i, std::move(o));
            }
          }
        } catch (const std::exception& e) {
          errors[c] = e.what();
        } catch (const Xapian::Error& e) {
          errors[c] = e.get_description();
        }
      });
    }
    for (auto& t : threads) t.join();
    if (keep) wall += std::chrono::duration<double>(Clock::now() - t0).count();
  }
  for (auto& e : errors) {
    if (!e.empty()) {
      std::cerr << "error: " << e << "\n";
      return 1;
    }
  }
  for (auto& r : results)
    for (auto& [i, o] : r) std::printf("LAT %zu %.1f %llu %s\n", i, o.us, static_cast<unsigned long long>(o.hits), o.summary.c_str());
  std::printf("WALL %.6f\n", wall);
  return 0;
}
