// Hexadecimal encoding for diagnostics, the CLI and tests. Never used on secrets
// destined for logs.
#pragma once

#include <cachet/error.hpp>

#include "base/bytes.hpp"

namespace cachet {

std::string to_hex(ByteSpan bytes);
// Accepts upper and lower case; rejects odd lengths and non-hex characters.
Result<Bytes> from_hex(std::string_view hex);

}  // namespace cachet
