#pragma once
// /api/events: the query parameters of the HTTP API turned into a store::query (the same
// filters as `trapsink query`, parsed by the same functions), the opaque paging cursor, and the
// JSON answer (docs/http.md).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/event_store.hpp"
#include "store/query.hpp"

namespace trapsink::http {

/// Query-string parameters: every value of every name, percent-decoded ('+' is a space).
using query_params = std::multimap<std::string, std::string>;

/// Split and decode "a=1&b=x%20y". Malformed percent escapes throw store::usage_error.
query_params parse_query_string(std::string_view qs);

/// Most events one page may hold (limit=0 or more is capped to this).
inline constexpr std::size_t max_page = 1000;

/// The store query for these parameters: since, until, source, trap, varbind (repeatable),
/// text, limit (1..1000, default 100), cursor. Unknown parameters and bad values throw
/// store::usage_error naming the parameter.
store::query build_events_query(const query_params& params);

/// The cursor that continues after event e (opaque to clients: "v1.<time>.<seq>" in base64url).
std::string encode_cursor(const store::event& e);
/// The position a cursor names; throws store::usage_error when it is not one of ours.
store::query::position decode_cursor(std::string_view cursor);

/// The JSON answer: {"events":[RECORD...],"count":N,"next_cursor":"..."|null}. next_cursor is
/// set when the page is full (there may be more).
std::string events_json(const std::vector<store::event>& events, std::size_t limit);

/// {"error":"MESSAGE"} (and more members, already encoded, when `extra` is not empty).
std::string error_json(std::string_view message, std::string_view extra = {});

}  // namespace trapsink::http
