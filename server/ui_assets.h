// The review explorer's static files (server/ui/), embedded in the binary at build time by
// server/ui/embed_ui.cmake. Immutable data with static storage: safe from any thread.
#pragma once

#include <span>
#include <string_view>

namespace quarry::server {

struct UiAsset {
  std::string_view name;  // file name under server/ui/, e.g. "app.js"
  std::string_view data;  // the file's bytes
  std::string_view etag;  // strong ETag, quoted: "\"<16 hex digits of its SHA-256>\""
};

// Every embedded file, in the order server/CMakeLists.txt lists them.
std::span<const UiAsset> ui_assets();

}  // namespace quarry::server
