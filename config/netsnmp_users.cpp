#include "config/netsnmp_users.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>
#include <tuple>

#include "config/config.hpp"
#include "config/parse_util.hpp"

namespace trapsink::config {
namespace {

using snmp::usm::auth_protocol;
using snmp::usm::key_source;
using snmp::usm::priv_protocol;
using snmp::usm::user_config;

constexpr std::string_view synopsis =
    "createUser [-e ENGINEID] NAME [AUTHPROTOCOL AUTHPASS [PRIVPROTOCOL [PRIVPASS]]]";

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/// One word of a line, as Net-SNMP's copy_nword splits them.
struct word {
  std::string text;
  bool quoted = false;
};

/// Split the rest of a line into words: whitespace separates, "..." and '...' group (a backslash
/// takes the next character literally, inside quotes or not), a word starting with '#' ends the
/// line. False when a quote is not closed.
bool split_words(std::string_view line, std::vector<word>& out) {
  std::size_t i = 0;
  const std::size_t n = line.size();
  for (;;) {
    while (i < n && is_space(line[i])) ++i;
    if (i == n || line[i] == '#') return true;
    word w;
    if (line[i] == '"' || line[i] == '\'') {
      const char quote = line[i++];
      w.quoted = true;
      bool closed = false;
      while (i < n) {
        if (line[i] == '\\' && i + 1 < n) {
          w.text += line[i + 1];
          i += 2;
        } else if (line[i] == quote) {
          ++i;
          closed = true;
          break;
        } else {
          w.text += line[i++];
        }
      }
      if (!closed) return false;
    } else {
      while (i < n && !is_space(line[i])) {
        if (line[i] == '\\' && i + 1 < n) {
          w.text += line[i + 1];
          i += 2;
        } else {
          w.text += line[i++];
        }
      }
    }
    out.push_back(std::move(w));
  }
}

class create_user_parser {
 public:
  create_user_parser(std::span<const word> words, std::string origin)
      : w_(words), origin_(std::move(origin)) {}

  user_config parse() {
    user_config u;
    u.origin = origin_;
    std::size_t i = 0;
    // -M: Net-SNMP's undocumented "keep the master key" (for informs); trapsink keeps what it
    // needs anyway.
    if (flag(i, "-M")) ++i;
    if (flag(i, "-e")) {
      if (i + 1 >= w_.size()) fail("-e needs an engine ID in hex, e.g. -e 0x8000000001020304");
      std::string why;
      auto id = detail::parse_engine_id_text(w_[i + 1].text, why);
      if (!id) fail(fmt::format("-e '{}': {}", w_[i + 1].text, why));
      u.engine_ids.push_back(std::move(*id));
      i += 2;
    }
    if (i >= w_.size()) fail(fmt::format("no user name; the form is {}", synopsis));
    if (!w_[i].quoted && w_[i].text.starts_with('-')) {
      fail(fmt::format("only -e ENGINEID may come before the user name; the form is {}", synopsis));
    }
    u.name = w_[i].text;
    if (u.name.empty()) fail("the user name is empty; a user name is 1 to 32 octets");
    if (u.name.size() > 32) {
      fail("the user name is longer than 32 octets (usmUserName is 1 to 32 octets)");
    }
    name_ = u.name;
    ++i;
    if (i == w_.size()) return u;  // noAuthNoPriv

    auto auth = snmp::usm::parse_auth_protocol(w_[i].text);
    if (!auth || *auth == auth_protocol::none) {
      // The word is not repeated: it may be a passphrase given without its protocol.
      fail(
          user(fmt::format("the word after the user name must be an authentication protocol "
                           "({})",
                           detail::auth_protocol_names())));
    }
    u.auth = *auth;
    ++i;
    if (i == w_.size()) {
      fail(
          user(fmt::format("{} needs an authentication passphrase (or -m or -l and a key in hex) "
                           "after it",
                           snmp::usm::name(u.auth))));
    }
    i = secret(i, "authentication", u.auth, priv_protocol::none, u.auth_key);
    if (i == w_.size()) return u;  // authNoPriv

    auto priv = snmp::usm::parse_priv_protocol(w_[i].text);
    if (!priv || *priv == priv_protocol::none) {
      fail(
          user(fmt::format("the word after the authentication passphrase must be a privacy "
                           "protocol ({}); quote a passphrase that contains spaces",
                           detail::priv_protocol_names())));
    }
    u.priv = *priv;
    ++i;
    if (i == w_.size()) {
      // Net-SNMP: without a privacy passphrase the authentication secret is used.
      u.priv_key = u.auth_key;
      return u;
    }
    i = secret(i, "privacy", u.auth, u.priv, u.priv_key);
    detail::normalize_priv_key(u.priv_key, u.auth);
    if (i != w_.size()) {
      fail(
          user("unexpected words after the privacy passphrase; quote a passphrase that contains "
               "spaces"));
    }
    return u;
  }

 private:
  bool flag(std::size_t i, std::string_view f) const {
    return i < w_.size() && !w_[i].quoted && w_[i].text == f;
  }

  std::string user(std::string_view msg) const { return fmt::format("user '{}': {}", name_, msg); }

  [[noreturn]] void fail(std::string_view msg) const {
    throw config_error(fmt::format("{}: createUser: {}", origin_, msg));
  }

