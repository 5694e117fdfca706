// Query output formats (store/format.hpp).
#include "store/format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace trapsink::store {
namespace {

/// Keys in the record's order, so a re-serialized part reads as in the record.
using json = nlohmann::ordered_json;

/// The text of a JSON value as the table shows it.
std::string value_text(const json& vb) {
  const auto it = vb.find("value");
  if (it == vb.end() || it->is_null()) return "null";
  if (it->is_string()) {
    const auto enc = vb.find("encoding");
    const bool hex = enc != vb.end() && enc->is_string() && enc->get<std::string>() == "hex";
    return hex ? "0x" + it->get<std::string>() : it->get<std::string>();
  }
  return it->dump();
}

/// Printable on one line: control characters become '?'.
std::string one_line(std::string s) {
  for (auto& c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return s;
}

/// Pad to `width` columns (bytes; addresses and OIDs are ASCII).
std::string pad(std::string_view s, std::size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

/// A string member of a JSON object, or "".
std::string member(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

output_format parse_format(std::string_view text) {
  if (text == "table") return output_format::table;
  if (text == "json") return output_format::json;
  if (text == "jsonl") return output_format::jsonl;
  if (text == "csv") return output_format::csv;
  throw usage_error(
      fmt::format("--format '{}' is not known: give table, json, jsonl or csv", text));
}

std::string trap_label(const event& e) { return e.trap_name ? *e.trap_name : e.trap_oid; }

std::string varbind_summary(std::string_view record_json, std::size_t width) {
  const json rec = json::parse(record_json, nullptr, false);
  if (rec.is_discarded() || !rec.contains("varbinds") || !rec["varbinds"].is_array()) return "?";
  const auto& vbs = rec["varbinds"];
  if (vbs.empty()) return "-";
  std::string out;
  const std::size_t n = vbs.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::string item = one_line(member(vbs[i], "oid") + "=" + value_text(vbs[i]));
    const std::string sep = i == 0 ? "" : ", ";
    // If this is the last item shown, what follows it.
    const std::string rest = i + 1 < n ? fmt::format(", ... (+{})", n - i - 1) : "";
    if (out.size() + sep.size() + item.size() + rest.size() <= width) {
      out += sep + item;
      continue;
    }
    if (i > 0) return out + fmt::format(", ... (+{})", n - i);
    // The first item alone is too long: cut it (at a character boundary).
    std::size_t keep = width > rest.size() + 3 ? width - rest.size() - 3 : 0;
    auto continuation = [&](std::size_t k) {
      return k < item.size() && (static_cast<unsigned char>(item[k]) & 0xc0) == 0x80;
    };
    while (keep > 0 && continuation(keep)) --keep;
    return item.substr(0, keep) + "..." + rest;
  }
  return out;
}

std::string csv_field(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (const char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

event_writer::event_writer(std::ostream& out, output_format format) : out_(out), format_(format) {}

void event_writer::begin(const std::vector<event>& first_rows) {
  switch (format_) {
    case output_format::table:
      for (const auto& e : first_rows) {
        source_width_ = std::max(source_width_, e.source_address.size());
        trap_width_ = std::max(trap_width_, trap_label(e).size());
      }
      out_ << pad("TIME (UTC)", 23) << "  " << pad("SOURCE", source_width_) << "  VER  PDU     "
           << pad("TRAP", trap_width_) << "  VARBINDS\n";
      break;
    case output_format::json:
      out_ << '[';
      break;
    case output_format::jsonl:
      break;
    case output_format::csv:
      out_ << "id,time,source_address,source_port,transport,version,pdu,community,request_id,"
              "uptime,trap_oid,trap_name,agent_address,varbinds\n";
      break;
  }
}

void event_writer::rows(const std::vector<event>& events) {
  for (const auto& e : events) row(e);
  out_.flush();
}

void event_writer::row(const event& e) {
  switch (format_) {
    case output_format::table:
      out_ << format_time_ms(e.time_us) << "  " << pad(e.source_address, source_width_) << "  "
           << pad(e.version, 3) << "  " << pad(e.pdu, 6) << "  " << pad(trap_label(e), trap_width_)
           << "  " << varbind_summary(e.record) << '\n';
      break;
    case output_format::json:
      out_ << (written_ == 0 ? "\n" : ",\n") << e.record;
      break;
    case output_format::jsonl:
      out_ << e.record << '\n';
      break;
    case output_format::csv: {
      const json rec = json::parse(e.record, nullptr, false);
      const json empty = json::object();
      const json& r = rec.is_discarded() ? empty : rec;
      const std::string time = member(r, "time");
      out_ << csv_field(e.id) << ',' << csv_field(time) << ',' << csv_field(e.source_address) << ','
           << e.source_port << ',' << csv_field(e.transport) << ',' << csv_field(e.version) << ','
           << csv_field(e.pdu) << ',' << csv_field(member(r, "community")) << ','
           << csv_field(member(r, "request_id")) << ',' << csv_field(member(r, "uptime")) << ','
           << csv_field(e.trap_oid) << ',' << csv_field(e.trap_name.value_or("")) << ','
           << csv_field(e.agent_address) << ','
           << csv_field(r.contains("varbinds") ? r["varbinds"].dump() : "[]") << '\n';
      break;
    }
  }
  ++written_;
}

void event_writer::end() {
  if (format_ == output_format::json) out_ << (written_ == 0 ? "]\n" : "\n]\n");
  out_.flush();
}

}  // namespace trapsink::store
