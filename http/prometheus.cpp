#include "http/prometheus.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstddef>

namespace trapsink::http {
namespace {

bool is_name_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return alpha || (!first && c >= '0' && c <= '9');
}

/// Whether labels[i..] starts a new label: `name="`.
bool starts_label(std::string_view s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size() && is_name_char(s[j], j == i)) ++j;
  return j > i && j + 1 < s.size() && s[j] == '=' && s[j + 1] == '"';
}

void append_escaped(std::string_view v, std::string& out) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

}  // namespace

std::string escape_labels(std::string_view labels) {
  // The registry writes name="value" pairs joined by ','; a value ends at the '"' that is the
  // last character or is followed by ',' and the next name="; so a value may itself hold '"'.
  std::string out;
  std::size_t i = 0;
  while (i < labels.size()) {
    const auto eq = labels.find("=\"", i);
    if (eq == std::string_view::npos) break;
    out.append(labels.substr(i, eq - i));
    out += "=\"";
    std::size_t end = eq + 2;
    std::size_t close = std::string_view::npos;
    for (std::size_t k = end; k < labels.size(); ++k) {
      if (labels[k] != '"') continue;
      if (k + 1 == labels.size() || (labels[k + 1] == ',' && starts_label(labels, k + 2))) {
        close = k;
        break;
      }
    }
    if (close == std::string_view::npos) close = labels.size();  // unterminated: take the rest
    append_escaped(labels.substr(end, close - end), out);
    out += '"';
    i = close + 1;
    if (i < labels.size() && labels[i] == ',') {
      out += ',';
      ++i;
    }
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_prometheus(const core::metrics_registry& metrics) {
  std::string out;
  out.reserve(16384);
  auto header = [&](const std::string& name, const char* type) {
    const std::string help = metrics.help(name);
    out +=
        fmt::format("# HELP {} {}\n# TYPE {} {}\n", name,
                    help.empty() ? std::string("trapsink metric") : escape_help(help), name, type);
  };
  std::string last;
  for (const auto& s : metrics.snapshot()) {
    if (s.name != last) {
      header(s.name, "counter");
      last = s.name;
    }
    if (s.labels.empty()) {
      out += fmt::format("{} {}\n", s.name, s.value);
    } else {
      out += fmt::format("{}{{{}}} {}\n", s.name, escape_labels(s.labels), s.value);
    }
  }
  last.clear();
  for (const auto& g : metrics.gauges()) {
    if (g.name != last) {
      header(g.name, "gauge");
      last = g.name;
    }
    if (g.labels.empty()) {
      out += fmt::format("{} {}\n", g.name, format_value(g.value));
    } else {
      out += fmt::format("{}{{{}}} {}\n", g.name, escape_labels(g.labels), format_value(g.value));
    }
  }
  return out;
}

}  // namespace trapsink::http
