#pragma once
// Writing query results: a table for people, JSON (one array), JSON lines (one record per line,
// exactly as the JSON-lines sink writes them) and CSV (RFC 4180 quoting, one header line).
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "store/event_store.hpp"

namespace trapsink::store {

/// An output format of `trapsink query`.
enum class output_format { table, json, jsonl, csv };

/// "table", "json", "jsonl" or "csv"; throws usage_error for anything else.
output_format parse_format(std::string_view text);

/// Writes events in one format, in pieces: begin() once, rows as they come (several calls are
/// fine, e.g. while following a database), end() once.
class event_writer {
 public:
  /// Write to out. The table's column widths are fitted to the first rows written.
  event_writer(std::ostream& out, output_format format);

  /// The table or CSV header; "[" for JSON. `first_rows` (may be empty) fit the table widths.
  void begin(const std::vector<event>& first_rows);
  /// Write rows.
  void rows(const std::vector<event>& events);
  /// "]" for JSON; nothing for the others.
  void end();

 private:
  void row(const event& e);

  std::ostream& out_;
  output_format format_;
  std::size_t written_ = 0;
  std::size_t source_width_ = 15;
  std::size_t trap_width_ = 19;
};

/// The trap column of the table: trap_name when known, else the OID.
std::string trap_label(const event& e);

/// A short summary of the varbinds of a record JSON, "OID=VALUE, OID=VALUE, ...": hex values
/// as 0x..., Null as null, cut to at most `width` characters with "..." (and how many more).
std::string varbind_summary(std::string_view record_json, std::size_t width = 100);

/// A CSV field, quoted when it holds a comma, quote, CR or LF (RFC 4180).
std::string csv_field(std::string_view v);

}  // namespace trapsink::store
