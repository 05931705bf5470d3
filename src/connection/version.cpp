#include <cachet/version.hpp>

#include "config.h"

namespace cachet {

std::string_view version() noexcept { return PACKAGE_VERSION; }

}  // namespace cachet
