// BulkBatch and Batcher: grouping _bulk items into request bodies of bounded size.
//
// A BulkBatch is one POST body: the concatenated NDJSON text of its items, plus where each item
// starts, so that a subset (the items a partial response rejected with 429) can be re-sent.
// Batcher appends items and hands a batch to its sink when it holds max_docs items, or when the
// next item would push it past max_bytes (an item larger than max_bytes goes alone). A batch
// never spans two inputs: call flush() at the end of each input. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::cli {

struct BulkItemRef {
  size_t offset = 0;     // into BulkBatch::body
  size_t length = 0;     // including the trailing '\n'
  uint64_t line = 0;     // first input line of the item, for error reports
  uint64_t record = 0;   // the item's record number in its input, from 1 (for checkpoints)
};

struct BulkBatch {
  std::string source;    // input name, for error reports
  std::string target;    // request path: "/_bulk" or "/{index}/_bulk"
  size_t input = 0;      // which input of the run the items come from
  uint64_t ticket = 0;   // the batch's place in the run, for checkpoints (resume_tracker.h)
  std::string body;      // NDJSON, every line ends with '\n'
  std::vector<BulkItemRef> items;

  // The NDJSON body of the items at `indexes` (positions in `items`), in that order.
  std::string body_of(const std::vector<size_t>& indexes) const;
};

class Batcher {
 public:
  using Sink = std::function<void(BulkBatch&&)>;

  Batcher(size_t max_docs, size_t max_bytes, Sink sink);

  // Starts batches for a new input (the run's input number `input`); flushes what the previous
  // input left.
  void begin_input(std::string source, std::string target, size_t input = 0);

  // Appends one item (its complete NDJSON text, ending in '\n') that starts at input line `line`
  // and is record number `record` of its input.
  void add(std::string_view item, uint64_t line, uint64_t record = 0);

  // Hands the current batch, if not empty, to the sink.
  void flush();

 private:
  size_t max_docs_;
  size_t max_bytes_;
  Sink sink_;
  BulkBatch current_;
};

}  // namespace quarry::cli
