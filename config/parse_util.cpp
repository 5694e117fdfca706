#include "config/parse_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "config/config.hpp"

namespace trapsink::config::detail {
namespace {

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

std::optional<snmp::usm::key_bytes> parse_engine_id_text(std::string_view text, std::string& why) {
  return snmp::engine::parse_engine_id(text, &why);
}

std::vector<std::size_t> allowed_key_lengths(snmp::usm::key_source::kind how,
                                             snmp::usm::auth_protocol auth,
                                             snmp::usm::priv_protocol priv) {
  std::vector<std::size_t> out{snmp::usm::key_length(auth)};
  if (priv != snmp::usm::priv_protocol::none && how == snmp::usm::key_source::kind::localized_key &&
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
  for (auto p :
       {priv_protocol::des, priv_protocol::des3, priv_protocol::aes128, priv_protocol::aes192,
        priv_protocol::aes256, priv_protocol::aes192_reeder, priv_protocol::aes256_reeder}) {
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
