// cachet-bench — the measurements, written once against bench::Stack.
#pragma once

#include <string>
#include <vector>

#include "bench.hpp"

namespace bench {

// A measured value, or why there is none.
struct Sample {
  bool ok = false;
  double value = 0;
  std::string error;
  static Sample of(double v) { return Sample{true, v, {}}; }
  static Sample fail(std::string e) { return Sample{false, 0, std::move(e)}; }
};

// Complete handshakes per CPU-second over in-memory queues (`budget` CPU
// seconds of work). Both ends: the process's CPU time. server_only: only
// the CPU time spent in the server's calls (creation, receive, transmit,
// destruction), measured with the thread CPU clock around each call.
Sample handshake_rate(Stack& stack, const Config& config, bool server_only, double budget);

// Application payload MB/s (10^6 bytes) per CPU-second: 1200-byte records
// written by the client and read by the server, both ends in this process;
// over in-memory queues, or over two UDP sockets on 127.0.0.1.
Sample throughput(Stack& stack, const Config& config, double budget, bool udp);

// Heap bytes per endpoint: (established idle) the heap growth of `pairs`
// established pairs divided by 2*pairs (mallinfo2); (peak) the highest heap
// growth while `pairs` pairs handshake in lockstep, divided by 2*pairs.
Sample heap_idle(Stack& stack, const Config& config, int pairs);
Sample heap_peak(Stack& stack, const Config& config, int pairs);

// UDP payload bytes and datagrams of one handshake (both directions).
struct WireCount {
  double bytes = 0, datagrams = 0;
};
bool wire_count(Stack& stack, const Config& config, WireCount& out, std::string& error);

// The loss-test endpoints (real UDP on 127.0.0.1, real time). The server
// prints "PORT n" and serves until killed; the client makes `count`
// handshakes to 127.0.0.1:port, at most `parallel` at a time, each from a
// fresh socket, and prints "T <milliseconds>" per handshake, "F <reason>"
// per failure.
int loss_server(Stack& stack, const Config& config);
int loss_client(Stack& stack, const Config& config, int port, int count, int parallel, double give_up_s);

}  // namespace bench
