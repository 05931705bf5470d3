// Drives two cachet::Connection endpoints over netsim in virtual time.
#pragma once

#include <cachet/cachet.hpp>

#include <memory>
#include <string>

#include "netsim/netsim.hpp"
#include "test_util.hpp"

namespace cachet::test {

inline std::string pki(const std::string& name) { return data_path("pki/" + name); }

struct Link {
  std::unique_ptr<Connection> client;
  std::unique_ptr<Connection> server;
  netsim::Network net;
  Instant now{};
  const netsim::Address client_addr{1, 40000}, server_addr{2, 4433};

  Link(std::shared_ptr<const Context> client_ctx, std::shared_ptr<const Context> server_ctx, uint64_t seed = 1,
       netsim::Impairments imp = {}, std::string_view server_name = "server.example", const Session& session = {})
      : net(seed, std::move(imp)) {
    auto c = Connection::client(std::move(client_ctx), server_name, session);
    const uint8_t addr[6] = {127, 0, 0, 1, 0x9c, 0x40};
    auto s = Connection::server(std::move(server_ctx), addr);
    if (!c || !s) throw std::runtime_error("cannot create connections");
    client = std::move(c).value();
    server = std::move(s).value();
  }

  void pump(Connection& from, netsim::Address src, netsim::Address dst) {
    while (auto d = from.poll_transmit()) net.send(src, dst, std::move(*d), now);
  }

  // Runs until both sides are established (or one fails, or `limit` of
  // virtual time passes). Returns true when both are established.
  bool handshake(Duration limit = std::chrono::minutes(5)) {
    if (!client->start(now)) return false;
    const Instant end = now + limit;
    for (;;) {
      pump(*client, client_addr, server_addr);
      pump(*server, server_addr, client_addr);
      if (client->is_established() && server->is_established()) return true;
      if (client->state() == ConnectionState::kFailed || server->state() == ConnectionState::kFailed) return false;
      std::optional<Instant> next = net.next_delivery();
      for (auto t : {client->next_timeout(), server->next_timeout()}) {
        if (t && (!next || *t < *next)) next = t;
      }
      if (!next || *next > end) return false;
      now = std::max(now, *next);
      for (auto& d : net.deliver(now)) {
        (d.to == server_addr ? *server : *client).handle_datagram(d.bytes, now);
      }
      for (Connection* c : {client.get(), server.get()}) {
        if (c->next_timeout() && *c->next_timeout() <= now) c->handle_timeout(now);
      }
    }
  }

  // Delivers everything in flight (virtual time jumps ahead).
  void settle() {
    for (int i = 0; i < 100; ++i) {
      pump(*client, client_addr, server_addr);
      pump(*server, server_addr, client_addr);
      auto next = net.next_delivery();
      if (!next) return;
      now = std::max(now, *next);
      for (auto& d : net.deliver(now)) (d.to == server_addr ? *server : *client).handle_datagram(d.bytes, now);
    }
  }
};

}  // namespace cachet::test
