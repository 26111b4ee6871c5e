#include "cluster/terms_lookup.h"

#include "cluster/node.h"
#include "index/json.h"

namespace quarry::cluster {

namespace {

// Values at a dotted path; arrays (at any level) contribute each element.
void collect(const json::Value& v, std::string_view path, std::vector<std::string>* out) {
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) collect(e, path, out);
    return;
  }
  if (path.empty()) {
    if (v.IsString()) out->emplace_back(json::view(v));
    else if (v.IsBool()) out->emplace_back(v.GetBool() ? "true" : "false");
    else if (v.IsNumber()) out->push_back(json::to_string(v));
    return;
  }
  if (!v.IsObject()) return;
  size_t dot = path.find('.');
  std::string_view head = path.substr(0, dot);
  std::string_view rest = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view name = json::view(it->name);
    if (name == head) collect(it->value, rest, out);
    // A key with dots in it ("a.b": ...) names the same path as nested objects.
    else if (name.size() > head.size() && path.substr(0, name.size()) == name &&
             (path.size() == name.size() || path[name.size()] == '.')) {
      collect(it->value, path.size() == name.size() ? std::string_view() : path.substr(name.size() + 1), out);
    }
  }
}

bool has_lookup(const query::QueryNode& n) {
  if (n.terms_lookup) return true;
  for (const auto* list : {&n.must, &n.should, &n.must_not, &n.filter, &n.queries}) {
    for (const auto& c : *list) {
      if (has_lookup(*c)) return true;
    }
  }
  if (n.inner && has_lookup(*n.inner)) return true;
  if (n.negative && has_lookup(*n.negative)) return true;
  for (const auto& f : n.functions) {
    if (f.filter && has_lookup(*f.filter)) return true;
  }
  return false;
}

Result<query::QueryPtr> resolve(Node& node, const query::QueryPtr& q) {
  if (!q || !has_lookup(*q)) return q;
  auto copy = std::make_shared<query::QueryNode>(*q);
  if (copy->terms_lookup) {
    const auto& l = *copy->terms_lookup;
    auto got = node.get(l.index, l.id, l.routing, true);
    if (!got.ok()) return got.status();
    copy->values.clear();
    if (got->found) {
      json::Document doc;
      QUARRY_RETURN_IF_ERROR(json::parse(got->doc.source, doc));
      collect(doc, l.path, &copy->values);
    }
    copy->terms_lookup.reset();
  }
  for (auto* list : {&copy->must, &copy->should, &copy->must_not, &copy->filter, &copy->queries}) {
    for (auto& c : *list) {
      auto r = resolve(node, c);
      if (!r.ok()) return r.status();
      c = *r;
    }
  }
  for (auto* p : {&copy->inner, &copy->negative}) {
    auto r = resolve(node, *p);
    if (!r.ok()) return r.status();
    *p = *r;
  }
  for (auto& f : copy->functions) {
    auto r = resolve(node, f.filter);
    if (!r.ok()) return r.status();
    f.filter = *r;
  }
  return query::QueryPtr(copy);
}

}  // namespace

Result<query::QueryPtr> resolve_terms_lookups(Node& node, const query::QueryPtr& query) { return resolve(node, query); }

}  // namespace quarry::cluster
