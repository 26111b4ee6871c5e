// ShardContext: what a Collector may use on its shard — the leased reader, the index's mapping,
// the doc-value columns, and the documents matching a query (filter / filters aggregations).
// One per shard search; not thread-safe.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "index/mapping.h"
#include "index/shard.h"
#include "index/status.h"
#include "query/aggs/doc_values.h"
#include "query/query_tree.h"

namespace quarry::query::aggs {

// The documents of one shard matching a query, as a bitmap by docid.
struct DocSet {
  std::vector<bool> bits;
  bool contains(Xapian::docid d) const { return d < bits.size() && bits[d]; }
};

class ShardContext {
 public:
  ShardContext(index::Shard& shard, Xapian::Database& db, std::shared_ptr<const index::Mapping> mapping,
               std::string index_name)
      : shard_(shard), db_(db), mapping_(std::move(mapping)), index_name_(std::move(index_name)), doc_values_(shard, db) {}

  index::Shard& shard() { return shard_; }
  Xapian::Database& db() { return db_; }
  const index::Mapping& mapping() const { return *mapping_; }
  const std::shared_ptr<const index::Mapping>& mapping_ptr() const { return mapping_; }
  const std::string& index_name() const { return index_name_; }
  // `index.mode: time_series`: counter fields (time_series_metric: counter) support only the
  // aggregations Elasticsearch allows on them (see resolve_values in params.h).
  bool time_series_mode() const { return time_series_mode_; }
  void set_time_series_mode(bool on) { time_series_mode_ = on; }
  DocValues& doc_values() { return doc_values_; }
  // The search's query on this shard (top_hits highlights and explains against it); may be null.
  const Xapian::Query* query() const { return query_; }
  void set_query(const Xapian::Query* q) { query_ = q; }
  // The same query as a tree (explain needs it); may be null.
  const QueryNode* query_node() const { return query_node_; }
  void set_query_node(const QueryNode* n) { query_node_ = n; }
  // What the search sees as the whole index (filtered aliases); null = every document.
  const Xapian::Query* background_query() const { return background_query_; }
  void set_background_query(const Xapian::Query* q) { background_query_ = q; }
  // The search's `fields` option as (field, format) pairs: top_hits returns them for its hits too.
  const std::vector<std::pair<std::string, std::string>>& request_fields() const { return request_fields_; }
  template <typename FieldList>
  void set_request_fields(const FieldList& fields) {
    request_fields_.clear();
    for (const auto& f : fields) request_fields_.emplace_back(f.field, f.format);
  }
  // The field, nullptr if unmapped in this index.
  const index::FieldMapping* field(std::string_view path) const { return mapping_->find(path); }
  // Documents of this shard matching `node` (a filter: no scores). Errors: the query's.
  Result<std::shared_ptr<const DocSet>> matching(const QueryNode& node);
  std::shared_ptr<const DocSet> matching(const Xapian::Query& query);
  // Every live document of this shard (global aggregation).
  std::shared_ptr<const DocSet> all_documents();

 private:
  index::Shard& shard_;
  Xapian::Database& db_;
  std::shared_ptr<const index::Mapping> mapping_;
  std::string index_name_;
  bool time_series_mode_ = false;
  DocValues doc_values_;
  const Xapian::Query* query_ = nullptr;
  const QueryNode* query_node_ = nullptr;
  const Xapian::Query* background_query_ = nullptr;
  std::vector<std::pair<std::string, std::string>> request_fields_;
};

}  // namespace quarry::query::aggs
