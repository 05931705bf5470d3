#include <boost/test/unit_test.hpp>

#include "netsim/netsim.hpp"

using namespace cachet;
using namespace cachet::netsim;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(netsim)

BOOST_AUTO_TEST_CASE(perfect_network_delivers_in_order_after_delay) {
  Network net(1, Impairments{.delay = 10ms});
  for (uint8_t i = 0; i < 5; ++i) net.send({1, 1}, {2, 2}, Bytes{i}, Instant{});
  BOOST_TEST(net.deliver(Instant{} + 9ms).empty());
  auto out = net.deliver(Instant{} + 10ms);
  BOOST_TEST_REQUIRE(out.size() == 5u);
  for (uint8_t i = 0; i < 5; ++i) BOOST_TEST(out[i].bytes[0] == i);
  BOOST_TEST((out[0].from == Address{1, 1}));
  BOOST_TEST(net.idle());
}

BOOST_AUTO_TEST_CASE(same_seed_same_run) {
  Impairments imp{.loss = 0.3, .duplicate = 0.2, .reorder = 0.3, .corrupt = 0.1, .delay = 5ms, .jitter = 7ms};
  auto run = [&](uint64_t seed) {
    Network net(seed, imp);
    std::vector<std::pair<int64_t, Bytes>> trace;
    for (int i = 0; i < 200; ++i) net.send({1, 1}, {2, 2}, Bytes(10, static_cast<uint8_t>(i)), Instant{} + std::chrono::milliseconds(i));
    for (auto& d : net.deliver(Instant{} + 1h)) trace.emplace_back(d.deliver_at.since_origin.count(), d.bytes);
    return trace;
  };
  BOOST_TEST((run(5) == run(5)));
  BOOST_TEST((run(5) != run(6)));
}

BOOST_AUTO_TEST_CASE(impairment_rates_are_roughly_right) {
  Impairments imp{.loss = 0.3, .duplicate = 0.1, .reorder = 0.2, .corrupt = 0.05};
  Network net(7, imp);
  for (int i = 0; i < 10000; ++i) net.send({1, 1}, {2, 2}, Bytes(20, 0), Instant{});
  const auto& s = net.stats();
  BOOST_TEST(s.lost > 2700u);
  BOOST_TEST(s.lost < 3300u);
  BOOST_TEST(s.duplicated > 500u);
  BOOST_TEST(s.duplicated < 900u);
  BOOST_TEST(s.reordered > 1200u);
  BOOST_TEST(s.corrupted > 250u);
  auto out = net.deliver(Instant{} + 1s);
  BOOST_TEST(out.size() == s.sent - s.lost + s.duplicated);
}

BOOST_AUTO_TEST_CASE(mtu_and_blackouts) {
  Impairments imp{.mtu = 100, .blackouts = {{Instant{} + 1s, Instant{} + 2s}}};
  Network net(1, imp);
  net.send({1, 1}, {2, 2}, Bytes(101), Instant{});
  net.send({1, 1}, {2, 2}, Bytes(100), Instant{});
  net.send({1, 1}, {2, 2}, Bytes(10), Instant{} + 1500ms);
  net.send({1, 1}, {2, 2}, Bytes(10), Instant{} + 2s);
  BOOST_TEST(net.deliver(Instant{} + 1h).size() == 2u);
  BOOST_TEST(net.stats().too_big == 1u);
  BOOST_TEST(net.stats().blacked_out == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
