// receiver/reload.hpp helpers: the sinks of a configuration, the keys a reload cannot change,
// and the outcome file `trapsink reload` reads.
#include "receiver/reload.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace trapsink::receiver {
namespace {

TEST(Reload, ConfiguredSinksAreTheTopLevelOnesThenTheNamedOnes) {
  auto o = default_server_options();
  o.sqlite = pipeline::sinks::sqlite_options{};
  o.sqlite->path = "events.db";
  named_sink links;
  links.name = "links";
  links.options = pipeline::sinks::jsonl_options{};
  o.sinks.push_back(links);
  const auto sinks = configured_sinks(o);
  ASSERT_EQ(sinks.size(), 3u);
  EXPECT_EQ(sinks[0].name, "jsonl");
  EXPECT_EQ(sinks[1].name, "sqlite");
  EXPECT_EQ(type_name(sinks[1]), "sqlite");
  EXPECT_EQ(sinks[2].name, "links");
  // Same configuration: equal (the reload keeps the running sink); a changed option: not.
  auto again = configured_sinks(o);
  EXPECT_EQ(again[1], sinks[1]);
  std::get<pipeline::sinks::sqlite_options>(again[1].options).retention_rows = 5;
  EXPECT_FALSE(again[1] == sinks[1]);
  again[2].settings.queue_capacity = 10;
  EXPECT_FALSE(again[2] == sinks[2]);
}

TEST(Reload, RestartKeysAreNamed) {
  const auto a = default_server_options();
  auto b = a;
  EXPECT_TRUE(restart_keys_changed(a, b).empty());
  b.communities.communities.push_back({"private", {}});  // reloadable
  b.users.emplace_back();
  EXPECT_TRUE(restart_keys_changed(a, b).empty());
  b.listeners.pop_back();
  b.receive_shards = 4;
  b.state_dir = "/var/lib/trapsink";
  b.http = http::http_options{};
  b.pid_file = "/run/t.pid";
  EXPECT_EQ(
      restart_keys_changed(a, b),
      (std::vector<std::string>{"listen", "receive_shards", "state_dir", "http", "pid_file"}));
}

TEST(Reload, StatusFileRoundTrip) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("trapsink-reload-status-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = reload_status_path((dir / "t.pid").string());
  EXPECT_EQ(path, (dir / "t.pid.reload").string());
  EXPECT_FALSE(read_reload_status(path).has_value());
  write_reload_status(path, {7, false, "c.yaml:3:1: bad\nline"});
  auto s = read_reload_status(path);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->sequence, 7u);
  EXPECT_FALSE(s->ok);
  EXPECT_EQ(s->message, "c.yaml:3:1: bad line");  // one line
  write_reload_status(path, {8, true, "applied"});
  s = read_reload_status(path);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->sequence, 8u);
  EXPECT_TRUE(s->ok);
  {
    std::ofstream f(path, std::ios::trunc);
    f << "garbage\n";
  }
  EXPECT_FALSE(read_reload_status(path).has_value());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace trapsink::receiver
