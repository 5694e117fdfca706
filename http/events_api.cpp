#include "http/events_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "store/time_spec.hpp"

namespace trapsink::http {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) {
        throw store::usage_error("a '%' escape in the query string is cut short");
      }
      const int hi = hex_digit(s[i + 1]);
      const int lo = hex_digit(s[i + 2]);
      if (hi < 0 || lo < 0) throw store::usage_error("a '%' escape in the query string is not %XX");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

constexpr std::string_view b64url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += b64url[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += b64url[(acc << (6 - bits)) & 0x3F];
  return out;
}

std::optional<std::string> unbase64url(std::string_view in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const auto p = b64url.find(c);
    if (p == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

bool parse_int(std::string_view s, std::int64_t& v) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size() && !s.empty();
}

}  // namespace

query_params parse_query_string(std::string_view qs) {
  query_params out;
  while (!qs.empty()) {
    const auto amp = qs.find('&');
    const std::string_view part = qs.substr(0, amp);
    qs = amp == std::string_view::npos ? std::string_view{} : qs.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    out.emplace(percent_decode(part.substr(0, eq)),
                eq == std::string_view::npos ? std::string{} : percent_decode(part.substr(eq + 1)));
  }
  return out;
}

std::string encode_cursor(const store::event& e) {
  return base64url(fmt::format("v1.{}.{}", e.time_us, e.seq));
}

store::query::position decode_cursor(std::string_view cursor) {
  const auto bad = [] {
    return store::usage_error(
        "cursor: not a cursor this API gave out; pass next_cursor from the previous page as it "
        "is");
  };
  const auto text = unbase64url(cursor);
  if (!text || text->rfind("v1.", 0) != 0) throw bad();
  const std::string_view rest = std::string_view(*text).substr(3);
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos) throw bad();
  store::query::position p;
  if (!parse_int(rest.substr(0, dot), p.time_us) || !parse_int(rest.substr(dot + 1), p.seq)) {
    throw bad();
  }
  return p;
}

store::query build_events_query(const query_params& params) {
  static const std::set<std::string> known{"since", "until", "source", "trap",        "varbind",
                                           "text",  "limit", "cursor", "access_token"};
  for (const auto& [k, v] : params) {
    if (known.count(k) == 0) {
      throw store::usage_error(fmt::format(
          "unknown parameter '{}'; /api/events takes since, until, source, trap, varbind, text, "
          "limit and cursor",
          k));
    }
    if (k != "varbind" && params.count(k) > 1) {
      throw store::usage_error(fmt::format("parameter '{}' is given more than once", k));
    }
  }
  auto one = [&](const char* k) -> const std::string* {
    const auto it = params.find(k);
    return it == params.end() ? nullptr : &it->second;
  };
  store::query q;
  const auto now = std::chrono::system_clock::now();
  auto time_param = [&](const char* k, const std::string& text) {
    try {
      return store::to_micros(store::parse_time(text, now));
    } catch (const store::usage_error& e) {
      throw store::usage_error(fmt::format("{}: {}", k, e.what()));
    }
  };
  if (const auto* v = one("since")) q.since_us = time_param("since", *v);
  if (const auto* v = one("until")) q.until_us = time_param("until", *v);
  if (q.since_us && q.until_us && *q.since_us >= *q.until_us) {
    throw store::usage_error("since must be before until (until is exclusive)");
  }
  try {
    if (const auto* v = one("source"); v && !v->empty()) q.source = store::parse_source(*v);
  } catch (const store::usage_error& e) {
    throw store::usage_error(fmt::format("source: {}", e.what()));
  }
  try {
    if (const auto* v = one("trap"); v && !v->empty()) q.trap = store::parse_trap(*v);
  } catch (const store::usage_error& e) {
    throw store::usage_error(fmt::format("trap: {}", e.what()));
  }
  const auto [lo, hi] = params.equal_range("varbind");
  for (auto it = lo; it != hi; ++it) {
    try {
      q.varbinds.push_back(store::parse_varbind(it->second));
    } catch (const store::usage_error& e) {
      throw store::usage_error(fmt::format("varbind: {}", e.what()));
    }
  }
  if (const auto* v = one("text"); v && !v->empty()) q.text = *v;
  q.limit = 100;
  if (const auto* v = one("limit")) {
    std::int64_t n = 0;
    if (!parse_int(*v, n) || n < 1) {
      throw store::usage_error(
          fmt::format("limit: '{}' is not a whole number from 1 to {}", *v, max_page));
    }
    q.limit = static_cast<std::size_t>(std::min<std::int64_t>(n, max_page));
  }
  if (const auto* v = one("cursor"); v && !v->empty()) q.before = decode_cursor(*v);
  return q;
}

std::string events_json(const std::vector<store::event>& events, std::size_t limit) {
  std::string out = "{\"events\":[";
  bool first = true;
  for (const auto& e : events) {
    if (!first) out += ',';
    first = false;
    out += e.record;  // the record JSON as stored: valid JSON, one line
  }
  out += fmt::format("],\"count\":{},\"next_cursor\":", events.size());
  if (limit > 0 && events.size() == limit && !events.empty()) {
    out += '"' + encode_cursor(events.back()) + '"';
  } else {
    out += "null";
  }
  out += "}\n";
  return out;
}

std::string error_json(std::string_view message, std::string_view extra) {
  nlohmann::json j;
  j["error"] = std::string(message);
  std::string out = j.dump();
  if (!extra.empty()) {
    out.pop_back();
    out += ',';
    out += extra;
    out += '}';
  }
  out += '\n';
  return out;
}

}  // namespace trapsink::http