  /// Read a passphrase, or -m/-l and a hex key, at i into out; returns the index after it.
  std::size_t secret(std::size_t i, std::string_view what, auth_protocol auth, priv_protocol priv,
                     key_source& out) const {
    if (flag(i, "-m") || flag(i, "-l")) {
      const bool master = w_[i].text == "-m";
      const std::string_view kind = master ? "master" : "localized";
      if (i + 1 >= w_.size()) {
        fail(user(fmt::format("{} needs the {} {} key in hex after it", w_[i].text, what, kind)));
      }
      std::string why;
      auto key = detail::parse_hex(w_[i + 1].text, why);
      if (!key) fail(user(fmt::format("the {} {} key after {}: {}", what, kind, w_[i].text, why)));
      out.how = master ? key_source::kind::master_key : key_source::kind::localized_key;
      out.key = std::move(*key);
      const auto lengths = detail::allowed_key_lengths(out.how, auth, priv);
      if (std::find(lengths.begin(), lengths.end(), out.key.size()) == lengths.end()) {
        fail(user(fmt::format("the {} {} key must be {} with {}{}, not {} octets", what, kind,
                              detail::describe_lengths(lengths), snmp::usm::name(auth),
                              priv == priv_protocol::none
                                  ? std::string()
                                  : fmt::format(" and {}", snmp::usm::name(priv)),
                              out.key.size())));
      }
      return i + 2;
    }
    out.how = key_source::kind::passphrase;
    out.passphrase = w_[i].text;
    if (out.passphrase.size() < detail::min_passphrase_length) {
      fail(
          user(fmt::format("the {} passphrase is shorter than {} characters (Net-SNMP refuses "
                           "it too; RFC 3414 §11.2 recommends at least {})",
                           what, detail::min_passphrase_length, detail::min_passphrase_length)));
    }
    return i + 1;
  }

  std::span<const word> w_;
  std::string origin_;
  std::string name_;
};

bool same_secret(const key_source& a, const key_source& b) {
  return a.how == b.how && a.passphrase == b.passphrase && a.key == b.key;
}

/// Add u, or fold it into an earlier line for the same user that differs only in its -e
/// engine ID; config_error for any other repetition of a name.
void add_user(std::vector<user_config>& users, user_config u) {
  auto it = std::find_if(users.begin(), users.end(),
                         [&](const user_config& x) { return x.name == u.name; });
  if (it == users.end()) {
    users.push_back(std::move(u));
    return;
  }
  const bool foldable = !it->engine_ids.empty() && !u.engine_ids.empty() && it->auth == u.auth &&
                        it->priv == u.priv && same_secret(it->auth_key, u.auth_key) &&
                        same_secret(it->priv_key, u.priv_key) &&
                        it->auth_key.how != key_source::kind::localized_key &&
                        it->priv_key.how != key_source::kind::localized_key;
  if (foldable) {
    for (auto& id : u.engine_ids) {
      if (std::find(it->engine_ids.begin(), it->engine_ids.end(), id) == it->engine_ids.end()) {
        it->engine_ids.push_back(std::move(id));
      }
    }
    return;
  }
  if (!it->engine_ids.empty() && !u.engine_ids.empty()) {
    throw config_error(fmt::format(
        "{}: createUser: user '{}' is already defined at {} with other protocols or secrets; "
        "trapsink keeps one set of secrets per user name (lines for one user with different -e "
        "engine IDs must have the same protocols and passphrases or master keys, and then make "
        "one user pinned to those engine IDs): rename one of the users",
        u.origin, u.name, it->origin));
  }
  throw config_error(fmt::format(
      "{}: createUser: user '{}' is already defined at {}; user names must be unique: remove or "
      "rename one of the lines",
      u.origin, u.name, it->origin));
}

}  // namespace

std::vector<user_config> parse_netsnmp_users(std::string_view text, const std::string& origin_file,
                                             std::size_t* skipped_lines) {
  std::vector<user_config> users;
  std::size_t skipped = 0;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);

    std::size_t i = 0;
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size() || line[i] == '#') continue;  // blank or comment
    auto directive_at = [&](std::size_t from) {
      std::size_t end = from;
      while (end < line.size() && !is_space(line[end])) ++end;
      return std::pair{line.substr(from, end - from), end};
    };
    auto [directive, end] = directive_at(i);
    // "[snmptrapd] createUser ...": a one-line application-type prefix.
    if (directive.starts_with('[') && directive.ends_with(']')) {
      std::size_t next = end;
      while (next < line.size() && is_space(line[next])) ++next;
      std::tie(directive, end) = directive_at(next);
    }
    const std::string origin = fmt::format("{}:{}", origin_file, line_no);
    if (detail::iequals(directive, "createUser")) {
      std::vector<word> words;
      if (!split_words(line.substr(end), words)) {
        throw config_error(fmt::format(
            "{}: createUser: a quoted word has no closing quote (a quote inside a passphrase is "
            "written \\\" or \\')",
            origin));
      }
      add_user(users, create_user_parser(words, origin).parse());
      continue;
    }
    ++skipped;
    if (detail::iequals(directive, "usmUser")) {
      spdlog::warn(
          "{}: usmUser lines (users Net-SNMP stored with keys localized for its own engine ID) "
          "are not read; give the user as a createUser line",
          origin);
    }
  }
  if (skipped > 0) {
    spdlog::debug("{}: {} line(s) that are not createUser skipped", origin_file, skipped);
  }
  if (skipped_lines != nullptr) *skipped_lines = skipped;
  return users;
}

std::vector<user_config> read_netsnmp_users(const std::string& path, std::size_t* skipped_lines) {
  std::string why;
  auto text = detail::read_text_file(path, why);
  if (!text) throw config_error(fmt::format("{}: cannot read: {}", path, why));
  return parse_netsnmp_users(*text, path, skipped_lines);
}

}  // namespace trapsink::config
