// BulkSender: delivers BulkBatches to quarryd's _bulk endpoint, with retries.
//
// A whole request is retried with exponential back-off (and jitter) when the connection fails,
// times out, or the server answers 429/502/503/504; of a partial response, only the items
// rejected with 429 are sent again. Each batch gets at most max_tries requests. Every item ends
// up counted once in LoadCounters (loaded or failed); failures are reported through LoadConsole
// as "file:line: reason". One sender (and HttpClient) per thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "server/cli/bulk_batch.h"
#include "server/cli/http_client.h"
#include "server/cli/load_console.h"
#include "server/cli/random.h"

namespace quarry::cli {

struct RetryPolicy {
  int max_tries = 8;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{10000};
};

struct SendResult {
  uint64_t loaded = 0;
  uint64_t failed = 0;
  bool unreachable = false;  // gave up because the server could not be reached
  // The server answered for every item (loaded, or rejected for a reason that sending it again
  // would not change): the batch must not be sent again on a resume.
  bool acknowledged = true;
};

class BulkSender {
 public:
  BulkSender(HttpClient& client, RetryPolicy policy, LoadCounters& counters,
             LoadConsole& console, uint64_t jitter_seed);

  SendResult send(const BulkBatch& batch);

  // While *stop is true, send() retries nothing more: what is pending stays unsent (neither
  // loaded nor failed) and the batch is not acknowledged. Used when the load is interrupted.
  void stop_retrying_when(const std::atomic<bool>* stop) { stop_ = stop; }

  // Counts every item of `batch` as failed with `reason` (used for batches never sent).
  SendResult fail_all(const BulkBatch& batch, const std::string& reason);

 private:
  void back_off(int attempt);
  bool stopping() const;
  void fail_items(const BulkBatch& batch, const std::vector<size_t>& items,
                  const std::string& reason, SendResult& result);

  HttpClient& client_;
  RetryPolicy policy_;
  LoadCounters& counters_;
  LoadConsole& console_;
  Rng jitter_;
  const std::atomic<bool>* stop_ = nullptr;
};

}  // namespace quarry::cli
