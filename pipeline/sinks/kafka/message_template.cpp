// Topic and key templates of the Kafka sink (message_template.hpp).
#include "pipeline/sinks/kafka/message_template.hpp"

#include <stdexcept>

namespace trapsink::pipeline::sinks {

message_template::message_template(std::string_view text, std::string_view what) : text_(text) {
  std::string literal;
  auto flush_literal = [&] {
    if (!literal.empty()) parts_.push_back({field::literal, std::move(literal)});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal.push_back('}');
        ++i;
        continue;
      }
      throw std::invalid_argument(std::string(what) + " '" + std::string(text) +
                                  "': unmatched '}' (write '}}' for a literal brace)");
    }
    if (c != '{') {
      literal.push_back(c);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal.push_back('{');
      ++i;
      continue;
    }
    const auto close = text.find('}', i + 1);
    if (close == std::string_view::npos) {
      throw std::invalid_argument(std::string(what) + " '" + std::string(text) +
                                  "': unmatched '{' (write '{{' for a literal brace)");
    }
    const std::string_view name = text.substr(i + 1, close - i - 1);
    field f{};
    if (name == "source") {
      f = field::source;
    } else if (name == "agent_address") {
      f = field::agent_address;
    } else if (name == "trap_oid") {
      f = field::trap_oid;
    } else if (name == "trap_name") {
      f = field::trap_name;
    } else if (name == "version") {
      f = field::version;
    } else if (name == "pdu") {
      f = field::pdu;
    } else {
      throw std::invalid_argument(
          std::string(what) + " '" + std::string(text) + "': unknown placeholder '{" +
          std::string(name) +
          "}' (known: {source}, {agent_address}, {trap_oid}, {trap_name}, {version}, {pdu})");
    }
    flush_literal();
    parts_.push_back({f, {}});
    static_ = false;
    i = close;
  }
  flush_literal();
}

void message_template::expand(const record& r, std::string& out) const {
  for (const auto& p : parts_) {
    switch (p.f) {
      case field::literal:
        out += p.literal;
        break;
      case field::source:
        out += r.source.address;
        break;
      case field::agent_address:
        out += r.agent_address;
        break;
      case field::trap_oid:
        out += r.trap_oid;
        break;
      case field::trap_name:
        out += r.trap_name ? *r.trap_name : r.trap_oid;
        break;
      case field::version:
        out += r.version;
        break;
      case field::pdu:
        out += r.pdu;
        break;
    }
  }
}

std::string message_template::expand(const record& r) const {
  std::string out;
  expand(r, out);
  return out;
}

namespace {

bool topic_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

constexpr std::size_t max_topic_length = 249;

}  // namespace

bool is_valid_topic_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > max_topic_length || name == "." || name == "..") {
    return false;
  }
  for (const char c : name) {
    if (!topic_char(c)) return false;
  }
  return true;
}

void sanitize_topic_name(std::string& name) {
  for (char& c : name) {
    if (!topic_char(c)) c = '_';
  }
  if (name.size() > max_topic_length) name.resize(max_topic_length);
  if (name.empty() || name == "." || name == "..") name.insert(name.begin(), '_');
}

}  // namespace trapsink::pipeline::sinks
