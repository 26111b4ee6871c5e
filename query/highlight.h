// Highlighting of search hits: the parsed `highlight` clause (HighlightSpec) and a Highlighter
// that marks, in the stored _source text of each requested field, the tokens whose terms the
// query looks for. The text is re-analysed with the field's index analyzer (Quarry stores no
// offsets), matched against the query's terms for that field (taken from the Xapian::Query,
// field prefix stripped), and cut into fragments around the matches.
//
// Limitations: phrase queries highlight each of their terms wherever it occurs; wildcard, prefix,
// fuzzy and regexp queries highlight only the terms the Xapian query names (not their expansions).
//
// HighlightSpec is a value type. A Highlighter is built once per index per request (on the
// coordinator) and is then read-only: highlight() may be called from several threads.
#pragma once

#include <xapian.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "index/json.h"
#include "index/mapping.h"
#include "index/status.h"

namespace quarry::query {

// Options that may be given at the top level of `highlight` and overridden per field.
struct HighlightOptions {
  std::optional<std::vector<std::string>> pre_tags, post_tags;
  std::optional<int> fragment_size;        // default 100 characters
  std::optional<int> number_of_fragments;  // default 5; 0 = the whole field value
  std::optional<int> no_match_size;        // default 0
  std::optional<bool> require_field_match; // default true
  std::optional<std::string> order;        // "none" (default) or "score"
  std::optional<std::string> type;         // unified / plain / fvh: accepted, one highlighter here
  std::optional<std::string> encoder;      // "default" or "html"
  std::string highlight_query_json;        // "" = use the search query
};

struct HighlightField {
  std::string name;  // a field path or a wildcard pattern
  HighlightOptions options;
};

struct HighlightSpec {
  HighlightOptions defaults;
  std::vector<HighlightField> fields;
  std::string tags_schema;  // "" or "styled"
};

// Parses `highlight`. Errors: kParsing naming the unknown key or bad value.
Status parse_highlight(const json::Value& v, HighlightSpec* out);

// The terms of a Xapian query (prefixed, as indexed).
std::set<std::string> query_terms(const Xapian::Query& query);

// field -> fragments, in the order the fields were requested.
using HitHighlights = std::vector<std::pair<std::string, std::vector<std::string>>>;

class Highlighter {
 public:
  // `query` is the search's Xapian query for this index; highlight_query clauses are parsed and
  // converted against `mapping` here. Errors: those of parsing a highlight_query.
  static Result<Highlighter> create(const HighlightSpec& spec, std::shared_ptr<const index::Mapping> mapping,
                                    const Xapian::Query& query);

  // Highlights one hit from its _source JSON.
  HitHighlights highlight(const std::string& source) const;

 private:
  struct Target {
    const index::FieldMapping* field;
    std::string source_path;  // where the value lives in _source (a multi-field reads its parent)
    HighlightOptions options; // merged: field over defaults
    std::set<std::string> terms;  // unprefixed terms to mark
  };
  std::vector<Target> targets_;
  std::shared_ptr<const index::Mapping> mapping_;
  std::string tags_schema_;
};

// The core of the highlighter, exposed for tests: marks `matches` (byte ranges, sorted, not
// overlapping) in `text` and cuts fragments per the options. Returns no fragment when nothing
// matched and no_match_size is 0.
std::vector<std::string> highlight_text(const std::string& text,
                                        const std::vector<std::pair<size_t, size_t>>& matches,
                                        const HighlightOptions& options, const std::string& tags_schema = "");

}  // namespace quarry::query
