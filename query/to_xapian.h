// QueryNode tree -> Xapian::Query for one index's mapping. Xapian::Query objects are reference
// counted without locks: build one per thread that runs it, never share one between threads. Term encodings match
// index/document_mapper.cpp (docs/storage-format.md). A field missing from the mapping matches
// nothing, as in Elasticsearch. Errors: kInvalidArgument for values that cannot be compared with
// the field's type (e.g. a word against a long field). Stateless.
#pragma once

#include <xapian.h>

#include "index/mapping.h"
#include "index/status.h"
#include "query/query_tree.h"

namespace quarry::query {

Result<Xapian::Query> to_xapian(const QueryNode& node, const index::Mapping& mapping);

// The indexed term of an exact value of `field` (term/terms queries). Errors: kInvalidArgument.
Result<std::string> exact_term(const index::FieldMapping& field, const std::string& value);

}  // namespace quarry::query
