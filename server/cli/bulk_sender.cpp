// Sending bulk batches with retries (see bulk_sender.h).
#include "server/cli/bulk_sender.h"

#include <algorithm>
#include <numeric>
#include <thread>

#include "server/cli/bulk_response.h"

namespace quarry::cli {
namespace {

bool retryable_status(int status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

}  // namespace

BulkSender::BulkSender(HttpClient& client, RetryPolicy policy, LoadCounters& counters,
                       LoadConsole& console, uint64_t jitter_seed)
    : client_(client),
      policy_(policy),
      counters_(counters),
      console_(console),
      jitter_(jitter_seed) {}

bool BulkSender::stopping() const {
  return stop_ != nullptr && stop_->load(std::memory_order_relaxed);
}

void BulkSender::back_off(int attempt) {
  const int shift = std::min(attempt - 1, 20);
  auto delay = std::min(policy_.initial_backoff * (int64_t{1} << shift), policy_.max_backoff);
  // Up to 25% jitter keeps concurrent senders from retrying in lock step.
  delay += std::chrono::milliseconds(
      static_cast<int64_t>(jitter_.below(static_cast<uint64_t>(delay.count()) / 4 + 1)));
  std::this_thread::sleep_for(delay);
}

void BulkSender::fail_items(const BulkBatch& batch, const std::vector<size_t>& items,
                            const std::string& reason, SendResult& result) {
  for (size_t i : items) {
    console_.failure(batch.source + ":" + std::to_string(batch.items[i].line), reason);
  }
  result.failed += items.size();
  counters_.docs_failed.fetch_add(items.size(), std::memory_order_relaxed);
}

SendResult BulkSender::fail_all(const BulkBatch& batch, const std::string& reason) {
  SendResult result;
  result.acknowledged = false;
  std::vector<size_t> all(batch.items.size());
  std::iota(all.begin(), all.end(), size_t{0});
  fail_items(batch, all, reason, result);
  return result;
}

SendResult BulkSender::send(const BulkBatch& batch) {
  SendResult result;
  std::vector<size_t> pending(batch.items.size());
  std::iota(pending.begin(), pending.end(), size_t{0});
  std::string body = batch.body;

  for (int attempt = 1;; ++attempt) {
    const bool last_try = attempt >= policy_.max_tries;
    Result<HttpReply> reply =
        client_.request("POST", batch.target, std::move(body), "application/x-ndjson");
    std::string whole_failure;  // set when the request as a whole should be retried
    if (!reply.ok()) {
      whole_failure = reply.status().message();
    } else if (retryable_status(reply->status)) {
      whole_failure = "HTTP " + std::to_string(reply->status) + ": " +
                      describe_error_body(reply->body);
    }
    if (!whole_failure.empty()) {
      if (last_try) {
        result.unreachable = !reply.ok();
        result.acknowledged = false;
        fail_items(batch, pending,
                   "gave up after " + std::to_string(attempt) + " tries: " + whole_failure,
                   result);
        return result;
      }
      if (stopping()) {
        result.acknowledged = false;
        return result;
      }
      console_.warn(whole_failure + "; retrying " + std::to_string(pending.size()) +
                    " docs (try " + std::to_string(attempt + 1) + " of " +
                    std::to_string(policy_.max_tries) + ")");
      back_off(attempt);
      body = batch.body_of(pending);
      continue;
    }
    if (reply->status >= 300) {
      fail_items(batch, pending,
                 "HTTP " + std::to_string(reply->status) + ": " + describe_error_body(reply->body),
                 result);
      return result;
    }
    Result<std::vector<BulkItemOutcome>> outcomes = parse_bulk_response(reply->body);
    if (!outcomes.ok()) {
      fail_items(batch, pending, outcomes.status().message(), result);
      return result;
    }
    std::vector<size_t> retry;
    uint64_t loaded = 0;
    for (size_t k = 0; k < pending.size(); ++k) {
      if (k >= outcomes->size()) {
        fail_items(batch, {pending[k]}, "no result for this item in the bulk response", result);
        continue;
      }
      const BulkItemOutcome& o = (*outcomes)[k];
      if (!o.failed) {
        ++loaded;
      } else if (o.retryable() && !last_try) {
        retry.push_back(pending[k]);
      } else {
        if (o.retryable()) result.acknowledged = false;  // still 429 after every try
        fail_items(batch, {pending[k]}, o.reason, result);
      }
    }
    result.loaded += loaded;
    counters_.docs_loaded.fetch_add(loaded, std::memory_order_relaxed);
    if (retry.empty()) return result;
    if (stopping()) {
      result.acknowledged = false;
      return result;
    }
    console_.warn(std::to_string(retry.size()) + " docs rejected with 429; retrying them (try " +
                  std::to_string(attempt + 1) + " of " + std::to_string(policy_.max_tries) + ")");
    back_off(attempt);
    pending = std::move(retry);
    body = batch.body_of(pending);
  }
}

}  // namespace quarry::cli
