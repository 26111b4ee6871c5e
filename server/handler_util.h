// Helpers shared by the REST handlers: JSON responses, request bodies, and the Elasticsearch
// parameters that many APIs share (refresh, index resolution options, _source filtering).
// Stateless functions.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "index/catalog.h"
#include "index/json.h"
#include "index/status.h"
#include "ingest/ingest_service.h"
#include "query/search_request.h"
#include "server/http_types.h"
#include "server/params.h"

namespace quarry::server {

// Builds a JSON response by letting `write` fill a writer.
HttpResponse json_response(int status, const std::function<void(json::Writer&)>& write);
HttpResponse acknowledged(bool extra_shards_ack = false, const std::string& index = "");

// Parses the request body as JSON into `doc` (Null when the body is empty). Errors: kParsing.
Status parse_body(const HttpRequest& req, json::Document& doc);

// ?refresh=true|wait_for|false|"" . Errors: kInvalidArgument.
Result<ingest::RefreshPolicy> parse_refresh(const HttpRequest& req);

// ignore_unavailable / allow_no_indices / expand_wildcards. Errors: kInvalidArgument.
Result<index::ResolveOptions> resolve_options(const HttpRequest& req, index::ResolveOptions defaults = {});

// _source / _source_includes / _source_excludes parameters.
query::SourceFilter source_filter_params(const HttpRequest& req);

// Writes `"_source": <filtered>` unless the filter disables it.
void write_source(json::Writer& w, const std::string& source, const query::SourceFilter& filter);

// Writes the "_shards" header of a write response: total 1 + replicas, successful 1.
void write_write_shards(json::Writer& w, int replicas, bool noop = false);

}  // namespace quarry::server
