// Index APIs: create / delete / exists / get an index, its mapping and settings, and refresh.
#include <thread>

#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"
#include "server/index_views.h"

namespace quarry::server {

namespace {

const std::vector<std::string> kResolveParams = {"allow_no_indices", "expand_wildcards", "ignore_unavailable"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Resolves {index} (or all indices when the route has none) with the request's options.
Result<std::vector<index::ResolvedIndex>> resolve(cluster::Node& node, const HttpRequest& req,
                                                  index::ResolveOptions defaults = {}) {
  auto opts = resolve_options(req, defaults);
  if (!opts.ok()) return opts.status();
  return node.catalog().resolve(req.path_param("index"), *opts);
}

HttpResponse create_index(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  std::string name = req.path_param("index");
  if (node.catalog().alias_exists(name)) {
    return error_response(Status(Code::kInvalidIndexName,
                                 "Invalid index name [" + name + "], already exists as alias")
                              .with("index", name).with("index_uuid", "_na_"));
  }
  auto created = node.create_index(name, body.IsNull() ? nullptr : &body);
  if (!created.ok()) return error_response(created.status());
  return acknowledged(true, name);
}

// DELETE /{index}: concrete names and wildcards over index names. Naming an alias is an error
// (skipped with ignore_unavailable); wildcards do not expand to aliases' indices.
HttpResponse delete_index(cluster::Node& node, HttpRequest& req) {
  std::string expr = req.path_param("index");
  auto opts = resolve_options(req);
  if (!opts.ok()) return error_response(opts.status());
  std::vector<std::string> targets;
  bool wildcard_seen = false;
  for (const auto& part : split_list(expr)) {
    bool has_wildcard = part.find('*') != std::string::npos;
    if (part[0] == '-' && wildcard_seen) {
      std::string pattern = part.substr(1);
      std::erase_if(targets, [&](const std::string& t) { return index::wildcard_match(pattern, t); });
      continue;
    }
    if (has_wildcard || part == "_all") {
      wildcard_seen = true;
      index::ResolveOptions wild = *opts;
      auto resolved = node.catalog().resolve(part, wild);
      if (!resolved.ok()) return error_response(resolved.status());
      size_t before = targets.size();
      for (const auto& r : *resolved) {
        if (r.via_aliases.empty()) targets.push_back(r.index->name());
      }
      if (targets.size() == before && !opts->allow_no_indices) return error_response(Status::IndexNotFound(part));
      continue;
    }
    if (node.catalog().find(part)) {
      targets.push_back(part);
    } else if (node.catalog().alias_exists(part)) {
      if (opts->ignore_unavailable) continue;
      return error_response(Status::InvalidArgument(
          "The provided expression [" + part + "] matches an alias, specify the corresponding concrete indices instead."));
    } else if (!opts->ignore_unavailable) {
      return error_response(Status::IndexNotFound(part));
    }
  }
  if (targets.empty() && !opts->allow_no_indices) return error_response(Status::IndexNotFound(expr));
  for (const auto& name : targets) {
    Status st = node.delete_index(name);
    if (!st.ok() && st.code() != Code::kIndexNotFound) return error_response(st);
  }
  return acknowledged();
}

HttpResponse close_index(cluster::Node& node, HttpRequest& req, bool close) {
  index::ResolveOptions defaults;
  defaults.expand_closed = !close;
  defaults.expand_open = close;
  auto resolved = resolve(node, req, defaults);
  if (!resolved.ok()) return error_response(resolved.status());
  for (const auto& r : *resolved) {
    if (Status st = node.set_closed(r.index->name(), close); !st.ok()) return error_response(st);
  }
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    w.Key("acknowledged"); w.Bool(true);
    w.Key("shards_acknowledged"); w.Bool(true);
    if (close) {
      w.Key("indices");
      w.StartObject();
      for (const auto& r : *resolved) {
        w.Key(r.index->name().c_str());
        w.StartObject();
        w.Key("closed"); w.Bool(true);
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndObject();
  });
}

HttpResponse get_index(cluster::Node& node, HttpRequest& req) {
  auto resolved = resolve(node, req);
  if (!resolved.ok()) return error_response(resolved.status());
  auto flat = bool_param(req, "flat_settings", false);
  if (!flat.ok()) return error_response(flat.status());
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    for (const auto& r : *resolved) {
      auto meta = r.index->metadata();
      w.Key(meta.name.c_str());
      w.StartObject();
      w.Key("aliases");
      w.StartObject();
      for (const auto& [n, a] : meta.aliases) {
        w.Key(n.c_str());
        write_alias_body(w, a);
      }
      w.EndObject();
      w.Key("mappings");
      write_mappings(w, meta);
      w.Key("settings");
      w.StartObject();
      if (*flat) {
        // flat keys directly under settings
        rapidjson::StringBuffer buf;
        json::Writer inner(buf);
        write_settings(inner, meta, true);
        json::Document d;
        d.Parse(buf.GetString());
        for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
          w.Key(it->name.GetString());
          w.String(it->value.GetString());
        }
      } else {
        rapidjson::StringBuffer buf;
        json::Writer inner(buf);
        write_settings(inner, meta, false);
        json::Document d;
        d.Parse(buf.GetString());
        for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
          w.Key(it->name.GetString());
          it->value.Accept(w);
        }
      }
      w.EndObject();
      w.EndObject();
    }
    w.EndObject();
  });
}

