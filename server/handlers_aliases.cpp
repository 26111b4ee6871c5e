// Alias APIs: PUT/DELETE /{index}/_alias/{name}, POST /_aliases (add / remove / remove_index),
// GET /_alias[/{name}], /{index}/_alias[/{name}], HEAD of the same.
#include <set>

#include "index/catalog.h"
#include "query/query_parser.h"
#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"
#include "server/index_views.h"

namespace quarry::server {

namespace {

struct AliasAction {
  enum Kind { kAdd, kRemove, kRemoveIndex } kind;
  std::vector<std::string> indices;
  std::vector<std::string> aliases;
  index::AliasMetadata body;
  bool must_exist = false;
};

Status read_alias_options(const json::Value& v, index::AliasMetadata* a) {
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    const json::Value& val = it->value;
    if (key == "filter") {
      auto q = query::parse_query(val);
      if (!q.ok()) return q.status();
      a->filter_json = json::to_string(val);
    } else if (key == "routing") {
      a->index_routing = a->search_routing = val.IsString() ? std::string(json::view(val)) : json::to_string(val);
    } else if (key == "index_routing") {
      a->index_routing = val.IsString() ? std::string(json::view(val)) : json::to_string(val);
    } else if (key == "search_routing") {
      a->search_routing = val.IsString() ? std::string(json::view(val)) : json::to_string(val);
    } else if (key == "is_write_index") {
      if (!val.IsBool()) return Status::Parsing("[is_write_index] must be a boolean");
      a->is_write_index = val.GetBool();
    } else if (key == "is_hidden") {
      if (!val.IsBool()) return Status::Parsing("[is_hidden] must be a boolean");
      a->is_hidden = val.GetBool();
    } else if (key == "index" || key == "indices" || key == "alias" || key == "aliases" || key == "must_exist") {
    } else {
      return Status::Parsing("[aliases] unknown field [" + key + "]");
    }
  }
  return Status::Ok();
}

void names_of(const json::Value& v, const char* one, const char* many, std::vector<std::string>* out) {
  if (v.HasMember(one) && v[one].IsString()) out->emplace_back(json::view(v[one]));
  if (v.HasMember(many) && v[many].IsArray()) {
    for (const auto& e : v[many].GetArray()) {
      if (e.IsString()) out->emplace_back(json::view(e));
    }
  }
  if (v.HasMember(many) && v[many].IsString()) out->emplace_back(json::view(v[many]));
}

Status apply_actions(cluster::Node& node, const std::vector<AliasAction>& actions) {
  // Validate every action before applying any.
  struct Step {
    std::shared_ptr<index::IndexService> index;
    const AliasAction* action;
  };
  std::vector<Step> steps;
  for (const auto& a : actions) {
    if (a.indices.empty()) return Status(Code::kActionValidation, "Validation Failed: 1: One of [index] or [indices] is required;");
    if (a.kind != AliasAction::kRemoveIndex && a.aliases.empty()) {
      return Status(Code::kActionValidation, "Validation Failed: 1: One of [alias] or [aliases] is required;");
    }
    for (const auto& expr : a.indices) {
      auto resolved = node.catalog().resolve(expr, {});
      if (!resolved.ok()) return resolved.status();
      for (const auto& r : *resolved) {
        if (!r.via_aliases.empty() && expr.find('*') == std::string::npos) {
          if (a.kind == AliasAction::kRemoveIndex) {
            return Status::InvalidArgument("The provided expression [" + expr +
                                           "] matches an alias, specify the corresponding concrete indices instead.");
          }
        }
        steps.push_back({r.index, &a});
      }
    }
    if (a.kind == AliasAction::kAdd) {
      for (const auto& alias : a.aliases) {
        if (alias.find('*') != std::string::npos) {
          return Status(Code::kInvalidIndexName, "Invalid alias name [" + alias + "]: must not contain the following characters [*]");
        }
        if (node.catalog().find(alias)) {
          return Status(Code::kInvalidIndexName, "Invalid alias name [" + alias + "], an index exists with the same name as the alias")
              .with("index", alias);
        }
        if (Status st = index::validate_index_name(alias); !st.ok()) {
          return Status(Code::kInvalidIndexName, "Invalid alias name [" + alias + "]" + st.message().substr(st.message().find(']') + 1));
        }
      }
    }
  }
  for (const auto& step : steps) {
    const AliasAction& a = *step.action;
    if (a.kind == AliasAction::kRemoveIndex) {
      QUARRY_RETURN_IF_ERROR(node.delete_index(step.index->name()));
      continue;
    }
    Status st = step.index->update_metadata([&](index::IndexMetadata& m) {
      for (const auto& alias : a.aliases) {
        if (a.kind == AliasAction::kAdd) {
          index::AliasMetadata body = a.body;
          body.name = alias;
          m.aliases[alias] = body;
        } else {
          bool removed = false;
          for (auto it = m.aliases.begin(); it != m.aliases.end();) {
            if (index::wildcard_match(alias, it->first) || alias == "_all") {
              it = m.aliases.erase(it);
              removed = true;
            } else {
              ++it;
            }
          }
          if (!removed && a.must_exist) {
            return Status(Code::kAliasesNotFound, "aliases [" + alias + "] missing").with("resource.type", "aliases").with("resource.id", alias);
          }
          if (!removed && alias.find('*') == std::string::npos) {
            return Status(Code::kAliasesNotFound, "aliases [" + alias + "] missing").with("resource.type", "aliases").with("resource.id", alias);
          }
        }
      }
      return Status::Ok();
    });
    QUARRY_RETURN_IF_ERROR(st);
  }
  return Status::Ok();
}

HttpResponse put_alias(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  AliasAction a;
  a.kind = AliasAction::kAdd;
  a.indices = split_list(req.path_param("index"));
  a.aliases = split_list(req.path_param("name"));
  if (body.IsObject()) {
    if (Status st = read_alias_options(body, &a.body); !st.ok()) return error_response(st);
  }
  if (Status st = apply_actions(node, {a}); !st.ok()) return error_response(st);
  return acknowledged();
}

HttpResponse delete_alias(cluster::Node& node, HttpRequest& req) {
  AliasAction a;
  a.kind = AliasAction::kRemove;
  a.indices = split_list(req.path_param("index"));
  a.aliases = split_list(req.path_param("name"));
  if (Status st = apply_actions(node, {a}); !st.ok()) return error_response(st);
  return acknowledged();
}

HttpResponse post_aliases(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  if (!body.IsObject() || !body.HasMember("actions") || !body["actions"].IsArray()) {
    return error_response(Status(Code::kActionValidation, "Validation Failed: 1: No action specified;"));
  }
  std::vector<AliasAction> actions;
  for (const auto& entry : body["actions"].GetArray()) {
    if (!entry.IsObject() || entry.MemberCount() != 1) return error_response(Status::Parsing("[aliases] malformed action"));
    std::string kind(json::view(entry.MemberBegin()->name));
    const json::Value& v = entry.MemberBegin()->value;
    AliasAction a;
    if (kind == "add") a.kind = AliasAction::kAdd;
    else if (kind == "remove") a.kind = AliasAction::kRemove;
    else if (kind == "remove_index") a.kind = AliasAction::kRemoveIndex;
    else return error_response(Status::Parsing("[aliases] unknown field [" + kind + "]"));
    if (!v.IsObject()) return error_response(Status::Parsing("[aliases] malformed action"));
    names_of(v, "index", "indices", &a.indices);
    names_of(v, "alias", "aliases", &a.aliases);
    if (v.HasMember("must_exist") && v["must_exist"].IsBool()) a.must_exist = v["must_exist"].GetBool();
    if (Status st = read_alias_options(v, &a.body); !st.ok()) return error_response(st);
    actions.push_back(std::move(a));
  }
  if (Status st = apply_actions(node, actions); !st.ok()) return error_response(st);
  return acknowledged();
}

// GET alias views. Elasticsearch answers a missing named alias with 404 and a special body
// {"error":"alias [x] missing","status":404} while still listing the ones it found.
HttpResponse get_aliases(cluster::Node& node, HttpRequest& req, bool head) {
  std::string index_expr = req.path_param("index");
  std::vector<std::string> names = split_list(req.path_param("name"));
  auto opts = resolve_options(req);
  if (!opts.ok()) return error_response(opts.status());
  auto resolved = node.catalog().resolve(index_expr, *opts);
  if (!resolved.ok()) return error_response(resolved.status());
  std::set<std::string> found_names;
  struct Entry {
    std::string index;
    std::vector<index::AliasMetadata> aliases;
  };
  std::vector<Entry> entries;
  std::set<std::string> seen;
  for (const auto& r : *resolved) {
    if (seen.count(r.index->name())) continue;
    seen.insert(r.index->name());
    auto meta = r.index->metadata();
    Entry e{meta.name, {}};
    for (const auto& [n, a] : meta.aliases) {
      bool keep = names.empty();
      for (const auto& p : names) keep |= p == "_all" || index::wildcard_match(p, n);
      if (keep) {
        e.aliases.push_back(a);
        found_names.insert(n);
      }
    }
    if (!names.empty() && e.aliases.empty()) continue;
    entries.push_back(std::move(e));
  }
  std::vector<std::string> missing;
  for (const auto& p : names) {
    if (p.find('*') == std::string::npos && p != "_all" && !found_names.count(p)) missing.push_back(p);
  }
  int status = missing.empty() ? 200 : 404;
  if (head) return HttpResponse::json(missing.empty() && (!names.empty() ? !found_names.empty() : true) ? 200 : 404, "");
  return json_response(status, [&](json::Writer& w) {
    w.StartObject();
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ",") + m;
      w.Key("error");
      w.String(("alias" + std::string(missing.size() > 1 ? "es" : "") + " [" + list + "] missing").c_str());
      w.Key("status");
      w.Int(404);
    }
    for (const auto& e : entries) {
      w.Key(e.index.c_str());
      w.StartObject();
      w.Key("aliases");
      w.StartObject();
      for (const auto& a : e.aliases) {
        w.Key(a.name.c_str());
        write_alias_body(w, a);
      }
      w.EndObject();
      w.EndObject();
    }
    w.EndObject();
  });
}

}  // namespace

void register_alias_handlers(Router& r, cluster::Node& node) {
  const std::vector<std::string> params = {"timeout", "master_timeout"};
  for (const char* p : {"/{index}/_alias/{name}", "/{index}/_aliases/{name}"}) {
    r.add("PUT", p, [&node](HttpRequest& q) { return put_alias(node, q); }, params);
    r.add("POST", p, [&node](HttpRequest& q) { return put_alias(node, q); }, params);
    r.add("DELETE", p, [&node](HttpRequest& q) { return delete_alias(node, q); }, params);
  }
  r.add("POST", "/_aliases", [&node](HttpRequest& q) { return post_aliases(node, q); }, params);
  const std::vector<std::string> get_params = {"allow_no_indices", "expand_wildcards", "ignore_unavailable", "local", "master_timeout"};
  for (const char* p : {"/_alias", "/_alias/{name}", "/{index}/_alias", "/{index}/_alias/{name}", "/_aliases", "/{index}/_aliases"}) {
    r.add("GET", p, [&node](HttpRequest& q) { return get_aliases(node, q, false); }, get_params);
    r.add("HEAD", p, [&node](HttpRequest& q) { return get_aliases(node, q, true); }, get_params);
  }
}

}  // namespace quarry::server
