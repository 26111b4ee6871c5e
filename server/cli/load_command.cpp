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
#include "server/cli/bulk_input.h"
#include "server/cli/input_reader.h"

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

// Everything one run shares between the reader and the senders.
class LoadRun {
 public:
  LoadRun(const LoadOptions& options, const HttpEndpoint& endpoint, LoadConsole& console,
          LoadCounters& counters)
      : options_(options),
        endpoint_(endpoint),
        console_(console),
        counters_(counters),
        queue_(static_cast<size_t>(options.concurrency)) {}

  void run(LoadSummary& summary) {
    std::vector<std::thread> senders;
    for (int i = 0; i < options_.concurrency; ++i) {
      senders.emplace_back([this, i] { send_loop(static_cast<uint64_t>(i) + 1); });
    }
    Batcher batcher(options_.batch_size, options_.max_batch_bytes,
                    [this](BulkBatch&& b) { queue_.push(std::move(b)); });
    uint64_t bytes_before = 0;
    for (const std::string& file : options_.files) {
      if (aborted_.load()) break;
      bytes_before += read_input(file, bytes_before, batcher, summary);
      batcher.flush();
    }
    queue_.close();
    for (auto& t : senders) t.join();
    summary.aborted = aborted_.load();
  }

 private:
  // Reads one input into the batcher; returns its size in bytes as far as it was read.
  uint64_t read_input(const std::string& file, uint64_t bytes_before, Batcher& batcher,
                      LoadSummary& summary) {
    auto opened = InputReader::open(file);
    if (!opened.ok()) {
      console_.error(opened.status().message());
      ++summary.input_errors;
      return 0;
    }
    InputReader& reader = **opened;
    std::string line, item, error;
    std::optional<ItemAssembler> assembler;
    uint64_t item_line = 0;  // first line of the item being assembled
    auto fail = [&](uint64_t at, const std::string& why) {
      console_.error(reader.name() + ":" + std::to_string(at) + ": " + why);
      counters_.docs_failed.fetch_add(1, std::memory_order_relaxed);
    };
    for (;;) {
      if (aborted_.load(std::memory_order_relaxed)) break;
      const InputReader::LineResult r = reader.read_line(line);
      counters_.bytes_read.store(bytes_before + reader.position(), std::memory_order_relaxed);
      if (r == InputReader::LineResult::kEof) break;
      if (r == InputReader::LineResult::kError) {
        console_.error(reader.name() + ": read error after line " +
                       std::to_string(reader.line_number()) + ": " + reader.error());
        ++summary.input_errors;
        break;
      }
      if (r == InputReader::LineResult::kTooLong) {
        fail(reader.line_number(), "line longer than " +
                                       std::to_string(InputReader::kDefaultMaxLineBytes) +
                                       " bytes, skipped");
        // A pending bulk action loses its source line with it: drop the action too.
        if (assembler) assembler->finish(error);
        item_line = 0;
        continue;
      }
      if (!assembler) {
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        if (!start_input(reader, line, batcher, assembler)) {
          ++summary.input_errors;
          return reader.position();
        }
      }
      const auto outcome = assembler->add_line(line, item, error);
      switch (outcome) {
        case ItemAssembler::Outcome::kItem:
          batcher.add(item, item_line != 0 ? item_line : reader.line_number());
          item_line = 0;
          break;
        case ItemAssembler::Outcome::kNeedMore: item_line = reader.line_number(); break;
        case ItemAssembler::Outcome::kSkipped: break;
        case ItemAssembler::Outcome::kError:
          fail(item_line != 0 ? item_line : reader.line_number(), error);
          item_line = 0;
          break;
      }
    }
    if (assembler && assembler->finish(error) == ItemAssembler::Outcome::kError) {
      fail(item_line, error);
    }
    return reader.position();
  }

  // Detects the format of an input from its first line and points the batcher at its target.
  bool start_input(const InputReader& reader, const std::string& first_line, Batcher& batcher,
                   std::optional<ItemAssembler>& assembler) {
    const InputFormat format = detect_input_format(first_line);
    std::string target = "/_bulk";
    if (format == InputFormat::kDocuments && options_.index.empty()) {
      console_.error(reader.name() + " holds documents, not bulk actions: --index is required");
      return false;
    }
    if (format == InputFormat::kBulk && !options_.index.empty()) {
      target = "/" + encode_segment(options_.index) + "/_bulk";
    }
    assembler.emplace(format, options_.index, options_.id_field);
    batcher.begin_input(reader.name(), target);
    return true;
  }

  void send_loop(uint64_t sender_number) {
    HttpClient client(endpoint_, options_.timeout);
    BulkSender sender(client, options_.retry, counters_, console_, sender_number);
    while (std::optional<BulkBatch> batch = queue_.pop()) {
      if (aborted_.load()) {
        sender.fail_all(*batch, "not sent: the load was aborted");
        continue;
      }
      if (sender.send(*batch).unreachable && !aborted_.exchange(true)) {
        console_.error("the server is unreachable at " + options_.url + "; aborting the load");
      }
    }
  }

  const LoadOptions& options_;
  const HttpEndpoint& endpoint_;
  LoadConsole& console_;
  LoadCounters& counters_;
  BoundedQueue<BulkBatch> queue_;
  std::atomic<bool> aborted_{false};
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

}  // namespace

Result<LoadSummary> run_load(const LoadOptions& options) {
  if (options.files.empty()) return Status::InvalidArgument("no input files (use - for stdin)");
  if (options.concurrency < 1 || options.concurrency > 64) {
    return Status::InvalidArgument("--concurrency must be between 1 and 64");
  }
  if (options.batch_size < 1) return Status::InvalidArgument("--batch-size must be at least 1");
  Result<HttpEndpoint> endpoint = parse_http_url(options.url);
  if (!endpoint.ok()) return endpoint.status();

  LoadCounters counters;
  LoadConsole::Options console_options;
  console_options.progress = options.progress != LoadOptions::Progress::kNone;
  console_options.interactive = ::isatty(::fileno(options.console)) != 0;
  console_options.interval = std::chrono::milliseconds(console_options.interactive ? 250 : 5000);
  LoadConsole console(counters, total_input_bytes(options.files), console_options,
                      options.console);
  console.start();

  LoadSummary summary;
  LoadRun(options, *endpoint, console, counters).run(summary);
  if (options.refresh && !summary.aborted) {
    summary.refresh_failed = !refresh(options, *endpoint, console);
  }
  console.stop();
  summary.loaded = counters.docs_loaded.load();
  summary.failed = counters.docs_failed.load();
  summary.seconds = console.elapsed_seconds();
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
  if (s.refresh_failed) out += "; refresh failed";
  return out;
}

}  // namespace quarry::cli
