// The partial-document merge of the update API: objects merge recursively, everything else
// (scalars, arrays) is replaced — Elasticsearch's XContentHelper.update semantics.
#pragma once

#include "index/json.h"

namespace quarry::ingest {

// Merges `changes` into `target`. Returns true when `target` changed (detect_noop uses this).
bool merge_partial_document(json::Value& target, const json::Value& changes,
                            json::Document::AllocatorType& alloc);

}  // namespace quarry::ingest
