// Appending JSON text by hand, for the hot paths of the CLI (generator, bulk action lines) that
// would pay too much for a DOM. Free functions, no state.
#pragma once

#include <string>
#include <string_view>

namespace quarry::cli {

// Appends `s` as a JSON string literal (quotes included), escaping '"', '\\' and control
// characters as RFC 8259 requires. Bytes >= 0x80 are copied as they are (UTF-8 passes through).
void append_json_string(std::string& out, std::string_view s);

}  // namespace quarry::cli
