/* Cachet OpenSSL-compatible headers: pre-3.0 name for types.h. */
/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif
#include <openssl/types.h>
