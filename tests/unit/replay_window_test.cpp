#include <boost/test/unit_test.hpp>

#include <set>

#include "base/random.hpp"
#include "record/replay_window.hpp"

using namespace cachet::record;
using V = ReplayWindow::Verdict;

BOOST_AUTO_TEST_SUITE(replay_window)

BOOST_AUTO_TEST_CASE(fresh_duplicate_too_old) {
  ReplayWindow w;  // 64
  BOOST_TEST((w.check(SequenceNumber(5)) == V::kFresh));
  w.mark(SequenceNumber(5));
  BOOST_TEST((w.check(SequenceNumber(5)) == V::kDuplicate));
  BOOST_TEST((w.check(SequenceNumber(4)) == V::kFresh));
  w.mark(SequenceNumber(100));
  BOOST_TEST((w.check(SequenceNumber(100)) == V::kDuplicate));
  BOOST_TEST((w.check(SequenceNumber(37)) == V::kFresh));   // 100-63: inside
  BOOST_TEST((w.check(SequenceNumber(36)) == V::kTooOld));  // 100-64: outside
  BOOST_TEST((w.check(SequenceNumber(5)) == V::kTooOld));
}

// check() never changes anything: an unauthenticated record with a huge
// sequence number checked (but not marked) leaves the window as it was.
BOOST_AUTO_TEST_CASE(check_is_read_only) {
  ReplayWindow w;
  w.mark(SequenceNumber(10));
  for (int i = 0; i < 100; ++i) (void)w.check(SequenceNumber(SequenceNumber::kMax));
  BOOST_TEST(w.highest().value() == 10u);
  BOOST_TEST((w.check(SequenceNumber(9)) == V::kFresh));
}

BOOST_AUTO_TEST_CASE(sizes_are_clamped_and_rounded) {
  BOOST_TEST(ReplayWindow(1).size() == 64u);
  BOOST_TEST(ReplayWindow(100).size() == 128u);
  BOOST_TEST(ReplayWindow(1024).size() == 1024u);
  BOOST_TEST(ReplayWindow(100000).size() == 1024u);
}

// Property test against a reference model (a set of everything marked).
BOOST_AUTO_TEST_CASE(matches_reference_model) {
  for (size_t size : {64u, 128u, 512u, 1024u}) {
    ReplayWindow w(size);
    std::set<uint64_t> seen;
    uint64_t highest = 0;
    bool any = false;
    cachet::DeterministicRandom rnd(size);
    for (int i = 0; i < 20000; ++i) {
      uint64_t base = any ? highest : 0;
      uint64_t s;
      switch (rnd.uniform(4)) {
        case 0: s = base + rnd.uniform(3); break;                          // just ahead
        case 1: s = base >= size + 10 ? base - rnd.uniform(size + 10) : rnd.uniform(base + 1); break;
        case 2: s = base + rnd.uniform(3 * size); break;                   // jumps
        default: s = base >= 5 ? base - rnd.uniform(5) : base; break;      // recent
      }
      V expected;
      if (!any || s > highest) expected = V::kFresh;
      else if (highest - s >= w.size()) expected = V::kTooOld;
      else expected = seen.count(s) ? V::kDuplicate : V::kFresh;
      V got = w.check(SequenceNumber(s));
      if (got != expected) {
        BOOST_ERROR("size " << size << " step " << i << " seq " << s << " mismatch");
        return;
      }
      if (got == V::kFresh && rnd.uniform(3) != 0) {
        w.mark(SequenceNumber(s));
        seen.insert(s);
        if (!any || s > highest) highest = s;
        any = true;
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(max_sequence_number) {
  ReplayWindow w;
  w.mark(SequenceNumber(SequenceNumber::kMax));
  BOOST_TEST((w.check(SequenceNumber(SequenceNumber::kMax)) == V::kDuplicate));
  BOOST_TEST((w.check(SequenceNumber(SequenceNumber::kMax - 1)) == V::kFresh));
  BOOST_TEST((w.check(SequenceNumber(0)) == V::kTooOld));
}

BOOST_AUTO_TEST_SUITE_END()
