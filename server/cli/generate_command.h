// `quarry generate`: writes N synthetic reviews (review_generator.h) as NDJSON.
//
// Output goes through a 4 MB buffer to a FILE* (stdout or the --out file). Deterministic for a
// (seed, games) pair. Single-threaded; no state outside the call.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "index/status.h"

namespace quarry::cli {

struct GenerateOptions {
  uint64_t count = 0;
  uint64_t seed = 42;
  int games = 150;
  std::string out_path;  // empty or "-": stdout
};

// Writes options.count reviews to `out`. Returns IOError if a write fails.
Status write_reviews(const GenerateOptions& options, std::FILE* out);

// Opens options.out_path (or uses stdout) and writes the reviews; the file is flushed and closed.
Status run_generate(const GenerateOptions& options);

}  // namespace quarry::cli
