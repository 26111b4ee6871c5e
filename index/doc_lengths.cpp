#include "index/doc_lengths.h"

namespace quarry::index {

std::shared_ptr<const DocLengths> load_doc_lengths(const Xapian::Database& db) {
  auto table = std::make_shared<DocLengths>();
  table->by_docid.assign(static_cast<size_t>(db.get_lastdocid()) + 1, 0);
  // The all-documents list walks the doc-length list in order: one decode per document.
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    Xapian::termcount length = it.get_doclength();
    if (length >= DocLengths::kLong) {
      table->long_docs.emplace(*it, length);
      length = DocLengths::kLong;
    }
    table->by_docid[*it] = static_cast<uint16_t>(length);
  }
  return table;
}

}  // namespace quarry::index
