// The compiled index file: a round trip of every field, and clear errors (never a crash) for
// missing, truncated, corrupt and other-version files.
#include "mibs/index/index_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace trapsink::mibs {
namespace {

namespace fs = std::filesystem;

/// A set that sets every field of every structure to a value other than its default.
mib_set sample_set() {
  mib_set s;
  module_info m1;
  m1.name = "IF-MIB";
  m1.file = "/m/IF-MIB.txt";
  m1.outcome = module_outcome::compiled;
  module_info m2;
  m2.name = "BROKEN-MIB";
  m2.file = "/m/broken.my";
  m2.outcome = module_outcome::missing_import;
  m2.missing_imports = {"RFC-1212", "FOO-TC"};
  m2.diagnostics.push_back({"/m/broken.my", 12, 7, diagnostic::level::warning, "trailing comma"});
  m2.diagnostics.push_back({"/m/broken.my", 40, 1, diagnostic::level::error, "bad \xc3\xa9 byte"});
  s.modules = {m1, m2};

  node table;
  table.oid = {1, 3, 6, 1, 2, 1, 2, 2};
  table.name = "ifTable";
  table.kind = node_kind::table;
  table.access = access::not_accessible;
  table.syntax.base = base_type::sequence_of;
  table.description = "A list of interface entries.\n  Indented line.";

  node row;
  row.oid = {1, 3, 6, 1, 2, 1, 2, 2, 1};
  row.name = "ifEntry";
  row.kind = node_kind::row;
  row.access = access::not_accessible;
  row.syntax.base = base_type::sequence;
  row.index = {{2, "IF-MIB", "ifIndex"}, {node_ref::npos, "OTHER-MIB", "unknownThing"}};
  row.implied = true;
  row.augments = node_ref{0, "IF-MIB", "ifTable"};

  node col;
  col.oid = {1, 3, 6, 1, 2, 1, 2, 2, 1, 0xffffffffu};
  col.name = "ifIndex";
  col.kind = node_kind::column;
  col.access = access::read_create;
  col.status = status::deprecated;
  col.syntax.base = base_type::integer32;
  col.syntax.tc_module = "IF-MIB";
  col.syntax.tc_name = "InterfaceIndex";
  col.syntax.display_hint = "d-2";
  col.syntax.enums = {{"up", 1}, {"down", 2}, {"minus", -5}};
  col.syntax.ranges = {{1, 2147483647}, {-9223372036854775807LL - 1, 9223372036854775807LL}};
  col.syntax.units = "seconds";
  col.defval = "{ up }";
  col.description = "idx";

  node trap;
  trap.oid = {1, 3, 6, 1, 4, 1, 9, 0, 3};
  trap.name = "ciscoTrap";
  trap.module = 1;
  trap.kind = node_kind::notification;
  trap.status = status::obsolete;
  trap.objects = {{2, "IF-MIB", "ifIndex"}};
  trap.trap_type = true;
  trap.enterprise = {1, 3, 6, 1, 4, 1, 9};
  trap.specific = 3;

  s.nodes = {table, row, col, trap};
  return s;
}

void expect_same(const type_info& a, const type_info& b) {
  EXPECT_EQ(a.base, b.base);
  EXPECT_EQ(a.tc_module, b.tc_module);
  EXPECT_EQ(a.tc_name, b.tc_name);
  EXPECT_EQ(a.display_hint, b.display_hint);
  ASSERT_EQ(a.enums.size(), b.enums.size());
  for (std::size_t i = 0; i < a.enums.size(); ++i) {
    EXPECT_EQ(a.enums[i].label, b.enums[i].label);
    EXPECT_EQ(a.enums[i].value, b.enums[i].value);
  }
  ASSERT_EQ(a.ranges.size(), b.ranges.size());
  for (std::size_t i = 0; i < a.ranges.size(); ++i) {
    EXPECT_EQ(a.ranges[i].min, b.ranges[i].min);
    EXPECT_EQ(a.ranges[i].max, b.ranges[i].max);
  }
  EXPECT_EQ(a.units, b.units);
}

void expect_same(const node_ref& a, const node_ref& b) {
  EXPECT_EQ(a.node, b.node);
  EXPECT_EQ(a.module, b.module);
  EXPECT_EQ(a.name, b.name);
}

void expect_same(const std::vector<node_ref>& a, const std::vector<node_ref>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) expect_same(a[i], b[i]);
}

