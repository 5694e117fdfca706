#include "receiver/inform_dedup.hpp"

#include <gtest/gtest.h>

namespace trapsink::receiver {
namespace {
using namespace std::chrono_literals;

TEST(InformDedup, RemembersWithinTheWindow) {
  inform_dedup d(10s);
  auto t0 = inform_dedup::clock::time_point{} + 1h;
  inform_dedup::key k{"127.0.0.1|5000", "public", 42};
  EXPECT_FALSE(d.seen(k, t0));
  d.remember(k, t0);
  EXPECT_TRUE(d.seen(k, t0 + 9s));
  EXPECT_FALSE(d.seen(k, t0 + 11s));  // expired
  EXPECT_EQ(d.size(), 0u);
}

TEST(InformDedup, KeyIncludesPeerPrincipalAndRequestId) {
  inform_dedup d(10s);
  auto t0 = inform_dedup::clock::time_point{} + 1h;
  d.remember({"127.0.0.1|5000", "public", 42}, t0);
  EXPECT_FALSE(d.seen({"127.0.0.1|5001", "public", 42}, t0));
  EXPECT_FALSE(d.seen({"127.0.0.1|5000", "private", 42}, t0));
  EXPECT_FALSE(d.seen({"127.0.0.1|5000", "public", 43}, t0));
  EXPECT_TRUE(d.seen({"127.0.0.1|5000", "public", 42}, t0));
}

TEST(InformDedup, CapacityForgetsTheOldestFirst) {
  inform_dedup d(1h, 3);
  auto t0 = inform_dedup::clock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i) d.remember({"p", "c", i}, t0 + std::chrono::seconds(i));
  EXPECT_EQ(d.size(), 3u);
  EXPECT_FALSE(d.seen({"p", "c", 0}, t0 + 5s));
  EXPECT_FALSE(d.seen({"p", "c", 1}, t0 + 5s));
  EXPECT_TRUE(d.seen({"p", "c", 2}, t0 + 5s));
  EXPECT_TRUE(d.seen({"p", "c", 4}, t0 + 5s));
}

}  // namespace
}  // namespace trapsink::receiver

namespace trapsink::receiver {
namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

TEST(InformDedup, PendingHoldsTheLatestResponseUntilSettled) {
  inform_dedup d(std::chrono::seconds(60));
  const auto now = inform_dedup::clock::now();
  const inform_dedup::key k{"192.0.2.1|161", "public", 9};
  d.hold(k, now, bytes({1}));
  auto retransmitted = bytes({2});  // a v3 retransmission: a new msgID, so a new Response
  EXPECT_EQ(d.lookup(k, now, &retransmitted), inform_dedup::state::pending);
  EXPECT_TRUE(d.seen(k, now));
  auto sent = d.settle(k, true);
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(*sent, bytes({2}));
  EXPECT_EQ(d.lookup(k, now), inform_dedup::state::acknowledged);
  EXPECT_FALSE(d.settle(k, true).has_value());  // only a pending inform settles
}

TEST(InformDedup, AFailedConfirmationForgetsTheInform) {
  inform_dedup d(std::chrono::seconds(60));
  const auto now = inform_dedup::clock::now();
  const inform_dedup::key k{"192.0.2.1|161", "public", 9};
  d.hold(k, now, bytes({1}));
  EXPECT_FALSE(d.settle(k, false).has_value());
  EXPECT_EQ(d.lookup(k, now), inform_dedup::state::unseen);  // the retransmission is recorded
  // Held again and expired: the old order entry must not take the new one with it.
  d.hold(k, now + std::chrono::seconds(30), bytes({3}));
  EXPECT_EQ(d.lookup(k, now + std::chrono::seconds(61)), inform_dedup::state::pending);
  EXPECT_EQ(d.lookup(k, now + std::chrono::seconds(91)), inform_dedup::state::unseen);
  EXPECT_EQ(d.size(), 0u);
}

}  // namespace
}  // namespace trapsink::receiver
