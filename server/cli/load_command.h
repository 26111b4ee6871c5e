// `quarry load`: streams NDJSON documents or Elasticsearch bulk files into quarryd via _bulk.
//
// Inputs are read one after another by the calling thread (input_reader.h), turned into items
// (bulk_input.h), grouped into batches by count and bytes (bulk_batch.h), and handed through a
// bounded queue to `concurrency` sender threads, each with its own keep-alive connection
// (bulk_sender.h). Memory stays bounded whatever the input size. Progress and errors go to the
// console (load_console.h). If the server stays unreachable through all retries of a batch, the
// load stops early ("aborted"). run_load() blocks until everything is sent; it starts and joins
// its own threads and keeps no state between calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "index/status.h"
#include "server/cli/bulk_sender.h"

namespace quarry::cli {

struct LoadOptions {
  std::vector<std::string> files;  // "-" = stdin
  std::string url = "http://127.0.0.1:9200";
  std::string index;               // required for NDJSON documents; default index of bulk files
  std::string id_field;            // NDJSON documents: take _id from this (dotted) field
  size_t batch_size = 1000;        // items per request
  size_t max_batch_bytes = 10 << 20;
  int concurrency = 2;
  bool refresh = false;            // POST /{index}/_refresh at the end
  RetryPolicy retry;
  std::chrono::seconds timeout{120};
  enum class Progress { kAuto, kNone } progress = Progress::kAuto;
  std::FILE* console = stderr;     // where progress and errors go
};

struct LoadSummary {
  uint64_t loaded = 0;        // items the server accepted
  uint64_t failed = 0;        // malformed lines + items the server rejected or never got
  uint64_t input_errors = 0;  // inputs that could not be opened or read to the end
  bool aborted = false;       // stopped early: the server was unreachable
  bool refresh_failed = false;
  double seconds = 0;

  bool ok() const { return failed == 0 && input_errors == 0 && !aborted && !refresh_failed; }
};

// InvalidArgument for unusable options (bad URL, no inputs); everything else is in the summary.
Result<LoadSummary> run_load(const LoadOptions& options);

// "loaded N docs, F failed, in S s (R docs/s)" plus what went wrong, for the end of a run.
std::string format_load_summary(const LoadSummary& summary);

}  // namespace quarry::cli
