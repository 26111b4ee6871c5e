// The checkpoint of a `quarry load` run, which makes it resumable after an interruption
// (Ctrl-C, a crash, a server that went away): how far the inputs have been loaded, counted in
// input records acknowledged by the server without a gap, and what each input was (so that a
// resume refuses an input that changed).
//
// On disk it is a small JSON file, replaced atomically (written to a temporary file that is then
// renamed), so a reader sees either the previous or the next state, never a torn one:
//   {"quarry_load_checkpoint":1,"index":"reviews","input_count":2,"complete_inputs":0,
//    "records":12000,"inputs":[{"name":"a.csv","size":123,"mtime_ns":..,"head_bytes":65536,
//    "head_xxh64":"9f0c..."}]}
// inputs[0..complete_inputs) are loaded to their end; of inputs[complete_inputs] (if listed)
// the first `records` records are. Free functions and plain values; no state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "index/status.h"
#include "server/cli/input_reader.h"

namespace quarry::cli {

// What an input was: its size and modification time when it is a regular file, and a hash of
// its first bytes (after decompression) in every case, stdin included.
struct InputIdentity {
  std::string name;
  int64_t size = -1;
  int64_t mtime_ns = -1;
  uint64_t head_bytes = 0;
  uint64_t head_hash = 0;
};

// How many first bytes of an input identify it.
constexpr size_t kIdentityHeadBytes = 64 << 10;

// The identity of an opened input whose first bytes (InputReader::peek) are `head`.
InputIdentity identify_input(const InputReader& input, std::string_view head);

// Why `now` is not the input `then` describes; "" when it is the same.
std::string identity_mismatch(const InputIdentity& then, const InputIdentity& now);

struct LoadCheckpoint {
  std::string index;
  uint64_t input_count = 0;
  uint64_t complete_inputs = 0;
  uint64_t records = 0;
  std::vector<InputIdentity> inputs;
};

// Replaces `path` atomically. IOError when it cannot be written.
Status write_checkpoint(const std::string& path, const LoadCheckpoint& checkpoint);

// nullopt when `path` does not exist; Corruption when it is not a checkpoint.
Result<std::optional<LoadCheckpoint>> read_checkpoint(const std::string& path);

}  // namespace quarry::cli
