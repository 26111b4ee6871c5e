#include "index/doc_lengths.h"

namespace quarry::index {

std::shared_ptr<const DocLengths> load_doc_lengths(const Xapian::Database& db) {
  auto table = std::make_shared<DocLengths>();
  table->by_docid.assign(static_cast<size_t>(db.get_lastdocid()) + 1, 0);
  // The all-documents list walks the doc-length list in order: one decode per document.
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    table->by_docid[*it] = it.get_doclength();
  }
  return table;
}

}  // namespace quarry::index
