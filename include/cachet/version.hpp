// Cachet — library version.
#pragma once

#include <cachet/error.hpp>

#include <string_view>

namespace cachet {

// "0.1.0": the version of the library actually loaded (may differ from the
// headers a program was built with).
CACHET_EXPORT std::string_view version() noexcept;

}  // namespace cachet
