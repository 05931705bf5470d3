// Cachet — the public C++ API. Include this one header.
#pragma once

#include <cachet/connection.hpp>
#include <cachet/context.hpp>
#include <cachet/error.hpp>
#include <cachet/listener.hpp>
#include <cachet/pki.hpp>
#include <cachet/session.hpp>
#include <cachet/time.hpp>
#include <cachet/udp.hpp>
#include <cachet/version.hpp>
