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
