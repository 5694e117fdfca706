#pragma once
// Test helpers for the configuration tests: a scratch directory per test, files written into it,
// and error capture.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "receiver/server.hpp"

namespace trapsink::config::test {

/// Bytes from hex without separators.
inline std::vector<std::byte> bytes(std::string_view hex) {
  std::vector<std::byte> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

/// The message validate() refuses `o` with (a test failure if it accepts it).
inline std::string validate_error(receiver::server_options o) {
  try {
    validate(o);
  } catch (const config_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "validated";
  return {};
}

/// A fixture with its own scratch directory (removed afterwards).
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("trapsink-config-") + info->test_suite_name() + "-" + info->name() + "-" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// Write a file in the scratch directory; returns its path.
  std::string write(const std::string& name, std::string_view text) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  /// The path of the configuration file load() writes.
  std::string config_path() const { return (dir_ / "trapsink.yaml").string(); }

  /// Defaults, then the YAML text as the configuration file.
  receiver::server_options load(std::string_view yaml) {
    auto o = receiver::default_server_options();
    apply_config_file(write("trapsink.yaml", yaml), o);
    return o;
  }

  /// The message of the config_error loading yaml throws ("" and a failure when it loads).
  std::string error(std::string_view yaml) {
    try {
      load(yaml);
    } catch (const config_error& e) {
      return e.what();
    }
    ADD_FAILURE() << "accepted:\n" << yaml;
    return {};
  }

  /// "PATH:LOCATION: " for the configuration file, e.g. at("3:5").
  std::string at(std::string_view location) const {
    return config_path() + ":" + std::string(location) + ": ";
  }

  std::filesystem::path dir_;
};

/// Expect message to start with prefix and contain every one of parts.
inline void expect_message(const std::string& message, const std::string& prefix,
                           std::initializer_list<std::string_view> parts) {
  EXPECT_TRUE(message.starts_with(prefix))
      << "message: " << message << "\nexpected prefix: " << prefix;
  for (auto p : parts) {
    EXPECT_NE(message.find(p), std::string::npos)
        << "message: " << message << "\nexpected to contain: " << p;
  }
  EXPECT_EQ(message.find('\n'), std::string::npos) << "message is not one line: " << message;
}

}  // namespace trapsink::config::test
