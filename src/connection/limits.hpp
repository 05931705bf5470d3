// Per-connection queue caps (the other buffers an attacker can fill are capped
// where they live: Reassembler::kDefaultMaxBufferedBytes and kWindow,
// RecordLayer::kMaxFutureRecords/kMaxFutureBytes, ReplayWindow::kMaxSize).
// tests/unit/resource_test.cpp checks each against a flood.
#pragma once

#include <cstddef>

namespace cachet::limits {

// Application records received but not yet read; beyond this the oldest is
// dropped (datagram semantics) rather than growing without bound.
inline constexpr size_t kMaxQueuedRecords = 256;
// Datagrams waiting for poll_transmit.
inline constexpr size_t kMaxQueuedDatagrams = 512;

}  // namespace cachet::limits