void expect_same(const mib_set& a, const mib_set& b) {
  ASSERT_EQ(a.modules.size(), b.modules.size());
  for (std::size_t i = 0; i < a.modules.size(); ++i) {
    const auto& x = a.modules[i];
    const auto& y = b.modules[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.file, y.file);
    EXPECT_EQ(x.outcome, y.outcome);
    EXPECT_EQ(x.missing_imports, y.missing_imports);
    ASSERT_EQ(x.diagnostics.size(), y.diagnostics.size());
    for (std::size_t j = 0; j < x.diagnostics.size(); ++j) {
      EXPECT_EQ(x.diagnostics[j].file, y.diagnostics[j].file);
      EXPECT_EQ(x.diagnostics[j].line, y.diagnostics[j].line);
      EXPECT_EQ(x.diagnostics[j].column, y.diagnostics[j].column);
      EXPECT_EQ(x.diagnostics[j].severity, y.diagnostics[j].severity);
      EXPECT_EQ(x.diagnostics[j].message, y.diagnostics[j].message);
    }
  }
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    SCOPED_TRACE(a.nodes[i].name);
    const auto& x = a.nodes[i];
    const auto& y = b.nodes[i];
    EXPECT_EQ(x.oid, y.oid);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.module, y.module);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.access, y.access);
    EXPECT_EQ(x.status, y.status);
    expect_same(x.syntax, y.syntax);
    expect_same(x.index, y.index);
    EXPECT_EQ(x.implied, y.implied);
    ASSERT_EQ(x.augments.has_value(), y.augments.has_value());
    if (x.augments) expect_same(*x.augments, *y.augments);
    expect_same(x.objects, y.objects);
    EXPECT_EQ(x.trap_type, y.trap_type);
    EXPECT_EQ(x.enterprise, y.enterprise);
    EXPECT_EQ(x.specific, y.specific);
    EXPECT_EQ(x.defval, y.defval);
    EXPECT_EQ(x.description, y.description);
  }
}

class IndexFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("trapsink-index-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write_bytes(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
  }
  std::string read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  /// The message read_index throws for path, or "" when it does not throw.
  std::string error_of(const fs::path& p) {
    try {
      read_index(p);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

TEST_F(IndexFile, RoundTripKeepsEveryField) {
  const auto set = sample_set();
  const auto path = dir_ / "mibs.idx";
  write_index(set, path);
  const auto back = read_index(path);
  expect_same(set, back);
  // Stable: writing what was read gives the same bytes.
  EXPECT_EQ(encode_index(back), read_bytes(path));
}

TEST_F(IndexFile, EmptySetRoundTrips) {
  const auto path = dir_ / "empty.idx";
  write_index(mib_set{}, path);
  const auto back = read_index(path);
  EXPECT_TRUE(back.modules.empty());
  EXPECT_TRUE(back.nodes.empty());
}

TEST_F(IndexFile, WriteReplacesAtomicallyAndLeavesNoTemporary) {
  const auto path = dir_ / "mibs.idx";
  write_bytes(path, "old contents");
  write_index(sample_set(), path);
  EXPECT_EQ(read_index(path).nodes.size(), 4u);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(IndexFile, WriteIntoMissingDirectoryNamesThePath) {
  const auto path = dir_ / "no" / "such" / "mibs.idx";
  try {
    write_index(sample_set(), path);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path.string() + ": ", 0), 0u) << e.what();
  }
}

TEST_F(IndexFile, MissingFile) {
  const auto path = dir_ / "absent.idx";
  EXPECT_EQ(error_of(path), path.string() + ": No such file or directory");
}

TEST_F(IndexFile, NotAnIndex) {
  const auto path = dir_ / "text.idx";
  write_bytes(path, "IF-MIB DEFINITIONS ::= BEGIN\nEND\n");
  EXPECT_EQ(error_of(path), path.string() + ": not a trapsink MIB index (bad magic)");
}

TEST_F(IndexFile, EveryTruncationIsAnError) {
  const auto bytes = encode_index(sample_set());
  const auto path = dir_ / "cut.idx";
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    write_bytes(path, bytes.substr(0, n));
    const auto err = error_of(path);
    ASSERT_NE(err.find("truncated"), std::string::npos) << "at " << n << ": " << err;
  }
}

