// How layers of index configuration combine, as Elasticsearch composes them: component
// templates, then the index template, then the create-index request itself (each layer wins over
// the ones before it).
//   settings: flat keys, a later value replaces an earlier one;
//   mappings: "properties" merge field by field, recursively into objects; a field defined again
//             is replaced whole by the later definition; other mapping keys are replaced;
//   aliases:  by name, a later definition replaces an earlier one.
// Free functions over values: safe from any thread.
#pragma once

#include "index/json.h"
#include "index/status.h"
#include "index/template_registry.h"

namespace quarry::index {

// Merges the mappings object `overlay` into `base` (both objects).
void merge_mappings(json::Value& base, const json::Value& overlay, json::Document::AllocatorType& alloc);

// The create-index body that results from `tmpl` with the request's own body (an object, or null
// when there was none) on top. Parts of the request that are not objects are passed through
// untouched, so that creating the index reports them as it would without a template.
void apply_template(const ResolvedTemplate& tmpl, const json::Value* request, json::Document* out);

}  // namespace quarry::index
