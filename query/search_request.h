// SearchRequest: a parsed _search / _count body plus URL parameters, validated once on the
// coordinator before any shard is touched. parse_search_body() is strict: unknown top-level keys
// are a kParsing error naming them. Value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "index/json.h"
#include "index/mapping.h"
#include "index/status.h"
#include "query/aggs/agg.h"
#include "query/highlight.h"
#include "query/query_tree.h"
#include "query/sort.h"

namespace quarry::query {

struct SourceFilter {
  bool enabled = true;
  std::vector<std::string> includes;
  std::vector<std::string> excludes;
};

// One entry of `fields` / `docvalue_fields`: a field name or wildcard, with an optional date format.
struct FieldAndFormat {
  std::string field;
  std::string format;
};

struct SearchRequest {
  QueryPtr query = std::make_shared<QueryNode>();  // match_all
  int from = 0;
  int size = 10;
  // Exact hit count up to this many; -1 = always exact (track_total_hits: true); 0 = don't track.
  int64_t track_total_hits = 10000;
  bool track_total_hits_set = false;  // given in the body or the URL
  bool rest_total_hits_as_int = false;
  SourceFilter source;
  bool version = false;
  bool seq_no_primary_term = false;
  std::vector<std::string> routing;  // ?routing=: only the shards these values route to
  std::vector<SortSpec> sort;        // empty: by _score
  bool track_scores = false;
  std::string search_after_json;     // the raw `search_after` array, "" when absent
  std::optional<double> min_score;
  int64_t terminate_after = 0;       // per shard; 0 = off
  int64_t timeout_ms = -1;           // -1 = none
  std::vector<FieldAndFormat> fields;
  std::vector<FieldAndFormat> docvalue_fields;
  // stored_fields: nullopt = not given; "_none_" disables _source and metadata fields.
  std::optional<std::vector<std::string>> stored_fields;
  bool source_explicit = false;      // `_source` given (stored_fields then keeps it)
  std::optional<HighlightSpec> highlight;
  bool explain = false;
  // "aggs" / "aggregations": null when absent. Shared, immutable: shard threads read it.
  std::shared_ptr<const aggs::AggDefs> aggs;
  QueryPtr post_filter;              // filters hits, not aggregations; null when absent
  bool typed_keys = false;           // ?typed_keys: "type#name" aggregation keys
  int64_t max_buckets = 65536;       // search.max_buckets (cluster setting)
  // Not supported: kept only to give Elasticsearch's limit errors before the "not supported" one.
  int script_fields_count = -1;  // -1 = absent
  int rescore_window = -1;       // largest window_size (default 10); -1 = absent
};

// Parses a search body ({"query":..,"from":..,"size":..,"sort":..,"search_after":..,
// "track_total_hits":..,"_source":..,"highlight":..,"fields":.., ...}).
// An empty body is match_all. Errors: kParsing.
Status parse_search_body(const json::Value& body, SearchRequest* out);
// Parses a _count body ({"query": ...}). Errors: kParsing.
Status parse_count_body(const json::Value& body, SearchRequest* out);
// "_source" in a body or the _source/_source_includes/_source_excludes URL parameters.
Status parse_source_filter(const json::Value& v, SourceFilter* out);
// Applies a filter to a JSON _source; returns the original bytes when nothing is filtered out.
std::string filter_source(const std::string& source, const SourceFilter& filter);

// `fields` / `docvalue_fields` of one hit: (field, JSON array text) for every mapped field the
// patterns name that has a value in `source`. Values come from _source, converted to the field's
// type (dates formatted with the requested format, else as Elasticsearch prints them).
std::vector<std::pair<std::string, std::string>> extract_fields(const std::string& source,
                                                               const std::vector<FieldAndFormat>& specs,
                                                               const index::Mapping& mapping, bool docvalues);

// A java.text.DecimalFormat-like pattern made of '#', '0', ',' and '.' ("#.0", "0.00");
// nullopt for other patterns.
std::optional<std::string> decimal_format(double x, const std::string& pattern);

}  // namespace quarry::query
