// Index template APIs: PUT/POST/GET/HEAD/DELETE /_index_template/{name} (composable templates),
// the same for /_component_template/{name}, and POST /_index_template/_simulate_index/{index},
// /_index_template/_simulate[/{name}] — response shapes as Elasticsearch 8 prints them.
#include "index/template_merge.h"
#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"
#include "server/index_views.h"

namespace quarry::server {

namespace {

// The "template" object as Elasticsearch prints it: settings nested (or flat), mappings as given,
// aliases with their definitions normalised.
void write_template_body(json::Writer& w, const index::TemplateBody& body, bool flat) {
  w.StartObject();
  if (body.settings) {
    w.Key("settings");
    write_flat_settings(w, *body.settings, flat);
  }
  if (body.mappings) {
    w.Key("mappings");
    json::write_raw(w, *body.mappings);
  }
  if (body.aliases) {
    w.Key("aliases");
    w.StartObject();
    for (const auto& [name, def] : *body.aliases) {
      index::AliasMetadata alias;
      alias.name = name;
      json::Document d;
      if (json::parse(def, d).ok()) (void)index::parse_alias_definition(d, &alias);
      w.Key(name.c_str());
      write_alias_body(w, alias);
    }
    w.EndObject();
  }
  w.EndObject();
}

void write_list(json::Writer& w, const char* key, const std::vector<std::string>& items) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : items) w.String(s.c_str());
  w.EndArray();
}

void write_index_template(json::Writer& w, const index::IndexTemplate& t, bool flat) {
  w.StartObject();
  write_list(w, "index_patterns", t.index_patterns);
  if (t.body) {
    w.Key("template");
    write_template_body(w, *t.body, flat);
  }
  if (t.composed_of) write_list(w, "composed_of", *t.composed_of);
  if (t.priority) { w.Key("priority"); w.Int64(*t.priority); }
  if (t.version) { w.Key("version"); w.Int64(*t.version); }
  if (t.meta) { w.Key("_meta"); json::write_raw(w, *t.meta); }
  if (t.allow_auto_create) { w.Key("allow_auto_create"); w.Bool(*t.allow_auto_create); }
  if (t.ignore_missing_component_templates) {
    write_list(w, "ignore_missing_component_templates", *t.ignore_missing_component_templates);
  }
  if (t.deprecated.value_or(false)) { w.Key("deprecated"); w.Bool(true); }
  w.EndObject();
}

void write_component_template(json::Writer& w, const index::ComponentTemplate& t, bool flat) {
  w.StartObject();
  w.Key("template");
  write_template_body(w, t.body, flat);
  if (t.version) { w.Key("version"); w.Int64(*t.version); }
  if (t.meta) { w.Key("_meta"); json::write_raw(w, *t.meta); }
  if (t.deprecated.value_or(false)) { w.Key("deprecated"); w.Bool(true); }
  w.EndObject();
}

// The {name} of a template API: required, and a comma list for GET and DELETE.
std::vector<std::string> names_of(const HttpRequest& req) { return split_list(req.path_param("name")); }

HttpResponse put_index_template(cluster::Node& node, HttpRequest& req) {
  auto create = bool_param(req, "create", false);
  if (!create.ok()) return error_response(create.status());
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  auto t = index::IndexTemplate::from_es_json(body);
  if (!t.ok()) return error_response(t.status());
  if (t->priority && *t->priority < 0) {
    return error_response(Status(Code::kActionValidation, "Validation Failed: 1: index template priority must be >= 0;"));
  }
  Status st = node.templates().put_index_template(req.path_param("name"), std::move(t).value(), *create);
  if (!st.ok()) return error_response(st);
  return acknowledged();
}

HttpResponse put_component_template(cluster::Node& node, HttpRequest& req) {
  auto create = bool_param(req, "create", false);
  if (!create.ok()) return error_response(create.status());
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  auto t = index::ComponentTemplate::from_es_json(body);
  if (!t.ok()) return error_response(t.status());
  Status st = node.templates().put_component_template(req.path_param("name"), std::move(t).value(), *create);
  if (!st.ok()) return error_response(st);
  return acknowledged();
}

