#include "server/handler_util.h"

namespace quarry::server {

HttpResponse json_response(int status, const std::function<void(json::Writer&)>& write) {
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  write(w);
  return HttpResponse::json(status, std::string(buf.GetString(), buf.GetSize()));
}

HttpResponse acknowledged(bool extra_shards_ack, const std::string& index) {
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    w.Key("acknowledged");
    w.Bool(true);
    if (extra_shards_ack) {
      w.Key("shards_acknowledged");
      w.Bool(true);
      w.Key("index");
      w.String(index.c_str());
    }
    w.EndObject();
  });
}

Status parse_body(const HttpRequest& req, json::Document& doc) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    doc.SetNull();
    return Status::Ok();
  }
  return json::parse(req.body, doc);
}

Result<ingest::RefreshPolicy> parse_refresh(const HttpRequest& req) {
  if (!req.has("refresh")) return ingest::RefreshPolicy::kNone;
  std::string v = req.param("refresh");
  if (v.empty() || v == "true") return ingest::RefreshPolicy::kImmediate;
  if (v == "wait_for") return ingest::RefreshPolicy::kWaitFor;
  if (v == "false") return ingest::RefreshPolicy::kNone;
  return Status::InvalidArgument("Unknown value for refresh: [" + v + "].");
}

Result<index::ResolveOptions> resolve_options(const HttpRequest& req, index::ResolveOptions o) {
  auto iu = bool_param(req, "ignore_unavailable", o.ignore_unavailable);
  if (!iu.ok()) return iu.status();
  o.ignore_unavailable = *iu;
  auto ani = bool_param(req, "allow_no_indices", o.allow_no_indices);
  if (!ani.ok()) return ani.status();
  o.allow_no_indices = *ani;
  if (req.has("expand_wildcards")) {
    o.expand_open = o.expand_closed = o.expand_hidden = false;
    for (const auto& w : split_list(req.param("expand_wildcards"))) {
      if (w == "open") o.expand_open = true;
      else if (w == "closed") o.expand_closed = true;
      else if (w == "hidden") o.expand_hidden = true;
      else if (w == "all") o.expand_open = o.expand_closed = o.expand_hidden = true;
      else if (w == "none") {
      } else {
        return Status::InvalidArgument("No enum constant org.elasticsearch.action.support.IndicesOptions.WildcardStates." + w);
      }
    }
  }
  return o;
}

query::SourceFilter source_filter_params(const HttpRequest& req) {
  query::SourceFilter f;
  if (req.has("_source")) {
    std::string v = req.param("_source");
    if (v == "false") f.enabled = false;
    else if (v != "true" && !v.empty()) f.includes = split_list(v);
  }
  if (req.has("_source_includes")) {
    for (auto& s : split_list(req.param("_source_includes"))) f.includes.push_back(s);
  }
  if (req.has("_source_excludes")) {
    for (auto& s : split_list(req.param("_source_excludes"))) f.excludes.push_back(s);
  }
  return f;
}

void write_source(json::Writer& w, const std::string& source, const query::SourceFilter& filter) {
  if (!filter.enabled) return;
  w.Key("_source");
  std::string filtered = query::filter_source(source, filter);
  json::write_raw(w, filtered.empty() ? std::string_view("{}") : std::string_view(filtered));
}

void write_write_shards(json::Writer& w, int replicas, bool noop) {
  w.Key("_shards");
  w.StartObject();
  w.Key("total");
  w.Int(noop ? 0 : 1 + replicas);
  w.Key("successful");
  w.Int(noop ? 0 : 1);
  w.Key("failed");
  w.Int(0);
  w.EndObject();
}

}  // namespace quarry::server
