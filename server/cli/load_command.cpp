// `quarry load` orchestration (see load_command.h).
#include "server/cli/load_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <optional>
#include <thread>

#include "server/cli/bounded_queue.h"
#include "server/cli/index_mapping.h"
#include "server/cli/input_reader.h"
#include "server/cli/resume_tracker.h"

namespace quarry::cli {
namespace {

// Percent-encodes a path segment (index names are plain in practice; this keeps odd ones safe).
std::string encode_segment(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '*' || c == ',') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// Sum of the input sizes, or -1 if any is unknown (stdin, pipes).
int64_t total_input_bytes(const std::vector<std::string>& files) {
  int64_t total = 0;
  for (const std::string& f : files) {
    struct stat st {};
    if (f == "-" || ::stat(f.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return -1;
    total += static_cast<int64_t>(st.st_size);
  }
  return total;
}

// Where the checkpoint of this load lives; "" when it keeps none.
std::string checkpoint_path_of(const LoadOptions& o) {
  if (!o.write_checkpoint && !o.resume) return "";
  if (!o.checkpoint_path.empty()) return o.checkpoint_path;
  if (o.files.empty() || o.files[0] == "-") return "";
  return o.files[0] + ".quarry-checkpoint";
}

// Writes checkpoints as the tracker moves; after the first failure it warns once and stops.
class CheckpointFile {
 public:
  CheckpointFile(std::string path, LoadConsole& console) : path_(std::move(path)), console_(console) {}

  void save(const LoadCheckpoint& c) {
    if (path_.empty() || broken_) return;
    const Status st = write_checkpoint(path_, c);
    if (!st.ok()) {
      broken_ = true;
      console_.warn(st.message() + "; the load goes on without a checkpoint (--checkpoint FILE "
                                   "puts it elsewhere)");
    }
  }
  void remove() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  bool kept() const { return !path_.empty() && !broken_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  LoadConsole& console_;
  bool broken_ = false;
};

// Everything one run shares between the reader and the senders.
class LoadRun {
 public:
  LoadRun(const LoadOptions& options, const HttpEndpoint& endpoint, LoadConsole& console,
          LoadCounters& counters, ResumeTracker& tracker, const LoadCheckpoint* resumed)
      : options_(options),
        endpoint_(endpoint),
        console_(console),
        counters_(counters),
        tracker_(tracker),
        resumed_(resumed),
        queue_(static_cast<size_t>(options.concurrency)) {}

  void run(LoadSummary& summary) {
    std::vector<std::thread> senders;
    for (int i = 0; i < options_.concurrency; ++i) {
      senders.emplace_back([this, i] { send_loop(static_cast<uint64_t>(i) + 1); });
    }
    Batcher batcher(options_.batch_size, options_.max_batch_bytes, [this](BulkBatch&& b) {
      b.ticket = tracker_.add_batch(b.input, b.items.back().record);
      queue_.push(std::move(b));
    });
    uint64_t bytes_before = 0;
    for (size_t i = 0; i < options_.files.size(); ++i) {
      if (stopping()) break;
      bytes_before += read_input(i, options_.files[i], bytes_before, batcher, summary);
      batcher.flush();
    }
    queue_.close();
    for (auto& t : senders) t.join();
    summary.aborted = aborted_.load();
    summary.interrupted = interrupted();
    summary.strict_stopped = strict_stopped_;
    summary.resume_refused = resume_refused_;
  }

 private:
  bool interrupted() const {
    return options_.interrupted != nullptr && options_.interrupted->load(std::memory_order_relaxed);
  }
  bool stopping() const {
    return aborted_.load(std::memory_order_relaxed) || interrupted() || strict_stopped_ ||
           resume_refused_;
  }

  // Reads input number `input` into the batcher; returns its size in bytes as far as it was read.
  uint64_t read_input(size_t input, const std::string& file, uint64_t bytes_before,
                      Batcher& batcher, LoadSummary& summary) {
    auto opened = InputReader::open(file);
    if (!opened.ok()) {
      console_.error(opened.status().message());
      ++summary.input_errors;
      return 0;
    }
    InputReader& reader = **opened;
    const std::string_view head = reader.peek(kIdentityHeadBytes);
    const InputIdentity identity = identify_input(reader, head);

    // A resumed input must be the one the checkpoint counted records of.
    uint64_t skip = 0;
    if (resumed_ != nullptr && input < resumed_->inputs.size()) {
      const std::string why = identity_mismatch(resumed_->inputs[input], identity);
      if (!why.empty()) {
        console_.error("cannot resume: " + reader.name() +
                       " is not the input the checkpoint was written for (" + why +
                       "); remove the checkpoint to load from the beginning");
        resume_refused_ = true;
        return 0;
      }
      if (input < resumed_->complete_inputs) {
        tracker_.set_identity(input, identity);
        console_.note(reader.name() + ": loaded by the interrupted run, skipped");
        return reader.size() > 0 ? static_cast<uint64_t>(reader.size()) : 0;
      }
      skip = resumed_->records;
    }
    tracker_.set_identity(input, identity);
    if (head.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      tracker_.end_input(input, 0);  // empty: nothing to load, whatever the format
      return reader.position();
    }

    const LoadFormat format =
        options_.format == LoadFormat::kAuto ? detect_load_format(file, head) : options_.format;
    if (format_needs_index(format) && options_.index.empty()) {
      console_.error(reader.name() + " holds documents (" + load_format_name(format) +
                     "), not bulk actions: --index is required");
      ++summary.input_errors;
      return reader.position();
    }
    ItemReaderOptions item_options;
    item_options.index = options_.index;
    item_options.id_field = format == LoadFormat::kBulk ? "" : options_.id_field;
    item_options.max_record_bytes = options_.max_record_bytes;
    if (format == LoadFormat::kCsv) item_options.field_types = field_types();
    if (format == LoadFormat::kAppReviews) {
      item_options.game.app_name = options_.app_name;
      item_options.game.app_id = options_.app_id ? options_.app_id : app_id_from_file_name(file);
      if (!item_options.game.app_id) {
        console_.warn(reader.name() + ": no app id in the file name; its reviews have no app_id "
                                      "(pass --app-id)");
      }
    }
    auto made = make_item_reader(format, reader, item_options);
    if (!made.ok()) {
      console_.error(reader.name() + ": " + made.status().message());
      ++summary.input_errors;
      return reader.position();
    }
    ItemReader& items = **made;
    if (options_.format == LoadFormat::kAuto && format != LoadFormat::kNdjson) {
      console_.note(reader.name() + ": read as " + load_format_name(format));
    }
    if (skip > 0) {
      console_.note(reader.name() + ": resuming after the " + std::to_string(skip) +
                    " records loaded by the interrupted run");
    }
    std::string target = "/_bulk";
    if (format == LoadFormat::kBulk && !options_.index.empty()) {
      target = "/" + encode_segment(options_.index) + "/_bulk";
    }
    batcher.begin_input(reader.name(), target, input);

    std::string item, error;
    uint64_t line = 0;
    uint64_t record = 0;
    bool complete = false;
    for (;;) {
      if (stopping()) break;
      const ItemReader::Next next = items.next(item, line, error);
      counters_.bytes_read.store(bytes_before + reader.position(), std::memory_order_relaxed);
      // An interruption during a blocking read may have cut the record short: drop it.
      if (interrupted()) break;
      if (next == ItemReader::Next::kEnd) {
        complete = true;
        break;
      }
      if (next == ItemReader::Next::kReadError) {
        console_.error(reader.name() + ": " + error);
        ++summary.input_errors;
        complete = true;  // what could be read is handled; a resume could not read further
        break;
      }
      ++record;
      if (record <= skip) continue;
      if (next == ItemReader::Next::kBadRecord) {
        console_.failure(reader.name() + ":" + std::to_string(line), error);
        counters_.docs_failed.fetch_add(1, std::memory_order_relaxed);
        if (options_.strict) {
          console_.error("stopping at the first malformed record (--strict)");
          strict_stopped_ = true;
          break;
        }
        continue;
      }
      batcher.add(item, line, record);
    }
    batcher.flush();
    if (complete) tracker_.end_input(input, record);
    return reader.position();
  }

  // The target index's field types, asked once (for CSV inputs); null when none are known.
  const FieldTypes* field_types() {
    if (!types_fetched_) {
      types_fetched_ = true;
      HttpClient client(endpoint_, options_.timeout);
      std::string note;
      types_ = fetch_field_types(client, options_.index, note);
      console_.note(note);
    }
    return types_ ? &*types_ : nullptr;
  }

  void send_loop(uint64_t sender_number) {
    HttpClient client(endpoint_, options_.timeout);
    BulkSender sender(client, options_.retry, counters_, console_, sender_number);
    sender.stop_retrying_when(options_.interrupted);
    while (std::optional<BulkBatch> batch = queue_.pop()) {
      if (aborted_.load()) {
        sender.fail_all(*batch, "not sent: the load was aborted");
        tracker_.batch_done(batch->ticket, false);
        continue;
      }
      const SendResult result = sender.send(*batch);
      tracker_.batch_done(batch->ticket, result.acknowledged);
      if (result.unreachable && !aborted_.exchange(true)) {
        console_.error("the server is unreachable at " + options_.url + "; aborting the load");
      }
    }
  }

  const LoadOptions& options_;
  const HttpEndpoint& endpoint_;
  LoadConsole& console_;
  LoadCounters& counters_;
  ResumeTracker& tracker_;
  const LoadCheckpoint* resumed_;
  BoundedQueue<BulkBatch> queue_;
  std::atomic<bool> aborted_{false};
  bool strict_stopped_ = false;  // reader thread only
  bool resume_refused_ = false;  // reader thread only
  bool types_fetched_ = false;
  std::optional<FieldTypes> types_;
};

bool refresh(const LoadOptions& options, const HttpEndpoint& endpoint, LoadConsole& console) {
  HttpClient client(endpoint, options.timeout);
  const std::string target =
      options.index.empty() ? "/_refresh" : "/" + encode_segment(options.index) + "/_refresh";
  Result<HttpReply> reply = client.request("POST", target, "", "");
  if (!reply.ok()) {
    console.error("refresh failed: " + reply.status().message());
    return false;
  }
  if (reply->status >= 300) {
    console.error("refresh failed: HTTP " + std::to_string(reply->status));
    return false;
  }
  return true;
}

// The checkpoint a --resume continues from, checked against this load's options.
Result<LoadCheckpoint> checkpoint_to_resume(const LoadOptions& options, const std::string& path) {
  if (path.empty()) {
    return Status::InvalidArgument("--resume needs --checkpoint FILE when reading stdin");
  }
  auto read = read_checkpoint(path);
  if (!read.ok()) return Status::InvalidArgument(read.status().message());
  if (!read->has_value()) {
    return Status::InvalidArgument("nothing to resume: no checkpoint at " + path +
                                   " (the last load finished, or none started)");
  }
  LoadCheckpoint c = std::move(**read);
  if (c.index != options.index) {
    return Status::InvalidArgument("the checkpoint " + path + " is of a load into index [" +
                                   c.index + "], not [" + options.index + "]");
  }
  if (c.input_count != options.files.size()) {
    return Status::InvalidArgument("the checkpoint " + path + " is of a load of " +
                                   std::to_string(c.input_count) + " inputs, not " +
                                   std::to_string(options.files.size()));
  }
  return c;
}

}  // namespace

Result<LoadSummary> run_load(const LoadOptions& options) {
  if (options.files.empty()) return Status::InvalidArgument("no input files (use - for stdin)");
  if (options.concurrency < 1 || options.concurrency > 64) {
    return Status::InvalidArgument("--concurrency must be between 1 and 64");
  }
  if (options.batch_size < 1) return Status::InvalidArgument("--batch-size must be at least 1");
  Result<HttpEndpoint> endpoint = parse_http_url(options.url);
  if (!endpoint.ok()) return endpoint.status();

  const std::string checkpoint_path = checkpoint_path_of(options);
  std::optional<LoadCheckpoint> resumed;
  if (options.resume) {
    auto c = checkpoint_to_resume(options, checkpoint_path);
    if (!c.ok()) return c.status();
    resumed = std::move(c).value();
  }

  LoadCounters counters;
  LoadConsole::Options console_options;
  console_options.progress = options.progress != LoadOptions::Progress::kNone;
  console_options.interactive = ::isatty(::fileno(options.console)) != 0;
  console_options.interval = std::chrono::milliseconds(console_options.interactive ? 250 : 5000);
  LoadConsole console(counters, total_input_bytes(options.files), console_options,
                      options.console);

  CheckpointFile checkpoint(checkpoint_path, console);
  LoadCheckpoint start;
  if (resumed) {
    start = *resumed;
  } else {
    start.index = options.index;
    start.input_count = options.files.size();
    if (checkpoint.kept()) {
      auto previous = read_checkpoint(checkpoint.path());
      if (previous.ok() && previous->has_value()) {
        console.warn("the checkpoint " + checkpoint.path() +
                     " of an unfinished load is replaced: this load starts from the beginning "
                     "(--resume would continue it)");
      }
      checkpoint.save(start);  // from now on a --resume finds where this load got to
    }
  }
  ResumeTracker tracker(start, [&checkpoint](const LoadCheckpoint& c) { checkpoint.save(c); });

  console.start();
  LoadSummary summary;
  LoadRun(options, *endpoint, console, counters, tracker, resumed ? &*resumed : nullptr)
      .run(summary);
  if (options.refresh && !summary.aborted) {
    summary.refresh_failed = !refresh(options, *endpoint, console);
  }
  console.stop();
  summary.loaded = counters.docs_loaded.load();
  summary.failed = counters.docs_failed.load();
  summary.seconds = console.elapsed_seconds();
  summary.failure_reasons = console.failure_reasons();
  summary.checkpoint = tracker.checkpoint();
  if (tracker.finished()) {
    summary.interrupted = false;  // the interruption came after everything was loaded
    checkpoint.remove();
  } else if (checkpoint.kept()) {
    summary.checkpoint_path = checkpoint.path();
  }
  return summary;
}

std::string format_load_summary(const LoadSummary& s) {
  const double rate = s.seconds > 0 ? static_cast<double>(s.loaded) / s.seconds : 0;
  char buf[160];
  std::snprintf(buf, sizeof buf, "loaded %llu docs, %llu failed, in %.2f s (%.0f docs/s)",
                static_cast<unsigned long long>(s.loaded),
                static_cast<unsigned long long>(s.failed), s.seconds, rate);
  std::string out = buf;
  if (s.input_errors > 0) out += "; " + std::to_string(s.input_errors) + " inputs unreadable";
  if (s.aborted) out += "; aborted: server unreachable";
  if (s.interrupted) out += "; interrupted";
  if (s.strict_stopped) out += "; stopped at the first malformed record (--strict)";
  if (s.resume_refused) out += "; not resumed: an input changed";
  if (s.refresh_failed) out += "; refresh failed";
  if (!s.failure_reasons.empty()) {
    out += "\nfailures by reason:";
    size_t shown = 0;
    for (const FailureReason& r : s.failure_reasons) {
      if (++shown > 10) {
        out += "\n  ... and " + std::to_string(s.failure_reasons.size() - 10) + " other reasons";
        break;
      }
      out += "\n  " + std::to_string(r.count) + " x " + r.reason + " (first at " + r.first_at + ")";
    }
  }
  if (!s.checkpoint_path.empty() && !s.resume_refused) {
    const LoadCheckpoint& c = s.checkpoint;
    out.append("\ncheckpoint ").append(s.checkpoint_path).append(": ");
    out.append(std::to_string(c.complete_inputs)).append(" of ");
    out.append(std::to_string(c.input_count)).append(" inputs loaded");
    if (c.records > 0) {
      out.append(", and ").append(std::to_string(c.records)).append(" records of the next");
    }
    out.append("; run the same command with --resume to continue");
  }
  return out;
}

}  // namespace quarry::cli
