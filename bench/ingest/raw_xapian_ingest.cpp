// bench_raw_xapian_ingest: the limit for Quarry's write path. Indexes an NDJSON file of documents
// straight into K Xapian databases on K threads with exactly the layout quarryd's shard applier
// writes (ingest/shard_applier.cpp), through the engine's own quarry::index::Shard:
// DocumentMapper::index with the index's mapping, value slots kSlotSeqNo/kSlotVersion,
// data = encode_stored(meta, source), Shard::add_new (add_document with the unique id term: every
// document of a fresh index is new, so the applier gets OpKind::kIndexNew) and Shard::commit every
// commit interval (1 s, as refresh_interval 1s) or every 5000 uncommitted operations, whichever
// comes first — the applier's rule as refresh_interval describes it. Commits are checked after
// every hand-over batch of 256 documents.
//
// What it leaves out, on purpose (that is the overhead being measured): HTTP and _bulk parsing,
// validation and dynamic mapping on the primary, the version map, LZ4 batches through the Redis
// stream and back. The JSON of each document is parsed once, as the applier does.
//
// Experiments: --new-docs replace uses Shard::put (replace_document on the id term, what the
// applier does for ids that may exist); --commit-interval-ms / --max-uncommitted change the commit
// cadence (e.g. --commit-interval-ms 999999999 --max-uncommitted 50000 is one commit per 50000
// operations: large batches, which Xapian indexes much more slowly).
//
// Threads: the main thread reads the file, finds each document's _id (--id-field) and routes it
// with quarryd's rule (XXH64(_id) % K) to one of K queues; one worker per database does all the
// Xapian work. So each database receives exactly the documents the same-numbered quarryd shard
// receives.
//
// Output: progress on stderr, then one line on stdout:
//   RESULT docs=N seconds=S docs_per_s=R peak_rss_kb=KB shards=K db_bytes=B commits=C errors=E
#include <xapian.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "index/document_mapper.h"
#include "index/json.h"
#include "index/mapping.h"
#include "index/shard.h"
#include "index/stored_document.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using quarry::index::DocumentMapper;
using quarry::index::Mapping;
using quarry::index::Shard;

namespace {

struct Options {
  std::string input;
  std::string mapping_path;
  std::string db_dir;
  std::string id_field = "review_id";
  int shards = 1;
  int64_t commit_interval_ms = 1000;
  int64_t max_uncommitted = 5000;  // ShardApplier's kMaxUncommittedOps
  size_t batch_docs = 256;          // documents per hand-over from the reader to a worker
  size_t queue_batches = 16;        // bounded queue depth per worker
  bool add_new = true;              // --new-docs add (default, as the applier) | replace
};

void usage() {
  std::cerr << "usage: bench_raw_xapian_ingest --input FILE.ndjson --mapping MAPPING.json --db-dir DIR\n"
               "       [--shards K=1] [--id-field FIELD=review_id] [--commit-interval-ms 1000]\n"
               "       [--max-uncommitted 5000] [--new-docs add|replace]\n"
               "MAPPING.json is an Elasticsearch \"mappings\" object. DIR must not exist or be empty.\n";
}

bool parse_args(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    std::optional<std::string> v;
    if (a == "-h" || a == "--help") return false;
    if (!(v = next())) {
      std::cerr << "missing value for " << a << "\n";
      return false;
    }
    try {
      if (a == "--input") o->input = *v;
      else if (a == "--mapping") o->mapping_path = *v;
      else if (a == "--db-dir") o->db_dir = *v;
      else if (a == "--id-field") o->id_field = *v;
      else if (a == "--shards") o->shards = std::stoi(*v);
      else if (a == "--commit-interval-ms") o->commit_interval_ms = std::stoll(*v);
      else if (a == "--max-uncommitted") o->max_uncommitted = std::stoll(*v);
      else if (a == "--new-docs" && (*v == "add" || *v == "replace")) o->add_new = *v == "add";
      else {
        std::cerr << "unknown option " << a << "\n";
        return false;
      }
    } catch (const std::exception&) {
      std::cerr << "bad value for " << a << ": " << *v << "\n";
      return false;
    }
  }
  if (o->input.empty() || o->mapping_path.empty() || o->db_dir.empty() || o->shards < 1 || o->shards > 64) {
    return false;
  }
  return true;
}

// VmHWM (peak resident set) of this process, in kB.
long peak_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

uint64_t dir_bytes(const fs::path& p) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

// The value of the top-level member `"field":` of a one-line JSON object: a string's content (no
// escapes expected in ids) or a number's text — what `quarry load --id-field` sends as _id.
// Empty when absent. A fast scan, so that routing does not need a second full parse.
std::string_view find_id(std::string_view line, const std::string& key_pattern) {
  size_t p = line.find(key_pattern);
  if (p == std::string_view::npos) return {};
  p += key_pattern.size();
  while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
  if (p >= line.size()) return {};
  if (line[p] == '"') {
    size_t e = line.find('"', p + 1);
    if (e == std::string_view::npos) return {};
    return line.substr(p + 1, e - p - 1);
  }
  size_t e = p;
  while (e < line.size() && (std::isdigit(static_cast<unsigned char>(line[e])) || line[e] == '-')) ++e;
  return line.substr(p, e - p);
}

