// Every document's length (the sum of its wdfs: BM25's dl) held in memory for one revision of a
// shard, indexed by docid — the idea of Lucene's per-document norms. Xapian 1.4 finds a
// document's length by skipping forward through the shard's doc-length list, so scoring a term
// with thousands of matches decodes most of that list on every query (measured: the largest
// single cost of a one-word search on 1,000,000 reviews). A table costs 2 bytes per docid and one
// sequential read of the list per revision: scoring reads it at random, and half the bytes keep
// more of it in the CPU's cache. The rare document longer than 65,534 terms is kept aside.
//
// Thread-safety: immutable once loaded; shared between searches of the same revision.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <unordered_map>
#include <vector>

namespace quarry::index {

struct DocLengths {
  static constexpr uint16_t kLong = std::numeric_limits<uint16_t>::max();  // see `long_docs`

  std::vector<uint16_t> by_docid;  // 0 for docids with no document
  std::unordered_map<Xapian::docid, Xapian::termcount> long_docs;  // lengths >= kLong

  Xapian::termcount at(Xapian::docid did) const {
    if (did >= by_docid.size()) return 0;
    uint16_t length = by_docid[did];
    return length != kLong ? length : long_docs.at(did);
  }
};

std::shared_ptr<const DocLengths> load_doc_lengths(const Xapian::Database& db);

// The table of `db`'s revision if `db` is the reader Shard::with_reader is running its function
// on, on this thread (built on first use per revision and cached by the shard); null otherwise
// (the caller then asks Xapian document by document).
std::shared_ptr<const DocLengths> doc_lengths_of_active_reader(const Xapian::Database& db);

}  // namespace quarry::index
