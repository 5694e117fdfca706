#pragma once
// Helpers shared by the SQLite sink and store tests: a temporary directory, records at chosen
// times, and small reads of a database through the C API.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "pipeline/record/record.hpp"
#include "pipeline/sinks/sqlite/sqlite_db.hpp"
#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::tests {

namespace fs = std::filesystem;

/// A fresh temporary directory, removed with its content at the end of the test.
class temp_dir_test : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "trapsink-sqlite-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string db_path(const std::string& name = "events.db") const {
    return (dir_ / name).string();
  }
  fs::path dir_;
};

/// A copy of the v2c sample with this id, received at t.
inline pipeline::record_ptr v2c_at(const std::string& id, std::chrono::system_clock::time_point t) {
  auto r = std::make_shared<pipeline::record>(pipeline::samples::sample_v2c());
  r->id = id;
  r->time = t;
  return r;
}

/// `n` v2c records with ids prefix0000.. at t, t + 1 ms, ...
inline std::vector<pipeline::record_ptr> v2c_batch(const std::string& prefix, int n,
                                                   std::chrono::system_clock::time_point t) {
  std::vector<pipeline::record_ptr> out;
  for (int i = 0; i < n; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "%04d", i);
    out.push_back(v2c_at(prefix + id, t + std::chrono::milliseconds(i)));
  }
  return out;
}

/// One integer from a query ("SELECT count(*) FROM events").
inline std::int64_t scalar(pipeline::sinks::sqlite::connection& db, const std::string& sql) {
  pipeline::sinks::sqlite::statement st(db, sql);
  EXPECT_EQ(st.step(), SQLITE_ROW) << sql << ": " << db.errmsg();
  return st.column_int(0);
}

/// One text value from a query.
inline std::string text(pipeline::sinks::sqlite::connection& db, const std::string& sql) {
  pipeline::sinks::sqlite::statement st(db, sql);
  EXPECT_EQ(st.step(), SQLITE_ROW) << sql << ": " << db.errmsg();
  return st.column_text(0);
}

/// A read-write connection for inspecting or tampering with a database.
inline pipeline::sinks::sqlite::connection open_rw(const std::string& path) {
  return pipeline::sinks::sqlite::connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
}

}  // namespace trapsink::tests
