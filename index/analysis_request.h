// The _analyze API in the engine: parsing its body and running it against an index's analyzers
// (or the built-ins when the request names no index). The HTTP handler
// (server/handlers_analyze.cpp) only resolves the index and writes the tokens out.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "index/analyzer_set.h"
#include "index/json.h"
#include "index/mapping.h"
#include "index/status.h"

namespace quarry::index {

struct AnalyzeRequest {
  std::vector<std::string> texts;           // "text": a string or an array of strings
  std::string analyzer;                     // "analyzer"
  std::optional<ComponentRef> tokenizer;    // "tokenizer": a name or an inline definition
  std::vector<ComponentRef> filters;        // "filter"
  std::string field;                        // "field": analyse as this field does (index required)
};

struct AnalyzedToken {
  std::string token;
  unsigned start_offset;  // in UTF-16 code units, as Elasticsearch (Java) counts them
  unsigned end_offset;
  TokenType type;
  unsigned position;
};

// Parses an _analyze body. Errors: kParsing (unknown field, wrong value type),
// kActionValidation ("text is missing", "cannot define extra components on a named analyzer"),
// kInvalidArgument (unsupported: explain true, char_filter, normalizer).
Result<AnalyzeRequest> parse_analyze_request(const json::Value& body);

// Analyses the request's texts. `mapping` is the target index's (its analyzers and fields), or
// nullptr for a request without an index. Values of a multi-valued text continue each other's
// positions (plus the analyzer's position_increment_gap) and offsets (plus 1), as in
// Elasticsearch. Errors: kInvalidArgument ("failed to find global analyzer [x]", "No index
// provided, and trying to analyzer based on a specific field which requires the index parameter").
Result<std::vector<AnalyzedToken>> run_analyze_request(const AnalyzeRequest& request, const Mapping* mapping);

}  // namespace quarry::index
