// `quarry load`: streams NDJSON documents, Elasticsearch bulk files, CSV files and Steam store
// review pages into quarryd via _bulk.
//
// Inputs are read one after another by the calling thread (input_reader.h), turned into items
// one record at a time in their format (item_reader.h), grouped into batches by count and bytes
// (bulk_batch.h), and handed through a bounded queue to `concurrency` sender threads, each with
// its own keep-alive connection (bulk_sender.h). Memory stays bounded whatever the input size.
// Progress and errors go to the console (load_console.h). A malformed record is reported with
// its file and line and skipped (with `strict`, the load stops there). If the server stays
// unreachable through all retries of a batch, the load stops early ("aborted").
//
// Resume: while it runs, the load keeps a checkpoint file (load_checkpoint.h) of the records
// acknowledged by the server without a gap (resume_tracker.h); it is removed when everything is
// loaded. With `resume`, a run skips the records the checkpoint counts, after checking that the
// inputs are the ones it was written for. A re-sent batch is idempotent only when documents
// have ids (--id-field): a batch the server applied but could not acknowledge before an
// interruption is sent again.
//
// run_load() blocks until everything is sent; it starts and joins its own threads and keeps no
// state between calls.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "index/status.h"
#include "server/cli/bulk_sender.h"
#include "server/cli/load_checkpoint.h"
#include "server/cli/item_reader.h"
#include "server/cli/load_console.h"

namespace quarry::cli {

struct LoadOptions {
  std::vector<std::string> files;  // "-" = stdin
  std::string url = "http://127.0.0.1:9200";
  std::string index;               // required for documents; default index of bulk files
  std::string id_field;            // documents: take _id from this (dotted) field
  LoadFormat format = LoadFormat::kAuto;  // kAuto: detected per input (item_reader.h)
  std::optional<int64_t> app_id;   // appreviews: the game's id (default: from the file name)
  std::string app_name;            // appreviews: the game's name ("" = none)
  bool strict = false;             // stop at the first malformed record
  size_t max_record_bytes = 16 << 20;  // CSV records and review pages
  size_t batch_size = 1000;        // items per request
  size_t max_batch_bytes = 10 << 20;
  int concurrency = 2;
  bool refresh = false;            // POST /{index}/_refresh at the end
  RetryPolicy retry;
  std::chrono::seconds timeout{120};
  enum class Progress { kAuto, kNone } progress = Progress::kAuto;
  std::FILE* console = stderr;     // where progress and errors go

  // Checkpoint file; "" = next to the first input (FILE.quarry-checkpoint), none for stdin.
  std::string checkpoint_path;
  bool write_checkpoint = true;
  bool resume = false;             // skip what the checkpoint says is loaded
  // Set (by a signal watcher thread) to stop: nothing more is read, the batches already made
  // (at most two per connection) are sent without further retries, and the checkpoint keeps
  // the position. May be null.
  const std::atomic<bool>* interrupted = nullptr;
};

struct LoadSummary {
  uint64_t loaded = 0;        // items the server accepted
  uint64_t failed = 0;        // malformed lines + items the server rejected or never got
  uint64_t input_errors = 0;  // inputs that could not be opened or read to the end
  bool aborted = false;       // stopped early: the server was unreachable
  bool interrupted = false;   // stopped early: options.interrupted was set
  bool strict_stopped = false;  // stopped at a malformed record (strict)
  bool resume_refused = false;  // an input is not the one the checkpoint was written for
  bool refresh_failed = false;
  double seconds = 0;
  std::vector<FailureReason> failure_reasons;
  // The checkpoint left for a resume ("" when everything was loaded or none is kept), and how
  // far it says the inputs are loaded.
  std::string checkpoint_path;
  LoadCheckpoint checkpoint;

  bool ok() const {
    return failed == 0 && input_errors == 0 && !aborted && !interrupted && !strict_stopped &&
           !resume_refused && !refresh_failed;
  }
};

// InvalidArgument for unusable options (bad URL, no inputs, nothing to resume or a checkpoint
// of another load); everything else is in the summary.
Result<LoadSummary> run_load(const LoadOptions& options);

// "loaded N docs, F failed, in S s (R docs/s)" plus what went wrong, the failures by reason and
// how to resume, for the end of a run.
std::string format_load_summary(const LoadSummary& summary);

}  // namespace quarry::cli