TEST_F(IndexFile, EveryFlippedPayloadByteIsCaughtByTheChecksum) {
  const auto bytes = encode_index(sample_set());
  const auto path = dir_ / "flip.idx";
  for (std::size_t i = 32; i < bytes.size(); ++i) {
    auto bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    write_bytes(path, bad);
    ASSERT_EQ(error_of(path), path.string() + ": corrupt (checksum mismatch)") << "byte " << i;
  }
}

TEST_F(IndexFile, TrailingBytesAreCorrupt) {
  const auto path = dir_ / "long.idx";
  write_bytes(path, encode_index(sample_set()) + "x");
  EXPECT_EQ(error_of(path), path.string() + ": corrupt (bytes after the payload)");
}

TEST_F(IndexFile, OtherVersionIsRefusedWithBothNumbers) {
  auto bytes = encode_index(sample_set());
  bytes[8] = 2;  // the version, little-endian, after the 8-byte magic
  const auto path = dir_ / "v2.idx";
  write_bytes(path, bytes);
  EXPECT_EQ(error_of(path), path.string() +
                                ": index format version 2, this trapsink reads version 1 "
                                "(recompile the MIBs)");
}

TEST_F(IndexFile, ValidChecksumOverNonsenseIsAnErrorNotACrash) {
  // Payloads that pass the checksum (the header is resealed) but whose contents are damaged:
  // huge counts, bad enumeration values, references past the end. Each either decodes into a
  // set whose references are all in range or is refused with "corrupt (...)".
  const auto good = encode_index(sample_set());
  std::size_t refused = 0;
  for (unsigned seed = 1; seed < 300; ++seed) {
    std::string payload = good.substr(32);
    unsigned x = seed;
    for (auto& c : payload) {
      x = x * 1103515245u + 12345u;
      if ((x >> 16) % 11 == 0) c = static_cast<char>(x >> 8);
    }
    std::string file = good.substr(0, 16);
    const std::uint64_t size = payload.size();
    const std::uint64_t sum = index_checksum(payload);
    for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>(size >> (8 * i)));
    for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>(sum >> (8 * i)));
    file += payload;
    try {
      const auto set = decode_index(file);
      for (const auto& n : set.nodes) {
        ASSERT_LT(n.module, set.modules.size());
        for (const auto& r : n.index)
          ASSERT_TRUE(r.node == node_ref::npos || r.node < set.nodes.size());
      }
    } catch (const std::runtime_error& e) {
      ASSERT_EQ(std::string(e.what()).rfind("corrupt (", 0), 0u) << e.what();
      ++refused;
    }
  }
  EXPECT_GT(refused, 250u);
}

TEST(BundledIndexPath, EnvironmentWins) {
  ::setenv("TRAPSINK_MIB_INDEX", "/some/where/x.idx", 1);
  const auto p = bundled_index_path();
  ::unsetenv("TRAPSINK_MIB_INDEX");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, fs::path("/some/where/x.idx"));
}

}  // namespace
}  // namespace trapsink::mibs
