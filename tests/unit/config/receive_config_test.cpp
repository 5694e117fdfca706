// receive_shards and receive_buffer (docs/configuration.md#receive_shards-receive_buffer).
#include <gtest/gtest.h>

#include <thread>

#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

using ReceiveConfigTest = ConfigTest;

TEST_F(ReceiveConfigTest, DefaultsAreOneShardPerCoreAndEightMiB) {
  const auto o = receiver::default_server_options();
  EXPECT_EQ(o.receive_shards, 0u);
  EXPECT_EQ(o.receive_buffer, 8u * 1024 * 1024);
  EXPECT_EQ(receiver::effective_receive_shards(0),
            std::max(1u, std::thread::hardware_concurrency()));
  EXPECT_EQ(receiver::effective_receive_shards(3), 3u);
  EXPECT_NE(
      describe(o).find("receive_shards: " + std::to_string(receiver::effective_receive_shards(0)) +
                       " (one per core), receive_buffer: 8388608 bytes\n"),
      std::string::npos)
      << describe(o);
}

TEST_F(ReceiveConfigTest, KeysAreRead) {
  auto o = load("receive_shards: 4\nreceive_buffer: 33554432\n");
  EXPECT_EQ(o.receive_shards, 4u);
  EXPECT_EQ(o.receive_buffer, 33554432u);
  EXPECT_NE(describe(o).find("receive_shards: 4, receive_buffer: 33554432 bytes\n"),
            std::string::npos)
      << describe(o);
  o = load("receive_shards: 0\nreceive_buffer: 0\n");
  EXPECT_EQ(o.receive_shards, 0u);
  EXPECT_EQ(o.receive_buffer, 0u);
  EXPECT_NE(describe(o).find("receive_buffer: kernel default\n"), std::string::npos);
}

TEST_F(ReceiveConfigTest, OutOfRangeIsRefusedWithItsLocation) {
  expect_message(error("receive_shards: 257\n"), at("1:17"),
                 {"receive_shards: 257 is out of range; expected an integer from 0 to 256"});
  expect_message(error("receive_buffer: 1073741825\n"), at("1:17"),
                 {"receive_buffer: 1073741825 is out of range; expected an integer from 0 to "
                  "1073741824"});
  expect_message(error("receive_shards: many\n"), at("1:17"),
                 {"receive_shards: 'many' is not an integer"});
}

}  // namespace
}  // namespace trapsink::config::test
