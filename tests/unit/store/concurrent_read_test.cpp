// A reader (what `trapsink query --follow` does) while the sink writes (WAL): the reader never
// waits for or fails because of the writer, and always sees whole batches with all their
// varbinds; following by seq sees every event exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "pipeline/sink_runner.hpp"
#include "pipeline/sinks/sqlite/sqlite_sink.hpp"
#include "store/event_store.hpp"
#include "tests/unit/pipeline/sinks/sqlite/sqlite_test_util.hpp"

namespace trapsink::store {
namespace {

using namespace std::chrono_literals;

class ConcurrentRead : public tests::temp_dir_test {};

TEST_F(ConcurrentRead, ReaderSeesWholeBatchesWhileTheSinkWrites) {
  constexpr int batches = 60;
  constexpr int per_batch = 50;
  pipeline::sinks::sqlite_sink sink({.path = db_path()});
  std::atomic<bool> done{false};
  std::thread writer([&] {
    const auto now = std::chrono::system_clock::now();
    for (int b = 0; b < batches; ++b) {
      char prefix[8];
      std::snprintf(prefix, sizeof prefix, "B%03d-", b);
      EXPECT_EQ(sink.write(tests::v2c_batch(prefix, per_batch, now)), pipeline::write_result::ok);
      std::this_thread::sleep_for(1ms);
    }
    done = true;
  });

  event_store db(db_path());
  auto check = tests::open_rw(db_path());  // a second reader for whole-batch checks
  std::set<std::string> followed;
  std::int64_t seen = 0;
  int polls = 0;
  bool last_poll = false;
  while (!last_poll) {
    last_poll = done.load();
    const std::int64_t last = db.last_seq();
    query q;
    q.after_seq = seen;
    q.up_to_seq = last;
    q.limit = 0;
    for (const auto& e : db.in_stored_order(q)) {
      EXPECT_TRUE(followed.insert(e.id).second) << "seen twice: " << e.id;
    }
    seen = last;
    // Each snapshot holds whole batches, each event with its six varbinds.
    check.exec("BEGIN");
    const auto events = tests::scalar(check, "SELECT count(*) FROM events");
    const auto varbinds = tests::scalar(check, "SELECT count(*) FROM varbinds");
    check.exec("COMMIT");
    EXPECT_EQ(events % per_batch, 0);
    EXPECT_EQ(varbinds, events * 6);
    ++polls;
  }
  writer.join();
  EXPECT_EQ(followed.size(), static_cast<std::size_t>(batches * per_batch));
  EXPECT_GT(polls, 2);  // the reader really ran while the writer did
  query newest;
  newest.limit = 3;
  const auto top = db.newest(newest);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].id, "B059-0049");
}

}  // namespace
}  // namespace trapsink::store