struct Item {
  std::string id;
  std::string source;
};
using Batch = std::vector<Item>;

class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}
  void push(Batch b) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return q_.size() < capacity_; });
    q_.push_back(std::move(b));
    not_empty_.notify_one();
  }
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  // false when closed and drained.
  bool pop(Batch* out) {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !q_.empty() || closed_; });
    if (q_.empty()) return false;
    *out = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return true;
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Batch> q_;
  bool closed_ = false;
};

struct WorkerStats {
  uint64_t docs = 0;
  uint64_t errors = 0;
  uint64_t commits = 0;
  std::string error;  // fatal error, if any
};

void run_worker(const Options& o, const Mapping& mapping, Shard& shard, BatchQueue& queue,
                std::atomic<uint64_t>& progress, WorkerStats* stats) {
  int64_t seq_no = 0;  // per-shard sequence numbers, as the shard primary assigns them
  int64_t max_seq = -1;
  int64_t uncommitted = 0;
  auto last_commit = Clock::now();
  auto commit = [&]() -> bool {
    auto st = shard.commit("0-" + std::to_string(max_seq + 1), max_seq);
    if (!st.ok()) {
      stats->error = st.message();
      return false;
    }
    shard.refresh();
    ++stats->commits;
    uncommitted = 0;
    last_commit = Clock::now();
    return true;
  };
  Batch batch;
  try {
    while (queue.pop(&batch)) {
      for (Item& item : batch) {
        Xapian::Document doc;
        quarry::json::Document source;
        source.Parse(item.source.data(), item.source.size());
        if (!source.HasParseError() && source.IsObject()) {
          auto st = DocumentMapper::index(mapping, source, doc);
          if (!st.ok()) ++stats->errors;
        } else {
          ++stats->errors;
        }
        doc.add_value(quarry::index::kSlotSeqNo, Xapian::sortable_serialise(double(seq_no)));
        doc.add_value(quarry::index::kSlotVersion, Xapian::sortable_serialise(1.0));
        doc.set_data(quarry::index::encode_stored({seq_no, 1, 1, "", item.id}, item.source));
        // The applier: OpKind::kIndexNew (the primary found no such id) -> add_new, else put.
        if (o.add_new) shard.add_new(item.id, doc);
        else shard.put(item.id, doc);
        max_seq = seq_no++;
        ++uncommitted;
        ++stats->docs;
      }
      progress.fetch_add(batch.size(), std::memory_order_relaxed);
      auto since = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_commit).count();
      if (since >= o.commit_interval_ms || uncommitted >= o.max_uncommitted) {
        if (!commit()) return;
      }
    }
    if (uncommitted > 0) commit();
  } catch (const Xapian::Error& e) {
    stats->error = e.get_description();
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, &o)) {
    usage();
    return 2;
  }

  // The mapping, as quarryd builds it from the same "mappings" JSON at index creation.
  std::ifstream mf(o.mapping_path);
  if (!mf) {
    std::cerr << "cannot read " << o.mapping_path << "\n";
    return 1;
  }
  std::stringstream ms;
  ms << mf.rdbuf();
  std::string mapping_text = ms.str();
  quarry::json::Document mj;
  if (auto st = quarry::json::parse(mapping_text, mj); !st.ok()) {
    std::cerr << o.mapping_path << ": " << st.message() << "\n";
    return 1;
  }
  const quarry::json::Value* mappings = &mj;
  if (mj.IsObject() && mj.HasMember("mappings")) mappings = &mj["mappings"];
  auto mapping_r = Mapping::from_es_json(*mappings);
  if (!mapping_r.ok()) {
    std::cerr << o.mapping_path << ": " << mapping_r.status().message() << "\n";
    return 1;
  }
  Mapping mapping = std::move(mapping_r.value());

  std::FILE* in = std::fopen(o.input.c_str(), "rb");
  if (!in) {
    std::cerr << "cannot open " << o.input << "\n";
    return 1;
  }

  // Check the first document against the mapping: fields dynamic mapping would add in quarryd are
  // added here too (and reported — the mapping file should cover them).
  {
    std::string first;
    int c;
    while ((c = std::fgetc(in)) != EOF && c != '\n') first.push_back(static_cast<char>(c));
    std::rewind(in);
    quarry::json::Document d;
    d.Parse(first.data(), first.size());
    if (!d.HasParseError() && d.IsObject()) {
      auto v = DocumentMapper::validate(mapping, d, "first");
      if (!v.ok()) {
        std::cerr << "warning: first document does not fit the mapping: " << v.status().message() << "\n";
      } else {
        for (auto& f : v->new_fields) {
          std::cerr << "warning: field [" << f.path << "] is not in the mapping; adding it dynamically as ["
                    << quarry::index::field_type_name(f.type) << "]\n";
          mapping.add_field(std::move(f));
        }
      }
    }
  }

  if (fs::exists(o.db_dir) && !fs::is_empty(o.db_dir)) {
    std::cerr << o.db_dir << " exists and is not empty\n";
    return 1;
  }
  std::vector<std::unique_ptr<Shard>> shards;
  for (int i = 0; i < o.shards; ++i) {
    shards.push_back(std::make_unique<Shard>((fs::path(o.db_dir) / ("shard-" + std::to_string(i))).string(), i));
    if (auto st = shards.back()->open(); !st.ok()) {
      std::cerr << st.message() << "\n";
      return 1;
    }
  }

  const auto start = Clock::now();
  std::vector<std::unique_ptr<BatchQueue>> queues;
  std::vector<WorkerStats> stats(o.shards);
  std::vector<std::thread> workers;
  std::atomic<uint64_t> progress{0};
  for (int i = 0; i < o.shards; ++i) queues.push_back(std::make_unique<BatchQueue>(o.queue_batches));
  for (int i = 0; i < o.shards; ++i) {
    workers.emplace_back(run_worker, std::cref(o), std::cref(mapping), std::ref(*shards[i]), std::ref(*queues[i]),
                         std::ref(progress), &stats[i]);
  }

  // Reader: split into lines, route by _id, hand over in batches.
  const std::string key_pattern = "\"" + o.id_field + "\":";
  std::vector<Batch> pending(o.shards);
  uint64_t lines = 0, no_id = 0;
  auto last_report = start;
  std::vector<char> buf(4 << 20);
  std::string carry;
  auto handle_line = [&](std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) return;
    ++lines;
    std::string_view id = find_id(line, key_pattern);
    std::string id_s;
    if (id.empty()) {
      ++no_id;
      id_s = "line-" + std::to_string(lines);  // stands in for an auto-generated id
    } else {
      id_s.assign(id);
    }
    int s = static_cast<int>(XXH64(id_s.data(), id_s.size(), 0) % static_cast<uint64_t>(o.shards));
    pending[s].push_back(Item{std::move(id_s), std::string(line)});
    if (pending[s].size() >= o.batch_docs) {
      queues[s]->push(std::move(pending[s]));
      pending[s] = Batch();
      pending[s].reserve(o.batch_docs);
    }
    if ((lines & 4095) == 0) {
      auto now = Clock::now();
      if (now - last_report >= std::chrono::seconds(10)) {
        double secs = std::chrono::duration<double>(now - start).count();
        uint64_t done = progress.load();
        std::cerr << "  raw x" << o.shards << ": " << done << " docs indexed in " << static_cast<int>(secs)
                  << " s (" << static_cast<uint64_t>(done / secs) << " docs/s)\n";
        last_report = now;
      }
    }
  };
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), in)) > 0) {
    std::string_view chunk(buf.data(), n);
    size_t pos = 0;
    for (;;) {
      size_t nl = chunk.find('\n', pos);
      if (nl == std::string_view::npos) {
        carry.append(chunk.substr(pos));
        break;
      }
      if (!carry.empty()) {
        carry.append(chunk.substr(pos, nl - pos));
        handle_line(carry);
        carry.clear();
      } else {
        handle_line(chunk.substr(pos, nl - pos));
      }
      pos = nl + 1;
    }
  }
  if (!carry.empty()) handle_line(carry);
  std::fclose(in);
  for (int s = 0; s < o.shards; ++s) {
    if (!pending[s].empty()) queues[s]->push(std::move(pending[s]));
    queues[s]->close();
  }
  for (auto& t : workers) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  uint64_t docs = 0, errors = 0, commits = 0;
  bool failed = false;
  for (int i = 0; i < o.shards; ++i) {
    docs += stats[i].docs;
    errors += stats[i].errors;
    commits += stats[i].commits;
    std::cerr << "  shard " << i << ": " << stats[i].docs << " docs, " << stats[i].commits << " commits, "
              << shards[i]->doc_count() << " in the database\n";
    if (!stats[i].error.empty()) {
      std::cerr << "shard " << i << " failed: " << stats[i].error << "\n";
      failed = true;
    }
  }
  if (no_id) std::cerr << "warning: " << no_id << " documents had no [" << o.id_field << "]\n";
  long rss = peak_rss_kb();
  for (auto& s : shards) s->close_writer();
  uint64_t bytes = dir_bytes(o.db_dir);
  std::printf("RESULT docs=%llu seconds=%.3f docs_per_s=%.0f peak_rss_kb=%ld shards=%d db_bytes=%llu commits=%llu errors=%llu\n",
              static_cast<unsigned long long>(docs), seconds, docs / seconds, rss, o.shards,
              static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(commits),
              static_cast<unsigned long long>(errors));
  return failed ? 1 : 0;
}
