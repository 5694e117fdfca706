#include "config/parse_util.hpp"

#include "config/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace trapsink::config::detail {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<snmp::usm::key_bytes> parse_hex(std::string_view text, std::string& why) {
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  snmp::usm::key_bytes out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (!out.empty() && (s[i] == ':' || s[i] == ' ')) {
      ++i;
      while (i < s.size() && s[i] == ' ') ++i;  // "aa : bb", "aa  bb"
      if (i == s.size()) {
        why = "it ends with a separator";
        return std::nullopt;
      }
    }
    if (i + 1 >= s.size() || hex_value(s[i]) < 0 || hex_value(s[i + 1]) < 0) {
      why = i + 1 >= s.size() && hex_value(s[i]) >= 0
                ? "it has an odd number of hex digits (each octet is two digits)"
                : "it is not hex octets (two hex digits per octet, optionally \"0x\" first and "
                  "':' or spaces between octets)";
      return std::nullopt;
    }
    out.push_back(static_cast<std::byte>(hex_value(s[i]) * 16 + hex_value(s[i + 1])));
    i += 2;
  }
  if (out.empty()) {
    why = "it is empty";
    return std::nullopt;
  }
  return out;
}

std::string to_hex(std::span<const std::byte> octets) {
  std::string out;
  out.reserve(octets.size() * 2);
  for (auto b : octets) out += fmt::format("{:02x}", static_cast<unsigned>(b));
  return out;
}

std::string engine_id_problem(std::span<const std::byte> id) {
  if (id.size() < 5 || id.size() > 32) {
    return fmt::format("an engine ID is 5 to 32 octets (RFC 3411 SnmpEngineID), this one is {}",
                       id.size());
  }
  if (std::all_of(id.begin(), id.end(), [](std::byte b) { return b == std::byte{0}; })) {
    return "an engine ID may not be all zeros (RFC 3411 SnmpEngineID)";
  }
  if (std::all_of(id.begin(), id.end(), [](std::byte b) { return b == std::byte{0xff}; })) {
    return "an engine ID may not be all 'ff'H (RFC 3411 SnmpEngineID)";
  }
  return {};
}

std::optional<snmp::usm::key_bytes> parse_engine_id_text(std::string_view text, std::string& why) {
  auto id = parse_hex(text, why);
  if (!id) return std::nullopt;
  why = engine_id_problem(*id);
  if (!why.empty()) return std::nullopt;
  return id;
}

std::vector<std::size_t> allowed_key_lengths(snmp::usm::key_source::kind how,
                                             snmp::usm::auth_protocol auth,
                                             snmp::usm::priv_protocol priv) {
  std::vector<std::size_t> out{snmp::usm::key_length(auth)};
  if (priv != snmp::usm::priv_protocol::none &&
      how == snmp::usm::key_source::kind::localized_key &&
      snmp::usm::key_length(priv) < out.front()) {
    out.push_back(snmp::usm::key_length(priv));
  }
  return out;
}

void normalize_priv_key(snmp::usm::key_source& k, snmp::usm::auth_protocol auth) {
  if (k.how == snmp::usm::key_source::kind::localized_key &&
      k.key.size() < snmp::usm::key_length(auth)) {
    k.key.resize(snmp::usm::key_length(auth), std::byte{0});
  }
}

std::string describe_lengths(const std::vector<std::size_t>& lengths) {
  std::string octets;
  std::string digits;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    const char* sep = i == 0 ? "" : " or ";
    octets += fmt::format("{}{}", sep, lengths[i]);
    digits += fmt::format("{}{}", sep, lengths[i] * 2);
  }
  return fmt::format("{} octets ({} hex digits)", octets, digits);
}

std::string auth_protocol_names() {
  using snmp::usm::auth_protocol;
  std::string out;
  for (auto p : {auth_protocol::md5, auth_protocol::sha1, auth_protocol::sha224,
                 auth_protocol::sha256, auth_protocol::sha384, auth_protocol::sha512}) {
    if (!out.empty()) out += ", ";
    out += snmp::usm::name(p);
  }
  return out;
}

std::string priv_protocol_names() {
  using snmp::usm::priv_protocol;
  std::string out;
  for (auto p : {priv_protocol::des, priv_protocol::des3, priv_protocol::aes128,
                 priv_protocol::aes192, priv_protocol::aes256, priv_protocol::aes192_reeder,
                 priv_protocol::aes256_reeder}) {
    if (!out.empty()) out += ", ";
    out += snmp::usm::name(p);
  }
  return out;
}

std::string closest(std::string_view word, std::span<const std::string_view> known) {
  std::string best;
  std::size_t best_distance = 0;
  for (auto k : known) {
    const std::size_t d = edit_distance(word, k);
    // Close: a typo or two, or a third of the word for long ones ("comunities", "listen_on").
    const std::size_t limit = std::max<std::size_t>(2, k.size() / 3);
    if (d <= limit && (best.empty() || d < best_distance)) {
      best = std::string(k);
      best_distance = d;
    }
  }
  return best;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string> read_text_file(const std::string& path, std::string& why) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    why = "it is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    why = "read error";
    return std::nullopt;
  }
  return std::move(text).str();
}

std::string origin_prefix(const snmp::usm::user_config& u) {
  return u.origin.empty() ? std::string() : u.origin + ": ";
}

void check_unique_names(const std::vector<snmp::usm::user_config>& users) {
  std::map<std::string_view, const snmp::usm::user_config*> seen;
  for (const auto& u : users) {
    auto [it, inserted] = seen.emplace(u.name, &u);
    if (inserted) continue;
    const std::string first = it->second->origin.empty() ? "elsewhere" : it->second->origin;
    throw config_error(fmt::format(
        "{}user '{}' is already defined at {}; user names must be unique: remove or rename "
        "one of them (for one user sending from several engines, list the engine IDs in "
        "engine_ids of a single user)",
        origin_prefix(u), u.name, first));
  }
}

}  // namespace trapsink::config::detail
