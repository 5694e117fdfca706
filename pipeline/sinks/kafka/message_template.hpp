#pragma once
// The Kafka sink's topic and key templates: text with placeholders taken from the record
// ({source}, {trap_oid}, ...). Parsed once when the sink is built; expanded per record.
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/record/record.hpp"

namespace trapsink::pipeline::sinks {

/// A parsed template such as "traps.{version}" or "{source}". Placeholders:
///
/// | placeholder       | value                                                         |
/// |-------------------|---------------------------------------------------------------|
/// | `{source}`        | record.source.address (the datagram's sender)                 |
/// | `{agent_address}` | record.agent_address (docs/record.md)                         |
/// | `{trap_oid}`      | record.trap_oid, dotted numeric                               |
/// | `{trap_name}`     | record.trap_name once MIBs resolve it, else the trap_oid      |
/// | `{version}`       | "1", "2c" or "3"                                              |
/// | `{pdu}`           | "trap" or "inform"                                            |
///
/// `{{` and `}}` stand for literal braces. Anything else in braces is an error.
class message_template {
 public:
  /// An empty template (expands to "").
  message_template() = default;

  /// Parse `text`. Throws std::invalid_argument naming `what` (e.g. "kafka topic") and the
  /// offending placeholder for an unknown placeholder or an unmatched brace.
  message_template(std::string_view text, std::string_view what);

  /// Append the expansion for `r` to out.
  void expand(const record& r, std::string& out) const;

  /// The expansion for `r`.
  std::string expand(const record& r) const;

  /// True when the template holds no placeholder (its expansion never changes).
  bool is_static() const noexcept { return static_; }

  /// True when the template is the empty text.
  bool empty() const noexcept { return parts_.empty(); }

  /// The text the template was parsed from.
  const std::string& text() const noexcept { return text_; }

 private:
  /// What one part of the template stands for.
  enum class field { literal, source, agent_address, trap_oid, trap_name, version, pdu };
  struct part {
    field f = field::literal;
    std::string literal;  ///< the text, for field::literal
  };
  std::string text_;
  std::vector<part> parts_;
  bool static_ = true;
};

/// Whether `name` is a legal Kafka topic name: 1..249 characters of [A-Za-z0-9._-], not "." or
/// "..".
bool is_valid_topic_name(std::string_view name) noexcept;

/// Make `name` a legal topic name in place: every character outside [A-Za-z0-9._-] becomes '_'
/// (so "192.0.2.1" stays, "2001:db8::1" becomes "2001_db8__1"), longer names are cut to 249
/// characters, and "", "." and ".." become "_", "_." and "_..".
void sanitize_topic_name(std::string& name);

}  // namespace trapsink::pipeline::sinks
