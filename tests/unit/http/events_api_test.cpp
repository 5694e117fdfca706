#include "http/events_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace trapsink::http {
namespace {

TEST(EventsApi, QueryStringIsSplitAndDecoded) {
  const auto p = parse_query_string("text=a+b%2Fc&varbind=1.3=4&varbind=1.4&&empty=");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p.find("text")->second, "a b/c");
  EXPECT_EQ(p.count("varbind"), 2u);
  EXPECT_EQ(p.find("empty")->second, "");
  EXPECT_THROW(parse_query_string("text=%zz"), store::usage_error);
  EXPECT_THROW(parse_query_string("text=%4"), store::usage_error);
}

TEST(EventsApi, BuildsTheStoreQuery) {
  const auto q = build_events_query(parse_query_string(
      "source=10.0.0.0%2F8&trap=linkDown&varbind=1.3.6.1.2.1.2.2.1.1.7%3D7&text=x&limit=5000"));
  ASSERT_TRUE(q.source);
  EXPECT_EQ(q.source->to_string(), "10.0.0.0/8");
  ASSERT_TRUE(q.trap && q.trap->name);
  EXPECT_EQ(*q.trap->name, "linkDown");
  ASSERT_EQ(q.varbinds.size(), 1u);
  EXPECT_EQ(q.varbinds[0].oid, "1.3.6.1.2.1.2.2.1.1.7");
  EXPECT_EQ(q.varbinds[0].value, "7");
  EXPECT_EQ(q.text, "x");
  EXPECT_EQ(q.limit, max_page);
  EXPECT_EQ(build_events_query({}).limit, 100u);
  EXPECT_THROW(build_events_query(parse_query_string("limit=0")), store::usage_error);
  EXPECT_THROW(build_events_query(parse_query_string("limit=-1")), store::usage_error);
  EXPECT_THROW(build_events_query(parse_query_string("text=a&text=b")), store::usage_error);
  EXPECT_THROW(build_events_query(parse_query_string("since=2026-01-02&until=2026-01-01")),
               store::usage_error);
  EXPECT_THROW(build_events_query(parse_query_string("page=2")), store::usage_error);
}

TEST(EventsApi, CursorRoundTripsAndRejectsForgeries) {
  store::event e;
  e.time_us = 1763771343123456;
  e.seq = 42;
  const auto c = encode_cursor(e);
  const auto p = decode_cursor(c);
  EXPECT_EQ(p.time_us, e.time_us);
  EXPECT_EQ(p.seq, 42);
  EXPECT_EQ(c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_THROW(decode_cursor("nonsense!"), store::usage_error);
  EXPECT_THROW(decode_cursor("djIuMS4y"), store::usage_error);  // "v2.1.2"
  EXPECT_THROW(decode_cursor("djEueC4y"), store::usage_error);  // "v1.x.2"
}

TEST(EventsApi, PageJsonCarriesTheRecordsAndTheNextCursor) {
  store::event a;
  a.seq = 1;
  a.time_us = 10;
  a.record = R"({"id":"A"})";
  store::event b = a;
  b.seq = 2;
  b.record = R"({"id":"B"})";
  auto full = nlohmann::json::parse(events_json({a, b}, 2));
  EXPECT_EQ(full["events"], nlohmann::json::parse(R"([{"id":"A"},{"id":"B"}])"));
  EXPECT_EQ(full["count"], 2);
  const auto pos = decode_cursor(full["next_cursor"].get<std::string>());
  EXPECT_EQ(pos.seq, 2);
  EXPECT_EQ(pos.time_us, 10);
  auto partial = nlohmann::json::parse(events_json({a}, 2));
  EXPECT_TRUE(partial["next_cursor"].is_null());
  EXPECT_EQ(nlohmann::json::parse(error_json("bad \"x\"")),
            nlohmann::json::parse(R"({"error":"bad \"x\""})"));
}

}  // namespace
}  // namespace trapsink::http
