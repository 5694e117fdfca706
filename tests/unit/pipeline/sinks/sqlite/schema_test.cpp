// The migration framework: steps applied in order, only the missing ones, each in its own
// transaction; a failing step leaves the database at the previous version; newer refused.
#include "pipeline/sinks/sqlite/schema.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "tests/unit/pipeline/sinks/sqlite/sqlite_test_util.hpp"

namespace trapsink::pipeline::sinks::sqlite {
namespace {

using tests::open_rw;
using tests::scalar;

class SqliteSchema : public tests::temp_dir_test {};

/// Which steps ran, in order (the steps are plain functions, so the log is global).
std::vector<int>& ran() {
  static std::vector<int> v;
  return v;
}

void step1(connection& db) {
  ran().push_back(1);
  db.exec("CREATE TABLE t (a INTEGER)");
}
void step2(connection& db) {
  ran().push_back(2);
  db.exec("ALTER TABLE t ADD COLUMN b TEXT; CREATE INDEX t_b ON t(b)");
}
void step2_fails(connection& db) {
  ran().push_back(2);
  db.exec("CREATE TABLE half_done (x INTEGER)");
  db.exec("THIS IS NOT SQL");
}

constexpr std::array<migration, 1> only_v1{{{1, "t", &step1}}};
constexpr std::array<migration, 2> v1_v2{{{1, "t", &step1}, {2, "t.b", &step2}}};
constexpr std::array<migration, 2> v1_bad_v2{{{1, "t", &step1}, {2, "broken", &step2_fails}}};

TEST_F(SqliteSchema, AppliesEveryStepInOrderToANewDatabase) {
  ran().clear();
  auto db = open_rw(db_path());
  EXPECT_EQ(migrate(db, "test.db", v1_v2), 0);  // the version before
  EXPECT_EQ(ran(), (std::vector<int>{1, 2}));
  EXPECT_EQ(db.pragma_int("user_version"), 2);
  db.exec("INSERT INTO t (a, b) VALUES (1, 'x')");
}

TEST_F(SqliteSchema, AppliesOnlyTheMissingSteps) {
  {
    auto db = open_rw(db_path());
    migrate(db, "test.db", only_v1);
    db.exec("INSERT INTO t (a) VALUES (42)");
  }
  ran().clear();
  auto db = open_rw(db_path());
  EXPECT_EQ(migrate(db, "test.db", v1_v2), 1);
  EXPECT_EQ(ran(), (std::vector<int>{2}));  // adding version 2 is one function
  EXPECT_EQ(db.pragma_int("user_version"), 2);
  EXPECT_EQ(scalar(db, "SELECT a FROM t WHERE b IS NULL"), 42);  // data carried over
  ran().clear();
  EXPECT_EQ(migrate(db, "test.db", v1_v2), 2);  // up to date: nothing runs
  EXPECT_TRUE(ran().empty());
}

TEST_F(SqliteSchema, AFailedStepIsRolledBackAndTheVersionStays) {
  auto db = open_rw(db_path());
  migrate(db, "test.db", only_v1);
  ran().clear();
  EXPECT_THROW(migrate(db, "test.db", v1_bad_v2), sqlite_error);
  EXPECT_EQ(ran(), (std::vector<int>{2}));
  EXPECT_EQ(db.pragma_int("user_version"), 1);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'"), 0);
  EXPECT_EQ(sqlite3_get_autocommit(db.get()), 1);  // no transaction left open
}

TEST_F(SqliteSchema, ANewerDatabaseIsRefusedAndUntouched) {
  auto db = open_rw(db_path());
  migrate(db, "test.db", v1_v2);
  ran().clear();
  try {
    migrate(db, "test.db", only_v1);
    FAIL() << "migrated a newer database";
  } catch (const schema_error& e) {
    EXPECT_NE(std::string(e.what()).find("'test.db' has schema version 2, newer than this "
                                         "trapsink knows (1)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(ran().empty());
  EXPECT_EQ(db.pragma_int("user_version"), 2);
}

TEST_F(SqliteSchema, TheRealStepsAreNumberedFromOne) {
  const auto steps = migrations();
  ASSERT_FALSE(steps.empty());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(steps[i].summary.empty());
  }
  EXPECT_EQ(current_schema_version(), steps.back().version);
}

TEST_F(SqliteSchema, IdentityOfAnEmptyFile) {
  auto db = open_rw(db_path());
  EXPECT_EQ(check_identity(db, 1, "x"), 0);  // empty: ours to create
  db.exec("CREATE TABLE foreign_table (x)");
  EXPECT_THROW(check_identity(db, 1, "x"), schema_error);
}

}  // namespace
}  // namespace trapsink::pipeline::sinks::sqlite
