// Cachet — the public C++ API. Include this one header.
//
// What is here today: errors and the version. Context, Connection and
// Listener arrive with the DTLS 1.2 handshake (see README.md, "Status").
#pragma once

#include <cachet/error.hpp>
#include <cachet/version.hpp>