// GET answers 404 with an empty list when names were given and nothing matched (a wildcard
// matching nothing included), as Elasticsearch does; HEAD takes the status of GET.
HttpResponse get_index_templates(cluster::Node& node, HttpRequest& req) {
  auto flat = bool_param(req, "flat_settings", false);
  if (!flat.ok()) return error_response(flat.status());
  auto names = names_of(req);
  auto found = node.templates().index_templates(names);
  if (!found.ok()) return error_response(found.status());
  int status = found->empty() && !names.empty() ? 404 : 200;
  return json_response(status, [&](json::Writer& w) {
    w.StartObject();
    w.Key("index_templates");
    w.StartArray();
    for (const auto& [name, t] : *found) {
      w.StartObject();
      w.Key("name"); w.String(name.c_str());
      w.Key("index_template");
      write_index_template(w, t, *flat);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

HttpResponse get_component_templates(cluster::Node& node, HttpRequest& req) {
  auto flat = bool_param(req, "flat_settings", false);
  if (!flat.ok()) return error_response(flat.status());
  auto names = names_of(req);
  auto found = node.templates().component_templates(names);
  if (!found.ok()) return error_response(found.status());
  int status = found->empty() && !names.empty() ? 404 : 200;
  return json_response(status, [&](json::Writer& w) {
    w.StartObject();
    w.Key("component_templates");
    w.StartArray();
    for (const auto& [name, t] : *found) {
      w.StartObject();
      w.Key("name"); w.String(name.c_str());
      w.Key("component_template");
      write_component_template(w, t, *flat);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

HttpResponse delete_index_templates(cluster::Node& node, HttpRequest& req) {
  Status st = node.templates().delete_index_templates(names_of(req));
  return st.ok() ? acknowledged() : error_response(st);
}

HttpResponse delete_component_templates(cluster::Node& node, HttpRequest& req) {
  Status st = node.templates().delete_component_templates(names_of(req));
  return st.ok() ? acknowledged() : error_response(st);
}

// The simulate answer: what an index created through `tmpl` would get, and the other templates
// whose patterns overlap.
HttpResponse simulation(cluster::Node& node, const std::string& index_name, const index::ResolvedTemplate* tmpl,
                        const std::vector<std::pair<std::string, std::vector<std::string>>>& overlapping) {
  std::optional<index::IndexMetadata> meta;
  if (tmpl) {
    json::Document body;
    index::apply_template(*tmpl, nullptr, &body);
    auto built = node.index_metadata_from_body(index_name, &body);
    if (!built.ok()) return error_response(built.status());
    meta = std::move(built).value();
  }
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    if (tmpl) {
      w.Key("template");
      w.StartObject();
      w.Key("settings");
      write_flat_settings(w, tmpl->settings, false);
      w.Key("mappings");
      meta->mapping->write_es_json(w);
      w.Key("aliases");
      w.StartObject();
      for (const auto& [name, alias] : meta->aliases) {
        w.Key(name.c_str());
        write_alias_body(w, alias);
      }
      w.EndObject();
      w.EndObject();
    }
    w.Key("overlapping");
    w.StartArray();
    for (const auto& [name, patterns] : overlapping) {
      w.StartObject();
      w.Key("name"); w.String(name.c_str());
      write_list(w, "index_patterns", patterns);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

// POST /_index_template/_simulate_index/{index}: the template a new index of that name would get.
HttpResponse simulate_index(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  if (!body.IsNull()) {
    return error_response(Status::InvalidArgument(
        "a request body is not supported by [_simulate_index]: store the template, then simulate"));
  }
  std::string name = req.path_param("name");
  if (Status st = index::validate_index_name(name); !st.ok()) return error_response(st);
  auto tmpl = node.templates().resolve_for_index(name, /*hidden=*/false);
  std::vector<std::pair<std::string, std::vector<std::string>>> others;
  auto all = node.templates().index_templates({});
  if (all.ok()) {
    for (const auto& [other, t] : *all) {
      if ((!tmpl || other != tmpl->name) && t.matches(name)) others.emplace_back(other, t.index_patterns);
    }
  }
  return simulation(node, name, tmpl ? &*tmpl : nullptr, others);
}

// POST /_index_template/_simulate[/{name}]: a stored template (by name) or the template in the
// body, composed as an index matching it would get it.
HttpResponse simulate_template(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  std::string name = req.path_param("name");
  index::IndexTemplate t;
  if (!body.IsNull()) {
    auto parsed = index::IndexTemplate::from_es_json(body);
    if (!parsed.ok()) return error_response(parsed.status());
    t = std::move(parsed).value();
    if (name.empty()) name = "simulate_template";
  } else {
    if (name.empty()) return error_response(Status::InvalidArgument("a template name or a template body is required"));
    auto found = node.templates().index_templates({name});
    if (!found.ok()) return error_response(found.status());
    t = found->front().second;
  }
  auto resolved = node.templates().compose(name, t);
  if (!resolved.ok()) return error_response(resolved.status());
  return simulation(node, "simulated-index", &*resolved, node.templates().overlapping(name, t.index_patterns));
}

}  // namespace

void register_template_handlers(Router& r, cluster::Node& node) {
  auto bind = [&node](HttpResponse (*f)(cluster::Node&, HttpRequest&)) {
    return [&node, f](HttpRequest& req) { return f(node, req); };
  };
  const std::vector<std::string> put_params = {"create", "cause", "master_timeout", "timeout"};
  const std::vector<std::string> get_params = {"flat_settings", "master_timeout", "local", "include_defaults"};
  const std::vector<std::string> delete_params = {"master_timeout", "timeout"};
  const std::vector<std::string> simulate_params = {"create", "cause", "master_timeout", "include_defaults"};

  r.add("PUT", "/_index_template/{name}", bind(put_index_template), put_params);
  r.add("POST", "/_index_template/{name}", bind(put_index_template), put_params);
  r.add("GET", "/_index_template", bind(get_index_templates), get_params);
  r.add("GET", "/_index_template/{name}", bind(get_index_templates), get_params);
  r.add("DELETE", "/_index_template/{name}", bind(delete_index_templates), delete_params);
  r.add("POST", "/_index_template/_simulate_index/{name}", bind(simulate_index), simulate_params);
  r.add("POST", "/_index_template/_simulate", bind(simulate_template), simulate_params);
  r.add("POST", "/_index_template/_simulate/{name}", bind(simulate_template), simulate_params);

  r.add("PUT", "/_component_template/{name}", bind(put_component_template), put_params);
  r.add("POST", "/_component_template/{name}", bind(put_component_template), put_params);
  r.add("GET", "/_component_template", bind(get_component_templates), get_params);
  r.add("GET", "/_component_template/{name}", bind(get_component_templates), get_params);
  r.add("DELETE", "/_component_template/{name}", bind(delete_component_templates), delete_params);
}

}  // namespace quarry::server