HttpResponse index_exists(cluster::Node& node, HttpRequest& req) {
  auto resolved = resolve(node, req);
  if (!resolved.ok() || resolved->empty()) return HttpResponse::json(404, "");
  return HttpResponse::json(200, "");
}

HttpResponse get_mapping(cluster::Node& node, HttpRequest& req) {
  auto resolved = resolve(node, req);
  if (!resolved.ok()) return error_response(resolved.status());
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    for (const auto& r : *resolved) {
      auto meta = r.index->metadata();
      w.Key(meta.name.c_str());
      w.StartObject();
      w.Key("mappings");
      write_mappings(w, meta);
      w.EndObject();
    }
    w.EndObject();
  });
}

HttpResponse put_mapping(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  if (!body.IsObject()) {
    return error_response(Status(Code::kActionValidation, "Validation Failed: 1: mapping source is empty;"));
  }
  auto resolved = resolve(node, req);
  if (!resolved.ok()) return error_response(resolved.status());
  if (resolved->empty()) return error_response(Status::IndexNotFound(req.path_param("index")));
  // Validate against every target first so that nothing is half-applied.
  for (const auto& r : *resolved) {
    index::Mapping trial = *r.index->mapping();
    if (Status st = trial.merge_es_json(body); !st.ok()) return error_response(st);
  }
  for (const auto& r : *resolved) {
    if (Status st = r.index->put_mapping(body); !st.ok()) return error_response(st);
  }
  return acknowledged();
}

HttpResponse get_settings(cluster::Node& node, HttpRequest& req) {
  auto resolved = resolve(node, req);
  if (!resolved.ok()) return error_response(resolved.status());
  auto flat = bool_param(req, "flat_settings", false);
  if (!flat.ok()) return error_response(flat.status());
  std::vector<std::string> names = split_list(req.path_param("name"));
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    for (const auto& r : *resolved) {
      auto meta = r.index->metadata();
      rapidjson::StringBuffer buf;
      json::Writer inner(buf);
      write_settings(inner, meta, true);
      json::Document d;
      d.Parse(buf.GetString());
      // Filter by setting name patterns, then nest unless flat.
      index::IndexMetadata filtered = meta;
      std::map<std::string, std::string> kept;
      for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
        std::string k = it->name.GetString();
        bool keep = names.empty();
        for (const auto& n : names) keep |= index::wildcard_match(n, k) || n == "_all";
        if (keep) kept[k] = it->value.GetString();
      }
      if (!names.empty() && kept.empty()) continue;
      w.Key(meta.name.c_str());
      w.StartObject();
      w.Key("settings");
      if (*flat) {
        w.StartObject();
        for (const auto& [k, v] : kept) {
          w.Key(k.c_str());
          w.String(v.c_str());
        }
        w.EndObject();
      } else {
        // Re-nest the kept flat keys.
        json::Document nested;
        nested.SetObject();
        auto& alloc = nested.GetAllocator();
        for (const auto& [k, v] : kept) {
          json::Value* node_ptr = &nested;
          size_t start = 0;
          while (true) {
            size_t dot = k.find('.', start);
            std::string part = k.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
            if (dot == std::string::npos) {
              node_ptr->AddMember(json::str(part, alloc), json::str(v, alloc), alloc);
              break;
            }
            auto m = node_ptr->FindMember(part.c_str());
            if (m == node_ptr->MemberEnd() || !m->value.IsObject()) {
              node_ptr->AddMember(json::str(part, alloc), json::Value(rapidjson::kObjectType), alloc);
              m = node_ptr->FindMember(part.c_str());
            }
            node_ptr = &m->value;
            start = dot + 1;
          }
        }
        nested.Accept(w);
      }
      w.EndObject();
    }
    w.EndObject();
  });
}

