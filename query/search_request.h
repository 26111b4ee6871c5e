// SearchRequest: a parsed _search / _count body plus URL parameters, validated once on the
// coordinator before any shard is touched. parse_search_body() is strict: unknown top-level keys
// are a kParsing error naming them. Value type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "index/json.h"
#include "index/status.h"
#include "query/query_tree.h"

namespace quarry::query {

struct SourceFilter {
  bool enabled = true;
  std::vector<std::string> includes;
  std::vector<std::string> excludes;
};

struct SearchRequest {
  QueryPtr query = std::make_shared<QueryNode>();  // match_all
  int from = 0;
  int size = 10;
  // Exact hit count up to this many; -1 = always exact (track_total_hits: true); 0 = don't track.
  int64_t track_total_hits = 10000;
  bool rest_total_hits_as_int = false;
  SourceFilter source;
  bool version = false;
  bool seq_no_primary_term = false;
  std::vector<std::string> routing;  // ?routing=: only the shards these values route to
};

// Parses a search body ({"query":..,"from":..,"size":..,"track_total_hits":..,"_source":..}).
// An empty body is match_all. Errors: kParsing.
Status parse_search_body(const json::Value& body, SearchRequest* out);
// Parses a _count body ({"query": ...}). Errors: kParsing.
Status parse_count_body(const json::Value& body, SearchRequest* out);
// "_source" in a body or the _source/_source_includes/_source_excludes URL parameters.
Status parse_source_filter(const json::Value& v, SourceFilter* out);
// Applies a filter to a JSON _source; returns the original bytes when nothing is filtered out.
std::string filter_source(const std::string& source, const SourceFilter& filter);

}  // namespace quarry::query
