// The generic Elasticsearch behaviours HttpServer applies around every handler, as pure
// functions over HttpRequest/HttpResponse values (no I/O, no state: safe from any thread).
//
// Request side, before dispatch:
//   check_content_type  a request body must be application/json, application/x-ndjson or
//                       application/vnd.elasticsearch+json / +x-ndjson (any compatible-with).
//                       Otherwise 406 {"error":"Content-Type header [text/plain] is not
//                       supported","status":406} as Elasticsearch answers. A body without a
//                       Content-Type header is accepted as JSON (more lenient than ES).
// Response side, after dispatch (finalize_response):
//   ?filter_path        comma list of dotted paths; a segment may hold '*' wildcards, "**" spans
//                       any number of levels, a leading '-' excludes. Arrays are transparent
//                       (hits.hits._id keeps the _id of every hit); containers left empty by the
//                       filter disappear; no match at all gives {}. Not applied to error bodies
//                       (Elasticsearch does not filter errors either).
//   ?pretty             Elasticsearch's (Jackson's) layout: 2-space indent, "key" : value,
//                       empty containers as { } and [ ], a final newline. Numbers keep their text.
//   content type        application/json, or application/vnd.elasticsearch+json;compatible-with=N
//                       when the Accept header (or, without Accept, the Content-Type) asked for it.
//   X-Elastic-Product   "Elasticsearch" on every response.
// Only bodies whose content type is JSON are touched; _cat text and NDJSON pass through.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "index/status.h"
#include "server/http_types.h"

namespace quarry::server {

// nullopt when the request's Content-Type is acceptable, else the 406 response to send.
std::optional<HttpResponse> check_content_type(const HttpRequest& req);

// Applies filter_path, pretty, content-type negotiation and the product header to `res`.
void finalize_response(const HttpRequest& req, HttpResponse& res);

// The pieces, also usable on their own. Both fail with kParsing when `json` is not valid JSON.
Result<std::string> pretty_json(std::string_view json);
Result<std::string> filter_json(std::string_view json, std::string_view filter_path,
                                bool pretty = false);

// True for application/json and the vnd.elasticsearch+json types.
bool is_json_media_type(std::string_view content_type);

// The content type of a JSON response to `req` (see above).
std::string json_response_content_type(const HttpRequest& req);

}  // namespace quarry::server