HttpResponse put_settings(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  if (!body.IsObject()) return error_response(Status::Parsing("request body is required"));
  const json::Value* settings = body.HasMember("settings") ? &body["settings"] : &body;
  auto resolved = resolve(node, req);
  if (!resolved.ok()) return error_response(resolved.status());
  for (const auto& r : *resolved) {
    Status st = r.index->update_metadata([&](index::IndexMetadata& m) {
      return index::parse_index_settings(*settings, &m.settings, /*creating=*/false);
    });
    if (!st.ok()) return error_response(st);
  }
  return acknowledged();
}

HttpResponse refresh(cluster::Node& node, HttpRequest& req) {
  auto resolved = resolve(node, req);
  if (!resolved.ok()) return error_response(resolved.status());
  std::vector<std::shared_ptr<index::IndexService>> targets;
  int shards = 0;
  for (const auto& r : *resolved) {
    targets.push_back(r.index);
    shards += r.index->num_shards();
  }
  if (Status st = node.refresh(targets); !st.ok()) return error_response(st);
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    w.Key("_shards");
    w.StartObject();
    w.Key("total"); w.Int(shards);
    w.Key("successful"); w.Int(shards);
    w.Key("failed"); w.Int(0);
    w.EndObject();
    w.EndObject();
  });
}

}  // namespace

void register_index_handlers(Router& r, cluster::Node& node) {
  auto bind = [&node](HttpResponse (*f)(cluster::Node&, HttpRequest&)) {
    return [&node, f](HttpRequest& req) { return f(node, req); };
  };
  const std::vector<std::string> timeouts = {"timeout", "master_timeout", "wait_for_active_shards"};
  r.add("PUT", "/{index}", bind(create_index), timeouts);
  r.add("POST", "/{index}", bind(create_index), timeouts);
  r.add("DELETE", "/{index}", bind(delete_index), with(kResolveParams, timeouts));
  const auto get_params = with(kResolveParams, {"flat_settings", "include_defaults", "local", "master_timeout", "features"});
  r.add("GET", "/{index}", bind(get_index), get_params);
  r.add("HEAD", "/{index}", bind(index_exists), get_params);
  const auto mapping_params = with(kResolveParams, {"local", "master_timeout"});
  r.add("GET", "/_mapping", bind(get_mapping), mapping_params);
  r.add("GET", "/{index}/_mapping", bind(get_mapping), mapping_params);
  const auto put_mapping_params = with(kResolveParams, {"timeout", "master_timeout", "write_index_only"});
  r.add("PUT", "/{index}/_mapping", bind(put_mapping), put_mapping_params);
  r.add("POST", "/{index}/_mapping", bind(put_mapping), put_mapping_params);
  const auto settings_params = with(kResolveParams, {"flat_settings", "include_defaults", "local", "master_timeout"});
  r.add("GET", "/_settings", bind(get_settings), settings_params);
  r.add("GET", "/_settings/{name}", bind(get_settings), settings_params);
  r.add("GET", "/{index}/_settings", bind(get_settings), settings_params);
  r.add("GET", "/{index}/_settings/{name}", bind(get_settings), settings_params);
  const auto put_settings_params = with(kResolveParams, {"timeout", "master_timeout", "preserve_existing", "flat_settings", "reopen"});
  r.add("PUT", "/_settings", bind(put_settings), put_settings_params);
  r.add("PUT", "/{index}/_settings", bind(put_settings), put_settings_params);
  const auto close_params = with(kResolveParams, {"timeout", "master_timeout", "wait_for_active_shards"});
  r.add("POST", "/{index}/_close", [&node](HttpRequest& q) { return close_index(node, q, true); }, close_params);
  r.add("POST", "/{index}/_open", [&node](HttpRequest& q) { return close_index(node, q, false); }, close_params);
  r.add("POST", "/_refresh", bind(refresh), kResolveParams);
  r.add("GET", "/_refresh", bind(refresh), kResolveParams);
  r.add("POST", "/{index}/_refresh", bind(refresh), kResolveParams);
  r.add("GET", "/{index}/_refresh", bind(refresh), kResolveParams);
}

}  // namespace quarry::server
