#include "ingest/update_merge.h"

namespace quarry::ingest {

bool merge_partial_document(json::Value& target, const json::Value& changes,
                            json::Document::AllocatorType& alloc) {
  bool changed = false;
  for (auto it = changes.MemberBegin(); it != changes.MemberEnd(); ++it) {
    auto existing = target.FindMember(it->name);
    if (existing == target.MemberEnd()) {
      target.AddMember(json::Value(it->name, alloc), json::Value(it->value, alloc), alloc);
      changed = true;
    } else if (existing->value.IsObject() && it->value.IsObject()) {
      changed |= merge_partial_document(existing->value, it->value, alloc);
    } else if (existing->value != it->value) {
      existing->value.CopyFrom(it->value, alloc);
      changed = true;
    }
  }
  return changed;
}

}  // namespace quarry::ingest
